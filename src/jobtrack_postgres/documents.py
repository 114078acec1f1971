"""Billing settings, document numbers, quotes and invoices on PostgreSQL (schema version 7,
:mod:`jobtrack_postgres.billing`).

Like every repository (:mod:`jobtrack_postgres.repositories`), a refused change raises a
jobtrack error without aborting the unit of work: inserts use ``ON CONFLICT DO NOTHING``
and check the customer in the same statement, updates check their conditions in their
``WHERE`` clause, and what they refused is then diagnosed. A document's lines are rows of
``quote_lines`` or ``invoice_lines``, read back with the document in the same statement
(one ``jsonb`` array per document).

Numbers: :meth:`PostgresBilling.next_number` increments the counter's row with
``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``. The row is then locked until the unit
of work ends: another unit of work asking for a number of the same series and period
waits, and goes on from the number committed (at ``READ COMMITTED``), or fails with
:class:`~jobtrack_core.errors.RetryableError` (at ``SERIALIZABLE``). A unit of work that
rolls back takes its increment with it, so the number is handed out again: numbers have
no gaps and are never given twice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
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
from jobtrack_core.errors import ConflictError, NotFoundError, quoted
from jobtrack_core.money import from_minor, to_minor
from jobtrack_core.queries import InvoiceFilter, QuoteFilter
from jobtrack_postgres.repositories import Repository
from jobtrack_postgres.rows import Row

_THOUSANDTH = Decimal("0.001")


def thousandths(value: Decimal) -> int:
    """A quantity or a tax rate (at most 3 places) as an integer of thousandths."""
    return int(value.quantize(_THOUSANDTH).scaleb(3))


def from_thousandths(value: int) -> Decimal:
    """Integer thousandths to a Decimal of exactly 3 places: ``2500`` -> ``2.500``."""
    return Decimal(value).scaleb(-3) + 0


def _same(value: Any) -> Any:
    return value


def _value(value: Any) -> Any:
    return value.value


def _cents(amount: Decimal) -> int:
    return to_minor(amount)


# -- lines ---------------------------------------------------------------------------------

#: A line as ``jsonb``: the order of :data:`_LINE_JSON` and of :func:`line_json`.
_LINE_JSON = (
    "jsonb_build_array(l.description, l.quantity_thousandths, l.unit, l.unit_price_cents, "
    "l.discount_cents, l.tax_name, l.tax_rate_thousandths, l.job_id)"
)


def _lines_of(table: str, key: str, alias: str) -> str:
    """The lines of the document ``alias`` as one ``jsonb`` array, in their order."""
    return (
        f"(SELECT coalesce(jsonb_agg({_LINE_JSON} ORDER BY l.position), '[]'::jsonb) "
        f"FROM {table} l WHERE l.user_id = {alias}.user_id AND l.{key} = {alias}.id)"
    )


def line_json(line: Line) -> list[Any]:
    """A line as :data:`_LINE_JSON` makes it of its row."""
    return [
        line.description,
        thousandths(line.quantity),
        line.unit,
        to_minor(line.unit_price),
        to_minor(line.discount),
        line.tax_name,
        thousandths(line.tax_rate),
        line.job_id,
    ]


def line_from_json(value: list[Any]) -> Line:
    description, quantity, unit, price, discount, tax_name, rate, job_id = value
    return Line.from_store(
        description,
        from_thousandths(int(quantity)),
        unit,
        from_minor(int(price)),
        from_minor(int(discount)),
        tax_name,
        from_thousandths(int(rate)),
        job_id,
    )


def _lines_from(value: list[list[Any]]) -> tuple[Line, ...]:
    return tuple(line_from_json(item) for item in value)


_LINE_INSERT = (
    "INSERT INTO {table} (user_id, {key}, position, description, quantity_thousandths, unit, "
    "unit_price_cents, discount_cents, tax_name, tax_rate_thousandths, job_id) "
    "SELECT %s, %s, * FROM unnest(%s::int[], %s::text[], %s::bigint[], %s::text[], "
    "%s::bigint[], %s::bigint[], %s::text[], %s::int[], %s::text[])"
)


# -- the columns of quotes and invoices ----------------------------------------------------

Column = tuple[str, str, Callable[[Any], Any], str]

#: Each field of a quote: its column, how its value is written, the column's type
#: (``lines`` is no column: its rows are in ``quote_lines``).
_QUOTE: tuple[Column, ...] = (
    ("id", "id", _same, "text"),
    ("user_id", "user_id", _same, "text"),
    ("customer_id", "customer_id", _same, "text"),
    ("number", "number", _same, "text"),
    ("status", "status", _value, "text"),
    ("title", "title", _same, "text"),
    ("notes", "notes", _same, "text"),
    ("lines", "", _same, ""),
    ("currency", "currency", _same, "text"),
    ("prices_include_tax", "prices_include_tax", _same, "boolean"),
    ("subtotal", "subtotal_cents", _cents, "bigint"),
    ("tax", "tax_cents", _cents, "bigint"),
    ("total", "total_cents", _cents, "bigint"),
    ("issued_on", "issued_on", _same, "date"),
    ("valid_until", "valid_until", _same, "date"),
    ("decided_at", "decided_at", _same, "timestamptz"),
    ("job_id", "job_id", _same, "text"),
    ("created_at", "created_at", _same, "timestamptz"),
    ("updated_at", "updated_at", _same, "timestamptz"),
    ("version", "version", _same, "integer"),
)

_INVOICE: tuple[Column, ...] = (
    ("id", "id", _same, "text"),
    ("user_id", "user_id", _same, "text"),
    ("customer_id", "customer_id", _same, "text"),
    ("kind", "kind", _value, "text"),
    ("number", "number", _same, "text"),
    ("status", "status", _value, "text"),
    ("lines", "", _same, ""),
    ("notes", "notes", _same, "text"),
    ("currency", "currency", _same, "text"),
    ("prices_include_tax", "prices_include_tax", _same, "boolean"),
    ("subtotal", "subtotal_cents", _cents, "bigint"),
    ("tax", "tax_cents", _cents, "bigint"),
    ("total", "total_cents", _cents, "bigint"),
    ("issued_on", "issued_on", _same, "date"),
    ("due_on", "due_on", _same, "date"),
    ("amount_paid", "amount_paid_cents", _cents, "bigint"),
    ("amount_credited", "amount_credited_cents", _cents, "bigint"),
    ("corrects", "corrects", _same, "text"),
    ("voided_at", "voided_at", _same, "timestamptz"),
    ("void_reason", "void_reason", _same, "text"),
    ("created_at", "created_at", _same, "timestamptz"),
    ("updated_at", "updated_at", _same, "timestamptz"),
    ("version", "version", _same, "integer"),
)

_QUOTE_STATUS = {s.value: s for s in QuoteStatus}
_INVOICE_STATUS = {s.value: s for s in InvoiceStatus}
_KINDS = {k.value: k for k in InvoiceKind}


class _Table:
    """The SQL of one kind of document, made from its table of columns."""

    def __init__(
        self,
        table: str,
        lines: str,
        key: str,
        columns: tuple[Column, ...],
        load: Callable[[Row], Any],
    ) -> None:
        self.table, self.lines, self.key, self.columns, self.load = (
            table,
            lines,
            key,
            columns,
            load,
        )
        stored = [c for c in columns if c[1]]
        self.names = ", ".join(column for _, column, _, _ in stored)
        self.values = ", ".join(f"%({column})s::{kind}" for _, column, _, kind in stored)
        self.set = ", ".join(f"{column} = %({column})s" for _, column, _, _ in stored[2:])
        self.fields = ", ".join(
            _lines_of(lines, key, "d") if not column else _read(column)
            for _, column, _, _ in columns
        )
        self.line_insert = _LINE_INSERT.format(table=lines, key=key)

    def params(self, doc: Any) -> dict[str, Any]:
        return {
            column: write(getattr(doc, field)) for field, column, write, _ in self.columns if column
        }

    def select(self, where: str) -> str:
        return f"SELECT {self.fields} FROM {self.table} d WHERE {where}"


def _read(column: str) -> str:
    """A column as its field is read: money in cents (converted in Python)."""
    return f"d.{column}"


def _quote_from_row(row: Row) -> Quote:
    values = list(row)
    values[4] = _QUOTE_STATUS[values[4]]
    values[7] = _lines_from(values[7])
    for n in (10, 11, 12):
        values[n] = from_minor(int(values[n]))
    return Quote.from_store(*values)


def _invoice_from_row(row: Row) -> Invoice:
    values = list(row)
    values[3] = _KINDS[values[3]]
    values[5] = _INVOICE_STATUS[values[5]]
    values[6] = _lines_from(values[6])
    for n in (10, 11, 12, 15, 16):
        values[n] = from_minor(int(values[n]))
    return Invoice.from_store(*values)


QUOTES = _Table("quotes", "quote_lines", "quote_id", _QUOTE, _quote_from_row)
INVOICES = _Table("invoices", "invoice_lines", "invoice_id", _INVOICE, _invoice_from_row)


class _Documents(Repository):
    """What quotes and invoices share: each for a customer of its owner, its lines' jobs
    jobs of its owner, its number unique per owner and series."""

    kind = "document"
    sql: _Table
    #: What else a document of the kind names, checked after its lines' jobs: its field,
    #: the table, and the kind of record a missing one is.
    names: tuple[str, str, str]

    def _series_clause(self, doc: Any, alias: str = "") -> str:
        """What else than the number a number clashes on (in the table ``alias``)."""
        return ""

    def _check_references(self, doc: Any) -> None:
        """Raise what the store rules say of a line's job (and of what a document names
        besides), before writing anything."""
        jobs = list(dict.fromkeys(line.job_id for line in doc.lines if line.job_id))
        if jobs:
            row = self._one(
                "SELECT k.id FROM unnest(%s::text[]) WITH ORDINALITY AS k(id, n) "
                "WHERE NOT EXISTS (SELECT FROM jobs j WHERE j.user_id = %s AND j.id = k.id) "
                "ORDER BY k.n LIMIT 1",
                (jobs, doc.user_id),
            )
            if row is not None:
                raise NotFoundError("job", row[0])
        field, table, kind = self.names
        named = getattr(doc, field)
        if named is not None and not self._exists(
            f"SELECT FROM {table} WHERE user_id = %s AND id = %s", (doc.user_id, named)
        ):
            raise NotFoundError(kind, named)

    def _number_taken(self, doc: Any) -> bool:
        if doc.number is None:
            return False
        return self._exists(
            f"SELECT FROM {self.sql.table} WHERE user_id = %s AND number = %s AND id <> %s"
            f"{self._series_clause(doc)}",
            (doc.user_id, doc.number, doc.id),
        )

    def _taken(self, doc: Any) -> ConflictError:
        return ConflictError("number", f"number {quoted(doc.number)} is taken")

    def _write_lines(self, doc: Any, replace: bool) -> None:
        if replace:
            self._run(
                f"DELETE FROM {self.sql.lines} WHERE user_id = %s AND {self.sql.key} = %s",
                (doc.user_id, doc.id),
            )
        if not doc.lines:
            return
        values = [line_json(line) for line in doc.lines]
        columns = list(zip(*values, strict=True))
        self._run(
            self.sql.line_insert,
            (
                doc.user_id,
                doc.id,
                list(range(1, len(values) + 1)),
                *(list(column) for column in columns),
            ),
            missing=NotFoundError("job", next((n.job_id for n in doc.lines if n.job_id), "?")),
        )

    def add(self, doc: Any) -> None:
        self._check_references(doc)
        cursor = self._run(
            f"INSERT INTO {self.sql.table} ({self.sql.names}) SELECT {self.sql.values} "
            "WHERE EXISTS (SELECT FROM customers "
            "WHERE user_id = %(user_id)s AND id = %(customer_id)s) "
            "ON CONFLICT DO NOTHING",
            self.sql.params(doc),
            missing=NotFoundError("customer", doc.customer_id),
        )
        if cursor.rowcount == 0:
            if not self._exists("SELECT FROM users WHERE id = %s", (doc.user_id,)):
                raise NotFoundError("user", doc.user_id)
            if not self._exists(
                "SELECT FROM customers WHERE user_id = %s AND id = %s",
                (doc.user_id, doc.customer_id),
            ):
                raise NotFoundError("customer", doc.customer_id)
            if self._number_taken(doc):
                raise self._taken(doc)
            raise ConflictError("id", f"a {self.kind} with id {quoted(doc.id)} already exists")
        self._write_lines(doc, replace=False)

    def get(self, owner_id: str, doc_id: str) -> Any:
        row = self._one(
            self.sql.select(f"d.user_id = %s AND d.id = %s{self._lock}"), (owner_id, doc_id)
        )
        return None if row is None else self.sql.load(row)

    def _list(
        self, owner_id: str, where: Any, clauses: list[str], params: dict[str, Any]
    ) -> list[Any]:
        """The owner's documents of ``where``'s customer and status (what a quote and an
        invoice filter share) meeting ``clauses`` too, newest first."""
        shared = ["d.user_id = %(owner)s"]
        if where.customer_id is not None:
            shared.append("d.customer_id = %(customer)s")
        if where.status is not None:
            shared.append("d.status = %(status)s")
        rows = self._all(
            self.sql.select(" AND ".join(shared + clauses))
            + " ORDER BY d.created_at DESC, d.id DESC",
            {
                "owner": owner_id,
                "customer": where.customer_id,
                "status": None if where.status is None else where.status.value,
                **params,
            },
        )
        return [self.sql.load(row) for row in rows]

    def update(self, doc: Any) -> None:
        self._check_references(doc)
        cursor = self._run(
            f"UPDATE {self.sql.table} SET {self.sql.set} "
            "WHERE user_id = %(user_id)s AND id = %(id)s AND EXISTS (SELECT FROM customers "
            "WHERE user_id = %(user_id)s AND id = %(customer_id)s) "
            f"AND (%(number)s::text IS NULL OR NOT EXISTS (SELECT FROM {self.sql.table} o "
            "WHERE o.user_id = %(user_id)s AND o.number = %(number)s AND o.id <> %(id)s"
            f"{self._series_clause(doc, 'o.')}))",
            self.sql.params(doc),
            missing=NotFoundError("customer", doc.customer_id),
        )
        if cursor.rowcount == 0:
            self._missing_after_update(doc)
        self._write_lines(doc, replace=True)

    def _missing_after_update(self, doc: Any) -> None:
        """Why an update changed no row: raise what the store rules say."""
        if not self._exists(
            f"SELECT FROM {self.sql.table} WHERE user_id = %s AND id = %s", (doc.user_id, doc.id)
        ):
            raise NotFoundError(self.kind, doc.id)
        if not self._exists(
            "SELECT FROM customers WHERE user_id = %s AND id = %s", (doc.user_id, doc.customer_id)
        ):
            raise NotFoundError("customer", doc.customer_id)
        if self._number_taken(doc):
            raise self._taken(doc)
        raise NotFoundError(self.kind, doc.id)  # gone meanwhile


class PostgresQuotes(_Documents):
    """An owner's quotes, by owner and id, with their lines."""

    kind = "quote"
    sql = QUOTES
    names = ("job_id", "jobs", "job")  # an accepted quote's job

    def add(self, quote: Quote) -> None:
        super().add(quote)

    def get(self, owner_id: str, quote_id: str) -> Quote | None:
        found: Quote | None = super().get(owner_id, quote_id)
        return found

    def list(self, owner_id: str, where: QuoteFilter) -> Sequence[Quote]:
        return self._list(owner_id, where, [], {})

    def of_job(self, owner_id: str, job_id: str) -> Quote | None:
        row = self._one(
            self.sql.select("d.user_id = %s AND d.job_id = %s ORDER BY d.id LIMIT 1"),
            (owner_id, job_id),
        )
        return None if row is None else _quote_from_row(row)

    def update(self, quote: Quote) -> None:
        super().update(quote)

    def delete(self, owner_id: str, quote_id: str) -> Deleted:
        row = self._one(
            "WITH l AS (DELETE FROM quote_lines WHERE user_id = %(owner)s "
            "AND quote_id = %(id)s) "
            "DELETE FROM quotes WHERE user_id = %(owner)s AND id = %(id)s RETURNING 1",
            {"owner": owner_id, "id": quote_id},
        )
        return Deleted() if row is None else Deleted(quotes=1)


