"""Time and ids, injectable so that tests and imports are deterministic."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

if sys.version_info >= (3, 14):
    from uuid import uuid7
else:
    from uuid6 import uuid7

#: A clock returns the current time, timezone-aware.
Clock = Callable[[], datetime]
#: An id generator returns a new unique id string.
IdFactory = Callable[[], str]


def system_clock() -> datetime:
    return datetime.now(UTC)


def uuid7_ids() -> str:
    """A new time-ordered UUID (version 7, RFC 9562): the default id factory.

    Ids made one after another sort one after another, so a new record's id lands
    beside the last one's in a primary-key index, on a page the database has just
    written, instead of on a random page of an index that may no longer be cached.
    The first 48 bits are the creation time in milliseconds; the rest are random (on
    Python 3.14 and later, partly a counter), and keep ids apart.
    """
    return str(uuid7())


def uuid4_ids() -> str:
    """A new random UUID (version 4): the original system's kind of id."""
    return str(uuid.uuid4())


def as_utc(moment: datetime, field: str = "time") -> datetime:
    """``moment`` converted to UTC; a naive datetime is refused."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{field} must be timezone-aware, got naive {moment!r}")
    return moment.astimezone(UTC)
