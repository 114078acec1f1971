"""Versions, safe retries and the change feed with several processes on one file: a
create retried by two processes makes one record that both get; of two writers that
read the same version, exactly one may change it; and a reader polling the feed while
writers change the business never sees a change again, and ends with exactly the
store's data."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from jobtrack_core import Jobtrack, Workspace
from jobtrack_core.passwords import Argon2Hasher
from jobtrack_core.testing import PASSWORD
from jobtrack_sqlite import SqliteStore

#: What every worker starts with: the store at ``argv[1]``, the workspace of ``argv[2]``,
#: and ``barrier(name)``, which waits until every worker has reached it.
PRELUDE = """
import os, sys, time
from jobtrack_core import Jobtrack
from jobtrack_core.errors import VersionConflict
from jobtrack_core.passwords import Argon2Hasher
from jobtrack_sqlite import SqliteStore

path, user_id, me, workers = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
app = Jobtrack(SqliteStore(path), hasher=Argon2Hasher.for_tests())
ws = app.workspace(user_id)
folder = os.path.dirname(path)


def barrier(name):
    open(os.path.join(folder, f"{name}-{me}"), "w").close()
    deadline = time.monotonic() + 60
    while sum(f.startswith(f"{name}-") for f in os.listdir(folder)) < workers:
        if time.monotonic() > deadline:
            raise SystemExit(f"barrier {name} timed out")
        time.sleep(0.001)
"""

#: Both workers create the same jobs by the same client ids, several times each, at once.
RETRIED_CREATE = (
    PRELUDE
    + """
customer_id = sys.argv[5]
barrier("start")
for i in range(15):
    for attempt in range(2):  # a retry, as after a lost reply
        job = ws.create_job(customer_id, f"Job {i}", id=f"k{i}", estimated_cost="12.50")
        print(repr(job), flush=True)
app.close()
"""
)

#: Both workers read the job, wait for each other, then change it if still at that version.
VERSIONED_UPDATE = (
    PRELUDE
    + """
job_id = sys.argv[5]
seen = ws.get_job(job_id)
barrier("read")
try:
    ws.update_job(job_id, title=f"by {me}", if_version=seen.version)
    print("updated", seen.version, flush=True)
except VersionConflict as conflict:
    print("conflict", conflict.current.version, flush=True)
app.close()
"""
)

#: A writer: customers and jobs of its own, changed in every way, and the shared customer.
WRITER = (
    PRELUDE
    + """
import random
shared = sys.argv[5]
rng = random.Random(me)
barrier("start")
mine = []
for i in range(25):
    customer = ws.add_customer(f"{me} customer {i}", id=f"{me}-c{i}")
    job = ws.create_job(customer.id, f"{me} job {i}", id=f"{me}-j{i}")
    mine.append(job.id)
    ws.update_customer(shared, notes=f"{me} was here {i}")
    step = rng.randrange(5)
    if step == 0:
        ws.start_job(job.id)
        ws.complete_job(job.id, actual_cost="3.00")
    elif step == 1:
        ws.mark_paid(rng.choice(mine))
    elif step == 2:
        gone = rng.choice(mine)
        ws.delete_job(gone, with_payments=True)
        mine.remove(gone)
    elif step == 3:
        ws.delete_customer(customer.id, with_payments=True)
        mine.remove(job.id)
    else:
        with ws.atomic():
            ws.update_job(job.id, description="several changes, one commit")
            ws.cancel_job(job.id)
app.close()
"""
)

#: The reader polls the feed until told the writers are done, then catches up (giving up
#: after a thousand more batches); it prints its copy and the numbers of every batch.
READER = (
    PRELUDE
    + """
import json, random
rng = random.Random(0)
cursor, copy, batches = None, {}, []
barrier("start")
done, left = False, 1000
while left:
    if not done:
        done = os.path.exists(os.path.join(folder, "done"))  # before the poll: then catch up
    left -= done
    batch = ws.changes(cursor, limit=rng.randint(1, 6))
    batches.append([change.seq for change in batch])
    for change in batch:
        key = f"{change.kind.value}:{change.id}"
        if change.record is None:
            copy.pop(key, None)
        else:
            copy[key] = repr(change.record)
    cursor = batch.next
    if done and not len(batch):
        break
print(json.dumps({"copy": copy, "batches": batches}))
app.close()
"""
)


def python(script: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finished(worker: subprocess.Popen[str]) -> str:
    """What the worker printed, once it ended well; killed if it runs too long."""
    try:
        out, err = worker.communicate(timeout=300)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.communicate()
    assert worker.returncode == 0 and err == "", err
    return out


def business(path: Path) -> tuple[Jobtrack, Workspace]:
    app = Jobtrack(SqliteStore(path), hasher=Argon2Hasher.for_tests())
    user = app.register(email="sync@x.co", password=PASSWORD, name="Sync")
    return app, app.workspace(user.id)


def test_a_create_retried_by_two_processes_makes_one_record_that_both_get(
    tmp_path: Path,
) -> None:
    path = tmp_path / "retry.db"
    app, ws = business(path)
    customer = ws.add_customer("Shared")
    workers = [python(RETRIED_CREATE, str(path), ws.user_id, me, "2", customer.id) for me in "ab"]
    outputs = [finished(worker).splitlines() for worker in workers]
    jobs = {repr(job) for job in ws.list_jobs()}
    assert len(jobs) == 15
    assert outputs[0] == outputs[1] and len(outputs[0]) == 30
    assert set(outputs[0]) == jobs
    created = ws.activity(kinds="job", limit=100).items
    assert sorted(entry.record_id for entry in created) == sorted(f"k{i}" for i in range(15))
    app.close()


def test_of_two_processes_that_read_one_version_exactly_one_changes_it(tmp_path: Path) -> None:
    path = tmp_path / "versions.db"
    app, ws = business(path)
    job = ws.create_job(ws.add_customer("Shared").id, "Contested")
    ws.start_job(job.id)  # version 2
    workers = [python(VERSIONED_UPDATE, str(path), ws.user_id, me, "2", job.id) for me in "ab"]
    outcomes = sorted(finished(worker).strip() for worker in workers)
    assert outcomes == ["conflict 3", "updated 2"]
    stored = ws.get_job(job.id)
    assert stored.version == 3 and stored.title in ("by a", "by b")
    (entry,) = ws.history("job", job.id, limit=1).items
    assert entry.changes[0].new == stored.title
    app.close()


def test_a_reader_polling_the_feed_during_concurrent_writes_ends_with_the_data(
    tmp_path: Path,
) -> None:
    path = tmp_path / "feed.db"
    app, ws = business(path)
    shared = ws.add_customer("Shared by every writer")
    writers = [python(WRITER, str(path), ws.user_id, f"w{n}", "4", shared.id) for n in range(3)]
    reader = python(READER, str(path), ws.user_id, "reader", "4")
    try:
        for writer in writers:
            finished(writer)
    finally:
        (tmp_path / "done").touch()  # the reader catches up, then ends
    seen = json.loads(finished(reader))
    numbers = [seq for batch in seen["batches"] for seq in batch]
    assert numbers == sorted(set(numbers))  # never a number again, nor one below
    assert sum(1 for batch in seen["batches"] if batch) > 3  # it polled during the writes
    truth = {f"customer:{c.id}": repr(c) for c in ws.list_customers()}
    truth |= {f"job:{j.id}": repr(j) for j in ws.list_jobs()}
    truth |= {f"payment:{p.id}": repr(p) for p in ws.list_payments()}
    assert seen["copy"] == truth
    assert len(truth) > 25
    app.close()