class PostgresInvoices(_Documents):
    """An owner's invoices and credit notes, by owner and id, with their lines; only
    drafts that no payment names are deleted."""

    kind = "invoice"
    sql = INVOICES
    names = ("corrects", "invoices", "invoice")  # a credit note's invoice

    def _series_clause(self, doc: Any, alias: str = "") -> str:
        return f" AND {alias}kind = '{doc.kind.value}'"

    def add(self, invoice: Invoice) -> None:
        super().add(invoice)

    def get(self, owner_id: str, invoice_id: str) -> Invoice | None:
        found: Invoice | None = super().get(owner_id, invoice_id)
        return found

    def list(self, owner_id: str, where: InvoiceFilter) -> Sequence[Invoice]:
        clauses: list[str] = []
        if where.kind is not None:
            clauses.append("d.kind = %(kind)s")
        if where.job_id is not None:
            clauses.append(
                "EXISTS (SELECT FROM invoice_lines l WHERE l.user_id = d.user_id "
                "AND l.invoice_id = d.id AND l.job_id = %(job)s)"
            )
        return self._list(
            owner_id,
            where,
            clauses,
            {"kind": None if where.kind is None else where.kind.value, "job": where.job_id},
        )

    def update(self, invoice: Invoice) -> None:
        """Write the invoice and its lines (the workspace changes an issued invoice only
        in its money, status and what voiding it sets)."""
        super().update(invoice)

    def delete(self, owner_id: str, invoice_id: str) -> Deleted:
        row = self._one(
            "SELECT status FROM invoices WHERE user_id = %s AND id = %s", (owner_id, invoice_id)
        )
        if row is None:
            return Deleted()
        if row[0] != InvoiceStatus.DRAFT.value:
            raise ConflictError("status", f"invoice {quoted(invoice_id)} is issued: it is kept")
        if self._exists(
            "SELECT FROM payments WHERE user_id = %s AND invoice_id = %s", (owner_id, invoice_id)
        ):
            raise ConflictError("payments", f"payments name invoice {quoted(invoice_id)}")
        self._run(
            "WITH l AS (DELETE FROM invoice_lines WHERE user_id = %(owner)s "
            "AND invoice_id = %(id)s) "
            "DELETE FROM invoices WHERE user_id = %(owner)s AND id = %(id)s "
            "AND status = 'draft'",
            {"owner": owner_id, "id": invoice_id},
        )
        return Deleted(invoices=1)


