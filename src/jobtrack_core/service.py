"""The service layer programs use: :class:`Jobtrack` (accounts, logins, sessions),
which hands out a :class:`~jobtrack_core.workspace.Workspace` (one user's customers,
jobs and figures; in :mod:`jobtrack_core.workspace`).

Every rule lives here or in the modules it calls; stores only persist. Each
public method runs in one unit of work, so a call that raises has written
nothing. Wrap several calls in :meth:`Workspace.atomic` to make them one.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any

import attrs

from jobtrack_core.clock import Clock, IdFactory, as_utc, system_clock, uuid7_ids
from jobtrack_core.entities import LoginSession, User
from jobtrack_core.errors import (
    AuthenticationError,
    NotFoundError,
    SessionError,
    ValidationError,
)
from jobtrack_core.passwords import (
    Argon2Hasher,
    PasswordHasher,
    is_outdated,
    verify_stored,
    wrap_legacy,
)
from jobtrack_core.periods import BusinessCalendar
from jobtrack_core.ports import Store
from jobtrack_core.validation import (
    check_password,
    clean_account,
)
from jobtrack_core.workspace import UNSET, Amount, Unset, Workspace, require_id


def token_digest(token: str) -> str:
    """What is stored of a session token: its SHA-256, hex. Tokens carry 256 random bits,
    so a fast hash is enough; a stolen database gives no usable token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@attrs.frozen
class SessionPolicy:
    """How long a login lasts: ``lifetime`` from login (absolute), and optionally
    ``idle_timeout`` since the last use."""

    lifetime: timedelta = timedelta(hours=24)
    idle_timeout: timedelta | None = None


@attrs.frozen
class Login:
    """The result of a successful login. ``token`` is shown here once and never stored."""

    token: str = attrs.field(repr=False)
    session: LoginSession
    user: User


