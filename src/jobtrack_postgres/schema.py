"""The PostgreSQL schema, one tuple of statements per version.

The seed's four tables keep their names and, where the meaning is kept, their
column names. What differs from the seed, and why:

- money is ``bigint`` cents (``estimated_cost_cents``, ``actual_cost_cents``);
  the seed's ``estimated_cost`` and ``actual_cost`` remain as generated
  ``numeric(12,2)`` columns in currency units, so its reporting queries run
  unchanged and give figures in the seed's units;
- hours are ``numeric(12,2)``: exact, and under the seed's names;
- times are ``timestamptz``; text is ``COLLATE "C"`` so that sorting and
  comparison follow code points, exactly as Python compares strings;
- a job references its customer through ``(user_id, customer_id)``, so the
  database itself refuses a job whose customer belongs to another owner;
- sessions keep a hash of the token (``token_hash``), never the token, and the
  times a session was last used and revoked;
- CHECK constraints guard status values and non-negative money and hours;
- every table carries the owner id (``users.id`` is the owner), every key of a
  business's rows includes it (since version 4: ids are unique per owner), and every
  index that serves the library's queries leads with it; logins find an account
  through ``user_emails`` and requests their session by ``sessions.token_hash``;
- customers and jobs have a ``version``, and each business a history of its changes
  (since version 5, :mod:`jobtrack_postgres.changelog`);
- quotes, invoices and credit notes with their lines, each business's billing settings
  and the counters of its document numbers (since version 7, :mod:`jobtrack_postgres.billing`).
"""

from __future__ import annotations

from jobtrack_core.status import JobStatus, sql_list
from jobtrack_postgres import billing, changelog, deltas, ledger, owner_keys, totals
from jobtrack_postgres.ledger import Step
from jobtrack_postgres.notions import receivable, revenue

#: SQL that lower-cases the ASCII letters of ``{}`` and nothing else, like ``ascii_lower``.
ASCII_LOWER_SQL = "translate({}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"

#: Largest amount in cents, the same bound as :data:`jobtrack_core.money.MAX_AMOUNT`.
MAX_CENTS = 999_999_999_999

#: The tables of records, each after the tables it references.
TABLES = (
    "users",
    "user_emails",
    "customers",
    "jobs",
    "billing_tax_rates",  # before billing_settings, which names its default rate
    "billing_settings",
    "number_counters",
    "quotes",
    "quote_lines",
    "invoices",
    "invoice_lines",
    "payments",
    "sessions",
    "history_heads",
    "history",
)

_TEXT = 'text COLLATE "C"'

