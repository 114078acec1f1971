"""Hypothesis profiles: ``dev`` for daily work, ``ci`` (more examples) when CI=true,
``mutation`` (few examples, the same ones every run) for mutation testing.

Choose one explicitly with HYPOTHESIS_PROFILE=dev|ci|mutation.
"""

import os

from hypothesis import HealthCheck, Phase, settings

settings.register_profile(
    "dev",
    max_examples=25,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.differing_executors],
)
settings.register_profile(
    "ci",
    max_examples=150,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.differing_executors],
    print_blob=True,
)
# Each mutant runs the tests again: few examples keep a run within hours, the same
# examples each time make its score repeatable (no example database, no random seed), and
# a failure is reported as found, without shrinking it (a mutant only needs to fail).
settings.register_profile(
    "mutation",
    max_examples=3,
    stateful_step_count=8,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.differing_executors],
)
_default = "ci" if os.environ.get("CI", "").lower() in ("1", "true", "yes") else "dev"
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", _default))
