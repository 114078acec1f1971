"""Quotes: list (by cursor), write, read, change, delete; send, accept, decline, expire;
the quote a job was made from; the quote as a document."""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs
from litestar import Request, Response, Router
from litestar.params import FromPath, JSONBody, Parameter

from jobtrack_core import fields as f
from jobtrack_core.commands import Command, NewQuote, QuoteChanges
from jobtrack_core.documents import Quote, QuoteStatus
from jobtrack_core.entities import Deleted
from jobtrack_core.errors import NotFoundError
from jobtrack_core.fields import rule
from jobtrack_core.queries import QuoteFilter
from jobtrack_documents import quote_html, quote_pdf
from jobtrack_web.api.billing import HTML, PDF, choice_parameter, newest_first, rendered
from jobtrack_web.api.paging import after_parameter, limit_parameter
from jobtrack_web.api.verbs import delete, get, patch, post
from jobtrack_web.api.versions import ETAG, if_version, tagged
from jobtrack_web.auth import SignedIn
from jobtrack_web.problems import responses


@attrs.frozen
class QuotePage:
    """One page of quotes, newest first; ``next`` is the cursor of the next page
    (``after``), or null on the last."""

    items: tuple[Quote, ...]
    next: str | None


@attrs.frozen(kw_only=True)
class QuoteSending(Command):
    """When a draft quote is sent; the body may be left out (sent today)."""

    sent_on: date | None = rule(f.DAY, default=None, help="the day it is sent (today if left out)")


def _at(quote: Quote) -> str:
    return f"/api/quotes/{quote.id}"


@get("/", responses=responses(422))
def list_quotes(
    ws: SignedIn,
    customer_id: str | None = Parameter(
        default=None, max_length=f.MAX_ID_LENGTH, description="Only this customer's quotes."
    ),
    status: str | None = choice_parameter(QuoteStatus, "Only quotes in this status."),
    limit: int = limit_parameter(),
    after: str | None = after_parameter(),
) -> QuotePage:
    """This business's quotes, newest first, a page at a time."""
    found = ws.list_quotes(QuoteFilter.parse({"customer_id": customer_id, "status": status}))
    items, more = newest_first(found, limit, after)
    return QuotePage(tuple(items), more)


@post("/", status_code=201, responses=responses(404, 409, 422), response_headers=[ETAG])
def create_quote(data: JSONBody[NewQuote], ws: SignedIn) -> Response[Quote]:
    """Write a draft quote for a customer (404 if the customer is not this account's).
    A create that carries its own ``id`` is safe to send again."""
    made = ws.create_quote(data)
    return tagged(made, 201, location=_at(made))


@post("/expire", status_code=200)
def expire_quotes(ws: SignedIn) -> tuple[Quote, ...]:
    """Every sent quote past its ``valid_until`` becomes expired; the answer lists them."""
    return tuple(ws.expire_quotes())


@get("/{quote_id:str}", responses=responses(404), response_headers=[ETAG])
def get_quote(quote_id: FromPath[str], ws: SignedIn) -> Response[Quote]:
    """One quote."""
    return tagged(ws.get_quote(quote_id))


@patch("/{quote_id:str}", responses=responses(404, 409, 412, 422), response_headers=[ETAG])
def update_quote(
    request: Request[Any, Any, Any],
    quote_id: FromPath[str],
    data: JSONBody[QuoteChanges],
    ws: SignedIn,
) -> Response[Quote]:
    """Change a draft quote's title, lines, notes or validity (409 once it is sent);
    ``If-Match`` guards it."""
    return tagged(ws.update_quote(quote_id, data, if_version=if_version(request)))


@delete("/{quote_id:str}", status_code=200, responses=responses(404, 409, 412, 422))
def delete_quote(request: Request[Any, Any, Any], quote_id: FromPath[str], ws: SignedIn) -> Deleted:
    """Delete a draft quote (a sent one is kept: 409); the answer counts what went."""
    return ws.delete_quote(quote_id, if_version=if_version(request))


@post(
    "/{quote_id:str}/send",
    status_code=200,
    responses=responses(404, 409, 412, 422),
    response_headers=[ETAG],
)
def send_quote(
    request: Request[Any, Any, Any],
    quote_id: FromPath[str],
    ws: SignedIn,
    data: JSONBody[QuoteSending | None] = None,
) -> Response[Quote]:
    """Send a draft quote: it takes the next quote number, the day it is sent and a
    ``valid_until`` (its own, or after the business's ``quote_valid_days``). A quote
    without lines is refused (422)."""
    sent_on = data.sent_on if data is not None else None
    return tagged(ws.send_quote(quote_id, sent_on=sent_on, if_version=if_version(request)))


@post(
    "/{quote_id:str}/accept",
    status_code=200,
    responses=responses(404, 409, 412, 422),
    response_headers=[ETAG],
)
def accept_quote(
    request: Request[Any, Any, Any], quote_id: FromPath[str], ws: SignedIn
) -> Response[Quote]:
    """The customer accepts a sent quote (409 once it has expired): a pending job is made
    of it, and the quote's ``job_id`` names it."""
    return tagged(ws.accept_quote(quote_id, if_version=if_version(request)))


@post(
    "/{quote_id:str}/decline",
    status_code=200,
    responses=responses(404, 409, 412, 422),
    response_headers=[ETAG],
)
def decline_quote(
    request: Request[Any, Any, Any], quote_id: FromPath[str], ws: SignedIn
) -> Response[Quote]:
    """The customer declines a sent quote."""
    return tagged(ws.decline_quote(quote_id, if_version=if_version(request)))


@get(
    "/{quote_id:str}/document.html",
    media_type=HTML,
    responses=responses(404),
    return_dto=None,
)
def quote_document_html(quote_id: FromPath[str], ws: SignedIn) -> Response[str]:
    """The quote as one self-contained HTML page."""
    return rendered(lambda: quote_html(ws, quote_id), HTML)


@get(
    "/{quote_id:str}/document.pdf",
    media_type=PDF,
    responses=responses(404, 503),
    return_dto=None,
)
def quote_document_pdf(quote_id: FromPath[str], ws: SignedIn) -> Response[bytes]:
    """The quote as a PDF (503 where the server cannot make PDFs)."""
    return rendered(lambda: quote_pdf(ws, quote_id), PDF)


@get("/jobs/{job_id:str}/quote", responses=responses(404), response_headers=[ETAG])
def quote_of_job(job_id: FromPath[str], ws: SignedIn) -> Response[Quote]:
    """The accepted quote the job was made from (404 if it was made otherwise)."""
    found = ws.quote_of_job(job_id)
    if found is None:
        raise NotFoundError("quote of job", job_id)
    return tagged(found)


router = Router(
    "/quotes",
    route_handlers=[
        list_quotes,
        create_quote,
        expire_quotes,
        get_quote,
        update_quote,
        delete_quote,
        send_quote,
        accept_quote,
        decline_quote,
        quote_document_html,
        quote_document_pdf,
    ],
    tags=["quotes"],
)
#: ``GET /api/jobs/{job_id}/quote``: beside the jobs' own routes.
of_jobs = Router("/", route_handlers=[quote_of_job], tags=["quotes"])
