"""Translation of sqlite3 exceptions into jobtrack's own error types.

Repositories handle the failures they can explain precisely (a duplicate id,
a missing customer); :func:`translate` gives every other failure a jobtrack
type, so that no sqlite3 exception leaves the public API. A lock held past the
busy timeout, and every other ``SQLITE_BUSY`` failure, is a
:class:`~jobtrack_core.errors.RetryableError`: nothing was written, and the same
unit of work may go through when run again.
"""

from __future__ import annotations

import functools
import re
import sqlite3
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from jobtrack_core.errors import (
    ConflictError,
    JobtrackError,
    NotFoundError,
    RetryableError,
    StoreError,
    ValidationError,
)

P = ParamSpec("P")
R = TypeVar("R")

_UNIQUE = re.compile(r"UNIQUE constraint failed: (\w+)\.(\w+)")
_CHECK = re.compile(r"CHECK constraint failed: valid_(\w+)")
_NOT_NULL = re.compile(r"NOT NULL constraint failed: \w+\.(\w+)")
_DATATYPE = re.compile(r"cannot store \w+ value in \w+ column \w+\.(\w+)")

#: Column names that differ from the entity field they hold.
_FIELDS = {
    "estimated_cost_cents": "estimated_cost",
    "actual_cost_cents": "actual_cost",
    "estimated_hours_hundredths": "estimated_hours",
    "actual_hours_hundredths": "actual_hours",
}


def error_name(exc: sqlite3.Error) -> str:
    """The extended result code name, e.g. ``"SQLITE_CONSTRAINT_UNIQUE"``."""
    return str(getattr(exc, "sqlite_errorname", "") or "")


def is_unique_violation(exc: sqlite3.Error) -> bool:
    return error_name(exc) in ("SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY")


def is_foreign_key_violation(exc: sqlite3.Error) -> bool:
    return error_name(exc) == "SQLITE_CONSTRAINT_FOREIGNKEY"


def translate(exc: BaseException) -> JobtrackError:
    """The jobtrack error for ``exc`` when nothing more precise is known."""
    if isinstance(exc, JobtrackError):
        return exc
    message = str(exc)
    if isinstance(exc, sqlite3.IntegrityError):
        return _integrity(exc, message)
    if isinstance(exc, sqlite3.Error):
        name = error_name(exc)
        if name == "SQLITE_BUSY_SNAPSHOT":
            return RetryableError(
                f"the database is busy ({message}): another connection wrote since this unit"
                " of work began reading, so it cannot write; nothing was written, run it again"
            )
        if name.startswith("SQLITE_BUSY") or name == "SQLITE_LOCKED_SHAREDCACHE":
            return RetryableError(
                f"the database is busy ({message}): another connection held its lock longer"
                " than the busy timeout; nothing was written, run it again"
            )
        if name.startswith("SQLITE_READONLY"):
            return StoreError(f"the database cannot be written: {message}")
        if name in ("SQLITE_CORRUPT", "SQLITE_NOTADB"):
            return StoreError(f"the file is not a sound jobtrack database: {message}")
        return StoreError(f"sqlite: {message}")
    if isinstance(exc, OverflowError):
        return ValidationError.single("value", f"is too large to store: {message}")
    if isinstance(exc, UnicodeError):
        return ValidationError.single("text", "contains characters that cannot be stored")
    return StoreError(f"{type(exc).__name__}: {message}")


def _integrity(exc: sqlite3.IntegrityError, message: str) -> JobtrackError:
    if match := _UNIQUE.search(message):
        table, column = match.groups()
        if table == "users" and column == "email":
            return ConflictError("email", "this email is already registered")
        return ConflictError("id", f"this {table.removesuffix('s')} already exists")
    if is_foreign_key_violation(exc):
        return NotFoundError("referenced record", "unknown")
    if match := _CHECK.search(message):
        return ValidationError.single(match.group(1), "is not a value the store accepts")
    if match := _NOT_NULL.search(message):
        return ValidationError.single(_FIELDS.get(match.group(1), match.group(1)), "is required")
    if match := _DATATYPE.search(message):
        field = _FIELDS.get(match.group(1), match.group(1))
        return ValidationError.single(field, "has the wrong type")
    return StoreError(f"sqlite: {message}")


def translated(method: Callable[P, R]) -> Callable[P, R]:
    """Decorate a store method so that only jobtrack errors leave it."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except JobtrackError:
            raise
        except (sqlite3.Error, OverflowError, UnicodeError) as exc:
            raise translate(exc) from exc

    return wrapper
