"""Translation of psycopg's exceptions into jobtrack's own error types.

Repositories avoid most database errors by construction (``ON CONFLICT DO
NOTHING`` and existence checks in the same statement), then say precisely what
went wrong. What remains comes from races with other connections, from the
server itself or from the network, and is translated here, so that only
:mod:`jobtrack_core.errors` types leave the store.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import errors as pg
from psycopg_pool import PoolTimeout

from jobtrack_core.errors import (
    ConflictError,
    JobtrackError,
    NotFoundError,
    RetryableError,
    StoreError,
    ValidationError,
)

#: The unique constraints whose violation means "this email is taken".
EMAIL_CONSTRAINTS = frozenset({"user_emails_pkey"})
#: The unique constraints whose violation means "this document number is taken".
NUMBER_CONSTRAINTS = frozenset({"quotes_number_key", "invoices_number_key"})
#: The foreign keys whose violation by a delete means "what references this is kept", by
#: the field a refusal names: a customer's invoices, a job billed by an invoice's line and
#: an invoice that a credit note corrects (``invoices``); an invoice that payments name
#: (``payments``).
KEPT_CONSTRAINTS = {
    "invoices_customer_fkey": "invoices",
    "invoice_lines_job_fkey": "invoices",
    "invoices_corrects_fkey": "invoices",
    "payments_invoice_fkey": "payments",
}
#: The SQLSTATEs (or their two-character classes) of failures after which nothing was
#: written and the same unit of work may succeed when run again: PostgreSQL rolled the
#: transaction back (class 40: 40001 serialization failure, 40P01 deadlock), a lock was
#: not granted in time (55P03: ``lock_timeout``, ``NOWAIT``), the server is starting up
#: (57P03). A pool that gives no connection in time (``PoolTimeout``) is one too.
RETRYABLE_STATES = frozenset({"40", "55P03", "57P03"})


def retryable(exc: psycopg.Error) -> bool:
    """Whether ``exc`` means "nothing was written; try the unit of work again"."""
    state = exc.sqlstate or ""
    return isinstance(exc, PoolTimeout) or bool(RETRYABLE_STATES & {state, state[:2]})


def translate(exc: psycopg.Error, *, missing: NotFoundError | None = None) -> JobtrackError:
    """The jobtrack error that stands for ``exc``.

    ``missing`` is what a foreign key violation means where the caller knows
    which referenced record is absent (e.g. ``NotFoundError("customer", id)``).
    """
    if retryable(exc):
        return RetryableError(f"{_first_line(exc)}; nothing was written, try again")
    diag = exc.diag
    if isinstance(exc, pg.UniqueViolation):
        if diag.constraint_name in EMAIL_CONSTRAINTS:
            return ConflictError("email", "this email is already registered")
        if diag.constraint_name in NUMBER_CONSTRAINTS:
            return ConflictError("number", "this document number is taken")
        return ConflictError("id", "a record with this id already exists")
    if isinstance(exc, pg.ForeignKeyViolation):
        if missing is not None:
            return missing
        field = KEPT_CONSTRAINTS.get(diag.constraint_name or "")
        if field is not None:
            return ConflictError(field, f"{field} that reference it are kept")
        return NotFoundError(diag.table_name or "record", "referenced record")
    if isinstance(exc, pg.IntegrityError | psycopg.DataError):
        field = diag.column_name or diag.constraint_name or "value"
        return ValidationError.single(field, f"refused by the database: {_first_line(exc)}")
    if isinstance(exc, pg.ReadOnlySqlTransaction):
        return StoreError("this unit of work is read-only (write=False) and cannot write")
    if isinstance(exc, pg.InFailedSqlTransaction):
        return StoreError(
            "an earlier statement of this unit of work failed; it can only be rolled back"
        )
    return StoreError(f"PostgreSQL failed: {_first_line(exc)}")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


@contextmanager
def translated(*, missing: NotFoundError | None = None) -> Iterator[None]:
    """Re-raise any psycopg error from the block as a jobtrack error (``raise ... from``)."""
    try:
        yield
    except psycopg.Error as exc:
        raise translate(exc, missing=missing) from exc
    except UnicodeEncodeError as exc:
        raise ValidationError.single(
            "value", "contains characters that cannot be stored (lone surrogates)"
        ) from exc
