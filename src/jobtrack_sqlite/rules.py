"""The business's notions (:mod:`jobtrack_core.rules`) stated in SQL, built from
:mod:`jobtrack_core.status`, never restated by hand.

A partial index and the queries meant to use it must spell its condition alike
(SQLite uses the index only for a query whose WHERE clause contains the index's
own terms), so both take it from here. ``row`` names the table or trigger row a
condition reads (``"j"``, ``"NEW"``; none by default); the running totals pass
``"{r}"`` and fill it in later.

>>> is_open()
"status IN ('pending', 'in_progress')"
>>> is_receivable("OLD")
"OLD.status = 'completed' AND OLD.paid = 0"
"""

from __future__ import annotations

from jobtrack_core.status import NOT_CANCELLED, OPEN, JobStatus, sql_list


def _column(name: str, row: str) -> str:
    return f"{row}.{name}" if row else name


def is_status(status: JobStatus, row: str = "") -> str:
    """The job is in ``status``."""
    return f"{_column('status', row)} = '{status.value}'"


def is_open(row: str = "") -> str:
    """Work still to do (:data:`~jobtrack_core.status.OPEN`): the pipeline, upcoming and
    overdue jobs; the condition of the partial index ``idx_jobs_owner_open_due``."""
    return f"{_column('status', row)} IN {sql_list(OPEN)}"


def not_cancelled(row: str = "") -> str:
    """Jobs that are or were real work (:data:`~jobtrack_core.status.NOT_CANCELLED`)."""
    return f"{_column('status', row)} IN {sql_list(NOT_CANCELLED)}"


def is_known_status(row: str = "") -> str:
    """The status is one of :class:`~jobtrack_core.status.JobStatus` (a CHECK constraint)."""
    return f"{_column('status', row)} IN {sql_list(frozenset(JobStatus))}"


def is_revenue(row: str = "") -> str:
    """Paid (:func:`jobtrack_core.rules.is_revenue`): its actual cost is revenue."""
    return f"{_column('paid', row)} = 1"


def is_receivable(row: str = "") -> str:
    """Completed and not paid (:func:`jobtrack_core.rules.is_receivable`); the condition
    of the partial index ``idx_jobs_owner_unpaid_done``."""
    return f"{is_status(JobStatus.COMPLETED, row)} AND {_column('paid', row)} = 0"


def has_due(row: str = "") -> str:
    """Completed with a positive actual cost: something is due
    (:attr:`jobtrack_core.entities.Job.amount_due`); the condition of the partial index
    ``idx_jobs_owner_due_done``."""
    return f"{is_status(JobStatus.COMPLETED, row)} AND {_column('actual_cost_cents', row)} > 0"


def paid_when_covered(row: str = "") -> str:
    """The ledger's rule for ``paid`` (:func:`jobtrack_core.entities.covered`): a job with
    something due is paid exactly when what it holds covers it (a CHECK constraint)."""
    paid, cost = _column("paid", row), _column("actual_cost_cents", row)
    return f"NOT ({has_due(row)}) OR {paid} = ({_column('amount_paid_cents', row)} >= {cost})"


def is_holding_deposit(row: str = "") -> str:
    """Pending and holding money (reminders of deposits waiting); the condition of the
    partial index ``idx_jobs_owner_holding``."""
    return f"{is_status(JobStatus.PENDING, row)} AND {_column('amount_paid_cents', row)} > 0"


__all__ = [
    "has_due",
    "is_holding_deposit",
    "is_known_status",
    "is_open",
    "is_receivable",
    "is_revenue",
    "is_status",
    "not_cancelled",
    "paid_when_covered",
]
