"""The SQL schema, version 7: the seed's four tables, made strict, exact and compact,
each business's history, and the payments ledger.

Table and column names follow the original data model wherever the meaning is
kept. What changed, and why:

- money and hours are stored as integers of hundredths (``*_cents``,
  ``*_hours_hundredths``), timestamps as integers of microseconds since
  1970-01-01 UTC (``*_at_us``); the seed's ``estimated_cost``, ``actual_cost``,
  ``estimated_hours``, ``actual_hours`` and every ``*_at`` column remain, as
  generated (virtual, never stored) columns in currency units, hours and ISO
  text, so queries written against the seed keep working;
- every user has a small integer ``owner`` number, and customers and jobs carry
  their owner's: every index on them leads with it (an integer is a fraction of
  the size of the text id, and indexes are most of a database's size and of an
  insert's work). Composite foreign keys keep the number and the text id in
  agreement, so a job can never point at another owner's customer;
- customers and jobs are keyed by ``(owner, id)``: ids are unique per owner, so
  two owners may each have a customer ``"17"`` (user and session ids stay unique
  across the database);
- ``users.timezone`` and ``users.week_start`` hold the business's calendar, both
  set or both NULL (the application's calendar);
- ``jobs.paid_at`` records when a job was marked paid;
- ``sessions.token`` became ``token_hash`` (only a hash of a token is kept),
  with ``last_used_at`` and ``revoked_at``;
- CHECK constraints hold statuses, 0/1 flags and value ranges; every table is
  STRICT;
- indexes fit the queries the store runs, and are partial where those queries
  read a minority of the rows;
- customers and jobs have a ``version``, 1 when made and one more at each change;
  ``history`` keeps each business's changes, numbered per business, and
  ``history_heads`` the last number handed out and how far pruning went;
- ``payments`` is the ledger (since version 6): each payment of a job, with
  ``jobs.amount_paid_cents`` what the job's standing payments add up to; a CHECK
  keeps ``paid`` to the ledger's rule (:func:`jobtrack_core.entities.covered`) for a
  completed job with a cost;
- quotes, invoices and credit notes (since version 7), each with its lines
  (``quote_lines``, ``invoice_lines``: quantities and tax rates in thousandths), each
  business's billing settings and tax rates, and the counters that number its
  documents (``number_counters``); payments may be made to an invoice
  (``payments.invoice_id``), and the part of such a payment that pays no job has no
  ``job_id``.
"""

from __future__ import annotations

import enum

from jobtrack_core.documents import STANDING, InvoiceKind, InvoiceStatus, QuoteStatus, Series
from jobtrack_core.entities import Action, PaymentKind, PaymentMethod, RecordKind, Source
from jobtrack_core.status import JobStatus
from jobtrack_sqlite import rules
from jobtrack_sqlite.columns import MAX_HUNDREDTHS, MAX_US, MIN_US

#: ``PRAGMA application_id`` of a jobtrack database ("JBTR").
APPLICATION_ID = 0x4A425452

#: The current time in microseconds since the epoch, in SQL (to the millisecond).
NOW_US = (
    "(CAST(strftime('%s', 'now') AS INTEGER) * 1000000"
    " + CAST(substr(strftime('%f', 'now'), 4) AS INTEGER) * 1000)"
)

#: The statement-level expression of an owner's number, given the user's id.
OWNER = "(SELECT owner FROM users WHERE id = ?)"

_DIGIT = "[0-9]"
_DATE_GLOB = f"{_DIGIT * 4}-{_DIGIT * 2}-{_DIGIT * 2}"


def seconds(us: str) -> str:
    """Whole seconds since the epoch (rounded down) of a microseconds expression."""
    return f"({us} / 1000000 - ({us} % 1000000 < 0))"


def iso_text(us: str) -> str:
    """A microseconds expression as ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (NULL stays NULL)."""
    return (
        f"strftime('%Y-%m-%dT%H:%M:%S', {seconds(us)}, 'unixepoch')"
        f" || printf('.%06dZ', ({us} % 1000000 + 1000000) % 1000000)"
    )


