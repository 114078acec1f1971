"""Business days, weeks, months and years, and the UTC instants that bound them.

Reports count a payment in the period of its *local* date in the business's
time zone: a job paid at 23:30 on 31 March in Berlin counts in March, wherever
the server runs. A :class:`BusinessCalendar` turns local periods into half-open
ranges of UTC instants, ``[start_at, end_at)``, so that stores can answer with
index-friendly range queries that stay right across daylight-saving changes.

>>> from datetime import date
>>> berlin = BusinessCalendar("Europe/Berlin")
>>> march = berlin.month_of(date(2025, 3, 31))
>>> march.start, march.end
(datetime.date(2025, 3, 1), datetime.date(2025, 4, 1))
>>> march.start_at.isoformat(), march.end_at.isoformat()
('2025-02-28T23:00:00+00:00', '2025-03-31T22:00:00+00:00')
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from jobtrack_core.clock import as_utc
from jobtrack_core.errors import ValidationError

#: Weekday numbers, as :mod:`calendar` and :meth:`datetime.date.weekday` count them.
MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY = range(7)
_TICK = timedelta(microseconds=1)


def load_zone(name: object) -> ZoneInfo:
    """The IANA time zone ``name``; :class:`ValidationError` on ``timezone`` if unknown."""
    if not isinstance(name, str) or not name:
        raise ValidationError.single("timezone", "must be an IANA time zone name")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValidationError.single(
            "timezone", f"{name!r} is not a known IANA time zone (e.g. 'Europe/Berlin')"
        ) from None


def _check_zone(_instance: object, _attribute: object, value: object) -> None:
    load_zone(value)


def _check_weekday(_instance: object, _attribute: object, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 6:
        raise ValidationError.single("week_start", "must be a weekday number, 0 (Monday) to 6")


@attrs.frozen
class Period:
    """The local days ``start`` up to, not including, ``end``, and the UTC instants
    ``[start_at, end_at)`` they cover. A moment belongs to the period exactly when its
    local date does."""

    start: date
    end: date
    start_at: datetime
    end_at: datetime

    def __contains__(self, moment: object) -> bool:
        if not isinstance(moment, datetime):
            return False
        return self.start_at <= as_utc(moment) < self.end_at


@attrs.frozen
class BusinessCalendar:
    """Where the business keeps its days: an IANA time zone and the first day of its week.

    The default is UTC with weeks starting on Monday.

    >>> cal = BusinessCalendar("America/New_York", week_start=SUNDAY)
    >>> cal.week_of(date(2025, 7, 9)).start
    datetime.date(2025, 7, 6)
    """

    timezone: str = attrs.field(default="UTC", validator=_check_zone)
    week_start: int = attrs.field(default=MONDAY, validator=_check_weekday)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def local_date(self, moment: datetime) -> date:
        """The business's calendar date at ``moment`` (an aware datetime)."""
        return as_utc(moment).astimezone(self.zone).date()

    def start_of(self, day: date) -> datetime:
        """The UTC instant from which the local date is ``day`` or later for good.

        Usually local midnight; where the clocks skip midnight, the instant they
        skip to; where a whole day is skipped, the start of the next day. Where
        clocks once went back across midnight (Newfoundland until 2010 fell back
        at 00:01 to 23:01), midnight happened twice and the day starts at the
        second one; the minute before the change counts in the day before.
        """
        zone = self.zone
        candidates = []
        for fold in (0, 1):
            local = datetime.combine(day, time(0), tzinfo=zone).replace(fold=fold)
            instant = local.astimezone(UTC)
            if instant.astimezone(zone).date() >= day:
                candidates.append(instant)
        first, last = min(candidates), max(candidates)
        # Midnight happened twice: the day starts at the first one, unless the clocks
        # went back into the day before in between.
        if (last - _TICK).astimezone(zone).date() < day:
            return last
        return first

    def period(self, start: date, end: date) -> Period:
        """The local days ``start`` (included) to ``end`` (excluded)."""
        if end < start:
            raise ValueError(f"a period cannot end ({end}) before it starts ({start})")
        return Period(start, end, self.start_of(start), self.start_of(end))

    def day(self, day: date) -> Period:
        return self.period(day, day + timedelta(days=1))

    def week_of(self, day: date) -> Period:
        """The week (starting on :attr:`week_start`) that contains ``day``."""
        first = day - timedelta(days=(day.weekday() - self.week_start) % 7)
        return self.period(first, first + timedelta(days=7))

    def month_of(self, day: date) -> Period:
        first = day.replace(day=1)
        return self.period(first, _next_month(first))

    def month(self, year: int, month: int) -> Period:
        return self.month_of(date(year, month, 1))

    def months(self, year: int) -> tuple[Period, ...]:
        """The twelve months of ``year``, January first (each month's end is the next
        one's start, worked out once)."""
        firsts = [date(year, m, 1) for m in range(1, 13)] + [date(year + 1, 1, 1)]
        starts = [self.start_of(first) for first in firsts]
        return tuple(
            Period(start, end, start_at, end_at)
            for (start, end), (start_at, end_at) in zip(
                pairwise(firsts), pairwise(starts), strict=True
            )
        )

    def year(self, year: int) -> Period:
        return self.period(date(year, 1, 1), date(year + 1, 1, 1))

    def today(self, now: datetime) -> date:
        """The local date at ``now``; the same as :meth:`local_date`."""
        return self.local_date(now)

    @property
    def week_start_name(self) -> str:
        return calendar.day_name[self.week_start]


def _next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


__all__ = [
    "FRIDAY",
    "MONDAY",
    "SATURDAY",
    "SUNDAY",
    "THURSDAY",
    "TUESDAY",
    "WEDNESDAY",
    "BusinessCalendar",
    "Period",
    "load_zone",
]


def utc_midnight_before(moment: datetime) -> datetime:
    """The UTC midnight at or before ``moment`` (stores keep per-UTC-day totals)."""
    utc = moment.astimezone(UTC)
    return datetime(utc.year, utc.month, utc.day, tzinfo=UTC)


def utc_midnight_after(moment: datetime) -> datetime:
    """The UTC midnight at or after ``moment``."""
    floor = utc_midnight_before(moment)
    return floor if floor == moment else floor + timedelta(days=1)
