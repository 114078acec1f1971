"""``jobtrack invoice ...``: bills to customers, from draft to issued to paid, or void;
credit notes that correct them; payments against them; their PDF."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from jobtrack.cli import prompts, refs
from jobtrack.cli.commands.history import one_of, register_history
from jobtrack.cli.commands.quotes import CUSTOMER_HELP, LINES_HELP, lines_to_add
from jobtrack.cli.context import Context, UsageError
from jobtrack.cli.documents import (
    document_data,
    invoice_fields,
    invoice_table,
    save_document,
    save_options,
    words,
)
from jobtrack.cli.jsonable import to_data
from jobtrack.cli.lines import line_options, read_lines
from jobtrack.cli.options import field_options, given
from jobtrack.cli.output import money, plural, write, write_json
from jobtrack.cli.parser import command, group, if_version, iso_date
from jobtrack.cli.refs import Shown
from jobtrack_core import fields as f
from jobtrack_core.commands import InvoiceChanges, NewInvoice, NewPayment
from jobtrack_core.documents import Invoice, InvoiceKind, InvoiceStatus
from jobtrack_core.entities import Payment, RecordKind
from jobtrack_core.queries import InvoiceFilter, PaymentFilter
from jobtrack_core.workspace import Workspace

if TYPE_CHECKING:
    from jobtrack.cli.parser import Subparsers


def _name(workspace: Workspace, invoice: Invoice) -> str:
    """``invoice INV-2025-0001``, ``credit note CN-2025-0001``, ``invoice draft 0199e0a2``."""
    return f"{words(invoice.kind.value)} {Shown(workspace).document(invoice)}"


def _money_state(invoice: Invoice) -> str:
    """``total 144.00, paid 60.00, balance due 84.00; partly paid``."""
    return (
        f"total {money(invoice.total)} {invoice.currency}, paid {money(invoice.amount_paid)}, "
        f"credited {money(invoice.amount_credited)}, balance due {money(invoice.balance)}; "
        f"{words(invoice.status.value)}"
    )


def _said(ctx: Context, workspace: Workspace, invoice: Invoice, what: str) -> None:
    """Print the invoice as JSON, or one line: ``Invoice INV-2025-0001 WHAT.``"""
    if ctx.json:
        write_json(document_data(invoice))
        return
    name = _name(workspace, invoice)
    write(f"{name[:1].upper()}{name[1:]} {what}.")


def create(ctx: Context, args: argparse.Namespace) -> None:
    lines = read_lines(args.line, args.lines_json)
    workspace = ctx.workspace()
    customer = refs.customer(workspace, args.customer)
    jobs = [refs.job(workspace, ref).id for ref in args.job or ()]
    fields = given(args, NewInvoice) | {"customer_id": customer.id, "job_ids": jobs}
    invoice = workspace.create_invoice(NewInvoice.parse(fields | {"lines": lines}))
    total = f"{plural(len(invoice.lines), 'line')}, total {money(invoice.total)}"
    _said(ctx, workspace, invoice, f"is drafted for {customer.name}: {total} {invoice.currency}")


def add_line(ctx: Context, args: argparse.Namespace) -> None:
    new = lines_to_add(args)
    workspace = ctx.workspace()
    invoice = refs.invoice(workspace, args.invoice)
    changed = workspace.update_invoice(
        invoice.id, lines=[*invoice.lines, *new], if_version=args.if_version
    )
    total = f"{plural(len(changed.lines), 'line')}, total {money(changed.total)}"
    _said(ctx, workspace, changed, f"now has {total} {changed.currency}")


def edit(ctx: Context, args: argparse.Namespace) -> None:
    changes = given(args, NewInvoice)
    if args.line is not None or args.lines_json is not None:
        changes["lines"] = read_lines(args.line, args.lines_json)
    if not changes:
        raise UsageError("nothing to change: give at least one of --notes, --line, --lines-json")
    workspace = ctx.workspace()
    invoice = refs.invoice(workspace, args.invoice)
    changed = workspace.update_invoice(
        invoice.id, InvoiceChanges.parse(changes), if_version=args.if_version
    )
    _print(ctx, workspace, changed)


def issue(ctx: Context, args: argparse.Namespace) -> None:
    workspace = ctx.workspace()
    invoice = refs.invoice(workspace, args.invoice)
    issued = workspace.issue_invoice(
        invoice.id, issued_on=args.issued_on, due_on=args.due_on, if_version=args.if_version
    )
    due = issued.due_on.isoformat() if issued.due_on else "-"
    _said(
        ctx,
        workspace,
        issued,
        f"is issued ({money(issued.total)} {issued.currency}), due on {due}",
    )


def void(ctx: Context, args: argparse.Namespace) -> None:
    workspace = ctx.workspace()
    invoice = refs.invoice(workspace, args.invoice)
    voided = workspace.void_invoice(invoice.id, args.reason, if_version=args.if_version)
    _said(ctx, workspace, voided, f"is void: {voided.void_reason} (its number stays used)")


def credit(ctx: Context, args: argparse.Namespace) -> None:
    lines = read_lines(args.line, args.lines_json)
    workspace = ctx.workspace()
    invoice = refs.invoice(workspace, args.invoice)
    note = workspace.credit_invoice(
        invoice.id,
        lines=lines or None,
        notes=args.notes or None,
        issued_on=args.issued_on,
        if_version=args.if_version,
    )
    if ctx.json:
        write_json(document_data(note))
        return
    shown = Shown(workspace)
    after = workspace.get_invoice(invoice.id)
    write(
        f"Issued credit note {shown.document(note)} of {money(note.total)} {note.currency} "
        f"for invoice {shown.document(after)}."
    )
    write(f"Invoice {shown.document(after)}: {_money_state(after)}.")


def pay(ctx: Context, args: argparse.Namespace) -> None:
    amount = f.check("amount", f.AMOUNT, args.amount)
    assert isinstance(amount, Decimal)
    options = {k: v for k, v in given(args, NewPayment).items() if k in _PAY_OPTIONS}
    workspace = ctx.workspace()
    invoice = refs.invoice(workspace, args.invoice)
    payments = workspace.pay_invoice(invoice.id, amount, if_version=args.if_version, **options)
    after = workspace.get_invoice(invoice.id)
    if ctx.json:
        write_json({"payments": to_data(list(payments)), "invoice": document_data(after)})
        return
    shown = Shown(workspace)
    write(
        f"Recorded {money(amount)} for invoice {shown.document(after)} ({_split(payments, shown)})."
    )
    write(f"Invoice {shown.document(after)}: {_money_state(after)}.")


def _split(payments: Sequence[Payment], shown: Shown) -> str:
    """How the money was shared: ``50.00 on job 0199e0a2, 10.00 on the invoice``."""
    parts = [
        f"{money(p.amount)} on job {shown.job(p.job_id)}"
        if p.job_id
        else f"{money(p.amount)} on the invoice"
        for p in payments
    ]
    return f"{plural(len(payments), 'payment')}: {', '.join(parts)}"


def delete(ctx: Context, args: argparse.Namespace) -> None:
    workspace = ctx.workspace()
    invoice = refs.invoice(workspace, args.invoice)
    name = _name(workspace, invoice)
    prompts.confirm(f"Delete {name}?", assume_yes=args.yes)
    deleted = workspace.delete_invoice(invoice.id)
    if ctx.json:
        write_json(to_data(deleted))
    else:
        write(f"Deleted {name}.")


def show(ctx: Context, args: argparse.Namespace) -> None:
    workspace = ctx.workspace()
    invoice = refs.invoice(workspace, args.invoice)
    _print(ctx, workspace, invoice)


def _print(ctx: Context, workspace: Workspace, invoice: Invoice) -> None:
    if ctx.json:
        write_json(document_data(invoice))
        return
    payments: Sequence[Payment] = ()
    notes: Sequence[Invoice] = ()
    if invoice.kind is InvoiceKind.INVOICE and invoice.status is not InvoiceStatus.DRAFT:
        payments = workspace.list_payments(PaymentFilter(invoice_id=invoice.id))
        notes = [
            n
            for n in workspace.list_invoices(
                InvoiceFilter(customer_id=invoice.customer_id, kind=InvoiceKind.CREDIT_NOTE)
            )
            if n.corrects == invoice.id
        ]
    write(invoice_fields(invoice, Shown(workspace), payments=payments, credit_notes=notes))


def list_(ctx: Context, args: argparse.Namespace) -> None:
    workspace = ctx.workspace()
    customer_id = refs.customer(workspace, args.customer).id if args.customer else None
    where = InvoiceFilter(customer_id=customer_id, status=args.status, kind=args.kind)
    invoices = list(workspace.list_invoices(where))
    today = workspace.today()
    if args.overdue:
        invoices = [i for i in invoices if i.overdue_on(today)]
    if ctx.json:
        write_json({"invoices": [document_data(i) for i in invoices]})
        return
    if not invoices:
        create = ctx.command("invoice", "create", "CUSTOMER", "--job", "JOB")
        filtered = args.customer or args.status or args.kind or args.overdue
        write("No invoices match." if filtered else f"No invoices yet. Draft one with: {create}")
        return
    write(invoice_table(invoices, Shown(workspace), today))
    owed = sum((i.balance for i in invoices if i.balance > 0), Decimal(0))
    overdue = sum(1 for i in invoices if i.overdue_on(today))
    late = f"; {plural(overdue, 'invoice')} overdue (!)" if overdue else ""
    write(f"\nBalance due: {money(owed)}{late}.")


def pdf(ctx: Context, args: argparse.Namespace) -> None:
    workspace = ctx.workspace()
    invoice = refs.invoice(workspace, args.invoice)
    save_document(workspace, invoice, out=args.out, html=args.html)


# -- the parser -------------------------------------------------------------------
#: The options of ``invoice pay`` that are fields of a payment.
_PAY_OPTIONS = ("method", "received_on", "reference", "note", "id")
_REF_HELP = "the invoice: its number (INV-2025-0001), or its id or any start of it"


def _issued_on(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--issued-on", type=iso_date, metavar="DATE", help="the day it is dated (default: today)"
    )


def register(subparsers: Subparsers) -> None:
    """``jobtrack invoice ...``."""
    invoices = group(
        subparsers,
        "invoice",
        help="draft, issue, credit and take payments on invoices",
        description=(
            "Invoices: bills to a customer, for completed jobs and any other lines. A\n"
            "draft may change; issued, it takes the next number and a due date and never\n"
            "changes again but for the money: payments make it partly paid, then paid;\n"
            "a credit note corrects it; a mistaken one is voided and keeps its number.\n"
            "Refer to an invoice by its number or by its id as tables show it."
        ),
    )
    parser = command(
        invoices,
        "create",
        create,
        help="draft an invoice for completed jobs and other lines",
        description=(
            "Draft an invoice. Each --job adds a line for a completed job of the\n"
            "customer (its title, at its actual cost, with the default tax rate).\n" + LINES_HELP
        ),
        epilog=(
            "Examples:\n"
            "  jobtrack invoice create ada --job 0199e0a2 --job 0199e0b7\n"
            "  jobtrack invoice create ada --line 'Call-out;1;35' --notes 'Thank you!'"
        ),
        json=True,
    )
    parser.add_argument("customer", metavar="CUSTOMER", help=CUSTOMER_HELP)
    parser.add_argument(
        "--job",
        action="append",
        metavar="JOB",
        help="a completed job of the customer to bill (repeat for more)",
    )
    line_options(parser)
    field_options(parser, NewInvoice, only=("notes", "id"))

    parser = command(
        invoices,
        "add-line",
        add_line,
        help="add lines to a draft invoice",
        epilog="Example:\n  jobtrack invoice add-line 0199e0c1 --line 'Skip hire;1;120;;none'",
        json=True,
    )
    parser.add_argument("invoice", metavar="INVOICE", help=_REF_HELP)
    line_options(parser)
    if_version(parser, "invoice")

    parser = command(
        invoices,
        "edit",
        edit,
        help="change a draft invoice: its notes, or all its lines",
        description="Change a draft invoice. --line (or --lines-json) replaces all its lines.",
        json=True,
    )
    parser.add_argument("invoice", metavar="INVOICE", help=_REF_HELP)
    line_options(parser)
    field_options(parser, NewInvoice, only=("notes",), clearable=True)
    if_version(parser, "invoice")

    parser = command(
        invoices,
        "issue",
        issue,
        help="issue a draft invoice: it takes the next number and a due date",
        description=(
            "Issue a draft invoice: it takes the next invoice number, is dated (today\n"
            "unless --issued-on says; never a day to come) and is due after the\n"
            "business's payment terms unless --due-on says. It never changes again."
        ),
        epilog="Example:\n  jobtrack invoice issue 0199e0c1 --due-on 2025-08-15",
        json=True,
    )
    parser.add_argument("invoice", metavar="INVOICE", help=_REF_HELP)
    _issued_on(parser)
    parser.add_argument(
        "--due-on", type=iso_date, metavar="DATE", help="the day it is due (default: the terms)"
    )
    if_version(parser, "invoice")

    parser = command(
        invoices,
        "void",
        void,
        help="void an issued invoice made by mistake (it keeps its number)",
        description=(
            "Void an issued invoice made by mistake: it is kept, with its number and the\n"
            "reason, and no longer asks for money. Refused while it holds payments (void\n"
            "them first) or credit notes."
        ),
        epilog="Example:\n  jobtrack invoice void INV-2025-0007 --reason 'wrong customer'",
        json=True,
    )
    parser.add_argument("invoice", metavar="INVOICE", help=_REF_HELP)
    parser.add_argument("--reason", required=True, metavar="TEXT", help="why it is voided")
    if_version(parser, "invoice")

    parser = command(
        invoices,
        "credit",
        credit,
        help="issue a credit note correcting an issued invoice",
        description=(
            "Issue a credit note for an issued invoice: without --line, for all of it;\n"
            "with lines, for those (no more than the invoice still holds). The credit\n"
            "note takes its own number and lowers what the invoice asks.\n" + LINES_HELP
        ),
        epilog=(
            "Examples:\n"
            "  jobtrack invoice credit INV-2025-0003\n"
            "  jobtrack invoice credit INV-2025-0003 --line 'Goodwill discount;1;20'"
        ),
        json=True,
    )
    parser.add_argument("invoice", metavar="INVOICE", help=_REF_HELP)
    line_options(parser)
    parser.add_argument("--notes", metavar="TEXT", help="anything the customer should read")
    _issued_on(parser)
    if_version(parser, "invoice")

    parser = command(
        invoices,
        "pay",
        pay,
        help="record money received for an issued invoice",
        description=(
            "Record a payment for an issued invoice, no more than its balance due. The\n"
            "money goes to the invoice's jobs in line order, each up to what it owes;\n"
            "what is left (tax, lines of no job) is a payment on the invoice itself.\n"
            "Each is an entry of the payments ledger (`jobtrack payment list`)."
        ),
        epilog=(
            "Example:\n  jobtrack invoice pay INV-2025-0001 60 --method card --reference 'slip 88'"
        ),
        json=True,
    )
    parser.add_argument("invoice", metavar="INVOICE", help=_REF_HELP)
    parser.add_argument("amount", metavar="AMOUNT", help="how much, more than 0, e.g. 60.00")
    field_options(parser, NewPayment, only=_PAY_OPTIONS)
    if_version(parser, "invoice")

    parser = command(
        invoices,
        "delete",
        delete,
        help="delete a draft invoice",
        description="Delete a draft invoice, for good (an issued one is voided instead). "
        "Asks first; scripts pass --yes.",
        json=True,
    )
    parser.add_argument("invoice", metavar="INVOICE", help=_REF_HELP)
    parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    parser = command(
        invoices,
        "show",
        show,
        help="show an invoice: lines, tax, totals, paid, balance due",
        json=True,
    )
    parser.add_argument("invoice", metavar="INVOICE", help=_REF_HELP)

    parser = command(
        invoices,
        "list",
        list_,
        help="list invoices and credit notes, newest first",
        description=(
            "List invoices and credit notes, newest first, with the balance due of\n"
            "those listed. Every filter given must hold; ! marks an overdue invoice."
        ),
        epilog="Examples:\n  jobtrack invoice list --overdue\n"
        "  jobtrack invoice list --customer ada --status partly_paid",
        json=True,
    )
    parser.add_argument("--customer", metavar="CUSTOMER", help=CUSTOMER_HELP)
    parser.add_argument(
        "--status",
        type=one_of(InvoiceStatus),
        metavar="STATUS",
        help=", ".join(s.value for s in InvoiceStatus),
    )
    parser.add_argument(
        "--kind",
        type=one_of(InvoiceKind),
        metavar="KIND",
        help="invoice or credit_note",
    )
    parser.add_argument(
        "--overdue", action="store_true", help="only invoices still owing after their due date"
    )

    parser = command(
        invoices,
        "pdf",
        pdf,
        help="write an invoice or credit note as a PDF (or HTML) file",
        epilog="Examples:\n  jobtrack invoice pdf INV-2025-0001\n"
        "  jobtrack invoice pdf INV-2025-0001 --html --out invoice.html",
    )
    parser.add_argument("invoice", metavar="INVOICE", help=_REF_HELP)
    save_options(parser)

    register_history(invoices, RecordKind.INVOICE, _REF_HELP)
