"""Rules of the in-memory store that the shared contract suite reaches only by chance:
sessions purged, ids and token hashes taken, a store closed, undo after a failure."""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest

from jobtrack_core import Jobtrack
from jobtrack_core.entities import Deleted, LoginSession
from jobtrack_core.errors import ConflictError, NotFoundError, SessionError, StoreError
from jobtrack_core.passwords import Argon2Hasher
from jobtrack_core.service import SessionPolicy, token_digest
from jobtrack_core.testing import PASSWORD, CountingIds, FakeClock
from jobtrack_memory import MemoryStore


def make_app(**policy: timedelta | None) -> tuple[Jobtrack, FakeClock]:
    clock = FakeClock()
    app = Jobtrack(
        MemoryStore(),
        clock=clock,
        ids=CountingIds(),
        hasher=Argon2Hasher.for_tests(),
        sessions=SessionPolicy(**policy) if policy else None,  # type: ignore[arg-type]
    )
    app.register(email="sam@example.com", password=PASSWORD, name="Sam")
    return app, clock


def test_a_purged_session_leaves_no_trace_so_logging_out_everywhere_still_works() -> None:
    app, clock = make_app(lifetime=timedelta(hours=1))
    first = app.login("sam@example.com", PASSWORD)
    clock.advance(hours=2)
    second = app.login("sam@example.com", PASSWORD)  # logging in purges the expired one
    with app.store.transaction(write=False) as uow:
        assert uow.sessions.get_by_token_hash(first.session.token_hash) is None
    assert app.authenticate(second.token).logout_everywhere() == 1
    with pytest.raises(SessionError, match=r"^session unknown; log in again$"):
        app.authenticate(first.token)


def test_a_session_is_purged_exactly_when_it_expires() -> None:
    app, _ = make_app(lifetime=timedelta(hours=1))
    login = app.login("sam@example.com", PASSWORD)
    with app.store.transaction() as uow:
        assert uow.sessions.purge_expired(login.session.expires_at - timedelta(microseconds=1)) == 0
        assert uow.sessions.purge_expired(login.session.expires_at) == 1
        assert uow.sessions.purge_expired(login.session.expires_at) == 0


def test_a_session_with_a_taken_id_or_token_hash_is_refused_and_the_old_one_kept() -> None:
    app, _ = make_app()
    login = app.login("sam@example.com", PASSWORD)
    session = login.session
    same_id = attrs.evolve(session, token_hash=token_digest("another token"))
    same_token = attrs.evolve(session, id="another-id")
    for clash in (same_id, same_token):
        with pytest.raises(ConflictError) as caught, app.store.transaction() as uow:
            uow.sessions.add(clash)
        assert str(caught.value) == "id: this session already exists"
    with app.store.transaction(write=False) as uow:
        assert uow.sessions.get_by_token_hash(session.token_hash) == session
        assert uow.sessions.get_by_token_hash(token_digest("another token")) is None
    assert app.authenticate(login.token).user_id == login.user.id


def test_a_session_of_an_unknown_user_is_refused() -> None:
    app, clock = make_app()
    now = clock()
    stranger = LoginSession(
        id="s-1",
        user_id="nobody",
        token_hash=token_digest("t"),
        created_at=now,
        expires_at=now + timedelta(hours=1),
        last_used_at=now,
    )
    with pytest.raises(NotFoundError) as caught, app.store.transaction() as uow:
        uow.sessions.add(stranger)
    assert (caught.value.kind, caught.value.id) == ("user", "nobody")
    with pytest.raises(NotFoundError) as missing, app.store.transaction() as uow:
        uow.sessions.update(attrs.evolve(stranger, user_id="id-1"))
    assert (missing.value.kind, missing.value.id) == ("session", "s-1")
    with pytest.raises(NotFoundError) as no_user, app.store.transaction() as uow:
        uow.users.update(attrs.evolve(app.workspace("id-1").user, id="u-404"))
    assert (no_user.value.kind, no_user.value.id) == ("user", "u-404")


def test_revoking_all_keeps_the_one_asked_for_and_counts_only_live_ones() -> None:
    app, clock = make_app()
    logins = [app.login("sam@example.com", PASSWORD) for _ in range(3)]
    user_id = logins[0].user.id
    with app.store.transaction() as uow:
        assert uow.sessions.revoke_all(user_id, clock(), keep=logins[0].session.id) == 2
        assert uow.sessions.revoke_all(user_id, clock()) == 1
        assert uow.sessions.revoke_all(user_id, clock()) == 0
        assert uow.sessions.revoke_all("nobody", clock()) == 0
    for login in logins:
        with pytest.raises(SessionError, match=r"^session revoked; log in again$"):
            app.authenticate(login.token)


