"""Records cannot be built holding a value the rules forbid, whoever builds them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import attrs
import pytest

from jobtrack_core import fields as f
from jobtrack_core.entities import Customer, Job, LoginSession, User
from jobtrack_core.errors import ValidationError
from jobtrack_core.periods import BusinessCalendar
from jobtrack_core.status import JobStatus
from jobtrack_core.testing.strategies import TEST_HASH

NOW = datetime(2025, 7, 6, 9, 0, tzinfo=UTC)
USER = User(
    id="u-1",
    email="sam@example.com",
    name="Sam",
    business_name=None,
    password_hash=TEST_HASH,
    created_at=NOW,
    updated_at=NOW,
    timezone="Europe/Berlin",
    week_start=0,
)
CUSTOMER = Customer(
    id="c-1",
    user_id="u-1",
    name="Ada",
    email="ada@example.com",
    phone="555-0100",
    address="1 Main St",
    business_name="Ada's",
    notes="Gate code 1234",
    created_at=NOW,
    updated_at=NOW,
)
JOB = Job(
    id="j-1",
    user_id="u-1",
    customer_id="c-1",
    title="Fix the sink",
    description="Leaks",
    status=JobStatus.COMPLETED,
    estimated_cost=Decimal("120.00"),
    actual_cost=Decimal("135.50"),
    estimated_hours=Decimal("2.00"),
    actual_hours=Decimal("2.50"),
    due_date=date(2025, 7, 7),
    paid=True,
    paid_at=NOW,
    completed_at=NOW,
    created_at=NOW,
    updated_at=NOW,
    amount_paid=Decimal("135.50"),
)
SESSION = LoginSession(
    id="s-1",
    user_id="u-1",
    token_hash="0" * 64,
    created_at=NOW,
    expires_at=NOW,
    last_used_at=NOW,
    revoked_at=NOW,
)
AnyRecord = User | Customer | Job | LoginSession  # attrs classes; their base Record is not
RECORDS: list[AnyRecord] = [USER, CUSTOMER, JOB, SESSION]


def bad_values(of: f.Rule[Any]) -> list[object]:
    """Values that break ``of`` (each would be stored differently by some store)."""
    values: list[object] = [] if of.optional else [None]
    if isinstance(of, f.Text):
        values += [" untrimmed", "x" * (of.limit + 1), "nul\x00", 7]
        values += ["" if of.optional else "   "]
    elif isinstance(of, f.Id):
        values += ["with space", "x" * (f.MAX_ID_LENGTH + 1), 7, ""]
    elif isinstance(of, f.Money):
        values += [Decimal("1.5"), Decimal("-1.00"), Decimal("-0.00"), 1, "1.00", 1.5]
    elif isinstance(of, f.Instant):
        values += [datetime(2025, 7, 6, 9), "2025-07-06T09:00:00+00:00"]
    elif isinstance(of, f.Day):
        values += [NOW, "2025-07-06"]
    elif isinstance(of, f.Flag):
        values += [1, "true"]
    elif isinstance(of, f.Choice):
        values += ["pending", "bogus"]
    elif isinstance(of, f.TimeZone):
        values += ["Mars/Olympus_Mons", " Europe/Berlin"]
    elif isinstance(of, f.Whole):
        values += [of.high + 1, of.low - 1, True, "0"]
    elif isinstance(of, f.Secret):
        values += ["has space", "é" * 3, "x" * (of.limit + 1)]
    assert values, f"no bad values for {of!r}"
    return values


CASES = [
    (record, name, value)
    for record in RECORDS
    for name, of in f.rules_of(type(record)).items()
    for value in bad_values(of)
]


@pytest.mark.parametrize(
    ("record", "field", "value"),
    CASES,
    ids=[f"{type(r).__name__}.{n}={v!r:.30}" for r, n, v in CASES],
)
def test_a_record_refuses_every_value_its_field_rule_forbids(
    record: AnyRecord, field: str, value: object
) -> None:
    with pytest.raises(ValidationError) as caught:
        attrs.evolve(record, **{field: value})  # type: ignore[arg-type]  # a forbidden value
    assert field in caught.value.fields


def test_every_field_of_every_record_names_its_rule() -> None:
    for record in RECORDS:
        named = f.rules_of(type(record))
        assert [a.name for a in attrs.fields(type(record))] == list(named)


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: type(r).__name__)
def test_valid_records_build_and_read_back_from_a_store_unchanged(record: AnyRecord) -> None:
    assert attrs.evolve(record) == record
    values = attrs.astuple(record, recurse=False)
    assert type(record).from_store(*values) == record


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"status": JobStatus.IN_PROGRESS}, "completed_at"),  # open, yet completed at a time
        ({"completed_at": None}, "completed_at"),  # completed, but when?
        ({"paid": False, "amount_paid": Decimal("0.00")}, "paid_at"),  # paid at, yet unpaid
        ({"amount_paid": Decimal("135.49")}, "paid"),  # paid, though a cent short
        ({"paid": False, "paid_at": None}, "paid"),  # unpaid, though it holds its cost
    ],
)
def test_a_job_keeps_its_status_and_payment_consistent(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        attrs.evolve(JOB, **changes)
    assert caught.value.fields == (field,)
    assert attrs.evolve(JOB, paid_at=None).paid  # a paid job may lack its payment time


def test_an_accounts_calendar_is_both_fields_or_neither() -> None:
    halves: list[dict[str, Any]] = [{"timezone": None}, {"week_start": None}]
    for changes in halves:
        with pytest.raises(ValidationError) as caught:
            attrs.evolve(USER, **changes)
        assert caught.value.fields == ("week_start",)
    plain = attrs.evolve(USER, timezone=None, week_start=None)
    tokyo = BusinessCalendar("Asia/Tokyo", week_start=6)
    assert plain.calendar(tokyo) == tokyo  # an account without one uses the application's
    assert USER.calendar(tokyo) == BusinessCalendar("Europe/Berlin", week_start=0)


def test_every_bad_field_is_named_at_once() -> None:
    with pytest.raises(ValidationError) as caught:
        attrs.evolve(CUSTOMER, name=" Ada", email="nope", phone="1" * 51)
    assert set(caught.value.fields) == {"name", "email", "phone"}


def test_parse_cleans_untrusted_data_into_a_record() -> None:
    raw = {f: getattr(CUSTOMER, f) for f in f.rules_of(Customer)} | {
        "name": "  Ada ",
        "phone": "",
        "created_at": "2025-07-06T11:00:00+02:00",
    }
    parsed = Customer.parse(raw)
    assert (parsed.name, parsed.phone, parsed.created_at) == ("Ada", None, NOW)
    with pytest.raises(ValidationError) as caught:
        Customer.parse(raw | {"colour": "red", "email": "nope"} | {"id": None})
    assert set(caught.value.fields) == {"colour", "email", "id"}


def test_the_password_hash_stays_out_of_repr() -> None:
    assert TEST_HASH not in repr(USER) and "0" * 64 not in repr(SESSION)
