"""The repositories, called directly, behave exactly like the memory store's:
same results, same errors (type and message) in the same order of precedence,
including the corner cases the service layer never produces."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobtrack_core import JobFilter, JobStatus, JobtrackError
from jobtrack_core.entities import Customer, Job, LoginSession, User
from jobtrack_core.ports import Store, UnitOfWork
from jobtrack_core.queries import MAX_SEARCH_LENGTH
from jobtrack_memory import MemoryStore
from jobtrack_sqlite import SqliteStore

NOW = datetime(2025, 7, 6, 9, 0, tzinfo=UTC)
DAY = date(2025, 7, 10)


def user(n: int, email: str | None = None) -> User:
    return User(f"u{n}", email or f"u{n}@x.co", "U", None, "hash", NOW, NOW)


def customer(n: int, owner: int = 1, name: str | None = None) -> Customer:
    return Customer(f"c{n}", f"u{owner}", name or f"C{n}", None, None, None, None, None, NOW, NOW)


def job(n: int, owner: int = 1, customer_n: int = 1, **changes: Any) -> Job:
    base = Job(
        id=f"j{n}",
        user_id=f"u{owner}",
        customer_id=f"c{customer_n}",
        title=f"Job {n}",
        description=None,
        status=JobStatus.PENDING,
        estimated_cost=None,
        actual_cost=None,
        estimated_hours=None,
        actual_hours=None,
        due_date=None,
        paid=False,
        paid_at=None,
        completed_at=None,
        created_at=NOW + timedelta(seconds=n),
        updated_at=NOW + timedelta(seconds=n),
    )
    return attrs.evolve(base, **changes)


def token(n: int) -> str:
    """The hash of session ``n``'s token."""
    return f"{n:064x}"


def session(n: int, owner: int = 1, of: int | None = None, **changes: Any) -> LoginSession:
    """Session ``n`` of user ``owner``, with the token hash of session ``of`` (its own)."""
    base = LoginSession(
        f"s{n}", f"u{owner}", token(n if of is None else of), NOW, NOW + timedelta(hours=n), NOW
    )
    return attrs.evolve(base, **changes)


Step = Callable[[UnitOfWork], Any]


def outcomes(store: Store, steps: list[Step]) -> list[Any]:
    """Each step in its own unit of work: its result, or its error's type and text."""
    seen: list[Any] = []
    for step in steps:
        try:
            with store.transaction() as uow:
                seen.append(("ok", step(uow)))
        except JobtrackError as exc:
            seen.append(("error", type(exc).__name__, str(exc), vars(exc).get("field")))
    return seen


def same_on_both(steps: list[Step]) -> list[Any]:
    with SqliteStore(":memory:") as sqlite:
        expected, got = outcomes(MemoryStore(), steps), outcomes(sqlite, steps)
    assert got == expected
    return got


def base(uow: UnitOfWork) -> None:
    uow.users.add(user(1))
    uow.users.add(user(2))
    uow.customers.add(customer(1))
    uow.customers.add(customer(2, owner=2))
    uow.jobs.add(job(1))


def add_named(uow: UnitOfWork) -> None:
    for n, name in ((4, "b"), (5, "B"), (6, "é"), (7, "Z"), (8, "a"), (9, "a")):
        uow.customers.add(customer(n, name=name))


