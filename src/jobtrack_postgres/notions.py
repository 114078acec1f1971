"""The business's named notions (:mod:`jobtrack_core.rules`) spelled in SQL.

Each condition is built from the core's own values (:data:`~jobtrack_core.status.OPEN`
and :data:`~jobtrack_core.status.NOT_CANCELLED` through
:func:`~jobtrack_core.status.sql_list`), never restated, so that the schema's partial
indexes, the running totals' triggers and the report queries spell a rule alike: the
planner uses a partial index only for a query whose condition implies the index's.
``row`` names the table or alias whose columns are meant (none for a bare column).

>>> open_work("r")
"r.status IN ('pending', 'in_progress')"
>>> receivable()
"status = 'completed' AND NOT paid"
"""

from __future__ import annotations

from jobtrack_core.status import NOT_CANCELLED, OPEN, JobStatus, sql_list


def _column(row: str, name: str) -> str:
    return f"{row}.{name}" if row else name


def open_work(row: str = "") -> str:
    """Pending or in progress: the pipeline, and the jobs that can be overdue."""
    return f"{_column(row, 'status')} IN {sql_list(OPEN)}"


def not_cancelled(row: str = "") -> str:
    """Work that is or was real: what counts as due on a day."""
    return f"{_column(row, 'status')} IN {sql_list(NOT_CANCELLED)}"


def revenue(row: str = "") -> str:
    """Paid, in any status (:func:`jobtrack_core.rules.is_revenue`)."""
    return _column(row, "paid")


def receivable(row: str = "") -> str:
    """Completed and not paid (:func:`jobtrack_core.rules.is_receivable`)."""
    return f"{_column(row, 'status')} = '{JobStatus.COMPLETED.value}' AND NOT {revenue(row)}"


def in_status(status: JobStatus, row: str = "") -> str:
    """Exactly ``status`` (the counts per status)."""
    return f"{_column(row, 'status')} = '{status.value}'"


__all__ = ["in_status", "not_cancelled", "open_work", "receivable", "revenue"]
