"""The ``jobtrack`` command. Run ``jobtrack --help``; the guide is ``docs/cli.md``.

:func:`main` runs one command and returns its exit status: 0 when it did what
was asked, 1 when it was refused (invalid input, not found, a transition that
is not allowed, a wrong password, not logged in, a record changed since the
version ``--if-version`` names), 2 when it was called wrongly.
Refusals print one line on stderr and never a traceback; so do unexpected
errors (exit status 1), unless ``JOBTRACK_DEBUG=1`` asks for the traceback.
A run that fails removes the database file it created, if it created one.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence

from jobtrack.cli import output
from jobtrack.cli.context import CliError, Context
from jobtrack_core.errors import JobtrackError, ValidationError, VersionConflict

#: Set to 1 to get a traceback instead of a one-line message on unexpected errors.
ENV_DEBUG = "JOBTRACK_DEBUG"


#: The first words of a message that says something of its field ("name must not be
#: empty"); any other message follows its field after a colon ("users: no account ...").
_PREDICATES = frozenset(
    ("must", "is", "are", "has", "have", "cannot", "contains", "lacks", "takes", "needs")
)


def _problem(field: str, message: str) -> str:
    """``estimated_cost`` reads as "estimated cost"; paths (``jobs[3].due_date``) stay as is."""
    name = field.replace("_", " ") if re.fullmatch(r"[a-z_]+", field) else field
    first = message.split(" ", 1)[0]
    return f"{name} {message}" if first in _PREDICATES else f"{name}: {message}"


def describe(error: JobtrackError) -> str:
    """One line saying what is wrong.

    >>> describe(ValidationError.single("estimated_cost", "must not be negative"))
    'invalid input: estimated cost must not be negative'
    >>> describe(ValidationError.single("users", "no account with these emails: x@example.com"))
    'invalid input: users: no account with these emails: x@example.com'
    """
    if isinstance(error, ValidationError):
        problems = "; ".join(_problem(e.field, e.message) for e in error.errors)
        return f"invalid input: {problems}"
    return " ".join(str(error).split()) or type(error).__name__


def version_conflict(error: VersionConflict, history: str) -> str:
    """One line saying that a record moved on from the version asked for, with the
    command ``history`` that shows what changed.

    >>> class Now:
    ...     version = 3
    >>> print(version_conflict(VersionConflict("job", "j-1", 2, Now()), "HISTORY"))
    job 'j-1' is at version 3, not 2: it changed since; nothing was changed (see `HISTORY`)
    """
    current = getattr(error.current, "version", "?")
    return (
        f"{error.kind} {error.id!r} is at version {current}, not {error.expected}: it changed "
        f"since; nothing was changed (see `{history}`)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``jobtrack`` with ``argv`` (default: the process arguments); return the exit status."""
    from jobtrack.cli.parser import build_parser

    parser = build_parser()
    args = parser.parse_args(argv)
    if args.handler is None:
        args.help_of.print_help(sys.stderr)
        return 2
    context = Context(args)
    status = 1
    try:
        status = _run(context, args)
    finally:
        # A run that failed leaves no database file behind that it created.
        context.close(failed=status != 0)
    return status


def _run(context: Context, args: argparse.Namespace) -> int:
    """Run the command; turn every refusal into one line on stderr and an exit status."""
    from jobtrack.cli.parser import PROG

    try:
        output.use_zone(context.calendar.zone)
        status = args.handler(context, args)
        sys.stdout.flush()
    except CliError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return exc.status
    except VersionConflict as exc:
        history = context.command(exc.kind, "history", exc.id)
        print(f"{PROG}: {version_conflict(exc, history)}", file=sys.stderr)
        return 1
    except JobtrackError as exc:
        print(f"{PROG}: {describe(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `jobtrack job list | head`): not an error.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except OSError as exc:  # a file that cannot be read or written
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"{PROG}: {where}{exc.strerror or exc}", file=sys.stderr)
        return 1
    except Exception as exc:
        if os.environ.get(ENV_DEBUG):
            raise
        print(
            f"{PROG}: unexpected error: {type(exc).__name__}: {exc} "
            f"(set {ENV_DEBUG}=1 to see where)",
            file=sys.stderr,
        )
        return 1
    return int(status or 0)


__all__ = ["main"]
