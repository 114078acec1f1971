"""Accounts: registering with or without a calendar, adopting a MyJobTrack account,
logging in with an old hash, and changing the profile's calendar."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from jobtrack_core import Jobtrack
from jobtrack_core.commands import ProfileChanges, Registration
from jobtrack_core.errors import AuthenticationError, NotFoundError, ValidationError
from jobtrack_core.passwords import LEGACY_PREFIX, Argon2Hasher, sha256_hex
from jobtrack_core.periods import SUNDAY, BusinessCalendar
from jobtrack_core.testing import PASSWORD, CountingIds, FakeClock
from jobtrack_memory import MemoryStore

BERLIN = BusinessCalendar("Europe/Berlin", week_start=SUNDAY)


def make(hasher: Argon2Hasher | None = None) -> tuple[Jobtrack, FakeClock]:
    clock = FakeClock()
    app = Jobtrack(
        MemoryStore(),
        clock=clock,
        ids=CountingIds("u"),
        hasher=hasher or Argon2Hasher.for_tests(),
        calendar=BERLIN,
    )
    return app, clock


def test_an_account_takes_the_applications_calendar_for_what_it_leaves_out() -> None:
    app, clock = make()
    plain = app.register(email=" Sam@X.com ", password=PASSWORD, name="Sam")
    assert (plain.email, plain.timezone, plain.week_start) == ("sam@x.com", "Europe/Berlin", 6)
    assert plain.created_at == plain.updated_at == clock() and plain.id == "u-1"
    zoned = app.register(email="a@x.com", password=PASSWORD, name="A", timezone="Asia/Tokyo")
    assert (zoned.timezone, zoned.week_start) == ("Asia/Tokyo", SUNDAY)
    started = app.register(email="b@x.com", password=PASSWORD, name="B", week_start=0)
    assert (started.timezone, started.week_start) == ("Europe/Berlin", 0)
    both = app.register(
        Registration(email="c@x.com", password=PASSWORD, name="C", timezone="UTC", week_start=2)
    )
    assert (both.timezone, both.week_start) == ("UTC", 2)
    assert app.login("SAM@x.com ", PASSWORD).user == plain


def test_a_login_with_an_email_too_long_or_not_text_fails_like_any_other() -> None:
    app, _ = make()
    app.register(email="sam@x.com", password=PASSWORD, name="Sam")
    for email in ("a" * 250 + "@x.com", None, "", "  "):
        with pytest.raises(AuthenticationError):
            app.login(email, PASSWORD)  # type: ignore[arg-type]
    with pytest.raises(AuthenticationError):
        app.login("sam@x.com", None)  # type: ignore[arg-type]


def test_an_adopted_account_logs_in_with_its_old_password_once_then_directly() -> None:
    app, clock = make()
    then = datetime(2020, 1, 1, tzinfo=UTC)
    user = app.adopt_legacy_account(
        email=" Old@X.com ",
        name=" Old ",
        business_name=" Old Co ",
        sha256_hex=" " + sha256_hex(PASSWORD).upper() + " ",
        id="legacy-1",
        created_at=then,
    )
    assert (user.id, user.email, user.name, user.business_name) == (
        "legacy-1",
        "old@x.com",
        "Old",
        "Old Co",
    )
    assert user.created_at == user.updated_at == then
    assert (user.timezone, user.week_start) == (None, None)
    assert user.password_hash.startswith(LEGACY_PREFIX)
    assert sha256_hex(PASSWORD) not in user.password_hash
    clock.advance(hours=1)
    login = app.login("old@x.com", PASSWORD)
    assert not login.user.password_hash.startswith(LEGACY_PREFIX)
    assert login.user.updated_at == clock()
    with app.store.transaction(write=False) as uow:
        assert uow.users.get(user.id) == login.user
    assert app.login("old@x.com", PASSWORD).user == login.user  # no second rehash
    with pytest.raises(AuthenticationError):
        app.login("old@x.com", sha256_hex(PASSWORD))


def test_an_adopted_account_gets_an_id_and_times_of_its_own_when_none_are_given() -> None:
    app, clock = make()
    later = clock() + timedelta(days=1)
    user = app.adopt_legacy_account(
        email="old@x.com", name="Old", sha256_hex=sha256_hex(PASSWORD), updated_at=later
    )
    assert (user.id, user.created_at, user.updated_at, user.business_name) == (
        "u-1",
        clock(),
        later,
        None,
    )


def test_adopting_names_every_bad_field_at_once() -> None:
    app, _ = make()
    with pytest.raises(ValidationError) as caught:
        app.adopt_legacy_account(
            email="nope",
            name="",
            business_name="b" * 201,
            sha256_hex="abc",
            id="has space",
            created_at=datetime(2020, 1, 1),
            updated_at="later",  # type: ignore[arg-type]
        )
    assert caught.value.fields == (
        "email",
        "name",
        "business_name",
        "id",
        "created_at",
        "updated_at",
        "sha256_hex",
    )
    assert caught.value.errors[-1].message == (
        "a MyJobTrack password hash is 64 hexadecimal characters"
    )


def test_a_login_with_outdated_parameters_is_rehashed_at_the_hashers_own() -> None:
    weak = Argon2Hasher.for_tests()
    app, _ = make(weak)
    app.register(email="sam@x.com", password=PASSWORD, name="Sam")
    stronger = Argon2Hasher(time_cost=2, memory_cost=16, parallelism=1)
    app.hasher = stronger
    first = app.login("sam@x.com", PASSWORD).user.password_hash
    assert not stronger.needs_rehash(first) and weak.needs_rehash(first)
    assert app.login("sam@x.com", PASSWORD).user.password_hash == first


def test_a_workspace_is_only_for_an_existing_user() -> None:
    app, _ = make()
    user = app.register(email="sam@x.com", password=PASSWORD, name="Sam")
    ws = app.workspace(user.id)
    assert repr(ws) == "Workspace(user_id='u-1')" and ws.app is app
    with pytest.raises(NotFoundError):
        app.workspace("u-2")
    for bad in ("", None):
        with pytest.raises(ValidationError, match=r"^user_id: "):
            app.workspace(bad)  # type: ignore[arg-type]


def test_the_profile_calendar_keeps_both_fields_or_neither() -> None:
    app, clock = make()
    ws = app.workspace(app.register(email="sam@x.com", password=PASSWORD, name="Sam").id)
    assert ws.update_profile(name="Sam") == ws.user  # nothing changed: not even updated_at
    clock.advance(minutes=1)
    cleared = ws.update_profile(timezone=None)
    assert (cleared.timezone, cleared.week_start, cleared.updated_at) == (None, None, clock())
    assert ws.calendar == BERLIN  # the application's
    started = ws.update_profile(week_start=3)
    assert (started.timezone, started.week_start) == ("Europe/Berlin", 3)
    zoned = ws.update_profile(timezone="Asia/Tokyo")
    assert (zoned.timezone, zoned.week_start) == ("Asia/Tokyo", 3)
    ws.update_profile(timezone=None)
    fresh = ws.update_profile(timezone="UTC")
    assert (fresh.timezone, fresh.week_start) == ("UTC", 0)
    assert ws.calendar == BusinessCalendar("UTC", 0)
    assert ws.today() == clock().date()
    renamed = ws.update_profile(ProfileChanges(email="NEW@x.com", business_name="Sam's"))
    assert (renamed.email, renamed.business_name) == ("new@x.com", "Sam's")
    with pytest.raises(ValidationError) as caught:
        ws.update_profile(password="x" * 8)
    assert caught.value.fields == ("password",)
