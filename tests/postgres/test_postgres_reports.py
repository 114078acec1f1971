"""The report part of the contract suite on PostgreSQL, while it is not yet part of
:class:`StoreContract` (once it is, that class runs it and this module skips itself)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from jobtrack_core.ports import Store
from jobtrack_core.testing import StoreContract
from jobtrack_core.testing.reports_contract import ReportContract
from jobtrack_postgres import PostgresStore

pytestmark = pytest.mark.skipif(
    issubclass(StoreContract, ReportContract),
    reason="StoreContract already runs the report tests (test_postgres_contract.py)",
)


class TestPostgresReports(ReportContract):
    @pytest.fixture(autouse=True)
    def _database(self, fresh_store: Callable[[], PostgresStore]) -> None:
        self.fresh_store = fresh_store

    def make_store(self) -> Store:
        return self.fresh_store()