def utc_day(us: str) -> str:
    """The UTC calendar date (``YYYY-MM-DD``) of a microseconds expression."""
    return f"date({seconds(us)}, 'unixepoch')"


def _shown(name: str) -> str:
    """The seed's text column ``name``, generated from ``name_us``."""
    return f"{name} TEXT GENERATED ALWAYS AS ({iso_text(f'{name}_us')}) VIRTUAL"


def _stored(name: str, *, required: bool = True, default_now: bool = True) -> str:
    """The integer column ``name_us`` behind the text column ``name``."""
    null = "NOT NULL" if required else ""
    if required and default_now:
        null += f" DEFAULT {NOW_US}"
    return (
        f"{name}_us INTEGER {null} CONSTRAINT valid_{name}"
        f" CHECK ({name}_us BETWEEN {MIN_US} AND {MAX_US})"
    )


def _hundredths(column: str, field: str) -> str:
    return (
        f"{column} INTEGER CONSTRAINT valid_{field} CHECK ({column} BETWEEN 0 AND {MAX_HUNDREDTHS})"
    )


def _generated(field: str, column: str) -> str:
    return f"{field} REAL GENERATED ALWAYS AS ({column} / 100.0) VIRTUAL"


#: How the ``updated_at`` trigger finds the row it fires for, per table.
_ROW_KEY = {
    "users": "id = NEW.id",
    "customers": "owner = NEW.owner AND id = NEW.id",
    "jobs": "owner = NEW.owner AND id = NEW.id",
}


def _updated_at_trigger(table: str) -> str:
    """Keep ``updated_at`` current when an UPDATE leaves it unchanged (a hand edit).

    The library always writes ``updated_at_us`` itself, from its injectable
    clock. The second condition keeps the trigger from firing itself again where
    recursive triggers are on (some SQLite builds turn them on by default).
    """
    return f"""CREATE TRIGGER update_{table}_updated_at
AFTER UPDATE ON {table} FOR EACH ROW
WHEN NEW.updated_at_us IS OLD.updated_at_us AND NEW.updated_at_us IS NOT {NOW_US}
BEGIN
    UPDATE {table} SET updated_at_us = {NOW_US} WHERE {_ROW_KEY[table]};
END"""


#: A customer's or job's version: 1 when made, one more at each change.
VERSION = "version INTEGER NOT NULL DEFAULT 1 CONSTRAINT valid_version CHECK (version >= 1)"


def _one_of(column: str, choices: type[enum.StrEnum]) -> str:
    """A text column holding one of an enumeration's values."""
    values = ", ".join(f"'{choice.value}'" for choice in choices)
    return f"{column} TEXT NOT NULL CONSTRAINT valid_{column} CHECK ({column} IN ({values}))"


USERS = f"""CREATE TABLE users (
    id TEXT NOT NULL PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    business_name TEXT,
    password_hash TEXT NOT NULL,
    {_shown("created_at")},
    {_shown("updated_at")},
    owner INTEGER NOT NULL UNIQUE,
    {_stored("created_at")},
    {_stored("updated_at")},
    timezone TEXT,
    week_start INTEGER,
    UNIQUE (owner, id),
    CONSTRAINT valid_week_start CHECK (
        CASE WHEN week_start IS NULL THEN timezone IS NULL
        ELSE timezone IS NOT NULL AND week_start BETWEEN 0 AND 6 END
    )
) STRICT"""

CUSTOMERS = f"""CREATE TABLE customers (
    id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    name TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    address TEXT,
    business_name TEXT,
    notes TEXT,
    {_shown("created_at")},
    {_shown("updated_at")},
    owner INTEGER NOT NULL,
    {_stored("created_at")},
    {_stored("updated_at")},
    {VERSION},
    PRIMARY KEY (owner, id),
    FOREIGN KEY (owner, user_id) REFERENCES users (owner, id) ON DELETE CASCADE
) STRICT"""

