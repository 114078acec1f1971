"""The contract every store must pass.

Subclass :class:`StoreContract` in a test module (name the subclass ``Test...``
so that pytest collects it) and say how to make a fresh, empty store::

    class TestMyStoreContract(StoreContract):
        def make_store(self) -> Store:
            return MyStore()

        def raw_values(self, store: Store) -> Iterable[object]:
            ...  # every value the store holds, read behind its back

Each test makes its own stores through :meth:`StoreContract.make_store` and
drives them through the public service layer, so one suite proves that every
store gives the same observable behaviour.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, cast

import attrs
from hypothesis import strategies as st

from jobtrack_core.entities import Job, LoginSession, User
from jobtrack_core.errors import (
    AuthenticationError,
    ConflictError,
    InvalidTransitionError,
    NotFoundError,
    SessionError,
    ValidationError,
)
from jobtrack_core.money import ZERO
from jobtrack_core.passwords import Argon2Hasher, sha256_hex
from jobtrack_core.ports import Store
from jobtrack_core.queries import JobFilter
from jobtrack_core.service import Jobtrack, SessionPolicy, Workspace
from jobtrack_core.status import TRANSITIONS, JobStatus
from jobtrack_core.testing import strategies as js
from jobtrack_core.testing.base import costly, prop
from jobtrack_core.testing.billing_contract import BillingContract
from jobtrack_core.testing.billing_ports import BillingPortContract
from jobtrack_core.testing.fakes import PASSWORD, CountingIds, FakeClock
from jobtrack_core.testing.history_ports import HistoryPortContract
from jobtrack_core.testing.ledger_contract import LedgerContract, LedgerPortContract
from jobtrack_core.testing.ports import RecordsContract, ReportsContract
from jobtrack_core.testing.reports_contract import ServiceReportsContract
from jobtrack_core.testing.sync_contract import SyncContract


def snapshot(workspaces: Sequence[Workspace]) -> list[Any]:
    """Everything the given users can see: the state rollback tests compare."""
    seen: list[Any] = []
    for ws in workspaces:
        try:
            user: User | None = ws.user
        except NotFoundError:
            user = None
        seen.append((user, list(ws.list_customers()), list(ws.list_jobs()), ws.revenue()))
    return seen


class ServiceContract(ServiceReportsContract):
    """Everything through the public service layer (the third tier of the contract)."""

    def make_store(self) -> Store:
        """A new, empty store. Override this."""
        raise NotImplementedError

    def raw_values(self, store: Store) -> Iterable[object]:
        """Every value the store holds, read without the store's own API. Override this."""
        raise NotImplementedError

    # -- helpers ------------------------------------------------------------------
    def new_app(self, sessions: SessionPolicy | None = None) -> tuple[Jobtrack, FakeClock]:
        clock = FakeClock()
        app = Jobtrack(
            self.make_store(),
            clock=clock,
            ids=CountingIds(),
            hasher=Argon2Hasher.for_tests(),
            sessions=sessions,
        )
        return app, clock

    def owner(self, app: Jobtrack, email: str = "owner@example.com") -> Workspace:
        user = app.register(email=email, password=PASSWORD, name="Owner")
        return app.workspace(user.id)

    def two_owners(self) -> tuple[Jobtrack, FakeClock, Workspace, Workspace]:
        app, clock = self.new_app()
        return app, clock, self.owner(app, "a@example.com"), self.owner(app, "b@example.com")

    # -- customers ----------------------------------------------------------------
    @prop(fields=js.customer_fields())
    def test_customer_round_trip(self, fields: dict[str, Any]) -> None:
        app, _ = self.new_app()
        ws = self.owner(app)
        created = ws.add_customer(**fields)
        assert ws.get_customer(created.id) == created
        assert list(ws.list_customers()) == [created]
        for field, value in fields.items():
            assert getattr(created, field) == value

    @prop(bad=js.bad_customer_fields())
    def test_bad_customer_names_every_bad_field_and_writes_nothing(
        self, bad: tuple[dict[str, Any], set[str]]
    ) -> None:
        fields, bad_names = bad
        app, _ = self.new_app()
        ws = self.owner(app)
        try:
            ws.add_customer(**fields)
        except ValidationError as exc:
            assert set(exc.fields) == bad_names
        else:
            raise AssertionError(f"accepted bad customer {fields!r}")
        assert list(ws.list_customers()) == []

    @prop(first=js.customer_fields(), edit=js.customer_fields())
    def test_customer_edit_is_validated_like_creation(
        self, first: dict[str, Any], edit: dict[str, Any]
    ) -> None:
        app, clock = self.new_app()
        ws = self.owner(app)
        customer = ws.add_customer(**first)
        clock.tick()
        edited = ws.update_customer(customer.id, **edit)
        assert ws.get_customer(customer.id) == edited
        assert {f: getattr(edited, f) for f in edit} == edit
        before = ws.list_customers()
        bads: list[dict[str, Any]] = [{"name": ""}, {"email": "nope"}, {"phone": "9" * 51}]
        for bad in bads:
            try:
                ws.update_customer(customer.id, **bad)
            except ValidationError as exc:
                assert exc.fields == tuple(bad)
            else:
                raise AssertionError(f"accepted bad edit {bad!r}")
        assert ws.list_customers() == before

    # -- jobs and money -------------------------------------------------------------
    @prop(fields=js.job_fields())
    def test_job_round_trip(self, fields: dict[str, Any]) -> None:
        app, _ = self.new_app()
        ws = self.owner(app)
        customer = ws.add_customer("Ada")
        job = ws.create_job(customer.id, **fields)
        assert job.status is JobStatus.PENDING and job.paid is False
        assert ws.get_job(job.id) == job
        assert list(ws.list_jobs()) == [job]
        for field, value in fields.items():
            assert getattr(job, field) == value

    @prop(bad=js.bad_amounts(), field=st.sampled_from(["estimated_cost", "estimated_hours"]))
    def test_bad_money_is_refused_by_name(self, bad: object, field: str) -> None:
        app, _ = self.new_app()
        ws = self.owner(app)
        customer = ws.add_customer("Ada")
        try:
            ws.create_job(customer.id, "Paint", **{field: cast(Any, bad)})
        except ValidationError as exc:
            assert exc.fields == (field,)
        else:
            raise AssertionError(f"accepted {bad!r} as {field}")
        assert list(ws.list_jobs()) == []

    @costly
    @prop(costs=st.lists(st.tuples(js.optional_amounts(), st.booleans()), min_size=1, max_size=12))
    def test_revenue_is_the_exact_sum_of_paid_actual_costs(
        self, costs: list[tuple[Decimal | None, bool]]
    ) -> None:
        app, _ = self.new_app()
        ws = self.owner(app)
        customer = ws.add_customer("Ada")
        for cost, paid in costs:
            job = ws.create_job(customer.id, "Job")
            ws.start_job(job.id)
            ws.complete_job(job.id, actual_cost=cost)
            if paid:
                ws.mark_paid(job.id)
        expected = sum((cost or ZERO for cost, paid in costs if paid), ZERO)
        revenue = ws.revenue()
        assert isinstance(revenue, Decimal)
        assert revenue == expected and revenue.as_tuple().exponent == -2

    @prop(moves=st.lists(st.sampled_from(list(JobStatus)), max_size=6))
    def test_status_moves_follow_the_state_machine(self, moves: list[JobStatus]) -> None:
        app, clock = self.new_app()
        ws = self.owner(app)
        job = ws.create_job(ws.add_customer("Ada").id, "Mow")
        do: dict[JobStatus, Callable[[str], Job]] = {
            JobStatus.IN_PROGRESS: ws.start_job,
            JobStatus.COMPLETED: ws.complete_job,
            JobStatus.CANCELLED: ws.cancel_job,
        }
        status, completed_at = JobStatus.PENDING, None
        for target in moves:
            clock.tick()
            if target is JobStatus.PENDING:
                continue  # nothing moves a job back to pending
            if target in TRANSITIONS[status]:
                moved = do[target](job.id)
                status = target
                if target is JobStatus.COMPLETED:
                    completed_at = clock()
            else:
                try:
                    do[target](job.id)
                except InvalidTransitionError as exc:
                    assert exc.current == status.value and exc.requested == target.value
                    assert exc.allowed == tuple(s.value for s in TRANSITIONS[status])
                else:
                    raise AssertionError(f"moved {status} -> {target}")
            moved = ws.get_job(job.id)
            assert moved.status is status
            assert moved.completed_at == completed_at

    def test_completed_at_never_changes_after_completion(self) -> None:
        app, clock = self.new_app()
        ws = self.owner(app)
        job = ws.create_job(ws.add_customer("Ada").id, "Mow")
        ws.start_job(job.id)
        done = ws.complete_job(job.id, actual_cost="40", actual_hours="1.5")
        changes: tuple[Callable[[], object], ...] = (
            lambda: ws.update_job(job.id, actual_cost="45.10"),
            lambda: ws.mark_paid(job.id),
            lambda: ws.mark_unpaid(job.id),
        )
        for change in changes:
            clock.advance(hours=1)
            change()
            assert ws.get_job(job.id).completed_at == done.completed_at

    def test_payment_in_any_status_records_when(self) -> None:
        app, clock = self.new_app()
        ws = self.owner(app)
        job = ws.create_job(ws.add_customer("Ada").id, "Deposit", actual_cost="50")
        clock.advance(minutes=5)
        paid = ws.mark_paid(job.id)
        assert paid.paid and paid.status is JobStatus.PENDING and paid.paid_at == clock()
        clock.advance(minutes=5)
        assert ws.mark_paid(job.id) == paid  # marking twice changes nothing
        assert ws.revenue() == Decimal("50.00")
        unpaid = ws.mark_unpaid(job.id)
        assert not unpaid.paid and unpaid.paid_at is None and ws.revenue() == ZERO

    @prop(fields=js.job_fields(), edit=js.job_fields())
    def test_job_edit_is_validated_like_creation(
        self, fields: dict[str, Any], edit: dict[str, Any]
    ) -> None:
        app, clock = self.new_app()
        ws = self.owner(app)
        customer = ws.add_customer("Ada")
        job = ws.create_job(customer.id, **fields)
        clock.tick()
        edited = ws.update_job(job.id, **edit)
        assert ws.get_job(job.id) == edited
        assert {f: getattr(edited, f) for f in edit} == edit
        try:
            ws.update_job(job.id, title=" ", estimated_cost=cast(Any, 1.5), due_date="2025-02-30")
        except ValidationError as exc:
            assert set(exc.fields) == {"title", "estimated_cost", "due_date"}
        else:
            raise AssertionError("accepted a bad edit")
        assert ws.get_job(job.id) == edited

    # -- listing --------------------------------------------------------------------
    @costly
    @prop(
        jobs=st.lists(
            st.tuples(
                st.integers(0, 2), js.job_fields(), st.sampled_from(list(JobStatus)), st.booleans()
            ),
            max_size=10,
        ),
        statuses=st.none() | st.frozensets(st.sampled_from(list(JobStatus)), min_size=1),
        customer=st.none() | st.integers(0, 2),
        paid=st.none() | st.booleans(),
        due=st.none() | st.tuples(js.due_dates, js.due_dates),
        text=st.none() | st.sampled_from(["a", "A", "x", "%", "_", "é"]),
    )
    def test_job_filters_combine(
        self,
        jobs: list[tuple[int, dict[str, Any], JobStatus, bool]],
        statuses: frozenset[JobStatus] | None,
        customer: int | None,
        paid: bool | None,
        due: tuple[Any, Any] | None,
        text: str | None,
    ) -> None:
        app, clock = self.new_app()
        ws = self.owner(app)
        customers = [ws.add_customer(f"C{i}") for i in range(3)]
        for which, fields, status, is_paid in jobs:
            clock.tick()
            job = ws.create_job(customers[which].id, **fields)
            _drive_to(ws, job.id, status)
            if is_paid:
                ws.mark_paid(job.id)
        where = JobFilter(
            statuses=statuses,
            customer_id=None if customer is None else customers[customer].id,
            paid=paid,
            due_from=due[0] if due else None,
            due_to=due[1] if due else None,
            text=text,
        )
        everything = ws.list_jobs()
        expected = [j for j in everything if where.matches(j)]
        assert list(ws.list_jobs(where)) == expected
        assert [j.created_at for j in everything] == sorted(
            (j.created_at for j in everything), reverse=True
        )

    # -- tenancy --------------------------------------------------------------------
    @prop(fields=js.job_fields(), customer_fields=js.customer_fields())
    def test_another_owners_records_do_not_exist(
        self, fields: dict[str, Any], customer_fields: dict[str, Any]
    ) -> None:
        _app, _, alice, bob = self.two_owners()
        customer = alice.add_customer(**customer_fields)
        job = alice.create_job(customer.id, **fields)
        seen_by_alice = snapshot([alice])
        bob_customer = bob.add_customer("Bob's own")
        attempts: list[Callable[[], object]] = [
            lambda: bob.get_customer(customer.id),
            lambda: bob.update_customer(customer.id, name="stolen"),
            lambda: bob.delete_customer(customer.id),
            lambda: bob.create_job(customer.id, "sneaky"),
            lambda: bob.get_job(job.id),
            lambda: bob.update_job(job.id, title="stolen"),
            lambda: bob.start_job(job.id),
            lambda: bob.cancel_job(job.id),
            lambda: bob.mark_paid(job.id),
            lambda: bob.delete_job(job.id),
        ]
        for attempt in attempts:
            try:
                attempt()
            except NotFoundError:
                pass
            else:
                raise AssertionError("another owner's record was reachable")
        bob_job = bob.create_job(bob_customer.id, "Bob's job")
        for attempt in (
            lambda: alice.update_job(job.id, customer_id=bob_customer.id),
            lambda: bob.update_job(bob_job.id, customer_id=customer.id),
        ):
            try:
                attempt()
            except NotFoundError as exc:
                assert exc.kind == "customer"
            else:
                raise AssertionError("a job moved to another owner's customer")
        assert snapshot([alice]) == seen_by_alice
        assert [c.id for c in bob.list_customers()] == [bob_customer.id]
        assert [j.id for j in bob.list_jobs()] == [bob_job.id]
        assert bob.list_jobs(JobFilter(customer_id=customer.id)) == []

    # -- cascades -------------------------------------------------------------------
    @prop(counts=st.lists(st.integers(0, 4), min_size=1, max_size=4))
    def test_deleting_a_customer_deletes_its_jobs(self, counts: list[int]) -> None:
        _app, _, alice, bob = self.two_owners()
        bobs = bob.add_customer("Bob's")
        bob.create_job(bobs.id, "kept")
        customers = [alice.add_customer(f"C{i}") for i in range(len(counts))]
        for customer, n in zip(customers, counts, strict=True):
            for _ in range(n):
                alice.create_job(customer.id, "job")
        seen_by_bob = snapshot([bob])
        removed = alice.delete_customer(customers[0].id)
        assert (removed.customers, removed.jobs) == (1, counts[0])
        assert all(j.customer_id != customers[0].id for j in alice.list_jobs())
        assert len(alice.list_jobs()) == sum(counts[1:])
        assert snapshot([bob]) == seen_by_bob

    def test_deleting_an_account_deletes_everything_of_theirs(self) -> None:
        app, _, alice, bob = self.two_owners()
        app.login("a@example.com", PASSWORD)
        app.login("a@example.com", PASSWORD)
        for i in range(2):
            customer = alice.add_customer(f"C{i}")
            for _ in range(3):
                alice.create_job(customer.id, "job")
        bob.create_job(bob.add_customer("B").id, "kept")
        seen_by_bob = snapshot([bob])
        try:
            alice.delete_account("wrong password")
        except AuthenticationError:
            pass
        else:
            raise AssertionError("deleted an account without its password")
        removed = alice.delete_account(PASSWORD)
        assert (removed.users, removed.customers, removed.jobs, removed.sessions) == (1, 2, 6, 2)
        assert snapshot([alice]) == [(None, [], [], ZERO)]
        assert snapshot([bob]) == seen_by_bob
        try:
            app.login("a@example.com", PASSWORD)
        except AuthenticationError:
            pass
        else:
            raise AssertionError("a deleted account could log in")

    # -- units of work ----------------------------------------------------------------
    def test_a_failed_unit_of_work_leaves_the_store_as_it_was(self) -> None:
        _app, _, alice, bob = self.two_owners()
        customer = alice.add_customer("Ada")
        job = alice.create_job(customer.id, "Fix")
        before = snapshot([alice, bob])
        try:
            with alice.atomic():
                alice.update_customer(customer.id, name="Changed")
                alice.start_job(job.id)
                alice.mark_paid(job.id)
                alice.create_job(alice.add_customer("New").id, "New job")
                alice.delete_customer(customer.id)
                bob.add_customer("Bob's")
                alice.start_job(job.id)  # gone with its customer: raises NotFoundError
        except NotFoundError:
            pass
        else:
            raise AssertionError("the last step should have failed")
        assert snapshot([alice, bob]) == before

    def test_an_inner_failure_rolls_back_only_itself(self) -> None:
        app, _ = self.new_app()
        ws = self.owner(app)
        with ws.atomic():
            kept = ws.add_customer("Kept")
            try:
                with ws.atomic():
                    ws.add_customer("Dropped")
                    ws.add_customer("")
            except ValidationError:
                pass
            job = ws.create_job(kept.id, "Kept job")
        assert [c.name for c in ws.list_customers()] == ["Kept"]
        assert [j.id for j in ws.list_jobs()] == [job.id]

    def test_ids_are_chosen_per_owner_and_reveal_nothing(self) -> None:
        _app, _, alice, bob = self.two_owners()
        mine = alice.add_customer("Ada", id="17")
        alice.create_job(mine.id, "Fix", id="18")
        theirs = bob.add_customer("Bob's", id="17")  # another owner's ids are not taken
        their_job = bob.create_job(theirs.id, "Bob's job", id="18")
        for attempt in (
            lambda: alice.add_customer("Again", id="17"),
            lambda: alice.create_job(mine.id, "Again", id="18"),
            lambda: bob.add_customer("Again", id="17"),
        ):
            try:
                attempt()
            except ConflictError as exc:
                assert exc.field == "id"
                assert alice.user_id not in str(exc) and bob.user_id not in str(exc)
            else:
                raise AssertionError("a duplicate id was accepted")
        assert bob.get_customer("17") == theirs and bob.get_job("18") == their_job
        assert alice.get_customer("17") == mine and alice.get_job("18").title == "Fix"
        alice.delete_customer("17")
        assert bob.list_customers() == [theirs] and bob.list_jobs() == [their_job]

    def test_bad_ids_are_refused_by_name_and_nothing_is_written(self) -> None:
        app, _ = self.new_app()
        ws = self.owner(app)
        customer = ws.add_customer("Ada")
        for bad in (7, "a\x00b", "x" * 10_000, "with space", ""):
            attempts: list[tuple[Callable[[Any], object], str]] = [
                (lambda id: ws.add_customer("Bob", id=id), "id"),
                (lambda id: ws.create_job(customer.id, "Fix", id=id), "id"),
                (ws.get_job, "job_id"),
                (ws.get_customer, "customer_id"),
                (lambda id: ws.create_job(id, "Fix"), "customer_id"),
            ]
            for attempt, field in attempts:
                try:
                    attempt(bad)
                except ValidationError as exc:
                    assert exc.fields == (field,) and len(str(exc)) < 300, exc
                else:
                    raise AssertionError(f"accepted the id {bad!r:.40}")
        assert ws.list_customers() == [customer] and ws.list_jobs() == []
        long_but_valid = "x" * 128
        try:
            ws.get_job(long_but_valid)
        except NotFoundError as exc:
            assert len(str(exc)) < 100  # a message never repeats all that was sent
        else:
            raise AssertionError("found a job that does not exist")

    def test_values_are_stored_in_their_kept_form(self) -> None:
        app, _ = self.new_app()
        ws = self.owner(app)
        customer = ws.add_customer("  Ada  ", address="1 Main St\nSpringfield\n", phone="")
        job = ws.create_job(
            customer.id, "Fix", estimated_cost="-0", estimated_hours="1.5", description="a\tb\nc"
        )
        stored, kept = ws.get_job(job.id), ws.get_customer(customer.id)
        assert stored.estimated_cost is not None and stored.estimated_hours is not None
        assert stored.estimated_cost.as_tuple() == Decimal("0.00").as_tuple()
        assert stored.estimated_hours.as_tuple() == Decimal("1.50").as_tuple()
        assert stored.description == "a\tb\nc"
        assert (kept.name, kept.address, kept.phone) == ("Ada", "1 Main St\nSpringfield", None)
        for bad in (
            {"title": "Ann\u202eelif"},
            {"title": "two\u2028lines"},
            {"due_date": "20250101"},
            {"due_date": "2025-W01-1"},
            {"estimated_cost": "1E-999999999999"},
        ):
            try:
                ws.update_job(job.id, **cast(dict[str, Any], bad))
            except ValidationError as exc:
                assert exc.fields == tuple(bad)
            else:
                raise AssertionError(f"accepted {bad!r}")
        assert ws.get_job(job.id) == stored

    def test_each_account_keeps_its_own_calendar(self) -> None:
        from jobtrack_core.periods import BusinessCalendar

        clock = FakeClock(
            datetime(2025, 7, 31, 13, 0, tzinfo=UTC)
        )  # Berlin: July; Auckland: August
        app = Jobtrack(
            self.make_store(),
            clock=clock,
            ids=CountingIds(),
            hasher=Argon2Hasher.for_tests(),
            calendar=BusinessCalendar("America/New_York"),
        )
        made = {}
        for email, zone in (
            ("berlin@x.com", "Europe/Berlin"),
            ("auckland@x.com", "Pacific/Auckland"),
        ):
            user = app.register(email=email, password=PASSWORD, name=zone, timezone=zone)
            assert (user.timezone, user.week_start) == (zone, 0)
            ws = app.workspace(user.id)
            job = ws.create_job(ws.add_customer("Ada").id, "Paid today", actual_cost="10")
            ws.mark_paid(job.id)
            made[zone] = ws
        berlin, auckland = made["Europe/Berlin"], made["Pacific/Auckland"]
        assert berlin.dashboard().this_month.period.start == date(2025, 7, 1)
        assert auckland.dashboard().this_month.period.start == date(2025, 8, 1)
        assert berlin.revenue_by_month(2025)[6].amount == Decimal("10.00")
        assert auckland.revenue_by_month(2025)[7].amount == Decimal("10.00")
        default = app.workspace(app.register(email="d@x.com", password=PASSWORD, name="D").id)
        assert default.user.timezone == "America/New_York" and default.calendar.week_start == 0
        assert auckland.update_profile(week_start=6).week_start == 6
        assert auckland.calendar == BusinessCalendar("Pacific/Auckland", 6)
        cleared = auckland.update_profile(timezone=None)
        assert (cleared.timezone, cleared.week_start) == (None, None)
        assert auckland.calendar == app.calendar  # the application's, again
        try:
            berlin.update_profile(timezone="Mars/Olympus_Mons")
        except ValidationError as exc:
            assert exc.fields == ("timezone",)
        else:
            raise AssertionError("accepted an unknown time zone")

    # -- accounts ---------------------------------------------------------------------
    def test_emails_are_unique_ignoring_case(self) -> None:
        app, _ = self.new_app()
        user = app.register(email="  Sam@X.com ", password=PASSWORD, name="Sam")
        assert user.email == "sam@x.com"
        for email in ("sam@x.com", "SAM@x.COM"):
            try:
                app.register(email=email, password=PASSWORD, name="Other Sam")
            except ConflictError as exc:
                assert exc.field == "email"
            else:
                raise AssertionError(f"registered {email} twice")
        other = app.register(email="other@x.com", password=PASSWORD, name="Other")
        try:
            app.workspace(other.id).update_profile(email="SAM@x.com")
        except ConflictError as exc:
            assert exc.field == "email"
        else:
            raise AssertionError("took another account's email")
        assert app.workspace(other.id).update_profile(email="New@X.com").email == "new@x.com"
        assert app.login("NEW@x.com", PASSWORD).user.id == other.id

    @prop(password=st.text(min_size=0, max_size=7) | st.text(min_size=8, max_size=40))
    def test_password_policy_is_length_only(self, password: str) -> None:
        app, _ = self.new_app()
        acceptable = len(password) >= 8 and not any(0xD800 <= ord(c) <= 0xDFFF for c in password)
        try:
            app.register(email="p@example.com", password=password, name="P")
        except ValidationError as exc:
            assert not acceptable and exc.fields == ("password",)
        else:
            assert acceptable
            assert app.login("p@example.com", password).user.email == "p@example.com"

    def test_registration_reports_every_bad_field(self) -> None:
        app, _ = self.new_app()
        try:
            app.register(email="not an email", password="short", name=" ")
        except ValidationError as exc:
            assert set(exc.fields) == {"email", "password", "name"}
        else:
            raise AssertionError("accepted a bad registration")

    def test_unknown_email_and_wrong_password_look_the_same(self) -> None:
        app, _ = self.new_app()
        app.register(email="sam@x.com", password=PASSWORD, name="Sam")
        failures = []
        for email, password in (("nobody@x.com", PASSWORD), ("sam@x.com", "wrong password")):
            try:
                app.login(email, password)
            except AuthenticationError as exc:
                failures.append((type(exc), str(exc)))
            else:
                raise AssertionError("login should have failed")
        assert failures[0] == failures[1]

    def test_no_password_or_token_is_stored_in_plain_text(self) -> None:
        app, _ = self.new_app()
        app.register(email="sam@x.com", password=PASSWORD, name="Sam")
        app.adopt_legacy_account(
            email="old@x.com", name="Old", sha256_hex=sha256_hex("legacy secret")
        )
        tokens = [app.login("sam@x.com", PASSWORD).token for _ in range(3)]
        secrets_ = [PASSWORD, "legacy secret", sha256_hex("legacy secret"), *tokens]
        values = [str(v) for v in self.raw_values(app.store)]
        assert any("sam@x.com" in v for v in values), "raw_values() must return stored values"
        for value in values:
            for secret in secrets_:
                assert secret not in value, "a secret is stored in plain text"

    def test_tokens_are_long_random_and_unique(self) -> None:
        app, _ = self.new_app()
        app.register(email="sam@x.com", password=PASSWORD, name="Sam")
        logins = [app.login("sam@x.com", PASSWORD) for _ in range(20)]
        tokens = {login.token for login in logins}
        assert len(tokens) == 20
        assert all(len(t) >= 43 for t in tokens)  # 32 bytes, url-safe base64
        assert len({login.session.id for login in logins}) == 20

    @prop(lifetime_s=st.integers(1, 10**6))
    def test_a_token_works_until_expiry_and_not_one_tick_after(self, lifetime_s: int) -> None:
        app, clock = self.new_app(SessionPolicy(lifetime=timedelta(seconds=lifetime_s)))
        user = app.register(email="sam@x.com", password=PASSWORD, name="Sam")
        login = app.login("sam@x.com", PASSWORD)
        clock.advance(seconds=lifetime_s)
        clock.now -= timedelta(microseconds=1)
        assert app.authenticate(login.token).user_id == user.id
        clock.tick()
        _refused(lambda: app.authenticate(login.token), "expired")
        _refused(lambda: app.authenticate(login.token), "unknown")  # purged

    def test_idle_timeout(self) -> None:
        app, clock = self.new_app(SessionPolicy(idle_timeout=timedelta(minutes=30)))
        app.register(email="sam@x.com", password=PASSWORD, name="Sam")
        login = app.login("sam@x.com", PASSWORD)
        for _ in range(5):
            clock.advance(minutes=29)
            app.authenticate(login.token)
        clock.advance(minutes=30)
        _refused(lambda: app.authenticate(login.token), "expired")

    def test_revocation_is_immediate(self) -> None:
        app, _ = self.new_app()
        app.register(email="sam@x.com", password=PASSWORD, name="Sam")
        first, second, third = (app.login("sam@x.com", PASSWORD) for _ in range(3))
        app.logout(first.token)
        _refused(lambda: app.authenticate(first.token), "revoked")
        ws = app.authenticate(second.token)
        ws.change_password(PASSWORD, "a new long passphrase")
        _refused(lambda: app.authenticate(third.token), "revoked")
        assert app.authenticate(second.token).user_id == ws.user_id  # the acting session stays
        assert ws.logout_everywhere() == 1
        _refused(lambda: app.authenticate(second.token), "revoked")
        _refused(lambda: app.login("sam@x.com", PASSWORD), None)
        assert app.login("sam@x.com", "a new long passphrase").user.id == ws.user_id
        _refused(lambda: app.authenticate("not a token"), "unknown")

    def test_change_password_needs_the_current_one(self) -> None:
        app, _ = self.new_app()
        ws = self.owner(app)
        before = ws.user
        for current, new, error in (
            ("wrong password", "another passphrase", AuthenticationError),
            (PASSWORD, "short", ValidationError),
        ):
            try:
                ws.change_password(current, new)
            except error:
                pass
            else:
                raise AssertionError("password changed")
        assert ws.user == before

    def test_a_legacy_account_upgrades_its_hash_exactly_once(self) -> None:
        app, clock = self.new_app()
        user = app.adopt_legacy_account(
            email="Old@X.com", name="Old", sha256_hex=sha256_hex("old secret").upper()
        )
        stored = app.workspace(user.id).user.password_hash
        assert stored.startswith("legacy-sha256:$argon2id$")
        _refused(lambda: app.login("old@x.com", "not it"), None)
        assert app.workspace(user.id).user.password_hash == stored  # a failed login changes nothing
        clock.tick()
        app.login("old@x.com", "old secret")
        upgraded = app.workspace(user.id).user.password_hash
        assert upgraded.startswith("$argon2id$") and upgraded != stored
        clock.tick()
        app.login("old@x.com", "old secret")
        assert app.workspace(user.id).user.password_hash == upgraded  # exactly once

    def test_sessions_round_trip(self) -> None:
        app, clock = self.new_app(SessionPolicy(idle_timeout=timedelta(hours=1)))
        app.register(email="sam@x.com", password=PASSWORD, name="Sam")
        login = app.login("sam@x.com", PASSWORD)
        clock.advance(minutes=3)
        app.authenticate(login.token)
        with app.store.transaction(write=False) as uow:
            stored = uow.sessions.get_by_token_hash(login.session.token_hash)
        assert isinstance(stored, LoginSession)
        assert stored == attrs.evolve(login.session, last_used_at=clock())


