"""The service layer programs use: :class:`Jobtrack` (accounts, logins, sessions),
which hands out a :class:`~jobtrack_core.workspace.Workspace` (one user's customers,
jobs and figures; in :mod:`jobtrack_core.workspace`).

Every rule lives here or in the modules it calls; stores only persist. Each
public method runs in one unit of work, so a call that raises has written
nothing. Wrap several calls in :meth:`Workspace.atomic` to make them one.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

import attrs

from jobtrack_core import fields as f
from jobtrack_core.clock import Clock, IdFactory, system_clock, uuid7_ids
from jobtrack_core.commands import UNSET, Registration, Unset
from jobtrack_core.entities import HistoryEntry, LoginSession, Source, User
from jobtrack_core.errors import (
    AuthenticationError,
    NotFoundError,
    SessionError,
)
from jobtrack_core.fields import Problems
from jobtrack_core.kit import Closing
from jobtrack_core.passwords import (
    Argon2Hasher,
    PasswordHasher,
    check_login,
    dummy_hash,
    is_outdated,
    wrap_legacy,
)
from jobtrack_core.periods import BusinessCalendar
from jobtrack_core.ports import Store, UnitOfWork
from jobtrack_core.reporting import Amount
from jobtrack_core.workspace import Workspace, request

logger = logging.getLogger("jobtrack")


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
class Committed:
    """The news a subscriber gets: the changes of one business that a unit of work has
    just committed, in order."""

    owner_id: str
    entries: tuple[HistoryEntry, ...]


@attrs.frozen
class Login:
    """The result of a successful login. ``token`` is shown here once and never stored."""

    token: str = attrs.field(repr=False)
    session: LoginSession
    user: User


class Jobtrack(Closing):
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
        source: Source | str = Source.LIBRARY,
    ) -> None:
        self.store = store
        self.clock = clock
        self.ids = ids
        self.hasher: PasswordHasher = hasher or Argon2Hasher()
        self.sessions = sessions or SessionPolicy()
        #: The calendar of new accounts, and of accounts that have none of their own.
        self.calendar = calendar or BusinessCalendar()
        #: What an unknown email's login is checked against: made now, so that the
        #: first unknown login costs what every other login costs.
        self._dummy_hash = dummy_hash(self.hasher)
        #: Where this application's changes come from, as the history records it.
        self.source = f.check("source", f.Choice(Source), source) or Source.LIBRARY
        self._subscribers: list[Callable[[Committed], None]] = []
        self._units = threading.local()  # this thread's depth of units and pending news

    # -- plumbing --------------------------------------------------------------
    def now(self) -> datetime:
        """The clock's time, in UTC. A clock that returns a naive datetime is refused."""
        moment = f.check("clock", f.INSTANT, self.clock())
        assert moment is not None
        return moment

    def close(self) -> None:
        self.store.close()

    # -- units of work and the news of their changes ----------------------------
    @contextmanager
    def unit(self, *, write: bool = True) -> Iterator[UnitOfWork]:
        """A unit of work of the store (nested ones are savepoints). When the outermost
        one commits, the subscribers hear of the changes it recorded."""
        local = self._units
        pending: list[HistoryEntry] = getattr(local, "pending", [])
        depth: int = getattr(local, "depth", 0)
        mark = len(pending)
        local.pending, local.depth = pending, depth + 1
        try:
            with self.store.transaction(write=write) as uow:
                yield uow
        except BaseException:
            del pending[mark:]  # rolled back with the unit
            raise
        finally:
            local.depth = depth
        if depth == 0:
            local.pending = []
            if pending:
                self._tell(pending)

    def announce(self, entries: Sequence[HistoryEntry]) -> None:
        """Note changes made in the current unit of work, for the subscribers."""
        pending = getattr(self._units, "pending", None)
        if pending is not None and getattr(self._units, "depth", 0) > 0:
            pending.extend(entries)

    def subscribe(self, callback: Callable[[Committed], None]) -> Callable[[], None]:
        """Call ``callback(Committed(owner_id, entries))`` after each unit of work that
        changed customers or jobs has committed, once per business it changed (for web
        sockets, webhooks, caches). A callback that raises undoes nothing and does not
        stop the others; the error is logged. Returns a function that unsubscribes."""
        self._subscribers.append(callback)
        return lambda: self._subscribers.remove(callback) if callback in self._subscribers else None

    def _tell(self, entries: list[HistoryEntry]) -> None:
        by_owner: dict[str, list[HistoryEntry]] = {}
        for entry in entries:
            by_owner.setdefault(entry.owner_id, []).append(entry)
        for owner_id, mine in by_owner.items():
            notice = Committed(owner_id, tuple(mine))
            for callback in list(self._subscribers):
                try:
                    callback(notice)
                except Exception:
                    logger.exception("a subscriber failed on the changes of %s", owner_id)

    # -- accounts --------------------------------------------------------------
    def register(self, registration: Registration | None = None, /, **fields: Any) -> User:
        """Create an account: ``register(email=..., password=..., name=...)``, or a
        :class:`Registration`. Email is trimmed, lower-cased and must be unused; the
        account takes the application's calendar unless ``timezone`` (and
        ``week_start``) are given."""
        new = request(Registration, registration, fields)
        profile = new.values()
        del profile["password"]
        if new.timezone is None and new.week_start is None:
            profile |= {"timezone": self.calendar.timezone, "week_start": self.calendar.week_start}
        elif new.timezone is None or new.week_start is None:
            profile |= {
                "timezone": new.timezone or self.calendar.timezone,
                "week_start": self.calendar.week_start
                if new.week_start is None
                else new.week_start,
            }
        return self._add_user(profile, self.hasher.hash(new.password), None, None)

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
        protected legacy hash with a direct argon2id hash. The account keeps the
        application's calendar until it sets its own.
        """
        problems = Problems()
        profile = {
            "email": problems.clean("email", f.ACCOUNT_EMAIL, email),
            "name": problems.clean("name", f.NAME, name),
            "business_name": problems.clean("business_name", f.BUSINESS_NAME, business_name),
        }
        chosen = problems.clean("id", f.ID.but(optional=True), id)
        times = (
            problems.clean("created_at", f.INSTANT.but(optional=True), created_at),
            problems.clean("updated_at", f.INSTANT.but(optional=True), updated_at),
        )
        try:
            stored = wrap_legacy(self.hasher, sha256_hex)
        except ValueError as exc:
            problems.fail("sha256_hex", str(exc))
        problems.done()
        return self._add_user(profile, stored, chosen, times)

    def _add_user(
        self,
        profile: dict[str, Any],
        password_hash: str,
        id: str | None,
        times: tuple[datetime | None, datetime | None] | None,
    ) -> User:
        now = self.now()
        created, updated = times or (None, None)
        created_at = created or now
        user = User(
            id=id or self.ids(),
            password_hash=password_hash,
            created_at=created_at,
            updated_at=updated or created_at,
            **profile,
        )
        with self.store.transaction() as uow:
            uow.users.add(user)
        return user

    def workspace(self, user_id: str) -> Workspace:
        """The workspace of ``user_id``, for trusted code that already knows who acts."""
        checked = f.check("user_id", f.ID, user_id)
        with self.store.transaction(write=False) as uow:
            if checked is None or uow.users.get(checked) is None:
                raise NotFoundError("user", user_id)
        return Workspace(self, user_id)

    # -- logins and sessions ---------------------------------------------------
    def login(self, email: str, password: str) -> Login:
        """Check the password and open a session. Unknown email and wrong password
        raise the same :class:`AuthenticationError` after the same amount of work."""
        key = email.strip().lower() if isinstance(email, str) else ""
        with self.store.transaction(write=False) as uow:
            user = uow.users.get_by_email(key) if key and len(key) <= 254 else None
        stored = user.password_hash if user else None
        given = password if isinstance(password, str) else ""
        if not check_login(self.hasher, stored, given, self._dummy_hash) or user is None:
            raise AuthenticationError()
        assert stored is not None
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
    "Committed",
    "Jobtrack",
    "Login",
    "SessionPolicy",
    "Unset",
    "Workspace",
    "token_digest",
]
