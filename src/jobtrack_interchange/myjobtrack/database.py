"""Moving in from MyJobTrack's database: the D1/SQLite file, or a SQL dump of it.

The database is opened read-only and never changed; its schema must be exactly
MyJobTrack's v1.0 (:data:`TABLES`), or it is refused before a row is read. A
dump (``wrangler d1 export`` output) is loaded into a private in-memory
database first: only its ``CREATE TABLE`` and ``INSERT`` statements run, so a
hostile dump cannot attach files or write anywhere; other statements (indexes,
triggers, pragmas) are not needed to read the data and are passed over.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections import Counter
from collections.abc import Collection, Iterator
from contextlib import closing
from pathlib import Path
from typing import IO, Any

from jobtrack_core.entities import Customer
from jobtrack_core.errors import FieldError, ValidationError
from jobtrack_core.service import Jobtrack
from jobtrack_interchange._writing import Progress
from jobtrack_interchange.myjobtrack.records import (
    LegacyData,
    map_accounts,
    map_customer,
    map_job,
    row_id,
    write_legacy,
)
from jobtrack_interchange.report import ImportReport, OnConflict, ReportBuilder

PathLike = str | os.PathLike[str]

#: The columns of MyJobTrack's schema v1.0, per table read. A source is taken for a
#: MyJobTrack database only if these tables have exactly these columns, each stored (not
#: generated): a database of another shape, jobtrack's own for one (whose cost and time
#: columns are generated from others), would otherwise come in with its costs empty and
#: its times replaced.
TABLES: dict[str, tuple[str, ...]] = {
    "users": ("id", "email", "name", "business_name", "password_hash", "created_at", "updated_at"),
    "customers": (
        "id",
        "user_id",
        "name",
        "email",
        "phone",
        "address",
        "business_name",
        "notes",
        "created_at",
        "updated_at",
    ),
    "jobs": (
        "id",
        "user_id",
        "customer_id",
        "title",
        "description",
        "status",
        "estimated_cost",
        "actual_cost",
        "estimated_hours",
        "actual_hours",
        "due_date",
        "paid",
        "completed_at",
        "created_at",
        "updated_at",
    ),
}
NOT_MYJOBTRACK = "is not a MyJobTrack database (schema v1.0); nothing was imported"


def _decode(raw: bytes) -> str:
    # Invalid UTF-8 survives as lone surrogates, which the row repair then reports.
    return raw.decode("utf-8", "surrogateescape")


def _schema_problem(conn: sqlite3.Connection, table: str, expected: tuple[str, ...]) -> str | None:
    """How ``table`` differs from MyJobTrack's, or None. ``PRAGMA table_xinfo`` (unlike
    ``table_info``) lists generated columns too, with ``hidden`` 2 or 3."""
    stored: list[str] = []
    computed: list[str] = []
    for row in conn.execute(f'PRAGMA table_xinfo("{table}")'):
        (computed if row[6] else stored).append(row[1])
    problems: list[str] = []
    missing = [c for c in expected if c not in stored and c not in computed]
    if missing:
        problems.append(f"lacks the columns {', '.join(missing)}")
    generated = [c for c in expected if c in computed]
    if generated:
        problems.append(
            f"computes the columns {', '.join(generated)} from others (MyJobTrack stores them)"
        )
    extra = [c for c in (*stored, *computed) if c not in expected]
    if extra:
        problems.append(f"has columns the MyJobTrack schema v1.0 does not: {', '.join(extra)}")
    return ", and ".join(problems) or None


def check_schema(conn: sqlite3.Connection) -> None:
    """Raise ValidationError unless the database has MyJobTrack's schema v1.0, naming
    every missing table and every column that differs (missing, generated, or unknown
    to it)."""
    conn.text_factory = _decode
    try:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        errors: list[FieldError] = []
        for table, columns in TABLES.items():
            if table not in names:
                errors.append(FieldError(table, "table is missing"))
                continue
            problem = _schema_problem(conn, table, columns)
            if problem:
                errors.append(FieldError(table, problem))
    except sqlite3.Error as exc:
        raise ValidationError.single("database", f"cannot be read ({exc})") from None
    if errors:
        raise ValidationError([FieldError("database", NOT_MYJOBTRACK), *errors])


def read_tables(conn: sqlite3.Connection) -> dict[str, list[dict[str, Any]]]:
    """Every row of the users, customers and jobs tables, as dicts keyed by column,
    once :func:`check_schema` has found the database to be MyJobTrack's."""
    check_schema(conn)
    try:
        tables: dict[str, list[dict[str, Any]]] = {}
        for table, columns in TABLES.items():
            cursor = conn.execute(f'SELECT {", ".join(columns)} FROM "{table}"')
            tables[table] = [dict(zip(columns, row, strict=True)) for row in cursor]
        return tables
    except sqlite3.Error as exc:
        raise ValidationError.single("database", f"cannot be read ({exc})") from None


