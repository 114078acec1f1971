"""Import jobtrack's own exports (JSON or CSV zip) into any store.

An import keeps every id, time, status and payment exactly as exported, so a
round trip between stores is lossless. It is all-or-nothing: the whole file
is checked first, then written in one unit of work, and any problem leaves
the store as it was. It is idempotent: a record already stored with the same
content is counted as unchanged, never duplicated. A record whose id exists
with different content is handled by ``on_conflict`` (:class:`OnConflict`);
records in the store that the file does not mention are left alone.
"""

from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import IO, Any

import attrs

from jobtrack_core.entities import Customer, Job, User
from jobtrack_core.errors import FieldError, ValidationError
from jobtrack_core.service import Jobtrack
from jobtrack_core.validation import (
    CUSTOMER_FIELDS,
    JOB_FIELDS,
    clean_account,
    clean_customer,
    clean_job,
)
from jobtrack_interchange._writing import (
    Progress,
    Writer,
    import_transaction,
    job_state_errors,
    password_hash_problem,
)
from jobtrack_interchange.converter import FORMAT, read_json, structure
from jobtrack_interchange.document import (
    ACCOUNT_COLUMNS,
    ACCOUNT_CSV,
    CUSTOMER_COLUMNS,
    CUSTOMERS_CSV,
    JOB_COLUMNS,
    JOBS_CSV,
    MANIFEST,
    AccountRecord,
    ExportDocument,
)
from jobtrack_interchange.formulas import Formulas, unescape_formula
from jobtrack_interchange.report import ImportReport, OnConflict, ReportBuilder

PathLike = str | os.PathLike[str]
#: At most this many problems are listed when a file is refused.
MAX_LISTED_ERRORS = 100


def refuse(errors: list[FieldError]) -> None:
    """Raise one ValidationError for ``errors`` (listing at most MAX_LISTED_ERRORS)."""
    if not errors:
        return
    if len(errors) > MAX_LISTED_ERRORS:
        rest = len(errors) - MAX_LISTED_ERRORS
        errors = [*errors[:MAX_LISTED_ERRORS], FieldError("file", f"and {rest} more problems")]
    raise ValidationError(errors)


def _prefixed(path: str, exc: ValidationError) -> list[FieldError]:
    return [FieldError(f"{path}.{e.field}", e.message) for e in exc.errors]


@attrs.frozen
class _Checked:
    account: AccountRecord
    profile: dict[str, Any]
    customers: list[Customer]
    jobs: list[Job]


def _check(doc: ExportDocument, report: ReportBuilder) -> _Checked:
    """Validate a structured document completely; every problem is listed at once.
    Values the input rules change on the way in (trimmed, empty text stored as null,
    an email lower-cased) are reported."""
    errors: list[FieldError] = []
    account = doc.account
    profile: dict[str, Any] = {}
    given = {"email": account.email, "name": account.name, "business_name": account.business_name}
    try:
        profile = clean_account(given)
        report.cleaned("user", account.id, given, profile)
    except ValidationError as exc:
        errors.extend(_prefixed("account", exc))
    if account.password_hash is not None:
        problem = password_hash_problem(account.password_hash)
        if problem:
            errors.append(FieldError("account.password_hash", problem))

    customers: list[Customer] = []
    seen: set[str] = set()
    for i, customer in enumerate(doc.customers):
        path = f"customers[{i}]"
        if customer.user_id != account.id:
            errors.append(FieldError(f"{path}.user_id", f"must be the account's id {account.id!r}"))
        if customer.id in seen:
            errors.append(FieldError(f"{path}.id", f"{customer.id!r} appears twice"))
        seen.add(customer.id)
        given = {f: getattr(customer, f) for f in CUSTOMER_FIELDS}
        try:
            cleaned = clean_customer(given)
        except ValidationError as exc:
            errors.extend(_prefixed(path, exc))
            continue
        report.cleaned("customer", customer.id, given, cleaned)
        customers.append(attrs.evolve(customer, **cleaned))

    jobs: list[Job] = []
    seen = set()
    for i, job in enumerate(doc.jobs):
        path = f"jobs[{i}]"
        if job.user_id != account.id:
            errors.append(FieldError(f"{path}.user_id", f"must be the account's id {account.id!r}"))
        if job.id in seen:
            errors.append(FieldError(f"{path}.id", f"{job.id!r} appears twice"))
        seen.add(job.id)
        errors.extend(FieldError(f"{path}.{e.field}", e.message) for e in job_state_errors(job))
        given = {f: getattr(job, f) for f in JOB_FIELDS}
        try:
            cleaned = clean_job(given)
        except ValidationError as exc:
            errors.extend(_prefixed(path, exc))
            continue
        report.cleaned("job", job.id, given, cleaned)
        jobs.append(attrs.evolve(job, **cleaned))
    refuse(errors)
    return _Checked(account, profile, customers, jobs)


