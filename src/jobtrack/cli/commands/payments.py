"""``jobtrack payment ...``: the payments ledger: add, list, show, void, history."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from jobtrack.cli import refs
from jobtrack.cli.commands.history import register_history
from jobtrack.cli.context import Context
from jobtrack.cli.jsonable import to_data
from jobtrack.cli.options import field_options, given
from jobtrack.cli.output import moment, render_fields, write, write_json
from jobtrack.cli.parser import command, group, if_version, iso_date
from jobtrack.cli.refs import Shown
from jobtrack.cli.render import (
    balance,
    cash_line,
    cash_total,
    job_line,
    payment_state,
    payment_table,
    signed,
)
from jobtrack_core.commands import NewPayment
from jobtrack_core.entities import Job, Payment, RecordKind
from jobtrack_core.queries import PaymentFilter
from jobtrack_core.workspace import Workspace

if TYPE_CHECKING:
    from jobtrack.cli.parser import Subparsers


def yes_no(text: str) -> bool:
    """``yes`` or ``no`` (``true``/``false``, ``1``/``0`` too).

    >>> yes_no("Yes"), yes_no("0")
    (True, False)
    """
    key = text.strip().lower()
    if key in ("yes", "y", "true", "1"):
        return True
    if key in ("no", "n", "false", "0"):
        return False
    raise argparse.ArgumentTypeError(f"{text!r} is not yes or no")


def job_money(job: Job, shown: Shown) -> str:
    """``Job 0199e0a2 "Fix tap": 50.00 paid, balance 85.50 owed; partly paid.``"""
    return (
        f"Job {job_line(job, shown)}: {job.amount_paid:.2f} paid, "
        f"balance {balance(job)}; {payment_state(job)}."
    )


def add(ctx: Context, args: argparse.Namespace) -> None:
    workspace = ctx.workspace()
    job = refs.job(workspace, args.job)
    fields = given(args, NewPayment) | {"job_id": job.id, "amount": args.amount}
    payment = workspace.add_payment(NewPayment.parse(fields))
    if ctx.json:
        write_json(to_data(payment))
        return
    shown = Shown(workspace)
    write(
        f"Recorded payment {shown.payment(payment.id)}: {refs.describe_payment(payment)} "
        f"by {payment.method.value}."
    )
    write(job_money(workspace.get_job(job.id), shown))


def list_(ctx: Context, args: argparse.Namespace) -> None:
    workspace = ctx.workspace()
    where = PaymentFilter.parse(
        {
            "job_id": refs.job(workspace, args.job).id if args.job else None,
            "customer_id": refs.customer(workspace, args.customer).id if args.customer else None,
            "received_from": args.received_from,
            "received_to": args.received_to,
            "voided": args.voided,
        }
    )
    payments = workspace.list_payments(where)
    total = cash_total(payments)
    if ctx.json:
        write_json({"payments": to_data(list(payments)), "total": to_data(total)})
        return
    if not payments:
        filtered = any(
            v is not None
            for v in (args.job, args.customer, args.received_from, args.received_to, args.voided)
        )
        add = ctx.command("payment", "add", "JOB", "AMOUNT", "--method", "cash")
        write("No payments match." if filtered else f"No payments yet. Record one with: {add}")
        return
    write(payment_table(payments, Shown(workspace), with_job=True))
    voided = sum(1 for p in payments if p.voided)
    left_out = f"; {voided} voided left out" if voided else ""
    write(f"\nTotal: {cash_line(total)}{left_out}.")


def show(ctx: Context, args: argparse.Namespace) -> None:
    workspace = ctx.workspace()
    payment = refs.payment(workspace, args.payment)
    if ctx.json:
        write_json(to_data(payment))
        return
    write(payment_fields(payment, workspace))


def payment_fields(payment: Payment, workspace: Workspace) -> str:
    shown = Shown(workspace)
    job = workspace.get_job(payment.job_id) if payment.job_id else None
    invoice = workspace.get_invoice(payment.invoice_id) if payment.invoice_id else None
    customer_id = job.customer_id if job else invoice.customer_id if invoice else ""
    voided = f"yes, {moment(payment.voided_at)}: {payment.void_reason}" if payment.voided else "no"
    return render_fields(
        [
            ("Payment", payment.id),
            ("Job", job_line(job, shown) if job else None),
            *([("Invoice", shown.document(invoice))] if invoice else []),
            ("Customer", shown.names.get(customer_id)),
            ("Kind", payment.kind.value),
            ("Method", payment.method.value),
            ("Amount", signed(payment)),
            ("Received on", payment.received_on.isoformat()),
            ("Reference", payment.reference),
            ("Note", payment.note),
            ("Recorded", moment(payment.recorded_at)),
            ("By job pay", "yes" if payment.by_mark_paid else "no"),
            ("Voided", voided),
            ("Version", payment.version),
        ]
    )


def void(ctx: Context, args: argparse.Namespace) -> None:
    workspace = ctx.workspace()
    payment = refs.at_version(refs.payment(workspace, args.payment), args.if_version)
    shown = Shown(workspace)
    if payment.voided:
        if ctx.json:
            write_json(to_data(payment))
        else:
            write(
                f"Payment {shown.payment(payment.id)} ({refs.describe_payment(payment)}) was "
                f"already voided: {payment.void_reason}; nothing changed."
            )
        return
    voided = workspace.void_payment(payment.id, args.reason, if_version=args.if_version)
    if ctx.json:
        write_json(to_data(voided))
        return
    write(
        f"Voided payment {shown.payment(voided.id)} ({refs.describe_payment(voided)}): "
        f"{voided.void_reason}."
    )
    if voided.job_id:
        write(job_money(workspace.get_job(voided.job_id), shown))
    if voided.invoice_id:
        invoice = workspace.get_invoice(voided.invoice_id)
        write(
            f"Invoice {shown.document(invoice)}: {invoice.amount_paid:.2f} paid, "
            f"balance due {invoice.balance:.2f}; {invoice.status.value.replace('_', ' ')}."
        )


# -- the parser -------------------------------------------------------------------
_REF_HELP = "the payment: its id as tables show it, or any start of it no other payment's id has"
_JOB_HELP = "the job: its id as tables show it, or any start of it no other job's id has"


def register(subparsers: Subparsers) -> None:
    """``jobtrack payment ...``."""
    payments = group(
        subparsers,
        "payment",
        help="record, list and void payments: deposits, payments and refunds",
        description=(
            "The payments ledger: money received for jobs (deposits before the work,\n"
            "payments for it) and money given back (refunds). A payment is never edited:\n"
            "one recorded by mistake is voided, and kept. Each moves its job's amount\n"
            "paid; a completed job is paid once its payments cover its actual cost."
        ),
    )
    parser = command(
        payments,
        "add",
        add,
        help="record money received for a job, or given back",
        description=(
            "Record a deposit, a payment or a refund for a job. A refund may not be\n"
            "more than the job holds; a payment may not be dated after today."
        ),
        epilog=(
            "Examples:\n"
            "  jobtrack payment add 0199e0a2 50 --method card --kind deposit\n"
            "  jobtrack payment add 0199e0a2 85.50 --method check --reference 'check 1042'\n"
            "  jobtrack payment add 0199e0a2 20 --method cash --kind refund --note 'goodwill'"
        ),
        json=True,
    )
    parser.add_argument("job", metavar="JOB", help=_JOB_HELP)
    parser.add_argument("amount", metavar="AMOUNT", help="how much, more than 0, e.g. 50.00")
    field_options(parser, NewPayment, skip=("job_id", "amount"), required=("method",))

    parser = command(
        payments,
        "list",
        list_,
        help="list payments, with filters that combine, and their totals",
        description=(
            "List payments in the order they were received, voided ones included (they\n"
            "do not count in the totals). Every filter given must hold."
        ),
        epilog=(
            "Examples:\n"
            "  jobtrack payment list --customer 'Priya Shah'\n"
            "  jobtrack payment list --from 2025-07-01 --to 2025-07-31 --voided no"
        ),
        json=True,
    )
    parser.add_argument("--job", metavar="JOB", help="only this job's payments")
    parser.add_argument(
        "--customer", metavar="CUSTOMER", help="only for this customer's jobs (id or name)"
    )
    parser.add_argument(
        "--from",
        dest="received_from",
        metavar="DATE",
        type=iso_date,
        help="received on or after DATE",
    )
    parser.add_argument(
        "--to", dest="received_to", metavar="DATE", type=iso_date, help="received on or before DATE"
    )
    parser.add_argument(
        "--voided",
        type=yes_no,
        metavar="yes|no",
        help="only voided payments (yes) or only those that count (no)",
    )

    parser = command(payments, "show", show, help="show everything about a payment", json=True)
    parser.add_argument("payment", metavar="PAYMENT", help=_REF_HELP)

    parser = command(
        payments,
        "void",
        void,
        help="void a payment recorded by mistake",
        description=(
            "Void a payment recorded by mistake: it is kept, marked void with the\n"
            "reason, and no longer counts. Refused if its job would then hold less than\n"
            "nothing (void its refunds first)."
        ),
        epilog="Example:\n  jobtrack payment void 0199e0b1 --reason 'entered twice'",
        json=True,
    )
    parser.add_argument("payment", metavar="PAYMENT", help=_REF_HELP)
    parser.add_argument("--reason", required=True, metavar="TEXT", help="why it is voided")
    if_version(parser, "payment")

    register_history(payments, RecordKind.PAYMENT, _REF_HELP)
