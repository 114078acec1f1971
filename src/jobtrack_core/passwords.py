"""Password hashing: argon2id through argon2-cffi, and protected legacy hashes.

Accounts moved in from MyJobTrack carry an unsalted SHA-256 hex digest. Such a
digest is never stored as it is: it is wrapped at once, ``argon2id(digest)``,
and marked with :data:`LEGACY_PREFIX`. At the account's first successful login
the wrapped value is replaced by a direct argon2id hash of the password.
"""

from __future__ import annotations

import hashlib
import re
from typing import Protocol

import argon2

LEGACY_PREFIX = "legacy-sha256:"
_SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")


class PasswordHasher(Protocol):
    """What jobtrack needs of a password hasher; inject a cheap one in tests."""

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


def sha256_hex(password: str) -> str:
    """What MyJobTrack stored: unsalted SHA-256 of the UTF-8 password, lower-case hex."""
    return hashlib.sha256(password.encode("utf-8")).hexdigest()


def wrap_legacy(hasher: PasswordHasher, legacy_hex: str) -> str:
    """Protect a MyJobTrack SHA-256 digest at rest: argon2id over the digest, marked as legacy."""
    digest = legacy_hex.strip().lower()
    if not _SHA256_HEX.match(digest):
        raise ValueError("a MyJobTrack password hash is 64 hexadecimal characters")
    return LEGACY_PREFIX + hasher.hash(digest)


def verify_stored(hasher: PasswordHasher, stored: str, password: str) -> bool:
    """Check ``password`` against a stored value, direct or legacy-wrapped."""
    if stored.startswith(LEGACY_PREFIX):
        return hasher.verify(stored[len(LEGACY_PREFIX) :], sha256_hex(password))
    return hasher.verify(stored, password)


def is_outdated(hasher: PasswordHasher, stored: str) -> bool:
    """Whether a stored value should be replaced by a fresh direct hash after a good login."""
    return stored.startswith(LEGACY_PREFIX) or hasher.needs_rehash(stored)
