"""Test helpers and the shared contract suite, shipped so that any store can prove itself.

The fakes need nothing beyond jobtrack itself, so a program's own tests can use
them on a plain install::

    from jobtrack_core.testing import FakeClock, CountingIds

The contract suite needs the ``test`` extra (hypothesis, pytest). Run it against
your store with a few lines in a test module::

    from jobtrack_core.testing import StoreContract, differential_machine, reference_machine
    from jobtrack_memory import MemoryStore

    class TestMyStoreContract(StoreContract):
        def make_store(self):
            return MyStore()

        def raw_values(self, store):
            ...

    TestMyStoreMachine = reference_machine(MyStore).TestCase
    TestMyStoreAgreesWithMemory = differential_machine(MemoryStore, MyStore).TestCase
    TestMyStoreFeed = feed_machine(MyStore).TestCase

:class:`StoreContract` holds every tier; a store can also pass them one at a time:
:class:`RecordsContract` (the repositories, called directly),
:class:`HistoryPortContract` (the history repository, against the kit's),
:class:`LedgerPortContract` (the payments repository and the money questions),
:class:`BillingPortContract` (quotes, invoices, billing settings and numbering),
:class:`ReportsContract` (every report question at the port, against the
reference), then :class:`ServiceContract` (everything through the service), :class:`LedgerContract`
(the ledger's rules through the service),
:class:`SyncContract` (versions, retries, history and the change feed) and
:class:`BillingContract` (quotes, invoices and payments made to invoices).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jobtrack_core.testing.fakes import PASSWORD, CountingIds, FakeClock

if TYPE_CHECKING:
    from jobtrack_core.testing.billing_contract import BillingContract
    from jobtrack_core.testing.billing_ports import BillingPortContract
    from jobtrack_core.testing.contract import ServiceContract, StoreContract, snapshot
    from jobtrack_core.testing.feed import feed_machine
    from jobtrack_core.testing.history_ports import HistoryPortContract
    from jobtrack_core.testing.ledger_contract import LedgerContract, LedgerPortContract
    from jobtrack_core.testing.machines import differential_machine, reference_machine
    from jobtrack_core.testing.ports import RecordsContract, ReportsContract
    from jobtrack_core.testing.sync_contract import SyncContract

_LAZY = {
    "BillingContract": "jobtrack_core.testing.billing_contract",
    "BillingPortContract": "jobtrack_core.testing.billing_ports",
    "RecordsContract": "jobtrack_core.testing.ports",
    "HistoryPortContract": "jobtrack_core.testing.history_ports",
    "LedgerContract": "jobtrack_core.testing.ledger_contract",
    "LedgerPortContract": "jobtrack_core.testing.ledger_contract",
    "SyncContract": "jobtrack_core.testing.sync_contract",
    "feed_machine": "jobtrack_core.testing.feed",
    "ReportsContract": "jobtrack_core.testing.ports",
    "ServiceContract": "jobtrack_core.testing.contract",
    "StoreContract": "jobtrack_core.testing.contract",
    "snapshot": "jobtrack_core.testing.contract",
    "differential_machine": "jobtrack_core.testing.machines",
    "reference_machine": "jobtrack_core.testing.machines",
}


def __getattr__(name: str) -> Any:
    """The contract suite's names, imported on first use (they need Hypothesis)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


__all__ = [
    "PASSWORD",
    "BillingContract",
    "BillingPortContract",
    "CountingIds",
    "FakeClock",
    "HistoryPortContract",
    "LedgerContract",
    "LedgerPortContract",
    "RecordsContract",
    "ReportsContract",
    "ServiceContract",
    "StoreContract",
    "SyncContract",
    "differential_machine",
    "feed_machine",
    "reference_machine",
    "snapshot",
]