def map_tables(
    tables: dict[str, list[dict[str, Any]]],
    report: ReportBuilder,
    app: Jobtrack,
    only: Collection[str] | None,
) -> LegacyData:
    """Map the three tables: accounts merged, customers and jobs checked against owners."""
    now = app.now()
    accounts, owner_of = map_accounts(tables["users"], report, app.hasher, now, only)
    all_user_ids = {row_id(r.get("id")) for r in tables["users"]}
    data = LegacyData(accounts=accounts)

    created_of = {a.user.id: a.user.created_at for a in accounts}
    customers: dict[str, Customer | None] = {}  # legacy customer id -> mapped, None: skipped
    for number, row in enumerate(tables["customers"]):
        customer_id = row_id(row.get("id"))
        owner = row_id(row.get("user_id"))
        if customer_id is None:
            report.skipped("customer", f"customers row {number + 1}", "has no id")
            continue
        if owner not in all_user_ids:
            report.skipped("customer", customer_id, f"its account {owner!r} does not exist")
            customers[customer_id] = None
            continue
        assert owner is not None
        if owner not in owner_of:
            if only is None:
                report.skipped("customer", customer_id, f"its account {owner!r} was skipped")
            customers[customer_id] = None
            continue
        fallback = ("its account's creation time", created_of[owner_of[owner]])
        customer = map_customer(row, owner_of[owner], report, fallback)
        customers[customer_id] = customer
        if customer is not None:
            data.customers.append(customer)

    for number, row in enumerate(tables["jobs"]):
        job_id = row_id(row.get("id"))
        owner = row_id(row.get("user_id"))
        if job_id is None:
            report.skipped("job", f"jobs row {number + 1}", "has no id")
            continue
        if owner not in all_user_ids:
            report.skipped("job", job_id, f"its account {owner!r} does not exist")
            continue
        assert owner is not None
        if owner not in owner_of:
            if only is None:
                report.skipped("job", job_id, f"its account {owner!r} was skipped")
            continue
        new_owner = owner_of[owner]
        customer_id = row_id(row.get("customer_id"))
        if customer_id is None or customer_id not in customers:
            report.skipped("job", job_id, f"its customer {row.get('customer_id')!r} does not exist")
            continue
        customer = customers[customer_id]
        if customer is None:
            report.skipped("job", job_id, f"its customer {customer_id!r} was skipped")
            continue
        if customer.user_id != new_owner:
            report.skipped(
                "job",
                job_id,
                f"its customer {customer_id!r} belongs to another account "
                "(MyJobTrack did not check a job's customer against its owner)",
            )
            continue
        fallback = ("its customer's creation time", customer.created_at)
        job = map_job(row, new_owner, customer_id, report, fallback, empty_cost_was_zero=True)
        if job is not None:
            data.jobs.append(job)
    return data


def _import_tables(
    app: Jobtrack,
    tables: dict[str, list[dict[str, Any]]],
    report: ReportBuilder,
    *,
    users: Collection[str] | None,
    on_conflict: OnConflict | str,
    dry_run: bool,
    progress: Progress | None,
) -> ImportReport:
    data = map_tables(tables, report, app, users)
    return write_legacy(
        app, data, report, on_conflict=on_conflict, dry_run=dry_run, progress=progress
    )


def _open(uri: str) -> sqlite3.Connection:
    try:
        return sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        raise ValidationError.single("database", f"cannot be opened ({exc})") from None


