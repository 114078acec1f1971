"""Deterministic time and ids for tests."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

#: The password the shipped tests register their users with.
PASSWORD = "correct horse battery"


class FakeClock:
    """A clock that stands still until told to move.

    >>> clock = FakeClock()
    >>> before = clock()
    >>> clock.advance(seconds=5)
    >>> (clock() - before).total_seconds()
    5.0
    """

    def __init__(self, start: datetime = datetime(2025, 7, 6, 9, 0, tzinfo=UTC)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> None:
        self.now += delta if delta is not None else timedelta(**kwargs)

    def tick(self) -> None:
        """Move on by the smallest step every store can represent: one microsecond."""
        self.now += timedelta(microseconds=1)


class CountingIds:
    """Ids ``prefix-1``, ``prefix-2``, ... in order."""

    def __init__(self, prefix: str = "id") -> None:
        self._counter = itertools.count(1)
        self.prefix = prefix

    def __call__(self) -> str:
        return f"{self.prefix}-{next(self._counter)}"
