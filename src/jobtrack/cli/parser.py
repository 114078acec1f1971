"""The ``jobtrack`` argument parser: the top level, and helpers each command area uses
to add its subcommands with consistent options and help."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, TypeAlias

from jobtrack.cli.context import ENV_DB, ENV_TOKEN, Handler

if TYPE_CHECKING:
    Subparsers: TypeAlias = argparse._SubParsersAction[argparse.ArgumentParser]

PROG = "jobtrack"

DESCRIPTION = """\
Keep the customers, jobs and money of a small service business.

New here? Try it on sample data:
  jobtrack demo                                  create ./jobtrack.db with a demo account
  jobtrack login --email demo@example.com        log in (the demo prints the password)
  jobtrack dashboard                             what needs doing, what is owed
  jobtrack job list --status pending --sort due  the open work, soonest first
"""

EPILOG = f"""\
The database is --db PATH, else ${ENV_DB}, else ./jobtrack.db.
Scripts can act with a session token in ${ENV_TOKEN} (see `jobtrack login --print-token`).
Run `jobtrack COMMAND --help` for the options of a command.
Exit status: 0 done, 1 refused (invalid input, not found, not allowed, not logged in),
2 wrong usage.
"""


class Formatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the hand-made line breaks of descriptions and epilogs."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=36)


def _parent(*names: str, **options: Any) -> argparse.ArgumentParser:
    """A parent parser with one option that every command it is given to accepts."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(*names, default=argparse.SUPPRESS, **options)
    return parent


COMMON = _parent(
    "--db",
    metavar="PATH",
    help=f"database file or URL (default: ${ENV_DB}, else ./jobtrack.db)",
)
JSON = _parent("--json", action="store_true", help="print JSON for scripts instead of a table")


def group(
    subparsers: Subparsers,
    name: str,
    *,
    help: str,
    description: str | None = None,
    aliases: Sequence[str] = (),
) -> Subparsers:
    """A command that only holds subcommands (``jobtrack job ...``)."""
    parser = subparsers.add_parser(
        name,
        help=help,
        description=description or help[:1].upper() + help[1:] + ".",
        aliases=list(aliases),
        formatter_class=Formatter,
        parents=[COMMON],
    )
    parser.set_defaults(handler=None, help_of=parser)
    return parser.add_subparsers(title="commands", metavar="COMMAND")


def command(
    subparsers: Subparsers,
    name: str,
    handler: Handler,
    *,
    help: str,
    description: str | None = None,
    epilog: str | None = None,
    json: bool = False,
    aliases: Sequence[str] = (),
) -> argparse.ArgumentParser:
    """A command that does something; ``json`` adds ``--json``."""
    parents = [COMMON, JSON] if json else [COMMON]
    parser = subparsers.add_parser(
        name,
        help=help,
        description=description or help[:1].upper() + help[1:] + ".",
        epilog=epilog,
        aliases=list(aliases),
        formatter_class=Formatter,
        parents=parents,
    )
    parser.set_defaults(handler=handler)
    return parser


def iso_date(text: str) -> date:
    """A date option: ``YYYY-MM-DD``, ``today``, ``tomorrow`` or ``yesterday``.

    >>> iso_date("2025-07-06")
    datetime.date(2025, 7, 6)
    """
    words = {"today": 0, "tomorrow": 1, "yesterday": -1}
    key = text.strip().lower()
    if key in words:
        return date.today() + timedelta(days=words[key])
    try:
        return date.fromisoformat(key)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date (use YYYY-MM-DD, today, tomorrow or yesterday)"
        ) from None


def optional_date(text: str) -> date | str:
    """Like :func:`iso_date`, but an empty string means "no date" (it clears the field)."""
    return "" if not text.strip() else iso_date(text)


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return value


def non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 0")
    return value


def if_version(parser: argparse.ArgumentParser, what: str) -> None:
    """``--if-version N``: change ``what`` only if it is still at version N."""
    parser.add_argument(
        "--if-version",
        type=positive_int,
        metavar="N",
        help=f"only if the {what} is still at version N (as `show` prints it); "
        "refused if it changed since",
    )


class _Version(argparse.Action):
    """``--version``; looks the version up only when asked (it costs startup time)."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:

        from importlib import metadata

        try:
            version = metadata.version("jobtrack")
        except metadata.PackageNotFoundError:  # pragma: no cover - an uninstalled tree
            version = "unknown"
        print(f"{PROG} {version}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    """The whole command line."""
    from jobtrack.cli.commands import (
        account,
        billing,
        customers,
        history,
        invoices,
        jobs,
        overview,
        payments,
        quotes,
        serve,
        transfer,
    )

    parser = argparse.ArgumentParser(
        prog=PROG,
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=Formatter,
    )
    parser.add_argument(
        "--db",
        metavar="PATH",
        default=None,
        help=f"database file or URL (default: ${ENV_DB}, else ./jobtrack.db)",
    )
    parser.add_argument("--version", action=_Version, nargs=0, help="show the version and exit")
    parser.set_defaults(handler=None, help_of=parser)
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    overview.register_demo(subparsers)
    account.register_shortcuts(subparsers)
    overview.register_dashboard(subparsers)
    customers.register(subparsers)
    jobs.register(subparsers)
    payments.register(subparsers)
    quotes.register(subparsers)
    invoices.register(subparsers)
    billing.register(subparsers)
    history.register_activity(subparsers)
    overview.register_reports(subparsers)
    transfer.register(subparsers)
    serve.register(subparsers)
    account.register(subparsers)
    return parser
