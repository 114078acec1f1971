"""The business's named notions, each stated once: what counts as open work, as
revenue, as a receivable, as the pipeline, as overdue and as due.

The reference reports (:mod:`jobtrack_core.reference`), the service and the
memory store use these definitions; the SQL stores state the same rules in SQL,
built from the same values (:data:`~jobtrack_core.status.OPEN` through
:func:`~jobtrack_core.status.sql_list`), and the contract suite checks that
every store agrees with them.

>>> from datetime import date
>>> overdue(date(2025, 7, 6)).due_to, overdue(date(2025, 7, 6)).statuses == OPEN
(datetime.date(2025, 7, 5), True)
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from jobtrack_core.entities import Job
from jobtrack_core.money import ZERO
from jobtrack_core.queries import JobFilter
from jobtrack_core.status import NOT_CANCELLED, OPEN, JobStatus

__all__ = [
    "NOT_CANCELLED",
    "OPEN",
    "due_between",
    "due_on",
    "in_pipeline",
    "is_receivable",
    "is_revenue",
    "overdue",
    "pipeline_value",
    "revenue_value",
]


def is_revenue(job: Job) -> bool:
    """Revenue is the actual cost of paid jobs, in any status (the seed's rule)."""
    return job.paid


def revenue_value(job: Job) -> Decimal:
    """What a job adds to revenue when it counts: its actual cost, or 0 without one."""
    return job.actual_cost or ZERO


def is_receivable(job: Job) -> bool:
    """Owed to the business: completed and not paid (its actual cost)."""
    return job.status is JobStatus.COMPLETED and not job.paid


def in_pipeline(job: Job) -> bool:
    """Work to come: open jobs, counted at their estimated cost."""
    return job.status in OPEN


def pipeline_value(job: Job) -> Decimal:
    """What a job adds to the pipeline when it counts: its estimate, or 0 without one."""
    return job.estimated_cost or ZERO


def overdue(today: date) -> JobFilter:
    """Open jobs due before ``today``."""
    return JobFilter(statuses=OPEN, due_to=today - timedelta(days=1))


def due_on(day: date) -> JobFilter:
    """Jobs due on ``day`` that are or were real work (not cancelled)."""
    return JobFilter(statuses=NOT_CANCELLED, due_from=day, due_to=day)


def due_between(first: date, last: date) -> JobFilter:
    """Open jobs due from ``first`` to ``last``, both included (upcoming work)."""
    return JobFilter(statuses=OPEN, due_from=first, due_to=last)
