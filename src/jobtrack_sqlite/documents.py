"""Quotes, invoices and credit notes, billing settings and numbering, in SQL (since
schema version 7).

A document is one row (``quotes``, ``invoices``) and its lines (``quote_lines``,
``invoice_lines``, in their order); money is kept in cents, quantities and tax rates in
thousandths. A document's references are checked before it is written, in the memory
store's order of precedence (its customer, the jobs of its lines, its number, then an
accepted quote's job or a credit note's invoice, then its id), and the schema's foreign
keys, unique and CHECK constraints hold them again.

Numbers are handed out by :meth:`SqliteBilling.next_number`: the counter's row is
incremented inside the unit of work's transaction, which writes (``BEGIN IMMEDIATE``),
so another unit of work asking waits for it to end; a unit of work that rolls back
takes its increment with it, and the number is handed out again.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import date
from typing import Any

from jobtrack_core.documents import (
    BillingSettings,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    Line,
    Quote,
    QuoteStatus,
    Series,
    TaxRate,
)
from jobtrack_core.entities import Deleted
from jobtrack_core.errors import ConflictError, NotFoundError
from jobtrack_core.money import from_minor
from jobtrack_core.queries import InvoiceFilter, QuoteFilter
from jobtrack_sqlite import columns as col
from jobtrack_sqlite.errors import (
    is_foreign_key_violation,
    is_unique_violation,
    translate,
    translated,
)
from jobtrack_sqlite.schema import OWNER

QUOTE_COLUMNS = (
    "id, user_id, customer_id, number, status, title, notes, currency, prices_include_tax,"
    " subtotal_cents, tax_cents, total_cents, issued_on, valid_until, decided_at_us, job_id,"
    " created_at_us, updated_at_us, version"
)
INVOICE_COLUMNS = (
    "id, user_id, customer_id, kind, number, status, notes, currency, prices_include_tax,"
    " subtotal_cents, tax_cents, total_cents, issued_on, due_on, amount_paid_cents,"
    " amount_credited_cents, corrects, voided_at_us, void_reason, created_at_us,"
    " updated_at_us, version"
)
LINE_COLUMNS = (
    "position, description, quantity_thousandths, unit, unit_price_cents, discount_cents,"
    " tax_name, tax_rate_thousandths, job_id"
)
SETTINGS_COLUMNS = (
    "user_id, currency, prices_include_tax, default_tax, invoice_format, quote_format,"
    " credit_note_format, payment_terms_days, quote_valid_days, address, phone, email,"
    " tax_id, payment_instructions, updated_at_us, version"
)


def _names(columns: str) -> list[str]:
    return [c.strip() for c in columns.split(",")]


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


# -- rows and records -----------------------------------------------------------------------
def line_values(line: Line) -> list[object]:
    """A line's column values after ``position``, in the order of ``LINE_COLUMNS``."""
    return [
        line.description,
        col.thousandths(line.quantity, "quantity"),
        line.unit,
        col.hundredths(line.unit_price, "unit_price"),
        col.hundredths(line.discount, "discount"),
        line.tax_name,
        col.thousandths(line.tax_rate, "tax_rate"),
        line.job_id,
    ]


def line_from_row(row: Sequence[Any]) -> Line:
    _, description, quantity, unit, price, discount, tax_name, tax_rate, job_id = row
    return Line.from_store(  # the fields in order, unchecked: they were checked on the way in
        description,
        col.read_thousandths(quantity),
        unit,
        from_minor(price),
        from_minor(discount),
        tax_name,
        col.read_thousandths(tax_rate),
        job_id,
    )


def quote_values(q: Quote) -> list[object]:
    """A quote's column values after ``id`` and ``user_id``."""
    return [
        q.customer_id,
        q.number,
        QuoteStatus(q.status).value,
        q.title,
        q.notes,
        q.currency,
        col.flag(q.prices_include_tax, "prices_include_tax"),
        col.hundredths(q.subtotal, "subtotal"),
        col.hundredths(q.tax, "tax"),
        col.hundredths(q.total, "total"),
        col.day(q.issued_on, "issued_on"),
        col.day(q.valid_until, "valid_until"),
        col.optional_timestamp(q.decided_at, "decided_at"),
        q.job_id,
        col.timestamp(q.created_at, "created_at"),
        col.timestamp(q.updated_at, "updated_at"),
        q.version,
    ]


