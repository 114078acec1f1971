"""Sorted job listings in pages, with keyset cursors.

A page ends at a :class:`JobPosition`: the sort values of its last job. The next
page holds the jobs that come *after* that position in the listing's order, as
the store is when the next page is asked for. So a cursor never skips or
repeats a job because rows were added or removed before it (what an offset
would do):

- a job that matches throughout the walk, and whose sort values do not change,
  is returned exactly once;
- a job added during the walk is returned if, and only if, it sorts after the
  position where the walk was when it was added;
- a job removed during the walk is not returned after its removal;
- the jobs of a walk are in strictly increasing listing order, so no job is
  returned twice unless an edit moved it (e.g. a new title in a title listing).

The cursor is an opaque, URL-safe string; it holds the sort values of one job
(its id, and its timestamp, due date or title), nothing secret.

>>> from jobtrack_core.pagination import JobSort
>>> [s.value for s in JobSort]
['newest', 'due', 'updated', 'title']
"""

from __future__ import annotations

import base64
import binascii
import enum
import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any, Generic, TypeVar

import attrs

from jobtrack_core.entities import Job
from jobtrack_core.errors import ValidationError
from jobtrack_core.queries import ascii_lower

T = TypeVar("T")

#: The largest page a listing returns.
MAX_PAGE_SIZE = 1000
_CURSOR_VERSION = 1


class JobSort(enum.StrEnum):
    """The orders a job listing can be sorted in. Every order ends with the job id,
    so it is total and the same on every store."""

    #: Newest first: ``created_at``, then id, descending. The default.
    NEWEST = "newest"
    #: Earliest due date first; jobs without a due date last; then id ascending.
    DUE = "due"
    #: Most recently changed first: ``updated_at``, then id, descending.
    UPDATED = "updated"
    #: Title A to Z ignoring the case of ASCII letters, then the exact title
    #: (code point order), then id ascending.
    TITLE = "title"

    @property
    def descending(self) -> bool:
        """Whether the listing walks :func:`sort_key` from the largest key down."""
        return self in (JobSort.NEWEST, JobSort.UPDATED)


_NO_DUE = date.min


def sort_key(sort: JobSort, job: Job) -> tuple[Any, ...]:
    """The job's key in ``sort``, ascending; a :attr:`~JobSort.descending` order walks
    it from the largest key down."""
    if sort is JobSort.NEWEST:
        return (job.created_at, job.id)
    if sort is JobSort.UPDATED:
        return (job.updated_at, job.id)
    if sort is JobSort.DUE:
        return (job.due_date is None, job.due_date or _NO_DUE, job.id)
    return (ascii_lower(job.title), job.title, job.id)


