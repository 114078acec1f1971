"""How the web app writes values: money with two places, hours, days and statuses."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jobtrack_core.status import JobStatus

CENT = Decimal("0.01")
STATUS_NAMES: Mapping[str, str] = {
    JobStatus.PENDING: "Pending",
    JobStatus.IN_PROGRESS: "In progress",
    JobStatus.COMPLETED: "Completed",
    JobStatus.CANCELLED: "Cancelled",
}


def money(value: Decimal | None) -> str:
    """``Decimal("1234.5")`` -> ``"1,234.50"``; nothing -> an empty string."""
    if value is None:
        return ""
    return f"{value.quantize(CENT):,.2f}"


def plain_money(value: Decimal | None) -> str:
    """An amount as a form field shows it: ``"1234.50"``."""
    return "" if value is None else format(value.quantize(CENT), "f")


def hours(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


def day(value: date | None) -> str:
    return "" if value is None else value.isoformat()


def moment(value: datetime | None, zone: str | None = None) -> str:
    """A time to the minute in the business's time zone (UTC if it has none)."""
    if value is None:
        return ""
    try:
        local = value.astimezone(ZoneInfo(zone) if zone else UTC)
    except (ValueError, ZoneInfoNotFoundError):
        local = value.astimezone(UTC)
    return local.strftime("%Y-%m-%d %H:%M %Z")


def status_name(value: Any) -> str:
    return STATUS_NAMES.get(str(value), str(value))


FILTERS: Mapping[str, Callable[..., str]] = {
    "money": money,
    "plain_money": plain_money,
    "hours": hours,
    "day": day,
    "moment": moment,
    "status_name": status_name,
}
