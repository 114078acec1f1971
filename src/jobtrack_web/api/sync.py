"""History and the change feed: one record's changes, the business's activity, the feed
that keeps another copy of the data in step, and forgetting old history.

The change feed (``GET /api/changes``) starts from nothing (no ``after``); each batch
holds every record changed since the cursor, once, as it is now or as a tombstone
(``record: null``), and ``next`` is the cursor to ask from next time. A cursor older
than a deletion that history no longer holds answers ``410 Gone``: start again from
nothing.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import attrs
from litestar import Router
from litestar.params import JSONBody, Parameter, QueryParameter

from jobtrack_core import fields as f
from jobtrack_core.entities import Action, HistoryEntry, RecordKind
from jobtrack_core.pagination import MAX_PAGE_SIZE
from jobtrack_core.sync import ChangeBatch
from jobtrack_web.api.paging import after_parameter, limit_parameter
from jobtrack_web.api.verbs import get, post
from jobtrack_web.auth import SignedIn
from jobtrack_web.problems import responses


@attrs.frozen
class HistoryPage:
    """One page of changes, newest first; ``next`` is the cursor of the next page
    (``after``), or null on the last."""

    items: tuple[HistoryEntry, ...]
    next: str | None


@attrs.frozen(kw_only=True)
class HistoryPrune:
    """Which history to forget: every change made before ``before``, a local day
    (``2025-01-01``: before its start) or a moment with its offset
    (``2025-01-01T09:00:00+00:00``). The latest change of each record that still exists
    is always kept."""

    before: str = attrs.field(
        metadata={"help": "a local day (2025-01-01) or a moment with its UTC offset"}
    )


@attrs.frozen
class HistoryPruned:
    """How many changes history forgot."""

    removed: int


@get("/history", responses=responses(422))
def history(
    ws: SignedIn,
    kind: Annotated[RecordKind, Parameter(description="The kind of the record.")],
    record_id: Annotated[
        str,
        QueryParameter(
            name="id", min_length=1, max_length=f.MAX_ID_LENGTH, description="The record's id."
        ),
    ],
    limit: int = limit_parameter(50, most=MAX_PAGE_SIZE),
    after: str | None = after_parameter(),
) -> HistoryPage:
    """One record's changes, newest first, a page at a time. A deleted record's history
    stays; a record never seen (or another account's) has none."""
    found = ws.history(kind, record_id, limit=limit, after=after)
    return HistoryPage(found.items, found.next)


@get("/activity", responses=responses(422))
def activity(
    ws: SignedIn,
    kinds: Annotated[
        list[RecordKind] | None,
        Parameter(description="Only changes to records of these kinds (repeat it)."),
    ] = None,
    actions: Annotated[
        list[Action] | None, Parameter(description="Only changes that did these (repeat it).")
    ] = None,
    since: Annotated[
        date | None, Parameter(description="Only changes made on this local day or after.")
    ] = None,
    until: Annotated[
        date | None, Parameter(description="Only changes made before this local day.")
    ] = None,
    limit: int = limit_parameter(50, most=MAX_PAGE_SIZE),
    after: str | None = after_parameter(),
) -> HistoryPage:
    """The business's changes, newest first, a page at a time, of the kinds and actions
    asked for (all if left out) and made in the span asked for."""
    found = ws.activity(
        kinds=kinds, actions=actions, since=since, until=until, limit=limit, after=after
    )
    return HistoryPage(found.items, found.next)


@get("/changes", responses=responses(410, 422))
def changes(
    ws: SignedIn,
    after: str | None = Parameter(
        default=None,
        max_length=1000,
        description="The cursor a batch gave as `next`; from nothing if left out.",
    ),
    limit: int = limit_parameter(100, most=MAX_PAGE_SIZE),
) -> ChangeBatch:
    """The change feed: every customer, job, payment, quote and invoice changed since
    the cursor, each once, as it is now or as a tombstone (``record`` null: deleted), in
    the order of their latest change; ``next`` is the cursor to ask from next time (the
    same when nothing changed). 410: the cursor is older than history kept; start
    again without one."""
    return ws.changes(after, limit=limit)


@post("/history/prune", status_code=200, responses=responses(422))
def prune_history(data: JSONBody[HistoryPrune], ws: SignedIn) -> HistoryPruned:
    """Forget the changes made before a day or a moment, except the latest change of
    each record that still exists; the answer counts what went. Change feed cursors
    older than a deletion forgotten answer 410 afterwards."""
    before: datetime | str | None = data.before
    if "T" in data.before or " " in data.before.strip():
        # A moment; a day is read by the library, in the business's time zone.
        before = f.check("before", f.INSTANT.but(optional=False), data.before)
    assert before is not None
    return HistoryPruned(ws.prune_history(before))


router = Router(
    "/",
    route_handlers=[history, activity, changes, prune_history],
    tags=["history"],
)
