"""The one error hierarchy of jobtrack.

Every store raises these types and only these; a backend's own exceptions are
translated (``raise ... from exc``) before they leave the public API. Errors
subclass the matching builtin where one fits, so ``except ValueError`` and
``except LookupError`` keep working in code that does not know jobtrack.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs


class JobtrackError(Exception):
    """Base class of every error jobtrack raises on purpose."""


#: The most characters of a caller's value an error message quotes.
QUOTE_LIMIT = 60


def quoted(value: object, limit: int = QUOTE_LIMIT) -> str:
    """``repr(value)``, cut to ``limit`` characters with an ellipsis: an error message
    never repeats an unbounded amount of what it was sent.

    >>> quoted("job-1")
    "'job-1'"
    >>> quoted("x" * 1_000_000, 12)
    "'xxxxxxxxxx…"
    """
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@attrs.frozen
class FieldError:
    """One bad field: its name and what is wrong with it."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class ValidationError(JobtrackError, ValueError):
    """Input was refused. ``errors`` lists every bad field at once."""

    def __init__(self, errors: Iterable[FieldError]) -> None:
        self.errors: tuple[FieldError, ...] = tuple(errors)
        if not self.errors:
            raise ValueError("a ValidationError needs at least one FieldError")
        super().__init__("; ".join(str(e) for e in self.errors))

    @classmethod
    def single(cls, field: str, message: str) -> ValidationError:
        return cls([FieldError(field, message)])

    @property
    def fields(self) -> tuple[str, ...]:
        """The names of the bad fields, in the order they were found."""
        return tuple(e.field for e in self.errors)


class NotFoundError(JobtrackError, LookupError):
    """No such record for this owner. Another owner's record is reported the same way."""

    def __init__(self, kind: str, id: str) -> None:
        self.kind = kind
        self.id = id
        super().__init__(f"{kind} {quoted(id)} not found")


class ConflictError(JobtrackError):
    """The change collides with existing data, e.g. an email already registered."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


class VersionConflict(ConflictError):
    """The record changed since the version the caller saw: nothing was written.
    ``current`` is the record as it is now (re-read it, merge, try again)."""

    def __init__(self, kind: str, id: str, expected: int, current: object) -> None:
        self.kind = kind
        self.id = id
        self.expected = expected
        self.current = current
        found = getattr(current, "version", None)
        super().__init__(
            "version",
            f"{kind} {quoted(id)} is at version {found}, not {expected}: it changed since "
            "it was read",
        )


class ResyncNeeded(JobtrackError):
    """A change feed's cursor is older than the history kept (it was pruned since): the
    changes in between cannot all be given. Start again from nothing (``after=None``)."""

    def __init__(self, cursor_seq: int, kept_from: int) -> None:
        self.cursor_seq = cursor_seq
        self.kept_from = kept_from
        super().__init__(
            f"the history before change {kept_from} was pruned; this cursor (change "
            f"{cursor_seq}) is older: start again from nothing"
        )


class InvalidTransitionError(JobtrackError):
    """A job cannot move from its current status to the requested one."""

    def __init__(self, job_id: str, current: str, requested: str, allowed: Iterable[str]) -> None:
        self.job_id = job_id
        self.current = current
        self.requested = requested
        self.allowed: tuple[str, ...] = tuple(allowed)
        nexts = ", ".join(self.allowed) if self.allowed else "none, it is final"
        super().__init__(
            f"job {job_id!r} cannot move from {current!r} to {requested!r}; "
            f"allowed next statuses: {nexts}"
        )


class AuthenticationError(JobtrackError):
    """Login failed. The message never says whether the email or the password was wrong."""

    def __init__(self, message: str = "invalid email or password") -> None:
        super().__init__(message)


class SessionError(AuthenticationError):
    """A session token was refused. ``reason`` is ``"unknown"``, ``"expired"`` or ``"revoked"``."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"session {reason}; log in again")


class StoreError(JobtrackError):
    """The store itself failed: unreachable, corrupt, refused by the database."""


class RetryableError(StoreError):
    """The store could not do it *now*, and trying the same thing again may succeed:
    another writer held a lock past the timeout, or the database cancelled the unit of
    work to keep concurrent ones serializable (PostgreSQL's serialization failures and
    deadlocks, SQLite's "database is locked"). Nothing was written.

    Retry the whole unit of work, not only its last statement: see
    :func:`jobtrack_core.retry.retrying`. A :class:`ConflictError` (a duplicate email,
    an id already taken) is final and never raised as this type.
    """


class SchemaVersionError(StoreError):
    """The database was written by a newer jobtrack; it was left untouched."""

    def __init__(self, found: int, supported: int) -> None:
        self.found = found
        self.supported = supported
        super().__init__(
            f"database schema version {found} is newer than this jobtrack supports "
            f"({supported}); upgrade jobtrack to open it"
        )
