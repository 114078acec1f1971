"""jobtrack's whole contract suite, run against the dictionary store."""

from collections.abc import Iterable

import attrs
from jobtrack_dictstore import DictStore

from jobtrack_core.ports import Store
from jobtrack_core.testing import (
    StoreContract,
    differential_machine,
    feed_machine,
    reference_machine,
)
from jobtrack_memory import MemoryStore


class TestDictStoreContract(StoreContract):
    def make_store(self) -> Store:
        return DictStore()

    def raw_values(self, store: Store) -> Iterable[object]:
        assert isinstance(store, DictStore)
        for table in store._tables.values():
            for record in table.values():
                # records, and the number counters' plain numbers
                yield from attrs.astuple(record) if attrs.has(type(record)) else (record,)


TestDictStoreMachine = reference_machine(DictStore).TestCase
TestDictStoreAgreesWithMemory = differential_machine(MemoryStore, DictStore).TestCase
TestDictStoreFeed = feed_machine(DictStore).TestCase
