"""MyJobTrack rows (snake_case, as in its database) to jobtrack records, and writing them.

The readers (database, dump, backup) turn their source into rows shaped like
the original's tables; everything after that is shared: repairing values,
merging accounts whose emails differ only in case, checking that every job's
customer belongs to the job's owner, and writing in one unit of work.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

import attrs

from jobtrack_core import fields as f
from jobtrack_core.entities import Customer, Job, User
from jobtrack_core.errors import ConflictError, NotFoundError, ValidationError, quoted
from jobtrack_core.fields import Problem
from jobtrack_core.money import ZERO
from jobtrack_core.passwords import LEGACY_PREFIX, PasswordHasher, sha256_hex, wrap_legacy
from jobtrack_core.service import Jobtrack
from jobtrack_core.status import JobStatus
from jobtrack_interchange._writing import Progress, Writer, import_transaction
from jobtrack_interchange.myjobtrack.values import RowFixer, parse_moment
from jobtrack_interchange.report import (
    ImportReport,
    Merge,
    OnConflict,
    ReportBuilder,
    cleaning_reason,
)

Row = Mapping[str, Any]
UNNAMED = "(no name)"
UNTITLED = "(untitled job)"


def row_id(value: object) -> str | None:
    """A legacy id as text: text is kept as it is, an integer becomes its digits."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value
    return None


def _moment_or_none(value: object) -> datetime | None:
    try:
        return parse_moment(value) if value is not None else None
    except ValueError:
        return None


#: What a locked account's hash protects in place of a digest (followed by the SHA-256 of
#: the source's unusable value): no password's digest equals it, so nobody logs in, and
#: importing the same source again finds the same value and recognises the account.
UNUSABLE = "unusable:"


@attrs.frozen
class Account:
    """A legacy account ready to write, and the SHA-256 digest its hash protects (for a
    locked account, an :data:`UNUSABLE` value)."""

    user: User
    legacy_digest: str


@attrs.frozen
class LegacyData:
    """Everything a MyJobTrack source yields, mapped and checked."""

    accounts: list[Account] = attrs.field(factory=list)
    customers: list[Customer] = attrs.field(factory=list)
    jobs: list[Job] = attrs.field(factory=list)


#: A time to fall back on when a row has none: what it is (for the report) and its value.
Fallback = tuple[str, datetime]


def _times(fix: RowFixer, row: Row, fallback: Fallback) -> tuple[datetime, datetime]:
    updated_guess = _moment_or_none(row.get("updated_at"))
    created = fix.required_moment(
        "created_at", row.get("created_at"), [("updated_at", updated_guess), fallback]
    )
    updated = fix.required_moment("updated_at", row.get("updated_at"), [("created_at", created)])
    return created, updated


