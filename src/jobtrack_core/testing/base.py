"""What the contract suite's test classes share: properties applied per store class.

Hypothesis keeps state per decorated test function, and warns
(``HealthCheck.differing_executors``) when one function runs on instances of
several classes, as an inherited test does when several stores run the suite in
one process. So the suite's tests are marked with :func:`prop` and every
subclass of :class:`Contract` applies :func:`hypothesis.given` to its own copy,
with the settings active when the subclass is made (a profile loaded in a
``conftest.py`` applies). A store's test module needs nothing of this.

A property marked :func:`costly` (one whose every example plays many calls on the
store) runs ``examples_scale`` times the loaded profile's examples on a subclass that
sets it below 1: a store behind a server or a file pays for each call, and draws
fewer examples than the in-memory stores, which run them all. It never draws fewer
than the profile's examples or 25, whichever is fewer: a small profile runs as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, ClassVar, TypeVar

from hypothesis import given, settings
from hypothesis import strategies as st

from jobtrack_core.passwords import Argon2Hasher
from jobtrack_core.periods import BusinessCalendar
from jobtrack_core.ports import Store
from jobtrack_core.service import Jobtrack, Workspace
from jobtrack_core.testing.fakes import PASSWORD, CountingIds, FakeClock

F = TypeVar("F", bound=Callable[..., Any])
_STRATEGIES = "_contract_strategies"
_ORIGINAL = "_contract_original"
_COSTLY = "_contract_costly"
_FEWEST = 25  # the dev profile's examples: a scaled property never draws fewer


def prop(**strategies: st.SearchStrategy[Any]) -> Callable[[F], F]:
    """Mark a contract test as a property over ``strategies`` (``given``'s keywords)."""

    def mark(test: F) -> F:
        setattr(test, _STRATEGIES, strategies)
        return test

    return mark


def costly(test: F) -> F:
    """Mark a contract property as costly per example: ``examples_scale`` applies to it."""
    setattr(test, _COSTLY, True)
    return test


def scaled_examples(examples: int, scale: float) -> int:
    """How many examples a costly property draws where the profile asks for ``examples``."""
    if scale >= 1:
        return examples
    return max(min(examples, _FEWEST), round(examples * scale))


class Contract:
    """Base of the contract suite's classes; see the module docstring."""

    examples_scale: ClassVar[float] = 1.0
    """The share of the profile's examples the :func:`costly` properties draw (see the
    module docstring); a store's test class sets it below 1 where each call is slow."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name in dir(cls):
            if not name.startswith("test_"):
                continue
            found = getattr(cls, name)
            original = getattr(found, _ORIGINAL, found)
            strategies = getattr(original, _STRATEGIES, None)
            if strategies is None:
                continue
            wrapped = given(**strategies)(original)
            loaded = settings.default
            if getattr(original, _COSTLY, False) and loaded is not None:
                examples = scaled_examples(loaded.max_examples, cls.examples_scale)
                if examples != loaded.max_examples:
                    wrapped = settings(loaded, max_examples=examples)(wrapped)
            setattr(wrapped, _ORIGINAL, original)
            setattr(cls, name, wrapped)


__all__ = ["Contract", "costly", "prop", "scaled_examples"]


def business(
    store: Store, at: datetime, zone: str, email: str, name: str
) -> tuple[Workspace, FakeClock]:
    """The workspace of a business registered (``email``, ``name``) on a service over
    ``store`` whose fake clock stands at ``at``, with counting ids, the tests' hasher and
    the business calendar of ``zone``; and that clock."""
    clock = FakeClock(at)
    app = Jobtrack(
        store,
        clock=clock,
        ids=CountingIds(),
        hasher=Argon2Hasher.for_tests(),
        calendar=BusinessCalendar(zone),
    )
    return app.workspace(app.register(email=email, password=PASSWORD, name=name).id), clock
