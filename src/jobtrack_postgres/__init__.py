"""jobtrack's PostgreSQL store, on psycopg 3 and psycopg_pool: for a hosted service
with many businesses and many concurrent users.

>>> from jobtrack_postgres import PostgresStore
>>> PostgresStore.from_url("sqlite:///jobs.db")
Traceback (most recent call last):
    ...
jobtrack_core.errors.ValidationError: url: must start with postgresql:// or postgres://
"""

from jobtrack_postgres.migrations import SCHEMA_VERSION
from jobtrack_postgres.store import Isolation, PostgresStore
from jobtrack_postgres.tracing import Tracer

__all__ = ["SCHEMA_VERSION", "Isolation", "PostgresStore", "Tracer"]
