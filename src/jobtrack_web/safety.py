"""What keeps the server safe to expose: secure headers, closed CORS, throttled logins.

- :func:`secure_headers` (a ``before_send`` hook) puts the browser's protections on every
  response, errors and static files too: a Content-Security-Policy that allows only the
  server's own scripts, styles and images (no inline script), no sniffing, no referrer,
  no framing, ``Cache-Control: no-store`` on the API, and HSTS over https.
- :func:`cors` is closed unless :attr:`WebSettings.cors_origins` names the origins whose
  pages may call the API.
- :class:`LoginThrottle` slows down password guessing, per account and per client address.

>>> throttle = LoginThrottle(attempts=2, max_delay=60, clock=lambda: 100.0)
>>> for _ in range(3):
...     throttle.failed("Sam@example.com", "10.0.0.1")
>>> throttle.wait("sam@example.com", "10.0.0.2")  # the account's third failure: 2 s
2.0
>>> throttle.succeeded("sam@example.com", "10.0.0.1")
>>> throttle.wait("sam@example.com", "10.0.0.2")
0.0
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, MutableMapping
from typing import Any

import attrs
from litestar import Request
from litestar.config.cors import CORSConfig
from litestar.datastructures import State
from litestar.exceptions import HTTPException
from litestar.types import Message, Scope

from jobtrack_web.settings import WebSettings

#: Where the page may load from: its own server only. Swagger UI and the web app load
#: their scripts and styles as files (no inline script); Swagger UI's icons are data: URLs.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
    "accelerometer=(), gyroscope=(), magnetometer=(), fullscreen=()"
)
#: Headers of every response.
HEADERS: tuple[tuple[str, str], ...] = (
    ("content-security-policy", CONTENT_SECURITY_POLICY),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("x-frame-options", "DENY"),
    ("cross-origin-opener-policy", "same-origin"),
    ("permissions-policy", PERMISSIONS_POLICY),
)
HSTS = ("strict-transport-security", "max-age=31536000; includeSubDomains")
#: The API's answers are never kept by a cache (they hold one account's data); the files
#: of its docs page may be.
NO_STORE = ("cache-control", "no-store")
_API = "/api"
_API_FILES = "/api/docs/assets/"


def _path_is_api(path: str) -> bool:
    return (path == _API or path.startswith(_API + "/") or path == "/openapi.json") and (
        not path.startswith(_API_FILES)
    )


async def secure_headers(message: Message, scope: Scope) -> None:
    """Adds :data:`HEADERS` (and HSTS over https, ``no-store`` on the API) to the start
    of every response; a header the response set itself is replaced."""
    if message["type"] != "http.response.start":
        return
    added = list(HEADERS)
    if scope.get("scheme") == "https":
        added.append(HSTS)
    if _path_is_api(scope.get("path", "")):
        added.append(NO_STORE)
    names = {name.encode() for name, _ in added}
    kept = [(k, v) for k, v in message.get("headers", ()) if bytes(k).lower() not in names]
    message["headers"] = [*kept, *((k.encode(), v.encode()) for k, v in added)]


def cors(settings: WebSettings) -> CORSConfig | None:
    """CORS for :attr:`WebSettings.cors_origins` only; none at all (closed) without them.
    Pages of those origins may send the Bearer token, ``If-Match`` and JSON, and read
    ``ETag``, ``Location`` and ``Retry-After``."""
    if not settings.cors_origins:
        return None
    return CORSConfig(
        allow_origins=list(settings.cors_origins),
        allow_methods=["GET", "POST", "PATCH", "PUT", "DELETE"],
        allow_headers=["Authorization", "Content-Type", "If-Match"],
        expose_headers=["ETag", "Location", "Retry-After"],
        allow_credentials=False,
        max_age=600,
    )


# -- logins -----------------------------------------------------------------------------------
class TooManyAttempts(HTTPException):
    """A login attempt that came too soon after too many failures: 429 with Retry-After."""

    status_code = 429


@attrs.define
class _Failures:
    count: int
    last: float


class LoginThrottle:
    """Counts failed logins per account (its email, lower-cased) and per client address.

    After ``attempts`` failures of an account or of an address, each further attempt must
    wait: 1 second after the last failure, then 2, 4, ... up to ``max_delay`` seconds.
    A success resets the account's count (not the address's: one address may try many
    accounts). An entry is forgotten ``forget_after`` seconds after its last failure, and
    each table holds at most ``capacity`` entries (the oldest go first), so memory stays
    bounded whatever is sent. Safe to use from several threads.

    The web app's login form and the API's ``POST /api/sessions`` share the one in
    ``app.state.login_throttle`` (:func:`throttle_of`).
    """

    def __init__(
        self,
        attempts: int = 5,
        max_delay: float = 300.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        capacity: int = 50_000,
        forget_after: float | None = None,
    ) -> None:
        self.attempts = attempts
        self.max_delay = max_delay
        self.clock = clock
        self.capacity = capacity
        self.forget_after = forget_after if forget_after is not None else max(3600.0, max_delay * 2)
        self._lock = threading.Lock()
        self._accounts: OrderedDict[str, _Failures] = OrderedDict()
        self._addresses: OrderedDict[str, _Failures] = OrderedDict()

    @classmethod
    def of(cls, settings: WebSettings, **given: Any) -> LoginThrottle:
        return cls(settings.login_attempts, settings.max_login_delay, **given)

    @staticmethod
    def _account(account: str) -> str:
        return account.strip().lower()

    def _delay(self, failures: _Failures | None) -> float:
        """How long after its last failure the next attempt must wait (0: none)."""
        if failures is None or failures.count < self.attempts:
            return 0.0
        doublings = failures.count - self.attempts
        return float(min(self.max_delay, 2.0 ** min(doublings, 64)))

    def _expire(self, table: OrderedDict[str, _Failures], now: float) -> None:
        while table:
            oldest = next(iter(table.values()))
            if now - oldest.last < self.forget_after and len(table) <= self.capacity:
                return
            table.popitem(last=False)

    def wait(self, account: str, address: str | None) -> float:
        """How many seconds an attempt to log in to ``account`` from ``address`` must
        still wait; 0.0 when it may go ahead."""
        now = self.clock()
        with self._lock:
            found = [self._accounts.get(self._account(account))]
            if address:
                found.append(self._addresses.get(address))
        waits = [f.last + self._delay(f) - now for f in found if f is not None]
        return max([0.0, *waits])

    def retry_after(self, account: str, address: str | None) -> int | None:
        """The whole seconds to wait before trying (a ``Retry-After``); None: go ahead."""
        wait = self.wait(account, address)
        return max(1, math.ceil(wait)) if wait > 0 else None

    def check(self, account: str, address: str | None) -> None:
        """Raise :class:`TooManyAttempts` (429 with ``Retry-After``) if the attempt comes
        too early; call it before the password is checked."""
        seconds = self.retry_after(account, address)
        if seconds is not None:
            raise TooManyAttempts(detail=too_early(seconds), headers={"Retry-After": str(seconds)})

    def failed(self, account: str, address: str | None) -> None:
        """Count a failed login (a wrong password, an unknown email)."""
        now = self.clock()
        with self._lock:
            self._count(self._accounts, self._account(account), now)
            if address:
                self._count(self._addresses, address, now)

    def succeeded(self, account: str, address: str | None) -> None:
        """A login succeeded: the account's failures are forgotten."""
        with self._lock:
            self._accounts.pop(self._account(account), None)

    def _count(self, table: MutableMapping[str, _Failures], key: str, now: float) -> None:
        assert isinstance(table, OrderedDict)
        entry = table.pop(key, None) or _Failures(0, now)
        entry.count += 1
        entry.last = now
        table[key] = entry  # the newest at the end
        self._expire(table, now)

    def __len__(self) -> int:
        with self._lock:
            return len(self._accounts) + len(self._addresses)


def too_early(seconds: int) -> str:
    """What a login that came too early is told."""
    return f"Too many failed logins: try again in {seconds} second{'' if seconds == 1 else 's'}."


def throttle_of(state: State) -> LoginThrottle:
    """The app's login throttle (made by :func:`jobtrack_web.create_app`)."""
    found: LoginThrottle = state.login_throttle
    return found


def client_address(request: Request[Any, Any, Any]) -> str | None:
    """The address the request came from (the proxy's, behind one)."""
    return request.client.host if request.client else None
