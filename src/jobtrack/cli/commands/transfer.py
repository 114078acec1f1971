"""``jobtrack export`` and ``jobtrack import``: your data out and in, and moving in from
MyJobTrack."""

from __future__ import annotations

import argparse
import re
import sys
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from jobtrack.cli.context import CliError, Context, UsageError
from jobtrack.cli.jsonable import to_data
from jobtrack.cli.output import plural, write, write_json
from jobtrack.cli.parser import command, group
from jobtrack_core.errors import ConflictError

if TYPE_CHECKING:
    from jobtrack.cli.parser import Subparsers
    from jobtrack_core.service import Jobtrack
    from jobtrack_interchange.report import ImportReport


class Progress:
    """Shows how far a long import or export got, on stderr, only when it is a terminal."""

    def __init__(self) -> None:
        self.active = sys.stderr.isatty()
        self.shown = False

    def __call__(self, stage: str, done: int) -> None:
        if self.active:
            sys.stderr.write(f"\r{stage}: {done:,} ...")
            sys.stderr.flush()
            self.shown = True

    def finish(self) -> None:
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


# -- export ---------------------------------------------------------------------------
def _target(args: argparse.Namespace, suffix: str) -> Path | None:
    """Where to write: a path, or None for standard output."""
    if args.output == "-":
        return None
    path = Path(args.output or f"jobtrack-export-{date.today().isoformat()}{suffix}")
    if not path.parent.is_dir():
        raise CliError(f"cannot write {path}: there is no directory {path.parent}")
    if path.exists() and not args.force:
        raise CliError(f"{path} exists; choose another --output or add --force to replace it")
    return path


def export(ctx: Context, args: argparse.Namespace) -> None:
    from jobtrack_interchange.export import export_csv, export_json

    if args.keep_formulas and args.form != "csv":
        raise UsageError("--keep-formulas is for csv exports only")
    workspace = ctx.workspace()
    app = ctx.app()
    target = _target(args, ".json" if args.form == "json" else ".zip")
    progress = Progress()
    options: dict[str, Any] = {
        "include_password_hash": not args.without_password_hash,
        "progress": progress,
    }
    try:
        if args.form == "json":
            counts = export_json(app, workspace.user_id, target or sys.stdout, **options)
        else:
            if target is None and sys.stdout.isatty():
                raise UsageError("a zip archive cannot go to a terminal; use --output FILE")
            options["formulas"] = "keep" if args.keep_formulas else "escape"
            counts = export_csv(app, workspace.user_id, target or sys.stdout.buffer, **options)
    finally:
        progress.finish()
    parts = [plural(counts.customers, "customer"), plural(counts.jobs, "job")]
    payments: int = getattr(counts, "payments", 0)  # counted by formats with payments
    if payments:
        parts.append(plural(payments, "payment"))
    message = f"Exported {', '.join(parts[:-1])} and {parts[-1]}"
    if target is None:
        print(message + ".", file=sys.stderr)
    elif ctx.json:
        write_json({"file": str(target), "counts": to_data(counts)})
    else:
        write(f"{message} to {target}.")


# -- import ---------------------------------------------------------------------------
def _print_report(ctx: Context, report: ImportReport) -> None:
    """The report: in full with --json, else its details, one line per kind of change."""
    if ctx.json:
        write_json(to_data(report))
        return
    write(report.details())


def _in_options(error: ConflictError) -> CliError:
    """The import's refusal, naming the command's option where the library names its
    argument (``on_conflict='replace'`` reads ``--on-conflict replace``)."""
    said = re.sub(r"on_conflict='(\w+)'", r"--on-conflict \1", error.message)
    return CliError(re.sub(r" or '(\w+)'", r" or --on-conflict \1", said))


def _source(path: str) -> Path:
    file = Path(path)
    if not file.is_file():
        raise CliError(f"no file {path}")
    return file


def _discard(ctx: Context) -> None:
    """Remove a database file this run created, so a failed import leaves nothing behind."""
    file = ctx.database.file
    ctx.close()
    if file is not None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{file}{suffix}").unlink(missing_ok=True)


