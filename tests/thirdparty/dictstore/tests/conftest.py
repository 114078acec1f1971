"""This package's own Hypothesis profile: few examples, no deadline (a slow machine is not
a failure); every health check on."""

from hypothesis import settings

settings.register_profile("dictstore", max_examples=10, stateful_step_count=15, deadline=None)
settings.load_profile("dictstore")