# -- settings and numbers --------------------------------------------------------------------

_SETTINGS = (
    "currency",
    "prices_include_tax",
    "invoice_format",
    "quote_format",
    "credit_note_format",
    "payment_terms_days",
    "quote_valid_days",
    "address",
    "phone",
    "email",
    "tax_id",
    "payment_instructions",
    "updated_at",
    "version",
)
_SETTINGS_COLUMNS = ", ".join(_SETTINGS)
_SETTINGS_VALUES = ", ".join(f"%({c})s" for c in _SETTINGS)
_SETTINGS_SET = ", ".join(f"{c} = excluded.{c}" for c in _SETTINGS)
_RATES = (
    "(SELECT coalesce(jsonb_agg(jsonb_build_array(r.name, r.rate_thousandths) "
    "ORDER BY r.position), '[]'::jsonb) FROM billing_tax_rates r WHERE r.user_id = s.user_id)"
)
_SERIES = {s.value: s for s in Series}


class PostgresBilling(Repository):
    """Each owner's billing settings (``billing_settings``, ``billing_tax_rates``) and the
    counters of its document numbers (``number_counters``)."""

    def get(self, owner_id: str) -> BillingSettings | None:
        row = self._one(
            f"SELECT s.user_id, s.currency, s.prices_include_tax, {_RATES}, s.default_tax, "
            "s.invoice_format, s.quote_format, s.credit_note_format, s.payment_terms_days, "
            "s.quote_valid_days, s.address, s.phone, s.email, s.tax_id, "
            "s.payment_instructions, s.updated_at, s.version "
            "FROM billing_settings s WHERE s.user_id = %s",
            (owner_id,),
        )
        if row is None:
            return None
        values = list(row)
        values[3] = tuple(
            TaxRate.from_store(name, from_thousandths(int(rate))) for name, rate in values[3]
        )
        return BillingSettings.from_store(*values)

    def put(self, settings: BillingSettings) -> None:
        params = {c: getattr(settings, c) for c in _SETTINGS} | {"user_id": settings.user_id}
        row = self._one(
            "WITH s AS (INSERT INTO billing_settings AS t "
            f"(user_id, default_tax, {_SETTINGS_COLUMNS}) "
            f"SELECT %(user_id)s, NULL, {_SETTINGS_VALUES} "
            "WHERE EXISTS (SELECT FROM users WHERE id = %(user_id)s) "
            f"ON CONFLICT (user_id) DO UPDATE SET default_tax = NULL, {_SETTINGS_SET} "
            "RETURNING 1), "
            "r AS (DELETE FROM billing_tax_rates WHERE user_id = %(user_id)s) "
            "SELECT count(*) FROM s",
            params,
            missing=NotFoundError("user", settings.user_id),
        )
        if row is None or row[0] == 0:
            raise NotFoundError("user", settings.user_id)
        rates = settings.tax_rates
        self._run(
            "WITH r AS (INSERT INTO billing_tax_rates (user_id, name, position, rate_thousandths) "
            "SELECT %(user_id)s, * FROM unnest(%(names)s::text[], %(positions)s::int[], "
            "%(rates)s::int[])) "
            "UPDATE billing_settings SET default_tax = %(default)s WHERE user_id = %(user_id)s",
            {
                "user_id": settings.user_id,
                "names": [r.name for r in rates],
                "positions": list(range(1, len(rates) + 1)),
                "rates": [thousandths(r.rate) for r in rates],
                "default": settings.default_tax,
            },
        )

    def next_number(self, owner_id: str, series: Series, period: int) -> int:
        row = self._one(
            "INSERT INTO number_counters AS t (user_id, series, period, last) "
            "SELECT %(owner)s, %(series)s, %(period)s, 1 "
            "WHERE EXISTS (SELECT FROM users WHERE id = %(owner)s) "
            "ON CONFLICT (user_id, series, period) DO UPDATE SET last = t.last + 1 "
            "RETURNING t.last",
            {"owner": owner_id, "series": series.value, "period": period},
            missing=NotFoundError("user", owner_id),
        )
        if row is None:
            raise NotFoundError("user", owner_id)
        return int(row[0])

    def last_numbers(self, owner_id: str) -> Sequence[tuple[Series, int, int]]:
        rows = self._all(
            "SELECT series, period, last FROM number_counters WHERE user_id = %s "
            "ORDER BY series, period",
            (owner_id,),
        )
        return [(_SERIES[series], int(period), int(last)) for series, period, last in rows]

    def set_number(self, owner_id: str, series: Series, period: int, last: int) -> None:
        row = self._one(
            "INSERT INTO number_counters AS t (user_id, series, period, last) "
            "SELECT %(owner)s, %(series)s, %(period)s, %(last)s "
            "WHERE EXISTS (SELECT FROM users WHERE id = %(owner)s) "
            "ON CONFLICT (user_id, series, period) DO UPDATE "
            "SET last = greatest(t.last, excluded.last) RETURNING 1",
            {"owner": owner_id, "series": series.value, "period": period, "last": last},
            missing=NotFoundError("user", owner_id),
        )
        if row is None:
            raise NotFoundError("user", owner_id)


__all__ = [
    "INVOICES",
    "QUOTES",
    "PostgresBilling",
    "PostgresInvoices",
    "PostgresQuotes",
    "from_thousandths",
    "line_from_json",
    "line_json",
    "thousandths",
]