def quote_from_row(row: Sequence[Any], lines: Sequence[Line]) -> Quote:
    (
        id_, user_id, customer_id, number, status, title, notes, currency, include,
        subtotal, tax, total, issued_on, valid_until, decided_at, job_id, created_at,
        updated_at, version,
    ) = row  # fmt: skip
    return Quote.from_store(  # the fields in order, unchecked: they were checked on the way in
        id_,
        user_id,
        customer_id,
        number,
        QuoteStatus(status),
        title,
        notes,
        tuple(lines),
        currency,
        include == 1,
        from_minor(subtotal),
        from_minor(tax),
        from_minor(total),
        _day(issued_on),
        _day(valid_until),
        col.read_optional_timestamp(decided_at),
        job_id,
        col.read_timestamp(created_at),
        col.read_timestamp(updated_at),
        version,
    )


def invoice_values(i: Invoice) -> list[object]:
    """An invoice's column values after ``id`` and ``user_id``."""
    return [
        i.customer_id,
        InvoiceKind(i.kind).value,
        i.number,
        InvoiceStatus(i.status).value,
        i.notes,
        i.currency,
        col.flag(i.prices_include_tax, "prices_include_tax"),
        col.hundredths(i.subtotal, "subtotal"),
        col.hundredths(i.tax, "tax"),
        col.hundredths(i.total, "total"),
        col.day(i.issued_on, "issued_on"),
        col.day(i.due_on, "due_on"),
        col.hundredths(i.amount_paid, "amount_paid"),
        col.hundredths(i.amount_credited, "amount_credited"),
        i.corrects,
        col.optional_timestamp(i.voided_at, "voided_at"),
        i.void_reason,
        col.timestamp(i.created_at, "created_at"),
        col.timestamp(i.updated_at, "updated_at"),
        i.version,
    ]


def invoice_from_row(row: Sequence[Any], lines: Sequence[Line]) -> Invoice:
    (
        id_, user_id, customer_id, kind, number, status, notes, currency, include, subtotal,
        tax, total, issued_on, due_on, paid, credited, corrects, voided_at, void_reason,
        created_at, updated_at, version,
    ) = row  # fmt: skip
    return Invoice.from_store(  # the fields in order, unchecked: they were checked on the way in
        id_,
        user_id,
        customer_id,
        InvoiceKind(kind),
        number,
        InvoiceStatus(status),
        tuple(lines),
        notes,
        currency,
        include == 1,
        from_minor(subtotal),
        from_minor(tax),
        from_minor(total),
        _day(issued_on),
        _day(due_on),
        from_minor(paid),
        from_minor(credited),
        corrects,
        col.read_optional_timestamp(voided_at),
        void_reason,
        col.read_timestamp(created_at),
        col.read_timestamp(updated_at),
        version,
    )