JOBS = f"""CREATE TABLE jobs (
    id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT,
    status TEXT NOT NULL DEFAULT '{JobStatus.PENDING.value}' CONSTRAINT valid_status
        CHECK ({rules.is_known_status()}),
    {_generated("estimated_cost", "estimated_cost_cents")},
    {_generated("actual_cost", "actual_cost_cents")},
    {_generated("estimated_hours", "estimated_hours_hundredths")},
    {_generated("actual_hours", "actual_hours_hundredths")},
    due_date TEXT CONSTRAINT valid_due_date CHECK (due_date GLOB '{_DATE_GLOB}'),
    paid INTEGER NOT NULL DEFAULT 0 CONSTRAINT valid_paid CHECK (paid IN (0, 1)),
    {_shown("completed_at")},
    {_shown("created_at")},
    {_shown("updated_at")},
    {_hundredths("estimated_cost_cents", "estimated_cost")},
    {_hundredths("actual_cost_cents", "actual_cost")},
    {_hundredths("estimated_hours_hundredths", "estimated_hours")},
    {_hundredths("actual_hours_hundredths", "actual_hours")},
    {_shown("paid_at")},
    owner INTEGER NOT NULL,
    {_stored("completed_at", required=False)},
    {_stored("created_at")},
    {_stored("updated_at")},
    {_stored("paid_at", required=False)},
    {VERSION},
    {_generated("amount_paid", "amount_paid_cents")},
    amount_paid_cents INTEGER NOT NULL DEFAULT 0 CONSTRAINT valid_amount_paid
        CHECK (amount_paid_cents BETWEEN 0 AND {MAX_HUNDREDTHS}),
    PRIMARY KEY (owner, id),
    FOREIGN KEY (owner, user_id) REFERENCES users (owner, id) ON DELETE CASCADE,
    FOREIGN KEY (owner, customer_id) REFERENCES customers (owner, id) ON DELETE CASCADE,
    CONSTRAINT paid_when_covered CHECK ({rules.paid_when_covered()})
) STRICT"""

#: The ledger: each payment for one job of its owner (keyed, like jobs, by owner and id),
#: or made to one of its invoices (since version 7: ``invoice_id``, and no job for the part
#: of an invoice's payment that pays no job; one of the two at least).
#: ``amount_cents`` is positive; a refund is told apart by its ``kind``. A voided payment
#: is kept, with when and why it was voided (both or neither).
PAYMENTS = f"""CREATE TABLE payments (
    id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    job_id TEXT,
    {_one_of("kind", PaymentKind)},
    {_one_of("method", PaymentMethod)},
    amount_cents INTEGER NOT NULL CONSTRAINT valid_amount
        CHECK (amount_cents BETWEEN 1 AND {MAX_HUNDREDTHS}),
    {_generated("amount", "amount_cents")},
    received_on TEXT NOT NULL CONSTRAINT valid_received_on
        CHECK (received_on GLOB '{_DATE_GLOB}' AND date(received_on, '+0 days') IS received_on),
    reference TEXT,
    note TEXT,
    {_shown("recorded_at")},
    {_shown("voided_at")},
    owner INTEGER NOT NULL,
    {_stored("recorded_at", default_now=False)},
    by_mark_paid INTEGER NOT NULL DEFAULT 0 CONSTRAINT valid_by_mark_paid
        CHECK (by_mark_paid IN (0, 1)),
    {_stored("voided_at", required=False)},
    void_reason TEXT,
    {VERSION},
    invoice_id TEXT,
    PRIMARY KEY (owner, id),
    FOREIGN KEY (owner, user_id) REFERENCES users (owner, id) ON DELETE CASCADE,
    FOREIGN KEY (owner, job_id) REFERENCES jobs (owner, id) ON DELETE CASCADE,
    FOREIGN KEY (owner, invoice_id) REFERENCES invoices (owner, id),
    CONSTRAINT voided_with_reason CHECK ((voided_at_us IS NULL) = (void_reason IS NULL)),
    CONSTRAINT valid_job_id CHECK (job_id IS NOT NULL OR invoice_id IS NOT NULL)
) STRICT"""


def _day(column: str, *, required: bool = False) -> str:
    """A calendar date column: ISO text of a real day."""
    null = " NOT NULL" if required else ""
    return (
        f"{column} TEXT{null} CONSTRAINT valid_{column}"
        f" CHECK ({column} GLOB '{_DATE_GLOB}' AND date({column}, '+0 days') IS {column})"
    )


