"""What keeping the history costs: a single create and a bulk import, history on and off.

::

    python -m bench.history_costs [--rounds N] [--jobs N] [--postgres]

Each contender runs on its own SQLite file (or PostgreSQL database) built the same way,
in interleaved rounds (one sample of each per round, ``os.sync()`` before each), at two
durability settings, ``synchronous=FULL`` (every commit waits for the disk) and
``NORMAL`` (it does not):

- ``history on``: jobtrack as it is: ``create_job`` through the workspace, and an import
  of a ``jobtrack`` export through ``import_document``, both recording their history in
  the same transaction (the import in bulk: one numbering, one insert of all entries);
- ``history off``: the same calls on the same kind of store with its history repository
  replaced by one that numbers changes and keeps nothing, which is what the version
  before history did;
- ``raw sqlite3``: the baseline: a one-row ``INSERT`` and ``COMMIT`` into the seed's
  table, and ``executemany`` of the import's rows and ``COMMIT``: the cost of the disk
  itself at that setting.

The ratios on the right are to ``history off``; the figures are medians.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

from bench.atomic_costs import _admin
from bench.jobtrack_columns import POSTGRES_DEFAULT, POSTGRES_ENV, open_postgres, postgres_reason
from bench.timing import Outcome, Samples, Task, measure_interleaved
from jobtrack_core import Action, HistoryEntry, Jobtrack, RecordKind, Store, UnitOfWork
from jobtrack_core.passwords import Argon2Hasher
from jobtrack_interchange import import_document, loads
from jobtrack_interchange.export import export_json
from jobtrack_memory import MemoryStore
from jobtrack_sqlite import SqliteStore

PASSWORD = "a benchmark passphrase"


class _Discarded:
    """A history repository that numbers changes and keeps none of them."""

    def __init__(self) -> None:
        self._heads: dict[str, int] = {}

    def reserve(self, owner_id: str, count: int) -> int:
        first = self._heads.get(owner_id, 0) + 1
        self._heads[owner_id] = first + count - 1
        return first

    def add(self, entries: Sequence[HistoryEntry]) -> None:
        pass

    def load(self, owner_id: str, entries: Sequence[HistoryEntry], kept_from: int) -> None:
        pass

    def of_record(
        self, owner_id: str, kind: RecordKind, record_id: str, before: int | None, limit: int
    ) -> Sequence[HistoryEntry]:
        return ()

    def activity(self, *args: object) -> Sequence[HistoryEntry]:
        return ()

    def latest_after(self, owner_id: str, after: int, limit: int) -> Sequence[HistoryEntry]:
        return ()

    def prune(self, owner_id: str, before: datetime) -> int:
        return 0

    def kept_from(self, owner_id: str) -> int:
        return 0


class _UnitWithoutHistory:
    def __init__(self, uow: UnitOfWork, history: _Discarded) -> None:
        self._uow = uow
        self.history = history

    def __getattr__(self, name: str) -> Any:
        return getattr(self._uow, name)


class WithoutHistory:
    """``store`` as it was before history: every unit of work's history keeps nothing."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._history = _Discarded()

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[Any]:
        with self._store.transaction(write=write) as uow:
            yield _UnitWithoutHistory(uow, self._history)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


def _document(jobs: int) -> Any:
    """A ``jobtrack`` export of one account with 20 customers and ``jobs`` jobs."""
    app = Jobtrack(MemoryStore(), hasher=Argon2Hasher.for_tests())
    app.register(email="source@example.com", password=PASSWORD, name="Source")
    ws = app.authenticate(app.login("source@example.com", PASSWORD).token)
    customers = [ws.add_customer(f"Customer {n}") for n in range(20)]
    for n in range(jobs):
        ws.create_job(
            customers[n % 20].id, f"Job {n}", estimated_cost=Decimal(n % 500) + Decimal("0.25")
        )
    path = Path(tempfile.mkdtemp()) / "export.json"
    export_json(app, ws.user_id, path)
    data = loads(path.read_bytes())
    shutil.rmtree(path.parent)
    return data


class Contender:
    """One jobtrack app on its own file, with a customer to create jobs for."""

    def __init__(self, store: Store, history: bool, emails: Iterator[str]) -> None:
        self.app = Jobtrack(
            store if history else WithoutHistory(store),
            hasher=Argon2Hasher.for_tests(),
        )
        self.emails = emails
        self.ws = self._account()
        self.customer = self.ws.add_customer("Ada Lovelace")

    def _account(self) -> Any:
        email = next(self.emails)
        self.app.register(email=email, password=PASSWORD, name="Sam")
        return self.app.authenticate(self.app.login(email, PASSWORD).token)

    def create(self) -> None:
        self.ws.create_job(self.customer.id, "Fix the sink", estimated_cost=Decimal("120.00"))

    def before_import(self) -> None:
        self.last = self._account()  # a fresh account each time: every record is new
        os.sync()

    def bulk_import(self, document: Any) -> None:
        report = import_document(self.last, document)
        assert report.created.jobs == len(document["jobs"])

    def recorded(self) -> bool:
        """Whether the last import's account has a history."""
        return bool(self.last.activity(actions=Action.CREATED, limit=1).items)


