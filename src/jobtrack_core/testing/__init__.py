"""The shared contract suite, shipped so that any store can prove itself.

Run it against your store with a few lines in a test module::

    from jobtrack_core.testing import StoreContract, differential_machine, reference_machine
    from jobtrack_memory import MemoryStore

    class TestMyStoreContract(StoreContract):
        def make_store(self):
            return MyStore()

        def raw_values(self, store):
            ...

    TestMyStoreMachine = reference_machine(MyStore).TestCase
    TestMyStoreAgreesWithMemory = differential_machine(MemoryStore, MyStore).TestCase

Requires the ``test`` extra (hypothesis, pytest).
"""

from jobtrack_core.testing.contract import StoreContract, snapshot
from jobtrack_core.testing.fakes import PASSWORD, CountingIds, FakeClock
from jobtrack_core.testing.machines import differential_machine, reference_machine

__all__ = [
    "PASSWORD",
    "CountingIds",
    "FakeClock",
    "StoreContract",
    "differential_machine",
    "reference_machine",
    "snapshot",
]