SCENARIOS: dict[str, list[Step]] = {
    "users": [
        base,
        lambda uow: uow.users.add(user(1, "new@x.co")),
        lambda uow: uow.users.add(user(3, "u1@x.co")),
        lambda uow: uow.users.add(user(1, "u2@x.co")),  # both taken: the id is reported
        lambda uow: uow.users.update(user(9)),
        lambda uow: uow.users.update(user(1, "u2@x.co")),
        lambda uow: uow.users.update(attrs.evolve(user(1, "U1@X.CO"), name="Renamed")),
        lambda uow: uow.users.get_by_email("u1@x.co"),
        lambda uow: uow.users.get_by_email("U1@X.CO"),
        lambda uow: uow.users.delete("u9"),
        lambda uow: uow.users.delete("u2"),
        lambda uow: uow.users.get("u2"),
    ],
    "customers": [
        base,
        lambda uow: uow.customers.add(customer(3, owner=9)),
        lambda uow: uow.customers.add(customer(1, owner=2)),
        lambda uow: uow.customers.add(customer(1, owner=9)),  # missing owner wins
        lambda uow: uow.customers.update(customer(2, owner=1)),  # another owner's
        lambda uow: uow.customers.update(customer(9)),
        lambda uow: uow.customers.get("u2", "c1"),
        lambda uow: uow.customers.delete("u2", "c1"),
        add_named,
        lambda uow: [c.id for c in uow.customers.list("u1")],
        lambda uow: uow.customers.delete("u1", "c1"),
        lambda uow: uow.jobs.get("u1", "j1"),
    ],
    "jobs": [
        base,
        lambda uow: uow.jobs.add(job(2, customer_n=9)),
        lambda uow: uow.jobs.add(job(2, customer_n=2)),  # another owner's customer
        lambda uow: uow.jobs.add(job(1)),
        lambda uow: uow.jobs.add(job(1, customer_n=9)),  # missing customer wins
        lambda uow: uow.jobs.add(job(3, owner=9, customer_n=1)),
        lambda uow: uow.jobs.update(job(9)),
        lambda uow: uow.jobs.update(job(1, customer_n=2)),
        lambda uow: uow.jobs.update(job(1, owner=2, customer_n=2)),  # another owner's job
        lambda uow: uow.jobs.update(job(9, customer_n=9)),  # missing job wins
        lambda uow: uow.jobs.add_many(iter([job(4), job(5), job(1), job(6)])),
        lambda uow: uow.jobs.add_many(iter([job(4), job(5, customer_n=2)])),
        lambda uow: uow.jobs.add_many(iter([])),
        lambda uow: uow.jobs.add_many(job(n) for n in (4, 5)),
        lambda uow: uow.reports.totals("u2").revenue,
        lambda uow: uow.jobs.update(job(4, paid=True, actual_cost=Decimal("0.10"))),
        lambda uow: uow.jobs.update(job(5, paid=True, actual_cost=Decimal("0.20"))),
        lambda uow: uow.reports.totals("u1").revenue,
        lambda uow: uow.jobs.delete("u2", "j1"),
        lambda uow: uow.jobs.delete("u1", "j1"),
        lambda uow: uow.jobs.delete("u1", "j1"),
    ],
    "sessions": [
        base,
        lambda uow: uow.sessions.add(session(1, owner=9)),
        lambda uow: uow.sessions.add(session(1)),
        lambda uow: uow.sessions.add(session(1)),
        lambda uow: uow.sessions.add(session(2, of=1)),
        lambda uow: uow.sessions.add(session(2, owner=9, of=1)),
        lambda uow: uow.sessions.update(session(9)),
        lambda uow: uow.sessions.add(session(3)),
        lambda uow: uow.sessions.add(session(4, owner=2)),
        lambda uow: uow.sessions.revoke_all("u1", NOW, keep="s3"),
        lambda uow: uow.sessions.revoke_all("u1", NOW),
        lambda uow: uow.sessions.get_by_token_hash(token(1)),
        lambda uow: uow.sessions.purge_expired(NOW + timedelta(hours=3)),
        lambda uow: uow.sessions.get_by_token_hash(token(3)),
        lambda uow: uow.sessions.get_by_token_hash(token(4)),
        lambda uow: uow.users.delete("u2"),
    ],
    "reports": [
        base,
        lambda uow: uow.jobs.update(
            job(1, paid=True, paid_at=NOW, actual_cost=Decimal("5.00"), due_date=DAY)
        ),
        lambda uow: uow.reports.totals("u1"),
        lambda uow: uow.reports.totals("nobody"),
        lambda uow: uow.reports.paid_between("u1", []),
        lambda uow: uow.reports.paid_between("u1", [NOW, NOW + timedelta(seconds=1)]),
        lambda uow: uow.reports.search_customers("u1", ""),
        lambda uow: uow.reports.customer_jobs("u2", "c1", None, 10),  # another owner's
        lambda uow: uow.reports.customer_jobs("u1", "c1", None, 10),
        lambda uow: uow.reports.customer_jobs("u1", "c1", None, 0),
        lambda uow: uow.reports.due_on("u1", DAY, 10),
        lambda uow: uow.reports.open_due("u1", DAY, DAY + timedelta(days=7), 10),
        lambda uow: uow.reports.overdue("u1", DAY + timedelta(days=1), 10),
        lambda uow: uow.reports.overdue("u2", DAY + timedelta(days=1), 10),
        lambda uow: uow.reports.count_overdue("u1", DAY + timedelta(days=1)),
        lambda uow: uow.reports.count_overdue("u1", DAY),
        lambda uow: uow.reports.recently_changed("u1", 10),
        lambda uow: uow.reports.recently_changed("nobody", 10),
        lambda uow: uow.reports.customer_summaries("u1", "c2"),
        lambda uow: uow.reports.revenue_by_customer("u1", NOW, NOW),
        lambda uow: uow.reports.revenue_by_customer("u1"),
    ],
}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_the_same_results_and_errors_as_the_memory_store(name: str) -> None:
    results = same_on_both(SCENARIOS[name])
    assert any(r[0] == "ok" for r in results[1:])
    assert name == "reports" or any(r[0] == "error" for r in results)


