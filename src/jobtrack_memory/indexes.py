"""Per-owner indexes and running totals of the memory store.

An :class:`OwnerIndex` holds, for one owner, every sorted index and total the
reports need: counts per status, revenue, receivables and pipeline (O(1) to
read), payments by UTC day (a year's revenue reads at most a few hundred
buckets), sorted keys for every job listing order, and per-customer totals.
It is changed only through :meth:`OwnerIndex.change`,
:meth:`OwnerIndex.add_many` and :meth:`OwnerIndex.change_customer`; a change
is undone by the change with its arguments swapped, which is how a rolled-back
unit of work undoes them.

Keys are tuples of integers and strings (instants as microseconds since
1970, dates as ordinals), which compare quickly; each ends with the id it
stands for. :func:`position_key` turns a listing cursor into the same form.
"""

from __future__ import annotations

import bisect
import operator
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any, Generic, TypeVar

from sortedcontainers import SortedDict, SortedList  # type: ignore[import-untyped]

from jobtrack_core import rules
from jobtrack_core.entities import Customer, Job
from jobtrack_core.money import to_minor
from jobtrack_core.pagination import JobPosition, JobSort
from jobtrack_core.queries import ascii_lower
from jobtrack_core.status import OPEN, JobStatus

K = TypeVar("K", bound=tuple[Any, ...])

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
DAY = timedelta(days=1)
_MICROSECOND = timedelta(microseconds=1)
_DAY_US = DAY // _MICROSECOND
_CENTS, _JOBS = operator.itemgetter(0), operator.itemgetter(1)  # of a [cents, jobs] pair
#: After every id (ids are non-empty text without lone surrogates).
LAST_ID = "\U0010ffff"


class Keys(Generic[K]):
    """A sorted set of key tuples (the last element of each is a job or customer id)."""

    def __init__(self) -> None:
        self._keys: Any = SortedList()

    def __len__(self) -> int:
        return len(self._keys)

    def add(self, key: K) -> None:
        self._keys.add(key)

    def update(self, keys: Sequence[K]) -> None:
        """Add many keys at once."""
        self._keys.update(keys)

    def remove(self, key: K) -> None:
        self._keys.remove(key)

    def ids(
        self,
        *,
        low: tuple[Any, ...] | None = None,
        high: tuple[Any, ...] | None = None,
        inclusive: tuple[bool, bool] = (True, True),
        reverse: bool = False,
    ) -> Iterator[str]:
        """The ids of the keys between ``low`` and ``high``, in order (or reversed)."""
        for key in self._keys.irange(low, high, inclusive, reverse):
            yield key[-1]

    def between(self, low: tuple[Any, ...], high: tuple[Any, ...]) -> Iterator[K]:
        """The keys from ``low`` (included) up to ``high`` (excluded), in order."""
        keys: Iterator[K] = self._keys.irange(low, high, (True, False))
        return keys

    def count_below(self, key: tuple[Any, ...]) -> int:
        """How many keys sort before ``key``."""
        found: int = self._keys.bisect_left(key)
        return found

    def last(self) -> K | None:
        return self._keys[-1] if self._keys else None


def micros(moment: datetime) -> int:
    """Microseconds since 1970-01-01 UTC."""
    return (moment - EPOCH) // _MICROSECOND


def utc_day(moment: datetime) -> int:
    """Days since 1970-01-01 of the UTC date of ``moment``."""
    return (moment - EPOCH) // DAY


def cents(amount: object) -> int:
    return 0 if amount is None else to_minor(amount)  # type: ignore[arg-type]


def position_key(position: JobPosition) -> tuple[Any, ...]:
    """A listing cursor as a key of the index of its sort."""
    if position.sort in (JobSort.NEWEST, JobSort.UPDATED):
        assert position.moment is not None
        return (micros(position.moment), position.id)
    if position.sort is JobSort.DUE:
        due = position.due_date
        return (due is None, 0 if due is None else due.toordinal(), position.id)
    title = position.title or ""
    return (ascii_lower(title), title, position.id)


def due_key(job: Job) -> tuple[bool, int, str]:
    due = job.due_date
    return (due is None, 0 if due is None else due.toordinal(), job.id)


