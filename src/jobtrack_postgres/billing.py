"""Schema version 7: quotes, invoices and credit notes, their lines, the business's billing
settings and the counters that number its documents.

- ``billing_settings``: one row per business (``user_id``), the fields of
  :class:`~jobtrack_core.documents.BillingSettings`; its tax rates are rows of
  ``billing_tax_rates`` (``position`` keeps their order, ``rate_thousandths`` the percent in
  thousandths), and ``default_tax`` references one of them.
- ``number_counters``: per business, series (``quote``, ``invoice``, ``credit_note``) and
  period (the year, or 0 for numbers that never restart), the last number handed out.
  :meth:`~jobtrack_postgres.documents.PostgresBilling.next_number` increments the row in
  the unit of work's transaction: the row stays locked until it ends, so a second unit of
  work taking a number of the same series waits, and a rollback gives the number back.
- ``quotes`` and ``invoices`` (credit notes are invoices of kind ``credit_note``): keyed
  ``(user_id, id)``, each for a customer of its owner; money in ``bigint`` cents; a number
  unique per owner and series (``(user_id, number)`` for quotes, ``(user_id, kind,
  number)`` for invoices); CHECK constraints state what a record's invariants say of one
  row: a number and an issue date exactly once sent or issued, a due date not before the
  issue date, a void invoice saying why, the status an invoice's money settles, a credit
  note naming the invoice it corrects and holding no money, ``total = subtotal + tax``.
- ``quote_lines`` and ``invoice_lines``, the document lines, in the order of the document
  (``position``): quantity and tax rate in thousandths, unit price, discount in cents, and
  the line's amount generated from them (:func:`jobtrack_core.tax.line_amount`); an
  invoice line may name the job it bills, a quote line never does.
- Deleting a customer takes its quotes and draft invoices (the store deletes them in the
  statement that deletes the customer); ``invoices`` references the customer, and
  ``invoice_lines`` the job a line bills, without a cascade, so that the database itself
  refuses to delete a customer or a job that a kept invoice bills. An accepted quote
  references the job it made with ``ON DELETE SET NULL (job_id)``: the quote stays, its
  job unlinked. A credit note references the invoice it corrects, a payment its invoice.
- ``payments.job_id`` may be NULL for the part of an invoice's payment that pays no job
  (tax, lines of no job); ``payments.invoice_id`` references an invoice of the same owner,
  and a payment names a job or an invoice. Such a payment is cash (``cash_days``) and no
  job's money (the running totals of jobs read ``jobs.amount_paid_cents``).
- ``invoices_owing_idx``: the issued invoices still owing something, by owner and due
  date, for the invoice aging report and the overdue invoices (:data:`OWING`).
- the history speaks of quotes and invoices, and of sending, accepting, declining,
  expiring and issuing.

The statements are literal SQL, kept as version 7 wrote them.
"""

from __future__ import annotations

_TEXT = 'text COLLATE "C"'
_MAX_CENTS = 999_999_999_999

#: The statuses of an issued invoice that is not void (:data:`jobtrack_core.documents.STANDING`).
_STANDING = "('issued', 'partly_paid', 'paid')"

#: An invoice row ``{0}`` (an alias and a dot, or nothing) that still asks for money: an
#: issued invoice (not a credit note, not void) whose balance is more than 0. The partial
#: index ``invoices_owing_idx`` is on this condition, and the reports spell it alike.
OWING_TEMPLATE = (
    "{0}kind = 'invoice' AND {0}status IN " + _STANDING + " AND "
    "{0}total_cents - {0}amount_paid_cents - {0}amount_credited_cents > 0"
)


def owing(row: str = "") -> str:
    """:data:`OWING_TEMPLATE` for the columns of ``row`` (an alias, or none)."""
    return OWING_TEMPLATE.format(f"{row}." if row else "")


#: The invoice's balance in cents (of a row ``{0}``).
BALANCE_TEMPLATE = "{0}total_cents - {0}amount_paid_cents - {0}amount_credited_cents"


def _money(column: str) -> str:
    return f"{column} bigint NOT NULL DEFAULT 0 CHECK ({column} BETWEEN 0 AND {_MAX_CENTS})"


_SUMS = (
    f"{_money('subtotal_cents')},\n        {_money('tax_cents')},\n        {_money('total_cents')}"
)


