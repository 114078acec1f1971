"""Shared helpers of the interchange tests (imported by the test modules)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import pytest

from jobtrack_core import Jobtrack, NotFoundError, Workspace
from jobtrack_core.ports import Store
from jobtrack_core.testing import FakeClock
from jobtrack_interchange import ImportReport, export_json, import_json, restore_json
from jobtrack_memory import MemoryStore

PASSWORD = "correct horse battery"


def populate(app: Jobtrack, clock: FakeClock, email: str = "sam@example.com") -> str:
    """An account with customers and jobs in every status, paid and unpaid, with text
    that tests quoting (commas, quotes, newlines, non-ASCII). Returns the user id."""
    user = app.register(email=email, password=PASSWORD, name="Sam Carter", business_name="SC")
    ws = app.workspace(user.id)
    ann = ws.add_customer(
        'Ann "the boss", Smith',
        email="ann@example.com",
        phone="+44 20 7946 0000",
        address="1 Main St\nSpringfield",
        notes="Gate code: 1234\r\nDog; friendly — très",
    )
    clock.tick()
    bob = ws.add_customer("Bob", business_name="Bob's Bikes")
    for number in range(6):
        clock.advance(seconds=61, microseconds=7)
        customer = ann if number % 2 else bob
        job = ws.create_job(
            customer.id,
            f"Job {number}, with a comma",
            description="line one\nline two" if number == 1 else None,
            estimated_cost=f"{number * 10}.05",
            estimated_hours="1.5" if number % 3 else None,
            due_date=f"2025-08-{number + 1:02d}",
        )
        if number >= 1:
            ws.start_job(job.id)
        if number >= 2:
            clock.tick()
            ws.complete_job(job.id, actual_cost=f"{number * 11}.99", actual_hours="2.25")
        if number == 5:
            ws.cancel_job(ws.create_job(customer.id, "Never mind").id)
        if number in (2, 4):
            clock.tick()
            ws.mark_paid(job.id)
    return user.id


def export_text(app: Jobtrack, user_id: str, **options: Any) -> str:
    out = io.StringIO()
    export_json(app, user_id, out, **options)
    return out.getvalue()


def new_account(
    app: Jobtrack, email: str = "me@example.com", name: str = "Me", password: str = PASSWORD
) -> Workspace:
    """The workspace of a new, empty account."""
    return app.workspace(app.register(email=email, password=password, name=name).id)


def bring_in(how: str, app: Jobtrack, owner_id: str, text: str, **options: Any) -> ImportReport:
    """Bring an exported JSON document into ``app``: ``restore`` it (creating its
    account), or ``import`` it into the account ``owner_id``."""
    if how == "restore":
        return restore_json(app, io.StringIO(text), **options)
    return import_json(app.workspace(owner_id), io.StringIO(text), **options)


def without_time(text: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(text)
    document.pop("exported_at")
    return document


def state(app: Jobtrack, *user_ids: str) -> list[Any]:
    """What these users have in the store (None for a missing user): the account, its
    customers, jobs and payments."""
    seen: list[Any] = []
    for user_id in user_ids:
        try:
            ws = app.workspace(user_id)
        except NotFoundError:
            seen.append(None)
            continue
        records = (ws.list_customers(), ws.list_jobs(), ws.list_payments())
        seen.append((ws.user, ws.user.password_hash, *records))
    return seen


def store_factory(kind: str, request: pytest.FixtureRequest) -> Callable[[], Store]:
    """Fresh, empty stores of one kind: ``memory``, ``sqlite`` (in memory) or ``postgres``
    (the shared test database emptied; skipped when no server or driver is there)."""
    if kind == "memory":
        return MemoryStore
    if kind == "sqlite":
        sqlite = pytest.importorskip("jobtrack_sqlite")
        return lambda: sqlite.SqliteStore(":memory:")
    try:
        fresh: Callable[[], Store] = request.getfixturevalue("fresh_store")
    except pytest.FixtureLookupError:
        pytest.skip("the PostgreSQL store or its driver is not installed")
    return fresh
