"""Password hashing: argon2id through argon2-cffi, protected legacy hashes, and logins
that take the same work whether or not the email exists.

Accounts moved in from MyJobTrack carry an unsalted SHA-256 hex digest. Such a
digest is never stored as it is: it is wrapped at once, ``argon2id(digest)``,
and marked with :data:`LEGACY_PREFIX`. At the account's first successful login
the wrapped value is replaced by a direct argon2id hash of the password.

A stored hash is *usable* when it is an argon2 hash whose parameters stay within
:data:`LIMITS`; any other (imported from elsewhere, say) never logs in, and the
importers say so. :func:`check_login` gives an unknown email, an unusable hash
and a wrong password the same work: one argon2 verification at the hasher's own
parameters, a stored hash that costs less being topped up to that work.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from typing import Protocol

import argon2
import attrs
from argon2.low_level import Type, hash_secret_raw

LEGACY_PREFIX = "legacy-sha256:"
_SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
_HEX64 = re.compile(r"^[0-9a-fA-F]{64}$")
_PHC = re.compile(
    r"^\$argon2(id|i|d)\$v=19\$m=\d{1,9},t=\d{1,9},p=\d{1,9}\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$"
)


@attrs.frozen
class Limits:
    """The most work a stored hash may ask of one login: a hash beyond any of these is
    unusable, so that no stored value can make a login cost seconds of CPU."""

    memory_kib: int = 64 * 1024
    time_cost: int = 10
    parallelism: int = 8


#: What :func:`hash_problem` allows.
LIMITS = Limits()


class PasswordHasher(Protocol):
    """What jobtrack needs of a password hasher; inject a cheap one in tests.

    A hasher may also offer ``dummy_hash() -> str`` (a stored value no password
    matches, costing what a real hash costs, made without hashing) and
    ``top_up(stored)`` (extra work after verifying a cheaper stored hash); without
    them, jobtrack hashes a random password once for its dummy and does no top-up.
    """

    def hash(self, password: str) -> str: ...
    def verify(self, stored: str, password: str) -> bool: ...
    def needs_rehash(self, stored: str) -> bool: ...


class Argon2Hasher:
    """argon2id with OWASP's parameters: 19 MiB of memory, 2 iterations, parallelism 1."""

    def __init__(self, *, time_cost: int = 2, memory_cost: int = 19 * 1024, parallelism: int = 1):
        self._hasher = argon2.PasswordHasher(
            time_cost=time_cost,
            memory_cost=memory_cost,
            parallelism=parallelism,
            type=argon2.Type.ID,
        )
        self.time_cost, self.memory_cost, self.parallelism = time_cost, memory_cost, parallelism

    @classmethod
    def for_tests(cls) -> Argon2Hasher:
        """A deliberately weak profile that keeps test suites fast. Never use it in production."""
        return cls(time_cost=1, memory_cost=8, parallelism=1)

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, stored: str, password: str) -> bool:
        try:
            return self._hasher.verify(stored, password)
        except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
            return False

    def needs_rehash(self, stored: str) -> bool:
        try:
            return self._hasher.check_needs_rehash(stored)
        except argon2.exceptions.InvalidHashError:
            return True

    def dummy_hash(self) -> str:
        """A hash at this hasher's parameters that no password matches, made without
        hashing (random salt and digest), so that creating it costs nothing."""
        salt, digest = (
            base64.b64encode(secrets.token_bytes(n)).decode("ascii").rstrip("=") for n in (16, 32)
        )
        return (
            f"$argon2id$v=19$m={self.memory_cost},t={self.time_cost},p={self.parallelism}"
            f"${salt}${digest}"
        )

    def top_up(self, stored: str) -> None:
        """After verifying ``stored``, do the work it costs less than this hasher's own
        parameters (argon2's work grows with memory times passes), so that a cheaper
        stored hash does not tell itself apart by a quicker refusal."""
        try:
            found = argon2.extract_parameters(stored)
        except argon2.exceptions.InvalidHashError:
            found = None
        done = found.memory_cost * found.time_cost if found else 0
        owed = self.memory_cost * self.time_cost - done
        if owed > 0:
            passes = -(-owed // self.memory_cost)
            hash_secret_raw(
                secrets.token_bytes(16),
                secrets.token_bytes(16),
                time_cost=passes,
                memory_cost=self.memory_cost,
                parallelism=self.parallelism,
                hash_len=32,
                type=Type.ID,
            )


def sha256_hex(password: str) -> str:
    """What MyJobTrack stored: unsalted SHA-256 of the UTF-8 password, lower-case hex."""
    return hashlib.sha256(password.encode("utf-8")).hexdigest()


def wrap_legacy(hasher: PasswordHasher, legacy_hex: object) -> str:
    """Protect a MyJobTrack SHA-256 digest at rest: argon2id over the digest, marked as legacy."""
    digest = legacy_hex.strip().lower() if isinstance(legacy_hex, str) else ""
    if not _SHA256_HEX.match(digest):
        raise ValueError("a MyJobTrack password hash is 64 hexadecimal characters")
    return LEGACY_PREFIX + hasher.hash(digest)


def hash_problem(stored: str, limits: Limits = LIMITS) -> str | None:
    """Why a stored password hash is not usable, or None: :func:`format_problem`, or
    :func:`cost_problem`."""
    return format_problem(stored) or cost_problem(stored, limits)


def format_problem(stored: str) -> str | None:
    """Why ``stored`` is not a password hash jobtrack keeps, or None.

    jobtrack keeps argon2 hashes in PHC format (``$argon2id$v=19$...``), possibly
    marked as a protected MyJobTrack hash (``legacy-sha256:$argon2id$...``); never a
    bare SHA-256 digest or a plain password.
    """
    if _HEX64.match(stored):
        return (
            "is a bare SHA-256 digest; MyJobTrack accounts come in through the MyJobTrack "
            "importers, which protect such digests"
        )
    if len(stored) > 1024 or not _PHC.match(stored.removeprefix(LEGACY_PREFIX)):
        return "is not an argon2 password hash in PHC format ($argon2id$...)"
    return None


def cost_problem(stored: str, limits: Limits = LIMITS) -> str | None:
    """Why an argon2 hash in PHC format asks for more work than a login may take, or None."""
    found = argon2.extract_parameters(stored.removeprefix(LEGACY_PREFIX))
    if (
        found.memory_cost > limits.memory_kib
        or found.time_cost > limits.time_cost
        or found.parallelism > limits.parallelism
    ):
        return (
            f"asks for more work than a login may take (m={found.memory_cost}, "
            f"t={found.time_cost}, p={found.parallelism}; at most m={limits.memory_kib}, "
            f"t={limits.time_cost}, p={limits.parallelism}), so it can never log in"
        )
    return None


def verify_stored(hasher: PasswordHasher, stored: str, password: str) -> bool:
    """Check ``password`` against a stored value, direct or legacy-wrapped."""
    if stored.startswith(LEGACY_PREFIX):
        return hasher.verify(stored[len(LEGACY_PREFIX) :], sha256_hex(password))
    return hasher.verify(stored, password)


def dummy_hash(hasher: PasswordHasher) -> str:
    """A stored value no password matches, costing what ``hasher``'s own hashes cost."""
    make = getattr(hasher, "dummy_hash", None)
    if callable(make):
        made: str = make()
        return made
    return hasher.hash(secrets.token_hex(16))


def check_login(hasher: PasswordHasher, stored: str | None, password: str, dummy: str) -> bool:
    """Whether ``password`` matches ``stored`` (None: no such account), doing the same
    work in every case that fails: an unknown account or an unusable hash is checked
    against ``dummy``; a usable hash cheaper than ``hasher``'s parameters is topped up."""
    if stored is None or not _usable(hasher, stored):
        verify_stored(hasher, dummy, password)
        return False
    good = verify_stored(hasher, stored, password)
    top_up = getattr(hasher, "top_up", None)
    if callable(top_up):
        top_up(stored.removeprefix(LEGACY_PREFIX))
    return good


def _usable(hasher: PasswordHasher, stored: str) -> bool:
    """Whether ``stored`` may log in: within the limits for jobtrack's argon2 hasher; for
    another hasher, anything but a bare digest (that hasher decides)."""
    if isinstance(hasher, Argon2Hasher):
        return hash_problem(stored) is None
    return not _HEX64.match(stored)


def is_outdated(hasher: PasswordHasher, stored: str) -> bool:
    """Whether a stored value should be replaced by a fresh direct hash after a good login."""
    return stored.startswith(LEGACY_PREFIX) or hasher.needs_rehash(stored)
