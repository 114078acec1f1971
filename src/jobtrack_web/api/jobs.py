"""Jobs: list (by cursor, filtered and sorted), create, read, change, delete; move them
through their statuses; mark them paid or unpaid; their payments, accuracy and history.

A job moves ``pending -> in_progress -> completed``, or to ``cancelled`` before it is
completed; any other move is a 409. Every write takes ``If-Match`` and answers the job
with its new ``ETag``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs
from litestar import Request, Response, Router
from litestar.params import FromPath, JSONBody, Parameter

from jobtrack_core import fields as f
from jobtrack_core.commands import Command, JobChanges, JobCompletion, NewJob
from jobtrack_core.entities import Deleted, HistoryEntry, Job, PaymentMethod, RecordKind
from jobtrack_core.errors import ValidationError
from jobtrack_core.pagination import MAX_PAGE_SIZE, JobPosition, JobSort
from jobtrack_core.queries import MAX_SEARCH_LENGTH, JobFilter
from jobtrack_core.reports import Accuracy
from jobtrack_web.api.paging import after_parameter, limit_parameter
from jobtrack_web.api.payments import PaymentPage, payment_page
from jobtrack_web.api.verbs import delete, get, patch, post
from jobtrack_web.api.versions import ETAG, if_version, tagged
from jobtrack_web.auth import SignedIn
from jobtrack_web.problems import responses


@attrs.frozen
class JobPage:
    """One page of jobs, in the order asked for (``sort``); ``next`` is the cursor of the
    next page (``after``, with the same ``sort``), or null on the last."""

    items: tuple[Job, ...]
    next: str | None


@attrs.frozen
class JobHistoryPage:
    """One page of a job's changes, newest first; ``next`` is the cursor of the next page
    (``after``), or null on the last."""

    items: tuple[HistoryEntry, ...]
    next: str | None


@attrs.frozen(kw_only=True)
class PaidMark(Command):
    """Mark a job paid: a payment of what is outstanding (its actual cost less what it
    holds) is recorded, by ``method`` (other if left out) on ``received_on`` (today)."""

    method: PaymentMethod | None = f.rule(
        f.Choice(PaymentMethod, optional=True),
        default=None,
        help="cash, card, check, bank_transfer or other",
    )
    received_on: date | None = f.rule(
        f.DAY, default=None, help="when (YYYY-MM-DD; today if left out)"
    )
    reference: str | None = f.rule(f.REFERENCE, default=None, help="a check number, a card slip")


#: The query parameters named otherwise than the filter's fields they fill.
_QUERY_NAMES = {"statuses": "status"}


def _job_filter(
    statuses: list[str] | None,
    customer_id: str | None,
    paid: bool | None,
    due_from: date | None,
    due_to: date | None,
    text: str | None,
    sort: str,
    after: str | None,
) -> tuple[JobFilter, JobSort]:
    """The filter and the order the query asks for; every bad parameter (the cursor too)
    in one error."""
    problems = f.Problems()
    order = problems.clean("sort", f.Choice(JobSort), sort)
    pieces = [p.strip() for given in statuses or () for p in given.split(",") if p.strip()]
    where = JobFilter()
    try:
        where = JobFilter.parse(
            {
                "statuses": pieces or None,
                "customer_id": customer_id,
                "paid": paid,
                "due_from": due_from,
                "due_to": due_to,
                "text": text,
            }
        )
    except ValidationError as bad:
        for error in bad.errors:
            problems.fail(_QUERY_NAMES.get(error.field, error.field), error.message)
    if after is not None and order is not None:
        try:
            JobPosition.decode(after, order)
        except ValidationError as bad:
            problems.errors += bad.errors
    problems.done()
    assert order is not None
    return where, order


STATUS_PARAMETER: Any = Parameter(
    default=None,
    description="Only jobs in these statuses (pending, in_progress, completed, cancelled): "
    "repeat the parameter, or separate them with commas.",
)
DUE_FROM_PARAMETER: Any = Parameter(
    default=None, description="Only jobs due on this day or later (YYYY-MM-DD)."
)
DUE_TO_PARAMETER: Any = Parameter(
    default=None, description="Only jobs due on this day or earlier (YYYY-MM-DD)."
)


@get("/", responses=responses(422))
def list_jobs(
    ws: SignedIn,
    status: list[str] | None = STATUS_PARAMETER,
    customer_id: str | None = Parameter(
        default=None,
        min_length=1,
        max_length=f.MAX_ID_LENGTH,
        description="Only this customer's jobs.",
    ),
    paid: bool | None = Parameter(
        default=None, description="Only paid jobs (true), or only unpaid ones (false)."
    ),
    due_from: date | None = DUE_FROM_PARAMETER,
    due_to: date | None = DUE_TO_PARAMETER,
    text: str | None = Parameter(
        default=None,
        max_length=MAX_SEARCH_LENGTH,
        description="Only jobs with this text in their title or description.",
    ),
    sort: str = Parameter(
        default=JobSort.NEWEST.value,
        description="newest (created, newest first), due (earliest due first, undated "
        "last), updated (last changed first) or title (A to Z).",
        schema_extra={"enum": [order.value for order in JobSort]},
    ),
    limit: int = limit_parameter(most=MAX_PAGE_SIZE),
    after: str | None = after_parameter(),
) -> JobPage:
    """This account's jobs matching every filter given, a page at a time. A cursor keeps
    its place while jobs are added and removed: no job is shown twice or skipped."""
    where, order = _job_filter(status, customer_id, paid, due_from, due_to, text, sort, after)
    found = ws.list_jobs_page(where, sort=order, limit=limit, after=after)
    return JobPage(found.items, found.next)


@post("/", status_code=201, responses=responses(404, 409, 422), response_headers=[ETAG])
def create_job(
    request: Request[Any, Any, Any], data: JSONBody[NewJob], ws: SignedIn
) -> Response[Job]:
    """Create a pending, unpaid job for one of this account's customers (404 if it is
    not one). A create that carries its own ``id`` is safe to send again: the same
    request returns the job it made; another request with that id is a 409."""
    made = ws.create_job(data)
    return tagged(made, 201, location=f"{request.url.path.rstrip('/')}/{made.id}")


@get("/{job_id:str}", responses=responses(404), response_headers=[ETAG])
def get_job(job_id: FromPath[str], ws: SignedIn) -> Response[Job]:
    """One job."""
    return tagged(ws.get_job(job_id))


@patch("/{job_id:str}", responses=responses(404, 412, 422), response_headers=[ETAG])
def update_job(
    request: Request[Any, Any, Any], job_id: FromPath[str], data: JSONBody[JobChanges], ws: SignedIn
) -> Response[Job]:
    """Change some of a job's fields (``null`` clears one); ``If-Match`` guards it. Its
    status and payment have their own requests."""
    return tagged(ws.update_job(job_id, data, if_version=if_version(request)))


@delete("/{job_id:str}", status_code=200, responses=responses(404, 409, 412, 422))
def delete_job(
    request: Request[Any, Any, Any],
    job_id: FromPath[str],
    ws: SignedIn,
    with_payments: bool = Parameter(default=False, description="Delete its payments too."),
) -> Deleted:
    """Delete a job; the answer counts what went. Refused (409) if an invoice bills it,
    or if it holds payments (voided ones too) unless ``with_payments=true``."""
    return ws.delete_job(job_id, if_version=if_version(request), with_payments=with_payments)


_MOVE = {
    "status_code": 200,
    "responses": responses(404, 409, 412, 422),
    "response_headers": [ETAG],
}


@post("/{job_id:str}/start", **_MOVE)
def start_job(
    request: Request[Any, Any, Any], job_id: FromPath[str], ws: SignedIn
) -> Response[Job]:
    """Start a pending job: it is then in progress."""
    return tagged(ws.start_job(job_id, if_version=if_version(request)))


@post("/{job_id:str}/complete", **_MOVE)
def complete_job(
    request: Request[Any, Any, Any],
    job_id: FromPath[str],
    ws: SignedIn,
    data: JSONBody[JobCompletion | None] = None,
) -> Response[Job]:
    """Complete a job in progress, with what it really cost and took if the body says
    (``actual_cost``, ``actual_hours``; the body may be left out). Its actual cost is
    then due: it is paid when its payments cover it."""
    return tagged(ws.complete_job(job_id, data, if_version=if_version(request)))


@post("/{job_id:str}/cancel", **_MOVE)
def cancel_job(
    request: Request[Any, Any, Any], job_id: FromPath[str], ws: SignedIn
) -> Response[Job]:
    """Cancel a job that is pending or in progress."""
    return tagged(ws.cancel_job(job_id, if_version=if_version(request)))


@post("/{job_id:str}/paid", **_MOVE)
def mark_paid(
    request: Request[Any, Any, Any],
    job_id: FromPath[str],
    ws: SignedIn,
    data: JSONBody[PaidMark | None] = None,
) -> Response[Job]:
    """Mark a job paid, in any status: a payment of what is outstanding is recorded (the
    body, which may be left out, says how and when). A paid job stays as it is."""
    mark = data or PaidMark()
    return tagged(
        ws.mark_paid(
            job_id,
            if_version=if_version(request),
            method=mark.method,
            received_on=mark.received_on,
            reference=mark.reference,
        )
    )


@post("/{job_id:str}/unpaid", **_MOVE)
def mark_unpaid(
    request: Request[Any, Any, Any], job_id: FromPath[str], ws: SignedIn
) -> Response[Job]:
    """Undo ``paid``: the payments it recorded are voided. Refused (409) if the job's
    other payments still cover what it has due. An unpaid job stays as it is."""
    return tagged(ws.mark_unpaid(job_id, if_version=if_version(request)))


@get("/{job_id:str}/accuracy", responses=responses(404))
def job_accuracy(job_id: FromPath[str], ws: SignedIn) -> Accuracy:
    """How the job's actual cost and hours compare with its estimates (nothing counts
    until it is completed)."""
    return ws.job_accuracy(job_id)


@get("/{job_id:str}/payments", responses=responses(404, 422))
def job_payments(
    job_id: FromPath[str],
    ws: SignedIn,
    limit: int = limit_parameter(),
    after: str | None = after_parameter(),
) -> PaymentPage:
    """The job's payments, voided ones included, in the order they were received."""
    job = ws.get_job(job_id)
    return payment_page(ws.list_payments(job_id=job.id), limit, after)


@get("/{job_id:str}/history", responses=responses(404, 422))
def job_history(
    job_id: FromPath[str],
    ws: SignedIn,
    limit: int = limit_parameter(most=MAX_PAGE_SIZE),
    after: str | None = after_parameter(),
) -> JobHistoryPage:
    """The job's changes, newest first: who made each, when, from where, and the fields
    it changed. A deleted job's history stays."""
    found = ws.history(RecordKind.JOB, job_id, limit=limit, after=after)
    if not found.items and after is None:
        ws.get_job(job_id)  # a job with no history left is still there; else 404
    return JobHistoryPage(found.items, found.next)


router = Router(
    "/jobs",
    route_handlers=[
        list_jobs,
        create_job,
        get_job,
        update_job,
        delete_job,
        start_job,
        complete_job,
        cancel_job,
        mark_paid,
        mark_unpaid,
        job_accuracy,
        job_payments,
        job_history,
    ],
    tags=["jobs"],
)
