"""Fixtures for the interchange tests: apps over fresh stores, a MyJobTrack database,
and (when its driver is installed) the PostgreSQL fixtures of ``tests/postgres``."""

from __future__ import annotations

import importlib.util
import itertools
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from jobtrack_core import Argon2Hasher, Jobtrack
from jobtrack_core.ports import Store
from jobtrack_core.testing import CountingIds, FakeClock
from jobtrack_memory import MemoryStore

from .interchange_legacy import build_legacy_database

AppFactory = Callable[..., Jobtrack]


@pytest.fixture
def make_app() -> AppFactory:
    """Build a Jobtrack over a given store (a fresh memory store by default), with a
    fixed clock, counting ids (distinct per app) and the cheap test hasher."""

    apps = itertools.count(1)

    def make(store: Store | None = None, *, clock: FakeClock | None = None) -> Jobtrack:
        return Jobtrack(
            store if store is not None else MemoryStore(),
            clock=clock or FakeClock(),
            ids=CountingIds(f"app{next(apps)}"),
            hasher=Argon2Hasher.for_tests(),
        )

    return make


@pytest.fixture
def legacy_db(tmp_path: Path) -> Path:
    return build_legacy_database(tmp_path / "myjobtrack.sqlite")


# -- PostgreSQL: the fixtures of tests/postgres, when its driver and store are there ----------
def _postgres_fixtures() -> ModuleType | None:
    if importlib.util.find_spec("psycopg") is None:
        return None
    path = Path(__file__).resolve().parents[1] / "postgres" / "conftest.py"
    spec = importlib.util.spec_from_file_location("interchange_postgres_fixtures", path)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except ImportError:
        return None
    return module


_postgres = _postgres_fixtures()
if _postgres is not None:
    postgres_url = _postgres.postgres_url
    postgres_pool = _postgres.postgres_pool
    fresh_store = _postgres.fresh_store
