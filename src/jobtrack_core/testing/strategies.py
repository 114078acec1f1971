"""Hypothesis strategies for jobtrack's inputs, bounded to what every store can hold."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import attrs
from hypothesis import strategies as st

from jobtrack_core.commands import NewCustomer, NewJob
from jobtrack_core.entities import Customer, Job, User
from jobtrack_core.fields import Day, Email, Money, Rule, Text, rule_of, rules_of
from jobtrack_core.money import CENT, MAX_AMOUNT, ZERO, from_minor
from jobtrack_core.status import JobStatus

#: The text rule of every text field of customers and jobs.
TEXT_RULES: dict[str, Text] = {
    a.name: r
    for command in (NewCustomer, NewJob)
    for a in attrs.fields(command)
    if isinstance(r := rule_of(a), Text)
}

# Printable text without control characters, separators or surrogates: what the
# text rules keep (bidirectional controls are Cf and left out too).
_chars = st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Cf", "Zl", "Zp"))


def text_field(field: str, *, required: bool = False) -> st.SearchStrategy[str | None]:
    """Valid text for ``field`` (already trimmed), or None when optional."""
    limit = min(TEXT_RULES[field].limit, 60)
    value = st.text(_chars, min_size=1, max_size=limit).map(str.strip).filter(bool)
    return value if required else st.none() | value


def amounts(max_value: Decimal = Decimal("99999.99")) -> st.SearchStrategy[Decimal]:
    """Valid money: non-negative Decimals with two places."""
    return st.integers(0, int(max_value * 100)).map(from_minor)


def optional_amounts() -> st.SearchStrategy[Decimal | None]:
    return st.none() | amounts()


def bad_amounts() -> st.SearchStrategy[Any]:
    """Values refused as money, each for a different reason."""
    return st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.integers(max_value=-1),
        st.decimals(min_value=-(10**6), max_value=10**6, places=3).filter(
            lambda d: d != d.quantize(Decimal("0.01"))
        ),
        st.just(Decimal("NaN")),
        st.just(MAX_AMOUNT + Decimal("0.01")),
        st.just("twelve"),
        st.booleans(),
        st.just([1]),
    )


emails = st.builds(
    "{}@{}.{}".format,
    st.text("abcdefghij0123456789._+-", min_size=1, max_size=12).filter(lambda s: s.strip(".")),
    st.text("abcdefghij-", min_size=1, max_size=10),
    st.sampled_from(["com", "org", "net", "co"]),
)

due_dates = st.none() | st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))


def values_of(of: Rule[Any], name: str) -> st.SearchStrategy[Any]:
    """Valid values for a field that follows ``of``: made from the rule's kind, so that a
    field added to a command is exercised by every test that uses these strategies."""
    if isinstance(of, Email):
        return st.none() | emails if of.optional else emails
    if isinstance(of, Text):
        return text_field(name, required=not of.optional)
    if isinstance(of, Money):
        return optional_amounts() if of.optional else amounts()
    if isinstance(of, Day):
        return due_dates
    raise NotImplementedError(f"no strategy for the field {name!r} ({of!r})")


def fields_of(command: type, skip: tuple[str, ...]) -> st.SearchStrategy[dict[str, Any]]:
    """Keyword arguments for a command's fields, but ``skip``."""
    return st.fixed_dictionaries(
        {name: values_of(of, name) for name, of in rules_of(command).items() if name not in skip}
    )


def customer_fields() -> st.SearchStrategy[dict[str, Any]]:
    """Keyword arguments for :meth:`Workspace.add_customer` (``name`` included)."""
    return fields_of(NewCustomer, skip=("id",))


def job_fields() -> st.SearchStrategy[dict[str, Any]]:
    """Keyword arguments for :meth:`Workspace.create_job`, without ``customer_id`` and
    without what a job gets when it is completed (``actual_cost``, ``actual_hours``)."""
    return fields_of(NewJob, skip=("customer_id", "id", "actual_cost", "actual_hours"))