def _lines(table: str, document: str, parent: str, job: str) -> str:
    return f"""
    CREATE TABLE {table} (
        user_id              {_TEXT} NOT NULL,
        {document}           {_TEXT} NOT NULL,
        position             integer NOT NULL,
        description          {_TEXT} NOT NULL,
        quantity_thousandths bigint NOT NULL,
        unit                 {_TEXT},
        unit_price_cents     bigint NOT NULL,
        discount_cents       bigint NOT NULL DEFAULT 0,
        tax_name             {_TEXT},
        tax_rate_thousandths integer NOT NULL DEFAULT 0,
        job_id               {_TEXT},
        amount_cents         bigint GENERATED ALWAYS AS (
            round(quantity_thousandths::numeric * unit_price_cents / 1000)::bigint - discount_cents
        ) STORED,
        CONSTRAINT {table}_pkey PRIMARY KEY (user_id, {document}, position),
        CONSTRAINT {table}_position_check CHECK (position BETWEEN 1 AND 500),
        CONSTRAINT {table}_quantity_check
            CHECK (quantity_thousandths BETWEEN 1 AND 1000000000),
        CONSTRAINT {table}_unit_price_check CHECK (unit_price_cents BETWEEN 0 AND {_MAX_CENTS}),
        CONSTRAINT {table}_gross_check
            CHECK (round(quantity_thousandths::numeric * unit_price_cents / 1000) <= {_MAX_CENTS}),
        CONSTRAINT {table}_discount_check CHECK (
            discount_cents >= 0
            AND discount_cents <= round(quantity_thousandths::numeric * unit_price_cents / 1000)
        ),
        CONSTRAINT {table}_tax_rate_check CHECK (tax_rate_thousandths BETWEEN 0 AND 100000),
        CONSTRAINT {table}_tax_name_check CHECK (tax_name IS NOT NULL OR tax_rate_thousandths = 0),
        CONSTRAINT {table}_{document.removesuffix("_id")}_fkey FOREIGN KEY (user_id, {document})
            REFERENCES {parent} (user_id, id) ON DELETE CASCADE,
        {job}
    )
    """


