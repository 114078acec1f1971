"""The repositories of one PostgreSQL unit of work, all on one connection."""

from __future__ import annotations

from typing import Any

import psycopg

from jobtrack_postgres.documents import PostgresBilling, PostgresInvoices, PostgresQuotes
from jobtrack_postgres.history import PostgresHistory
from jobtrack_postgres.reports import PostgresReports
from jobtrack_postgres.repositories import (
    PostgresCustomers,
    PostgresJobs,
    PostgresPayments,
    PostgresSessions,
    PostgresUsers,
)


class PostgresUnitOfWork:
    """What ``PostgresStore.transaction()`` yields. ``lock_rows`` is set in units of
    work that may write: their reads by id then lock the row they return."""

    def __init__(self, conn: psycopg.Connection[Any], *, lock_rows: bool) -> None:
        self.users = PostgresUsers(conn, lock_rows=lock_rows)
        self.customers = PostgresCustomers(conn, lock_rows=lock_rows)
        self.jobs = PostgresJobs(conn, lock_rows=lock_rows)
        self.payments = PostgresPayments(conn, lock_rows=lock_rows)
        self.billing = PostgresBilling(conn, lock_rows=lock_rows)
        self.quotes = PostgresQuotes(conn, lock_rows=lock_rows)
        self.invoices = PostgresInvoices(conn, lock_rows=lock_rows)
        self.sessions = PostgresSessions(conn, lock_rows=lock_rows)
        self.history = PostgresHistory(conn, lock_rows=False)
        self.reports = PostgresReports(conn, lock_rows=False, writes=lock_rows)


__all__ = ["PostgresUnitOfWork"]