def _cents(column: str, field: str) -> str:
    """A required money column of cents, 0 or more."""
    return (
        f"{column} INTEGER NOT NULL CONSTRAINT valid_{field}"
        f" CHECK ({column} BETWEEN 0 AND {MAX_HUNDREDTHS})"
    )


_FLAG = "INTEGER NOT NULL CONSTRAINT valid_{0} CHECK ({0} IN (0, 1))"
#: The largest quantity of a line, and the largest tax rate, in thousandths.
MAX_QUANTITY = 1_000_000_000
MAX_RATE = 100_000
_CURRENCY = (
    "currency TEXT NOT NULL CONSTRAINT valid_currency CHECK (currency GLOB '[A-Z][A-Z][A-Z]')"
)
_DAYS = "INTEGER NOT NULL CONSTRAINT valid_{0} CHECK ({0} BETWEEN 0 AND 3650)"

#: Each business's billing settings (since version 7), at most one row per owner; its tax
#: rates are rows of ``tax_rates`` (``default_tax`` names one of them).
BILLING_SETTINGS = f"""CREATE TABLE billing_settings (
    owner INTEGER NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL,
    {_CURRENCY},
    prices_include_tax {_FLAG.format("prices_include_tax")},
    default_tax TEXT,
    invoice_format TEXT NOT NULL,
    quote_format TEXT NOT NULL,
    credit_note_format TEXT NOT NULL,
    payment_terms_days {_DAYS.format("payment_terms_days")},
    quote_valid_days {_DAYS.format("quote_valid_days")},
    address TEXT,
    phone TEXT,
    email TEXT,
    tax_id TEXT,
    payment_instructions TEXT,
    {_stored("updated_at", required=False)},
    {VERSION},
    UNIQUE (owner, user_id),
    FOREIGN KEY (owner, user_id) REFERENCES users (owner, id) ON DELETE CASCADE,
    FOREIGN KEY (owner, default_tax) REFERENCES tax_rates (owner, name)
        DEFERRABLE INITIALLY DEFERRED
) STRICT"""

#: A business's tax rates, in their order (``position``), each name once; a rate is a
#: percent in thousandths (20% is 20000).
TAX_RATES = f"""CREATE TABLE tax_rates (
    owner INTEGER NOT NULL REFERENCES billing_settings (owner) ON DELETE CASCADE,
    position INTEGER NOT NULL CONSTRAINT valid_position CHECK (position >= 0),
    name TEXT NOT NULL,
    rate_thousandths INTEGER NOT NULL CONSTRAINT valid_rate
        CHECK (rate_thousandths BETWEEN 0 AND {MAX_RATE}),
    PRIMARY KEY (owner, position),
    UNIQUE (owner, name)
) STRICT, WITHOUT ROWID"""

#: The counters that number a business's documents: per series and period (a year, or 0
#: for numbers that never restart), the last number handed out. A unit of work takes the
#: next one by incrementing the row inside its write transaction, so numbers have no gaps.
NUMBER_COUNTERS = f"""CREATE TABLE number_counters (
    owner INTEGER NOT NULL REFERENCES users (owner) ON DELETE CASCADE,
    {_one_of("series", Series)},
    period INTEGER NOT NULL CONSTRAINT valid_period CHECK (period BETWEEN 0 AND 9999),
    last INTEGER NOT NULL CONSTRAINT valid_last CHECK (last >= 0),
    PRIMARY KEY (owner, series, period)
) STRICT, WITHOUT ROWID"""

_QUOTE_DECIDED = ", ".join(
    f"'{s.value}'" for s in (QuoteStatus.ACCEPTED, QuoteStatus.DECLINED, QuoteStatus.EXPIRED)
)
_DRAFT = "status = 'draft'"


def _billed() -> str:
    """The columns quotes and invoices share: currency, price mode and the totals."""
    return f"""{_CURRENCY},
    prices_include_tax {_FLAG.format("prices_include_tax")},
    {_cents("subtotal_cents", "subtotal")},
    {_cents("tax_cents", "tax")},
    {_cents("total_cents", "total")},
    {_day("issued_on")}"""