def test_an_update_that_keeps_updated_at_keeps_it_exactly() -> None:
    """The hand-edit trigger must not touch values the library sets (an injected clock
    may well return the same time twice)."""
    same_on_both(
        [
            base,
            lambda uow: uow.users.update(attrs.evolve(user(1), name="Same time")),
            lambda uow: uow.customers.update(attrs.evolve(customer(1), phone="123")),
            lambda uow: uow.jobs.update(job(1, title="Same time")),
            lambda uow: uow.users.get("u1"),
            lambda uow: uow.customers.get("u1", "c1"),
            lambda uow: uow.jobs.get("u1", "j1"),
        ]
    )


def test_a_job_moves_to_another_customer_of_its_owner() -> None:
    same_on_both(
        [
            base,
            lambda uow: uow.customers.add(customer(3)),
            lambda uow: uow.jobs.update(job(1, customer_n=3)),
            lambda uow: [j.id for j in uow.jobs.list("u1", JobFilter(customer_id="c3"))],
            lambda uow: uow.customers.delete("u1", "c3"),
        ]
    )


# -- text search ------------------------------------------------------------------------

ALPHABET = "aAbäÄ%_\\ é"
#: Titles and descriptions from the alphabet, in their kept form (trimmed, not empty).
titles = st.text(ALPHABET, min_size=1, max_size=8).map(str.strip).filter(bool)


@pytest.fixture(scope="module")
def searchable() -> Iterator[tuple[MemoryStore, SqliteStore]]:
    memory, sqlite = MemoryStore(), SqliteStore(":memory:")
    yield memory, sqlite
    sqlite.close()


@given(
    texts=st.lists(st.tuples(titles, st.none() | titles), min_size=1, max_size=8),
    needle=st.text(ALPHABET, min_size=1, max_size=4),
)
def test_text_search_ignores_the_case_of_ascii_letters_only(
    texts: list[tuple[str, str | None]], needle: str
) -> None:
    results = []
    for store in (MemoryStore(), SqliteStore(":memory:")):
        with store.transaction() as uow:
            base(uow)
            uow.jobs.add_many(
                job(10 + i, title=title, description=description)
                for i, (title, description) in enumerate(texts)
            )
            found = [j.id for j in uow.jobs.list("u1", JobFilter(text=needle))]
        store.close()
        results.append(found)
    assert results[0] == results[1]


@pytest.mark.parametrize(
    ("needle", "expected"),
    [("100%", ["j3"]), ("%", ["j3"]), ("_", ["j4"]), ("a_b", ["j4"]), ("\\", ["j5"]),
     ("ä", ["j6"]), ("Ä", []), ("SINK", ["j2"]), ("", ["j6", "j5", "j4", "j3", "j2", "j1"])],
)  # fmt: skip
def test_wildcards_in_the_search_text_match_only_themselves(
    needle: str, expected: list[str]
) -> None:
    titles = {2: "Fix the sink", 3: "100% done", 4: "a_b", 5: "back\\slash", 6: "ä"}
    with SqliteStore(":memory:") as store, store.transaction() as uow:
        base(uow)
        for n, title in titles.items():
            uow.jobs.add(job(n, title=title))
        assert [j.id for j in uow.jobs.list("u1", JobFilter(text=needle))] == expected


