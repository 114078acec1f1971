"""The job status state machine.

::

    pending ──► in_progress ──► completed (final)
       │             │
       └──► cancelled ◄┘        cancelled is final too
"""

from __future__ import annotations

import enum

from jobtrack_core.errors import InvalidTransitionError


class JobStatus(enum.StrEnum):
    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"

    @property
    def allowed_next(self) -> tuple[JobStatus, ...]:
        """The statuses a job in this status may move to, in workflow order."""
        return TRANSITIONS[self]

    @property
    def is_final(self) -> bool:
        return not TRANSITIONS[self]

    @property
    def is_open(self) -> bool:
        """Pending or in progress: work still to do (see :data:`OPEN`)."""
        return self in OPEN


TRANSITIONS: dict[JobStatus, tuple[JobStatus, ...]] = {
    JobStatus.PENDING: (JobStatus.IN_PROGRESS, JobStatus.CANCELLED),
    JobStatus.IN_PROGRESS: (JobStatus.COMPLETED, JobStatus.CANCELLED),
    JobStatus.COMPLETED: (),
    JobStatus.CANCELLED: (),
}


#: Work still to do: pending or in progress. The one definition of "open".
OPEN: frozenset[JobStatus] = frozenset({JobStatus.PENDING, JobStatus.IN_PROGRESS})
#: Every status but cancelled: jobs that are or were real work.
NOT_CANCELLED: frozenset[JobStatus] = frozenset(JobStatus) - {JobStatus.CANCELLED}


def sql_list(statuses: frozenset[JobStatus]) -> str:
    """``statuses`` as an SQL list literal in workflow order, for stores that state a
    rule in SQL (a partial index and the queries that use it must spell it alike).

    >>> sql_list(OPEN)
    "('pending', 'in_progress')"
    """
    return "(" + ", ".join(f"'{s.value}'" for s in JobStatus if s in statuses) + ")"


def check_transition(job_id: str, current: JobStatus, requested: JobStatus) -> None:
    """Raise InvalidTransitionError unless ``current -> requested`` is allowed."""
    if requested not in TRANSITIONS[current]:
        raise InvalidTransitionError(
            job_id, current.value, requested.value, (s.value for s in TRANSITIONS[current])
        )