def bad_customer_fields() -> st.SearchStrategy[tuple[dict[str, Any], set[str]]]:
    """Customer arguments with at least one bad field; the bad field names come along."""
    bad = st.one_of(
        st.tuples(st.just("name"), st.sampled_from(["", "   ", None, 42, "a\x00b", "x" * 201])),
        st.tuples(st.just("email"), st.sampled_from(["no-at-sign", "a@b", "a b@c.d", 7])),
        st.tuples(st.just("phone"), st.sampled_from(["1" * 51, "tab\there", "\ud800"])),
        st.tuples(st.just("notes"), st.just("n" * 10_001)),
    )
    return st.tuples(customer_fields(), st.lists(bad, min_size=1, max_size=3)).map(
        lambda pair: (pair[0] | dict(pair[1]), {f for f, _ in pair[1]})
    )


# -- whole records, for the contract suite's tests at the port ---------------------------
#: A fixed instant the generated records' times spread around.
T0 = datetime(2025, 7, 6, 9, 0, tzinfo=UTC)
#: Instants within about four months of T0, to the microsecond, with ties likely.
instants = st.sampled_from([T0, T0 + timedelta(seconds=1)]) | st.integers(-(10**13), 10**13).map(
    lambda us: T0 + timedelta(microseconds=us)
)
#: A password hash in the format jobtrack stores (argon2id, the tests' profile).
TEST_HASH = "$argon2id$v=19$m=8,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$Zmlyc3QgaGFzaCBieXRlcyBmb3IgdGVzdHM"
record_ids = st.text("abcdef0123456789-", min_size=1, max_size=12)


def users(number: int) -> st.SearchStrategy[User]:
    """A valid user whose id and email are made from ``number`` (so several differ)."""
    calendars = st.none() | st.tuples(st.sampled_from(["UTC", "Europe/Berlin"]), st.integers(0, 6))
    return st.builds(
        lambda created, name, business, calendar: User(
            id=f"user-{number}",
            email=f"user{number}@example.com",
            name=name,
            business_name=business,
            password_hash=TEST_HASH,
            created_at=created,
            updated_at=created,
            timezone=calendar[0] if calendar else None,
            week_start=calendar[1] if calendar else None,
        ),
        instants,
        text_field("name", required=True),
        text_field("business_name"),
        calendars,
    )


def customers(
    owner_id: str, ids: st.SearchStrategy[str] = record_ids
) -> st.SearchStrategy[Customer]:
    """A valid customer of ``owner_id``."""
    return st.builds(
        lambda id, fields, created, later: Customer(
            id=id,
            user_id=owner_id,
            created_at=created,
            updated_at=max(created, later),
            **fields,
        ),
        ids,
        customer_fields(),
        instants,
        instants,
    )


@st.composite
def jobs(
    draw: st.DrawFn,
    owner_id: str,
    customer_ids: list[str],
    ids: st.SearchStrategy[str] = record_ids,
    due: st.SearchStrategy[date | None] = due_dates,
    titles: st.SearchStrategy[str] | None = None,
) -> Job:
    """A valid job of ``owner_id`` for one of ``customer_ids``, in any status, paid or not,
    holding money or not (``amount_paid`` agreeing with ``paid`` where the ledger's rule
    decides)."""
    status = draw(st.sampled_from(list(JobStatus)))
    actual_cost = draw(optional_amounts())
    amount_paid = draw(st.just(ZERO) | amounts(Decimal(1000)))
    paid = draw(st.booleans())
    if status is JobStatus.COMPLETED and actual_cost:
        # paid exactly when what it holds covers its cost: now and then exactly so
        if paid:
            amount_paid = min(actual_cost + draw(st.sampled_from([ZERO, CENT])), MAX_AMOUNT)
        elif amount_paid >= actual_cost:
            amount_paid = draw(st.sampled_from([ZERO, actual_cost - CENT]))
    created = draw(instants)
    return Job(
        id=draw(ids),
        user_id=owner_id,
        customer_id=draw(st.sampled_from(customer_ids)),
        status=status,
        paid=paid,
        paid_at=draw(st.none() | instants) if paid else None,
        completed_at=draw(instants) if status is JobStatus.COMPLETED else None,
        created_at=created,
        updated_at=max(created, draw(instants)),
        actual_cost=actual_cost,
        actual_hours=draw(optional_amounts()),
        amount_paid=amount_paid,
        **draw(job_fields())
        | {"due_date": draw(due)}
        | (
            {}
            if titles is None
            else {"title": draw(titles), "description": draw(st.none() | titles)}
        ),
    )
