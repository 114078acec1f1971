"""Taking samples of one operation, bounded in time, and summarising them."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import attrs


@attrs.frozen
class Task:
    """What to time: ``run``, with untimed ``before`` and ``after`` around each sample."""

    run: Callable[[], object]
    before: Callable[[], None] | None = None
    after: Callable[[], None] | None = None
    #: Untimed calls before the first sample (to warm caches), reads only.
    warmup: int = 1


@attrs.frozen
class Samples:
    """Durations in seconds, and optionally a peak memory figure in bytes."""

    seconds: tuple[float, ...]
    peak_bytes: int | None = None
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def low(self) -> float:
        return min(self.seconds)

    @property
    def high(self) -> float:
        return max(self.seconds)


@attrs.frozen
class Skipped:
    """An operation a column cannot run (yet), and why."""

    reason: str


Outcome = Samples | Skipped


def measure(task: Task, *, repeat: int, budget_s: float) -> Samples:
    """Up to ``repeat`` samples of ``task.run``; stop early once ``budget_s`` seconds
    (counting untimed work too) have gone, keeping at least one sample."""
    clock = time.perf_counter
    for _ in range(task.warmup):
        if task.before:
            task.before()
        task.run()
        if task.after:
            task.after()
    taken: list[float] = []
    started = clock()
    while len(taken) < repeat:
        if task.before:
            task.before()
        t0 = clock()
        task.run()
        taken.append(clock() - t0)
        if task.after:
            task.after()
        if clock() - started > budget_s:
            break
    return Samples(tuple(taken))
