"""Invoices and credit notes: list (by cursor), write, read, change, delete; issue, void,
credit; payments made to them; overdue ones; the invoice as a document."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import attrs
from litestar import Request, Response, Router
from litestar.params import FromPath, JSONBody, Parameter

from jobtrack_core import fields as f
from jobtrack_core.billing import OVERDUE_LIMIT
from jobtrack_core.commands import LINE_REQUESTS, Command, InvoiceChanges, LineRequest, NewInvoice
from jobtrack_core.documents import Invoice, InvoiceKind, InvoiceStatus, Line
from jobtrack_core.entities import Deleted, Payment, PaymentMethod
from jobtrack_core.fields import rule
from jobtrack_core.pagination import MAX_PAGE_SIZE
from jobtrack_core.queries import InvoiceFilter
from jobtrack_documents import invoice_html, invoice_pdf
from jobtrack_web.api.billing import HTML, PDF, choice_parameter, newest_first, rendered
from jobtrack_web.api.paging import after_parameter, limit_parameter
from jobtrack_web.api.verbs import delete, get, patch, post
from jobtrack_web.api.versions import ETAG, if_version, tagged
from jobtrack_web.auth import SignedIn
from jobtrack_web.problems import responses


@attrs.frozen
class InvoicePage:
    """One page of invoices and credit notes, newest first; ``next`` is the cursor of the
    next page (``after``), or null on the last."""

    items: tuple[Invoice, ...]
    next: str | None


@attrs.frozen(kw_only=True)
class InvoiceIssue(Command):
    """When a draft invoice is issued and falls due; the body may be left out (issued
    today, due after the business's payment terms)."""

    issued_on: date | None = rule(
        f.DAY, default=None, help="the day it is issued (not after today)"
    )
    due_on: date | None = rule(f.DAY, default=None, help="the day it falls due")


@attrs.frozen(kw_only=True)
class InvoiceVoiding(Command):
    """Why an issued invoice is voided (it keeps its number)."""

    reason: str = rule(f.REASON, help="why it is void")


@attrs.frozen(kw_only=True)
class CreditRequest(Command):
    """A credit note correcting an issued invoice: the lines it credits (all the
    invoice's lines if left out: a full credit), notes, and the day it is issued."""

    lines: tuple[Line | LineRequest, ...] | None = rule(
        LINE_REQUESTS.but(optional=True), default=None, help="the lines credited"
    )
    notes: str | None = rule(f.NOTES, default=None, help="anything the customer should read")
    issued_on: date | None = rule(
        f.DAY, default=None, help="the day it is issued (not after today)"
    )


@attrs.frozen(kw_only=True)
class InvoicePayment(Command):
    """Money received for an issued invoice, at most its balance. It pays the invoice's
    jobs first, each what it still owes, then the rest of the invoice."""

    amount: Decimal = rule(f.AMOUNT, help="how much, more than 0, e.g. 50.00")
    method: PaymentMethod | None = rule(
        f.Choice(PaymentMethod, optional=True),
        default=None,
        help="cash, card, check, bank_transfer or other (other if left out)",
    )
    received_on: date | None = rule(f.DAY, default=None, help="when (today if left out)")
    reference: str | None = rule(f.REFERENCE, default=None, help="a check number, a card slip")
    note: str | None = rule(f.NOTES, default=None, help="anything worth remembering")
    id: str | None = rule(
        f.ID.but(optional=True),
        default=None,
        help="an id chosen by the client: the first payment's (the others get -2, -3...)",
    )


def _at(invoice: Invoice) -> str:
    return f"/api/invoices/{invoice.id}"


@get("/", responses=responses(422))
def list_invoices(
    ws: SignedIn,
    customer_id: str | None = Parameter(
        default=None, max_length=f.MAX_ID_LENGTH, description="Only this customer's."
    ),
    status: str | None = choice_parameter(InvoiceStatus, "Only in this status."),
    kind: str | None = choice_parameter(InvoiceKind, "Only invoices, or only credit notes."),
    job_id: str | None = Parameter(
        default=None, max_length=f.MAX_ID_LENGTH, description="Only those billing this job."
    ),
    limit: int = limit_parameter(),
    after: str | None = after_parameter(),
) -> InvoicePage:
    """This business's invoices and credit notes, newest first, a page at a time."""
    where = InvoiceFilter.parse(
        {"customer_id": customer_id, "status": status, "kind": kind, "job_id": job_id}
    )
    items, more = newest_first(ws.list_invoices(where), limit, after)
    return InvoicePage(tuple(items), more)


@post("/", status_code=201, responses=responses(404, 409, 422), response_headers=[ETAG])
def create_invoice(data: JSONBody[NewInvoice], ws: SignedIn) -> Response[Invoice]:
    """Write a draft invoice for a customer: a line for each job of ``job_ids`` (completed,
    with an actual cost, not billed already), then the ``lines`` given. A create that
    carries its own ``id`` is safe to send again."""
    made = ws.create_invoice(data)
    return tagged(made, 201, location=_at(made))


@get("/overdue", responses=responses(422))
def overdue_invoices(
    ws: SignedIn,
    limit: int = Parameter(
        default=OVERDUE_LIMIT, ge=0, le=MAX_PAGE_SIZE, description="How many to show at most."
    ),
) -> tuple[Invoice, ...]:
    """Issued invoices still owing after their due date, by due date then number."""
    return tuple(ws.overdue_invoices(limit))


@get("/{invoice_id:str}", responses=responses(404), response_headers=[ETAG])
def get_invoice(invoice_id: FromPath[str], ws: SignedIn) -> Response[Invoice]:
    """One invoice or credit note."""
    return tagged(ws.get_invoice(invoice_id))


@patch("/{invoice_id:str}", responses=responses(404, 409, 412, 422), response_headers=[ETAG])
def update_invoice(
    request: Request[Any, Any, Any],
    invoice_id: FromPath[str],
    data: JSONBody[InvoiceChanges],
    ws: SignedIn,
) -> Response[Invoice]:
    """Change a draft invoice's lines or notes (409 once it is issued); ``If-Match``
    guards it."""
    return tagged(ws.update_invoice(invoice_id, data, if_version=if_version(request)))


@delete("/{invoice_id:str}", status_code=200, responses=responses(404, 409, 412, 422))
def delete_invoice(
    request: Request[Any, Any, Any], invoice_id: FromPath[str], ws: SignedIn
) -> Deleted:
    """Delete a draft invoice (an issued one is kept: 409); the answer counts what went."""
    return ws.delete_invoice(invoice_id, if_version=if_version(request))


@post(
    "/{invoice_id:str}/issue",
    status_code=200,
    responses=responses(404, 409, 412, 422),
    response_headers=[ETAG],
)
def issue_invoice(
    request: Request[Any, Any, Any],
    invoice_id: FromPath[str],
    ws: SignedIn,
    data: JSONBody[InvoiceIssue | None] = None,
) -> Response[Invoice]:
    """Issue a draft invoice: the next invoice number (no gaps), the day (never after
    today) and the day it falls due. An invoice without lines is refused (422); one
    billing a job another invoice bills is a 409."""
    given = data or InvoiceIssue()
    return tagged(
        ws.issue_invoice(
            invoice_id,
            issued_on=given.issued_on,
            due_on=given.due_on,
            if_version=if_version(request),
        )
    )


@post(
    "/{invoice_id:str}/void",
    status_code=200,
    responses=responses(404, 409, 412, 422),
    response_headers=[ETAG],
)
def void_invoice(
    request: Request[Any, Any, Any],
    invoice_id: FromPath[str],
    data: JSONBody[InvoiceVoiding],
    ws: SignedIn,
) -> Response[Invoice]:
    """Void an issued invoice holding no payments (409 on ``payments``) and no credit
    notes (409 on ``credit_notes``); it keeps its number and its jobs may be billed
    again."""
    return tagged(ws.void_invoice(invoice_id, data.reason, if_version=if_version(request)))


@post(
    "/{invoice_id:str}/credit",
    status_code=201,
    responses=responses(404, 409, 412, 422),
    response_headers=[ETAG],
)
def credit_invoice(
    request: Request[Any, Any, Any],
    invoice_id: FromPath[str],
    ws: SignedIn,
    data: JSONBody[CreditRequest | None] = None,
) -> Response[Invoice]:
    """Issue a credit note correcting an issued invoice (409 if it is a draft, void or a
    credit note); its total may not exceed what is not credited yet (422). The answer is
    the credit note; ``If-Match`` names the invoice's version."""
    given = data or CreditRequest()
    note = ws.credit_invoice(
        invoice_id,
        lines=given.lines,
        notes=given.notes,
        issued_on=given.issued_on,
        if_version=if_version(request),
    )
    return tagged(note, 201, location=_at(note))


@post("/{invoice_id:str}/payments", status_code=201, responses=responses(404, 409, 412, 422))
def pay_invoice(
    request: Request[Any, Any, Any],
    invoice_id: FromPath[str],
    data: JSONBody[InvoicePayment],
    ws: SignedIn,
) -> tuple[Payment, ...]:
    """Record money received for an issued invoice (409 unless it is issued and not void;
    422 above its balance). The answer lists the payments made: one for each job paid,
    and one for the rest of the invoice. Sent again with the same ``id``, the same
    payments are returned; ``If-Match`` names the invoice's version."""
    return ws.pay_invoice(
        invoice_id,
        data.amount,
        method=data.method,
        received_on=data.received_on,
        reference=data.reference,
        note=data.note,
        id=data.id,
        if_version=if_version(request),
    )


@get("/{invoice_id:str}/payments", responses=responses(404))
def payments_of_invoice(invoice_id: FromPath[str], ws: SignedIn) -> tuple[Payment, ...]:
    """The payments made to an invoice, voided ones included, in the order received."""
    return tuple(ws.payments_of_invoice(invoice_id))


@get(
    "/{invoice_id:str}/document.html",
    media_type=HTML,
    responses=responses(404),
    return_dto=None,
)
def invoice_document_html(invoice_id: FromPath[str], ws: SignedIn) -> Response[str]:
    """The invoice or credit note as one self-contained HTML page."""
    return rendered(lambda: invoice_html(ws, invoice_id), HTML)


@get(
    "/{invoice_id:str}/document.pdf",
    media_type=PDF,
    responses=responses(404, 503),
    return_dto=None,
)
def invoice_document_pdf(invoice_id: FromPath[str], ws: SignedIn) -> Response[bytes]:
    """The invoice or credit note as a PDF (503 where the server cannot make PDFs)."""
    return rendered(lambda: invoice_pdf(ws, invoice_id), PDF)


router = Router(
    "/invoices",
    route_handlers=[
        list_invoices,
        create_invoice,
        overdue_invoices,
        get_invoice,
        update_invoice,
        delete_invoice,
        issue_invoice,
        void_invoice,
        credit_invoice,
        pay_invoice,
        payments_of_invoice,
        invoice_document_html,
        invoice_document_pdf,
    ],
    tags=["invoices"],
)
