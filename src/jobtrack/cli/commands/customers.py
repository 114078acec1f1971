"""``jobtrack customer ...``: add, list, show, edit, delete and search customers."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING

from jobtrack.cli import prompts, refs
from jobtrack.cli.commands.history import register_history
from jobtrack.cli.context import CliError, Context, UsageError
from jobtrack.cli.jsonable import to_data
from jobtrack.cli.options import field_options, given, options_of
from jobtrack.cli.output import (
    Column,
    day,
    moment,
    money,
    note,
    plural,
    render_table,
    write,
    write_json,
)
from jobtrack.cli.parser import command, group, if_version, positive_int
from jobtrack.cli.refs import Shown
from jobtrack.cli.render import customer_fields, job_table
from jobtrack_core.commands import CustomerChanges, NewCustomer
from jobtrack_core.entities import RecordKind
from jobtrack_core.reports import CustomerSummary

if TYPE_CHECKING:
    from jobtrack.cli.parser import Subparsers


def add(ctx: Context, args: argparse.Namespace) -> None:
    workspace = ctx.workspace()
    customer = workspace.add_customer(NewCustomer.parse(given(args, NewCustomer)))
    if ctx.json:
        write_json(to_data(customer))
    else:
        write(f"Added customer {Shown(workspace).customer(customer.id)} {customer.name}.")


def _summary_rows(summaries: Sequence[CustomerSummary], shown: Shown) -> list[list[object]]:
    return [
        [
            shown.customer(s.customer.id),
            s.customer.name,
            s.customer.phone,
            s.customer.email,
            s.jobs,
            money(s.unpaid),
            day(s.last_job_at.date()) if s.last_job_at else None,
        ]
        for s in summaries
    ]


_SUMMARY_COLUMNS = (
    Column("ID"),
    Column("Name", max_width=28),
    Column("Phone"),
    Column("Email", max_width=32),
    Column("Jobs", right=True),
    Column("Unpaid", right=True),
    Column("Last job"),
)


def list_(ctx: Context, args: argparse.Namespace) -> None:
    workspace = ctx.workspace()
    summaries = workspace.customer_summaries()
    if ctx.json:
        write_json(to_data(list(summaries)))
        return
    if not summaries:
        write(f"No customers yet. Add one with: {ctx.command('customer', 'add', 'NAME')}")
        return
    write(render_table(_SUMMARY_COLUMNS, _summary_rows(summaries, Shown(workspace))))


def search(ctx: Context, args: argparse.Namespace) -> None:
    workspace = ctx.workspace()
    found = workspace.search_customers(args.text)
    if ctx.json:
        write_json(to_data(list(found)))
        return
    if not found:
        write(f"No customer matches {args.text!r}.")
        return
    columns = [
        Column("ID"),
        Column("Name", max_width=28),
        Column("Phone"),
        Column("Email", max_width=32),
        Column("Address", max_width=40),
    ]
    shown = Shown(workspace)
    rows = [[shown.customer(c.id), c.name, c.phone, c.email, c.address] for c in found]
    write(render_table(columns, rows))


def show(ctx: Context, args: argparse.Namespace) -> None:
    workspace = ctx.workspace()
    customer = refs.customer(workspace, args.customer)
    stats = workspace.customer_stats(customer.id)
    history = workspace.customer_history(customer.id, limit=args.limit)
    balances = workspace.balances(customer.id)
    if ctx.json:
        write_json(
            {
                "summary": to_data(stats),
                "balances": to_data(balances),
                "average_job_value": to_data(stats.average_job_value),
                "jobs": to_data(list(history.items)),
                "next": history.next,
            }
        )
        return
    figures: list[tuple[str, object]] = [
        ("Jobs", f"{stats.jobs} ({stats.completed} completed)"),
        ("Earned", money(stats.earned)),
        ("Unpaid", money(stats.unpaid)),
        ("Balance owed", money(balances.owed.amount)),
        ("Deposits held", money(balances.deposits.amount)),
        ("Credits held", money(balances.credits.amount)),
        ("Average job", money(stats.average_job_value)),
        ("Last job", moment(stats.last_job_at)),
    ]
    write(customer_fields(customer, figures))
    shown = Shown(workspace)
    if history.items:
        write()
        write(job_table(history.items, shown, workspace.today()))
    if history.next:
        older = ctx.command(
            "job", "list", "--customer", shown.customer(customer.id), "--after", history.next
        )
        note(f"Older jobs: {older}")


def edit(ctx: Context, args: argparse.Namespace) -> None:
    changes = given(args, NewCustomer)
    if not changes:
        raise UsageError(f"nothing to change: give at least one of {options_of(CustomerChanges)}")
    workspace = ctx.workspace()
    customer = refs.customer(workspace, args.customer)
    updated = workspace.update_customer(
        customer.id, CustomerChanges.parse(changes), if_version=args.if_version
    )
    if ctx.json:
        write_json(to_data(updated))
    else:
        write(customer_fields(updated))


def delete(ctx: Context, args: argparse.Namespace) -> None:
    workspace = ctx.workspace()
    customer = refs.at_version(refs.customer(workspace, args.customer), args.if_version)
    jobs = len(workspace.list_jobs(customer_id=customer.id))
    payments = len(workspace.list_payments(customer_id=customer.id))
    if payments and not args.with_payments:
        raise CliError(
            f"{customer.name}'s jobs hold {plural(payments, 'payment')}; nothing was "
            "deleted: add --with-payments to delete them too"
        )
    if jobs:
        also = f" and {plural(payments, 'payment')}" if payments else ""
        prompts.confirm(
            f"Delete {customer.name} and their {plural(jobs, 'job')}{also}?",
            assume_yes=args.yes,
        )
    deleted = workspace.delete_customer(
        customer.id, if_version=args.if_version, with_payments=args.with_payments
    )
    if ctx.json:
        write_json(to_data(deleted))
        return
    gone = plural(deleted.jobs, "job")
    if deleted.payments:
        gone = f"{gone} and {plural(deleted.payments, 'payment')}"
    write(f"Deleted customer {customer.name} and {gone}.")


_REF_HELP = "the customer: its id or name, or the start of either"


def register(subparsers: Subparsers) -> None:
    """``jobtrack customer ...``."""
    customers = group(
        subparsers,
        "customer",
        help="add, list, show, edit, delete and search customers",
        description=(
            "Your customers. Refer to one by its id as tables and messages show it: the\n"
            "shortest start of the id that no other customer's id has (at least 8\n"
            "characters, or the whole id if shorter). Any start of the id that only this\n"
            "customer's id has works too, and so do its name in any case and the start of\n"
            "its name."
        ),
    )
    parser = command(customers, "add", add, help="add a customer", json=True)
    parser.add_argument("name", metavar="NAME", help="the customer's name")
    field_options(parser, NewCustomer, skip=("name", "id"))

    command(
        customers,
        "list",
        list_,
        help="list customers with what they owe",
        description="Every customer, by name, with their number of jobs and unpaid amount.",
        json=True,
    )

    parser = command(
        customers,
        "show",
        show,
        help="show a customer, their figures and their jobs",
        json=True,
    )
    parser.add_argument("customer", metavar="CUSTOMER", help=_REF_HELP)
    parser.add_argument(
        "--limit",
        type=positive_int,
        default=20,
        metavar="N",
        help="show the newest N jobs (default 20)",
    )

    parser = command(
        customers,
        "search",
        search,
        help="find customers by name, email, phone or address",
        json=True,
    )
    parser.add_argument("text", metavar="TEXT", help="text to look for (any case)")

    parser = command(
        customers,
        "edit",
        edit,
        help="change a customer's details",
        description="Change some fields of a customer; an empty value clears a field.",
        json=True,
    )
    parser.add_argument("customer", metavar="CUSTOMER", help=_REF_HELP)
    field_options(parser, NewCustomer, skip=("id",), clearable=True)
    if_version(parser, "customer")

    parser = command(
        customers,
        "delete",
        delete,
        help="delete a customer and their jobs",
        description=(
            "Delete a customer together with all of their jobs. Asks first when they have\n"
            "jobs; scripts pass --yes."
        ),
        json=True,
    )
    parser.add_argument("customer", metavar="CUSTOMER", help=_REF_HELP)
    parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    parser.add_argument(
        "--with-payments",
        action="store_true",
        help="delete the payments of the customer's jobs too (without it, a customer "
        "whose jobs hold payments is kept)",
    )
    if_version(parser, "customer")

    register_history(customers, RecordKind.CUSTOMER, _REF_HELP)