#: Quotes (since version 7): numbered and dated once sent; ``job_id`` is the job an
#: accepted quote made (made NULL when that job is deleted). Lines are ``quote_lines``.
QUOTES = f"""CREATE TABLE quotes (
    id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    number TEXT,
    {_one_of("status", QuoteStatus)},
    title TEXT NOT NULL,
    notes TEXT,
    {_billed()},
    {_day("valid_until")},
    {_stored("decided_at", required=False)},
    job_id TEXT,
    owner INTEGER NOT NULL,
    {_stored("created_at")},
    {_stored("updated_at")},
    {VERSION},
    PRIMARY KEY (owner, id),
    UNIQUE (owner, number),
    FOREIGN KEY (owner, user_id) REFERENCES users (owner, id) ON DELETE CASCADE,
    FOREIGN KEY (owner, customer_id) REFERENCES customers (owner, id) ON DELETE CASCADE,
    FOREIGN KEY (owner, job_id) REFERENCES jobs (owner, id),
    CONSTRAINT valid_total CHECK (total_cents = subtotal_cents + tax_cents),
    CONSTRAINT valid_number CHECK (
        (number IS NULL) = ({_DRAFT}) AND (issued_on IS NULL) = ({_DRAFT})
    ),
    CONSTRAINT valid_decided_at
        CHECK ((decided_at_us IS NOT NULL) = (status IN ({_QUOTE_DECIDED}))),
    CONSTRAINT valid_job_id CHECK (job_id IS NULL OR status = '{QuoteStatus.ACCEPTED.value}'),
    CONSTRAINT valid_valid_until CHECK (valid_until >= issued_on)
) STRICT"""

_STANDING = ", ".join(f"'{s.value}'" for s in sorted(STANDING))
_HELD = "amount_paid_cents + amount_credited_cents"
#: What an issued invoice's status must be, from what it holds (``settled_status``).
_SETTLED = (
    f"CASE WHEN {_HELD} >= total_cents THEN '{InvoiceStatus.PAID.value}'"
    f" WHEN {_HELD} > 0 THEN '{InvoiceStatus.PARTLY_PAID.value}'"
    f" ELSE '{InvoiceStatus.ISSUED.value}' END"
)

#: Invoices and credit notes (since version 7). A draft has no number, date or money;
#: an issued one is numbered (unique per owner and kind, the kind being its series),
#: dated and due, and its status follows from what it holds; a void one keeps its number
#: and says why; a credit note names the invoice it corrects and holds no money.
INVOICES = f"""CREATE TABLE invoices (
    id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    {_one_of("kind", InvoiceKind)},
    number TEXT,
    {_one_of("status", InvoiceStatus)},
    notes TEXT,
    {_billed()},
    {_day("due_on")},
    {_cents("amount_paid_cents", "amount_paid")},
    {_cents("amount_credited_cents", "amount_credited")},
    corrects TEXT,
    {_stored("voided_at", required=False)},
    void_reason TEXT,
    owner INTEGER NOT NULL,
    {_stored("created_at")},
    {_stored("updated_at")},
    {VERSION},
    PRIMARY KEY (owner, id),
    UNIQUE (owner, kind, number),
    FOREIGN KEY (owner, user_id) REFERENCES users (owner, id) ON DELETE CASCADE,
    FOREIGN KEY (owner, customer_id) REFERENCES customers (owner, id),
    FOREIGN KEY (owner, corrects) REFERENCES invoices (owner, id),
    CONSTRAINT valid_total CHECK (total_cents = subtotal_cents + tax_cents),
    CONSTRAINT valid_number CHECK (
        (number IS NULL) = ({_DRAFT}) AND (issued_on IS NULL) = ({_DRAFT})
    ),
    CONSTRAINT valid_due_on CHECK ({_DRAFT} OR due_on >= issued_on),
    CONSTRAINT valid_void_reason CHECK (
        (voided_at_us IS NOT NULL) = (status = '{InvoiceStatus.VOID.value}')
        AND (void_reason IS NOT NULL) = (status = '{InvoiceStatus.VOID.value}')
    ),
    CONSTRAINT valid_corrects CHECK (
        (corrects IS NOT NULL) = (kind = '{InvoiceKind.CREDIT_NOTE.value}')
    ),
    CONSTRAINT valid_status_held CHECK (CASE
        WHEN kind = '{InvoiceKind.CREDIT_NOTE.value}'
            THEN status = '{InvoiceStatus.ISSUED.value}' AND {_HELD} = 0
        WHEN {_DRAFT} THEN {_HELD} = 0
        WHEN status = '{InvoiceStatus.VOID.value}' THEN amount_credited_cents = 0
        ELSE status = {_SETTLED} END)
) STRICT"""