_TABLES = (
    f"""
    CREATE TABLE billing_settings (
        user_id              {_TEXT} NOT NULL,
        currency             {_TEXT} NOT NULL DEFAULT 'USD',
        prices_include_tax   boolean NOT NULL DEFAULT false,
        default_tax          {_TEXT},
        invoice_format       {_TEXT} NOT NULL,
        quote_format         {_TEXT} NOT NULL,
        credit_note_format   {_TEXT} NOT NULL,
        payment_terms_days   integer NOT NULL DEFAULT 30,
        quote_valid_days     integer NOT NULL DEFAULT 30,
        address              {_TEXT},
        phone                {_TEXT},
        email                {_TEXT},
        tax_id               {_TEXT},
        payment_instructions {_TEXT},
        updated_at           timestamptz,
        version              integer NOT NULL DEFAULT 1,
        CONSTRAINT billing_settings_pkey PRIMARY KEY (user_id),
        CONSTRAINT billing_settings_currency_check CHECK (currency ~ '^[A-Z]{{3}}$'),
        CONSTRAINT billing_settings_formats_check CHECK (
            strpos(invoice_format, '{{number') > 0 AND strpos(quote_format, '{{number') > 0
            AND strpos(credit_note_format, '{{number') > 0
        ),
        CONSTRAINT billing_settings_days_check CHECK (
            payment_terms_days BETWEEN 0 AND 3650 AND quote_valid_days BETWEEN 0 AND 3650
        ),
        CONSTRAINT billing_settings_version_check CHECK (version >= 1),
        CONSTRAINT billing_settings_user_id_fkey FOREIGN KEY (user_id)
            REFERENCES users (id) ON DELETE CASCADE
    )
    """,
    f"""
    CREATE TABLE billing_tax_rates (
        user_id          {_TEXT} NOT NULL,
        name             {_TEXT} NOT NULL,
        position         integer NOT NULL,
        rate_thousandths integer NOT NULL,
        CONSTRAINT billing_tax_rates_pkey PRIMARY KEY (user_id, name),
        CONSTRAINT billing_tax_rates_position_key UNIQUE (user_id, position),
        CONSTRAINT billing_tax_rates_rate_check CHECK (rate_thousandths BETWEEN 0 AND 100000),
        CONSTRAINT billing_tax_rates_settings_fkey FOREIGN KEY (user_id)
            REFERENCES billing_settings (user_id) ON DELETE CASCADE
    )
    """,
    """
    ALTER TABLE billing_settings ADD CONSTRAINT billing_settings_default_tax_fkey
        FOREIGN KEY (user_id, default_tax) REFERENCES billing_tax_rates (user_id, name)
    """,
    f"""
    CREATE TABLE number_counters (
        user_id {_TEXT} NOT NULL,
        series  {_TEXT} NOT NULL,
        period  integer NOT NULL,
        last    bigint NOT NULL,
        CONSTRAINT number_counters_pkey PRIMARY KEY (user_id, series, period),
        CONSTRAINT number_counters_series_check
            CHECK (series IN ('quote', 'invoice', 'credit_note')),
        CONSTRAINT number_counters_period_check CHECK (period >= 0),
        CONSTRAINT number_counters_last_check CHECK (last >= 0),
        CONSTRAINT number_counters_user_id_fkey FOREIGN KEY (user_id)
            REFERENCES users (id) ON DELETE CASCADE
    )
    """,
    f"""
    CREATE TABLE quotes (
        id                 {_TEXT} NOT NULL,
        user_id            {_TEXT} NOT NULL,
        customer_id        {_TEXT} NOT NULL,
        number             {_TEXT},
        status             {_TEXT} NOT NULL,
        title              {_TEXT} NOT NULL,
        notes              {_TEXT},
        currency           {_TEXT} NOT NULL,
        prices_include_tax boolean NOT NULL,
        {_SUMS},
        issued_on          date,
        valid_until        date,
        decided_at         timestamptz,
        job_id             {_TEXT},
        created_at         timestamptz NOT NULL,
        updated_at         timestamptz NOT NULL,
        version            integer NOT NULL DEFAULT 1,
        CONSTRAINT quotes_pkey PRIMARY KEY (user_id, id),
        CONSTRAINT quotes_number_key UNIQUE (user_id, number),
        CONSTRAINT quotes_status_check
            CHECK (status IN ('draft', 'sent', 'accepted', 'declined', 'expired')),
        CONSTRAINT quotes_currency_check CHECK (currency ~ '^[A-Z]{{3}}$'),
        CONSTRAINT quotes_total_check CHECK (total_cents = subtotal_cents + tax_cents),
        CONSTRAINT quotes_sent_check CHECK (
            (number IS NULL) = (status = 'draft') AND (issued_on IS NULL) = (status = 'draft')
        ),
        CONSTRAINT quotes_decided_check
            CHECK ((decided_at IS NOT NULL) = (status IN ('accepted', 'declined', 'expired'))),
        CONSTRAINT quotes_job_check CHECK (job_id IS NULL OR status = 'accepted'),
        CONSTRAINT quotes_valid_until_check CHECK (valid_until >= issued_on),
        CONSTRAINT quotes_version_check CHECK (version >= 1),
        CONSTRAINT quotes_customer_fkey FOREIGN KEY (user_id, customer_id)
            REFERENCES customers (user_id, id) ON DELETE CASCADE,
        CONSTRAINT quotes_job_fkey FOREIGN KEY (user_id, job_id)
            REFERENCES jobs (user_id, id) ON DELETE SET NULL (job_id)
    )
    """,
    "CREATE INDEX quotes_owner_created_idx ON quotes (user_id, created_at DESC, id DESC)",
    "CREATE INDEX quotes_owner_customer_idx ON quotes (user_id, customer_id)",
    "CREATE INDEX quotes_owner_job_idx ON quotes (user_id, job_id) WHERE job_id IS NOT NULL",
    # A quote's lines bill no job yet (the job is made when the quote is accepted).
    _lines(
        "quote_lines",
        "quote_id",
        "quotes",
        "CONSTRAINT quote_lines_job_check CHECK (job_id IS NULL)",
    ),
    f"""
    CREATE TABLE invoices (
        id                    {_TEXT} NOT NULL,
        user_id               {_TEXT} NOT NULL,
        customer_id           {_TEXT} NOT NULL,
        kind                  {_TEXT} NOT NULL,
        number                {_TEXT},
        status                {_TEXT} NOT NULL,
        notes                 {_TEXT},
        currency              {_TEXT} NOT NULL,
        prices_include_tax    boolean NOT NULL,
        {_SUMS},
        issued_on             date,
        due_on                date,
        {_money("amount_paid_cents")},
        {_money("amount_credited_cents")},
        corrects              {_TEXT},
        voided_at             timestamptz,
        void_reason           {_TEXT},
        created_at            timestamptz NOT NULL,
        updated_at            timestamptz NOT NULL,
        version               integer NOT NULL DEFAULT 1,
        CONSTRAINT invoices_pkey PRIMARY KEY (user_id, id),
        CONSTRAINT invoices_number_key UNIQUE (user_id, kind, number),
        CONSTRAINT invoices_kind_check CHECK (kind IN ('invoice', 'credit_note')),
        CONSTRAINT invoices_status_check
            CHECK (status IN ('draft', 'issued', 'partly_paid', 'paid', 'void')),
        CONSTRAINT invoices_currency_check CHECK (currency ~ '^[A-Z]{{3}}$'),
        CONSTRAINT invoices_total_check CHECK (total_cents = subtotal_cents + tax_cents),
        CONSTRAINT invoices_issued_check CHECK (
            (number IS NULL) = (status = 'draft') AND (issued_on IS NULL) = (status = 'draft')
        ),
        CONSTRAINT invoices_due_on_check
            CHECK (status = 'draft' OR (due_on IS NOT NULL AND due_on >= issued_on)),
        CONSTRAINT invoices_void_check CHECK (
            (voided_at IS NOT NULL) = (status = 'void')
            AND (void_reason IS NOT NULL) = (status = 'void')
        ),
        CONSTRAINT invoices_corrects_check
            CHECK ((corrects IS NOT NULL) = (kind = 'credit_note')),
        CONSTRAINT invoices_money_check CHECK (
            CASE
            WHEN kind = 'credit_note' THEN
                status = 'issued' AND amount_paid_cents = 0 AND amount_credited_cents = 0
            WHEN status = 'draft' THEN amount_paid_cents = 0 AND amount_credited_cents = 0
            WHEN status = 'void' THEN amount_credited_cents = 0
            ELSE status = CASE
                WHEN amount_paid_cents + amount_credited_cents >= total_cents THEN 'paid'
                WHEN amount_paid_cents + amount_credited_cents > 0 THEN 'partly_paid'
                ELSE 'issued' END
            END
        ),
        CONSTRAINT invoices_version_check CHECK (version >= 1),
        CONSTRAINT invoices_customer_fkey FOREIGN KEY (user_id, customer_id)
            REFERENCES customers (user_id, id),
        CONSTRAINT invoices_corrects_fkey FOREIGN KEY (user_id, corrects)
            REFERENCES invoices (user_id, id)
    )
    """,
    "CREATE INDEX invoices_owner_created_idx ON invoices (user_id, created_at DESC, id DESC)",
    "CREATE INDEX invoices_owner_customer_idx ON invoices (user_id, customer_id, status)",
    """
    CREATE INDEX invoices_owner_corrects_idx ON invoices (user_id, corrects)
        WHERE corrects IS NOT NULL
    """,
    # The invoices still owing: the aging report, the overdue invoices.
    f"""
    CREATE INDEX invoices_owing_idx ON invoices (user_id, due_on, number)
        INCLUDE (customer_id, total_cents, amount_paid_cents, amount_credited_cents)
        WHERE {owing()}
    """,
    _lines(
        "invoice_lines",
        "invoice_id",
        "invoices",
        "CONSTRAINT invoice_lines_job_fkey FOREIGN KEY (user_id, job_id)\n"
        "            REFERENCES jobs (user_id, id)",
    ),
    # A job's invoices (and whether a job is billed at all).
    "CREATE INDEX invoice_lines_job_idx ON invoice_lines (user_id, job_id) "
    "WHERE job_id IS NOT NULL",
)

