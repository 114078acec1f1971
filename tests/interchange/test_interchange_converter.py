"""The converter: JSON shapes of every entity, strict structuring, the commands frontends send."""

from __future__ import annotations

import enum
import json
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobtrack_core import (
    Customer,
    Deleted,
    Job,
    JobFilter,
    JobStatus,
    LoginSession,
    User,
    ValidationError,
)
from jobtrack_core.entities import Payment, PaymentKind, PaymentMethod
from jobtrack_core.pagination import Page
from jobtrack_core.reports import PeriodRevenue
from jobtrack_core.service import Login
from jobtrack_core.testing import FakeClock
from jobtrack_core.testing import strategies as js
from jobtrack_interchange import (
    Credentials,
    CustomerChanges,
    JobChanges,
    JobCompletion,
    NewCustomer,
    NewJob,
    ProfileChanges,
    Registration,
    dumps,
    loads,
    structure,
    unstructure,
)
from jobtrack_interchange.converter import converter

from .interchange_helpers import populate

MOMENT = datetime(2025, 7, 6, 9, 0, 0, 123456, tzinfo=UTC)
moments = st.datetimes(
    min_value=datetime(1970, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)
)
ids = st.text("abcdef0123456789-", min_size=1, max_size=12)


def customers() -> st.SearchStrategy[Customer]:
    return st.builds(
        Customer,
        id=ids,
        user_id=ids,
        name=js.text_field("name", required=True),
        email=st.none() | js.emails,
        phone=js.text_field("phone"),
        address=js.text_field("address"),
        business_name=js.text_field("business_name"),
        notes=js.text_field("notes"),
        created_at=moments,
        updated_at=moments,
    )


@st.composite
def jobs(draw: st.DrawFn) -> Job:
    """Any valid job: completed exactly when it has a completion time, paid when it has
    a payment time."""
    status = draw(st.sampled_from(JobStatus))
    paid = draw(st.booleans())
    actual_cost = draw(js.optional_amounts())
    title = draw(js.text_field("title", required=True))
    assert title is not None  # a required field's text is never None
    return Job(
        id=draw(ids),
        user_id=draw(ids),
        customer_id=draw(ids),
        title=title,
        description=draw(js.text_field("description")),
        status=status,
        estimated_cost=draw(js.optional_amounts()),
        actual_cost=actual_cost,
        estimated_hours=draw(js.optional_amounts()),
        actual_hours=draw(js.optional_amounts()),
        due_date=draw(js.due_dates),
        paid=paid,
        paid_at=draw(st.none() | moments) if paid else None,
        completed_at=draw(moments) if status is JobStatus.COMPLETED else None,
        created_at=draw(moments),
        updated_at=draw(moments),
        amount_paid=actual_cost if paid and actual_cost else Decimal("0.00"),
    )


def _job(**changes: Any) -> Job:
    base = Job(
        id="j1",
        user_id="u1",
        customer_id="c1",
        title="Fix sink",
        description=None,
        status=JobStatus.COMPLETED,
        estimated_cost=Decimal("12.50"),
        actual_cost=Decimal("1000000.00"),
        estimated_hours=None,
        actual_hours=Decimal("1.25"),
        due_date=date(2025, 7, 10),
        paid=True,
        paid_at=MOMENT,
        completed_at=MOMENT,
        created_at=MOMENT,
        updated_at=MOMENT,
        amount_paid=Decimal("1000000.00"),
    )
    return attrs.evolve(base, **changes)


# -- shapes -------------------------------------------------------------------------------
def test_job_shape_money_as_decimal_strings_times_with_offset_status_by_value() -> None:
    data = unstructure(_job())
    assert data == {
        "id": "j1",
        "user_id": "u1",
        "customer_id": "c1",
        "title": "Fix sink",
        "description": None,
        "status": "completed",
        "estimated_cost": "12.50",
        "actual_cost": "1000000.00",
        "estimated_hours": None,
        "actual_hours": "1.25",
        "due_date": "2025-07-10",
        "paid": True,
        "paid_at": "2025-07-06T09:00:00.123456+00:00",
        "completed_at": "2025-07-06T09:00:00.123456+00:00",
        "created_at": "2025-07-06T09:00:00.123456+00:00",
        "updated_at": "2025-07-06T09:00:00.123456+00:00",
        "version": 1,
        "amount_paid": "1000000.00",
    }
    assert type(data["status"]) is str
    assert json.loads(json.dumps(data)) == data