# -- repositories ---------------------------------------------------------------------------
class _Documents:
    """What quotes and invoices share: a row and its lines, checked references."""

    kind = "document"
    table = ""
    lines_table = ""
    key = ""
    columns = ""
    #: What else a document of the kind names, checked after its number: its field, the
    #: table, and the kind of record a missing one is.
    names = ("", "", "")

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection
        names = _names(self.columns)
        self._insert = (
            f"INSERT INTO {self.table} (owner, {self.columns})"
            f" SELECT owner, {', '.join('?' * len(names))} FROM users WHERE id = ?"
        )
        self._assign = ", ".join(f"{c} = ?" for c in names[2:])
        self._d_columns = ", ".join(f"d.{c}" for c in names)

    # -- what a subclass says
    def _values(self, doc: Any) -> list[object]:
        raise NotImplementedError

    def _record(self, row: Sequence[Any], lines: Sequence[Line]) -> Any:
        raise NotImplementedError

    def _number_taken(self, owner: int, doc: Any) -> bool:
        raise NotImplementedError

    # -- shared
    def _exists(self, sql: str, *params: object) -> bool:
        return self._db.execute(sql, params).fetchone() is not None

    def _owner(self, user_id: str) -> int | None:
        found = self._db.execute("SELECT owner FROM users WHERE id = ?", (user_id,)).fetchone()
        return None if found is None else int(found[0])

    def _check(self, owner: int, doc: Any) -> None:
        """The memory store's checks, in its order: customer, lines' jobs, number, then
        what else the kind names."""
        if not self._exists(
            "SELECT 1 FROM customers WHERE owner = ? AND id = ?", owner, doc.customer_id
        ):
            raise NotFoundError("customer", doc.customer_id)
        for job_id in dict.fromkeys(line.job_id for line in doc.lines if line.job_id):
            if not self._exists("SELECT 1 FROM jobs WHERE owner = ? AND id = ?", owner, job_id):
                raise NotFoundError("job", job_id)
        if doc.number is not None and self._number_taken(owner, doc):
            raise ConflictError("number", f"number {doc.number!r} is taken")
        field, table, kind = self.names
        named = getattr(doc, field)
        if named is not None and not self._exists(
            f"SELECT 1 FROM {table} WHERE owner = ? AND id = ?", owner, named
        ):
            raise NotFoundError(kind, named)

    def _write_lines(self, owner: int, doc: Any) -> None:
        self._db.executemany(
            f"INSERT INTO {self.lines_table} (owner, {self.key}, {LINE_COLUMNS})"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (owner, doc.id, position, *line_values(line))
                for position, line in enumerate(doc.lines)
            ],
        )

    def _refused(self, doc: Any, exc: sqlite3.IntegrityError) -> Exception:
        if is_unique_violation(exc) and "number" in str(exc):
            return ConflictError("number", f"number {doc.number!r} is taken")
        if is_unique_violation(exc):
            return ConflictError("id", f"a {self.kind} with id {doc.id!r} already exists")
        return translate(exc)

    @translated
    def add(self, doc: Any) -> None:
        owner = self._owner(doc.user_id)
        if owner is None:
            raise NotFoundError("user", doc.user_id)
        self._check(owner, doc)
        try:
            self._db.execute(self._insert, [doc.id, doc.user_id, *self._values(doc), doc.user_id])
        except sqlite3.IntegrityError as exc:
            raise self._refused(doc, exc) from exc
        self._write_lines(owner, doc)

    @translated
    def update(self, doc: Any) -> None:
        owner = self._owner(doc.user_id)
        if owner is None or not self._exists(
            f"SELECT 1 FROM {self.table} WHERE owner = ? AND id = ?", owner, doc.id
        ):
            raise NotFoundError(self.kind, doc.id)
        self._check(owner, doc)
        try:
            self._db.execute(
                f"UPDATE {self.table} SET {self._assign} WHERE owner = ? AND id = ?",
                [*self._values(doc), owner, doc.id],
            )
            self._db.execute(
                f"DELETE FROM {self.lines_table} WHERE owner = ? AND {self.key} = ?",
                (owner, doc.id),
            )
        except sqlite3.IntegrityError as exc:
            raise self._refused(doc, exc) from exc
        self._write_lines(owner, doc)

    @translated
    def get(self, owner_id: str, doc_id: str) -> Any:
        found = self._select(owner_id, "d.id = ?", [doc_id], "")
        return found[0] if found else None

    def _select(
        self,
        owner_id: str,
        where: str,
        params: Sequence[object],
        tail: str,
        *,
        indexed: str | None = None,
    ) -> list[Any]:
        """The owner's documents ``d`` matching ``where`` (with ``tail``: an ORDER BY and
        LIMIT, whose parameters end ``params``), read from the index ``indexed`` if
        given, each with its lines (read in one more statement)."""
        owner = self._owner(owner_id)
        if owner is None:
            return []
        by = "" if indexed is None else f" INDEXED BY {indexed}"
        rows = self._db.execute(
            f"SELECT {self._d_columns} FROM {self.table} AS d{by}"
            f" WHERE d.owner = ? AND {where}{tail}",
            [owner, *params],
        ).fetchall()
        if not rows:
            return []
        lines: dict[str, list[Line]] = {row[0]: [] for row in rows}
        if len(rows) == 1:
            found = self._db.execute(
                f"SELECT {self.key}, {LINE_COLUMNS} FROM {self.lines_table}"
                f" WHERE owner = ? AND {self.key} = ? ORDER BY position",
                (owner, rows[0][0]),
            )
        else:
            found = self._db.execute(
                f"SELECT {self.key}, {LINE_COLUMNS} FROM {self.lines_table}"
                f" WHERE owner = ? AND {self.key} IN (SELECT value FROM json_each(?))"
                f" ORDER BY {self.key}, position",
                (owner, json.dumps([row[0] for row in rows])),
            )
        for doc_id, *line in found:
            lines[doc_id].append(line_from_row(line))
        return [self._record(row, lines[row[0]]) for row in rows]


_NEWEST = " ORDER BY d.created_at_us DESC, d.id DESC"