def read_document(data: object) -> ExportDocument:
    """Structure parsed JSON as a ``jobtrack/1`` document, or raise ValidationError."""
    if not isinstance(data, Mapping):
        raise ValidationError.single("file", "must be a JSON object (a jobtrack export)")
    found = data.get("format")
    if found != FORMAT:
        hint = ""
        if found is None and "customers" in data and "account" not in data:
            hint = "; this looks like a MyJobTrack backup: use import_myjobtrack_backup"
        raise ValidationError.single("format", f"must be {FORMAT!r}, not {found!r}{hint}")
    return structure(data, ExportDocument)


def import_document(
    app: Jobtrack,
    data: object,
    *,
    on_conflict: OnConflict | str = OnConflict.FAIL,
    dry_run: bool = False,
    progress: Progress | None = None,
    source: str = FORMAT,
) -> ImportReport:
    """Import an already parsed ``jobtrack/1`` document (see :func:`import_json`)."""
    policy = OnConflict.of(on_conflict)
    report = ReportBuilder(source)
    checked = _check(read_document(data), report)
    account = checked.account
    with import_transaction(app.store, dry_run=dry_run) as uow:
        password_hash = account.password_hash
        if password_hash is None:
            stored = uow.users.get(account.id)
            if stored is None:
                raise ValidationError.single(
                    "account.password_hash",
                    "is required to create the account: this export was made without "
                    "password hashes and its account does not exist in this store",
                )
            password_hash = stored.password_hash
        user = User(
            id=account.id,
            password_hash=password_hash,
            created_at=account.created_at,
            updated_at=account.updated_at,
            **checked.profile,
        )
        writer = Writer(
            uow,
            report,
            policy,
            compare_password=account.password_hash is not None,
            progress=progress,
        )
        writer.user(user)
        for customer in checked.customers:
            writer.customer(customer)
        in_file = {c.id for c in checked.customers}
        missing: list[FieldError] = []
        for i, job in enumerate(checked.jobs):
            if (
                job.customer_id not in in_file
                and uow.customers.get(user.id, job.customer_id) is None
            ):
                missing.append(
                    FieldError(
                        f"jobs[{i}].customer_id",
                        f"no customer {job.customer_id!r} in the file or in the account",
                    )
                )
                continue
            writer.job(job)
        refuse(missing)
        writer.finish()
    return report.build(dry_run=dry_run)


@contextmanager
def _text_source(source: PathLike | IO[str] | IO[bytes]) -> Iterator[IO[Any]]:
    if isinstance(source, str | os.PathLike):
        try:
            handle = open(source, "rb")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise ValidationError.single("file", f"cannot be read ({exc.strerror})") from None
        with handle:
            yield handle
    else:
        yield source


