"""Business periods in a time zone: days, weeks, months and years as UTC instant ranges."""

from __future__ import annotations

import itertools
import zoneinfo
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobtrack_core import ValidationError
from jobtrack_core.periods import MONDAY, SUNDAY, BusinessCalendar
from jobtrack_core.testing.reports_contract import ZONES, boundary_instants

ALL_ZONES = sorted(zoneinfo.available_timezones())
zones = st.sampled_from(ZONES) | st.sampled_from(ALL_ZONES)
plain_instants = st.datetimes(
    min_value=datetime(1971, 1, 1), max_value=datetime(2037, 12, 31), timezones=st.just(UTC)
)


@st.composite
def tricky_instants(draw: st.DrawFn, zone: str) -> datetime:
    """An instant close to a local month start or an offset change in ``zone``."""
    anchors = boundary_instants(zone)
    anchor = anchors[draw(st.integers(0, len(anchors) - 1))]
    return anchor + timedelta(microseconds=draw(st.integers(-4 * 3600 * 10**6, 4 * 3600 * 10**6)))


@given(zone=zones, data=st.data())
def test_a_moment_lies_in_the_day_of_its_local_date(zone: str, data: st.DataObject) -> None:
    calendar = BusinessCalendar(zone)
    moment = data.draw(plain_instants | tricky_instants(zone))
    day = calendar.local_date(moment)
    assert day == moment.astimezone(zoneinfo.ZoneInfo(zone)).date()
    period = calendar.day(day)
    if not _date_goes_back_soon(calendar, moment):
        assert period.start_at <= moment < period.end_at
        assert moment in period
    # From its start, the local date is that day; one microsecond earlier it is not yet.
    assert calendar.local_date(period.start_at) >= day
    assert calendar.local_date(period.start_at - timedelta(microseconds=1)) < day


def _date_goes_back_soon(calendar: BusinessCalendar, moment: datetime) -> bool:
    """Whether the local date at ``moment`` is undone by clocks going back across midnight
    within the next three hours (America/St_Johns fell back at 00:01 until 2010): no range
    of instants can hold exactly one local date then."""
    day = calendar.local_date(moment)
    return any(calendar.local_date(moment + timedelta(minutes=m)) < day for m in range(1, 181))


def test_a_midnight_that_happens_twice_in_one_day_starts_it_the_first_time() -> None:
    havana = BusinessCalendar("America/Havana")  # 01:00 became 00:00 on 3 November 2024
    first_half_hour = datetime(2024, 11, 3, 4, 30, tzinfo=UTC)  # 00:30, the first time
    assert havana.local_date(first_half_hour) == date(2024, 11, 3)
    day = havana.day(date(2024, 11, 3))
    assert first_half_hour in day and day.end_at - day.start_at == timedelta(hours=25)


def test_a_midnight_that_happens_twice_starts_the_day_the_second_time() -> None:
    st_johns = BusinessCalendar("America/St_Johns")
    start = st_johns.start_of(date(2009, 11, 1))  # 00:01 became 23:01 on 31 October
    assert start == datetime(2009, 11, 1, 3, 30, tzinfo=UTC)
    assert all(
        st_johns.local_date(start + timedelta(minutes=m)) == date(2009, 11, 1)
        for m in range(0, 24 * 60, 7)
    )


@given(zone=zones, data=st.data(), week_start=st.integers(0, 6))
def test_week_month_and_year_hold_exactly_their_local_dates(
    zone: str, data: st.DataObject, week_start: int
) -> None:
    calendar = BusinessCalendar(zone, week_start)
    moment = data.draw(plain_instants | tricky_instants(zone))
    day = calendar.local_date(moment)
    week, month, year = calendar.week_of(day), calendar.month_of(day), calendar.year(day.year)
    assert week.start.weekday() == week_start and week.end - week.start == timedelta(days=7)
    assert week.start <= day < week.end
    assert (month.start, month.end.day) == (day.replace(day=1), 1)
    assert month.end > day >= month.start and (month.end - timedelta(days=1)).month == day.month
    assert (year.start, year.end) == (date(day.year, 1, 1), date(day.year + 1, 1, 1))
    for period in (week, month, year):
        assert period.start_at <= moment < period.end_at
        assert period.start_at == calendar.start_of(period.start)
        assert period.end_at == calendar.start_of(period.end)


