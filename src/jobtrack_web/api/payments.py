"""Payments: list (by cursor, with filters), record, read, void.

A payment is never edited: a mistake is voided (it is kept, and counts no more) or set
right by a refund. Each one moves its job's ``amount_paid`` and ``paid``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date
from typing import Any

import attrs
from litestar import Request, Response, Router
from litestar.params import FromPath, JSONBody, Parameter

from jobtrack_core import fields as f
from jobtrack_core.commands import Command, NewPayment
from jobtrack_core.entities import Payment
from jobtrack_core.queries import PaymentFilter
from jobtrack_web.api.paging import after_parameter, limit_parameter, page
from jobtrack_web.api.verbs import get, post
from jobtrack_web.api.versions import ETAG, if_version, tagged
from jobtrack_web.auth import SignedIn
from jobtrack_web.problems import responses


@attrs.frozen
class PaymentPage:
    """One page of payments, in the order they were received (then recorded); ``next`` is
    the cursor of the next page (``after``), or null on the last."""

    items: tuple[Payment, ...]
    next: str | None


@attrs.frozen(kw_only=True)
class PaymentVoid(Command):
    """Why a payment is voided: it is kept, marked void with this reason, and counts no
    more."""

    reason: str = f.rule(f.REASON, help="why the payment is voided, e.g. recorded twice")


def _received(payment: Payment) -> str:
    """A payment's place in a listing: received, then recorded, then its id."""
    recorded = payment.recorded_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
    return f"{payment.received_on.isoformat()}\x00{recorded}\x00{payment.id}"


def payment_page(payments: Sequence[Payment], limit: int, after: str | None) -> PaymentPage:
    """The page of ``payments`` after the cursor ``after``."""
    items, more = page(payments, _received, limit, after)
    return PaymentPage(tuple(items), more)


RECEIVED_FROM_PARAMETER: Any = Parameter(
    default=None, description="Only those received on this day or later (YYYY-MM-DD)."
)
RECEIVED_TO_PARAMETER: Any = Parameter(
    default=None, description="Only those received on this day or earlier (YYYY-MM-DD)."
)


@get("/", responses=responses(422))
def list_payments(
    ws: SignedIn,
    job_id: str | None = Parameter(
        default=None, min_length=1, max_length=f.MAX_ID_LENGTH, description="Only this job's."
    ),
    customer_id: str | None = Parameter(
        default=None,
        min_length=1,
        max_length=f.MAX_ID_LENGTH,
        description="Only this customer's (by the job, or else the invoice, paid).",
    ),
    invoice_id: str | None = Parameter(
        default=None,
        min_length=1,
        max_length=f.MAX_ID_LENGTH,
        description="Only those made to this invoice.",
    ),
    received_from: date | None = RECEIVED_FROM_PARAMETER,
    received_to: date | None = RECEIVED_TO_PARAMETER,
    voided: bool | None = Parameter(
        default=None, description="Only voided ones (true), or only standing ones (false)."
    ),
    limit: int = limit_parameter(),
    after: str | None = after_parameter(),
) -> PaymentPage:
    """This business's payments, voided ones included unless ``voided=false``, a page at
    a time."""
    where = PaymentFilter(
        job_id=job_id,
        customer_id=customer_id,
        invoice_id=invoice_id,
        received_from=received_from,
        received_to=received_to,
        voided=voided,
    )
    return payment_page(ws.list_payments(where), limit, after)


@post("/", status_code=201, responses=responses(404, 409, 422), response_headers=[ETAG])
def add_payment(
    request: Request[Any, Any, Any], data: JSONBody[NewPayment], ws: SignedIn
) -> Response[Payment]:
    """Record money received for a job, or given back (``kind``: deposit, payment,
    refund). The job's ``amount_paid`` and ``paid`` follow. A refund may not be more than
    the job holds; ``received_on`` may not be after today. A payment that carries its own
    ``id`` is safe to send again: the same request returns the payment it made."""
    made = ws.add_payment(data)
    return tagged(made, 201, location=f"{request.url.path.rstrip('/')}/{made.id}")


@get("/{payment_id:str}", responses=responses(404), response_headers=[ETAG])
def get_payment(payment_id: FromPath[str], ws: SignedIn) -> Response[Payment]:
    """One payment."""
    return tagged(ws.get_payment(payment_id))


@post(
    "/{payment_id:str}/void",
    status_code=200,
    responses=responses(404, 409, 412, 422),
    response_headers=[ETAG],
)
def void_payment(
    request: Request[Any, Any, Any],
    payment_id: FromPath[str],
    data: JSONBody[PaymentVoid],
    ws: SignedIn,
) -> Response[Payment]:
    """Void a payment recorded by mistake; voiding a voided one changes nothing. Refused
    (409) if its job would then hold less than nothing: void its refunds first."""
    voided = ws.void_payment(payment_id, data.reason, if_version=if_version(request))
    return tagged(voided)


router = Router(
    "/payments",
    route_handlers=[list_payments, add_payment, get_payment, void_payment],
    tags=["payments"],
)
