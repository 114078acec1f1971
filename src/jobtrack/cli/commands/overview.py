"""``jobtrack demo``, ``jobtrack dashboard`` and ``jobtrack report ...``."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from jobtrack.cli import session_file
from jobtrack.cli.context import CliError, Context
from jobtrack.cli.documents import file_name, invoice_table, render_document
from jobtrack.cli.jsonable import to_data
from jobtrack.cli.output import (
    EMPTY,
    Column,
    day,
    hours,
    moment,
    money,
    plural,
    render_fields,
    render_table,
    write,
    write_json,
)
from jobtrack.cli.parser import command, group, iso_date, non_negative_int, positive_int
from jobtrack.cli.refs import Shown
from jobtrack.cli.render import job_table
from jobtrack.demo import DEFAULT_SEED, DEMO_EMAIL, DEMO_PASSWORD, create_demo
from jobtrack_core.documents import Invoice
from jobtrack_core.entities import Job
from jobtrack_core.ledger_reports import Split
from jobtrack_core.reports import (
    Aging,
    AgingReport,
    CashTotal,
    Comparison,
    Dashboard,
    InvoiceAging,
    InvoiceAgingReport,
    Tally,
)
from jobtrack_core.service import Jobtrack, Workspace

if TYPE_CHECKING:
    from jobtrack.cli.parser import Subparsers


# -- dashboard --------------------------------------------------------------------
def render_dashboard(board: Dashboard, shown: Shown, business: str, days: int) -> str:
    """The dashboard as text: the figures, then the lists that need attention."""
    counts = board.statuses
    amount = _aligned(board)

    week, month = board.this_week.period, board.this_month.period
    lines = [
        f"{business}: {board.today:%A %d %B %Y} ({board.timezone})",
        "",
        render_fields(
            [
                ("Customers", board.customers),
                (
                    "Jobs",
                    f"{board.jobs} ({counts.pending} pending, {counts.in_progress} in progress, "
                    f"{counts.completed} completed, {counts.cancelled} cancelled)",
                ),
                (
                    "Revenue",
                    f"{amount(board.revenue.amount)}  {plural(board.revenue.jobs, 'paid job')}",
                ),
                (
                    "Owed to you",
                    f"{amount(board.receivables.amount)}  "
                    f"{plural(board.receivables.jobs, 'completed job')} not paid yet",
                ),
                (
                    "Pipeline",
                    f"{amount(board.pipeline.amount)}  estimated, "
                    f"{plural(board.pipeline.jobs, 'open job')}",
                ),
                (
                    "Revenue this week",
                    f"{amount(board.this_week.amount)}  jobs marked paid since "
                    f"{week.start:%a %d %b} ({plural(board.this_week.revenue.jobs, 'job')})",
                ),
                (
                    "Revenue this month",
                    f"{amount(board.this_month.amount)}  jobs marked paid since "
                    f"{month.start:%a %d %b} ({plural(board.this_month.revenue.jobs, 'job')})",
                ),
            ]
        ),
        "",
        "Payments ledger",
        render_money(board),
    ]
    today_ids = {job.id for job in board.due_today}
    upcoming = tuple(job for job in board.upcoming if job.id not in today_ids)
    sections = (
        (f"Overdue ({board.overdue_count})", board.overdue),
        (f"Due today ({len(board.due_today)})", board.due_today),
        (f"Coming up (next {plural(days, 'day')})", upcoming),
        ("Recently changed", board.recent),
    )
    for title, jobs in sections:
        if jobs:
            lines += ["", title, job_table(jobs, shown, board.today)]
    return "\n".join(lines)


def _aligned(board: Dashboard) -> Callable[[Decimal], str]:
    """Money right-aligned to the widest figure of the dashboard."""
    balances = board.balances
    amounts = [
        board.revenue.amount,
        board.receivables.amount,
        board.pipeline.amount,
        board.this_week.amount,
        board.this_month.amount,
        balances.owed.amount,
        balances.deposits.amount,
        balances.credits.amount,
        board.cash_this_week.net,
        board.cash_this_month.net,
    ]
    width = max(len(money(a)) for a in amounts)

    def amount(value: Decimal) -> str:
        return money(value).rjust(width)

    return amount


def _cash(total: CashTotal, since: date, amount: Callable[[Decimal], str]) -> str:
    refunded = (
        f", less {money(total.refunded)} refunded ({plural(total.refunds, 'refund')})"
        if total.refunds
        else ""
    )
    return (
        f"{amount(total.net)}  received since {since:%a %d %b} "
        f"({plural(total.receipts, 'payment')}){refunded}"
    )


def render_money(board: Dashboard) -> str:
    """The ledger's figures: balances, and the cash that changed hands (not revenue:
    revenue counts jobs marked paid, cash the money received, on the day it was)."""
    amount = _aligned(board)
    balances = board.balances
    return render_fields(
        [
            (
                "Balance owed",
                f"{amount(balances.owed.amount)}  on "
                f"{plural(balances.owed.jobs, 'completed job')}, after their payments",
            ),
            (
                "Deposits held",
                f"{amount(balances.deposits.amount)}  on "
                f"{plural(balances.deposits.jobs, 'open job')}",
            ),
            (
                "Credits held",
                f"{amount(balances.credits.amount)}  on "
                f"{plural(balances.credits.jobs, 'job')} overpaid or cancelled",
            ),
            (
                "Cash in this week",
                _cash(board.cash_this_week, board.this_week.period.start, amount),
            ),
            (
                "Cash in this month",
                _cash(board.cash_this_month, board.this_month.period.start, amount),
            ),
        ]
    )


def dashboard(ctx: Context, args: argparse.Namespace) -> None:
    workspace = ctx.workspace()
    _print_dashboard(ctx, workspace, args.days, args.recent)


def _print_dashboard(ctx: Context, workspace: Workspace, days: int, recent: int) -> None:
    board = workspace.dashboard(upcoming_days=days, recent=recent)
    if ctx.json:
        write_json(to_data(board))
        return
    user = workspace.user
    write(render_dashboard(board, Shown(workspace), user.business_name or user.name, days))


# -- demo ---------------------------------------------------------------------------
def demo(ctx: Context, args: argparse.Namespace) -> None:
    created = ctx.database.file is not None and not ctx.database.file.exists()
    app = ctx.app(create=True)
    calendar = app.calendar
    today = args.today or calendar.local_date(app.now())
    data = create_demo(
        app.store, today=today, seed=args.seed, hasher=app.hasher, timezone=calendar.timezone
    )
    saved = session_file.load(ctx.session_path)
    if saved is not None and saved.email == DEMO_EMAIL:
        session_file.remove(ctx.session_path)  # its session went with the old demo account
    viewer = app
    if args.today is not None:  # show the dashboard as it looks during that day
        noon = datetime.combine(today, time(12), tzinfo=calendar.zone).astimezone(UTC)
        viewer = Jobtrack(app.store, clock=lambda: noon, hasher=app.hasher, calendar=calendar)
    workspace = viewer.workspace(data.user.id)
    written = _write_invoices(ctx, workspace, data.invoices)
    if ctx.json:
        write_json(
            {
                "database": ctx.database.shown,
                "email": DEMO_EMAIL,
                "password": DEMO_PASSWORD,
                "customers": len(data.customers),
                "jobs": len(data.jobs),
                "payments": len(data.payments),
                "quotes": len(data.quotes),
                "invoices": len(data.invoices),
                "documents": [str(path) for path in written],
                "dashboard": to_data(workspace.dashboard(recent=args.recent)),
            }
        )
        return
    verb = "Created" if created else ("Refreshed" if data.replaced else "Added")
    write(
        f"{verb} the demo account in {ctx.database.shown}: "
        f"{plural(len(data.customers), 'customer')}, {plural(len(data.jobs), 'job')}, "
        f"{plural(len(data.quotes), 'quote')}, {plural(len(data.invoices), 'invoice')}."
    )
    if written:
        pdf = ctx.command("invoice", "pdf", written[0].stem)
        write(f"Wrote the demo invoice to {written[0]} (its PDF: `{pdf}`).")
    write()
    _print_dashboard(ctx, workspace, 7, args.recent)
    write()
    write(
        render_fields(
            [
                ("Demo login", DEMO_EMAIL),
                ("Password", DEMO_PASSWORD),
            ]
        )
    )
    prog = ctx.command()
    write(
        f"\nLog in to explore:  {prog} login --email {DEMO_EMAIL}\n"
        f"Then try:           {prog} dashboard\n"
        f"                    {prog} job list --status pending --sort due\n"
        f"                    {prog} payment list --customer Lindqvist\n"
        f"                    {prog} invoice list\n"
        f"                    {prog} report reminders\n"
        f"                    {prog} --help"
    )


def _write_invoices(ctx: Context, workspace: Workspace, invoices: Sequence[Invoice]) -> list[Path]:
    """Write each demo invoice as HTML next to the database file, if the database is a
    file and documents can be made here; the files written. (Not as a PDF: laying one
    out takes seconds, and the demo is meant to be quick; ``invoice pdf`` makes it.)"""
    folder = ctx.database.file.parent if ctx.database.file is not None else None
    if folder is None:
        return []
    written: list[Path] = []
    shown = Shown(workspace)
    for invoice in invoices:
        try:
            content = render_document(workspace, invoice, html=True)
        except CliError:  # the documents package is not there
            break
        path = folder / file_name(invoice, shown, ".html")
        path.write_bytes(content)
        written.append(path)
    return written


# -- reports ------------------------------------------------------------------------
def revenue_by_month(ctx: Context, args: argparse.Namespace) -> None:
    workspace = ctx.workspace()
    months = workspace.revenue_by_month(args.year)
    if ctx.json:
        write_json(to_data(list(months)))
        return
    total = sum((m.revenue for m in months), Tally())
    rows: list[Sequence[object]] = [
        [f"{m.period.start:%Y-%m %B}", money(m.amount), m.revenue.jobs] for m in months
    ]
    rows.append(["Total", money(total.amount), total.jobs])
    columns = [Column("Month"), Column("Revenue", right=True), Column("Jobs paid", right=True)]
    write(render_table(columns, rows))


def revenue_by_customer(ctx: Context, args: argparse.Namespace) -> None:
    workspace = ctx.workspace()
    found = workspace.revenue_by_customer(args.year)
    if ctx.json:
        write_json(to_data(list(found)))
        return
    if not found:
        write("No paid jobs" + (f" in {args.year}." if args.year else " yet."))
        return
    total = sum((c.revenue for c in found), Tally())
    shown = Shown(workspace)
    rows: list[Sequence[object]] = [
        [shown.customer(c.customer.id), c.customer.name, money(c.revenue.amount), c.revenue.jobs]
        for c in found
    ]
    rows.append(["", "Total", money(total.amount), total.jobs])
    columns = [
        Column("ID"),
        Column("Customer", max_width=32),
        Column("Revenue", right=True),
        Column("Jobs paid", right=True),
    ]
    write(render_table(columns, rows))


def _ratio(comparison: Comparison) -> str:
    ratio = comparison.ratio
    if ratio is None or comparison.jobs == 0:
        return "-"
    return f"{(ratio * 100).quantize(Decimal('0.1'))}%"


def accuracy(ctx: Context, args: argparse.Namespace) -> None:
    workspace = ctx.workspace()
    report = workspace.estimate_accuracy()
    if ctx.json:
        write_json(to_data(report))
        return
    if report.overall.cost.jobs == 0 and report.overall.hours.jobs == 0:
        write("No completed job has both an estimate and an actual figure yet.")
        return
    columns = [
        Column("Customer", max_width=28),
        Column("Jobs", right=True),
        Column("Estimated", right=True),
        Column("Actual", right=True),
        Column("Difference", right=True),
        Column("Cost ratio", right=True),
        Column("Est. hours", right=True),
        Column("Actual hours", right=True),
        Column("Hours ratio", right=True),
    ]
    entries = [(c.customer.name, c.accuracy) for c in report.customers]
    entries.append(("All customers", report.overall))
    rows = [
        [
            name,
            acc.cost.jobs,
            *_figures(acc.cost, money, with_difference=True),
            *_figures(acc.hours, hours),
        ]
        for name, acc in entries
    ]
    write(render_table(columns, rows))
    write(
        f"\nCompleted jobs that have both figures ({EMPTY}: none has); a ratio is actual / "
        "estimated, so over 100% means it came out above the estimate."
    )


def _figures(
    comparison: Comparison, shown: Callable[[Decimal], str], *, with_difference: bool = False
) -> list[str]:
    """Estimated, actual, (difference,) ratio; all :data:`EMPTY` when no job has both."""
    if comparison.jobs == 0:
        return [EMPTY] * (4 if with_difference else 3)
    difference = [_signed(comparison.difference)] if with_difference else []
    return [
        shown(comparison.estimated),
        shown(comparison.actual),
        *difference,
        _ratio(comparison),
    ]


def _signed(value: Decimal) -> str:
    return ("+" if value > 0 else "") + money(value)


def reminders(ctx: Context, args: argparse.Namespace) -> None:
    workspace = ctx.workspace()
    found = workspace.reminders(
        unpaid_days=args.unpaid_days,
        owing_over=args.owing_over,
        idle_days=args.idle_days,
        stalled_days=args.stalled_days,
        deposit_days=args.deposit_days,
    )
    if ctx.json:
        write_json(to_data(found))
        return
    shown = Shown(workspace)
    parts: list[str] = []
    if found.overdue:
        parts += [
            "Overdue (due before today, not done)",
            job_table(found.overdue, shown, found.today),
        ]
    if found.due_soon:
        parts += ["Due today or tomorrow", job_table(found.due_soon, shown, found.today)]
    if found.overdue_invoices:
        parts += [
            "Invoices overdue (still owing after their due date)",
            invoice_table(found.overdue_invoices, shown, found.today),
        ]
    if found.unpaid_jobs:
        columns = [
            Column("ID"),
            Column("Title", max_width=34),
            Column("Customer", max_width=24),
            Column("Completed"),
            Column("Amount", right=True),
        ]
        rows = [
            [
                shown.job(j.id),
                j.title,
                shown.names.get(j.customer_id, ""),
                day(j.completed_at.date()) if j.completed_at else None,
                money(j.actual_cost),
            ]
            for j in found.unpaid_jobs
        ]
        parts += [
            f"Completed more than {plural(args.unpaid_days, 'day')} ago and not paid",
            render_table(columns, rows),
        ]
    if found.owing_customers:
        rows = [
            [shown.customer(s.customer.id), s.customer.name, s.customer.phone, money(s.unpaid)]
            for s in found.owing_customers
        ]
        columns = [Column("ID"), Column("Customer"), Column("Phone"), Column("Owes", right=True)]
        parts += [
            f"Customers owing more than {money(Decimal(args.owing_over))}",
            render_table(columns, rows),
        ]
    if found.idle_customers:
        rows = [
            [
                shown.customer(s.customer.id),
                s.customer.name,
                s.customer.phone,
                moment(s.last_job_at) if s.last_job_at else "never",
            ]
            for s in found.idle_customers
        ]
        columns = [Column("ID"), Column("Customer"), Column("Phone"), Column("Last job")]
        parts += [
            f"No new job for more than {plural(args.idle_days, 'day')}",
            render_table(columns, rows),
        ]
    if found.stalled:
        parts += [
            f"Partly paid, no payment for more than {plural(args.stalled_days, 'day')}",
            _money_jobs(found.stalled, shown, "Owed"),
        ]
    if found.deposits_waiting:
        parts += [
            f"Deposit taken more than {plural(args.deposit_days, 'day')} ago, work not started",
            _money_jobs(found.deposits_waiting, shown, "Deposit"),
        ]
    if not parts:
        write("Nothing needs attention.")
        return
    blocks = [f"{parts[i]}\n{parts[i + 1]}" for i in range(0, len(parts), 2)]
    write("\n\n".join(blocks))


def _money_jobs(jobs: Sequence[Job], shown: Shown, what: str) -> str:
    """Jobs with what they hold and (``what``) what they owe or hold as a deposit."""
    columns = [
        Column("ID"),
        Column("Title", max_width=34),
        Column("Customer", max_width=24),
        Column("Status"),
        Column("Due", right=True),
        Column("Paid", right=True),
        Column(what, right=True),
    ]
    rows = [
        [
            shown.job(j.id),
            j.title,
            shown.names.get(j.customer_id, ""),
            j.status.value,
            money(j.amount_due),
            money(j.amount_paid),
            money(j.owed if what == "Owed" else j.deposit),
        ]
        for j in jobs
    ]
    return render_table(columns, rows)


# -- money reports ------------------------------------------------------------------
_BUCKETS = ("0-30 days", "31-60 days", "61-90 days", "over 90 days")


def aging(ctx: Context, args: argparse.Namespace) -> None:
    workspace = ctx.workspace()
    report = workspace.aging(args.as_of)
    if ctx.json:
        write_json(to_data(report))
        return
    heading = (
        f"Owed at the end of {report.as_of:%a %d %b %Y}, by days since each job was "
        "completed (payments received by then counted)"
    )
    if not report.customers:
        write(f"{heading}:\nnothing is owed.")
        return
    table = _aging_table(Shown(workspace), report, _BUCKETS, "Jobs")
    write(f"{heading}\n{table}")


def _aging_table(
    shown: Shown, report: AgingReport | InvoiceAgingReport, buckets: Sequence[str], count: str
) -> str:
    """An aging report as a table: a row per customer, then the total; a column per
    bucket, the total owed and how many (``count``: jobs or invoices) owe it."""
    columns = [
        Column("ID"),
        Column("Customer", max_width=28),
        *(Column(b, right=True) for b in buckets),
        Column("Total", right=True),
        Column(count, right=True),
    ]

    def row(first: str, name: str, aging: Aging | InvoiceAging) -> list[object]:
        return [
            first,
            name,
            *(money(t.amount) for t in aging.buckets),
            money(aging.total.amount),
            aging.total.jobs,
        ]

    rows = [row(shown.customer(c.customer.id), c.customer.name, c.aging) for c in report.customers]
    rows.append(row("", "Total", report.total))
    return render_table(columns, rows)


_INVOICE_BUCKETS = ("Not yet due", "1-30 days", "31-60 days", "61-90 days", "over 90 days")


def invoice_aging(ctx: Context, args: argparse.Namespace) -> None:
    workspace = ctx.workspace()
    report = workspace.invoice_aging(args.as_of)
    if ctx.json:
        write_json(to_data(report))
        return
    heading = (
        f"Invoices owing at the end of {report.as_of:%a %d %b %Y}, by days past their due "
        "date (payments and credit notes counted)"
    )
    if not report.customers:
        write(f"{heading}:\nno invoice is owing.")
        return
    table = _aging_table(Shown(workspace), report, _INVOICE_BUCKETS, "Invoices")
    overdue = report.total.overdue
    write(f"{heading}\n{table}")
    write(f"\nOverdue: {money(overdue.amount)} on {plural(overdue.jobs, 'invoice')}.")


def cash(ctx: Context, args: argparse.Namespace) -> None:
    workspace = ctx.workspace()
    # --to is included, as every date range of the command line; the library's end is not.
    end = args.to + timedelta(days=1)
    periods = workspace.cash_received(args.start, end, by=args.by)
    if ctx.json:
        write_json(to_data(list(periods)))
        return
    columns = [
        Column("Period"),
        Column("Method"),
        Column("Received", right=True),
        Column("Payments", right=True),
        Column("Refunded", right=True),
        Column("Refunds", right=True),
        Column("Net", right=True),
    ]

    def figures(total: CashTotal) -> list[object]:
        return [
            money(total.received),
            total.receipts,
            money(total.refunded),
            total.refunds,
            money(total.net),
        ]

    rows: list[list[object]] = []
    for found in periods:
        label = _period_label(found.period.start, found.period.end, args.by)
        methods = found.by_method
        if len(methods) == 1:  # one line says it all
            rows.append([label, methods[0][0].value, *figures(found.cash)])
            continue
        rows.append([label, "all" if methods else EMPTY, *figures(found.cash)])
        rows.extend(["", method.value, *figures(total)] for method, total in methods)
    total = sum((p.cash for p in periods), CashTotal())
    rows.append(["Total", "", *figures(total)])
    write(render_table(columns, rows))
    write(
        "\nCash received: the money that changed hands, on the day it did (voided "
        "payments left out); revenue counts the jobs marked paid instead."
    )


def _period_label(start: date, end: date, by: Split) -> str:
    """``2025-07``, ``2025``, ``2025-07-06``, or ``2025-07-03..2025-07-31`` for a period
    the span cuts short (``end`` is the day after the period).

    >>> _period_label(date(2025, 7, 1), date(2025, 8, 1), Split.MONTH)
    '2025-07'
    >>> _period_label(date(2025, 7, 3), date(2025, 8, 1), Split.MONTH)
    '2025-07-03..2025-07-31'
    >>> _period_label(date(2025, 1, 1), date(2026, 1, 1), Split.YEAR)
    '2025'
    >>> _period_label(date(2025, 12, 1), date(2026, 1, 1), Split.MONTH)
    '2025-12'
    """
    last = end - timedelta(days=1)
    if by is Split.DAY or start == last:
        return start.isoformat()
    if by is Split.MONTH and start.day == 1 and end == _next_month(start):
        return f"{start:%Y-%m}"
    if by is Split.YEAR and (start.month, start.day) == (1, 1) and end.year == start.year + 1:
        return f"{start:%Y}"
    return f"{start.isoformat()}..{last.isoformat()}"


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


# -- the parser -----------------------------------------------------------------------
def register_demo(subparsers: Subparsers) -> None:
    parser = command(
        subparsers,
        "demo",
        demo,
        help="fill a database with sample data and show its dashboard",
        description=(
            "Create (or refresh) a demo account full of realistic sample data: a small\n"
            "home-repair business with customers and half a year of jobs in every state.\n"
            "Creates the database if there is none. Only the demo account is replaced;\n"
            "other accounts in the database are left alone."
        ),
        epilog=f"The demo account is {DEMO_EMAIL}, password {DEMO_PASSWORD!r}.",
        json=True,
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=DEFAULT_SEED,
        help=f"vary the sample data (default {DEFAULT_SEED}); the same seed and day give "
        "the same data",
    )
    parser.add_argument(
        "--today",
        type=iso_date,
        metavar="DATE",
        help="build the history up to this day instead of today",
    )
    _recent_option(parser)


def _recent_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--recent",
        type=non_negative_int,
        default=5,
        metavar="N",
        help="show the N most recently changed jobs (default 5)",
    )


def register_dashboard(subparsers: Subparsers) -> None:
    parser = command(
        subparsers,
        "dashboard",
        dashboard,
        help="figures and the jobs that need attention",
        description=(
            "Counts, revenue, what you are owed, the pipeline, this week's and this\n"
            "month's earnings; overdue jobs, today's jobs, upcoming and recent jobs."
        ),
        json=True,
    )
    parser.add_argument(
        "--days",
        type=non_negative_int,
        default=7,
        metavar="N",
        help="show open jobs due within N days as upcoming (default 7)",
    )
    _recent_option(parser)


def register_reports(subparsers: Subparsers) -> None:
    reports = group(
        subparsers,
        "report",
        help="revenue, cash received, aging, invoices, estimate accuracy, reminders",
        description="Reports over all your jobs. Payments count on their local date.",
    )
    parser = command(
        reports,
        "revenue-by-month",
        revenue_by_month,
        help="revenue for each month of a year",
        description="What was paid in each month of YEAR (default: this year).",
        json=True,
    )
    parser.add_argument(
        "year", type=positive_int, nargs="?", metavar="YEAR", help="the year (default: this year)"
    )

    parser = command(
        reports,
        "by-customer",
        revenue_by_customer,
        help="revenue per customer, largest first",
        json=True,
    )
    parser.add_argument("--year", type=positive_int, help="only payments in this year")

    command(
        reports,
        "accuracy",
        accuracy,
        help="how actual cost and hours compared with the estimates",
        json=True,
    )

    parser = command(
        reports,
        "reminders",
        reminders,
        help="late payments, overdue invoices, customers owing much, idle customers, jobs due soon",
        json=True,
    )
    parser.add_argument(
        "--unpaid-days",
        type=non_negative_int,
        default=7,
        metavar="N",
        help="completed jobs unpaid for more than N days (default 7)",
    )
    parser.add_argument(
        "--owing-over",
        default="500",
        metavar="AMOUNT",
        help="customers owing more than AMOUNT (default 500)",
    )
    parser.add_argument(
        "--idle-days",
        type=non_negative_int,
        default=30,
        metavar="N",
        help="customers with no new job for more than N days (default 30)",
    )
    parser.add_argument(
        "--stalled-days",
        type=non_negative_int,
        default=14,
        metavar="N",
        help="completed jobs partly paid, with no payment for more than N days (default 14)",
    )
    parser.add_argument(
        "--deposit-days",
        type=non_negative_int,
        default=14,
        metavar="N",
        help="pending jobs holding a deposit taken more than N days ago (default 14)",
    )

    parser = command(
        reports,
        "aging",
        aging,
        help="what each customer owes, by how long ago the work was completed",
        description=(
            "Accounts receivable: what each customer owed at the end of a day (today by\n"
            "default), by days since each job was completed: 0-30, 31-60, 61-90 and\n"
            "over 90 days. Payments received by then are counted."
        ),
        epilog="Example:\n  jobtrack report aging --as-of 2025-06-30",
        json=True,
    )
    parser.add_argument(
        "--as-of", type=iso_date, metavar="DATE", help="at the end of this day (default: today)"
    )

    parser = command(
        reports,
        "invoices",
        invoice_aging,
        help="what issued invoices still ask, by days past their due date",
        description=(
            "Invoice aging: what each customer's issued invoices still asked at the end of\n"
            "a day (today by default), after payments and credit notes, by days past\n"
            "each invoice's due date: not yet due, 1-30, 31-60, 61-90, over 90 days."
        ),
        epilog="Example:\n  jobtrack report invoices --as-of 2025-06-30",
        json=True,
    )
    parser.add_argument(
        "--as-of", type=iso_date, metavar="DATE", help="at the end of this day (default: today)"
    )

    parser = command(
        reports,
        "cash",
        cash,
        help="cash received, per period and method, refunds apart",
        description=(
            "The money received from DATE to DATE (both included), by the day it was\n"
            "received, per day, month or year and per method, refunds apart. This is\n"
            "cash, not revenue: revenue counts the jobs marked paid."
        ),
        epilog="Example:\n  jobtrack report cash --from 2025-01-01 --to 2025-06-30 --by month",
        json=True,
    )
    parser.add_argument(
        "--from",
        dest="start",
        type=iso_date,
        required=True,
        metavar="DATE",
        help="the first day",
    )
    parser.add_argument(
        "--to", type=iso_date, required=True, metavar="DATE", help="the last day (included)"
    )
    parser.add_argument(
        "--by",
        type=Split,
        choices=list(Split),
        default=Split.MONTH,
        metavar="day|month|year",
        help="one line per day, month (default) or year",
    )
