"""The shared contract suite against the in-memory store."""

from collections.abc import Iterable
from functools import partial

import attrs

from jobtrack_core.entities import Customer, Job, LoginSession, User
from jobtrack_core.ports import Store
from jobtrack_core.testing import (
    StoreContract,
    differential_machine,
    feed_machine,
    reference_machine,
)
from jobtrack_interchange import import_records
from jobtrack_memory import MemoryStore
from jobtrack_memory.store import _Data


def _records(data: _Data) -> Iterable[User | Customer | Job | LoginSession | str]:
    yield from data.users.values()
    for by_id in data.customers.values():
        yield from by_id.values()
    for jobs in data.jobs.values():
        yield from jobs.values()
    yield from data.sessions.values()
    yield from data.session_by_token


class TestMemoryContract(StoreContract):
    def make_store(self) -> Store:
        return MemoryStore()

    def raw_values(self, store: Store) -> Iterable[object]:
        assert isinstance(store, MemoryStore)
        for record in _records(store._uow.users.d):
            yield from (record,) if isinstance(record, str) else attrs.astuple(record)


TestMemoryMachine = reference_machine(MemoryStore).TestCase
TestMemoryAgreesWithMemory = differential_machine(MemoryStore, MemoryStore).TestCase
TestMemoryFeed = feed_machine(MemoryStore).TestCase


#: Records brought into an account the way jobtrack's importers do.
importing = partial(import_records, on_conflict="replace")
TestMemoryFeedWithImports = feed_machine(MemoryStore, importer=importing).TestCase
