"""Keyset cursors and the listing orders, without a store."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobtrack_core import Job, JobStatus, ValidationError
from jobtrack_core.pagination import JobPosition, JobSort, page_of, reference_page, sort_key

moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)


@st.composite
def jobs(draw: st.DrawFn) -> Job:
    created = draw(moments)
    return Job(
        id=draw(st.text("abc-19", min_size=1, max_size=4)),
        user_id="u",
        customer_id="c",
        title=draw(st.text("aAbBé _%", min_size=1, max_size=4).map(str.strip).filter(bool)),
        description=None,
        status=JobStatus.PENDING,
        estimated_cost=None,
        actual_cost=None,
        estimated_hours=None,
        actual_hours=None,
        due_date=draw(st.none() | st.dates(date(2020, 1, 1), date(2030, 1, 1))),
        paid=False,
        paid_at=None,
        completed_at=None,
        created_at=created,
        updated_at=created + draw(st.sampled_from([timedelta(0), timedelta(seconds=1)])),
    )


def unique(found: list[Job]) -> list[Job]:
    return list({j.id: j for j in found}.values())


@given(job=jobs(), sort=st.sampled_from(list(JobSort)))
def test_a_cursor_decodes_to_the_position_it_encodes(job: Job, sort: JobSort) -> None:
    position = JobPosition.of(sort, job)
    cursor = position.encode()
    assert cursor.isascii() and "=" not in cursor and "/" not in cursor and "+" not in cursor
    assert JobPosition.decode(cursor, sort) == position
    assert position.key() == sort_key(sort, job)
    assert not position.precedes(job)  # a page continues strictly after its last job


@given(
    found=st.lists(jobs(), max_size=12), sort=st.sampled_from(list(JobSort)), size=st.integers(1, 4)
)
def test_reference_pages_walk_the_sorted_listing(
    found: list[Job], sort: JobSort, size: int
) -> None:
    found = unique(found)
    walked: list[Job] = []
    position = None
    while True:
        page = page_of(reference_page(found, sort, position, size + 1), sort, size)
        walked.extend(page.items)
        if page.next is None:
            break
        position = JobPosition.decode(page.next, sort)
    expected = sorted(found, key=lambda j: sort_key(sort, j), reverse=sort.descending)
    assert walked == expected


def test_the_orders_are_what_their_names_say() -> None:
    base = datetime(2025, 1, 1, tzinfo=UTC)

    def job(id: str, title: str, due: date | None, minutes: int) -> Job:
        moment = base + timedelta(minutes=minutes)
        return Job(
            id,
            "u",
            "c",
            title,
            None,
            JobStatus.PENDING,
            None,
            None,
            None,
            None,
            due,
            False,
            None,
            None,
            moment,
            moment + timedelta(minutes=-2 * minutes),
        )

    a = job("a", "banana", date(2025, 2, 1), 1)
    b = job("b", "Apple", None, 2)
    c = job("c", "apple", date(2025, 1, 1), 3)
    d = job("d", "cherry", date(2025, 1, 1), 3)

    def order(sort: JobSort) -> list[str]:
        return [j.id for j in reference_page([a, b, c, d], sort, None, 10)]

    assert order(JobSort.NEWEST) == ["d", "c", "b", "a"]  # ties on created_at: id descending
    assert order(JobSort.UPDATED) == ["a", "b", "d", "c"]
    assert order(JobSort.DUE) == ["c", "d", "a", "b"]  # no due date last
    assert order(JobSort.TITLE) == ["b", "c", "a", "d"]  # "Apple" < "apple": exact title next


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "not a cursor",
        "W10",
        "e30",
        "WzEsICJuZXdlc3QiXQ",
        "WzIsIm5ld2VzdCIsIngiLG51bGxd",
        7,
        None,
    ],
)
def test_a_malformed_cursor_is_refused(cursor: object) -> None:
    with pytest.raises(ValidationError) as caught:
        JobPosition.decode(cursor, JobSort.NEWEST)
    assert caught.value.fields == ("after",)


def test_a_cursor_from_another_order_is_refused() -> None:
    position = JobPosition(JobSort.TITLE, "j-1", title="Boiler")
    with pytest.raises(ValidationError, match="sorted by 'title'"):
        JobPosition.decode(position.encode(), JobSort.NEWEST)
    naive = JobPosition(JobSort.NEWEST, "j-1", moment=datetime(2025, 1, 1))
    with pytest.raises(ValidationError):
        JobPosition.decode(naive.encode(), JobSort.NEWEST)
