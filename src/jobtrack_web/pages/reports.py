"""Reports (revenue by month as a bar chart drawn here, by customer, invoice aging) and
the export of the account's data."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import attrs
from litestar import Request, Response, get
from litestar.params import FromQuery
from litestar.response import Template

from jobtrack_core.errors import ValidationError
from jobtrack_core.reports import CustomerRevenue, PeriodRevenue
from jobtrack_interchange.export import export_json
from jobtrack_web.auth import SignedIn, jobtrack_of
from jobtrack_web.pages.formats import money
from jobtrack_web.pages.session import field_errors, page

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@attrs.frozen
class Bar:
    """One month's bar of the chart, in the SVG's units."""

    label: str
    title: str
    x: float
    y: float
    width: float
    height: float


@attrs.frozen
class Chart:
    """A bar chart of revenue by month: its bars, its scale's top and its size."""

    bars: tuple[Bar, ...]
    top: Decimal
    width: int = 600
    height: int = 244
    base: float = 210  # where the bars stand (the rest is for labels)


def chart(months: Sequence[PeriodRevenue]) -> Chart:
    """Revenue by month as bars scaled to the largest month."""
    top = max((m.revenue.amount for m in months), default=Decimal(0))
    layout = Chart((), top)
    room = layout.base - 36
    step = layout.width / max(len(months), 1)
    bars = []
    for index, month in enumerate(months):
        amount = month.revenue.amount
        height = float(amount / top) * room if top > 0 else 0.0
        bars.append(
            Bar(
                label=MONTHS[month.period.start.month - 1],
                title=f"{MONTHS[month.period.start.month - 1]} {month.period.start.year}: "
                f"{money(amount)} from {month.revenue.jobs} job(s)",
                x=round(index * step + step * 0.15, 1),
                y=round(layout.base - height, 1),
                width=round(step * 0.7, 1),
                height=round(height, 1),
            )
        )
    return attrs.evolve(layout, bars=tuple(bars))


@get("/reports", sync_to_thread=True)
def reports(
    request: Request[Any, Any, Any], ws: SignedIn, year: FromQuery[str | None] = None
) -> Template:
    chosen = ws.dashboard(recent=1).today.year
    errors: dict[str, str] = {}
    months: Sequence[PeriodRevenue] = ()
    customers: Sequence[CustomerRevenue] = ()
    if year and not year.strip().isdigit():
        errors = {"year": "must be a year, like 2026"}
    else:
        chosen = int(year) if year else chosen
        try:
            months = ws.revenue_by_month(chosen)
            customers = ws.revenue_by_customer(chosen)
        except ValidationError as exc:
            errors = field_errors(exc.errors)
    if errors:
        return page(
            request,
            "reports.html",
            422,
            year=year,
            errors=errors,
            months=(),
            chart=None,
            by_customer=(),
            aging=None,
            total=Decimal(0),
        )
    aging = ws.invoice_aging() if hasattr(ws, "invoice_aging") else None
    return page(
        request,
        "reports.html",
        year=chosen,
        months=months,
        chart=chart(months),
        by_customer=customers,
        aging=aging,
        total=sum((m.revenue.amount for m in months), Decimal(0)),
    )


@get("/export", sync_to_thread=False)
def export_page(request: Request[Any, Any, Any], ws: SignedIn) -> Template:
    return page(request, "export.html")


@get("/export/download", sync_to_thread=True)
def export_download(request: Request[Any, Any, Any], ws: SignedIn) -> Response[bytes]:
    """The account's data as the interchange's JSON (``jobtrack export json``), without
    the password hash: it imports into an account (``jobtrack import jobtrack FILE``)."""
    out = io.StringIO()
    export_json(jobtrack_of(request.app.state), ws.user_id, out, include_password_hash=False)
    name = f"jobtrack-export-{date.today().isoformat()}.json"
    return Response(
        out.getvalue().encode(),
        media_type="application/json",
        headers={
            "content-disposition": f'attachment; filename="{name}"',
            "cache-control": "no-store",
        },
    )


ROUTES = [reports, export_page, export_download]
