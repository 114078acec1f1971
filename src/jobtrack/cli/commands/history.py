"""``jobtrack job history``, ``jobtrack customer history`` and ``jobtrack activity``: what
changed, when, by whom and from where, newest first, a page at a time."""

from __future__ import annotations

import argparse
import enum
from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING, TypeVar

from jobtrack.cli import refs
from jobtrack.cli.context import Context
from jobtrack.cli.jsonable import to_data
from jobtrack.cli.output import note, write, write_json
from jobtrack.cli.parser import command, iso_date, positive_int
from jobtrack.cli.refs import Shown
from jobtrack.cli.timeline import render_entries
from jobtrack_core import fields as f
from jobtrack_core.entities import Action, HistoryEntry, RecordKind
from jobtrack_core.errors import NotFoundError
from jobtrack_core.pagination import MAX_PAGE_SIZE, Page
from jobtrack_core.workspace import Workspace

if TYPE_CHECKING:
    from jobtrack.cli.parser import Subparsers

#: How many changes a page shows when --limit is not given.
DEFAULT_LIMIT = 20

E = TypeVar("E", bound=enum.Enum)


def one_of(kind: type[E]) -> Callable[[str], E]:
    """Reads an option's text as a member of ``kind``, or says which values there are.

    >>> one_of(Action)("Paid")
    <Action.PAID: 'paid'>
    """

    def read(text: str) -> E:
        try:
            return kind(text.strip().lower())
        except ValueError:
            names = ", ".join(str(member.value) for member in kind)
            raise argparse.ArgumentTypeError(f"{text!r} is not one of {names}") from None

    return read


def _record_id(workspace: Workspace, kind: RecordKind, ref: str) -> str:
    """The id of the record ``ref`` names; a deleted record's by its whole id, as long
    as its history is kept."""
    try:
        if kind is RecordKind.JOB:
            return refs.job(workspace, ref).id
        if kind is RecordKind.PAYMENT:
            return refs.payment(workspace, ref).id
        if kind is RecordKind.QUOTE:
            return refs.quote(workspace, ref).id
        if kind is RecordKind.INVOICE:
            return refs.invoice(workspace, ref).id
        return refs.customer(workspace, ref).id
    except NotFoundError:
        gone = ref.strip()
        if f.ID.holds(gone) and workspace.history(kind, gone, limit=1).items:
            return gone
        raise


def _print(
    ctx: Context,
    workspace: Workspace,
    page: Page[HistoryEntry],
    *,
    with_record: bool,
    filtered: bool,
) -> None:
    if ctx.json:
        write_json({"entries": to_data(list(page.items)), "next": page.next})
        return
    if not page.items:
        write("No changes match." if filtered else "No changes recorded.")
        return
    user = workspace.user
    actors = {user.id: user.email}
    write(render_entries(page.items, Shown(workspace), actors, with_record=with_record))
    if page.next:
        note(f"More changes follow: add --after {page.next}")


def _history(kind: RecordKind) -> Callable[[Context, argparse.Namespace], None]:
    def history(ctx: Context, args: argparse.Namespace) -> None:
        workspace = ctx.workspace()
        record_id = _record_id(workspace, kind, args.record)
        page = workspace.history(kind, record_id, limit=args.limit, after=args.after)
        _print(ctx, workspace, page, with_record=False, filtered=args.after is not None)

    return history


def activity(ctx: Context, args: argparse.Namespace) -> None:
    workspace = ctx.workspace()
    # --until is included, as every date range of the command line; the library's is not.
    until = None if args.until in (None, date.max) else args.until + timedelta(days=1)
    page = workspace.activity(
        kinds=args.kind,
        actions=args.action,
        since=args.since,
        until=until,
        limit=args.limit,
        after=args.after,
    )
    filtered = any((args.kind, args.action, args.since, args.until, args.after))
    _print(ctx, workspace, page, with_record=True, filtered=filtered)


# -- the parser -------------------------------------------------------------------
def _paging(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--limit",
        type=positive_int,
        default=DEFAULT_LIMIT,
        metavar="N",
        help=f"at most N changes (default {DEFAULT_LIMIT}, at most {MAX_PAGE_SIZE})",
    )
    parser.add_argument(
        "--after", metavar="CURSOR", help="continue after this cursor from the previous page"
    )


def register_history(group: Subparsers, kind: RecordKind, ref_help: str) -> None:
    """``jobtrack job history``, ``jobtrack customer history`` or ``jobtrack payment history``."""
    name = kind.value
    parser = command(
        group,
        "history",
        _history(kind),
        help=f"show what changed in a {name}, newest first",
        description=(
            f"Every change of a {name}, newest first: when, by whom, from where (cli,\n"
            "library, import, api), what it did and each field's old and new value.\n"
            f"A deleted {name}'s history stays: name it by its whole id."
        ),
        json=True,
    )
    parser.add_argument("record", metavar=name.upper(), help=ref_help)
    _paging(parser)


def register_activity(subparsers: Subparsers) -> None:
    """``jobtrack activity``."""
    parser = command(
        subparsers,
        "activity",
        activity,
        help="show the latest changes to customers, jobs and payments",
        description=(
            "The changes to your customers, jobs and payments, newest first, with filters that\n"
            "combine. Dates are days in the business's time zone, both included."
        ),
        epilog=(
            "Examples:\n"
            "  jobtrack activity --since 2025-07-01 --until 2025-07-31\n"
            "  jobtrack activity --kind job --action paid --action unpaid"
        ),
        json=True,
    )
    parser.add_argument(
        "--kind",
        action="append",
        type=one_of(RecordKind),
        metavar="KIND",
        help=f"{', '.join(k.value for k in RecordKind)} (repeat for several; default all)",
    )
    parser.add_argument(
        "--action",
        action="append",
        type=one_of(Action),
        metavar="ACTION",
        help=f"{', '.join(a.value for a in Action)} (repeat for several; default all)",
    )
    parser.add_argument("--since", metavar="DATE", type=iso_date, help="changes on or after DATE")
    parser.add_argument("--until", metavar="DATE", type=iso_date, help="changes on or before DATE")
    _paging(parser)
