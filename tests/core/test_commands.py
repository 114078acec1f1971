"""Commands: what callers ask for, cleaned and checked once, all problems at once."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jobtrack_core import fields as f
from jobtrack_core.commands import (
    UNSET,
    CustomerChanges,
    JobChanges,
    JobCompletion,
    NewCustomer,
    NewJob,
    ProfileChanges,
    Registration,
)
from jobtrack_core.errors import ValidationError
from jobtrack_core.queries import JobFilter
from jobtrack_core.status import JobStatus


def test_a_command_cleans_its_fields() -> None:
    job = NewJob(customer_id="c-1", title=" Paint ", estimated_cost=Decimal("7"), due_date=None)
    assert (job.title, job.estimated_cost) == ("Paint", Decimal("7.00"))
    parsed = NewJob.parse({"customer_id": "c-1", "title": "Paint", "due_date": "2025-07-06"})
    assert parsed.due_date is not None and parsed.due_date.isoformat() == "2025-07-06"


def test_parse_names_unknown_missing_and_bad_fields_together() -> None:
    with pytest.raises(ValidationError) as caught:
        NewJob.parse({"estimated_cost": 1.5, "colour": "red", "id": "a b"})
    assert set(caught.value.fields) == {"customer_id", "title", "estimated_cost", "id", "colour"}


def test_changes_hold_only_what_was_given_and_none_clears() -> None:
    changes = JobChanges(title="Paint", description=None, actual_cost=UNSET)
    assert changes.given() == {"title": "Paint", "description": None}
    assert changes.title == "Paint" and changes.estimated_cost is UNSET
    assert JobChanges() == JobChanges.parse({}) and not JobChanges()
    assert changes == JobChanges.parse({"title": " Paint", "description": ""})
    with pytest.raises(ValidationError) as caught:
        JobChanges(title=None, estimated_cost="1.234", id="x")
    assert set(caught.value.fields) == {"title", "estimated_cost", "id"}


def test_changes_follow_the_same_rule_as_the_command() -> None:
    for changes, command in (
        (CustomerChanges, NewCustomer),
        (JobChanges, NewJob),
        (ProfileChanges, Registration),
    ):
        rules = f.rules_of(command)
        assert all(rules[name] is rule for name, rule in changes.rules.items())
    assert set(JobCompletion.rules) == {"actual_cost", "actual_hours"}
    assert "id" not in JobChanges.rules and "password" not in ProfileChanges.rules


def test_registration_keeps_the_password_out_of_repr_and_lower_cases_the_email() -> None:
    made = Registration(email=" Sam@Example.COM ", password="pipes and wrenches", name="Sam")
    assert made.email == "sam@example.com"
    assert "pipes" not in repr(made)
    with pytest.raises(ValidationError) as caught:
        Registration(email="x", password="short", name=" ", timezone="Mars/Base", week_start=9)
    assert set(caught.value.fields) == {"email", "password", "name", "timezone", "week_start"}


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"statuses": "bogus"}, "statuses"),
        ({"statuses": 5}, "statuses"),
        ({"paid": "yes"}, "paid"),
        ({"due_from": "garbage"}, "due_from"),
        ({"due_to": "20250101"}, "due_to"),
        ({"customer_id": 5}, "customer_id"),
        ({"text": 5}, "text"),
        ({"text": "x" * 201}, "text"),
    ],
)
def test_a_bad_job_filter_is_refused_by_name(given: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        JobFilter.parse(given)
    assert caught.value.fields == (field,)


def test_a_job_filter_takes_a_status_or_several() -> None:
    one = JobFilter(statuses="pending")  # type: ignore[arg-type]  # a status's name is taken too
    assert one.statuses == frozenset({JobStatus.PENDING})
    both = JobFilter.parse({"statuses": ["pending", JobStatus.COMPLETED]})
    assert both.statuses == frozenset({JobStatus.PENDING, JobStatus.COMPLETED})