def _run_import(
    ctx: Context,
    args: argparse.Namespace,
    run: Callable[[Jobtrack, Progress], ImportReport],
    *,
    create: bool = True,
) -> ImportReport:
    """Open (or create) the database and run one import with progress; a database that
    this run created is removed again if the import fails or was a dry run."""
    file = ctx.database.file
    created = create and file is not None and not file.exists()
    app = ctx.app(create=create)
    progress = Progress()
    try:
        report = run(app, progress)
    except BaseException as exc:
        if created:
            _discard(ctx)
        if isinstance(exc, ConflictError):
            raise _in_options(exc) from None
        raise
    finally:
        progress.finish()
    if created and report.dry_run:
        _discard(ctx)
    _print_report(ctx, report)
    return report


def import_export(ctx: Context, args: argparse.Namespace) -> None:
    """Into the account you are logged in to."""
    from jobtrack_interchange.importer import import_csv, import_json

    workspace = ctx.workspace()
    source: Path | IO[bytes] = sys.stdin.buffer if args.file == "-" else _source(args.file)
    reader = import_csv if isinstance(source, Path) and zipfile.is_zipfile(source) else import_json
    _run_import(
        ctx, args, lambda _, p: reader(workspace, source, **_options(args, p)), create=False
    )


def restore(ctx: Context, args: argparse.Namespace) -> None:
    """A whole account, into the database (made if there is none)."""
    from jobtrack_interchange.importer import restore_csv, restore_json

    source: Path | IO[bytes] = sys.stdin.buffer if args.file == "-" else _source(args.file)
    reader = (
        restore_csv if isinstance(source, Path) and zipfile.is_zipfile(source) else restore_json
    )
    report = _run_import(ctx, args, lambda app, p: reader(app, source, **_options(args, p)))
    if not ctx.json and not report.dry_run and report.created.users:
        write(f"The account logs in with its password: {ctx.command('login', '--email', 'EMAIL')}")


def _options(args: argparse.Namespace, progress: Progress) -> dict[str, Any]:
    return {"on_conflict": args.on_conflict, "dry_run": args.dry_run, "progress": progress}


def import_database(ctx: Context, args: argparse.Namespace) -> None:
    from jobtrack_interchange.myjobtrack import import_myjobtrack_database

    source = _source(args.file)
    report = _run_import(
        ctx,
        args,
        lambda app, p: import_myjobtrack_database(
            app, source, users=args.user or None, **_options(args, p)
        ),
    )
    _login_hint(ctx, report)


def import_dump(ctx: Context, args: argparse.Namespace) -> None:
    from jobtrack_interchange.myjobtrack import import_myjobtrack_dump

    source = sys.stdin if args.file == "-" else _source(args.file)
    report = _run_import(
        ctx,
        args,
        lambda app, p: import_myjobtrack_dump(
            app, source, users=args.user or None, **_options(args, p)
        ),
    )
    _login_hint(ctx, report)


def import_backup(ctx: Context, args: argparse.Namespace) -> None:
    from jobtrack_interchange.myjobtrack import import_myjobtrack_backup

    source = sys.stdin.buffer if args.file == "-" else _source(args.file)
    workspace = ctx.workspace()
    _run_import(
        ctx,
        args,
        lambda _, p: import_myjobtrack_backup(workspace, source, **_options(args, p)),
        create=False,
    )


def _login_hint(ctx: Context, report: ImportReport) -> None:
    if not ctx.json and not report.dry_run and report.created.users:
        write(
            "The MyJobTrack accounts log in with their old passwords: "
            f"{ctx.command('login', '--email', 'THEIR@EMAIL')}"
        )


