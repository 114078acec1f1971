"""Moving in from the MyJobTrack web app's backup file, ``myjobtrack-backup-YYYY-MM-DD.json``.

The file is ``{"customers": [...], "jobs": [...]}`` in the web app's camelCase
and holds no account, so it is imported into an existing user's account.
Both variants are read: customers and jobs with ``createdDate`` or with
``createdAt``/``updatedAt``; jobs with a ``title``, or (older files) with the
job's name in ``serviceType``.

Where a value has no field of its own in jobtrack it is kept as a line of text:
a customer's ``serviceType`` in its notes; a job's ``notes``, a ``serviceType``
other than its title, a ``scheduledDate`` other than its due date, a ``price``
other than the cost it stands for and an ``estimatedDuration`` other than its
estimated hours in its description. Each such move is reported. Derived values
(``totalUnpaid``, ``customerName``, ``qrCode``, ``qrCodeUrl``) are not kept.

A job's ``price`` is what it costs the customer: the actual cost of a completed
job, and a quote (the estimated cost) of any other.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from jobtrack_core.errors import FieldError, ValidationError
from jobtrack_core.status import JobStatus
from jobtrack_core.workspace import Workspace
from jobtrack_interchange._writing import Progress
from jobtrack_interchange.converter import json_type, read_json
from jobtrack_interchange.myjobtrack.records import (
    LegacyData,
    map_customer,
    map_job,
    row_id,
    write_legacy,
)
from jobtrack_interchange.myjobtrack.values import RowFixer, known_status
from jobtrack_interchange.report import ImportReport, OnConflict, ReportBuilder

PathLike = str | os.PathLike[str]

_CUSTOMER_KEYS = {
    "id",
    "name",
    "email",
    "phone",
    "address",
    "businessName",
    "notes",
    "serviceType",
    "createdDate",
    "createdAt",
    "updatedAt",
}
_JOB_KEYS = {
    "id",
    "customerId",
    "title",
    "description",
    "serviceType",
    "scheduledDate",
    "dueDate",
    "price",
    "estimatedCost",
    "actualCost",
    "estimatedHours",
    "actualHours",
    "estimatedDuration",
    "status",
    "paymentStatus",
    "paid",
    "notes",
    "completedDate",
    "completedAt",
    "createdDate",
    "createdAt",
    "updatedAt",
}
_DERIVED = {"totalUnpaid", "customerName", "qrCode", "qrCodeUrl"}


def _given(value: object) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _first(row: Mapping[str, Any], *keys: str) -> Any:
    for key in keys:
        if _given(row.get(key)):
            return row[key]
    return None


def _shown(value: object) -> str:
    return value.strip() if isinstance(value, str) else str(value)


def _with_lines(fix: RowFixer, field: str, base: object, lines: list[tuple[str, str]]) -> object:
    """``base`` text with ``lines`` appended, each move reported."""
    if not lines:
        return base
    parts = [_shown(base)] if _given(base) else []
    parts.extend(f"{label}: {text}" for label, text in lines)
    combined = "\n".join(parts)
    moved = ", ".join(source for source, _ in lines)
    fix.alter(field, base, combined, f"kept {moved} here (no field of its own in jobtrack)")
    return combined


def _same_duration(hours: object, minutes: object) -> bool:
    try:
        return Decimal(str(hours)) * 60 == Decimal(str(minutes))
    except ArithmeticError:
        return False


def _customer_row(raw: Mapping[str, Any], fix: RowFixer) -> dict[str, Any]:
    service = raw.get("serviceType")
    lines = [("Service type", _shown(service))] if _given(service) else []
    return {
        "id": raw.get("id"),
        "name": raw.get("name"),
        "email": raw.get("email"),
        "phone": raw.get("phone"),
        "address": raw.get("address"),
        "business_name": raw.get("businessName"),
        "notes": _with_lines(fix, "notes", raw.get("notes"), lines),
        "created_at": _first(raw, "createdAt", "createdDate"),
        "updated_at": raw.get("updatedAt"),
    }


def _job_row(raw: Mapping[str, Any], fix: RowFixer) -> dict[str, Any]:
    lines: list[tuple[str, str]] = []
    title, service = raw.get("title"), raw.get("serviceType")
    if not _given(title):
        title = service  # older files: the job's name is its service type
    elif _given(service) and _shown(service) != _shown(title):
        lines.append(("Service type", _shown(service)))
    due, scheduled = raw.get("dueDate"), raw.get("scheduledDate")
    if not _given(due):
        due = scheduled
    elif _given(scheduled) and _shown(scheduled) != _shown(due):
        lines.append(("Scheduled", _shown(scheduled)))
    # The web app's price is what the job costs the customer: a quote until the job is
    # completed (its estimated cost), then what was charged (its actual cost).
    price, estimated, actual = raw.get("price"), raw.get("estimatedCost"), raw.get("actualCost")
    if price is not None:
        if known_status(raw.get("status")) is JobStatus.COMPLETED:
            if actual is None:
                actual = price
            elif price != actual:
                lines.append(("Price", _shown(price)))
        elif estimated is None:
            estimated = price
        elif price != estimated:
            lines.append(("Price", _shown(price)))
    hours, minutes = raw.get("estimatedHours"), raw.get("estimatedDuration")
    if hours is None and minutes is not None:
        hours = fix.minutes_as_hours("estimated_hours", minutes)
    elif minutes is not None and hours is not None and not _same_duration(hours, minutes):
        lines.append(("Estimated duration", f"{_shown(minutes)} minutes"))
    if _given(raw.get("notes")):
        lines.append(("Notes", _shown(raw["notes"])))
    payment, paid_flag = raw.get("paymentStatus"), raw.get("paid")
    paid: object = paid_flag
    if payment is not None:
        paid = fix.flag("paid", payment)
        if paid_flag is not None and fix.flag("paid", paid_flag) != paid:
            fix.alter(
                "paid", paid_flag, paid, "paid and paymentStatus disagree; paymentStatus taken"
            )
    return {
        "id": raw.get("id"),
        "customer_id": raw.get("customerId"),
        "title": title,
        "description": _with_lines(fix, "description", raw.get("description"), lines),
        "status": raw.get("status"),
        "estimated_cost": estimated,
        "actual_cost": actual,
        "estimated_hours": hours,
        "actual_hours": raw.get("actualHours"),
        "due_date": due,
        "paid": paid,
        "completed_at": _first(raw, "completedAt", "completedDate"),
        "created_at": _first(raw, "createdAt", "createdDate"),
        "updated_at": raw.get("updatedAt"),
    }


def _read(source: PathLike | IO[str] | IO[bytes]) -> dict[str, Any]:
    text: bytes | IO[str] | IO[bytes]
    if isinstance(source, str | os.PathLike):
        try:
            text = Path(source).read_bytes()
        except OSError as exc:
            raise ValidationError.single("file", f"cannot be read ({exc.strerror})") from None
    else:
        text = source
    data = read_json(text, "file", parse_float=Decimal)
    if not isinstance(data, dict):
        raise ValidationError.single("file", "must be a JSON object with customers and jobs")
    errors: list[FieldError] = []
    for key in ("customers", "jobs"):
        rows = data.get(key)
        if not isinstance(rows, list):
            errors.append(FieldError(key, "must be a list" if key in data else "is missing"))
            continue
        errors.extend(
            FieldError(f"{key}[{i}]", "must be an object")
            for i, row in enumerate(rows)
            if not isinstance(row, dict)
        )
    if "format" in data and "account" in data:
        errors.append(FieldError("format", "this is a jobtrack export: use import_json"))
    if errors:
        raise ValidationError(errors[:100])
    return data


def import_myjobtrack_backup(
    workspace: Workspace,
    source: PathLike | IO[str] | IO[bytes],
    *,
    on_conflict: OnConflict | str = OnConflict.FAIL,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a MyJobTrack web app backup (both variants) into ``workspace``'s account.

    Ids and times are kept; statuses mapped (``scheduled`` -> pending,
    ``in-progress`` -> in_progress); money read exactly and rounded half up to
    the cent where needed, every change reported. A job's customer must be in
    the file or already in the account. A file of the wrong shape raises
    ValidationError; nothing is written unless everything is.
    """
    if not isinstance(workspace, Workspace):
        raise TypeError(
            "import_myjobtrack_backup() imports into one account: pass its Workspace "
            "(app.authenticate(token) or app.workspace(user_id))"
        )
    data = _read(source)
    report = ReportBuilder("MyJobTrack backup")
    app, user_id = workspace.app, workspace.user_id
    owner_created = workspace.user.created_at
    account_time = ("its account's creation time", owner_created)
    mapped = LegacyData()
    unknown: Counter[str] = Counter()
    seen: set[str] = set()
    for i, raw in enumerate(data["customers"]):
        unknown.update(k for k in raw if k not in _CUSTOMER_KEYS | _DERIVED)
        customer_id = row_id(raw.get("id"))
        if customer_id is None:
            report.skipped("customer", f"customers[{i}]", "has no id")
            continue
        if customer_id in seen:
            report.skipped("customer", customer_id, "appears twice; the first one was imported")
            continue
        seen.add(customer_id)
        fix = RowFixer(report, "customer", customer_id)
        customer = map_customer(_customer_row(raw, fix), user_id, report, account_time)
        if customer is not None:
            mapped.customers.append(customer)
    created_of = {c.id: c.created_at for c in mapped.customers}
    skipped_customers = seen - set(created_of)
    seen = set()
    for i, raw in enumerate(data["jobs"]):
        unknown.update(k for k in raw if k not in _JOB_KEYS | _DERIVED)
        job_id = row_id(raw.get("id"))
        if job_id is None:
            report.skipped("job", f"jobs[{i}]", "has no id")
            continue
        if job_id in seen:
            report.skipped("job", job_id, "appears twice; the first one was imported")
            continue
        seen.add(job_id)
        customer_id = row_id(raw.get("customerId"))
        if customer_id is None:
            report.skipped("job", job_id, "has no customerId")
            continue
        if customer_id in skipped_customers:
            report.skipped("job", job_id, f"its customer {customer_id!r} was skipped")
            continue
        fix = RowFixer(report, "job", job_id)
        job = map_job(
            _job_row(raw, fix),
            user_id,
            customer_id,
            report,
            ("its customer's creation time", created_of[customer_id])
            if customer_id in created_of
            else account_time,
            empty_cost_was_zero=False,
        )
        if job is not None:
            mapped.jobs.append(job)
    if unknown:
        names = ", ".join(f"{k} ({n} rows)" for k, n in sorted(unknown.items()))
        report.notice("file", "backup", f"fields not imported (unknown to jobtrack): {names}")
    extras = {k: v for k, v in data.items() if k not in ("customers", "jobs")}
    if extras:
        names = ", ".join(f"{k} ({json_type(v)})" for k, v in sorted(extras.items()))
        report.notice(
            "file",
            "backup",
            f"entries not imported (jobtrack keeps only customers and jobs): {names}",
        )
    return write_legacy(
        app,
        mapped,
        report,
        into_user=user_id,
        on_conflict=on_conflict,
        dry_run=dry_run,
        progress=progress,
    )
