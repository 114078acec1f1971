"""The JSON Schema of the interchange's shapes says what the converter writes and reads.

The schemas are made from the same declarations as the converter's hooks (attrs fields
and their rules), so these tests check the two readings agree: every record the converter
writes validates against its schema; every request the core accepts validates against
the request's schema; and the schema refuses what the converter would refuse by type.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from jobtrack_core.commands import CustomerChanges, NewCustomer, NewJob
from jobtrack_core.entities import Customer, Job, PaymentMethod, User
from jobtrack_core.periods import BusinessCalendar
from jobtrack_core.reports import CashPeriod, CashTotal
from jobtrack_core.testing.strategies import customer_fields, customers, job_fields, jobs, users
from jobtrack_interchange.converter import unstructure
from jobtrack_interchange.schema import Schemas


def validator(cls: type) -> Draft202012Validator:
    """A validator of ``cls``'s schema that resolves the references it holds."""
    shapes = Schemas()
    name = shapes.name(cls)
    registry: Registry[Any] = Registry().with_resource(
        "urn:shapes",
        Resource.from_contents(
            {
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "components": {"schemas": shapes.components},
            }
        ),
    )
    rooted = {"$ref": f"urn:shapes#/components/schemas/{name}"}
    return Draft202012Validator(rooted, registry=registry, format_checker=None)


def errors_of(cls: type, value: object) -> list[str]:
    """Each problem of ``value``, as ``<where>: <what>``."""
    return [f"{e.json_path}: {e.message}" for e in validator(cls).iter_errors(value)]


@given(users(1))
def test_every_user_written_matches_its_schema(user: User) -> None:
    written = unstructure(user)
    assert "password_hash" not in written
    assert errors_of(User, written) == []


@given(customers("user-1"))
def test_every_customer_written_matches_its_schema(customer: Customer) -> None:
    assert errors_of(Customer, unstructure(customer)) == []


@given(st.data())
def test_every_job_written_matches_its_schema(data: st.DataObject) -> None:
    job = data.draw(jobs("user-1", ["c-1", "c-2"]))
    assert errors_of(Job, unstructure(job)) == []


@given(customer_fields())
def test_every_customer_the_core_accepts_is_a_valid_request(fields: dict[str, Any]) -> None:
    request = unstructure(NewCustomer(**fields))
    assert errors_of(NewCustomer, request) == []
    changes = {name: value for name, value in request.items() if name != "id"}
    assert errors_of(CustomerChanges, changes) == []


@given(job_fields())
def test_every_job_the_core_accepts_is_a_valid_request(fields: dict[str, Any]) -> None:
    request = unstructure(NewJob(customer_id="c-1", **fields))
    assert errors_of(NewJob, request) == []


@pytest.mark.parametrize(
    ("request_body", "field"),
    [
        ({"name": "Ada", "nickname": "A"}, "nickname"),
        ({"name": 5}, "name"),
        ({"name": "x" * 201}, "name"),
        ({}, "name"),
    ],
)
def test_the_schema_refuses_what_the_converter_refuses(
    request_body: dict[str, Any], field: str
) -> None:
    found = errors_of(NewCustomer, request_body)
    assert found and any(field in message for message in found), found


def test_money_is_a_decimal_string_in_answers_and_may_be_a_whole_number_in_requests() -> None:
    answer = Schemas().component(Job)["properties"]["estimated_cost"]
    asked = Schemas().component(NewJob)["properties"]["estimated_cost"]
    assert answer["type"] == ["string", "null"] and answer["pattern"].endswith(r"\.[0-9]{2}$")
    assert asked["type"] == ["string", "integer", "null"]


def test_a_pair_is_an_array_of_its_two_types() -> None:
    period = BusinessCalendar("UTC").period(date(2025, 7, 1), date(2025, 8, 1))
    cash = CashTotal(received=Decimal("12.50"), receipts=1)
    written = unstructure(CashPeriod(period, cash, ((PaymentMethod.CARD, cash),)))
    assert written["by_method"] == [["card", unstructure(cash)]]
    assert errors_of(CashPeriod, written) == []
    assert errors_of(CashPeriod, {**written, "by_method": [["card"]]}) != []
