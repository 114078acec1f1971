"""Time and ids, injectable so that tests and imports are deterministic."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime

#: A clock returns the current time, timezone-aware.
Clock = Callable[[], datetime]
#: An id generator returns a new unique id string.
IdFactory = Callable[[], str]


def system_clock() -> datetime:
    return datetime.now(UTC)


def uuid4_ids() -> str:
    return str(uuid.uuid4())


def as_utc(moment: datetime, field: str = "time") -> datetime:
    """``moment`` converted to UTC; a naive datetime is refused."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{field} must be timezone-aware, got naive {moment!r}")
    return moment.astimezone(UTC)