def import_myjobtrack_database(
    app: Jobtrack,
    path: PathLike,
    *,
    users: Collection[str] | None = None,
    on_conflict: OnConflict | str = OnConflict.FAIL,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import from a MyJobTrack D1/SQLite database file (schema v1.0), opened read-only.

    ``users`` limits the import to these accounts (ids or emails); by default
    every account comes in. Accounts keep their ids, times and SHA-256
    password (protected at once; the first login upgrades it); emails that
    differ only in case become one account. Every repaired or skipped row is
    in the report. A file that is not such a database raises ValidationError;
    nothing is written unless everything is.
    """
    file = Path(path)
    if not file.is_file():
        raise ValidationError.single("database", f"{file.name!r} is not a file")
    uri = file.resolve().as_uri() + "?mode=ro"
    if not Path(f"{file}-wal").exists():
        # Without a -wal file beside it, the file holds the whole database: its schema
        # is checked with the file taken as immutable, which creates nothing beside it
        # (a read-only connection to a database in WAL mode, such as jobtrack's own,
        # would leave -wal and -shm files behind).
        with closing(_open(uri + "&immutable=1")) as conn:
            check_schema(conn)
    with closing(_open(uri)) as conn:
        tables = read_tables(conn)
    report = ReportBuilder("MyJobTrack database")
    return _import_tables(
        app,
        tables,
        report,
        users=users,
        on_conflict=on_conflict,
        dry_run=dry_run,
        progress=progress,
    )


# -- SQL dumps -----------------------------------------------------------------------------
_LEADING = re.compile(r"\A(?:\s+|--[^\n]*(?:\n|\Z)|/\*.*?\*/)*", re.DOTALL)
_WORDS = re.compile(r"[A-Za-z_]+")
_INSERT_TARGET = re.compile(
    r"\A(?:INSERT|REPLACE)\s+(?:OR\s+\w+\s+)?INTO\s+[\"`\[]?([A-Za-z_][\w]*)", re.IGNORECASE
)
_PASSED_OVER = ("PRAGMA", "BEGIN", "COMMIT", "END", "ANALYZE", "CREATE", "DELETE")


def split_statements(script: str) -> Iterator[tuple[int, str]]:
    """The complete SQL statements of a script with the line each starts on."""
    start = 0
    search = 0
    while True:
        end = script.find(";", search)
        if end < 0:
            break
        candidate = script[start : end + 1]
        if sqlite3.complete_statement(candidate):
            yield script.count("\n", 0, start) + 1, candidate
            start = end + 1
        search = end + 1
    rest = script[start:]
    if _LEADING.sub("", rest):
        raise ValidationError.single(
            "dump",
            f"ends inside a statement at line {script.count(chr(10), 0, start) + 1} "
            "(is the file cut short?)",
        )


def _deny_attach(action: int, *_: object) -> int:
    if action in (sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH):
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def load_dump(script: str, report: ReportBuilder) -> sqlite3.Connection:
    """A private in-memory database holding the dump's tables and rows."""
    conn = sqlite3.connect(":memory:")
    conn.set_authorizer(_deny_attach)
    passed_over: Counter[str] = Counter()
    try:
        for line, statement in split_statements(script):
            body = _LEADING.sub("", statement)
            words = [w.upper() for w in _WORDS.findall(body[:60])[:2]]
            head = " ".join(words)
            target = _INSERT_TARGET.match(body)
            runs = head == "CREATE TABLE" or (
                target is not None and target.group(1).lower() != "sqlite_sequence"
            )
            if not runs:
                if not body.rstrip(";").strip():
                    continue
                if not words or words[0] not in _PASSED_OVER:
                    passed_over[head or "?"] += 1
                continue
            try:
                conn.execute(statement)
            except sqlite3.Error as exc:
                raise ValidationError.single(
                    "dump", f"the statement at line {line} cannot be run ({exc})"
                ) from None
    except BaseException:
        conn.close()
        raise
    if passed_over:
        kinds = ", ".join(f"{n} x {kind}" for kind, n in sorted(passed_over.items()))
        report.notice("file", "dump", f"statements not run (not needed to read the data): {kinds}")
    return conn


def import_myjobtrack_dump(
    app: Jobtrack,
    source: PathLike | IO[str],
    *,
    users: Collection[str] | None = None,
    on_conflict: OnConflict | str = OnConflict.FAIL,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import from a SQL dump of a MyJobTrack database (``wrangler d1 export`` output),
    given as a path or a text stream; otherwise exactly like
    :func:`import_myjobtrack_database`."""
    if isinstance(source, str | os.PathLike):
        try:
            script = Path(source).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ValidationError.single("dump", f"cannot be read as UTF-8 text ({exc})") from None
    else:
        script = source.read()
    report = ReportBuilder("MyJobTrack SQL dump")
    conn = load_dump(script, report)
    try:
        tables = read_tables(conn)
    finally:
        conn.close()
    return _import_tables(
        app,
        tables,
        report,
        users=users,
        on_conflict=on_conflict,
        dry_run=dry_run,
        progress=progress,
    )
