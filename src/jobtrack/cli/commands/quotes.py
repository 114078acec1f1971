"""``jobtrack quote ...``: offers for work, from draft to sent to accepted (which makes
the job), declined or expired; their PDF."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from jobtrack.cli import prompts, refs
from jobtrack.cli.commands.history import one_of, register_history
from jobtrack.cli.context import Context, UsageError
from jobtrack.cli.documents import (
    document_data,
    quote_fields,
    quote_table,
    save_document,
    save_options,
)
from jobtrack.cli.jsonable import to_data
from jobtrack.cli.lines import line_options, read_lines
from jobtrack.cli.options import field_options, given
from jobtrack.cli.output import money, plural, write, write_json
from jobtrack.cli.parser import command, group, if_version, iso_date
from jobtrack.cli.refs import Shown
from jobtrack_core.commands import NewQuote, QuoteChanges
from jobtrack_core.documents import Quote, QuoteStatus
from jobtrack_core.entities import RecordKind
from jobtrack_core.queries import QuoteFilter
from jobtrack_core.workspace import Workspace

if TYPE_CHECKING:
    from jobtrack.cli.parser import Subparsers


def _said(ctx: Context, workspace: Workspace, quote: Quote, what: str) -> None:
    """Print the quote as JSON, or one line: ``Quote Q-2025-0001 "Bathroom" WHAT.``"""
    if ctx.json:
        write_json(document_data(quote))
        return
    write(f'Quote {Shown(workspace).document(quote)} "{quote.title}" {what}.')


def _total(quote: Quote) -> str:
    return f"{plural(len(quote.lines), 'line')}, total {money(quote.total)} {quote.currency}"


def lines_to_add(args: argparse.Namespace) -> list[dict[str, Any]]:
    """The lines of ``add-line`` (a quote's or an invoice's): at least one."""
    new = read_lines(args.line, args.lines_json)
    if not new:
        raise UsageError("give the line to add: --line 'DESCRIPTION;QTY;PRICE' (or --lines-json)")
    return new


def create(ctx: Context, args: argparse.Namespace) -> None:
    lines = read_lines(args.line, args.lines_json)
    workspace = ctx.workspace()
    customer = refs.customer(workspace, args.customer)
    fields = given(args, NewQuote) | {"customer_id": customer.id, "lines": lines}
    quote = workspace.create_quote(NewQuote.parse(fields))
    _said(ctx, workspace, quote, f"is drafted for {customer.name}: {_total(quote)}")


def add_line(ctx: Context, args: argparse.Namespace) -> None:
    new = lines_to_add(args)
    workspace = ctx.workspace()
    quote = refs.quote(workspace, args.quote)
    changed = workspace.update_quote(
        quote.id, lines=[*quote.lines, *new], if_version=args.if_version
    )
    _said(ctx, workspace, changed, f"now has {_total(changed)}")


def edit(ctx: Context, args: argparse.Namespace) -> None:
    changes = given(args, NewQuote)
    if args.line is not None or args.lines_json is not None:
        changes["lines"] = read_lines(args.line, args.lines_json)
    if not changes:
        raise UsageError(
            "nothing to change: give at least one of --title, --notes, --valid-until, "
            "--line, --lines-json"
        )
    workspace = ctx.workspace()
    quote = refs.quote(workspace, args.quote)
    changed = workspace.update_quote(
        quote.id, QuoteChanges.parse(changes), if_version=args.if_version
    )
    if ctx.json:
        write_json(document_data(changed))
    else:
        write(quote_fields(changed, Shown(workspace)))


def send(ctx: Context, args: argparse.Namespace) -> None:
    workspace = ctx.workspace()
    quote = refs.quote(workspace, args.quote)
    sent = workspace.send_quote(quote.id, sent_on=args.sent_on, if_version=args.if_version)
    until = sent.valid_until.isoformat() if sent.valid_until else "-"
    _said(ctx, workspace, sent, f"is sent ({_total(sent)}), valid until {until}")


def accept(ctx: Context, args: argparse.Namespace) -> None:
    workspace = ctx.workspace()
    quote = refs.quote(workspace, args.quote)
    accepted = workspace.accept_quote(quote.id, if_version=args.if_version)
    if ctx.json:
        write_json(document_data(accepted))
        return
    shown = Shown(workspace)
    job = f" and made job {shown.job(accepted.job_id)} (pending)" if accepted.job_id else ""
    write(f'Quote {shown.document(accepted)} "{accepted.title}" is accepted{job}.')


def decline(ctx: Context, args: argparse.Namespace) -> None:
    workspace = ctx.workspace()
    quote = refs.quote(workspace, args.quote)
    declined = workspace.decline_quote(quote.id, if_version=args.if_version)
    _said(ctx, workspace, declined, "is declined")


def expire(ctx: Context, args: argparse.Namespace) -> None:
    workspace = ctx.workspace()
    expired = workspace.expire_quotes()
    if ctx.json:
        write_json({"expired": [document_data(q) for q in expired]})
        return
    if not expired:
        write("No sent quote is past its validity.")
        return
    write(f"Expired {plural(len(expired), 'quote')}:")
    write(quote_table(expired, Shown(workspace)))


def delete(ctx: Context, args: argparse.Namespace) -> None:
    workspace = ctx.workspace()
    quote = refs.quote(workspace, args.quote)
    shown = Shown(workspace)
    name = f'{shown.document(quote)} "{quote.title}"'
    prompts.confirm(f"Delete quote {name}?", assume_yes=args.yes)
    deleted = workspace.delete_quote(quote.id)
    if ctx.json:
        write_json(to_data(deleted))
    else:
        write(f"Deleted quote {name}.")


def show(ctx: Context, args: argparse.Namespace) -> None:
    workspace = ctx.workspace()
    quote = refs.quote(workspace, args.quote)
    if ctx.json:
        write_json(document_data(quote))
        return
    write(quote_fields(quote, Shown(workspace), workspace.today()))


def list_(ctx: Context, args: argparse.Namespace) -> None:
    workspace = ctx.workspace()
    customer_id = refs.customer(workspace, args.customer).id if args.customer else None
    quotes = workspace.list_quotes(QuoteFilter(customer_id=customer_id, status=args.status))
    if ctx.json:
        write_json({"quotes": [document_data(q) for q in quotes]})
        return
    if not quotes:
        create = ctx.command("quote", "create", "CUSTOMER", "TITLE", "--line", "'Labour;2;45;h'")
        filtered = args.customer or args.status
        write("No quotes match." if filtered else f"No quotes yet. Draft one with: {create}")
        return
    write(quote_table(quotes, Shown(workspace)))


def pdf(ctx: Context, args: argparse.Namespace) -> None:
    workspace = ctx.workspace()
    quote = refs.quote(workspace, args.quote)
    save_document(workspace, quote, out=args.out, html=args.html)


# -- the parser -------------------------------------------------------------------
_REF_HELP = "the quote: its number (Q-2025-0001), or its id or any start of it"
#: Shared with ``jobtrack invoice``: the customer argument, and how to write a --line.
CUSTOMER_HELP = "the customer: its id or name, or the start of either"
LINES_HELP = (
    "Each --line is one line of work or material:\n"
    "  DESCRIPTION;QTY;PRICE[;UNIT[;TAX[;DISCOUNT]]]\n"
    "PRICE is the unit price; UNIT what QTY counts (h, m2; empty: none); TAX names\n"
    "one of your tax rates (empty: the default rate; none: no tax); DISCOUNT an\n"
    "amount off the line. Write \\; for a semicolon inside a part."
)


def register(subparsers: Subparsers) -> None:
    """``jobtrack quote ...``."""
    quotes = group(
        subparsers,
        "quote",
        help="draft, send and follow quotes; an accepted quote becomes a job",
        description=(
            "Quotes: offers for work. A quote is drafted (its lines may change), sent\n"
            "(numbered, dated, valid for the business's quote validity unless it says\n"
            "otherwise), then accepted, which makes a pending job for the quoted work,\n"
            "declined, or expired once past its validity. Refer to a quote by its number\n"
            "or by its id as tables show it."
        ),
    )
    parser = command(
        quotes,
        "create",
        create,
        help="draft a quote for a customer",
        description="Draft a quote. " + LINES_HELP,
        epilog=(
            "Examples:\n"
            "  jobtrack quote create ada 'New bathroom tiles' \\\n"
            "      --line 'Labour;6;45;h' --line 'Tiles;12;18.50;m2;VAT;20'\n"
            "  jobtrack quote create ada 'Gate' --lines-json lines.json --valid-until 2025-08-31"
        ),
        json=True,
    )
    parser.add_argument("customer", metavar="CUSTOMER", help=CUSTOMER_HELP)
    parser.add_argument("title", metavar="TITLE", help="what the work is called")
    line_options(parser)
    field_options(parser, NewQuote, only=("notes", "valid_until", "id"))

    parser = command(
        quotes,
        "add-line",
        add_line,
        help="add lines to a draft quote",
        epilog="Example:\n  jobtrack quote add-line 0199e0a2 --line 'Grout;2;6.40'",
        json=True,
    )
    parser.add_argument("quote", metavar="QUOTE", help=_REF_HELP)
    line_options(parser)
    if_version(parser, "quote")

    parser = command(
        quotes,
        "edit",
        edit,
        help="change a draft quote: title, notes, validity, or all its lines",
        description=(
            "Change a draft quote. --line (or --lines-json) replaces all its lines;\n"
            "an empty --notes or --valid-until clears it."
        ),
        json=True,
    )
    parser.add_argument("quote", metavar="QUOTE", help=_REF_HELP)
    line_options(parser)
    field_options(parser, NewQuote, only=QuoteChanges.rules, skip=("lines",), clearable=True)
    if_version(parser, "quote")

    parser = command(
        quotes,
        "send",
        send,
        help="send a draft quote: it is numbered and dated",
        epilog="Example:\n  jobtrack quote send 0199e0a2 --sent-on yesterday",
        json=True,
    )
    parser.add_argument("quote", metavar="QUOTE", help=_REF_HELP)
    parser.add_argument(
        "--sent-on", type=iso_date, metavar="DATE", help="the day it was sent (default: today)"
    )
    if_version(parser, "quote")

    for name, handler, text in (
        ("accept", accept, "the customer accepted a sent quote: make its job"),
        ("decline", decline, "the customer declined a sent quote"),
    ):
        parser = command(quotes, name, handler, help=text, json=True)
        parser.add_argument("quote", metavar="QUOTE", help=_REF_HELP)
        if_version(parser, "quote")

    command(
        quotes,
        "expire",
        expire,
        help="mark every sent quote past its validity expired",
        json=True,
    )

    parser = command(
        quotes,
        "delete",
        delete,
        help="delete a draft quote",
        description="Delete a draft quote, for good (a sent quote is kept: decline it). "
        "Asks first; scripts pass --yes.",
        json=True,
    )
    parser.add_argument("quote", metavar="QUOTE", help=_REF_HELP)
    parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    parser = command(quotes, "show", show, help="show a quote with its lines and totals", json=True)
    parser.add_argument("quote", metavar="QUOTE", help=_REF_HELP)

    parser = command(
        quotes,
        "list",
        list_,
        help="list quotes, newest first",
        epilog="Example:\n  jobtrack quote list --status sent --customer ada",
        json=True,
    )
    parser.add_argument("--customer", metavar="CUSTOMER", help=CUSTOMER_HELP)
    parser.add_argument(
        "--status",
        type=one_of(QuoteStatus),
        metavar="STATUS",
        help=", ".join(s.value for s in QuoteStatus),
    )

    parser = command(
        quotes,
        "pdf",
        pdf,
        help="write a quote as a PDF (or HTML) file",
        epilog="Examples:\n  jobtrack quote pdf Q-2025-0001\n"
        "  jobtrack quote pdf Q-2025-0001 --html --out quote.html",
    )
    parser.add_argument("quote", metavar="QUOTE", help=_REF_HELP)
    save_options(parser)

    register_history(quotes, RecordKind.QUOTE, _REF_HELP)
