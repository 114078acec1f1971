"""Several processes on one database file: concurrent writers lose nothing and see
no locking error; a writer killed with SIGKILL at random moments leaves a sound
file that holds every commit it acknowledged."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from jobtrack_core import JobFilter, Jobtrack
from jobtrack_core.passwords import Argon2Hasher
from jobtrack_core.testing import PASSWORD
from jobtrack_sqlite import SCHEMA_VERSION, SqliteStore

# Each worker process runs this, with the database path and a name as arguments.
# It prints one line per commit, after the commit returned: the ids it acknowledges.
CONCURRENT_WRITER = """
import sys
from jobtrack_core import JobFilter, Jobtrack
from jobtrack_core.passwords import Argon2Hasher
from jobtrack_sqlite import SqliteStore

path, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
app = Jobtrack(SqliteStore(path), hasher=Argon2Hasher.for_tests())
user = app.register(email=f"{name}@x.co", password="correct horse battery", name=name)
ws = app.workspace(user.id)
customer = ws.add_customer(f"{name}'s customer")
for i in range(count):
    job = ws.create_job(customer.id, f"{name} job {i}", id=f"{name}-{i}")
    print(job.id, flush=True)
    if i % 5 == 0:
        with ws.atomic():
            ws.start_job(job.id)
            ws.complete_job(job.id, actual_cost="1.00")
            ws.mark_paid(job.id)
        ws.list_jobs()
app.close()
"""

CRASHING_WRITER = """
import sys
from jobtrack_core import JobFilter, Jobtrack
from jobtrack_core.passwords import Argon2Hasher
from jobtrack_sqlite import SqliteStore

path, user_id, customer_id, prefix = sys.argv[1:5]
store = SqliteStore(path)
store._link().connection.execute("PRAGMA wal_autocheckpoint = 20")  # checkpoint often too
ws = Jobtrack(store, hasher=Argon2Hasher.for_tests()).workspace(user_id)
print("ready", flush=True)
i = 0
while True:
    with ws.atomic():  # several writes per commit, so kills land inside transactions
        job = ws.create_job(customer_id, "x" * 200, id=f"{prefix}-{i}", estimated_cost="12.34")
        ws.start_job(job.id)
        ws.update_customer(customer_id, notes=f"after {job.id}")
    print(job.id, flush=True)
    if i % 7 == 3:
        print(f"deleting {prefix}-{i - 1}", flush=True)  # no longer promised from here on
        ws.delete_job(f"{prefix}-{i - 1}")
    i += 1
"""


def python(script: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def soundness(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path)
    assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    return connection


@pytest.mark.parametrize("processes", [2, 4])
def test_concurrent_writer_processes_lose_nothing(tmp_path: Path, processes: int) -> None:
    path = tmp_path / "shared.db"  # created by whichever process comes first
    count = 30
    workers = [python(CONCURRENT_WRITER, str(path), f"p{n}", str(count)) for n in range(processes)]
    acknowledged: list[str] = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0 and err == "", err
        acknowledged += out.split()
    assert len(acknowledged) == processes * count
    connection = soundness(path)
    stored = {row[0] for row in connection.execute("SELECT id FROM jobs")}
    assert stored == set(acknowledged)
    assert connection.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    paid = connection.execute("SELECT count(*), sum(actual_cost_cents) FROM jobs WHERE paid")
    assert paid.fetchone() == (processes * 6, processes * 600)
    connection.close()


def test_a_writer_killed_at_random_moments_keeps_every_acknowledged_commit(
    tmp_path: Path,
) -> None:
    path = tmp_path / "crash.db"
    with Jobtrack(SqliteStore(path), hasher=Argon2Hasher.for_tests()) as app:
        ws = app.workspace(app.register(email="c@x.co", password=PASSWORD, name="C").id)
        customer_id = ws.add_customer("Crash test").id
        user_id = ws.user_id
    seed = int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)
    kept: set[str] = set()
    kills = 0
    deadline = time.monotonic() + 25
    for round_ in range(25):
        if time.monotonic() > deadline and round_ >= 12:
            break
        writer = python(CRASHING_WRITER, str(path), user_id, customer_id, f"r{round_}")
        assert writer.stdout is not None
        ready = writer.stdout.readline()
        assert ready == "ready\n", (ready, writer.stderr.read() if writer.stderr else "")
        time.sleep(rng.uniform(0, 0.12))
        writer.send_signal(signal.SIGKILL)
        out, err = writer.communicate(timeout=30)
        assert writer.returncode == -signal.SIGKILL, err
        kills += 1
        complete_lines = out.split("\n")[:-1]  # a line cut by the kill was not acknowledged
        for line in complete_lines:
            if line.startswith("deleting "):
                kept.discard(line.removeprefix("deleting "))
            else:
                kept.add(line)
        connection = soundness(path)
        stored = {row[0] for row in connection.execute("SELECT id FROM jobs")}
        connection.close()
        missing = kept - stored
        assert not missing, f"seed {seed}: acknowledged but lost: {sorted(missing)[:5]}"
    assert kills >= 12
    assert len(kept) > kills, f"seed {seed}: the writer barely wrote; the test proves little"
    with SqliteStore(path) as store, store.transaction(write=False) as uow:
        assert {j.id for j in uow.jobs.list(user_id, JobFilter())} >= kept
