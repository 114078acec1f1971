"""Stored password hashes at their limits, hashers of a program's own, the top-up that
evens out a cheaper hash's work, and a login that races a password change."""

from __future__ import annotations

import hashlib
from typing import Any

import argon2
import pytest

from jobtrack_core import Jobtrack
from jobtrack_core import passwords as p
from jobtrack_core.errors import AuthenticationError
from jobtrack_core.testing import PASSWORD, CountingIds, FakeClock
from jobtrack_memory import MemoryStore

SALT, DIGEST = "c2FsdHNhbHQ", "aGFzaGhhc2hoYXNo"


def phc(m: int, t: int, par: int, salt: str = SALT) -> str:
    return f"$argon2id$v=19$m={m},t={t},p={par}${salt}${DIGEST}"


def test_a_hash_exactly_at_the_limits_is_usable_and_one_step_beyond_is_not() -> None:
    limits = p.LIMITS
    assert (limits.memory_kib, limits.time_cost, limits.parallelism) == (65536, 10, 8)
    assert p.hash_problem(phc(65536, 10, 8)) is None
    for beyond in (phc(65537, 1, 1), phc(8, 11, 1), phc(64, 1, 9)):
        assert p.hash_problem(beyond) is not None
    assert p.cost_problem(phc(65537, 11, 9)) == (
        "asks for more work than a login may take (m=65537, t=11, p=9; "
        "at most m=65536, t=10, p=8), so it can never log in"
    )
    tight = p.Limits(memory_kib=8, time_cost=1, parallelism=1)
    assert p.hash_problem(phc(8, 1, 1), tight) is None
    assert p.hash_problem(phc(16, 1, 1), tight) is not None


def test_a_stored_hash_is_at_most_1024_characters_in_phc_form() -> None:
    head = len(phc(8, 1, 1, salt=""))
    longest = phc(8, 1, 1, salt="s" * (1024 - head))
    assert len(longest) == 1024 and p.format_problem(longest) is None
    too_long = phc(8, 1, 1, salt="s" * (1025 - head))
    assert p.format_problem(too_long) == (
        "is not an argon2 password hash in PHC format ($argon2id$...)"
    )
    assert p.format_problem(p.sha256_hex(PASSWORD)) == (
        "is a bare SHA-256 digest; MyJobTrack accounts come in through the MyJobTrack "
        "importers, which protect such digests"
    )
    assert p.format_problem(p.LEGACY_PREFIX + phc(8, 1, 1)) is None
    assert p.sha256_hex("pässword") == hashlib.sha256("pässword".encode()).hexdigest()


def test_a_hash_argon2_cannot_read_needs_rehashing() -> None:
    hasher = p.Argon2Hasher.for_tests()
    assert hasher.needs_rehash("not a hash")
    assert not hasher.needs_rehash(hasher.hash(PASSWORD))
    assert not hasher.verify("not a hash", PASSWORD)


class PlainHasher:
    """A program's own hasher, with neither ``dummy_hash`` nor ``top_up``."""

    def hash(self, password: str) -> str:
        return "plain:" + password.encode().hex()

    def verify(self, stored: str, password: str) -> bool:
        return stored == self.hash(password)

    def needs_rehash(self, stored: str) -> bool:
        return False


def test_a_hasher_of_a_programs_own_decides_except_for_a_bare_digest() -> None:
    hasher = PlainHasher()
    stored = hasher.hash(PASSWORD)
    assert p.check_login(hasher, stored, PASSWORD, "plain:dummy")
    assert not p.check_login(hasher, stored, "wrong", "plain:dummy")
    digest = p.sha256_hex(PASSWORD)
    assert not p.check_login(hasher, digest, PASSWORD, "plain:dummy")
    assert p.dummy_hash(hasher).startswith("plain:")
    app = Jobtrack(MemoryStore(), clock=FakeClock(), ids=CountingIds(), hasher=hasher)
    app.register(email="sam@example.com", password=PASSWORD, name="Sam")
    assert app.login("sam@example.com", PASSWORD).user.password_hash == stored


@pytest.mark.parametrize(
    ("own", "stored", "passes"),
    [
        ((3, 64), (2, 64), 1),  # owes 64 KiB x 1 pass
        ((1, 9), (1, 8), 1),  # owes a single KiB-pass: still one pass
        ((3, 64), (3, 64), None),  # owes nothing
        ((2, 64), (1, 16), 2),  # owes 112: two passes of 64 KiB
    ],
)
def test_a_cheaper_stored_hash_is_topped_up_to_the_hashers_work(
    monkeypatch: pytest.MonkeyPatch,
    own: tuple[int, int],
    stored: tuple[int, int],
    passes: int | None,
) -> None:
    done: list[dict[str, Any]] = []

    def record(secret: bytes, salt: bytes, **kwargs: Any) -> bytes:
        done.append(kwargs)
        return b""

    monkeypatch.setattr(p, "hash_secret_raw", record)
    hasher = p.Argon2Hasher(time_cost=own[0], memory_cost=own[1])
    cheap = p.Argon2Hasher(time_cost=stored[0], memory_cost=stored[1]).hash(PASSWORD)
    hasher.top_up(cheap)
    expected = [] if passes is None else [{"time_cost": passes, "memory_cost": own[1]}]
    assert [{k: d[k] for k in ("time_cost", "memory_cost")} for d in done] == expected
    for call in done:
        assert call["parallelism"] == 1 and call["type"] is argon2.Type.ID


def test_a_stored_value_argon2_cannot_read_is_topped_up_in_full(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    done: list[int] = []
    monkeypatch.setattr(p, "hash_secret_raw", lambda *a, **k: done.append(k["time_cost"]))
    p.Argon2Hasher(time_cost=3, memory_cost=64).top_up("not a hash")
    assert done == [3]


class Racing(p.Argon2Hasher):
    """Changes the stored password while a login is checking the old one."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=8)
        self.meanwhile: Any = None

    def verify(self, stored: str, password: str) -> bool:
        good = super().verify(stored, password)
        if self.meanwhile is not None:
            self.meanwhile()
        return good


def test_a_login_that_races_a_password_change_fails() -> None:
    hasher = Racing()
    app = Jobtrack(MemoryStore(), clock=FakeClock(), ids=CountingIds(), hasher=hasher)
    app.register(email="sam@example.com", password=PASSWORD, name="Sam")
    ws = app.workspace("id-1")

    def change() -> None:
        hasher.meanwhile = None
        ws.change_password(PASSWORD, "another password")

    hasher.meanwhile = change
    with pytest.raises(AuthenticationError, match=r"^invalid email or password$"):
        app.login("sam@example.com", PASSWORD)
    assert app.login("sam@example.com", "another password").user.id == "id-1"


def test_a_token_carries_256_bits_and_the_longest_email_logs_in() -> None:
    app = Jobtrack(
        MemoryStore(), clock=FakeClock(), ids=CountingIds(), hasher=p.Argon2Hasher.for_tests()
    )
    longest = "a" * 248 + "@x.com"
    app.register(email=longest, password=PASSWORD, name="Sam")
    login = app.login(longest.upper(), PASSWORD)
    assert len(login.token) == 43  # 32 bytes, URL-safe base64 without padding
