"""Taking samples of one operation, bounded in time, and summarising them."""

from __future__ import annotations

import os
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

    @classmethod
    def failure(cls, exc: Exception, what: str = "failed") -> Skipped:
        """An operation (or ``what`` else) that raised ``exc``."""
        return cls(f"{what}: {type(exc).__name__}: {exc}")


Outcome = Samples | Skipped


def required(task: Task | Skipped) -> Task:
    """``task``, or the end of a diagnostic script that cannot go on without it."""
    if isinstance(task, Skipped):
        raise SystemExit(task.reason)
    return task


def seconds_of(outcome: Outcome) -> tuple[float, ...]:
    """The samples of ``outcome``, or the end of a diagnostic script when it failed."""
    if not isinstance(outcome, Samples):
        raise SystemExit(f"failed: {outcome.reason}")
    return outcome.seconds


def settle(*flushes: Callable[[], None]) -> None:
    """Run ``flushes``, then ``os.sync()``: no earlier write is still on its way to the
    disk. A flush writes out what a database server keeps in its own memory (a
    PostgreSQL ``CHECKPOINT``), which ``os.sync()`` cannot reach."""
    for flush in flushes:
        flush()
    os.sync()


def synced(task: Task, *flushes: Callable[[], None]) -> Task:
    """``task`` that :func:`settle` s after its ``before``: a write sample then starts with
    no earlier write (of any contender, or of this one's untimed set-up) still on its
    way to the disk."""
    before = task.before

    def settled() -> None:
        if before is not None:
            before()
        settle(*flushes)

    return attrs.evolve(task, before=settled)


def _sample(task: Task) -> float:
    if task.before:
        task.before()
    t0 = time.perf_counter()
    task.run()
    taken = time.perf_counter() - t0
    if task.after:
        task.after()
    return taken


def measure_interleaved(
    tasks: dict[str, Task], *, repeat: int, budget_s: float
) -> dict[str, Outcome]:
    """Up to ``repeat`` rounds, each taking one sample of every task in turn, so that
    every task sees the machine as it is during the same minutes; stop early once
    ``budget_s`` seconds per task have gone, keeping at least one round. A task that
    raises is left out of the rounds that follow, its outcome the reason."""
    taken: dict[str, list[float]] = {key: [] for key in tasks}
    failed: dict[str, Skipped] = {}

    def sample(key: str, task: Task) -> float | None:
        try:
            return _sample(task)
        except Exception as exc:
            failed[key] = Skipped.failure(exc)
            return None

    for key, task in tasks.items():
        for _ in range(task.warmup):
            sample(key, task)
    started = time.perf_counter()
    for _ in range(repeat):
        for key, task in tasks.items():
            if key not in failed and (seconds := sample(key, task)) is not None:
                taken[key].append(seconds)
        if time.perf_counter() - started > budget_s * len(tasks):
            break
    return {key: failed.get(key) or Samples(tuple(taken[key])) for key in tasks}


def measure(task: Task, *, repeat: int, budget_s: float) -> Samples:
    """Up to ``repeat`` samples of ``task.run``; stop early once ``budget_s`` seconds
    (counting untimed work too) have gone, keeping at least one sample."""
    for _ in range(task.warmup):
        _sample(task)
    taken: list[float] = []
    started = time.perf_counter()
    while len(taken) < repeat:
        taken.append(_sample(task))
        if time.perf_counter() - started > budget_s:
            break
    return Samples(tuple(taken))