def test_deleting_a_user_deletes_their_sessions() -> None:
    app, _ = make_app()
    login = app.login("sam@example.com", PASSWORD)
    app.login("sam@example.com", PASSWORD)
    gone = app.authenticate(login.token).delete_account(PASSWORD)
    assert (gone.users, gone.sessions) == (1, 2)
    with app.store.transaction(write=False) as uow:
        assert uow.sessions.get_by_token_hash(login.session.token_hash) is None
        assert uow.users.get(login.user.id) is None
        assert uow.users.get_by_email("sam@example.com") is None
        assert uow.users.delete(login.user.id).users == 0


def test_a_closed_store_refuses_every_unit_of_work() -> None:
    store = MemoryStore()
    with store.transaction(write=False):
        pass
    store.close()
    with pytest.raises(StoreError, match=r"^the store is closed$"), store.transaction(write=False):
        pass
    assert repr(store) == "MemoryStore()"


def test_a_user_who_never_logged_in_is_deleted_too() -> None:
    app, _ = make_app()
    gone = app.workspace("id-1").delete_account(PASSWORD)
    assert (gone.users, gone.sessions) == (1, 0)


def test_a_failed_unit_of_work_puts_purged_sessions_back_everywhere() -> None:
    app, clock = make_app(lifetime=timedelta(hours=1))
    login = app.login("sam@example.com", PASSWORD)
    with pytest.raises(RuntimeError), app.store.transaction() as uow:
        assert uow.sessions.purge_expired(clock() + timedelta(hours=2)) == 1
        raise RuntimeError("undo")
    with app.store.transaction() as uow:
        assert uow.sessions.get_by_token_hash(login.session.token_hash) == login.session
        assert uow.sessions.revoke_all(login.user.id, clock()) == 1


def test_an_id_taken_is_refused_with_the_id_named() -> None:
    app, _ = make_app()
    ws = app.workspace("id-1")
    customer = ws.add_customer("Ada", id="c-1")
    job = ws.create_job(customer.id, "Fix", id="j-1")
    with pytest.raises(ConflictError) as caught, app.store.transaction() as uow:
        uow.jobs.add(attrs.evolve(job, title="Again"))
    assert (caught.value.field, caught.value.message) == (
        "id",
        "a job with id 'j-1' already exists",
    )
    assert str(caught.value) == "id: a job with id 'j-1' already exists"
    with pytest.raises(ConflictError) as caught, app.store.transaction() as uow:
        uow.customers.add(attrs.evolve(customer, name="Bob"))
    assert caught.value.message == "a customer with id 'c-1' already exists"
    with pytest.raises(ConflictError) as caught:  # through the workspace: another request
        ws.create_job(customer.id, "Again", id="j-1")
    assert caught.value.message == (
        "a job with id 'j-1' was made by another request; choose another id"
    )


def test_a_session_added_in_a_failed_unit_of_work_leaves_no_trace() -> None:
    app, clock = make_app()
    now = clock()
    session = LoginSession(
        id="s-1",
        user_id="id-1",
        token_hash=token_digest("t"),
        created_at=now,
        expires_at=now + timedelta(hours=1),
        last_used_at=now,
    )
    with pytest.raises(RuntimeError), app.store.transaction() as uow:
        uow.sessions.add(session)
        raise RuntimeError("undo")
    assert app.workspace("id-1").logout_everywhere() == 0
    with app.store.transaction() as uow:
        uow.sessions.add(session)  # the id and the token hash are free again


def test_the_port_deletes_nothing_that_is_not_there_and_counts_what_it_adds() -> None:
    app, _ = make_app()
    ws = app.workspace("id-1")
    customer = ws.add_customer("Ada")
    job = ws.create_job(customer.id, "Fix")
    with app.store.transaction() as uow:
        assert uow.customers.delete("nobody", "c-1") == Deleted()
        assert uow.jobs.delete("nobody", job.id) == Deleted()
        copies = [attrs.evolve(job, id=f"copy-{n}") for n in range(3)]
        assert uow.jobs.add_many(copies) == 3
    assert len(ws.list_jobs()) == 4
