"""The dashboard, customers and jobs."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from jobtrack_core.commands import CustomerChanges, NewCustomer, NewJob
from jobtrack_core.errors import (
    ConflictError,
    InvalidTransitionError,
    NotFoundError,
    ValidationError,
)
from jobtrack_core.queries import JobFilter
from jobtrack_core.workspace import Workspace
from jobtrack_web.auth import SignedIn
from jobtrack_web.pages.formats import STATUS_NAMES
from jobtrack_web.pages.forms import Form, fields, optional
from jobtrack_web.pages.session import field_errors, page

CUSTOMER_FIELDS = ("name", "email", "phone", "address", "business_name", "notes")
JOB_FIELDS = (
    "customer_id",
    "title",
    "description",
    "estimated_cost",
    "estimated_hours",
    "due_date",
)
JOBS_PER_PAGE = 25


@get("/", sync_to_thread=True)
def dashboard(request: Request[Any, Any, Any], ws: SignedIn) -> Template:
    return page(request, "dashboard.html", dash=ws.dashboard(), statuses=STATUS_NAMES)


# -- customers ------------------------------------------------------------------------
@get("/customers", sync_to_thread=True)
def customers(
    request: Request[Any, Any, Any], ws: SignedIn, q: FromQuery[str | None] = None
) -> Template:
    search = (q or "").strip()
    try:
        found = ws.search_customers(search) if search else ws.list_customers()
    except ValidationError as exc:
        return page(
            request, "customers.html", 422, customers=(), q=search, problem=str(exc.errors[0])
        )
    return page(request, "customers.html", customers=found, q=search)


@get("/customers/new", sync_to_thread=False)
def new_customer(request: Request[Any, Any, Any], ws: SignedIn) -> Template:
    return page(request, "customer_form.html", customer=None, form={})


@post("/customers", sync_to_thread=True)
def add_customer(request: Request[Any, Any, Any], ws: SignedIn, data: Form) -> Response[Any]:
    given = fields(data, *CUSTOMER_FIELDS)
    try:
        made = ws.add_customer(NewCustomer.parse(given))
    except ValidationError as exc:
        form = fields(data, *CUSTOMER_FIELDS)
        errors = field_errors(exc.errors)
        return page(request, "customer_form.html", 422, customer=None, form=form, errors=errors)
    return Redirect(f"/customers/{made.id}?saved=1", status_code=303)


@get("/customers/{customer_id:str}", sync_to_thread=True)
def customer(request: Request[Any, Any, Any], ws: SignedIn, customer_id: FromPath[str]) -> Template:
    found = ws.get_customer(customer_id)
    form = {name: getattr(found, name) for name in CUSTOMER_FIELDS}
    return page(
        request, "customer_form.html", customer=found, form=form, **_customer_jobs(ws, found.id)
    )


def _customer_jobs(ws: Workspace, customer_id: str) -> dict[str, Any]:
    return {
        "jobs": ws.customer_history(customer_id, limit=20).items,
        "stats": ws.customer_stats(customer_id),
    }


@post("/customers/{customer_id:str}", sync_to_thread=True)
def update_customer(
    request: Request[Any, Any, Any], ws: SignedIn, customer_id: FromPath[str], data: Form
) -> Response[Any]:
    found = ws.get_customer(customer_id)
    given = fields(data, *CUSTOMER_FIELDS)
    try:
        ws.update_customer(found.id, CustomerChanges.parse(given))
    except (ValidationError, ConflictError) as exc:
        errors = (
            field_errors(exc.errors)
            if isinstance(exc, ValidationError)
            else {exc.field: exc.message}
        )
        return page(
            request,
            "customer_form.html",
            422 if isinstance(exc, ValidationError) else 409,
            customer=found,
            form=given,
            errors=errors,
            **_customer_jobs(ws, found.id),
        )
    return Redirect(f"/customers/{found.id}?saved=1", status_code=303)


# -- jobs -----------------------------------------------------------------------------
@get("/jobs", sync_to_thread=True)
def jobs(
    request: Request[Any, Any, Any],
    ws: SignedIn,
    status: FromQuery[str | None] = None,
    customer: FromQuery[str | None] = None,
    paid: FromQuery[str | None] = None,
    text: FromQuery[str | None] = None,
    after: FromQuery[str | None] = None,
) -> Template:
    chosen = {
        "status": status or "",
        "customer": customer or "",
        "paid": paid or "",
        "text": (text or "").strip(),
    }
    everyone = ws.list_customers()
    names = {c.id: c.name for c in everyone}
    context: dict[str, Any] = {"chosen": chosen, "customers": everyone, "names": names}
    context["statuses"] = STATUS_NAMES
    try:
        where = JobFilter.parse(
            {
                "statuses": chosen["status"] or None,
                "customer_id": chosen["customer"] or None,
                "paid": {"yes": True, "no": False}.get(chosen["paid"], chosen["paid"] or None),
                "text": chosen["text"] or None,
            }
        )
        found = ws.list_jobs_page(where, limit=JOBS_PER_PAGE, after=after or None)
    except ValidationError as exc:
        errors = field_errors(exc.errors)
        errors = {_FILTER_NAMES.get(k, k): v for k, v in errors.items()}
        return page(request, "jobs.html", 422, jobs=(), next=None, errors=errors, **context)
    more = None
    if found.next:
        kept = {k: v for k, v in chosen.items() if v}
        more = "&".join(
            f"{k}={quote(v, safe='')}" for k, v in {**kept, "after": found.next}.items()
        )
    return page(request, "jobs.html", jobs=found.items, next=more, **context)


_FILTER_NAMES = {"statuses": "status", "customer_id": "customer", "after": "text"}


@get("/jobs/new", sync_to_thread=True)
def new_job(
    request: Request[Any, Any, Any], ws: SignedIn, customer: FromQuery[str | None] = None
) -> Template:
    return page(
        request,
        "job_form.html",
        customers=ws.list_customers(),
        form={"customer_id": customer or ""},
    )


@post("/jobs", sync_to_thread=True)
def add_job(request: Request[Any, Any, Any], ws: SignedIn, data: Form) -> Response[Any]:
    given = fields(data, *JOB_FIELDS)
    try:
        made = ws.create_job(NewJob.parse(given))
    except ValidationError as exc:
        return page(
            request,
            "job_form.html",
            422,
            customers=ws.list_customers(),
            form=fields(data, *JOB_FIELDS),
            errors=field_errors(exc.errors),
        )
    return Redirect(f"/jobs/{made.id}?done=created", status_code=303)


def _job_page(
    request: Request[Any, Any, Any],
    ws: Workspace,
    job_id: str,
    status: int = 200,
    **context: Any,
) -> Template:
    found = ws.get_job(job_id)
    context.setdefault(
        "completion",
        {"actual_cost": found.estimated_cost, "actual_hours": found.estimated_hours},
    )
    return page(
        request,
        "job.html",
        status,
        job=found,
        customer=ws.get_customer(found.customer_id),
        statuses=STATUS_NAMES,
        **context,
    )


@get("/jobs/{job_id:str}", sync_to_thread=True)
def job(request: Request[Any, Any, Any], ws: SignedIn, job_id: FromPath[str]) -> Template:
    return _job_page(request, ws, job_id)


def _act(
    request: Request[Any, Any, Any], ws: Workspace, job_id: str, action: str, data: Form
) -> Response[Any]:
    found = ws.get_job(job_id)
    try:
        if action == "start":
            ws.start_job(found.id)
        elif action == "complete":
            ws.complete_job(
                found.id,
                actual_cost=optional(data, "actual_cost"),
                actual_hours=optional(data, "actual_hours"),
            )
        elif action == "cancel":
            ws.cancel_job(found.id)
        else:
            ws.mark_paid(found.id)
    except ValidationError as exc:
        completion = fields(data, "actual_cost", "actual_hours")
        return _job_page(
            request, ws, found.id, 422, errors=field_errors(exc.errors), completion=completion
        )
    except (InvalidTransitionError, ConflictError) as exc:
        return _job_page(request, ws, found.id, 409, problem=_said(exc))
    return Redirect(f"/jobs/{found.id}?done={action}", status_code=303)


def _said(exc: Exception) -> str:
    if isinstance(exc, InvalidTransitionError):
        return (
            f"This job is {STATUS_NAMES.get(exc.current, exc.current).lower()}: it cannot "
            f"become {STATUS_NAMES.get(exc.requested, exc.requested).lower()}."
        )
    return str(getattr(exc, "message", exc))


#: The moves a job's page offers, each a button posting to ``/jobs/{id}/{move}``.
MOVES = ("start", "complete", "cancel", "paid")


@post("/jobs/{job_id:str}/{move:str}", sync_to_thread=True)
def move_job(
    request: Request[Any, Any, Any],
    ws: SignedIn,
    job_id: FromPath[str],
    move: FromPath[str],
    data: Form,
) -> Response[Any]:
    """One of the job page's buttons: start, complete, cancel or mark paid."""
    if move not in MOVES:
        raise NotFoundError("page", move)
    return _act(request, ws, job_id, move, data)


ROUTES = [
    dashboard,
    customers,
    new_customer,
    add_customer,
    customer,
    update_customer,
    jobs,
    new_job,
    add_job,
    job,
    move_job,
]