def _lines(table: str, parent: str, key: str) -> str:
    """The lines of a quote or invoice: in their order (``position``), quantities and tax
    rates in thousandths, money in cents; a line's discount at most its quantity times
    its price (rounded half up to the cent); a tax rate only with a name."""
    return f"""CREATE TABLE {table} (
    owner INTEGER NOT NULL,
    {key} TEXT NOT NULL,
    position INTEGER NOT NULL CONSTRAINT valid_position CHECK (position >= 0),
    description TEXT NOT NULL,
    quantity_thousandths INTEGER NOT NULL CONSTRAINT valid_quantity
        CHECK (quantity_thousandths BETWEEN 1 AND {MAX_QUANTITY}),
    unit TEXT,
    {_cents("unit_price_cents", "unit_price")},
    {_cents("discount_cents", "discount")},
    tax_name TEXT,
    tax_rate_thousandths INTEGER NOT NULL CONSTRAINT valid_tax_rate
        CHECK (tax_rate_thousandths BETWEEN 0 AND {MAX_RATE}),
    job_id TEXT,
    PRIMARY KEY (owner, {key}, position),
    FOREIGN KEY (owner, {key}) REFERENCES {parent} (owner, id) ON DELETE CASCADE,
    FOREIGN KEY (owner, job_id) REFERENCES jobs (owner, id),
    CONSTRAINT valid_discount_within
        CHECK (discount_cents <= (quantity_thousandths * unit_price_cents + 500) / 1000),
    CONSTRAINT valid_tax_name CHECK (tax_name IS NOT NULL OR tax_rate_thousandths = 0)
) STRICT, WITHOUT ROWID"""


#: A quote's lines (since version 7); a line's job is made NULL when the job is deleted.
QUOTE_LINES = _lines("quote_lines", "quotes", "quote_id")
#: An invoice's or credit note's lines (since version 7); a job a line bills cannot be
#: deleted (nor its customer) while the line exists.
INVOICE_LINES = _lines("invoice_lines", "invoices", "invoice_id")

#: The billing tables, parents first.
BILLING_TABLES = (
    BILLING_SETTINGS,
    TAX_RATES,
    NUMBER_COUNTERS,
    QUOTES,
    QUOTE_LINES,
    INVOICES,
    INVOICE_LINES,
)

#: Invoices owing something: issued (or partly paid) invoices, not credit notes. An
#: invoice in these statuses owes exactly ``total - paid - credited`` > 0 (the table's
#: CHECK on its status).
OWING = (
    f"kind = '{InvoiceKind.INVOICE.value}'"
    f" AND status IN ('{InvoiceStatus.ISSUED.value}', '{InvoiceStatus.PARTLY_PAID.value}')"
)