@attrs.frozen
class JobPosition:
    """A place in a sorted job listing: just after the job with these sort values.

    Only the values ``sort`` uses are set: ``moment`` (``created_at`` for
    :attr:`~JobSort.NEWEST`, ``updated_at`` for :attr:`~JobSort.UPDATED`),
    ``due_date`` (:attr:`~JobSort.DUE`; ``None`` means "among the jobs without a
    due date") or ``title`` (:attr:`~JobSort.TITLE`).
    """

    sort: JobSort
    id: str
    moment: datetime | None = None
    due_date: date | None = None
    title: str | None = None

    @classmethod
    def of(cls, sort: JobSort, job: Job) -> JobPosition:
        """The position just after ``job`` in ``sort``."""
        if sort is JobSort.NEWEST:
            return cls(sort, job.id, moment=job.created_at)
        if sort is JobSort.UPDATED:
            return cls(sort, job.id, moment=job.updated_at)
        if sort is JobSort.DUE:
            return cls(sort, job.id, due_date=job.due_date)
        return cls(sort, job.id, title=job.title)

    def key(self) -> tuple[Any, ...]:
        """This position as a :func:`sort_key` of the same sort."""
        if self.sort in (JobSort.NEWEST, JobSort.UPDATED):
            return (self.moment, self.id)
        if self.sort is JobSort.DUE:
            return (self.due_date is None, self.due_date or _NO_DUE, self.id)
        title = self.title or ""
        return (ascii_lower(title), title, self.id)

    def precedes(self, job: Job) -> bool:
        """Whether ``job`` comes after this position in the listing."""
        key = sort_key(self.sort, job)
        return bool(key < self.key()) if self.sort.descending else bool(key > self.key())

    def encode(self) -> str:
        """This position as an opaque, URL-safe cursor string."""
        value: str | None
        if self.sort in (JobSort.NEWEST, JobSort.UPDATED):
            value = self.moment.isoformat() if self.moment else None
        elif self.sort is JobSort.DUE:
            value = self.due_date.isoformat() if self.due_date else None
        else:
            value = self.title
        raw = json.dumps([_CURSOR_VERSION, self.sort.value, self.id, value], ensure_ascii=False)
        return base64.urlsafe_b64encode(raw.encode("utf-8")).decode("ascii").rstrip("=")

    @classmethod
    def decode(cls, cursor: object, sort: JobSort, field: str = "after") -> JobPosition:
        """The position a cursor from a listing sorted by ``sort`` stands for.

        A cursor that is malformed, or comes from a listing in another order,
        raises :class:`ValidationError` on ``field``.
        """
        if not isinstance(cursor, str):
            raise ValidationError.single(field, "must be a cursor string from a previous page")
        try:
            padded = cursor + "=" * (-len(cursor) % 4)
            version, sort_name, job_id, value = json.loads(
                base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8")
            )
            if version != _CURSOR_VERSION or not isinstance(job_id, str):
                raise ValueError("unknown cursor")
            found = JobSort(sort_name)
            position = cls._from_value(found, job_id, value)
        except (ValueError, TypeError, UnicodeError, binascii.Error, RecursionError):
            raise ValidationError.single(
                field, "is not a cursor returned by a job listing"
            ) from None
        if found is not sort:
            raise ValidationError.single(
                field, f"comes from a listing sorted by {found.value!r}, not {sort.value!r}"
            )
        return position

    @classmethod
    def _from_value(cls, sort: JobSort, job_id: str, value: object) -> JobPosition:
        if sort in (JobSort.NEWEST, JobSort.UPDATED):
            if not isinstance(value, str):
                raise ValueError("a timestamp is required")
            moment = datetime.fromisoformat(value)
            if moment.utcoffset() is None:
                raise ValueError("a timestamp must carry its offset")
            return cls(sort, job_id, moment=moment)
        if sort is JobSort.DUE:
            if value is not None and not isinstance(value, str):
                raise ValueError("a due date must be text")
            return cls(sort, job_id, due_date=None if value is None else date.fromisoformat(value))
        if not isinstance(value, str):
            raise ValueError("a title is required")
        return cls(sort, job_id, title=value)


@attrs.frozen
class Page(Generic[T]):
    """One page of a listing: its ``items``, and the cursor of the ``next`` page
    (``None`` when nothing followed this page when it was read)."""

    items: tuple[T, ...]
    next: str | None = None

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def page_of(jobs: Sequence[Job], sort: JobSort, limit: int) -> Page[Job]:
    """A page from up to ``limit + 1`` jobs read in order: the extra one only says
    that another page follows."""
    items = tuple(jobs[:limit])
    more = len(jobs) > limit and bool(items)
    return Page(items, JobPosition.of(sort, items[-1]).encode() if more else None)


def reference_page(
    jobs: Iterable[Job], sort: JobSort, after: JobPosition | None, limit: int
) -> list[Job]:
    """The first ``limit`` of ``jobs`` after ``after`` in ``sort``: the meaning of a
    page, computed plainly (used by the contract suite)."""
    ordered = sorted(jobs, key=lambda j: sort_key(sort, j), reverse=sort.descending)
    if after is not None:
        ordered = [j for j in ordered if after.precedes(j)]
    return ordered[:limit]


__all__ = [
    "MAX_PAGE_SIZE",
    "JobPosition",
    "JobSort",
    "Page",
    "page_of",
    "reference_page",
    "sort_key",
]