def _by_customer_and_status(
    where: QuoteFilter | InvoiceFilter, status: type[QuoteStatus] | type[InvoiceStatus]
) -> tuple[list[str], list[object]]:
    """The clauses (and their parameters) of what a quote and an invoice filter share."""
    sql, params = ["1"], list[object]()
    if where.customer_id is not None:
        sql.append("d.customer_id = ?")
        params.append(where.customer_id)
    if where.status is not None:
        sql.append("d.status = ?")
        params.append(status(where.status).value)
    return sql, params


class SqliteQuotes(_Documents):
    kind = "quote"
    table = "quotes"
    lines_table = "quote_lines"
    key = "quote_id"
    columns = QUOTE_COLUMNS
    names = ("job_id", "jobs", "job")  # an accepted quote's job

    def _values(self, doc: Any) -> list[object]:
        return quote_values(doc)

    def _record(self, row: Sequence[Any], lines: Sequence[Line]) -> Quote:
        return quote_from_row(row, lines)

    def _number_taken(self, owner: int, doc: Any) -> bool:
        return self._exists(
            "SELECT 1 FROM quotes WHERE owner = ? AND number = ? AND id <> ?",
            owner,
            doc.number,
            doc.id,
        )

    @translated
    def list(self, owner_id: str, where: QuoteFilter) -> Sequence[Quote]:
        sql, params = _by_customer_and_status(where, QuoteStatus)
        return self._select(owner_id, " AND ".join(sql), params, _NEWEST)

    @translated
    def of_job(self, owner_id: str, job_id: str) -> Quote | None:
        found = self._select(owner_id, "d.job_id = ?", [job_id], _NEWEST + " LIMIT 1")
        return found[0] if found else None

    @translated
    def delete(self, owner_id: str, quote_id: str) -> Deleted:
        deleted = self._db.execute(
            f"DELETE FROM quotes WHERE owner = {OWNER} AND id = ?", (owner_id, quote_id)
        ).rowcount
        return Deleted(quotes=1) if deleted else Deleted()


class SqliteInvoices(_Documents):
    """Invoices and credit notes. Only a draft is deleted; an issued one stays, with its
    number, until its owner's account goes."""

    kind = "invoice"
    table = "invoices"
    lines_table = "invoice_lines"
    key = "invoice_id"
    columns = INVOICE_COLUMNS
    names = ("corrects", "invoices", "invoice")  # a credit note's invoice

    def _values(self, doc: Any) -> list[object]:
        return invoice_values(doc)

    def _record(self, row: Sequence[Any], lines: Sequence[Line]) -> Invoice:
        return invoice_from_row(row, lines)

    def _number_taken(self, owner: int, doc: Any) -> bool:
        return self._exists(
            "SELECT 1 FROM invoices WHERE owner = ? AND kind = ? AND number = ? AND id <> ?",
            owner,
            InvoiceKind(doc.kind).value,
            doc.number,
            doc.id,
        )

    @translated
    def list(self, owner_id: str, where: InvoiceFilter) -> Sequence[Invoice]:
        sql, params = _by_customer_and_status(where, InvoiceStatus)
        if where.kind is not None:
            sql.append("d.kind = ?")
            params.append(InvoiceKind(where.kind).value)
        if where.job_id is not None:
            sql.append(
                "EXISTS (SELECT 1 FROM invoice_lines AS l"
                " WHERE l.owner = d.owner AND l.job_id = ? AND l.invoice_id = d.id)"
            )
            params.append(where.job_id)
        return self._select(owner_id, " AND ".join(sql), params, _NEWEST)

    @translated
    def delete(self, owner_id: str, invoice_id: str) -> Deleted:
        found = self._db.execute(
            f"SELECT status FROM invoices WHERE owner = {OWNER} AND id = ?",
            (owner_id, invoice_id),
        ).fetchone()
        if found is None:
            return Deleted()
        if found[0] != InvoiceStatus.DRAFT.value:
            raise ConflictError("status", f"invoice {invoice_id!r} is issued: it is kept")
        try:
            self._db.execute(
                f"DELETE FROM invoices WHERE owner = {OWNER} AND id = ?", (owner_id, invoice_id)
            )
        except sqlite3.IntegrityError as exc:
            if is_foreign_key_violation(exc):
                raise ConflictError(
                    "payments", f"invoice {invoice_id!r} has payments or credit notes"
                ) from exc
            raise translate(exc) from exc
        return Deleted(invoices=1)


_SERIES = {s.value: s for s in Series}


