"""The shared contract suite, the reference state machine, the differential
state machine (against the memory store) and the change feed's state machine, run
on the SQLite store.

The contract runs on a database file; the state machines run on a file and in
memory. (One StoreContract subclass per test session and test function: a
second subclass trips Hypothesis's ``differing_executors`` health check.)"""

from __future__ import annotations

import sqlite3
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from functools import partial
from pathlib import Path

from hypothesis import settings

from jobtrack_core.ports import Store
from jobtrack_core.testing import (
    StoreContract,
    differential_machine,
    feed_machine,
    reference_machine,
)
from jobtrack_core.testing.base import scaled_examples
from jobtrack_interchange import import_records
from jobtrack_memory import MemoryStore
from jobtrack_sqlite import SqliteStore

_FILES = tempfile.TemporaryDirectory(prefix="jobtrack-sqlite-contract-")


def file_store() -> SqliteStore:
    """A store on a new file. NORMAL durability: the same code paths, fewer fsyncs."""
    return SqliteStore(Path(_FILES.name) / f"{uuid.uuid4().hex}.db", synchronous="NORMAL")


def memory_store() -> SqliteStore:
    return SqliteStore(":memory:")


def every_value(connection: sqlite3.Connection) -> Iterator[object]:
    tables = [
        row[0] for row in connection.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")
    ]
    for table in tables:
        for row in connection.execute(f"SELECT * FROM {table}"):
            yield from row


class TestSqliteFileContract(StoreContract):
    # Every unit of work writes the file: the costly properties draw half of the profile's
    # examples here (the in-memory stores draw them all).
    examples_scale = 1 / 2

    def make_store(self) -> Store:
        return file_store()

    def raw_values(self, store: Store) -> Iterable[object]:
        assert isinstance(store, SqliteStore)
        connection = sqlite3.connect(store._target)
        try:
            return list(every_value(connection))
        finally:
            connection.close()


TestSqliteFileMachine = reference_machine(file_store).TestCase
TestSqliteMemoryMachine = reference_machine(memory_store).TestCase
TestSqliteFileAgreesWithMemory = differential_machine(MemoryStore, file_store).TestCase
TestSqliteMemoryAgreesWithMemory = differential_machine(MemoryStore, memory_store).TestCase
TestSqliteFileFeed = feed_machine(
    file_store, importer=partial(import_records, on_conflict="replace")
).TestCase
TestSqliteMemoryFeed = feed_machine(memory_store).TestCase

# Each step of a machine is a unit of work on the file (or the in-memory database): in the
# thorough profile, half the profile's runs of each of the six machines (the memory store's
# machines run them all).
_loaded = settings.default
assert _loaded is not None  # a profile is loaded (conftest.py, or Hypothesis's own)
_runs = settings(_loaded, max_examples=scaled_examples(_loaded.max_examples, 1 / 2))
for _machine in (
    TestSqliteFileMachine,
    TestSqliteMemoryMachine,
    TestSqliteFileAgreesWithMemory,
    TestSqliteMemoryAgreesWithMemory,
    TestSqliteFileFeed,
    TestSqliteMemoryFeed,
):
    _machine.settings = _runs