class RawSqlite:
    """The baseline: the seed's jobs table, written with plain ``sqlite3``."""

    def __init__(self, path: Path, synchronous: str) -> None:
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute(f"PRAGMA synchronous={synchronous}")
        self.db.execute(
            "CREATE TABLE jobs (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, customer_id TEXT "
            "NOT NULL, title TEXT NOT NULL, status TEXT NOT NULL, estimated_cost REAL, "
            "created_at TEXT NOT NULL)"
        )
        self.rows: list[tuple[Any, ...]] = []

    def use_rows(self, count: int) -> None:
        """The rows of the next write: new ids, so that every insert is a new row."""
        base = len(self.rows) and int(self.rows[-1][0][1:]) + 1
        self.rows = [
            (f"j{base + k}", "u", "c", "Fix the sink", "pending", 120.0, "2025-07-06T09:00:00Z")
            for k in range(count)
        ]

    def create(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")
        self.db.execute("INSERT INTO jobs VALUES (?, ?, ?, ?, ?, ?, ?)", self.rows[0])
        self.db.execute("COMMIT")

    def before_import(self) -> None:
        os.sync()

    def bulk_import(self, document: Any) -> None:
        self.db.execute("BEGIN IMMEDIATE")
        self.db.executemany("INSERT INTO jobs VALUES (?, ?, ?, ?, ?, ?, ?)", self.rows)
        self.db.execute("COMMIT")


def _creates(contenders: dict[str, Any], rounds: int) -> dict[str, Outcome]:
    def before(c: Any) -> None:
        if isinstance(c, RawSqlite):
            c.use_rows(1)
        os.sync()

    tasks = {k: Task(c.create, before=partial(before, c), warmup=1) for k, c in contenders.items()}
    return measure_interleaved(tasks, repeat=rounds, budget_s=600)


def _imports(contenders: dict[str, Any], document: Any, rounds: int) -> dict[str, Outcome]:
    def before(c: Any) -> None:
        if isinstance(c, RawSqlite):
            c.use_rows(len(document["jobs"]))
        c.before_import()

    tasks = {
        k: Task(partial(c.bulk_import, document), before=partial(before, c), warmup=0)
        for k, c in contenders.items()
    }
    return measure_interleaved(tasks, repeat=rounds, budget_s=600)


def _table(title: str, found: dict[str, Outcome], unit: float, unit_name: str) -> None:
    print(f"\n{title}")
    print(f"{'contender':<14} {'median':>11} {'low':>11} {'high':>11}  ratio to history off")
    off = found["history off"]
    for name, outcome in found.items():
        if not isinstance(outcome, Samples):
            print(f"{name:<14} {outcome.reason}")
            continue
        ratio = f"x{outcome.median / off.median:.2f}" if isinstance(off, Samples) else ""
        cells = [
            f"{v / unit:>8.2f}{unit_name}" for v in (outcome.median, outcome.low, outcome.high)
        ]
        print(f"{name:<14} {' '.join(cells)}  {ratio}")


def _postgres_store(server: str, tag: str) -> tuple[Store, Callable[[], None]]:
    """A store on a throwaway database of ``server``, and what drops it."""
    name = f"jobtrack_bench_history_{tag}_{os.getpid()}"
    _admin(server, f'CREATE DATABASE "{name}"')
    store = open_postgres(f"{server.rsplit('/', 1)[0]}/{name}")

    def drop() -> None:
        store.close()
        _admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return store, drop


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=30, help="samples of each single create")
    parser.add_argument("--jobs", type=int, default=2000, help="jobs in the bulk import")
    parser.add_argument("--postgres", action="store_true", help="add a PostgreSQL round")
    args = parser.parse_args(argv)
    emails = (f"owner{n}@example.com" for n in range(10**9))
    document = _document(args.jobs)
    import_rounds = max(3, args.rounds // 6)
    work = Path(tempfile.mkdtemp(prefix="jobtrack-history-bench-"))
    try:
        print(
            f"{args.rounds} single creates and {import_rounds} imports of {args.jobs} jobs "
            "per contender, interleaved"
        )
        for synchronous in ("FULL", "NORMAL"):
            on = Contender(SqliteStore(work / f"on-{synchronous}.db", synchronous=synchronous),
                           True, emails)  # fmt: skip
            off = Contender(SqliteStore(work / f"off-{synchronous}.db", synchronous=synchronous),
                            False, emails)  # fmt: skip
            raw = RawSqlite(work / f"raw-{synchronous}.db", synchronous)
            contenders: dict[str, Any] = {"history on": on, "history off": off, "raw sqlite3": raw}
            creates = _creates(contenders, args.rounds)
            _table(f"SQLite, synchronous={synchronous}: a single create", creates, 1e-3, " ms")
            imports = _imports(contenders, document, import_rounds)
            _table(f"SQLite, synchronous={synchronous}: an import of {args.jobs} jobs",
                   imports, 1e-3, " ms")  # fmt: skip
            assert on.recorded() and not off.recorded()
            for c in (on, off):
                c.app.close()
        server = os.environ.get(POSTGRES_ENV, POSTGRES_DEFAULT)
        reason = postgres_reason(server) if args.postgres else "not asked for (--postgres)"
        if reason:
            print(f"\nPostgreSQL: skipped, {reason}")
        else:
            stores = [_postgres_store(server, "on"), _postgres_store(server, "off")]
            try:
                pg = {
                    "history on": Contender(stores[0][0], True, emails),
                    "history off": Contender(stores[1][0], False, emails),
                }
                creates = _creates(pg, args.rounds)
                _table("PostgreSQL: a single create", creates, 1e-3, " ms")
                imports = _imports(pg, document, import_rounds)
                _table(f"PostgreSQL: an import of {args.jobs} jobs", imports, 1e-3, " ms")
                assert pg["history on"].recorded() and not pg["history off"].recorded()
            finally:
                for _, drop in stores:
                    drop()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
