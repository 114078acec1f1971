"""How customers, jobs and accounts look on the terminal."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

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
)
from jobtrack.cli.refs import Shown
from jobtrack_core.entities import Customer, Job, Payment, PaymentKind, User
from jobtrack_core.money import ZERO
from jobtrack_core.reports import CashTotal

JOB_COLUMNS = (
    Column("ID"),
    Column("Due"),
    Column("Title", max_width=34),
    Column("Customer", max_width=22),
    Column("Status"),
    Column("Estimate", right=True),
    Column("Actual", right=True),
    Column("Paid"),
)


def is_overdue(job: Job, today: date) -> bool:
    """Due before today and still open (pending or in progress)."""
    return job.due_date is not None and job.due_date < today and job.status.is_open


def job_rows(jobs: Sequence[Job], shown: Shown, today: date | None = None) -> list[list[object]]:
    rows: list[list[object]] = []
    for job in jobs:
        due = day(job.due_date)
        if today is not None and is_overdue(job, today):
            due += " !"
        rows.append(
            [
                shown.job(job.id),
                due,
                job.title,
                shown.names.get(job.customer_id, shown.customer(job.customer_id)),
                job.status.value,
                money(job.estimated_cost),
                money(job.actual_cost),
                "yes" if job.paid else "no",
            ]
        )
    return rows


def job_table(jobs: Sequence[Job], shown: Shown, today: date | None = None) -> str:
    """A table of jobs; ``!`` after a due date marks it overdue as of ``today``."""
    return render_table(JOB_COLUMNS, job_rows(jobs, shown, today))


def balance(job: Job) -> str:
    """A job's balance in words: what is owed, or what it holds for the customer."""
    if job.balance > ZERO:
        return f"{money(job.balance)} owed"
    if job.deposit > ZERO:
        return f"{money(job.balance)} (deposit held)"
    if job.credit > ZERO:
        return f"{money(job.balance)} (credit to give back or keep)"
    return money(job.balance)


def payment_state(job: Job) -> str:
    """``partly paid``: where a job stands with its money."""
    return job.payment_state.value.replace("_", " ")


def job_fields(job: Job, shown: Shown, payments: Sequence[Payment] = ()) -> str:
    nexts = ", ".join(s.value for s in job.status.allowed_next)
    status = f"{job.status.value} (next: {nexts})" if nexts else f"{job.status.value} (final)"
    return render_fields(
        [
            ("Job", job.id),
            ("Title", job.title),
            (
                "Customer",
                f"{shown.names.get(job.customer_id, EMPTY)} ({shown.customer(job.customer_id)})",
            ),
            ("Status", status),
            ("Due", day(job.due_date)),
            ("Estimated cost", money(job.estimated_cost)),
            ("Actual cost", money(job.actual_cost)),
            ("Estimated hours", hours(job.estimated_hours)),
            ("Actual hours", hours(job.actual_hours)),
            ("Paid", f"yes, {moment(job.paid_at)}" if job.paid else "no"),
            ("Amount paid", money(job.amount_paid)),
            ("Balance", balance(job)),
            ("Payment state", payment_state(job)),
            ("Completed", moment(job.completed_at)),
            ("Description", job.description),
            ("Created", moment(job.created_at)),
            ("Updated", moment(job.updated_at)),
            ("Version", job.version),
        ]
    ) + (f"\n\nPayments\n{payment_table(payments, shown)}" if payments else "")


def signed(payment: Payment) -> str:
    """A payment's amount as it moves the job's money: a refund less than 0."""
    return money(-payment.amount if payment.kind is PaymentKind.REFUND else payment.amount)


def payment_table(payments: Sequence[Payment], shown: Shown, *, with_job: bool = False) -> str:
    """A table of payments, oldest first as given; a refund's amount is less than 0, and
    a voided payment says so (it no longer counts)."""
    columns = [
        Column("ID"),
        Column("Received"),
        *([Column("Job", max_width=30), Column("Customer", max_width=20)] if with_job else []),
        Column("Kind"),
        Column("Method"),
        Column("Amount", right=True),
        Column("Reference", max_width=16),
        Column("Voided", max_width=30),
    ]
    rows = []
    for p in payments:
        job: list[object] = []
        if with_job and p.job_id is None:  # paid on an invoice, for none of its jobs
            job = [shown.invoice_names.get(p.invoice_id or "", EMPTY), EMPTY]
        elif with_job and p.job_id is not None:
            customer_id = shown.customer_of.get(p.job_id)
            job = [
                f"{shown.job(p.job_id)} {shown.titles.get(p.job_id, '')}".rstrip(),
                shown.names.get(customer_id or "", EMPTY),
            ]
        rows.append(
            [
                shown.payment(p.id),
                day(p.received_on),
                *job,
                p.kind.value,
                p.method.value,
                signed(p),
                p.reference,
                f"voided: {p.void_reason}" if p.voided else None,
            ]
        )
    return render_table(columns, rows)


def cash_total(payments: Sequence[Payment]) -> CashTotal:
    """What ``payments`` add up to, voided ones left out."""
    total = CashTotal()
    for p in payments:
        if p.voided:
            continue
        if p.kind is PaymentKind.REFUND:
            total += CashTotal(refunded=p.amount, refunds=1)
        else:
            total += CashTotal(received=p.amount, receipts=1)
    return total


def cash_line(total: CashTotal) -> str:
    """``received 150.00 (2 payments), refunded 40.00 (1 refund), net 110.00``."""
    return (
        f"received {money(total.received)} ({plural(total.receipts, 'payment')}), "
        f"refunded {money(total.refunded)} ({plural(total.refunds, 'refund')}), "
        f"net {money(total.net)}"
    )


def customer_fields(customer: Customer, extra: Sequence[tuple[str, object]] = ()) -> str:
    return render_fields(
        [
            ("Customer", customer.id),
            ("Name", customer.name),
            ("Business", customer.business_name),
            ("Email", customer.email),
            ("Phone", customer.phone),
            ("Address", customer.address),
            ("Notes", customer.notes),
            *extra,
            ("Created", moment(customer.created_at)),
            ("Updated", moment(customer.updated_at)),
            ("Version", customer.version),
        ]
    )


def user_fields(user: User, extra: Sequence[tuple[str, object]] = ()) -> str:
    return render_fields(
        [
            ("Name", user.name),
            ("Email", user.email),
            ("Business", user.business_name),
            ("Account", user.id),
            ("Registered", moment(user.created_at)),
            *extra,
        ]
    )


def job_line(job: Job, shown: Shown) -> str:
    """``0199e0a2 "Fix tap"``: how one job is named in messages."""
    return f'{shown.job(job.id)} "{job.title}"'
