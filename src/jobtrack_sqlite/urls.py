"""Store URLs, so that an application can choose its store from configuration.

- ``sqlite:///relative/path.db`` and ``sqlite:////absolute/path.db`` (three
  slashes, then the path; an absolute path therefore has four);
- ``sqlite://``, ``sqlite://:memory:`` and ``memory://``: a private in-memory database;
- options as query parameters: ``?synchronous=NORMAL&busy_timeout=5&cache_mib=256``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from jobtrack_core.errors import ValidationError

MEMORY = ":memory:"
_OPTIONS = {"synchronous": str, "busy_timeout": float, "cache_mib": int}


def parse(url: str) -> tuple[str, dict[str, Any]]:
    """The database path (or ``":memory:"``) and the options a URL names."""
    if not isinstance(url, str):
        raise ValidationError.single("url", "must be a string")
    parts = urlsplit(url)
    memory_host = parts.scheme == "sqlite" and parts.netloc == MEMORY and not parts.path
    if (
        parts.scheme not in ("sqlite", "memory")
        or (parts.netloc and not memory_host)
        or parts.fragment
    ):
        raise ValidationError.single(
            "url", f"{url!r} is not a SQLite store URL (sqlite:///path.db or memory://)"
        )
    if memory_host:
        target = MEMORY
    elif parts.scheme == "memory":
        if parts.path:
            raise ValidationError.single("url", "memory:// takes no path")
        target = MEMORY
    else:
        path = unquote(parts.path)
        target = MEMORY if path in ("", "/", "/:memory:") else path[1:]
    options: dict[str, Any] = {}
    for name, value in parse_qsl(parts.query, keep_blank_values=True, strict_parsing=False):
        convert = _OPTIONS.get(name)
        if convert is None:
            raise ValidationError.single("url", f"unknown option {name!r}")
        try:
            options[name] = convert(value)
        except ValueError:
            raise ValidationError.single("url", f"bad value {value!r} for {name}") from None
    return target, options
