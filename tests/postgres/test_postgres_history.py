"""The PostgreSQL history beyond the contract: how it keeps what ``jsonb`` cannot hold, and
the numbers a unit of work counts on by itself."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from jobtrack_core.entities import Action, FieldChange, HistoryEntry, RecordKind, Source, User
from jobtrack_core.testing import strategies as js
from jobtrack_postgres import PostgresStore

T0 = datetime(2025, 7, 6, 9, 0, tzinfo=UTC)


def _owner(store: PostgresStore) -> str:
    user = User(
        id="u1",
        email="u1@example.com",
        name="U",
        business_name=None,
        password_hash=js.TEST_HASH,
        created_at=T0,
        updated_at=T0,
    )
    with store.transaction() as uow:
        uow.users.add(user)
    return user.id


def _entry(owner: str, seq: int, action: Action, *changes: FieldChange) -> HistoryEntry:
    return HistoryEntry(
        owner_id=owner,
        seq=seq,
        at=T0,
        actor_id=owner,
        source=Source.IMPORT,
        action=action,
        kind=RecordKind.CUSTOMER,
        record_id=f"c{seq}",
        changes=changes,
    )


def test_values_jsonb_cannot_hold_come_back_as_they_went(store: PostgresStore) -> None:
    owner = _owner(store)
    odd = [
        FieldChange("notes", "a\x00b", "\x00"),
        FieldChange("name\x00", '{"nul": ["looks", "kept"]}', None),
        FieldChange("big", 2**62, -(2**62)),
        FieldChange("flag", True, False),
        FieldChange("é ✓", "", "\U0001f600"),
    ]
    with store.transaction() as uow:
        first = uow.history.reserve(owner, 1)
        made = _entry(owner, first, Action.UPDATED, *odd)
        uow.history.add([made])
    with store.transaction(write=False) as uow:
        (found,) = uow.history.of_record(owner, RecordKind.CUSTOMER, made.record_id, None, 5)
    assert found == made
    assert [type(c.old) for c in found.changes] == [str, str, int, bool, str]


def test_a_prune_in_the_unit_of_work_that_took_the_numbers_keeps_the_head_in_step(
    store: PostgresStore,
) -> None:
    """A unit of work counts on from its first number by itself; pruning a deletion it
    numbered raises the floor to a number beyond the head written so far."""
    owner = _owner(store)
    with store.transaction() as uow:
        assert uow.history.reserve(owner, 1) == 1  # the head's row, updated in place
        assert uow.history.reserve(owner, 1) == 2  # counted on, not yet written
        uow.history.add([_entry(owner, 1, Action.CREATED), _entry(owner, 2, Action.DELETED)])
        assert uow.history.prune(owner, T0 + timedelta(days=1)) == 1
        assert uow.history.kept_from(owner) == 2
        assert uow.history.reserve(owner, 1) == 3
    with store.transaction() as uow:
        assert uow.history.kept_from(owner) == 2
        assert uow.history.reserve(owner, 2) == 4