_PAYMENTS = (
    f"""
    ALTER TABLE payments
        ALTER COLUMN job_id DROP NOT NULL,
        ADD COLUMN invoice_id {_TEXT},
        ADD CONSTRAINT payments_for_check CHECK (job_id IS NOT NULL OR invoice_id IS NOT NULL),
        ADD CONSTRAINT payments_invoice_fkey FOREIGN KEY (user_id, invoice_id)
            REFERENCES invoices (user_id, id)
    """,
    """
    CREATE INDEX payments_invoice_idx
        ON payments (user_id, invoice_id, received_on, recorded_at, id)
        WHERE invoice_id IS NOT NULL
    """,
)

_HISTORY = (
    """
    ALTER TABLE history
        DROP CONSTRAINT history_action_check,
        DROP CONSTRAINT history_kind_check,
        ADD CONSTRAINT history_action_check CHECK (
            action IN ('created', 'updated', 'moved', 'paid', 'unpaid', 'voided', 'sent',
                'accepted', 'declined', 'expired', 'issued', 'deleted')
        ),
        ADD CONSTRAINT history_kind_check
            CHECK (kind IN ('customer', 'job', 'payment', 'quote', 'invoice'))
    """,
)

V7: tuple[str, ...] = (*_TABLES, *_PAYMENTS, *_HISTORY)

__all__ = ["BALANCE_TEMPLATE", "OWING_TEMPLATE", "V7", "owing"]