class Jobtrack:
    """The entry point: accounts, logins and workspaces over one store.

    >>> from jobtrack_memory import MemoryStore
    >>> app = Jobtrack(MemoryStore(), hasher=Argon2Hasher.for_tests())
    >>> user = app.register(email="sam@example.com", password="correct horse", name="Sam")
    >>> app.login("SAM@example.com", "correct horse").user.id == user.id
    True
    """

    def __init__(
        self,
        store: Store,
        *,
        clock: Clock = system_clock,
        ids: IdFactory = uuid7_ids,
        hasher: PasswordHasher | None = None,
        sessions: SessionPolicy | None = None,
        calendar: BusinessCalendar | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.ids = ids
        self.hasher: PasswordHasher = hasher or Argon2Hasher()
        self.sessions = sessions or SessionPolicy()
        #: The business's time zone and first day of the week, for every report.
        self.calendar = calendar or BusinessCalendar()
        self._dummy_hash: str | None = None

    # -- plumbing --------------------------------------------------------------
    def now(self) -> datetime:
        return as_utc(self.clock(), "clock()")

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Jobtrack:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- accounts --------------------------------------------------------------
    def register(
        self, *, email: str, password: str, name: str, business_name: str | None = None
    ) -> User:
        """Create an account. Email is trimmed, lower-cased and must be unused."""
        try:
            profile = clean_account({"email": email, "name": name, "business_name": business_name})
        except ValidationError as exc:
            errors = list(exc.errors)
        else:
            errors = []
        try:
            check_password("password", password)
        except ValidationError as exc:
            errors.extend(exc.errors)
        if errors:
            raise ValidationError(errors)
        return self._add_user(profile, self.hasher.hash(password), None, None)

    def adopt_legacy_account(
        self,
        *,
        email: str,
        name: str,
        sha256_hex: str,
        business_name: str | None = None,
        id: str | None = None,
        created_at: datetime | None = None,
        updated_at: datetime | None = None,
    ) -> User:
        """Bring in a MyJobTrack account with its unsalted SHA-256 hash, protected at once.

        The user logs in with the old password; that first login replaces the
        protected legacy hash with a direct argon2id hash.
        """
        profile = clean_account({"email": email, "name": name, "business_name": business_name})
        try:
            stored = wrap_legacy(self.hasher, sha256_hex)
        except ValueError as exc:
            raise ValidationError.single("password_hash", str(exc)) from None
        return self._add_user(profile, stored, id, (created_at, updated_at))

    def _add_user(
        self,
        profile: dict[str, Any],
        password_hash: str,
        id: str | None,
        times: tuple[datetime | None, datetime | None] | None,
    ) -> User:
        now = self.now()
        created, updated = times or (None, None)
        created_at = as_utc(created, "created_at") if created else now
        user = User(
            id=id or self.ids(),
            password_hash=password_hash,
            created_at=created_at,
            updated_at=as_utc(updated, "updated_at") if updated else created_at,
            **profile,
        )
        with self.store.transaction() as uow:
            uow.users.add(user)
        return user

    def workspace(self, user_id: str) -> Workspace:
        """The workspace of ``user_id``, for trusted code that already knows who acts."""
        with self.store.transaction(write=False) as uow:
            if uow.users.get(require_id("user_id", user_id)) is None:
                raise NotFoundError("user", user_id)
        return Workspace(self, user_id)

    # -- logins and sessions ---------------------------------------------------
    def login(self, email: str, password: str) -> Login:
        """Check the password and open a session. Unknown email and wrong password
        raise the same :class:`AuthenticationError` after the same amount of work."""
        key = email.strip().lower() if isinstance(email, str) else ""
        with self.store.transaction(write=False) as uow:
            user = uow.users.get_by_email(key) if key else None
        stored = user.password_hash if user else self._dummy()
        good = isinstance(password, str) and verify_stored(self.hasher, stored, password)
        if user is None or not good:
            raise AuthenticationError()
        new_hash = self.hasher.hash(password) if is_outdated(self.hasher, stored) else None
        token = secrets.token_urlsafe(32)
        now = self.now()
        with self.store.transaction() as uow:
            current = uow.users.get(user.id)
            if current is None or current.password_hash != stored:
                raise AuthenticationError()  # changed or deleted meanwhile
            if new_hash is not None:
                current = attrs.evolve(current, password_hash=new_hash, updated_at=now)
                uow.users.update(current)
            uow.sessions.purge_expired(now)
            session = LoginSession(
                id=self.ids(),
                user_id=user.id,
                token_hash=token_digest(token),
                created_at=now,
                expires_at=now + self.sessions.lifetime,
                last_used_at=now,
            )
            uow.sessions.add(session)
        return Login(token, session, current)

    def _dummy(self) -> str:
        if self._dummy_hash is None:
            self._dummy_hash = self.hasher.hash(secrets.token_hex(16))
        return self._dummy_hash

    def authenticate(self, token: str) -> Workspace:
        """The workspace of the token's user; :class:`SessionError` if unknown, expired, revoked."""
        if not isinstance(token, str) or not token:
            raise SessionError("unknown")
        now = self.now()
        digest = token_digest(token)
        with self.store.transaction(write=False) as uow:
            session = uow.sessions.get_by_token_hash(digest)
        if session is None:
            raise SessionError("unknown")
        if session.revoked_at is not None:
            raise SessionError("revoked")
        idle = self.sessions.idle_timeout
        if now >= session.expires_at or (idle is not None and now >= session.last_used_at + idle):
            with self.store.transaction() as uow:
                uow.sessions.update(attrs.evolve(session, expires_at=min(now, session.expires_at)))
                uow.sessions.purge_expired(now)
            raise SessionError("expired")
        if idle is not None:
            with self.store.transaction() as uow:
                uow.sessions.update(attrs.evolve(session, last_used_at=now))
        return Workspace(self, session.user_id, session.id)

    def logout(self, token: str) -> None:
        """End the token's session at once. An unknown token is ignored."""
        if not isinstance(token, str) or not token:
            return
        with self.store.transaction() as uow:
            session = uow.sessions.get_by_token_hash(token_digest(token))
            if session is not None and session.revoked_at is None:
                uow.sessions.update(attrs.evolve(session, revoked_at=self.now()))


__all__ = [
    "UNSET",
    "Amount",
    "Jobtrack",
    "Login",
    "SessionPolicy",
    "Unset",
    "Workspace",
    "token_digest",
]
