"""The default id factory: time-ordered UUIDs (version 7)."""

import uuid
from pathlib import Path

from jobtrack import Argon2Hasher, Jobtrack, connect
from jobtrack_core import uuid4_ids, uuid7_ids
from jobtrack_memory import MemoryStore


def test_each_id_is_a_canonical_version_7_uuid() -> None:
    made = uuid7_ids()
    assert str(uuid.UUID(made)) == made
    assert uuid.UUID(made).version == 7


def test_ids_made_one_after_another_sort_one_after_another() -> None:
    made = [uuid7_ids() for _ in range(2000)]
    assert len(set(made)) == len(made)
    assert sorted(made) == made


def test_uuid4_ids_are_random_version_4_uuids() -> None:
    # The documented alternative, for ids that say nothing of when they were made: not
    # in the order they were made (which the test above would then prove of any UUID).
    made = [uuid4_ids() for _ in range(2000)]
    assert {uuid.UUID(i).version for i in made} == {4}
    assert sorted(made) != made


def test_the_service_makes_version_7_ids_by_default() -> None:
    app = Jobtrack(MemoryStore(), hasher=Argon2Hasher.for_tests())
    user = app.register(email="v7@example.com", password="a long passphrase", name="V")
    ws = app.workspace(user.id)
    customer = ws.add_customer("Acme")
    first = ws.create_job(customer.id, "First")
    second = ws.create_job(customer.id, "Second")
    assert [uuid.UUID(i).version for i in (user.id, customer.id, first.id)] == [7, 7, 7]
    assert first.id < second.id


def test_connect_makes_version_7_ids_by_default(tmp_path: Path) -> None:
    app = connect(tmp_path / "ids.db", hasher=Argon2Hasher.for_tests())
    try:
        user = app.register(email="c7@example.com", password="a long passphrase", name="C")
    finally:
        app.close()
    assert uuid.UUID(user.id).version == 7
