"""``jobtrack job ...``: add, list, show, edit, move through the workflow, pay, delete."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from jobtrack.cli import prompts, refs
from jobtrack.cli.commands.history import register_history
from jobtrack.cli.context import CliError, Context, UsageError
from jobtrack.cli.jsonable import to_data
from jobtrack.cli.options import field_options, given, options_of
from jobtrack.cli.output import moment, note, plural, write, write_json
from jobtrack.cli.parser import command, group, if_version, iso_date, positive_int
from jobtrack.cli.refs import Shown
from jobtrack.cli.render import job_fields, job_line, job_table
from jobtrack_core.commands import JobChanges, JobCompletion, NewJob, NewPayment
from jobtrack_core.entities import Job, Payment, RecordKind
from jobtrack_core.pagination import MAX_PAGE_SIZE, JobSort
from jobtrack_core.queries import JobFilter
from jobtrack_core.status import JobStatus
from jobtrack_core.workspace import Workspace

if TYPE_CHECKING:
    from jobtrack.cli.parser import Subparsers

#: How many jobs ``job list`` shows when --limit is not given.
DEFAULT_LIMIT = 50


def status_name(text: str) -> JobStatus:
    """``pending``, ``in_progress`` (or ``in-progress``), ``completed``, ``cancelled``.

    >>> status_name("in-progress")
    <JobStatus.IN_PROGRESS: 'in_progress'>
    """
    key = text.strip().lower().replace("-", "_").replace(" ", "_")
    try:
        return JobStatus(key)
    except ValueError:
        names = ", ".join(s.value for s in JobStatus)
        raise argparse.ArgumentTypeError(f"{text!r} is not a status ({names})") from None


def add(ctx: Context, args: argparse.Namespace) -> None:
    workspace = ctx.workspace()
    customer = refs.customer(workspace, args.customer)
    fields = given(args, NewJob) | {"customer_id": customer.id, "title": args.title}
    job = workspace.create_job(NewJob.parse(fields))
    if ctx.json:
        write_json(to_data(job))
    else:
        line = job_line(job, Shown(workspace))
        write(f"Added job {line} for {customer.name} ({job.status.value}).")


def list_(ctx: Context, args: argparse.Namespace) -> None:
    workspace = ctx.workspace()
    customer_id = refs.customer(workspace, args.customer).id if args.customer else None
    where = JobFilter(
        statuses=args.status or None,
        customer_id=customer_id,
        paid=args.paid,
        due_from=args.due_from,
        due_to=args.due_to,
        text=args.search,
    )
    page = workspace.list_jobs_page(where, sort=args.sort, after=args.after, limit=args.limit)
    if ctx.json:
        write_json({"jobs": to_data(list(page.items)), "next": page.next})
        return
    if not page.items:
        add = ctx.command("job", "add", "--customer", "NAME", "TITLE")
        empty = "No jobs match." if args.after or _filtered(args) else None
        write(empty or f"No jobs yet. Add one with: {add}")
        return
    write(job_table(page.items, Shown(workspace), workspace.today()))
    if page.next:
        note(f"More jobs follow: add --after {page.next}")


def _filtered(args: argparse.Namespace) -> bool:
    return any(
        (args.status, args.customer, args.paid is not None, args.due_from, args.due_to, args.search)
    )


def show(ctx: Context, args: argparse.Namespace) -> None:
    workspace = ctx.workspace()
    job = refs.job(workspace, args.job)
    payments = workspace.list_payments(job_id=job.id)
    if ctx.json:
        write_json(job_data(job, payments))
        return
    write(job_fields(job, Shown(workspace), payments))


def job_data(job: Job, payments: Sequence[Payment]) -> dict[str, Any]:
    """A job as the interchange converter gives it, with what it owes or holds
    (``balance``, ``payment_state``) and its ``payments``, oldest first."""
    data: dict[str, Any] = to_data(job)
    data.setdefault("balance", to_data(job.balance))
    data.setdefault("payment_state", to_data(job.payment_state))
    data["payments"] = to_data(list(payments))
    return data


def edit(ctx: Context, args: argparse.Namespace) -> None:
    changes = given(args, NewJob)
    changes.pop("customer_id", None)
    if not changes and args.customer is None:
        raise UsageError(f"nothing to change: give at least one of {options_of(JobChanges)}")
    workspace = ctx.workspace()
    job = refs.job(workspace, args.job)
    if args.customer is not None:
        changes["customer_id"] = refs.customer(workspace, args.customer).id
    updated = workspace.update_job(job.id, JobChanges.parse(changes), if_version=args.if_version)
    _print_job(ctx, workspace, updated)


def _print_job(ctx: Context, workspace: Workspace, job: Job) -> None:
    if ctx.json:
        write_json(to_data(job))
    else:
        write(job_fields(job, Shown(workspace)))


def _step(ctx: Context, workspace: Workspace, job: Job, what: str) -> None:
    if ctx.json:
        write_json(to_data(job))
    else:
        write(f"Job {job_line(job, Shown(workspace))} {what}.")


def start(ctx: Context, args: argparse.Namespace) -> None:
    workspace = ctx.workspace()
    job = workspace.start_job(refs.job(workspace, args.job).id, if_version=args.if_version)
    _step(ctx, workspace, job, "is now in progress")


def complete(ctx: Context, args: argparse.Namespace) -> None:
    workspace = ctx.workspace()
    job = refs.job(workspace, args.job)
    completion = {k: v for k, v in given(args, NewJob).items() if k in JobCompletion.rules}
    done = workspace.complete_job(
        job.id, JobCompletion.parse(completion), if_version=args.if_version
    )
    _step(ctx, workspace, done, "is completed")
    if done.actual_cost is None and not ctx.json:
        edit = ctx.command("job", "edit", Shown(workspace).job(done.id), "--actual-cost", "AMOUNT")
        note(f"No cost was recorded; add it with: {edit}")


def cancel(ctx: Context, args: argparse.Namespace) -> None:
    workspace = ctx.workspace()
    job = workspace.cancel_job(refs.job(workspace, args.job).id, if_version=args.if_version)
    _step(ctx, workspace, job, "is cancelled")


def pay(ctx: Context, args: argparse.Namespace) -> None:
    workspace = ctx.workspace()
    job = refs.at_version(refs.job(workspace, args.job), args.if_version)
    if job.paid:
        when = f" on {moment(job.paid_at)}" if job.paid_at else ""
        _step(ctx, workspace, job, f"was already paid{when}; nothing changed")
        return
    paid = workspace.mark_paid(
        job.id,
        if_version=args.if_version,
        method=args.method or None,
        received_on=args.received_on or None,
        reference=args.reference or None,
    )
    _step(ctx, workspace, paid, "is paid")
    if not ctx.json and paid.amount_paid != job.amount_paid:
        recorded = paid.amount_paid - job.amount_paid
        note(f"Recorded a payment of {recorded:.2f} ({args.method or 'other'}).")


def unpay(ctx: Context, args: argparse.Namespace) -> None:
    workspace = ctx.workspace()
    job = refs.at_version(refs.job(workspace, args.job), args.if_version)
    if not job.paid:
        _step(ctx, workspace, job, "was not paid; nothing changed")
        return
    unpaid = workspace.mark_unpaid(job.id, if_version=args.if_version)
    _step(ctx, workspace, unpaid, "is unpaid again")


def delete(ctx: Context, args: argparse.Namespace) -> None:
    workspace = ctx.workspace()
    job = refs.at_version(refs.job(workspace, args.job), args.if_version)
    line = job_line(job, Shown(workspace))
    prompts.confirm(f"Delete job {line}?", assume_yes=args.yes)
    payments = len(workspace.list_payments(job_id=job.id))
    if payments and not args.with_payments:
        raise CliError(
            f"job {line} holds {plural(payments, 'payment')}; nothing was deleted: add "
            "--with-payments to delete them too, or void them and keep the job"
        )
    deleted = workspace.delete_job(
        job.id, if_version=args.if_version, with_payments=args.with_payments
    )
    if ctx.json:
        write_json(to_data(deleted))
    else:
        also = f" and {plural(deleted.payments, 'payment')}" if deleted.payments else ""
        write(f"Deleted job {line}{also}.")


# -- the parser -------------------------------------------------------------------
_REF_HELP = "the job: its id as tables show it, or any start of it no other job's id has"
_CUSTOMER_HELP = "the customer: its id or name, or the start of either"
#: Fields of NewJob that are not options of their own: the customer is --customer (an
#: id or a name), the title is an argument of ``job add``, ids are made by jobtrack.
_NOT_OPTIONS = ("customer_id", "id")
_ALIASES = {"due_date": ("--due",)}


def register(subparsers: Subparsers) -> None:
    """``jobtrack job ...``."""
    jobs = group(
        subparsers,
        "job",
        help="add, list, show, edit, start, complete, cancel, pay and delete jobs",
        description=(
            "Your jobs. A job goes pending -> in_progress -> completed, or is cancelled\n"
            "on the way; payment is recorded separately, in any status. Refer to a job\n"
            "by its id as tables and messages show it: the shortest start of the id that\n"
            "no other job's id has (at least 8 characters, or the whole id if shorter).\n"
            "Any start of the id that only this job's id has works too."
        ),
    )
    parser = command(
        jobs,
        "add",
        add,
        help="add a job for a customer",
        description="Add a new job (pending, unpaid) for one of your customers.",
        epilog='Example:\n  jobtrack job add --customer "Priya Shah" "Fix leaking tap" '
        "--estimated-cost 120 --due tomorrow",
        json=True,
    )
    parser.add_argument("title", metavar="TITLE", help="what the job is called")
    parser.add_argument("--customer", required=True, metavar="CUSTOMER", help=_CUSTOMER_HELP)
    field_options(parser, NewJob, skip=(*_NOT_OPTIONS, "title"), aliases=_ALIASES)

    parser = command(
        jobs,
        "list",
        list_,
        help="list jobs, with filters that combine",
        description=(
            "List jobs. Every filter given must hold. Long listings come in pages:\n"
            "the next page starts after the cursor printed at the end."
        ),
        epilog=(
            "Examples:\n"
            "  jobtrack job list --status pending --status in_progress --sort due\n"
            "  jobtrack job list --customer 'Priya Shah' --unpaid\n"
            "  jobtrack job list --due-from 2025-07-01 --due-to 2025-07-31 --search paint"
        ),
        json=True,
    )
    parser.add_argument(
        "--status",
        action="append",
        type=status_name,
        metavar="STATUS",
        help="pending, in_progress, completed or cancelled (repeat for several)",
    )
    parser.add_argument("--customer", metavar="CUSTOMER", help=_CUSTOMER_HELP)
    paid = parser.add_mutually_exclusive_group()
    paid.add_argument(
        "--paid", dest="paid", action="store_const", const=True, help="only paid jobs"
    )
    paid.add_argument(
        "--unpaid", dest="paid", action="store_const", const=False, help="only unpaid jobs"
    )
    parser.add_argument("--due-from", metavar="DATE", type=iso_date, help="due on or after DATE")
    parser.add_argument("--due-to", metavar="DATE", type=iso_date, help="due on or before DATE")
    parser.add_argument(
        "--search", metavar="TEXT", help="TEXT in the title or description (any case)"
    )
    parser.add_argument(
        "--sort",
        type=JobSort,
        choices=list(JobSort),
        default=JobSort.NEWEST,
        metavar="ORDER",
        help="newest (default), due (soonest first), updated (latest change first), title",
    )
    parser.add_argument(
        "--limit",
        type=positive_int,
        default=DEFAULT_LIMIT,
        metavar="N",
        help=f"at most N jobs (default {DEFAULT_LIMIT}, at most {MAX_PAGE_SIZE})",
    )
    parser.add_argument(
        "--after", metavar="CURSOR", help="continue after this cursor from the previous page"
    )

    parser = command(jobs, "show", show, help="show everything about a job", json=True)
    parser.add_argument("job", metavar="JOB", help=_REF_HELP)

    parser = command(
        jobs,
        "edit",
        edit,
        help="change a job's details",
        description=(
            "Change some fields of a job; an empty value clears an optional field.\n"
            "Status and payment have their own commands (start, complete, cancel, pay)."
        ),
        json=True,
    )
    parser.add_argument("job", metavar="JOB", help=_REF_HELP)
    parser.add_argument(
        "--customer", metavar="CUSTOMER", help="move the job to this customer (id or name)"
    )
    field_options(parser, NewJob, skip=_NOT_OPTIONS, clearable=True, aliases=_ALIASES)
    if_version(parser, "job")

    for name, handler, text in (
        ("start", start, "start a pending job (pending -> in_progress)"),
        ("cancel", cancel, "cancel a pending or in-progress job"),
        ("unpay", unpay, "undo `job pay`: void the payment it recorded"),
    ):
        parser = command(jobs, name, handler, help=text, json=True)
        parser.add_argument("job", metavar="JOB", help=_REF_HELP)
        if_version(parser, "job")

    parser = command(
        jobs,
        "pay",
        pay,
        help="record that a job is paid (any status)",
        description=(
            "Mark a job paid, in any status: a payment of what is outstanding (its\n"
            "actual cost less what its payments hold, if more than 0) is recorded.\n"
            "To record part of it, or a deposit, use `jobtrack payment add`."
        ),
        epilog="Example:\n  jobtrack job pay 0199e0a2 --method card --received-on yesterday",
        json=True,
    )
    parser.add_argument("job", metavar="JOB", help=_REF_HELP)
    field_options(parser, NewPayment, only=("method", "received_on", "reference"))
    if_version(parser, "job")

    parser = command(
        jobs,
        "delete",
        delete,
        help="delete a job",
        description="Delete a job, for good. Asks first; scripts pass --yes.",
        json=True,
    )
    parser.add_argument("job", metavar="JOB", help=_REF_HELP)
    parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    parser.add_argument(
        "--with-payments",
        action="store_true",
        help="delete the job's payments too (without it, a job with payments is kept)",
    )
    if_version(parser, "job")

    parser = command(
        jobs,
        "complete",
        complete,
        help="complete a started job, with what it cost",
        description=(
            "Complete an in-progress job (in_progress -> completed), optionally\n"
            "recording what it really cost and how long it took."
        ),
        epilog="Example:\n  jobtrack job complete 0199e0a2 --cost 135.50 --hours 2.75",
        json=True,
    )
    parser.add_argument("job", metavar="JOB", help=_REF_HELP)
    field_options(
        parser,
        NewJob,
        only=JobCompletion.rules,
        aliases={"actual_cost": ("--cost",), "actual_hours": ("--hours",)},
    )
    if_version(parser, "job")

    register_history(jobs, RecordKind.JOB, _REF_HELP)
