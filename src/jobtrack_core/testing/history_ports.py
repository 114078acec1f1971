"""The contract at the port for the history: a store's ``HistoryRepository``, called directly.

Every answer is compared with :class:`~jobtrack_core.kit.LogHistory`, the kit's
plain implementation, fed the very same entries: the questions (a record's
entries, the activity list, the change feed's latest entries), pruning and the
floor it leaves, and putting back an exported history. Numbers are handed out
per owner without gaps, a rolled-back unit of work gives its numbers back, and
one owner's history is invisible to another even where their record ids match.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import attrs
from hypothesis import strategies as st

from jobtrack_core.entities import (
    Action,
    Customer,
    FieldChange,
    HistoryEntry,
    RecordKind,
    Source,
    User,
)
from jobtrack_core.errors import ConflictError, NotFoundError
from jobtrack_core.kit import LogHistory, OwnerLog
from jobtrack_core.ports import Store
from jobtrack_core.queries import ActivityFilter
from jobtrack_core.testing import strategies as js
from jobtrack_core.testing.base import Contract, costly, prop

#: Values as a change keeps them, the awkward ones included.
plain_values = st.none() | st.booleans() | st.integers(-(2**62), 2**62) | st.text(max_size=12)
field_changes = st.lists(
    st.builds(
        FieldChange, st.sampled_from(["name", "title", "status", "é x"]), plain_values, plain_values
    ),
    max_size=3,
).map(tuple)


@attrs.frozen
class Draft:
    """An entry before the store numbers it."""

    owner: int
    kind: RecordKind
    record_id: str
    action: Action
    minutes: int
    changes: tuple[FieldChange, ...]
    cause: str | None


drafts = st.builds(
    Draft,
    owner=st.integers(0, 1),
    kind=st.sampled_from(RecordKind),
    record_id=st.sampled_from(["a", "b", "c", "17"]),
    action=st.sampled_from(Action),
    minutes=st.integers(0, 600),
    changes=field_changes,
    cause=st.none() | st.just("a"),
)


def _entry(owner: User, seq: int, draft: Draft) -> HistoryEntry:
    return HistoryEntry(
        owner_id=owner.id,
        seq=seq,
        at=js.T0 + timedelta(minutes=draft.minutes),
        actor_id=owner.id,
        source=Source.LIBRARY,
        action=draft.action,
        kind=draft.kind,
        record_id=draft.record_id,
        changes=draft.changes,
        cause=draft.cause,
    )


class HistoryPortContract(Contract):
    """A store's history repository, against the kit's :class:`LogHistory`."""

    def make_store(self) -> Store:
        raise NotImplementedError

    def _history_owners(self, store: Store) -> list[User]:
        owners = [_user(n) for n in range(2)]
        with store.transaction() as uow:
            for owner in owners:
                uow.users.add(owner)
        return owners

    def _write(
        self, store: Store, owners: list[User], batches: Sequence[Sequence[Draft]]
    ) -> tuple[LogHistory, dict[str, OwnerLog]]:
        """Write each batch in one unit of work, numbered by the store; the same into a
        :class:`LogHistory`."""
        logs: dict[str, OwnerLog] = {}
        reference = LogHistory(logs, {o.id for o in owners}.__contains__)
        for batch in batches:
            with store.transaction() as uow:
                for who, owner in enumerate(owners):
                    mine = [d for d in batch if d.owner == who]
                    if not mine:
                        continue
                    first = uow.history.reserve(owner.id, len(mine))
                    assert first == reference.reserve(owner.id, len(mine))
                    made = [_entry(owner, first + n, d) for n, d in enumerate(mine)]
                    uow.history.add(made)
                    reference.add(made)
        return reference, logs

    def _agrees(
        self, store: Store, owners: list[User], reference: LogHistory, data: st.DataObject
    ) -> None:
        with store.transaction(write=False) as uow:
            got = uow.history
            for owner in owners:
                o = owner.id
                assert got.kept_from(o) == reference.kept_from(o)
                for kind in RecordKind:
                    for record_id in ("a", "b", "c", "17", "none"):
                        before = data.draw(st.none() | st.integers(0, 30), label="before")
                        limit = data.draw(st.integers(0, 12), label="limit")
                        assert list(got.of_record(o, kind, record_id, before, limit)) == list(
                            reference.of_record(o, kind, record_id, before, limit)
                        )
                question: dict[str, Any] = data.draw(
                    st.fixed_dictionaries(
                        {
                            "where": st.builds(
                                ActivityFilter,
                                kinds=st.none() | st.frozensets(st.sampled_from(RecordKind)),
                                actions=st.none() | st.frozensets(st.sampled_from(Action)),
                                since=st.none() | _moments,
                                until=st.none() | _moments,
                            ),
                            "before": st.none() | st.integers(0, 30),
                            "limit": st.integers(0, 40),
                        }
                    ),
                    label="activity",
                )
                assert list(got.activity(o, **question)) == list(reference.activity(o, **question))
                after = data.draw(st.integers(0, 30), label="after")
                limit = data.draw(st.integers(0, 12), label="feed limit")
                assert list(got.latest_after(o, after, limit)) == list(
                    reference.latest_after(o, after, limit)
                )
                assert list(got.latest_after(o, 0, 1000)) == list(
                    reference.latest_after(o, 0, 1000)
                )

    @prop(batches=st.lists(st.lists(drafts, max_size=8), max_size=4), data=st.data())
    def test_history_answers_as_the_kit_does(
        self, batches: list[list[Draft]], data: st.DataObject
    ) -> None:
        store = self.make_store()
        owners = self._history_owners(store)
        reference, _ = self._write(store, owners, batches)
        self._agrees(store, owners, reference, data)

    @costly
    @prop(
        batches=st.lists(st.lists(drafts, max_size=8), min_size=1, max_size=4),
        cutoffs=st.lists(st.integers(0, 660), min_size=1, max_size=2),
        data=st.data(),
    )
    def test_pruning_drops_what_the_kit_drops_and_raises_the_same_floor(
        self, batches: list[list[Draft]], cutoffs: list[int], data: st.DataObject
    ) -> None:
        store = self.make_store()
        owners = self._history_owners(store)
        reference, _ = self._write(store, owners, batches)
        for minutes in cutoffs:
            cutoff = js.T0 + timedelta(minutes=minutes)
            with store.transaction() as uow:
                assert uow.history.prune(owners[0].id, cutoff) == reference.prune(
                    owners[0].id, cutoff
                )
        self._agrees(store, owners, reference, data)
        # numbering goes on after the highest number ever reserved
        with store.transaction() as uow:
            assert uow.history.reserve(owners[0].id, 1) == reference.reserve(owners[0].id, 1)

    def test_numbers_have_no_gaps_and_a_rollback_gives_them_back(self) -> None:
        store = self.make_store()
        a, b = self._history_owners(store)
        with store.transaction() as uow:
            assert uow.history.reserve(a.id, 3) == 1
            assert uow.history.reserve(a.id, 1) == 4
            assert uow.history.reserve(b.id, 2) == 1
        try:
            with store.transaction() as uow:
                assert uow.history.reserve(a.id, 5) == 5
                raise _Abort
        except _Abort:
            pass
        with store.transaction() as uow:
            with store.transaction():  # a savepoint that fails gives its numbers back too
                pass
            try:
                with store.transaction():
                    assert uow.history.reserve(a.id, 2) == 5
                    raise _Abort
            except _Abort:
                pass
            assert uow.history.reserve(a.id, 1) == 5

    def test_history_outlives_its_records_and_goes_with_its_owner(self) -> None:
        store = self.make_store()
        a, b = self._history_owners(store)
        customer = Customer(
            id="a",
            user_id=a.id,
            name="Ada",
            email=None,
            phone=None,
            address=None,
            business_name=None,
            notes=None,
            created_at=js.T0,
            updated_at=js.T0,
        )
        with store.transaction() as uow:
            uow.customers.add(customer)
            first = uow.history.reserve(a.id, 1)
            made = _entry(a, first, Draft(0, RecordKind.CUSTOMER, "a", Action.CREATED, 0, (), None))
            uow.history.add([made])
            uow.history.reserve(b.id, 1)
            uow.history.add([attrs.evolve(made, owner_id=b.id, actor_id=b.id)])
        with store.transaction() as uow:
            uow.customers.delete(a.id, "a")
            assert list(uow.history.of_record(a.id, RecordKind.CUSTOMER, "a", None, 10)) == [made]
            uow.users.delete(a.id)
            assert list(uow.history.of_record(a.id, RecordKind.CUSTOMER, "a", None, 10)) == []
            assert list(uow.history.latest_after(a.id, 0, 10)) == []
            assert uow.history.kept_from(a.id) == 0
            assert len(uow.history.latest_after(b.id, 0, 10)) == 1  # b's is untouched
            try:
                uow.history.add([made])
            except NotFoundError as exc:
                assert exc.kind == "user"
            else:
                raise AssertionError("history was added for an account that does not exist")

    def test_a_history_is_put_back_with_its_numbers_and_floor(self) -> None:
        store = self.make_store()
        a, b = self._history_owners(store)
        kinds = [RecordKind.JOB, RecordKind.CUSTOMER, RecordKind.JOB]
        entries = [
            _entry(a, seq, Draft(0, kind, "a", Action.UPDATED, seq, (), None))
            for seq, kind in zip((4, 9, 12), kinds, strict=True)
        ]
        with store.transaction() as uow:
            uow.history.load(a.id, entries, 7)
            uow.history.load(b.id, [], 3)
        with store.transaction() as uow:
            assert list(uow.history.latest_after(a.id, 0, 10)) == [entries[1], entries[2]]
            assert uow.history.kept_from(a.id) == 7
            assert uow.history.reserve(a.id, 1) == 13
            assert uow.history.reserve(b.id, 1) == 4
            try:
                uow.history.load(a.id, entries, 0)
            except ConflictError:
                pass
            else:
                raise AssertionError("a history was loaded over another")


_moments = st.integers(-5, 700).map(lambda minutes: js.T0 + timedelta(minutes=minutes))


def _user(number: int) -> User:
    return User(
        id=f"owner-{number}",
        email=f"h{number}@example.com",
        password_hash=js.TEST_HASH,
        name=f"Owner {number}",
        business_name=None,
        created_at=js.T0,
        updated_at=js.T0,
    )


class _Abort(Exception):
    pass


__all__ = ["HistoryPortContract"]
