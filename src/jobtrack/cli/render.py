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
    render_fields,
    render_table,
)
from jobtrack.cli.refs import Shown
from jobtrack_core.entities import Customer, Job, User

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


def job_fields(job: Job, shown: Shown) -> str:
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
            ("Completed", moment(job.completed_at)),
            ("Description", job.description),
            ("Created", moment(job.created_at)),
            ("Updated", moment(job.updated_at)),
            ("Version", job.version),
        ]
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
