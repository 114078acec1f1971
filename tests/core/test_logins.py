"""Logins take the same work whether the email is unknown, the password wrong, or the
stored hash of another kind; a stored hash can never ask for unbounded work."""

from __future__ import annotations

from datetime import datetime

import argon2
import attrs
import pytest

from jobtrack_core import Jobtrack
from jobtrack_core.errors import AuthenticationError, ValidationError
from jobtrack_core.passwords import (
    LIMITS,
    Argon2Hasher,
    hash_problem,
    sha256_hex,
    wrap_legacy,
)
from jobtrack_memory import MemoryStore

PASSWORD = "correct horse battery"


class Counting(Argon2Hasher):
    """Argon2 that adds up its work (memory times passes) and counts its hashing."""

    def __init__(self) -> None:
        super().__init__(time_cost=2, memory_cost=64, parallelism=1)
        self.work = 0
        self.hashed = 0

    def hash(self, password: str) -> str:
        self.hashed += 1
        return super().hash(password)

    def verify(self, stored: str, password: str) -> bool:
        try:
            found = argon2.extract_parameters(stored)
        except argon2.exceptions.InvalidHashError:
            found = None
        self.work += found.memory_cost * found.time_cost if found else 0
        return super().verify(stored, password)

    def top_up(self, stored: str) -> None:
        before = self.work
        found = argon2.extract_parameters(stored)
        owed = self.memory_cost * self.time_cost - found.memory_cost * found.time_cost
        if owed > 0:
            self.work += -(-owed // self.memory_cost) * self.memory_cost
        assert self.work >= before


def failed_login_work(hasher: Counting, app: Jobtrack, email: str) -> int:
    hasher.work = 0
    with pytest.raises(AuthenticationError):
        app.login(email, "not the password")
    return hasher.work


def test_every_failed_login_does_the_work_of_one_hash_at_the_hashers_parameters() -> None:
    hasher = Counting()
    app = Jobtrack(MemoryStore(), hasher=hasher)
    assert hasher.hashed == 0, "the dummy for unknown emails is made without hashing"
    app.register(email="current@x.com", password=PASSWORD, name="Current")
    cheap = Argon2Hasher.for_tests()
    app.register(email="cheap@x.com", password=PASSWORD, name="Cheap")
    with app.store.transaction() as uow:  # an account imported with a cheaper hash
        user = uow.users.get_by_email("cheap@x.com")
        assert user is not None
        uow.users.update(attrs.evolve(user, password_hash=cheap.hash(PASSWORD)))
    app.adopt_legacy_account(email="legacy@x.com", name="Legacy", sha256_hex=sha256_hex(PASSWORD))
    own = hasher.memory_cost * hasher.time_cost
    for email in ("nobody@x.com", "current@x.com", "legacy@x.com"):
        assert failed_login_work(hasher, app, email) == own, email
    cheap_work = failed_login_work(hasher, app, "cheap@x.com")
    assert own <= cheap_work < own + hasher.memory_cost  # topped up to about the same work


def test_a_stored_hash_beyond_the_limits_never_logs_in_and_is_never_computed() -> None:
    hasher = Counting()
    app = Jobtrack(MemoryStore(), hasher=hasher)
    user = app.register(email="sam@x.com", password=PASSWORD, name="Sam")
    greedy = Argon2Hasher(time_cost=LIMITS.time_cost + 1, memory_cost=8).hash(PASSWORD)
    assert hash_problem(greedy) is not None and "more work" in str(hash_problem(greedy))
    with app.store.transaction() as uow:
        found = uow.users.get(user.id)
        assert found is not None
        uow.users.update(attrs.evolve(found, password_hash=greedy))
    hasher.work = 0
    with pytest.raises(AuthenticationError):
        app.login("sam@x.com", PASSWORD)  # even the right password
    assert hasher.work == hasher.memory_cost * hasher.time_cost  # the dummy, not the greedy hash


@pytest.mark.parametrize(
    "stored",
    [
        sha256_hex(PASSWORD),
        "plain text password",
        "$2b$12$abcdefghijklmnopqrstuu5MAbcdefghijklmnopqrstuvwxyz012",
        f"$argon2id$v=19$m={LIMITS.memory_kib + 1},t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo",
        f"$argon2id$v=19$m=8,t=1,p={LIMITS.parallelism + 1}$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo",
    ],
)
def test_only_argon2_hashes_within_the_limits_are_usable(stored: str) -> None:
    assert hash_problem(stored) is not None


def test_usable_hashes() -> None:
    hasher = Argon2Hasher.for_tests()
    assert hash_problem(hasher.hash(PASSWORD)) is None
    assert hash_problem(wrap_legacy(hasher, sha256_hex(PASSWORD))) is None


def test_the_dummy_hash_has_the_hashers_parameters_and_matches_nothing() -> None:
    hasher = Argon2Hasher(time_cost=3, memory_cost=64, parallelism=2)
    dummy = hasher.dummy_hash()
    found = argon2.extract_parameters(dummy)
    assert (found.time_cost, found.memory_cost, found.parallelism) == (3, 64, 2)
    assert not hasher.verify(dummy, "") and not hasher.verify(dummy, PASSWORD)
    assert dummy != hasher.dummy_hash()


def test_a_naive_clock_and_a_missing_legacy_hash_are_refused_by_name() -> None:
    app = Jobtrack(
        MemoryStore(), hasher=Argon2Hasher.for_tests(), clock=lambda: datetime(2025, 1, 1)
    )
    with pytest.raises(ValidationError) as caught:
        app.register(email="sam@x.com", password=PASSWORD, name="Sam")
    assert caught.value.fields == ("clock",)
    app = Jobtrack(MemoryStore(), hasher=Argon2Hasher.for_tests())
    for digest in (None, "nothex", 7):
        with pytest.raises(ValidationError) as caught:
            app.adopt_legacy_account(email="old@x.com", name="Old", sha256_hex=digest)  # type: ignore[arg-type]
        assert caught.value.fields == ("sha256_hex",)
