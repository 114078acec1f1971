"""Each business's history of changes: ``history`` and ``history_heads`` (schema version 5,
:mod:`jobtrack_postgres.changelog`).

Numbers are handed out by updating the business's row of ``history_heads``
(:meth:`PostgresHistory.reserve`). The row stays locked until the unit of work ends, so
a second unit of work of the same business that wants numbers waits for the first to
commit (or roll back) and then continues from its head: a business's changes commit in
the order of their numbers, and a reader that has seen change ``n`` never later finds a
new one numbered below ``n``. At ``READ COMMITTED`` (the store's default) the waiting
update reads the committed head and goes on; at ``SERIALIZABLE`` PostgreSQL refuses it
(a serialization failure), which the store raises as
:class:`~jobtrack_core.errors.RetryableError`: the unit of work is run again.

The row is updated in place once per unit of work: the unit of work then holds its lock,
and counts on from there itself (its later numbers cost no statement), and writes the
head it reached just before it commits (:meth:`PostgresHistory.flush`). A row updated
again and again in one transaction keeps every version it had until the transaction
ends, and each update walks them all (:mod:`jobtrack_postgres.deltas` says why and what
it cost the running totals): a long unit of work, an import or a script in
``Workspace.atomic()``, would pay for each change more than for the one before. A
savepoint that rolls back gives its numbers back (:meth:`PostgresHistory.mark`,
:meth:`PostgresHistory.back_to`, called by the store).

Each question is one statement walking an index that leads with the owner: the primary
key ``(user_id, seq)`` for the activity list and the change feed, and ``(user_id, kind,
record_id, seq)`` for a record's history and for whether a record changed again later.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from psycopg.types.json import Jsonb

from jobtrack_core.entities import Action, FieldChange, HistoryEntry, Plain, RecordKind, Source
from jobtrack_core.errors import ConflictError, NotFoundError
from jobtrack_core.queries import ActivityFilter
from jobtrack_postgres.repositories import Repository
from jobtrack_postgres.rows import Row

COLUMNS = "user_id, seq, at, actor_id, source, action, kind, record_id, changes, cause"
_SELECT = f"SELECT {COLUMNS} FROM history h"
#: That entry ``h`` is not the latest of its record: a later entry of the record exists.
_LATER = (
    "EXISTS (SELECT FROM history n WHERE n.user_id = h.user_id AND n.kind = h.kind "
    "AND n.record_id = h.record_id AND n.seq > h.seq)"
)
#: The change feed's question: of each record changed after a number, its latest entry;
#: the first of them by number (owner, after, limit).
LATEST_AFTER = (
    f"{_SELECT} WHERE h.user_id = %s AND h.seq > %s AND NOT {_LATER} ORDER BY h.seq LIMIT %s"
)
_INSERT = (
    f"INSERT INTO history ({COLUMNS}) SELECT * FROM unnest(%s::text[], %s::bigint[], "
    "%s::timestamptz[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[], "
    "%s::jsonb[], %s::text[])"
)
_PRUNE = f"""
    WITH gone AS (
        DELETE FROM history h
        WHERE h.user_id = %(owner)s AND h.at < %(before)s
        AND (h.action = '{Action.DELETED.value}' OR {_LATER})
        RETURNING h.user_id, h.seq, h.action, h.kind, h.record_id
    ), floor AS (
        SELECT max(h.seq) AS seq FROM gone h
        WHERE h.action = '{Action.DELETED.value}' AND NOT {_LATER}
    ), raised AS (
        UPDATE history_heads t SET kept_from = floor.seq FROM floor
        WHERE t.user_id = %(owner)s AND floor.seq > t.kept_from
        RETURNING 1
    )
    SELECT count(*) FROM gone
"""

_SOURCES = {s.value: s for s in Source}
_ACTIONS = {a.value: a for a in Action}
_KINDS = {k.value: k for k in RecordKind}
#: A text value holding NUL characters, which ``jsonb`` cannot hold, is kept as an object
#: ``{"nul": [the pieces between them]}`` (a plain value is never an object).
_NUL = "nul"


def _to_json(value: Plain) -> Any:
    if isinstance(value, str) and "\x00" in value:
        return {_NUL: value.split("\x00")}
    return value


def _from_json(value: Any) -> Plain:
    if isinstance(value, dict):
        return "\x00".join(value[_NUL])
    plain: Plain = value
    return plain


def changes_json(changes: Sequence[FieldChange]) -> Jsonb:
    """A change's field changes as kept in ``history.changes``: ``[[field, old, new], ...]``."""
    return Jsonb([[_to_json(c.field), _to_json(c.old), _to_json(c.new)] for c in changes])