BILLING_INDEXES = (
    # listings of quotes newest first, and of a customer's quotes; cascades from customers.
    "CREATE INDEX idx_quotes_owner_created ON quotes (owner, created_at_us, id)",
    "CREATE INDEX idx_quotes_owner_customer ON quotes (owner, customer_id, created_at_us, id)",
    # the quote of a job; a job's deletion unlinks it.
    "CREATE INDEX idx_quotes_owner_job ON quotes (owner, job_id)",
    "CREATE INDEX idx_quote_lines_owner_job ON quote_lines (owner, job_id)",
    # listings of invoices newest first, and of a customer's invoices; a customer's
    # deletion checks them.
    "CREATE INDEX idx_invoices_owner_created ON invoices (owner, created_at_us, id)",
    "CREATE INDEX idx_invoices_owner_customer ON invoices (owner, customer_id, created_at_us, id)",
    # the credit notes of an invoice.
    "CREATE INDEX idx_invoices_owner_corrects ON invoices (owner, corrects)",
    # invoice aging and overdue invoices: the owing invoices by due date, then number,
    # with what they owe, from the index alone (it holds ``kind`` and ``status`` because
    # the queries name them to use it).
    "CREATE INDEX idx_invoices_owner_owing ON invoices (owner, due_on, number, customer_id,"
    " total_cents, amount_paid_cents, amount_credited_cents, kind, status)"
    f" WHERE {OWING}",
    # the invoices billing a job (a listing's filter, and a job's deletion checks them).
    "CREATE INDEX idx_invoice_lines_owner_job ON invoice_lines (owner, job_id, invoice_id)",
    # an invoice's payments.
    "CREATE INDEX idx_payments_owner_invoice ON payments (owner, invoice_id)",
)

#: A deleted job is no longer any quote's: an accepted quote's ``job_id``, and the job of
#: a quote's line, become NULL (an invoice's line refuses the deletion instead).
BILLING_TRIGGERS = (
    """CREATE TRIGGER jobs_unlink_quotes AFTER DELETE ON jobs
BEGIN
    UPDATE quotes SET job_id = NULL WHERE owner = OLD.owner AND job_id = OLD.id;
    UPDATE quote_lines SET job_id = NULL WHERE owner = OLD.owner AND job_id = OLD.id;
END""",
)


SESSIONS = f"""CREATE TABLE sessions (
    id TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    {_shown("expires_at")},
    {_shown("created_at")},
    {_shown("last_used_at")},
    {_shown("revoked_at")},
    {_stored("expires_at", default_now=False)},
    {_stored("created_at")},
    {_stored("last_used_at")},
    {_stored("revoked_at", required=False)}
) STRICT"""

#: Each business's history: every change to its customers and jobs, numbered by ``seq``
#: (1 and up), kept with the account (not with the records it speaks of). ``changes``
#: is compact JSON, a list of ``[field, old, new]``.
HISTORY = f"""CREATE TABLE history (
    owner INTEGER NOT NULL REFERENCES users (owner) ON DELETE CASCADE,
    seq INTEGER NOT NULL CONSTRAINT valid_seq CHECK (seq >= 1),
    {_shown("at")},
    {_stored("at", default_now=False)},
    actor_id TEXT NOT NULL,
    {_one_of("source", Source)},
    {_one_of("action", Action)},
    {_one_of("kind", RecordKind)},
    record_id TEXT NOT NULL,
    changes TEXT NOT NULL DEFAULT '[]' CONSTRAINT valid_changes CHECK (json_valid(changes)),
    cause TEXT,
    PRIMARY KEY (owner, seq)
) STRICT, WITHOUT ROWID"""

#: Per business, the last change number reserved (``head``) and the lowest cursor the
#: change feed still serves (``kept_from``, raised when pruning drops a deletion).
HISTORY_HEADS = """CREATE TABLE history_heads (
    owner INTEGER NOT NULL PRIMARY KEY REFERENCES users (owner) ON DELETE CASCADE,
    head INTEGER NOT NULL CONSTRAINT valid_head CHECK (head >= 0),
    kept_from INTEGER NOT NULL DEFAULT 0 CONSTRAINT valid_kept_from
        CHECK (kept_from BETWEEN 0 AND head)
) STRICT, WITHOUT ROWID"""