class SqliteBilling:
    """Billing settings (one row, and its tax rates) and the number counters."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection

    def _owner(self, user_id: str) -> int:
        found = self._db.execute("SELECT owner FROM users WHERE id = ?", (user_id,)).fetchone()
        if found is None:
            raise NotFoundError("user", user_id)
        return int(found[0])

    @translated
    def get(self, owner_id: str) -> BillingSettings | None:
        row = self._db.execute(
            f"SELECT owner, {SETTINGS_COLUMNS} FROM billing_settings WHERE owner = {OWNER}",
            (owner_id,),
        ).fetchone()
        if row is None:
            return None
        owner, user_id, currency, include, default_tax, *formats_and_more = row
        (
            invoice_format, quote_format, credit_note_format, terms, valid_days, address,
            phone, email, tax_id, instructions, updated_at, version,
        ) = formats_and_more  # fmt: skip
        rates = self._db.execute(
            "SELECT name, rate_thousandths FROM tax_rates WHERE owner = ? ORDER BY position",
            (owner,),
        )
        return BillingSettings(
            user_id=user_id,
            currency=currency,
            prices_include_tax=include == 1,
            tax_rates=tuple(
                TaxRate(name=name, rate=col.read_thousandths(rate)) for name, rate in rates
            ),
            default_tax=default_tax,
            invoice_format=invoice_format,
            quote_format=quote_format,
            credit_note_format=credit_note_format,
            payment_terms_days=terms,
            quote_valid_days=valid_days,
            address=address,
            phone=phone,
            email=email,
            tax_id=tax_id,
            payment_instructions=instructions,
            updated_at=col.read_optional_timestamp(updated_at),
            version=version,
        )

    @translated
    def put(self, settings: BillingSettings) -> None:
        s = settings
        owner = self._owner(s.user_id)
        names = _names(SETTINGS_COLUMNS)
        values = [
            s.user_id,
            s.currency,
            col.flag(s.prices_include_tax, "prices_include_tax"),
            s.default_tax,
            s.invoice_format,
            s.quote_format,
            s.credit_note_format,
            s.payment_terms_days,
            s.quote_valid_days,
            s.address,
            s.phone,
            s.email,
            s.tax_id,
            s.payment_instructions,
            col.optional_timestamp(s.updated_at, "updated_at"),
            s.version,
        ]
        self._db.execute("DELETE FROM tax_rates WHERE owner = ?", (owner,))
        self._db.execute(
            f"INSERT INTO billing_settings (owner, {SETTINGS_COLUMNS})"
            f" VALUES (?, {', '.join('?' * len(names))})"
            f" ON CONFLICT (owner) DO UPDATE SET"
            f" {', '.join(f'{c} = excluded.{c}' for c in names)}",
            [owner, *values],
        )
        self._db.executemany(
            "INSERT INTO tax_rates (owner, position, name, rate_thousandths) VALUES (?, ?, ?, ?)",
            [
                (owner, n, rate.name, col.thousandths(rate.rate, "rate"))
                for n, rate in enumerate(s.tax_rates)
            ],
        )

    @translated
    def next_number(self, owner_id: str, series: Series, period: int) -> int:
        """One statement: the counter's row made (at 1) or incremented, in this unit of
        work's write transaction, so it is the owner's next number until it ends."""
        found = self._db.execute(
            "INSERT INTO number_counters (owner, series, period, last)"
            " SELECT owner, ?, ?, 1 FROM users WHERE id = ?"
            " ON CONFLICT (owner, series, period) DO UPDATE SET last = last + 1"
            " RETURNING last",
            (Series(series).value, period, owner_id),
        ).fetchone()
        if found is None:
            raise NotFoundError("user", owner_id)
        number: int = found[0]
        return number

    @translated
    def last_numbers(self, owner_id: str) -> Sequence[tuple[Series, int, int]]:
        rows = self._db.execute(
            "SELECT series, period, last FROM number_counters"
            f" WHERE owner = {OWNER} ORDER BY series, period",
            (owner_id,),
        )
        return [(_SERIES[series], period, last) for series, period, last in rows]

    @translated
    def set_number(self, owner_id: str, series: Series, period: int, last: int) -> None:
        self._db.execute(
            "INSERT INTO number_counters (owner, series, period, last) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (owner, series, period) DO UPDATE SET last = max(last, excluded.last)",
            (self._owner(owner_id), Series(series).value, period, last),
        )


__all__ = [
    "INVOICE_COLUMNS",
    "LINE_COLUMNS",
    "QUOTE_COLUMNS",
    "SqliteBilling",
    "SqliteInvoices",
    "SqliteQuotes",
    "invoice_from_row",
    "line_from_row",
    "quote_from_row",
]