def entry_from_row(row: Row) -> HistoryEntry:
    """An entry from the columns :data:`COLUMNS`."""
    owner, seq, at, actor, source, action, kind, record_id, changes, cause = row
    return HistoryEntry.from_store(
        owner,
        seq,
        at,
        actor,
        _SOURCES[source],
        _ACTIONS[action],
        _KINDS[kind],
        record_id,
        tuple(FieldChange(str(_from_json(f)), _from_json(o), _from_json(n)) for f, o, n in changes),
        cause,
    )


#: What a unit of work knows of the numbers it has taken: per owner, the last number it
#: reserved, and the head it wrote in the owner's row (in place, the first time).
Heads = tuple[dict[str, int], dict[str, int]]


class PostgresHistory(Repository):
    """The history of each business; see the module docstring for how numbers are kept
    in order. One per unit of work: it keeps the numbers this unit of work has taken."""

    def __init__(self, conn: Any, *, lock_rows: bool) -> None:
        super().__init__(conn, lock_rows=lock_rows)
        self._heads: dict[str, int] = {}
        self._written: dict[str, int] = {}

    def reserve(self, owner_id: str, count: int) -> int:
        head = self._heads.get(owner_id)
        if head is None:  # the first time: the owner's row is updated, and stays locked
            head = self._written[owner_id] = self._take(owner_id, count)
        else:
            head += count
        self._heads[owner_id] = head
        return head - count + 1

    def mark(self) -> Heads:
        """Where the numbers stand, for :meth:`back_to` (when a savepoint begins)."""
        return dict(self._heads), dict(self._written)

    def back_to(self, mark: Heads) -> None:
        """Give back the numbers taken since ``mark`` (the savepoint was rolled back, and
        with it any update of a row made since)."""
        self._heads, self._written = dict(mark[0]), dict(mark[1])

    def flush(self) -> None:
        """Write the head each owner's numbers reached, where it is beyond the head written
        (the unit of work is about to commit)."""
        for owner_id in sorted(self._heads):
            self._settle(owner_id)
        self._heads.clear()
        self._written.clear()

    def _settle(self, owner_id: str) -> None:
        """Write the head the owner's numbers reached, if it is beyond the head written."""
        head = self._heads.get(owner_id)
        if head is not None and head != self._written.get(owner_id):
            self._run("UPDATE history_heads SET head = %s WHERE user_id = %s", (head, owner_id))
            self._written[owner_id] = head

    def _take(self, owner_id: str, count: int) -> int:
        """Add ``count`` to the owner's head, in place (the row is made for an owner's first
        change); the new head."""
        row = self._one(
            "UPDATE history_heads SET head = head + %s WHERE user_id = %s RETURNING head",
            (count, owner_id),
        )
        if row is None:  # the business's first change: its row is made
            row = self._run(
                "INSERT INTO history_heads AS t (user_id, head) "
                "SELECT %(owner)s::text, %(count)s::bigint "
                "WHERE EXISTS (SELECT FROM users WHERE id = %(owner)s) "
                "ON CONFLICT (user_id) DO UPDATE SET head = t.head + excluded.head "
                "RETURNING head",
                {"owner": owner_id, "count": count},
                missing=NotFoundError("user", owner_id),
            ).fetchone()
            if row is None:
                raise NotFoundError("user", owner_id)
        return int(row[0])

    def add(self, entries: Sequence[HistoryEntry]) -> None:
        by_owner: dict[str, list[HistoryEntry]] = {}
        for entry in entries:
            by_owner.setdefault(entry.owner_id, []).append(entry)
        for owner_id, mine in by_owner.items():
            head, last = self._head_and_last(owner_id)
            for entry in mine:
                if entry.seq <= last or entry.seq > head:
                    raise ConflictError("seq", f"change {entry.seq} was not reserved next")
                last = entry.seq
            self._insert(mine)

    def _head_and_last(self, owner_id: str) -> tuple[int, int]:
        """The owner's last number reserved and last number kept (NotFoundError if there
        is no such account)."""
        row = self._one(
            "SELECT head, (SELECT coalesce(max(seq), 0) FROM history WHERE user_id = %(owner)s) "
            "FROM history_heads WHERE user_id = %(owner)s",
            {"owner": owner_id},
        )
        if row is not None:
            return self._heads.get(owner_id, int(row[0])), int(row[1])
        self._require_owner(owner_id)
        return 0, 0

    def _require_owner(self, owner_id: str) -> None:
        if not self._exists("SELECT FROM users WHERE id = %s", (owner_id,)):
            raise NotFoundError("user", owner_id)

    def _insert(self, entries: Sequence[HistoryEntry]) -> None:
        columns: list[list[Any]] = [[] for _ in range(10)]
        for e in entries:
            values = (
                e.owner_id,
                e.seq,
                e.at,
                e.actor_id,
                e.source.value,
                e.action.value,
                e.kind.value,
                e.record_id,
                changes_json(e.changes),
                e.cause,
            )
            for column, value in zip(columns, values, strict=True):
                column.append(value)
        self._run(_INSERT, columns, missing=NotFoundError("user", entries[0].owner_id))

    def load(self, owner_id: str, entries: Sequence[HistoryEntry], kept_from: int) -> None:
        self._require_owner(owner_id)
        if self._head_and_last(owner_id)[0]:
            raise ConflictError("history", "this account already has a history")
        seqs = [e.seq for e in entries]
        if any(e.owner_id != owner_id for e in entries) or seqs != sorted(set(seqs)):
            raise ConflictError("history", "entries must be the owner's, in order of number")
        made = self._one(
            "INSERT INTO history_heads AS t (user_id, head, kept_from) VALUES (%s, %s, %s) "
            "ON CONFLICT (user_id) DO UPDATE SET head = excluded.head, "
            "kept_from = excluded.kept_from WHERE t.head = 0 RETURNING 1",
            (owner_id, max([kept_from, *seqs]), kept_from),
        )
        if made is None:  # another unit of work gave it a history meanwhile
            raise ConflictError("history", "this account already has a history")
        self._heads[owner_id] = self._written[owner_id] = max([kept_from, *seqs])
        if entries:
            self._insert(entries)

    def of_record(
        self, owner_id: str, kind: RecordKind, record_id: str, before: int | None, limit: int
    ) -> Sequence[HistoryEntry]:
        below = "" if before is None else " AND seq < %(before)s"
        rows = self._all(
            f"{_SELECT} WHERE user_id = %(owner)s AND kind = %(kind)s "
            f"AND record_id = %(record)s{below} ORDER BY seq DESC LIMIT %(limit)s",
            {
                "owner": owner_id,
                "kind": kind.value,
                "record": record_id,
                "before": before,
                "limit": max(limit, 0),
            },
        )
        return [entry_from_row(row) for row in rows]

    def activity(
        self, owner_id: str, where: ActivityFilter, before: int | None, limit: int
    ) -> Sequence[HistoryEntry]:
        clauses = ["user_id = %(owner)s"]
        if where.kinds is not None:
            clauses.append("kind = ANY(%(kinds)s::text[])")
        if where.actions is not None:
            clauses.append("action = ANY(%(actions)s::text[])")
        if where.since is not None:
            clauses.append("at >= %(since)s")
        if where.until is not None:
            clauses.append("at < %(until)s")
        if before is not None:
            clauses.append("seq < %(before)s")
        rows = self._all(
            f"{_SELECT} WHERE {' AND '.join(clauses)} ORDER BY seq DESC LIMIT %(limit)s",
            {
                "owner": owner_id,
                "kinds": sorted(k.value for k in where.kinds or ()),
                "actions": sorted(a.value for a in where.actions or ()),
                "since": where.since,
                "until": where.until,
                "before": before,
                "limit": max(limit, 0),
            },
        )
        return [entry_from_row(row) for row in rows]

    def latest_after(self, owner_id: str, after: int, limit: int) -> Sequence[HistoryEntry]:
        rows = self._all(LATEST_AFTER, (owner_id, after, max(limit, 0)))
        return [entry_from_row(row) for row in rows]

    def prune(self, owner_id: str, before: datetime) -> int:
        self._settle(owner_id)  # the floor it raises may be a number taken in this unit
        row = self._one(_PRUNE, {"owner": owner_id, "before": before})
        return 0 if row is None else int(row[0])

    def kept_from(self, owner_id: str) -> int:
        row = self._one("SELECT kept_from FROM history_heads WHERE user_id = %s", (owner_id,))
        return 0 if row is None else int(row[0])


__all__ = ["COLUMNS", "LATEST_AFTER", "Heads", "PostgresHistory", "changes_json", "entry_from_row"]
