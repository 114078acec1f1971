"""What the benchmark measures: the operations, their targets, and the parameters
(owners, customer, filters, pages) every column runs them with."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Protocol, TypeVar

import attrs

from bench.dataset import TODAY, CustomerRecord, Dataset, JobRecord, OwnerRecord
from bench.timing import Skipped, Task

PAGE_SIZE = 50
UPCOMING_DAYS = 7
#: The page the "later page" listing fetches, if there are that many.
LATER_PAGE = 21


@attrs.frozen
class OwnerCase:
    """One acting owner and the data its queries need."""

    label: str  # "large" or "typical"
    owner_id: str
    jobs: int
    #: The owner's customer with the most jobs: whose history page is read.
    customer_id: str
    #: How many jobs the listing filter matches, and which later page is read.
    listing_matches: int
    later_page: int


@attrs.frozen
class Listing:
    """The combined filter of the job listing: statuses, unpaid, due-date range."""

    statuses: tuple[str, ...] = ("in_progress", "completed")
    paid: bool = False
    due_from: date = TODAY - timedelta(days=180)
    due_to: date = TODAY + timedelta(days=30)

    def matches(self, job: JobRecord) -> bool:
        if job.status not in self.statuses or job.paid != self.paid or job.due_ordinal is None:
            return False
        return self.due_from.toordinal() <= job.due_ordinal <= self.due_to.toordinal()


@attrs.frozen
class Plan:
    """Everything the columns need to run the same operations on the same data."""

    data: Dataset
    large: OwnerCase
    typical: OwnerCase
    listing: Listing
    token: str
    #: The owner that receives bulk imports (created and removed around each sample).
    importer: OwnerRecord
    importer_customers: tuple[CustomerRecord, ...]
    import_jobs: tuple[JobRecord, ...]

    @property
    def today(self) -> date:
        return TODAY

    def case(self, label: str) -> OwnerCase:
        return self.large if label == "large" else self.typical


def _case(data: Dataset, owner: OwnerRecord, label: str, listing: Listing) -> OwnerCase:
    customers = data.customers(owner)
    per_customer: dict[str, int] = {}
    matches = 0
    for job in data.jobs(owner, customers):
        per_customer[job.customer_id] = per_customer.get(job.customer_id, 0) + 1
        matches += listing.matches(job)
    busiest = max(per_customer, key=lambda c: (per_customer[c], c))
    later = max(2, min(LATER_PAGE, matches // PAGE_SIZE))
    return OwnerCase(label, owner.id, data.job_count(owner.number), busiest, matches, later)


def make_plan(data: Dataset) -> Plan:
    listing = Listing()
    importer_customers = tuple(data.customers(data.importer))
    return Plan(
        data=data,
        large=_case(data, data.large, "large", listing),
        typical=_case(data, data.typical, "typical", listing),
        listing=listing,
        token=data.live_token(data.large),
        importer=data.importer,
        importer_customers=importer_customers,
        import_jobs=tuple(data.jobs(data.importer, list(importer_customers))),
    )


@attrs.frozen
class Target:
    """A target from the performance issue. ``limit`` is seconds (``kind="time"``),
    a ratio to the baseline (``"ratio"``) or bytes (``"memory"``)."""

    kind: str
    limit: float
    text: str

    def met(self, value: float) -> bool:
        return value <= self.limit


@attrs.frozen
class Operation:
    key: str
    title: str
    target: Target | None = None
    #: Owner-independent operations have no case.
    case: str | None = None

    @property
    def kind(self) -> str:
        """The operation without its owner case: ``history@typical`` is ``history``."""
        return self.key.split("@")[0]


_MS = 1e-3


def operations(plan: Plan) -> list[Operation]:
    """Every measured operation, in the order reports show them."""
    n = f"{len(plan.import_jobs):,}"
    ops = [
        Operation("import", f"bulk import of {n} jobs", Target("ratio", 1.25, "≤ 1.25 x baseline")),
        Operation("import_convert", f"bulk import of {n} jobs, converting from source records"),
        Operation("create", "single job create", Target("ratio", 1.5, "≤ 1.5 x baseline")),
    ]
    for label in ("large", "typical"):
        case = plan.case(label)
        who = f"{label} owner, {case.jobs:,} jobs"
        typical = label == "typical"
        ops += [
            Operation(f"dashboard@{label}", f"dashboard ({who})",
                      Target("time", 1 * _MS if typical else 2 * _MS,
                             "≤ 1 ms" if typical else "≤ 2 ms"), label),
            Operation(f"revenue@{label}", f"revenue total ({who})",
                      Target("time", 1 * _MS, "≤ 1 ms"), label),
            Operation(f"revenue_by_month@{label}", f"revenue by month, one year ({who})",
                      Target("time", 1 * _MS, "≤ 1 ms"), label),
            Operation(f"history@{label}", f"customer history, page of {PAGE_SIZE} ({who})",
                      Target("time", 0.5 * _MS, "≤ 0.5 ms"), label),
            Operation(f"upcoming@{label}", f"upcoming, due within {UPCOMING_DAYS} days ({who})",
                      Target("time", 1 * _MS if typical else 5 * _MS,
                             "≤ 1 ms" if typical else "≤ 5 ms"), label),
            Operation(f"list_first@{label}", f"listing, combined filters, page 1 ({who})",
                      Target("time", 1 * _MS, "≤ 1 ms") if typical else None, label),
            Operation(f"list_later@{label}",
                      f"listing, combined filters, page {case.later_page} ({who})",
                      Target("time", 1 * _MS, "≤ 1 ms") if typical else None, label),
        ]  # fmt: skip
    ops += [
        Operation("authenticate", "authenticate(token)", Target("time", 0.1 * _MS, "≤ 0.1 ms")),
        Operation("export@large", "export of the large owner (time; peak memory)",
                  Target("memory", 200e6, "peak < 200 MB"), "large"),
    ]  # fmt: skip
    return ops


Prepared = TypeVar("Prepared")


def import_task(
    prepare: Callable[[], Prepared],
    insert: Callable[[Prepared], object],
    add_importer: Callable[[], object],
    drop_importer: Callable[[], object],
    *,
    convert: bool,
) -> Task:
    """A bulk import sample: the importing owner is created before and removed after it,
    untimed. ``prepare`` turns the source records into what the column's bulk path takes
    (row tuples, ORM objects, jobtrack ``Job`` entities); it is timed only when ``convert``."""
    ready: list[Prepared] = []

    def before() -> None:
        add_importer()
        if not convert:
            ready[:] = [prepare()]

    def run() -> None:
        insert(prepare() if convert else ready[0])

    def after() -> None:
        ready.clear()
        drop_importer()

    return Task(run, before=before, after=after, warmup=0)


class Column(Protocol):
    """One contender: how it builds the data set and how it runs each operation."""

    name: str

    def build(self, plan: Plan) -> None:
        """Load the whole data set (untimed)."""
        ...

    def task(self, op: Operation, plan: Plan) -> Task | Skipped:
        """The operation as a task to time, or why this column cannot run it."""
        ...

    def export_peak(self, plan: Plan, out: str) -> tuple[float, int] | Skipped:
        """Export the large owner to the file ``out``; return (seconds, peak bytes)."""
        ...

    def analyze(self) -> None:
        """Run ``ANALYZE`` (or its equivalent) and reconnect so plans use the statistics."""
        ...

    def flush(self) -> None:
        """Write to disk what the column's database server holds in memory (untimed, before
        each write sample); nothing for a database inside this process."""
        ...

    def close(self) -> None: ...


#: A factory builds a column in a work directory, or says why it cannot.
ColumnFactory = Callable[[str], "Column | Skipped"]