@given(zone=zones, year=st.integers(1971, 2037))
def test_the_months_of_a_year_partition_it(zone: str, year: int) -> None:
    calendar = BusinessCalendar(zone)
    months = calendar.months(year)
    whole = calendar.year(year)
    assert months == tuple(calendar.month(year, n) for n in range(1, 13))
    assert months[0].start_at == whole.start_at and months[-1].end_at == whole.end_at
    for earlier, later in itertools.pairwise(months):
        assert earlier.end == later.start and earlier.end_at == later.start_at
        assert earlier.start_at < earlier.end_at


def test_a_late_evening_payment_counts_in_its_local_month() -> None:
    berlin = BusinessCalendar("Europe/Berlin")
    paid_at = datetime(2025, 3, 31, 21, 30, tzinfo=UTC)  # 23:30 in Berlin (summer time)
    assert berlin.local_date(paid_at) == date(2025, 3, 31)
    assert paid_at in berlin.month(2025, 3)
    assert paid_at not in berlin.month(2025, 4)
    assert paid_at in BusinessCalendar().month(2025, 3)
    # The same instant in Tokyo is already 1 April.
    assert paid_at in BusinessCalendar("Asia/Tokyo").month(2025, 4)


@pytest.mark.parametrize(
    ("zone", "day", "hours"),
    [
        ("America/New_York", date(2025, 3, 9), 23),  # spring forward at 02:00
        ("America/New_York", date(2025, 11, 2), 25),  # fall back at 02:00
        ("Europe/London", date(2025, 3, 30), 23),
        ("Australia/Lord_Howe", date(2025, 4, 6), 24.5),  # a half-hour change
        ("Australia/Lord_Howe", date(2025, 10, 5), 23.5),
        ("America/Sao_Paulo", date(2018, 11, 4), 23),  # midnight did not exist that day
        ("America/Sao_Paulo", date(2018, 2, 17), 25),  # 23:00 happened twice
        ("Pacific/Apia", date(2011, 12, 30), 0),  # a day that was skipped entirely
        ("UTC", date(2024, 2, 29), 24),
    ],
)
def test_days_around_clock_changes_have_their_real_length(
    zone: str, day: date, hours: float
) -> None:
    period = BusinessCalendar(zone).day(day)
    assert period.end_at - period.start_at == timedelta(hours=hours)


def test_a_skipped_midnight_starts_the_day_when_the_clocks_jump() -> None:
    sao_paulo = BusinessCalendar("America/Sao_Paulo")
    start = sao_paulo.start_of(date(2018, 11, 4))
    assert start == datetime(2018, 11, 4, 3, 0, tzinfo=UTC)  # 01:00 local, summer time
    assert start.astimezone(sao_paulo.zone).hour == 1


def test_weeks_start_on_the_configured_day() -> None:
    day = date(2025, 7, 9)  # a Wednesday
    assert BusinessCalendar().week_of(day).start == date(2025, 7, 7)
    assert BusinessCalendar(week_start=SUNDAY).week_of(day).start == date(2025, 7, 6)
    assert BusinessCalendar(week_start=MONDAY).week_of(date(2025, 7, 7)).start == date(2025, 7, 7)
    assert BusinessCalendar(week_start=SUNDAY).week_start_name == "Sunday"


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({"timezone": ""}, "timezone"),
        ({"timezone": "../../etc/passwd"}, "timezone"),
        ({"timezone": 1}, "timezone"),
        ({"week_start": 7}, "week_start"),
        ({"week_start": True}, "week_start"),
        ({"week_start": "1"}, "week_start"),
    ],
)
def test_bad_calendars_are_refused_by_field(options: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        BusinessCalendar(**options)  # type: ignore[arg-type]
    assert caught.value.fields == (field,)


def test_a_period_cannot_end_before_it_starts() -> None:
    with pytest.raises(ValueError):
        BusinessCalendar().period(date(2025, 2, 1), date(2025, 1, 1))
    with pytest.raises(ValueError):
        assert datetime(2025, 1, 1) in BusinessCalendar().year(2025)  # naive: refused