def map_accounts(
    rows: Sequence[Row],
    report: ReportBuilder,
    hasher: PasswordHasher,
    now: datetime,
    only: Collection[str] | None,
) -> tuple[list[Account], dict[str, str]]:
    """Map the users table. Returns the accounts to write and, for every legacy user id
    that is imported, the id of the account its data goes to (merges included)."""
    candidates: list[tuple[str, User, str]] = []
    for number, row in enumerate(rows):
        user_id = row_id(row.get("id"))
        if user_id is None:
            report.skipped("user", f"users row {number + 1}", "has no id")
            continue
        fix = RowFixer(report, "user", user_id)
        try:
            email = f.ACCOUNT_EMAIL.clean(row.get("email"))
        except Problem as problem:
            report.skipped("user", user_id, f"email {quoted(row.get('email'))} {problem}")
            continue
        assert email is not None
        if email != row.get("email"):
            fix.alter("email", row.get("email"), email, cleaning_reason(row.get("email"), email))
        name = fix.text("name", row.get("name"), required=True, placeholder=UNNAMED)
        business_name = fix.text("business_name", row.get("business_name"))
        created, updated = _times(fix, row, ("the time of the import", now))
        source_hash = row.get("password_hash")
        try:
            stored = wrap_legacy(hasher, source_hash)
            digest = str(source_hash).strip().lower()
        except ValueError:
            fix.alter(
                "password_hash",
                "(hidden)",
                "(unusable)",
                "is not a SHA-256 hex digest; the account was imported with a password "
                "nobody knows",
            )
            digest = UNUSABLE + sha256_hex(repr(source_hash))
            stored = LEGACY_PREFIX + hasher.hash(digest)
        try:
            user = User(
                id=user_id,
                email=email,
                name=name or UNNAMED,
                business_name=business_name,
                password_hash=stored,
                created_at=created,
                updated_at=updated,
            )
        except ValidationError as exc:
            report.skipped_after_all("user", user_id, f"cannot be repaired: {exc}")
            continue
        candidates.append((user_id, user, digest))

    groups: dict[str, list[tuple[str, User, str]]] = {}
    for candidate in candidates:
        groups.setdefault(candidate[1].email, []).append(candidate)
    wanted = {s.strip().lower() for s in only} if only is not None else None
    wanted_ids = set(only) if only is not None else set()
    matched: set[str] = set()
    accounts: list[Account] = []
    owner_of: dict[str, str] = {}
    for email, members in groups.items():
        if wanted is not None:
            hits = {email} & wanted | {m[0] for m in members} & wanted_ids
            if not hits:
                continue
            matched |= hits
        members.sort(key=lambda m: (m[1].created_at, m[0]))
        kept_id, kept, digest = members[0]
        accounts.append(Account(kept, digest))
        for member_id, _, _ in members:
            owner_of[member_id] = kept_id
        if len(members) > 1:
            merged = tuple(m[0] for m in members[1:])
            report.merges.append(Merge(email, kept_id, merged))
            for member_id in merged:
                report.notice(
                    "user",
                    member_id,
                    f"merged into account {kept_id!r} ({email}): emails differed only in case; "
                    "its customers and jobs moved there, its name and password were not kept",
                )
    if wanted is not None:
        unmatched = sorted(s for s in only or () if s not in matched and s.lower() not in matched)
        if unmatched:
            raise ValidationError.single(
                "users",
                f"no account with these ids or emails in the source: {', '.join(unmatched)}",
            )
    return accounts, owner_of


def map_customer(
    row: Row, owner_id: str, report: ReportBuilder, fallback: Fallback
) -> Customer | None:
    """One customers row for ``owner_id``; None (and a reported skip) if unusable.
    A row without usable times takes ``fallback`` (its account's creation time)."""
    customer_id = row_id(row.get("id"))
    assert customer_id is not None, "callers skip rows without an id"
    fix = RowFixer(report, "customer", customer_id)
    values = {
        "name": fix.text("name", row.get("name"), required=True, placeholder=UNNAMED),
        "email": fix.email("email", row.get("email")),
        "phone": fix.text("phone", row.get("phone")),
        "address": fix.text("address", row.get("address")),
        "business_name": fix.text("business_name", row.get("business_name")),
        "notes": fix.text("notes", row.get("notes")),
    }
    created, updated = _times(fix, row, fallback)
    try:
        customer = Customer.parse(
            values
            | {"id": customer_id, "user_id": owner_id}
            | {"created_at": created, "updated_at": updated}
        )
    except ValidationError as exc:
        report.skipped_after_all("customer", customer_id, f"cannot be repaired: {exc}")
        return None
    report.cleaned("customer", customer_id, values, {k: getattr(customer, k) for k in values})
    return customer


