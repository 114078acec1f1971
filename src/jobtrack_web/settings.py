"""How a server is set up: who may call it from a browser, how much it reads, how hard
logins are throttled."""

from __future__ import annotations

import attrs


@attrs.frozen(kw_only=True)
class WebSettings:
    """The server's settings; the defaults are the safe ones.

    - ``cors_origins``: the web origins (``"https://app.example.com"``) whose pages may
      call the API from a browser. None by default: CORS is closed.
    - ``max_body_bytes``: the largest request body read (an import's too); larger is 413.
    - ``login_attempts``: failed logins allowed per account and per client address before
      each further attempt must wait, the wait doubling each time up to ``max_login_delay``
      seconds.
    """

    cors_origins: tuple[str, ...] = ()
    max_body_bytes: int = 5_000_000
    login_attempts: int = 5
    max_login_delay: float = 300.0