class CustomerTotals:
    """One customer's jobs (oldest first) and running figures, in minor units."""

    __slots__ = (
        "act_cost",
        "act_hours",
        "completed",
        "cost_jobs",
        "earned",
        "est_cost",
        "est_hours",
        "history",
        "hours_jobs",
        "paid",
        "paid_jobs",
        "unpaid",
    )

    def __init__(self) -> None:
        self.history: Keys[tuple[int, str]] = Keys()  # (created_at in microseconds, id)
        self.completed = self.earned = self.unpaid = self.paid = self.paid_jobs = 0
        self.cost_jobs = self.est_cost = self.act_cost = 0
        self.hours_jobs = self.est_hours = self.act_hours = 0

    def apply(self, job: Job, cost: int, sign: int) -> None:
        if job.paid:
            self.paid += sign * cost
            self.paid_jobs += sign
        else:
            self.unpaid += sign * cost
        if job.status is JobStatus.COMPLETED:
            self.completed += sign
            if job.paid:
                self.earned += sign * cost
            if job.estimated_cost is not None and job.actual_cost is not None:
                self.cost_jobs += sign
                self.est_cost += sign * cents(job.estimated_cost)
                self.act_cost += sign * cost
            if job.estimated_hours is not None and job.actual_hours is not None:
                self.hours_jobs += sign
                self.est_hours += sign * cents(job.estimated_hours)
                self.act_hours += sign * cents(job.actual_hours)


_STATUS_INDEX = {s: f"status:{s.value}" for s in JobStatus}


def _listing_keys(job: Job, created: tuple[int, str]) -> dict[str, tuple[Any, ...]]:
    """The job's key in each sorted index it belongs to."""
    due = due_key(job)
    keys: dict[str, tuple[Any, ...]] = {
        "newest": created,
        "updated": (micros(job.updated_at), job.id),
        "due": due,
        "title": (ascii_lower(job.title), job.title, job.id),
        _STATUS_INDEX[job.status]: created,
    }
    if job.status in OPEN:
        keys["open_due"] = due
    if job.paid:
        if job.paid_at is not None:
            keys["paid"] = (micros(job.paid_at), cents(job.actual_cost), job.id)
    else:
        keys["unpaid"] = created
        if job.status is JobStatus.COMPLETED:
            done = job.completed_at
            keys["unpaid_done"] = (done is not None, 0 if done is None else micros(done), job.id)
    return keys


