"""The shared contract suite and both state machines, run on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

import pytest
from hypothesis import settings
from psycopg import sql
from psycopg_pool import ConnectionPool

from jobtrack_core.ports import Store
from jobtrack_core.testing import (
    StoreContract,
    differential_machine,
    feed_machine,
    reference_machine,
)
from jobtrack_interchange import import_records
from jobtrack_memory import MemoryStore
from jobtrack_postgres import PostgresStore
from jobtrack_postgres.schema import TABLES


class TestPostgresContract(StoreContract):
    # Every call is a round trip to the server: the costly properties draw a third of the
    # profile's examples here (the in-memory stores draw them all).
    examples_scale = 1 / 3

    @pytest.fixture(autouse=True)
    def _database(
        self, fresh_store: Callable[[], PostgresStore], postgres_pool: ConnectionPool[Any]
    ) -> None:
        self.fresh_store = fresh_store
        self.pool = postgres_pool

    def make_store(self) -> Store:
        return self.fresh_store()

    def raw_values(self, store: Store) -> Iterable[object]:
        with self.pool.connection() as conn:
            for table in TABLES:
                for row in conn.execute(sql.SQL("SELECT * FROM {}").format(sql.Identifier(table))):
                    yield from row


# The state machines make their stores in __init__, outside any fixture: the
# module-scoped fixture below hands them the factory before they run.
_factory: list[Callable[[], PostgresStore]] = []


@pytest.fixture(autouse=True, scope="module")
def _bind_factory(fresh_store: Callable[[], PostgresStore]) -> None:
    _factory[:] = [fresh_store]


def make_postgres_store() -> PostgresStore:
    return _factory[0]()


TestPostgresMachine = reference_machine(make_postgres_store).TestCase
TestPostgresAgreesWithMemory = differential_machine(MemoryStore, make_postgres_store).TestCase
TestPostgresFeed = feed_machine(
    make_postgres_store, importer=partial(import_records, on_conflict="replace")
).TestCase

# Every step of a machine is several round trips to the server: in the thorough profile,
# fifty runs of each machine keep them within a minute together.
_loaded = settings.default
assert _loaded is not None  # a profile is loaded (conftest.py, or Hypothesis's own)
_runs = settings(_loaded, max_examples=min(_loaded.max_examples, 50))
TestPostgresMachine.settings = _runs
TestPostgresAgreesWithMemory.settings = _runs
TestPostgresFeed.settings = _runs