V1: tuple[str, ...] = (
    f"""
    CREATE TABLE users (
        id            {_TEXT} NOT NULL,
        email         {_TEXT} NOT NULL,
        name          {_TEXT} NOT NULL,
        business_name {_TEXT},
        password_hash {_TEXT} NOT NULL,
        created_at    timestamptz NOT NULL,
        updated_at    timestamptz NOT NULL,
        CONSTRAINT users_pkey PRIMARY KEY (id),
        CONSTRAINT users_email_key UNIQUE (email)
    )
    """,
    f"""
    CREATE TABLE customers (
        id            {_TEXT} NOT NULL,
        user_id       {_TEXT} NOT NULL,
        name          {_TEXT} NOT NULL,
        email         {_TEXT},
        phone         {_TEXT},
        address       {_TEXT},
        business_name {_TEXT},
        notes         {_TEXT},
        created_at    timestamptz NOT NULL,
        updated_at    timestamptz NOT NULL,
        CONSTRAINT customers_pkey PRIMARY KEY (id),
        CONSTRAINT customers_owner_id_key UNIQUE (user_id, id),
        CONSTRAINT customers_user_id_fkey FOREIGN KEY (user_id)
            REFERENCES users (id) ON DELETE CASCADE
    )
    """,
    "CREATE INDEX customers_owner_name_idx ON customers (user_id, name, id)",
    f"""
    CREATE TABLE jobs (
        id                   {_TEXT} NOT NULL,
        user_id              {_TEXT} NOT NULL,
        customer_id          {_TEXT} NOT NULL,
        title                {_TEXT} NOT NULL,
        description          {_TEXT},
        status               {_TEXT} NOT NULL DEFAULT '{JobStatus.PENDING.value}',
        estimated_cost_cents bigint,
        actual_cost_cents    bigint,
        estimated_hours      numeric(12, 2),
        actual_hours         numeric(12, 2),
        due_date             date,
        paid                 boolean NOT NULL DEFAULT false,
        paid_at              timestamptz,
        completed_at         timestamptz,
        created_at           timestamptz NOT NULL,
        updated_at           timestamptz NOT NULL,
        estimated_cost       numeric(12, 2)
            GENERATED ALWAYS AS (estimated_cost_cents / 100.0) STORED,
        actual_cost          numeric(12, 2)
            GENERATED ALWAYS AS (actual_cost_cents / 100.0) STORED,
        CONSTRAINT jobs_pkey PRIMARY KEY (id),
        CONSTRAINT jobs_status_check
            CHECK (status IN {sql_list(frozenset(JobStatus))}),
        CONSTRAINT jobs_estimated_cost_check
            CHECK (estimated_cost_cents BETWEEN 0 AND {MAX_CENTS}),
        CONSTRAINT jobs_actual_cost_check
            CHECK (actual_cost_cents BETWEEN 0 AND {MAX_CENTS}),
        CONSTRAINT jobs_estimated_hours_check CHECK (estimated_hours >= 0),
        CONSTRAINT jobs_actual_hours_check CHECK (actual_hours >= 0),
        CONSTRAINT jobs_user_id_fkey FOREIGN KEY (user_id)
            REFERENCES users (id) ON DELETE CASCADE,
        CONSTRAINT jobs_customer_fkey FOREIGN KEY (user_id, customer_id)
            REFERENCES customers (user_id, id) ON DELETE CASCADE
    )
    """,
    "CREATE INDEX jobs_owner_created_idx ON jobs (user_id, created_at DESC, id DESC)",
    """
    CREATE INDEX jobs_owner_customer_idx
        ON jobs (user_id, customer_id, created_at DESC, id DESC)
    """,
    "CREATE INDEX jobs_owner_updated_idx ON jobs (user_id, updated_at DESC, id DESC)",
    "CREATE INDEX jobs_owner_due_idx ON jobs (user_id, (due_date IS NULL), due_date, id)",
    f"""
    CREATE INDEX jobs_owner_title_idx
        ON jobs (user_id, {ASCII_LOWER_SQL.format("title")}, title, id)
    """,
    f"CREATE INDEX jobs_owner_paid_idx ON jobs (user_id, paid_at) WHERE {revenue()}",
    f"""
    CREATE INDEX jobs_owner_unpaid_done_idx
        ON jobs (user_id, (completed_at IS NOT NULL), completed_at, id)
        WHERE {receivable()}
    """,
    f"""
    CREATE TABLE sessions (
        id           {_TEXT} NOT NULL,
        user_id      {_TEXT} NOT NULL,
        token_hash   {_TEXT} NOT NULL,
        created_at   timestamptz NOT NULL,
        expires_at   timestamptz NOT NULL,
        last_used_at timestamptz NOT NULL,
        revoked_at   timestamptz,
        CONSTRAINT sessions_pkey PRIMARY KEY (id),
        CONSTRAINT sessions_token_hash_key UNIQUE (token_hash),
        CONSTRAINT sessions_user_id_fkey FOREIGN KEY (user_id)
            REFERENCES users (id) ON DELETE CASCADE
    )
    """,
    "CREATE INDEX sessions_owner_idx ON sessions (user_id)",
    # Purging expired sessions is the one query that is not about one owner.
    "CREATE INDEX sessions_expires_idx ON sessions (expires_at)",
)

#: Every version as (description, steps), in order; version N is ``VERSIONS[N - 1]``. A
#: step is a statement, or a function run on the migration's connection (:data:`Step`).
VERSIONS: tuple[tuple[str, tuple[str | Step, ...]], ...] = (
    ("users, customers, jobs and sessions", V1),
    ("running totals for the dashboard and reports", totals.V2),
    ("running totals changed by deltas, added in at commit", deltas.V3),
    ("keys by owner, emails and sessions looked up by their own keys, calendars", owner_keys.V4),
    ("versions of customers and jobs, and each business's history of changes", changelog.V5),
    ("the payments ledger, and the balances of each business and customer", ledger.V6),
    ("quotes, invoices and credit notes, billing settings and document numbers", billing.V7),
)