#: Every index on customers and jobs leads with the owner's number; each serves a
#: query the store runs, or the child side of a foreign key. A listing's order ends
#: with the job's id, and so does every index a listing walks: a page then reads
#: exactly its rows, with no sort (without it, SQLite sorts each run of equal
#: values, which costs on every row even when nothing ties).
INDEXES = (
    # customers.list and the customer reports: the owner's customers by name, then id.
    "CREATE INDEX idx_customers_owner_name ON customers (owner, name, id)",
    # job listings newest first, filtered by status, payment and due date on the way
    # (a job is read only once it matches); cascades from users.
    "CREATE INDEX idx_jobs_owner_created"
    " ON jobs (owner, created_at_us, id, status, paid, due_date)",
    # a customer's jobs (history, newest first), and cascades from customers.
    "CREATE INDEX idx_jobs_owner_customer ON jobs (owner, customer_id, created_at_us, id)",
    # recently changed jobs, most recent first.
    "CREATE INDEX idx_jobs_owner_updated ON jobs (owner, updated_at_us, id)",
    # due-date ranges in due order (due today, a week's calendar).
    "CREATE INDEX idx_jobs_owner_due ON jobs (owner, due_date, id)",
    # the partial days at the ends of a revenue period, from the index alone (it holds
    # ``paid``, always 1 here and stored in no bytes, because the queries must name it
    # for SQLite to use the index, and SQLite reads every column a query names).
    "CREATE INDEX idx_jobs_owner_paid ON jobs (owner, paid_at_us, actual_cost_cents, paid)"
    f" WHERE {rules.is_revenue()} AND paid_at_us IS NOT NULL",
    # pending and in-progress jobs by due date: upcoming, overdue.
    f"CREATE INDEX idx_jobs_owner_open_due ON jobs (owner, due_date, id) WHERE {rules.is_open()}",
    # completed, unpaid jobs, oldest completion first (unknown first), then id: reminders.
    "CREATE INDEX idx_jobs_owner_unpaid_done"
    " ON jobs (owner, completed_at_us IS NOT NULL, completed_at_us, id)"
    f" WHERE {rules.is_receivable()}",
    # the aging report as of today: what completed, unpaid jobs still owe, by completion,
    # from the index alone.
    # (It holds ``status`` and ``paid``, the same in every row, because the query must
    # name them for SQLite to use the index, and SQLite reads every column a query names.)
    "CREATE INDEX idx_jobs_owner_owing ON jobs (owner, completed_at_us, customer_id,"
    " actual_cost_cents, amount_paid_cents, status, paid)"
    f" WHERE {rules.is_receivable()}",
    # aging as of a past day: every completed job with something due, by completion, with
    # its id to find its payments.
    "CREATE INDEX idx_jobs_owner_due_done"
    " ON jobs (owner, completed_at_us, customer_id, actual_cost_cents, id, status)"
    f" WHERE {rules.has_due()}",
    # pending jobs holding money: deposits waiting for the work to start.
    f"CREATE INDEX idx_jobs_owner_holding ON jobs (owner, id) WHERE {rules.is_holding_deposit()}",
    # one job's payments in the order received; cascades from jobs.
    "CREATE INDEX idx_payments_owner_job"
    " ON payments (owner, job_id, received_on, recorded_at_us, id)",
    # one job's standing payments by day, from the index alone: what a job held on a day
    # (aging as of a past day), its first and latest payment (reminders).
    "CREATE INDEX idx_payments_owner_job_standing"
    " ON payments (owner, job_id, received_on, kind, amount_cents) WHERE voided_at_us IS NULL",
    # the owner's payments in the order received (listings, by period); cascades from users.
    "CREATE INDEX idx_payments_owner_received ON payments (owner, received_on, recorded_at_us, id)",
    # logins of a user (revoke_all, cascades from users).
    "CREATE INDEX idx_sessions_user_id ON sessions (user_id)",
    # purge_expired.
    "CREATE INDEX idx_sessions_expires_at ON sessions (expires_at_us)",
    # one record's history, newest first; whether an entry is its record's latest (the
    # change feed, pruning).
    "CREATE INDEX idx_history_record ON history (owner, kind, record_id, seq)",
    *BILLING_INDEXES,
)

TRIGGERS = (
    *(_updated_at_trigger(table) for table in ("users", "customers", "jobs")),
    *BILLING_TRIGGERS,
)

#: The base tables, in the order they are created (parents first).
TABLES = (USERS, CUSTOMERS, JOBS, SESSIONS, HISTORY, HISTORY_HEADS, *BILLING_TABLES, PAYMENTS)