class OwnerIndex:
    """Everything the reports of one owner read, kept up to date on every write."""

    def __init__(self) -> None:
        self.customers_by_name: Keys[tuple[str, str]] = Keys()
        self.customer_totals: dict[str, CustomerTotals] = {}
        self.statuses: dict[JobStatus, int] = dict.fromkeys(JobStatus, 0)
        self.revenue = [0, 0]  # cents, jobs
        self.receivables = [0, 0]
        self.pipeline = [0, 0]
        #: due and paid cents; cents and jobs of owed, deposits and credits
        self.balances = [0] * 8
        self.paid_days: Any = SortedDict()  # UTC day -> [cents, jobs]
        self.sorted: dict[str, Keys[tuple[Any, ...]]] = {
            name: Keys()
            for name in (
                "newest",
                "updated",
                "due",
                "title",
                "open_due",
                "paid",
                "unpaid",
                "unpaid_done",
                *_STATUS_INDEX.values(),
            )
        }

    # -- changes ---------------------------------------------------------------------
    def change(self, old: Job | None, new: Job | None) -> None:
        """Account for a job going from ``old`` to ``new`` (None: absent)."""
        old_created = (micros(old.created_at), old.id) if old else None
        new_created = (micros(new.created_at), new.id) if new else None
        old_keys = _listing_keys(old, old_created) if old and old_created else {}
        new_keys = _listing_keys(new, new_created) if new and new_created else {}
        for name in old_keys.keys() | new_keys.keys():
            before, after = old_keys.get(name), new_keys.get(name)
            if before != after:
                if before is not None:
                    self.sorted[name].remove(before)
                if after is not None:
                    self.sorted[name].add(after)
        if old is not None and old_created is not None:
            self._figures(old, -1)
            self.customer_totals[old.customer_id].history.remove(old_created)
        if new is not None and new_created is not None:
            self._figures(new, +1)
            self.customer_totals[new.customer_id].history.add(new_created)

    def add_many(self, jobs: Sequence[Job]) -> None:
        """Account for many new jobs at once (sorting each index once, not per job)."""
        keys: dict[str, list[tuple[Any, ...]]] = {name: [] for name in self.sorted}
        history: dict[str, list[tuple[int, str]]] = {}
        for job in jobs:
            created = (micros(job.created_at), job.id)
            for name, key in _listing_keys(job, created).items():
                keys[name].append(key)
            self._figures(job, +1)
            history.setdefault(job.customer_id, []).append(created)
        for name, added in keys.items():
            self.sorted[name].update(added)
        for customer_id, created_keys in history.items():
            self.customer_totals[customer_id].history.update(created_keys)

    def _figures(self, job: Job, sign: int) -> None:
        self.statuses[job.status] += sign
        cost = cents(job.actual_cost)
        if rules.is_receivable(job):
            _bump(self.receivables, sign * cost, sign)
        if rules.in_pipeline(job):
            _bump(self.pipeline, sign * cents(job.estimated_cost), sign)
        self._balances(job, sign)
        if rules.is_revenue(job):
            _bump(self.revenue, sign * cost, sign)
            if job.paid_at is not None:
                day = utc_day(job.paid_at)
                bucket = self.paid_days.setdefault(day, [0, 0])
                _bump(bucket, sign * cost, sign)
                if bucket[1] == 0:
                    del self.paid_days[day]
        self.customer_totals[job.customer_id].apply(job, cost, sign)

    def change_customer(self, old: Customer | None, new: Customer | None) -> None:
        """Account for a customer going from ``old`` to ``new`` (None: absent). A customer
        is removed only after its jobs."""
        if old is not None:
            self.customers_by_name.remove((old.name, old.id))
            if new is None:
                del self.customer_totals[old.id]
        if new is not None:
            self.customers_by_name.add((new.name, new.id))
            self.customer_totals.setdefault(new.id, CustomerTotals())

    # -- reads -----------------------------------------------------------------------
    def paid_in_each(self, bounds: Sequence[datetime]) -> list[list[int]]:
        """Cents and number of paid jobs with ``low <= paid_at < high``, for each pair of
        adjacent ``bounds``: the UTC days wholly inside a period from the day buckets,
        the days that a bound cuts job by job (each such day read once)."""
        edges = [micros(bound) for bound in bounds]
        if any(low > high for low, high in pairwise(edges)):  # out of order: one by one
            return [self.paid_in_each([low, high])[0] if low < high else [0, 0]
                    for low, high in pairwise(bounds)]  # fmt: skip
        totals = [[0, 0] for _ in edges[1:]]
        paid = self.sorted["paid"]
        for day in sorted({edge // _DAY_US for edge in edges if edge % _DAY_US}):
            midnight = day * _DAY_US
            for at, amount, _ in paid.between((midnight,), (midnight + _DAY_US,)):
                period = bisect.bisect_right(edges, at) - 1
                if 0 <= period < len(totals):
                    _bump(totals[period], amount, 1)
        days = self.paid_days
        buckets = days.values()
        for total, (low, high) in zip(totals, pairwise(edges), strict=True):
            first, end = -(-low // _DAY_US), high // _DAY_US  # the whole days inside
            if first < end:
                whole = buckets[days.bisect_left(first) : days.bisect_left(end)]
                total[0] += sum(map(_CENTS, whole))
                total[1] += sum(map(_JOBS, whole))
        return totals

    def _balances(self, job: Job, sign: int) -> None:
        figures = self.balances
        figures[0] += sign * cents(job.amount_due)
        figures[1] += sign * cents(job.amount_paid)
        for at, amount in ((2, job.owed), (4, job.deposit), (6, job.credit)):
            if amount:
                figures[at] += sign * cents(amount)
                figures[at + 1] += sign


def _bump(pair: list[int], amount: int, count: int) -> None:
    pair[0] += amount
    pair[1] += count


__all__ = [
    "LAST_ID",
    "CustomerTotals",
    "Keys",
    "OwnerIndex",
    "due_key",
    "micros",
    "position_key",
    "utc_day",
]
