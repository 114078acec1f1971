"""Schema version 4: every key of a business's rows names its owner; the lookups that
cross businesses have tables of their own; each account has its own calendar.

Ids are unique per owner and kind (two businesses may each have a customer "17"), so
the primary keys of ``customers`` and ``jobs`` become ``(user_id, id)``, and so does
every key of the running totals (``customer_totals_base`` was keyed by the customer
alone). Every primary key, unique constraint and foreign key of a business's rows then
includes ``user_id`` (``users.id`` for ``users``), which is what a sharded PostgreSQL
such as Citus requires of a table distributed by owner (docs/postgres.md).

Two lookups start from something other than an owner, and are served by tables keyed
by what they look up:

- a login finds an account by email: ``user_emails`` (``email`` primary key, and the
  account's id), which also keeps emails unique across the database; ``users`` keeps
  its ``email`` column (the seed's) without a unique constraint. The store writes both
  in the same transaction.
- every request finds its session by the hash of its token: ``sessions`` is keyed by
  ``token_hash``; its id is unique per account, ``(user_id, id)``.

``users`` gains ``timezone`` and ``week_start`` (Monday 0 to Sunday 6), both set or
both NULL (an account made before accounts had calendars: the application's calendar).
Every record and every figure is kept: the existing emails fill ``user_emails``, and
the totals keep their rows under the new keys.
"""

from __future__ import annotations

from jobtrack_postgres import deltas
from jobtrack_postgres.totals import TEXT

V4: tuple[str, ...] = (
    # -- accounts: each one's calendar; emails unique through the table of emails
    f"""
    ALTER TABLE users
        DROP CONSTRAINT users_email_key,
        ADD COLUMN timezone {TEXT},
        ADD COLUMN week_start smallint,
        ADD CONSTRAINT users_week_start_check CHECK (week_start BETWEEN 0 AND 6),
        ADD CONSTRAINT users_calendar_check CHECK ((timezone IS NULL) = (week_start IS NULL))
    """,
    f"""
    CREATE TABLE user_emails (
        email   {TEXT} NOT NULL,
        user_id {TEXT} NOT NULL,
        CONSTRAINT user_emails_pkey PRIMARY KEY (email),
        CONSTRAINT user_emails_user_id_fkey FOREIGN KEY (user_id)
            REFERENCES users (id) ON DELETE CASCADE
    )
    """,
    # An account's email is found by the account when it is deleted (and by the cascade).
    "CREATE INDEX user_emails_user_idx ON user_emails (user_id)",
    "INSERT INTO user_emails (email, user_id) SELECT email, id FROM users",
    # -- customers and jobs: ids per owner
    "ALTER TABLE jobs DROP CONSTRAINT jobs_customer_fkey",
    """
    ALTER TABLE customers
        DROP CONSTRAINT customers_owner_id_key,
        DROP CONSTRAINT customers_pkey,
        ADD CONSTRAINT customers_pkey PRIMARY KEY (user_id, id)
    """,
    """
    ALTER TABLE jobs
        DROP CONSTRAINT jobs_pkey,
        ADD CONSTRAINT jobs_pkey PRIMARY KEY (user_id, id),
        ADD CONSTRAINT jobs_customer_fkey FOREIGN KEY (user_id, customer_id)
            REFERENCES customers (user_id, id) ON DELETE CASCADE
    """,
    # -- sessions: found by token hash; a session's id unique in the store, as in every store
    """
    ALTER TABLE sessions
        DROP CONSTRAINT sessions_pkey,
        DROP CONSTRAINT sessions_token_hash_key,
        ADD CONSTRAINT sessions_pkey PRIMARY KEY (token_hash),
        ADD CONSTRAINT sessions_id_key UNIQUE (id)
    """,
    # -- running totals: a customer's totals keyed by owner and customer
    """
    ALTER TABLE customer_totals_base
        DROP CONSTRAINT customer_totals_pkey,
        ADD CONSTRAINT customer_totals_base_pkey PRIMARY KEY (user_id, customer_id)
    """,
    "DROP INDEX customer_totals_base_owner_idx",
    # The functions that upsert totals name the key they upsert on.
    deltas.fold({}, "CREATE OR REPLACE"),
    *deltas.job_functions({}),
)

#: Where a lookup across businesses is kept, and the column it is keyed by.
LOOKUPS = {"user_emails": "email", "sessions": "token_hash"}

__all__ = ["LOOKUPS", "V4"]
