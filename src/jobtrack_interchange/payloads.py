"""What a frontend sends: the bodies of create, change and login requests.

Build one from an untrusted body with :func:`jobtrack_interchange.structure`;
it refuses every bad field at once with a :class:`ValidationError` (types and
the domain's rules together), then hand it to the service::

    body = loads(request_text)                 # numbers with fractions become Decimal
    new = structure(body, NewJob)              # ValidationError lists every bad field
    job = new.create(workspace)

In the change payloads a field left out is not changed; a field given as
``null`` is cleared.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

import attrs

from jobtrack_core.entities import Customer, Job, User
from jobtrack_core.errors import FieldError, ValidationError
from jobtrack_core.service import UNSET, Jobtrack, Login, Unset, Workspace
from jobtrack_core.validation import (
    Checker,
    clean_account,
    clean_customer,
    clean_job,
    password_problem,
)
from jobtrack_interchange.converter import register_check


def _given(payload: Any) -> dict[str, Any]:
    return {
        a.name: getattr(payload, a.name)
        for a in attrs.fields(type(payload))
        if getattr(payload, a.name) is not UNSET
    }


@attrs.frozen(kw_only=True)
class NewCustomer:
    """Body of "add a customer". ``id`` is optional: a client may choose it (offline use)."""

    name: str
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    business_name: str | None = None
    notes: str | None = None
    id: str | None = None

    def create(self, workspace: Workspace) -> Customer:
        return workspace.add_customer(**attrs.asdict(self))


@attrs.frozen(kw_only=True)
class CustomerChanges:
    """Body of "change a customer": only the fields present change."""

    name: str | Unset = UNSET
    email: str | Unset | None = UNSET
    phone: str | Unset | None = UNSET
    address: str | Unset | None = UNSET
    business_name: str | Unset | None = UNSET
    notes: str | Unset | None = UNSET

    def given(self) -> dict[str, Any]:
        """The fields that were present in the body."""
        return _given(self)

    def apply(self, workspace: Workspace, customer_id: str) -> Customer:
        return workspace.update_customer(customer_id, **self.given())


@attrs.frozen(kw_only=True)
class NewJob:
    """Body of "create a job". Money and hours are decimal strings such as ``"12.50"``."""

    customer_id: str
    title: str
    description: str | None = None
    estimated_cost: Decimal | None = None
    estimated_hours: Decimal | None = None
    actual_cost: Decimal | None = None
    actual_hours: Decimal | None = None
    due_date: date | None = None
    id: str | None = None

    def create(self, workspace: Workspace) -> Job:
        fields = attrs.asdict(self)
        return workspace.create_job(fields.pop("customer_id"), fields.pop("title"), **fields)


@attrs.frozen(kw_only=True)
class JobChanges:
    """Body of "change a job": only the fields present change."""

    customer_id: str | Unset = UNSET
    title: str | Unset = UNSET
    description: str | Unset | None = UNSET
    estimated_cost: Decimal | Unset | None = UNSET
    actual_cost: Decimal | Unset | None = UNSET
    estimated_hours: Decimal | Unset | None = UNSET
    actual_hours: Decimal | Unset | None = UNSET
    due_date: date | Unset | None = UNSET

    def given(self) -> dict[str, Any]:
        return _given(self)

    def apply(self, workspace: Workspace, job_id: str) -> Job:
        return workspace.update_job(job_id, **self.given())


@attrs.frozen(kw_only=True)
class JobCompletion:
    """Body of "complete a job": optionally what it really cost and took."""

    actual_cost: Decimal | Unset | None = UNSET
    actual_hours: Decimal | Unset | None = UNSET

    def given(self) -> dict[str, Any]:
        return _given(self)

    def apply(self, workspace: Workspace, job_id: str) -> Job:
        return workspace.complete_job(job_id, **self.given())


@attrs.frozen(kw_only=True)
class Registration:
    """Body of "register"."""

    email: str
    password: str = attrs.field(repr=False)
    name: str
    business_name: str | None = None

    def register(self, app: Jobtrack) -> User:
        return app.register(**attrs.asdict(self))


@attrs.frozen(kw_only=True)
class Credentials:
    """Body of "log in"."""

    email: str
    password: str = attrs.field(repr=False)

    def login(self, app: Jobtrack) -> Login:
        return app.login(self.email, self.password)


# -- the domain's rules, reported together with the type errors ---------------------
def _known(raw: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in raw.items() if k in names}


def _only(errors: ValidationError, names: set[str]) -> None:
    kept = [e for e in errors.errors if e.field in names]
    if kept:
        raise ValidationError(kept)


def _check_customer(raw: Mapping[str, Any]) -> None:
    clean_customer(_known(raw, ("name", "email", "phone", "address", "business_name", "notes")))


def _check_customer_changes(raw: Mapping[str, Any]) -> None:
    given = _known(raw, ("name", "email", "phone", "address", "business_name", "notes"))
    try:
        clean_customer({"name": "x"} | given)
    except ValidationError as exc:
        _only(exc, set(given))


_JOB_KEYS = (
    "customer_id",
    "title",
    "description",
    "estimated_cost",
    "actual_cost",
    "estimated_hours",
    "actual_hours",
    "due_date",
)


def _check_job(raw: Mapping[str, Any]) -> None:
    clean_job(_known(raw, _JOB_KEYS))


def _check_job_changes(raw: Mapping[str, Any]) -> None:
    given = _known(raw, _JOB_KEYS)
    try:
        clean_job({"customer_id": "x", "title": "x"} | given)
    except ValidationError as exc:
        _only(exc, set(given))


def _check_completion(raw: Mapping[str, Any]) -> None:
    check = Checker()
    for name in ("actual_cost", "actual_hours"):
        if name in raw:
            check.amount(name, raw[name])
    check.done()


def _check_registration(raw: Mapping[str, Any]) -> None:
    errors: list[FieldError] = []
    try:
        clean_account(_known(raw, ("email", "name", "business_name")))
    except ValidationError as exc:
        errors.extend(exc.errors)
    problem = password_problem(raw.get("password"))
    if problem and "password" in raw:
        errors.append(FieldError("password", problem))
    if errors:
        raise ValidationError(errors)


register_check(NewCustomer, _check_customer)
register_check(CustomerChanges, _check_customer_changes)
register_check(NewJob, _check_job)
register_check(JobChanges, _check_job_changes)
register_check(JobCompletion, _check_completion)
register_check(Registration, _check_registration)

__all__ = [
    "Credentials",
    "CustomerChanges",
    "JobChanges",
    "JobCompletion",
    "NewCustomer",
    "NewJob",
    "Registration",
]