def _refused(attempt: Callable[[], object], reason: str | None) -> None:
    try:
        attempt()
    except SessionError as exc:
        assert reason is not None and exc.reason == reason, exc
    except AuthenticationError:
        assert reason is None
    else:
        raise AssertionError("was not refused")


def _drive_to(ws: Workspace, job_id: str, status: JobStatus) -> Job:
    """Move a pending job along the workflow to ``status``."""
    paths: dict[JobStatus, list[Callable[[str], Job]]] = {
        JobStatus.PENDING: [],
        JobStatus.IN_PROGRESS: [ws.start_job],
        JobStatus.COMPLETED: [ws.start_job, ws.complete_job],
        JobStatus.CANCELLED: [ws.cancel_job],
    }
    path = paths[status]
    job = ws.get_job(job_id)
    for step in path:
        job = step(job_id)
    return job


class StoreContract(
    RecordsContract,
    HistoryPortContract,
    LedgerPortContract,
    BillingPortContract,
    ReportsContract,
    ServiceContract,
    LedgerContract,
    SyncContract,
    BillingContract,
):
    """The whole contract: the repositories, history, ledger and report questions at the
    port, and everything through the service (quotes and invoices included). See the
    module docstring for how to use it."""


__all__ = ["PASSWORD", "ServiceContract", "StoreContract", "snapshot"]