def test_the_longest_search_text_fits_in_a_like_pattern() -> None:
    """A filter's text is at most MAX_SEARCH_LENGTH characters; escaped, and at four
    bytes a character, its pattern stays far below SQLite's LIKE limit (50,000 bytes)."""
    longest = ("%" + "\U0001f600") * (MAX_SEARCH_LENGTH // 2)
    steps: list[Step] = [
        base,
        lambda uow: uow.jobs.add(job(2, description=f"X{longest}Y")),
        lambda uow: uow.jobs.add(job(3, description=longest.replace("%", "_"))),
        lambda uow: [j.id for j in uow.jobs.list("u1", JobFilter(text=longest))],
        lambda uow: [j.id for j in uow.jobs.list("u1", JobFilter(text=longest.upper()))],
    ]
    assert [r[1] for r in same_on_both(steps)[-2:]] == [["j2"], ["j2"]]


def listing(where: JobFilter) -> Step:
    return lambda uow: [j.id for j in uow.jobs.list("u1", where)]


def test_filters_combine_with_dates_and_payment() -> None:
    day = date(2025, 7, 10)
    jobs = [
        job(2, due_date=day, paid=True, status=JobStatus.COMPLETED, completed_at=NOW),
        job(3, due_date=day + timedelta(days=1)),
        job(4, due_date=None, paid=True),
        job(5, due_date=day - timedelta(days=1), status=JobStatus.CANCELLED),
    ]
    filters = [
        JobFilter(due_from=day),
        JobFilter(due_to=day),
        JobFilter(due_from=day, due_to=day),
        JobFilter(due_from=day + timedelta(days=2), due_to=day),
        JobFilter(paid=True),
        JobFilter(paid=False, statuses=frozenset({JobStatus.PENDING})),
        JobFilter(statuses=frozenset()),
        JobFilter(statuses=frozenset({JobStatus.CANCELLED, JobStatus.COMPLETED}), due_to=day),
        JobFilter(customer_id="c2"),
    ]
    steps: list[Step] = [base, lambda uow: uow.jobs.add_many(jobs)]
    steps += [listing(where) for where in filters]
    results = same_on_both(steps)
    assert results[-1] == ("ok", [])


def test_add_many_across_batches_and_chunks_is_checked_like_add(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from jobtrack_sqlite import repositories

    monkeypatch.setattr(repositories, "BATCH", 7)  # 30 jobs: five batches ...
    monkeypatch.setattr(repositories, "CHUNK", 3)  # ... of up to three statements each
    order = [(n * 11) % 30 for n in range(30)]  # created out of order
    many = [job(10 + n, created_at=NOW - timedelta(minutes=n)) for n in order]
    steps: list[Step] = [
        base,
        lambda uow: uow.jobs.add_many(iter(many)),
        lambda uow: [j.id for j in uow.jobs.list("u1", JobFilter())],
        lambda uow: uow.jobs.add_many([*(job(200 + n) for n in range(17)), job(25), job(201)]),
        lambda uow: uow.jobs.add_many([*(job(300 + n) for n in range(16)), job(301, customer_n=9)]),
        lambda uow: uow.jobs.add_many([*(job(400 + n) for n in range(16)), job(400)]),
        lambda uow: len(uow.jobs.list("u1", JobFilter())),
    ]
    results = same_on_both(steps)
    assert results[1] == ("ok", 30)
    assert results[2][1] == ["j1"] + [f"j{10 + n}" for n in range(30)]
    assert [r[:2] for r in results[3:6]] == [
        ("error", "ConflictError"),
        ("error", "NotFoundError"),
        ("error", "ConflictError"),
    ]
    assert "'j25'" in results[3][2] and "'j400'" in results[5][2]
    assert results[6] == ("ok", 31)  # the refused imports left nothing behind