# -- the parser -----------------------------------------------------------------------
def register(subparsers: Subparsers) -> None:
    """``jobtrack export ...`` and ``jobtrack import ...``."""
    parser = command(
        subparsers,
        "export",
        export,
        help="save all your data as JSON or CSV",
        description=(
            "Save your account, customers and jobs: one JSON document (json), or CSV\n"
            "tables in a zip archive (csv). Import the records into an account you are\n"
            "logged in to with `jobtrack import jobtrack FILE`, or make the whole account\n"
            "again, in a database that does not have it, with `jobtrack restore FILE`."
        ),
        epilog=(
            "Examples:\n"
            "  jobtrack export json                      writes jobtrack-export-DATE.json\n"
            "  jobtrack export csv --output backup.zip\n"
            "  jobtrack export json --output - | gzip > backup.json.gz"
        ),
        json=True,
    )
    parser.add_argument(
        "form",
        choices=("json", "csv"),
        metavar="FORM",
        help="json, or csv (tables in a zip archive)",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="where to write ('-': standard output; default jobtrack-export-DATE.json or .zip)",
    )
    parser.add_argument("--force", action="store_true", help="replace FILE if it exists")
    parser.add_argument(
        "--without-password-hash",
        action="store_true",
        help="leave out the password hash (the file then imports into an account, but cannot "
        "restore one)",
    )
    parser.add_argument(
        "--keep-formulas",
        action="store_true",
        help="csv: write cells that start with = + - @ (or a tab or CR) as they are; by "
        "default they get a ' in front, so that a spreadsheet does not run them as formulas",
    )

    imports = group(
        subparsers,
        "import",
        help="load a jobtrack export or MyJobTrack data",
        description=(
            "Load data into the database. A jobtrack export or a MyJobTrack backup goes\n"
            "into the account you are logged in to; a MyJobTrack database creates its\n"
            "accounts (in a database created if there is none). No import ever changes an\n"
            "account that exists. Every import is all-or-nothing and can be repeated:\n"
            "records already there are not duplicated. Every value that had to be changed\n"
            "and every row skipped is listed."
        ),
    )
    parser = command(
        imports,
        "jobtrack",
        import_export,
        help="a file made by `jobtrack export` (JSON or CSV zip), into your account",
        description=(
            "Import the customers and jobs of a file made by `jobtrack export` into the\n"
            "account you are logged in to, with their ids, times, statuses and payments\n"
            "exactly as exported. Your profile and password are not changed. To make the\n"
            "file's whole account again, use `jobtrack restore FILE`."
        ),
        json=True,
    )
    parser.add_argument(
        "file", metavar="FILE", help="the export file ('-': JSON from standard input)"
    )
    _import_options(parser)

    parser = command(
        imports,
        "myjobtrack-db",
        import_database,
        help="a MyJobTrack database file (D1/SQLite)",
        description=(
            "Move in from a MyJobTrack database file: its accounts (they log in with their\n"
            "old passwords), customers and jobs, keeping ids and times. Amounts become\n"
            "exact money (rounded to the cent, each change listed); emails differing only\n"
            "in case become one account. The file is only read."
        ),
        json=True,
    )
    parser.add_argument("file", metavar="FILE", help="the MyJobTrack .sqlite/.db file")
    _user_option(parser)
    _import_options(parser)

    parser = command(
        imports,
        "myjobtrack-sql",
        import_dump,
        help="a SQL dump of a MyJobTrack database (`wrangler d1 export`)",
        description=(
            "Move in from a SQL dump of a MyJobTrack database (CREATE TABLE and INSERT\n"
            "statements, as `wrangler d1 export` writes); otherwise like myjobtrack-db."
        ),
        json=True,
    )
    parser.add_argument("file", metavar="FILE", help="the .sql file ('-': standard input)")
    _user_option(parser)
    _import_options(parser)

    parser = command(
        imports,
        "myjobtrack-backup",
        import_backup,
        help="a MyJobTrack web app backup, into your account",
        description=(
            "Import the MyJobTrack web app's backup file (myjobtrack-backup-DATE.json)\n"
            "into the account you are logged in to: its customers and jobs, statuses\n"
            "mapped (scheduled -> pending, in-progress -> in_progress)."
        ),
        json=True,
    )
    parser.add_argument("file", metavar="FILE", help="the backup .json file ('-': standard input)")
    _import_options(parser)

    parser = command(
        subparsers,
        "restore",
        restore,
        help="make an exported account again, in a database without it",
        description=(
            "Make the account of a file made by `jobtrack export` (with its password hash)\n"
            "again: the account, its customers and jobs, exactly as exported, in the\n"
            "database (created if there is none). An account with the file's id or email\n"
            "that exists already is never changed: the restore is refused, unless it is the\n"
            "same account restored before. No login is needed: whoever can write the\n"
            "database file can restore into it."
        ),
        json=True,
    )
    parser.add_argument(
        "file", metavar="FILE", help="the export file ('-': JSON from standard input)"
    )
    _import_options(parser)


def _user_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--user",
        action="append",
        metavar="EMAIL",
        help="import only this account (email or id; repeat for several; default: all)",
    )


def _import_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--on-conflict",
        choices=("fail", "replace", "keep"),
        default="fail",
        help="when a record exists with other content: fail (default, nothing is written), "
        "replace it, or keep the stored one",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="check and report, but write nothing"
    )