def _payment(**changes: Any) -> Payment:
    base = Payment(
        id="p1",
        user_id="u1",
        job_id="j1",
        kind=PaymentKind.DEPOSIT,
        method=PaymentMethod.BANK_TRANSFER,
        amount=Decimal("50.00"),
        received_on=date(2025, 7, 5),
        reference="=SUM(A1)",
        note=None,
        recorded_at=MOMENT,
        voided_at=MOMENT,
        void_reason="typed twice",
    )
    return attrs.evolve(base, **changes)


def test_payment_shape_every_field_plain_and_back() -> None:
    data = unstructure(_payment())
    assert data == {
        "id": "p1",
        "user_id": "u1",
        "job_id": "j1",
        "kind": "deposit",
        "method": "bank_transfer",
        "amount": "50.00",
        "received_on": "2025-07-05",
        "reference": "=SUM(A1)",
        "note": None,
        "recorded_at": "2025-07-06T09:00:00.123456+00:00",
        "by_mark_paid": False,
        "voided_at": "2025-07-06T09:00:00.123456+00:00",
        "void_reason": "typed twice",
        "version": 1,
        "invoice_id": None,
    }
    assert structure(json.loads(json.dumps(data)), Payment) == _payment()
    with pytest.raises(ValidationError) as caught:
        structure({**data, "amount": 5.0, "kind": "gift", "void_reason": None}, Payment)
    assert {"amount", "kind"} <= set(caught.value.fields)


def test_user_never_shows_its_password_hash_nor_a_session_its_token_hash() -> None:
    user = User("u1", "sam@example.com", "Sam", None, "$argon2id$secret", MOMENT, MOMENT)
    session = LoginSession("s1", "u1", "ab" * 32, MOMENT, MOMENT, MOMENT)
    profile = unstructure(user)
    assert "password_hash" not in profile and profile["email"] == "sam@example.com"
    assert "token_hash" not in unstructure(session)
    login = unstructure(Login("the-token", session, user))
    assert login["token"] == "the-token" and "password_hash" not in login["user"]
    assert "secret" not in dumps(login) and "ab" * 32 not in dumps(login)


def test_deleted_filter_and_decimal_without_exponent() -> None:
    assert unstructure(Deleted(customers=1, jobs=3)) == {
        "users": 0,
        "customers": 1,
        "jobs": 3,
        "sessions": 0,
        "payments": 0,
        "quotes": 0,
        "invoices": 0,
    }
    both = JobFilter(statuses=frozenset({JobStatus.PENDING, JobStatus.COMPLETED}))
    assert unstructure(both)["statuses"] == ["completed", "pending"]
    assert unstructure(Decimal("1E+3")) == "1000"


@given(customers())
def test_customers_round_trip(customer: Customer) -> None:
    assert structure(json.loads(json.dumps(unstructure(customer))), Customer) == customer


@given(jobs())
def test_jobs_round_trip(job: Job) -> None:
    assert structure(json.loads(json.dumps(unstructure(job))), Job) == job


class Tier(enum.Enum):
    GOLD = "gold"


@attrs.frozen
class MonthFigure:
    """Stands for any report type: attrs with Decimal, date, datetime, status, nesting."""

    month: date
    total: Decimal
    statuses: tuple[JobStatus, ...]
    by_day: dict[date, Decimal]
    tier: Tier
    at: datetime | None = None


@attrs.frozen
class Report:
    rows: tuple[MonthFigure, ...]
    per_month: dict[int, Decimal]