def map_job(
    row: Row,
    owner_id: str,
    customer_id: str,
    report: ReportBuilder,
    fallback: Fallback,
    *,
    empty_cost_was_zero: bool,
) -> Job | None:
    """One jobs row; status, payment and completion made consistent, with every fix reported.

    A row without usable times takes ``fallback`` (its customer's creation time).
    ``empty_cost_was_zero``: the source stored a cost of 0 as NULL (the original
    API did), so a completed job's empty actual cost is read as 0.00.
    """
    job_id = row_id(row.get("id"))
    assert job_id is not None, "callers skip rows without an id"
    fix = RowFixer(report, "job", job_id)
    status = fix.status(row.get("status"))
    values: dict[str, Any] = {
        "customer_id": customer_id,
        "title": fix.text("title", row.get("title"), required=True, placeholder=UNTITLED),
        "description": fix.text("description", row.get("description")),
        "estimated_cost": fix.amount("estimated_cost", row.get("estimated_cost")),
        "actual_cost": fix.amount("actual_cost", row.get("actual_cost")),
        "estimated_hours": fix.amount("estimated_hours", row.get("estimated_hours")),
        "actual_hours": fix.amount("actual_hours", row.get("actual_hours")),
        "due_date": fix.day("due_date", row.get("due_date")),
    }
    paid = fix.flag("paid", row.get("paid"))
    completed_at = fix.moment("completed_at", row.get("completed_at"))
    created, updated = _times(fix, row, fallback)
    if status is JobStatus.COMPLETED and completed_at is None:
        completed_at = updated
        fix.alter(
            "completed_at",
            row.get("completed_at"),
            updated,
            "the job is completed but had no completion time; set to its last update",
        )
    elif status is not JobStatus.COMPLETED and completed_at is not None:
        fix.alter(
            "completed_at",
            row.get("completed_at"),
            None,
            f"the job is {status.value}, not completed; its completion time was dropped",
        )
        completed_at = None
    if empty_cost_was_zero and status is JobStatus.COMPLETED and values["actual_cost"] is None:
        values["actual_cost"] = ZERO
        fix.alter(
            "actual_cost",
            None,
            ZERO,
            "MyJobTrack stored a cost of 0 as empty; a completed job's empty cost is read as 0.00",
        )
    if paid and status is JobStatus.CANCELLED:
        fix.notice("is cancelled but marked paid; kept as paid (payment is recorded in any status)")
    # MyJobTrack kept no ledger: a paid job with a cost holds its cost, which the one
    # payment the writer gives it stands for (jobtrack_core.ledger.opening_payment).
    if paid and values["actual_cost"]:
        values["amount_paid"] = values["actual_cost"]
    try:
        job = Job.parse(
            values
            | {"id": job_id, "user_id": owner_id, "status": status, "paid": paid}
            | {"paid_at": None, "completed_at": completed_at}
            | {"created_at": created, "updated_at": updated}
        )
    except ValidationError as exc:
        report.skipped_after_all("job", job_id, f"cannot be repaired: {exc}")
        return None
    report.cleaned("job", job_id, values, {k: getattr(job, k) for k in values})
    return job


def _same_legacy_account(hasher: PasswordHasher, stored: User, account: Account) -> bool:
    """Whether ``stored`` is this very MyJobTrack account imported before: the same id
    and email, its hash still the protected MyJobTrack digest of the same password."""
    if (stored.id, stored.email) != (account.user.id, account.user.email):
        return False
    if not stored.password_hash.startswith(LEGACY_PREFIX):
        return False
    return hasher.verify(stored.password_hash[len(LEGACY_PREFIX) :], account.legacy_digest)


def write_legacy(
    app: Jobtrack,
    data: LegacyData,
    report: ReportBuilder,
    *,
    into_user: str | None = None,
    on_conflict: OnConflict | str,
    dry_run: bool,
    progress: Progress | None,
) -> ImportReport:
    """Write mapped legacy data in one unit of work; see the importers for the rules.

    Accounts are created, never changed: an account that exists already is left as it
    is if it is this one imported before (same id and email, its hash still protecting
    the same MyJobTrack password), and the import is refused otherwise."""
    policy = OnConflict.of(on_conflict)
    with import_transaction(app, dry_run=dry_run) as uow:
        writer = Writer(app, uow, report, policy, progress=progress, ledgers=False)
        if into_user is not None:
            if uow.users.get(into_user) is None:
                raise NotFoundError("user", into_user)
            report.user_ids.append(into_user)
        for account in data.accounts:
            user = account.user
            report.user_ids.append(user.id)
            stored = uow.users.get(user.id) or uow.users.get_by_email(user.email)
            if stored is None:
                uow.users.add(user)
                report.count("created", "user")
            elif _same_legacy_account(app.hasher, stored, account):
                report.count("unchanged", "user")
            else:
                raise ConflictError(
                    "account",
                    f"an account with the id or email of the MyJobTrack account {user.id!r} "
                    f"({user.email}) already exists, and it is not this account as imported "
                    "before (another password, or logged in since); an import never changes "
                    "an existing account. Nothing was imported; choose the accounts to import "
                    "with users=",
                )
        for customer in data.customers:
            writer.customer(customer)
        in_source = {c.id for c in data.customers}
        for job in data.jobs:
            if (
                job.customer_id not in in_source
                and uow.customers.get(job.user_id, job.customer_id) is None
            ):
                report.skipped_after_all(
                    "job",
                    job.id,
                    f"its customer {job.customer_id!r} is neither in the source nor in the account",
                )
                continue
            writer.job(job)
        writer.finish()
    return report.build(dry_run=dry_run)
