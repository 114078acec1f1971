"""Billing settings (currency, tax rates, numbering, terms) and the invoice aging report.

Quotes and invoices have their own routers (:mod:`jobtrack_web.api.quotes`,
:mod:`jobtrack_web.api.invoices`); what they share lives here: listing documents newest
first by cursor, and serving a rendered document.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

from litestar import Request, Response, Router
from litestar.params import JSONBody, Parameter

from jobtrack_core.commands import BillingChanges
from jobtrack_core.documents import BillingSettings
from jobtrack_documents import PdfUnavailable
from jobtrack_web.api.paging import decode, encode
from jobtrack_web.api.verbs import get, patch
from jobtrack_web.api.versions import ETAG, if_version, tagged
from jobtrack_web.auth import SignedIn
from jobtrack_web.problems import problem, responses

HTML = "text/html"
PDF = "application/pdf"


class Dated(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def created_at(self) -> datetime: ...


D = TypeVar("D", bound=Dated)


def _key(doc: Dated) -> str:
    made = doc.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
    return f"{made}\x00{doc.id}"


def newest_first(items: Sequence[D], limit: int, after: str | None) -> tuple[list[D], str | None]:
    """The documents after the cursor ``after``, newest first (by when they were made,
    then id), at most ``limit``, and the cursor of the next page (None on the last)."""
    ordered = sorted(items, key=_key, reverse=True)
    if after is not None:
        start = decode(after)
        ordered = [doc for doc in ordered if _key(doc) < start]
    shown = ordered[:limit]
    more = len(ordered) > limit
    return shown, encode(_key(shown[-1])) if more and shown else None


def choice_parameter(of: type[enum.Enum], description: str) -> str | None:
    """A query parameter naming one of ``of``'s values (the filter refuses others: 422)."""
    found: str | None = Parameter(
        default=None,
        max_length=40,
        description=description,
        schema_extra={"enum": [member.value for member in of]},
    )
    return found


def rendered(render: Callable[[], str | bytes], media_type: str) -> Response[Any]:
    """A rendered document as it is; a PDF where WeasyPrint cannot run is a 503 problem
    saying what is missing."""
    try:
        body = render()
    except PdfUnavailable as exc:
        return problem(503, str(exc))
    return Response(body, media_type=media_type)


@get("/billing", response_headers=[ETAG])
def get_billing(ws: SignedIn) -> Response[BillingSettings]:
    """The business's billing settings: as saved, or the defaults."""
    return tagged(ws.billing_settings())


@patch("/billing", responses=responses(412, 422), response_headers=[ETAG])
def update_billing(
    request: Request[Any, Any, Any], data: JSONBody[BillingChanges], ws: SignedIn
) -> Response[BillingSettings]:
    """Change some billing settings (``null`` clears an optional one); ``If-Match`` guards
    it. Documents already written keep the currency and price mode they were made with."""
    return tagged(ws.update_billing(data, if_version=if_version(request)))


router = Router("/", route_handlers=[get_billing, update_billing], tags=["billing"])