def test_new_attrs_types_need_no_code() -> None:
    report = Report(
        rows=(
            MonthFigure(
                date(2025, 7, 1),
                Decimal("10.50"),
                (JobStatus.PENDING,),
                {date(2025, 7, 2): Decimal("3.00")},
                Tier.GOLD,
                MOMENT,
            ),
        ),
        per_month={7: Decimal("10.50")},
    )
    data = json.loads(dumps(report))
    assert data["rows"][0]["by_day"] == {"2025-07-02": "3.00"}
    assert data["rows"][0]["tier"] == "gold" and data["per_month"] == {"7": "10.50"}
    again = unstructure(report)
    assert structure(again, Report) == report


def test_the_reports_module_types_are_all_convertible() -> None:
    reports = pytest.importorskip("jobtrack_core.reports")
    classes = [v for v in vars(reports).values() if isinstance(v, type) and attrs.has(v)]
    assert classes
    for cls in classes:
        converter.get_unstructure_hook(cls)
        converter.get_structure_hook(cls)


# -- strict structuring -----------------------------------------------------------------
def test_structuring_lists_every_bad_field_by_path() -> None:
    body = {
        "id": 5,
        "user_id": "u",
        "status": "bogus",
        "estimated_cost": 1.5,
        "paid": 1,
        "extra": True,
        "due_date": "2025-02-30",
        "created_at": "2025-01-01T00:00",
    }
    with pytest.raises(ValidationError) as caught:
        structure(body, Job)
    fields = set(caught.value.fields)
    assert {"id", "status", "estimated_cost", "paid", "extra", "due_date", "created_at"} <= fields
    assert {"customer_id", "title", "updated_at"} <= fields  # missing ones too
    messages = dict((e.field, e.message) for e in caught.value.errors)
    assert "inexact" in messages["estimated_cost"]
    assert "offset" in messages["created_at"]
    assert messages["customer_id"] == "is required"


def test_nested_paths_name_the_element() -> None:
    with pytest.raises(ValidationError) as caught:
        structure([unstructure(_job()), {"id": 1}, "x"], list[Job], path="jobs")
    fields = caught.value.fields
    assert "jobs[1].id" in fields and "jobs[2]" in fields
    assert not any(f.startswith("jobs[0]") for f in fields)
    with pytest.raises(ValidationError, match="must be a list"):
        structure("abc", list[Job], path="jobs")


def test_a_datetime_with_another_offset_becomes_utc() -> None:
    data = unstructure(_job()) | {"created_at": "2025-07-06T11:00:00+02:00"}
    assert structure(data, Job).created_at == datetime(2025, 7, 6, 9, tzinfo=UTC)
    assert structure(data, Job).created_at.tzinfo is UTC
    data["created_at"] = "2025-07-06T09:00:00Z"
    assert structure(data, Job).created_at == datetime(2025, 7, 6, 9, tzinfo=UTC)
    assert (
        datetime(2025, 7, 6, 11, tzinfo=timezone(timedelta(hours=2)))
        == structure(data, Job).created_at
    )


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
    | st.decimals(allow_nan=False, allow_infinity=False),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
command_types = [
    NewCustomer,
    CustomerChanges,
    NewJob,
    JobChanges,
    JobCompletion,
    Registration,
    ProfileChanges,
    Credentials,
]
field_names = st.sampled_from(
    ["name", "email", "title", "customer_id", "estimated_cost", "due_date", "password", "id", "x"]
)


@given(
    st.sampled_from(command_types),
    json_values | st.dictionaries(field_names, json_values, max_size=6),
)
def test_untrusted_bodies_give_a_validation_error_or_a_command_never_anything_else(
    cls: type[Any], body: Any
) -> None:
    try:
        result = structure(body, cls)
    except ValidationError as exc:
        assert exc.errors
    else:
        assert isinstance(result, cls)


# -- commands -----------------------------------------------------------------------------
def test_new_customer_reports_type_and_domain_errors_together() -> None:
    with pytest.raises(ValidationError) as caught:
        structure({"name": "", "email": "bad", "phone": 5, "zzz": 1}, NewCustomer)
    assert set(caught.value.fields) == {"name", "email", "phone", "zzz"}


