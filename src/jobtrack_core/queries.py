"""Query descriptions that the service layer hands to stores."""

from __future__ import annotations

from datetime import date

import attrs

from jobtrack_core.entities import Job
from jobtrack_core.status import JobStatus


def _statuses(value: object) -> frozenset[JobStatus] | None:
    if value is None:
        return None
    if isinstance(value, str | JobStatus):
        value = [value]
    if not isinstance(value, list | tuple | set | frozenset):
        raise TypeError("status must be a status or a collection of statuses")
    return frozenset(JobStatus(s) for s in value)


@attrs.frozen
class JobFilter:
    """Which jobs to list. Every condition given must hold (they combine with AND).

    - ``statuses``: any of these statuses;
    - ``customer_id``: jobs of this customer;
    - ``paid``: only paid (True) or only unpaid (False) jobs;
    - ``due_from`` / ``due_to``: due date within this range, both ends included
      (jobs without a due date never match a range);
    - ``text``: appears in the title or the description, ignoring the case of
      ASCII letters.
    """

    statuses: frozenset[JobStatus] | None = attrs.field(default=None, converter=_statuses)
    customer_id: str | None = None
    paid: bool | None = None
    due_from: date | None = None
    due_to: date | None = None
    text: str | None = None

    def matches(self, job: Job) -> bool:
        """The reference semantics, used by the memory store and the contract suite."""
        if self.statuses is not None and job.status not in self.statuses:
            return False
        if self.customer_id is not None and job.customer_id != self.customer_id:
            return False
        if self.paid is not None and job.paid != self.paid:
            return False
        if self.due_from is not None and (job.due_date is None or job.due_date < self.due_from):
            return False
        if self.due_to is not None and (job.due_date is None or job.due_date > self.due_to):
            return False
        if self.text:
            needle = ascii_lower(self.text)
            haystacks = (job.title, job.description or "")
            if not any(needle in ascii_lower(h) for h in haystacks):
                return False
        return True


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def ascii_lower(text: str) -> str:
    """Lower-case ASCII letters only, as SQL ``LIKE`` does; other characters are kept."""
    return text.translate(_ASCII_LOWER)
