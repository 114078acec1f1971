"""The contract for versions, safe retries, history and the change feed, through the service.

Mixed into :class:`~jobtrack_core.testing.contract.StoreContract`; needs only its
``make_store()``. The change feed's strongest promise, that a client starting
from nothing ends with exactly the store's data whatever happens, is the state
machine of :mod:`jobtrack_core.testing.feed`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

from hypothesis import strategies as st

from jobtrack_core.entities import Action, Customer, FieldChange, HistoryEntry, Job, RecordKind
from jobtrack_core.errors import (
    ConflictError,
    ResyncNeeded,
    ValidationError,
    VersionConflict,
)
from jobtrack_core.passwords import Argon2Hasher
from jobtrack_core.ports import Store
from jobtrack_core.service import Committed, Jobtrack, Workspace
from jobtrack_core.testing.base import Contract, prop
from jobtrack_core.testing.fakes import PASSWORD, CountingIds, FakeClock


def _app(store: Store, clock: FakeClock, source: str = "library") -> Jobtrack:
    return Jobtrack(
        store, clock=clock, ids=CountingIds(), hasher=Argon2Hasher.for_tests(), source=source
    )


def _whole(pages: Callable[[str | None], Any]) -> list[HistoryEntry]:
    """Every entry of a paged history, following its cursors."""
    found: list[HistoryEntry] = []
    after = None
    while True:
        page = pages(after)
        found += page.items
        if page.next is None:
            return found
        after = page.next


class SyncContract(Contract):
    """Versions, safe retries, history and the change feed, through the service."""

    def make_store(self) -> Store:
        raise NotImplementedError

    def _owner(self, source: str = "library") -> tuple[Jobtrack, FakeClock, Workspace]:
        clock = FakeClock()
        app = _app(self.make_store(), clock, source)
        user = app.register(email="sync@example.com", password=PASSWORD, name="Sync")
        return app, clock, app.workspace(user.id)

    # -- versions -----------------------------------------------------------------------
    def test_every_change_moves_the_version_on_by_one_and_no_change_does_not(self) -> None:
        _, clock, ws = self._owner()
        customer = ws.add_customer("Ada")
        assert customer.version == 1
        assert ws.update_customer(customer.id, name="Ada").version == 1  # nothing changed
        assert ws.update_customer(customer.id, phone="555").version == 2
        job = ws.create_job(customer.id, "Sink")
        steps: list[Callable[[], Job]] = [
            lambda: ws.update_job(job.id, estimated_cost="10"),
            lambda: ws.start_job(job.id),
            lambda: ws.mark_paid(job.id),
            lambda: ws.complete_job(job.id, actual_cost="12"),  # 12 due, nothing held: unpaid
            lambda: ws.mark_paid(job.id),
            lambda: ws.mark_unpaid(job.id),
        ]
        for version, step in enumerate(steps, start=2):
            clock.tick()
            assert step().version == version
            assert ws.get_job(job.id).version == version
        assert ws.mark_unpaid(job.id).version == 7  # already unpaid: nothing changed
        assert ws.update_job(job.id, title="Sink").version == 7

    def test_a_stale_version_is_refused_with_the_current_record_and_nothing_changes(
        self,
    ) -> None:
        _, clock, ws = self._owner()
        customer = ws.add_customer("Ada")
        ws.update_customer(customer.id, phone="555")
        job = ws.create_job(customer.id, "Sink")
        ws.update_job(job.id, title="Sink and tap")
        attempts: list[tuple[str, Callable[[int], object]]] = [
            ("customer", lambda v: ws.update_customer(customer.id, name="B", if_version=v)),
            ("customer", lambda v: ws.delete_customer(customer.id, if_version=v)),
            ("job", lambda v: ws.update_job(job.id, title="T", if_version=v)),
            ("job", lambda v: ws.start_job(job.id, if_version=v)),
            ("job", lambda v: ws.cancel_job(job.id, if_version=v)),
            ("job", lambda v: ws.mark_paid(job.id, if_version=v)),
            ("job", lambda v: ws.mark_unpaid(job.id, if_version=v)),
            ("job", lambda v: ws.delete_job(job.id, if_version=v)),
        ]
        for kind, attempt in attempts:
            before = (ws.list_customers(), ws.list_jobs(), ws.activity(limit=100))
            clock.tick()
            try:
                attempt(1)
            except VersionConflict as exc:
                current = ws.get_customer(customer.id) if kind == "customer" else ws.get_job(job.id)
                assert exc.current == current and exc.field == "version"
                assert (exc.kind, exc.expected) == (kind, 1)
                assert isinstance(exc, ConflictError)
                assert "version 2" in str(exc) and "not 1" in str(exc)
            else:
                raise AssertionError(f"a change at a stale version was made: {kind}")
            assert (ws.list_customers(), ws.list_jobs(), ws.activity(limit=100)) == before
        moved = ws.start_job(job.id, if_version=2)
        assert moved.version == 3
        started = ws.get_job(job.id)
        completed = ws.complete_job(job.id, if_version=started.version, actual_cost="5")
        assert completed.version == 4
        assert ws.delete_job(job.id, if_version=4).jobs == 1
        assert ws.delete_customer(customer.id, if_version=2).customers == 1

    @prop(schedule=st.lists(st.tuples(st.integers(0, 1), st.booleans()), max_size=30))
    def test_two_writers_with_versions_never_lose_an_update(
        self, schedule: list[tuple[int, bool]]
    ) -> None:
        """Two devices, each reading the job and later writing with the version it read:
        a write is accepted only against the latest version, and every accepted write
        is in the history, each one's old value the value the one before it wrote."""
        _, clock, ws = self._owner()
        job = ws.create_job(ws.add_customer("Ada").id, "Sink")
        seen = [job, job]
        accepted: list[str] = []
        for step, (writer, reads) in enumerate(schedule):
            clock.tick()
            if reads:
                seen[writer] = ws.get_job(job.id)
                continue
            latest = ws.get_job(job.id)
            title = f"writer {writer}, step {step}"
            try:
                seen[writer] = ws.update_job(job.id, title=title, if_version=seen[writer].version)
            except VersionConflict as exc:
                assert seen[writer].version != latest.version
                assert exc.current == latest
                continue
            assert latest.version == seen[writer].version - 1  # made against the latest
            accepted.append(title)
        final = ws.get_job(job.id)
        assert final.version == 1 + len(accepted)
        assert final.title == (accepted[-1] if accepted else "Sink")
        updates = [
            e
            for e in _whole(lambda a: ws.history("job", job.id, after=a))
            if e.action is Action.UPDATED
        ]
        chain = ["Sink", *accepted]
        assert [e.changes for e in reversed(updates)] == [
            (FieldChange("title", old, new),) for old, new in pairwise(chain)
        ]

    # -- safe retries -------------------------------------------------------------------
    def test_a_create_sent_again_with_its_id_makes_one_record(self) -> None:
        _, clock, ws = self._owner()
        first = ws.add_customer("Ada", id="c-phone-1", phone="555")
        clock.tick()
        assert ws.add_customer("Ada", id="c-phone-1", phone="555") == first
        job = ws.create_job(first.id, "Sink", id="j-phone-1", estimated_cost="10")
        clock.tick()
        assert ws.create_job(first.id, "Sink", id="j-phone-1", estimated_cost="10.00") == job
        assert len(ws.list_customers()) == 1 and len(ws.list_jobs()) == 1
        created = ws.activity(actions="created").items
        assert sorted(e.record_id for e in created) == ["c-phone-1", "j-phone-1"]
        for again in (
            lambda: ws.add_customer("Bob", id="c-phone-1"),
            lambda: ws.create_job(first.id, "Tap", id="j-phone-1"),
        ):
            try:
                again()
            except ConflictError as exc:
                assert exc.field == "id" and "another request" in str(exc)
            else:
                raise AssertionError("a different request under a used id was accepted")
        # sent again after the record changed: still the same request, answered with
        # the record as it is now
        ws.update_customer(first.id, phone="556")
        assert ws.add_customer("Ada", id="c-phone-1", phone="555").phone == "556"
        assert len(ws.list_customers()) == 1

    def test_ids_are_per_owner_so_a_retry_never_finds_another_owners_record(self) -> None:
        app, _, ws = self._owner()
        other = app.workspace(
            app.register(email="other@example.com", password=PASSWORD, name="O").id
        )
        mine = ws.add_customer("Ada", id="c-1")
        theirs = other.add_customer("Bob", id="c-1")
        assert (mine.name, theirs.name) == ("Ada", "Bob")
        (made,) = other.history("customer", "c-1").items
        assert FieldChange("name", None, "Bob") in made.changes
        assert ws.add_customer("Ada", id="c-1") == mine

    # -- history ------------------------------------------------------------------------
    def test_every_change_is_recorded_with_who_when_where_and_what(self) -> None:
        _, clock, ws = self._owner(source="cli")
        customer = ws.add_customer("Ada", phone="555")
        job = ws.create_job(customer.id, "Sink", estimated_cost="120")
        clock.tick()
        ws.update_job(job.id, estimated_cost="130.5", due_date=date(2025, 7, 9))
        clock.tick()
        ws.start_job(job.id)
        clock.tick()
        ws.complete_job(job.id, actual_cost="99.99", actual_hours="1.5")
        clock.tick()
        ws.mark_paid(job.id)
        clock.tick()
        ws.mark_unpaid(job.id)
        clock.tick()
        ws.delete_job(job.id, with_payments=True)
        entries = list(reversed(_whole(lambda a: ws.history("job", job.id, after=a, limit=2))))
        assert [e.action for e in entries] == [
            Action.CREATED,
            Action.UPDATED,
            Action.MOVED,
            Action.MOVED,
            Action.PAID,
            Action.UNPAID,
            Action.DELETED,
        ]
        assert all(e.actor_id == ws.user_id and e.source.value == "cli" for e in entries)
        assert all(e.kind is RecordKind.JOB and e.record_id == job.id for e in entries)
        assert [e.at for e in entries] == sorted(e.at for e in entries)
        seqs = [e.seq for e in entries]
        assert seqs == sorted(set(seqs))
        paid_by = list(reversed(ws.activity(kinds=RecordKind.PAYMENT, limit=10).items))
        assert [e.action for e in paid_by] == [Action.CREATED, Action.VOIDED, Action.DELETED]
        assert paid_by[2].cause == job.id and len({e.record_id for e in paid_by}) == 1
        # each payment entry sits right before the job's entry of the same request
        assert [e.seq + 1 for e in paid_by] == [seqs[4], seqs[5], seqs[6]]
        made = {c.field: (c.old, c.new) for c in entries[0].changes}
        assert made["title"] == (None, "Sink") and made["estimated_cost"] == (None, "120.00")
        assert made["status"] == (None, "pending") and made["customer_id"] == (None, customer.id)
        assert set(entries[1].changes) == {
            FieldChange("estimated_cost", "120.00", "130.50"),
            FieldChange("due_date", None, "2025-07-09"),
        }
        assert FieldChange("status", "pending", "in_progress") in entries[2].changes
        done = {c.field: (c.old, c.new) for c in entries[3].changes}
        assert done["status"] == ("in_progress", "completed")
        assert done["actual_cost"] == (None, "99.99") and done["actual_hours"] == (None, "1.50")
        assert done["completed_at"][0] is None and done["completed_at"][1] is not None
        assert {c.field for c in entries[4].changes} == {"paid", "paid_at", "amount_paid"}
        assert FieldChange("paid", True, False) in entries[5].changes
        assert entries[6].changes == () and entries[6].cause is None
        customer_entries = ws.history(RecordKind.CUSTOMER, customer.id).items
        assert [e.action for e in customer_entries] == [Action.CREATED]
        assert ws.history("job", "no-such-job").items == ()

    def test_a_cascade_records_each_job_it_took_and_why(self) -> None:
        _, clock, ws = self._owner()
        customer = ws.add_customer("Ada")
        jobs = [ws.create_job(customer.id, f"Job {n}") for n in range(3)]
        other = ws.create_job(ws.add_customer("Bob").id, "Kept")
        clock.tick()
        ws.delete_customer(customer.id)
        deleted = ws.activity(actions=Action.DELETED, limit=10).items
        assert {(e.kind, e.record_id, e.cause) for e in deleted} == {
            (RecordKind.CUSTOMER, customer.id, None),
            *((RecordKind.JOB, j.id, customer.id) for j in jobs),
        }
        assert other.id not in {e.record_id for e in deleted}
        for job in jobs:  # the history outlives the records
            assert [e.action for e in ws.history("job", job.id).items] == [
                Action.DELETED,
                Action.CREATED,
            ]

    def test_history_is_its_owners_alone(self) -> None:
        app, _, ws = self._owner()
        other = app.workspace(
            app.register(email="nosy@example.com", password=PASSWORD, name="N").id
        )
        customer = ws.add_customer("Ada")
        ws.delete_customer(customer.id)
        assert other.history("customer", customer.id).items == ()
        assert other.activity().items == ()
        assert other.changes().changes == ()
        ws.add_customer("Bea")
        ws.delete_account(PASSWORD)  # the history goes with the account
        again = app.register(email="sync@example.com", password=PASSWORD, name="Sync")
        assert app.workspace(again.id).activity().items == ()

    def test_activity_filters_by_kind_action_and_local_day_and_pages_by_cursor(
        self,
    ) -> None:
        _, clock, ws = self._owner()
        ws.update_profile(timezone="America/New_York")
        days: dict[str, date] = {}
        for n in range(5):
            customer = ws.add_customer(f"C{n}")
            job = ws.create_job(customer.id, f"J{n}")
            ws.start_job(job.id)
            days[customer.id] = ws.calendar.local_date(clock())
            clock.advance(hours=20)
        everything = _whole(lambda a: ws.activity(limit=4, after=a))
        assert [e.seq for e in everything] == sorted((e.seq for e in everything), reverse=True)
        assert len(everything) == len({e.seq for e in everything}) == 15
        moved = ws.activity(kinds=["job"], actions=["moved"], limit=50).items
        assert len(moved) == 5 and all(e.kind is RecordKind.JOB for e in moved)
        customers = ws.activity(kinds=RecordKind.CUSTOMER).items
        assert len(customers) == 5
        first_day = min(days.values())
        on_it = ws.activity(since=first_day, until=first_day + timedelta(days=1)).items
        assert {e.record_id for e in on_it if e.kind is RecordKind.CUSTOMER} == {
            c for c, d in days.items() if d == first_day
        }
        assert ws.activity(since=first_day + timedelta(days=30)).items == ()
        for bad, field in (
            ({"kinds": "receipt"}, "kinds"),
            ({"actions": ["created", "bogus"]}, "actions"),
            ({"limit": 0}, "limit"),
            ({"since": "July"}, "since"),
            ({"after": "not-a-cursor"}, "after"),
        ):
            try:
                ws.activity(**bad)
            except ValidationError as exc:
                assert exc.fields == (field,), exc
            else:
                raise AssertionError(f"activity accepted {bad}")

    def test_a_failed_unit_of_work_records_nothing_and_leaves_no_gap(self) -> None:
        _, _, ws = self._owner()
        ws.add_customer("Ada")
        try:
            with ws.atomic():
                ws.add_customer("Bob")
                raise _Abort
        except _Abort:
            pass
        ws.add_customer("Cy")
        seqs = [e.seq for e in ws.activity().items]
        assert seqs == [2, 1]

    # -- news for subscribers -----------------------------------------------------------
    def test_subscribers_hear_of_each_commit_once_and_cannot_undo_it(self) -> None:
        app, _, ws = self._owner()
        heard: list[Committed] = []

        def failing(news: Committed) -> None:
            raise RuntimeError("a subscriber's own bug")

        app.subscribe(failing)
        stop = app.subscribe(heard.append)
        customer = ws.add_customer("Ada")  # the failing subscriber undoes nothing
        assert ws.get_customer(customer.id) == customer
        assert [(n.owner_id, [e.action for e in n.entries]) for n in heard] == [
            (ws.user_id, [Action.CREATED])
        ]
        with ws.atomic():
            ws.create_job(customer.id, "One")
            ws.create_job(customer.id, "Two")
            assert len(heard) == 1  # nothing until the unit commits
        assert [e.action for e in heard[-1].entries] == [Action.CREATED, Action.CREATED]
        try:
            with ws.atomic():
                ws.add_customer("Never")
                raise _Abort
        except _Abort:
            pass
        ws.update_customer(customer.id, name="Ada")  # changes nothing: no news
        assert len(heard) == 2
        stop()
        ws.add_customer("Unheard")
        assert len(heard) == 2

    # -- the change feed ----------------------------------------------------------------
    def test_the_feed_gives_each_changed_record_once_as_it_is_now(self) -> None:
        _, _, ws = self._owner()
        start = ws.changes()
        assert start.changes == () and ws.changes(start.next).next == start.next
        customer = ws.add_customer("Ada")
        job = ws.create_job(customer.id, "Sink")
        ws.start_job(job.id)
        gone = ws.add_customer("Gone")
        ws.delete_customer(gone.id)
        batch = ws.changes(start.next)
        assert [(c.kind, c.id, c.deleted) for c in batch] == [
            (RecordKind.CUSTOMER, customer.id, False),
            (RecordKind.JOB, job.id, False),
            (RecordKind.CUSTOMER, gone.id, True),
        ]
        assert batch.changes[1].record == ws.get_job(job.id)
        assert ws.changes(batch.next).changes == ()
        first = ws.changes(limit=1)
        assert len(first) == 1 and ws.changes(first.next, limit=10).changes == batch.changes[1:]
        for bad, field in (({"after": "x"}, "after"), ({"limit": 0}, "limit")):
            try:
                ws.changes(**bad)
            except ValidationError as exc:
                assert exc.fields == (field,)
            else:
                raise AssertionError(f"changes accepted {bad}")

    def test_pruning_keeps_what_the_feed_needs_and_old_cursors_must_resync(self) -> None:
        _, clock, ws = self._owner()
        old = ws.add_customer("Old")
        ws.update_customer(old.id, phone="1")
        gone = ws.add_customer("Gone")
        cursor = ws.changes().next
        ws.delete_customer(gone.id)
        clock.advance(days=40)
        kept = ws.add_customer("New")
        assert ws.prune_history(clock() - timedelta(days=1)) == 3  # created, created, deleted
        assert [e.action for e in ws.history("customer", old.id).items] == [Action.UPDATED]
        assert ws.history("customer", gone.id).items == ()
        assert {c.id for c in ws.changes(limit=100)} == {old.id, kept.id}
        try:
            ws.changes(cursor)
        except ResyncNeeded as exc:
            assert "start again" in str(exc)
        else:
            raise AssertionError("a cursor older than a pruned deletion was served")
        assert ws.prune_history(ws.calendar.local_date(clock()) - timedelta(days=1)) == 0
        try:
            ws.prune_history("someday")
        except ValidationError as exc:
            assert exc.fields == ("before",)
        else:
            raise AssertionError("prune_history accepted a bad date")

    def test_a_first_pass_after_pruning_ends_and_a_prune_during_it_restarts_it(self) -> None:
        _, clock, ws = self._owner()
        kept = [ws.add_customer(f"Kept {n}") for n in range(3)]
        ws.delete_customer(ws.add_customer("Gone").id)  # the latest change, then pruned
        clock.advance(days=2)
        assert ws.prune_history(clock()) > 0
        cursor: str | None = None
        seen: list[str] = []
        for _ in range(10):  # one record a batch: the pass must end, never resync
            batch = ws.changes(cursor, limit=1)
            cursor, seen = batch.next, seen + [c.id for c in batch]
            if not batch.changes:
                break
        assert seen == [c.id for c in kept]
        first = ws.changes(limit=1)  # a second pass, cut short by a prune of what it holds
        ws.delete_customer(kept[0].id)
        clock.advance(days=2)
        ws.prune_history(clock())
        try:
            ws.changes(first.next, limit=1)
        except ResyncNeeded:
            pass
        else:
            raise AssertionError("a pruned deletion of a record the client holds was skipped")

    def test_a_customer_and_a_job_may_share_an_id_in_the_feed(self) -> None:
        _, _, ws = self._owner()
        customer = ws.add_customer("Ada", id="same")
        ws.create_job(customer.id, "Sink", id="same")
        assert [(c.kind, c.id) for c in ws.changes()] == [
            (RecordKind.CUSTOMER, "same"),
            (RecordKind.JOB, "same"),
        ]
        assert isinstance(ws.changes().changes[0].record, Customer)
        assert isinstance(ws.changes().changes[1].record, Job)


class _Abort(Exception):
    pass


__all__ = ["SyncContract"]