def test_new_job_refuses_floats_but_reads_exact_json_numbers() -> None:
    body = '{"customer_id": "c1", "title": "Fix", "estimated_cost": 12.5, "due_date": "2025-08-01"}'
    with pytest.raises(ValidationError, match="estimated_cost"):
        structure(json.loads(body), NewJob)
    new = structure(loads(body), NewJob)
    assert new.estimated_cost == Decimal("12.5") and new.due_date == date(2025, 8, 1)
    with pytest.raises(ValidationError) as caught:
        structure(loads('{"title": "", "actual_cost": "1.234"}'), NewJob)
    assert set(caught.value.fields) == {"customer_id", "title", "actual_cost"}
    with pytest.raises(ValidationError, match="not valid JSON"):
        loads("{nope")


def test_change_requests_tell_absent_from_null(make_app: Any) -> None:
    app = make_app()
    user = app.register(
        structure(
            {"email": "sam@example.com", "password": "correct horse", "name": "Sam"}, Registration
        )
    )
    credentials = structure({"email": "SAM@example.com", "password": "correct horse"}, Credentials)
    assert app.login(credentials.email, credentials.password).user.id == user.id
    ws = app.workspace(user.id)
    customer = ws.add_customer(structure({"name": "Ann", "email": "ann@example.com"}, NewCustomer))
    changes = structure({"email": None, "phone": "555"}, CustomerChanges)
    assert changes.given() == {"email": None, "phone": "555"}
    assert unstructure(changes) == {"email": None, "phone": "555"}
    updated = ws.update_customer(customer.id, changes)
    assert (updated.name, updated.email, updated.phone) == ("Ann", None, "555")
    with pytest.raises(ValidationError) as caught:
        structure({"title": None, "estimated_cost": "-1"}, JobChanges)
    assert set(caught.value.fields) == {"title", "estimated_cost"}

    job = ws.create_job(
        structure({"customer_id": customer.id, "title": "Fix", "estimated_cost": "20"}, NewJob)
    )
    assert job.estimated_cost == Decimal("20.00")
    job = ws.update_job(job.id, structure({"due_date": "2025-09-01"}, JobChanges))
    assert job.due_date == date(2025, 9, 1) and job.title == "Fix"
    ws.start_job(job.id)
    done = ws.complete_job(job.id, structure({"actual_cost": "25.50"}, JobCompletion))
    assert done.status is JobStatus.COMPLETED and done.actual_cost == Decimal("25.50")


def test_registration_checks_the_password_too() -> None:
    with pytest.raises(ValidationError) as caught:
        structure({"email": "x", "password": "short", "name": ""}, Registration)
    assert set(caught.value.fields) == {"email", "password", "name"}
    assert "short" not in repr(
        structure({"email": "a@b.co", "password": "long enough", "name": "A"}, Registration)
    )


def test_the_service_reports_convert_and_come_back(make_app: Any) -> None:
    clock = FakeClock()
    app = make_app(clock=clock)
    ws = app.workspace(populate(app, clock))
    if not hasattr(ws, "dashboard"):
        pytest.skip("the reports are not there yet")
    customer = ws.list_customers()[0]
    samples: list[tuple[Any, Any]] = [
        (ws.dashboard(), None),
        (ws.estimate_accuracy(), None),
        (ws.customer_stats(customer.id), None),
        (ws.list_jobs_page(limit=2), Page[Job]),
        (ws.revenue_by_month(2025), tuple[PeriodRevenue, ...]),
    ]
    for value, as_type in samples:
        text = json.dumps(unstructure(value))
        assert structure(json.loads(text), as_type or type(value)) == value


#: JSON nested far deeper than Python's parser can follow.
DEEP = '{"customers": ' + "[" * 100_000 + "]" * 100_000 + "}"


@pytest.mark.parametrize("text", [DEEP, DEEP.encode()])
def test_loads_refuses_json_nested_too_deeply(text: str | bytes) -> None:
    with pytest.raises(ValidationError) as caught:
        loads(text)
    assert caught.value.fields == ("body",)
    assert "nested too deeply" in caught.value.errors[0].message