def import_json(
    app: Jobtrack,
    source: PathLike | IO[str] | IO[bytes],
    *,
    on_conflict: OnConflict | str = OnConflict.FAIL,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a JSON export (a path or a stream) into ``app``'s store.

    Raises ValidationError naming every problem of a bad file, ConflictError
    when records differ and ``on_conflict`` is ``fail`` or an email belongs to
    another account; in every such case nothing is written. ``dry_run`` checks
    everything and reports what would happen, writing nothing.
    """
    with _text_source(source) as handle:
        data = read_json(handle, "file")
    return import_document(
        app, data, on_conflict=on_conflict, dry_run=dry_run, progress=progress, source=FORMAT
    )


# -- CSV -------------------------------------------------------------------------------
_CSV_NAMES = {"customers": CUSTOMERS_CSV, "jobs": JOBS_CSV}
_INDEX = re.compile(r"^(customers|jobs)\[(\d+)\]")


def _cell(column: str, value: str) -> Any:
    if value == "":
        return None
    if column == "paid":
        return {"true": True, "false": False}.get(value, value)
    return value


def _read_table(
    archive: zipfile.ZipFile, name: str, columns: tuple[str, ...], formulas: Formulas
) -> list[dict[str, Any]]:
    try:
        raw = archive.open(name)
    except KeyError:
        raise ValidationError.single("file", f"has no {name}") from None
    with raw, io.TextIOWrapper(raw, encoding="utf-8", newline="") as text:
        reader = csv.reader(text)
        header = next(reader, None)
        if header is None or tuple(header) != columns:
            raise ValidationError.single(
                name, f"must start with the header {','.join(columns)}, not {header!r}"
            )
        rows: list[dict[str, Any]] = []
        for number, row in enumerate(reader, start=1):
            if len(row) != len(columns):
                raise ValidationError.single(
                    f"{name} row {number}", f"has {len(row)} cells, not {len(columns)}"
                )
            if formulas is Formulas.ESCAPE:
                row = [unescape_formula(v) for v in row]
            rows.append({c: _cell(c, v) for c, v in zip(columns, row, strict=True)})
        return rows


def _csv_document(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        raw_manifest = archive.read(MANIFEST)
    except KeyError:
        raise ValidationError.single(
            "file", f"has no {MANIFEST}; is it a jobtrack CSV export?"
        ) from None
    manifest = read_json(raw_manifest, MANIFEST)
    if not isinstance(manifest, dict):
        raise ValidationError.single(MANIFEST, "must be a JSON object")
    # How cells that look like formulas were written; archives from before this entry
    # wrote every cell as it is.
    formulas = Formulas.of(manifest.pop("formulas", Formulas.KEEP), f"{MANIFEST}.formulas")
    try:
        accounts = _read_table(archive, ACCOUNT_CSV, ACCOUNT_COLUMNS, formulas)
    except ValidationError:
        accounts = _read_table(archive, ACCOUNT_CSV, ACCOUNT_COLUMNS[:-1], formulas)
    if len(accounts) != 1:
        raise ValidationError.single(
            ACCOUNT_CSV, f"must hold exactly one account, not {len(accounts)}"
        )
    return {
        **manifest,
        "account": accounts[0],
        "customers": _read_table(archive, CUSTOMERS_CSV, CUSTOMER_COLUMNS, formulas),
        "jobs": _read_table(archive, JOBS_CSV, JOB_COLUMNS, formulas),
    }


def _csv_location(field: str) -> str:
    match = _INDEX.match(field)
    if not match:
        return field
    table, index = match.group(1), int(match.group(2))
    return f"{_CSV_NAMES[table]} row {index + 1}" + field[match.end() :]


def import_csv(
    app: Jobtrack,
    source: PathLike | IO[bytes],
    *,
    on_conflict: OnConflict | str = OnConflict.FAIL,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a CSV export (the zip archive :func:`export_csv` writes); see :func:`import_json`.

    Cells that the export escaped so that spreadsheets do not run them as
    formulas (its manifest says ``"formulas": "escape"``) are read back as
    they were before (:mod:`jobtrack_interchange.formulas`).

    Problems are named by file and row, counting rows after the header from 1
    (``customers.csv row 5.email``).
    """
    try:
        if isinstance(source, str | os.PathLike):
            archive = zipfile.ZipFile(source)
        else:
            seekable = source if source.seekable() else io.BytesIO(source.read())
            archive = zipfile.ZipFile(seekable)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ValidationError.single("file", f"is not a zip archive ({exc})") from None
    with archive:
        try:
            data = _csv_document(archive)
        except (zipfile.BadZipFile, UnicodeDecodeError, csv.Error, OSError) as exc:
            raise ValidationError.single("file", f"cannot be read ({exc})") from None
    try:
        return import_document(
            app,
            data,
            on_conflict=on_conflict,
            dry_run=dry_run,
            progress=progress,
            source="jobtrack/1 CSV",
        )
    except ValidationError as exc:
        raise ValidationError(
            FieldError(_csv_location(e.field), e.message) for e in exc.errors
        ) from None


__all__ = ["import_csv", "import_document", "import_json", "read_document", "refuse"]
