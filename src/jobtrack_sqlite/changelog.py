"""Each business's history in SQL: the ``history`` and ``history_heads`` tables behind
:class:`~jobtrack_core.ports.HistoryRepository`.

Numbers are handed out from the owner's ``history_heads`` row, which
:meth:`SqliteHistory.reserve` bumps inside the unit of work: every write unit of
work holds SQLite's write lock from its start (``BEGIN IMMEDIATE``), so writers
take turns, each commits its numbers before the next can reserve any, and a reader
never finds a new change below one it has seen. A unit of work rolled back gives
its numbers back with the rest.

Every question is answered in SQL from the table's key (owner, seq) and the index
(owner, kind, record_id, seq): an entry is its record's latest when no entry of the
same record has a higher number, one index seek. One record's entries are read from
that index, named (``INDEXED BY``): from its estimates alone, the planner would rather
walk the owner's whole history backwards.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from jobtrack_core.entities import (
    Action,
    Customer,
    FieldChange,
    HistoryEntry,
    Job,
    RecordKind,
    Source,
)
from jobtrack_core.errors import ConflictError, NotFoundError
from jobtrack_core.history import kind_of, listed
from jobtrack_core.queries import ActivityFilter
from jobtrack_sqlite import columns as col
from jobtrack_sqlite.errors import translated
from jobtrack_sqlite.rows import (
    CUSTOMER_COLUMNS,
    customer_from_row,
    job_from_row,
)
from jobtrack_sqlite.schema import OWNER

#: An entry's columns after its owner, as :func:`entry_values` gives them.
ENTRY_COLUMNS = "seq, at_us, actor_id, source, action, kind, record_id, changes, cause"
_INSERT = f"INSERT INTO history (owner, {ENTRY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
_SELECT = f"SELECT {ENTRY_COLUMNS} FROM history AS h"
#: No later entry of the same record: ``h`` is its record's latest.
_LATEST = (
    "NOT EXISTS (SELECT 1 FROM history AS later WHERE later.owner = h.owner"
    " AND later.kind = h.kind AND later.record_id = h.record_id AND later.seq > h.seq)"
)
#: An entry of the owner (``?1``, the user's id) made before ``?2`` (microseconds).
_OLD = f"h.owner = {OWNER.replace('?', '?1')} AND h.at_us < ?2"
#: A deletion: pruning drops an old one even if it is its record's latest.
_DELETION = f"h.action = '{Action.DELETED.value}'"
#: Above every number (``seq < NO_LIMIT`` holds for all).
_NO_LIMIT = 2**63 - 1

_SOURCES = {s.value: s for s in Source}
_ACTIONS = {a.value: a for a in Action}
_KINDS = {k.value: k for k in RecordKind}


def changes_text(changes: Iterable[FieldChange]) -> str:
    """Field changes as compact JSON: ``[[field, old, new], ...]``."""
    return json.dumps(
        [[c.field, c.old, c.new] for c in changes], separators=(",", ":"), ensure_ascii=False
    )


def entry_values(owner: int, entry: HistoryEntry) -> tuple[object, ...]:
    """The row of ``entry``: the owner's number, then :data:`ENTRY_COLUMNS`."""
    return (
        owner,
        entry.seq,
        col.timestamp(entry.at, "at"),
        entry.actor_id,
        entry.source.value,
        entry.action.value,
        entry.kind.value,
        entry.record_id,
        changes_text(entry.changes),
        entry.cause,
    )


def entry_from_row(owner_id: str, row: Any) -> HistoryEntry:
    seq, at, actor_id, source, action, kind, record_id, changes, cause = row
    return HistoryEntry.from_store(
        owner_id,
        seq,
        col.read_timestamp(at),
        actor_id,
        _SOURCES[source],
        _ACTIONS[action],
        _KINDS[kind],
        record_id,
        tuple(FieldChange(*change) for change in json.loads(changes)),
        cause,
    )


def _in(column: str, values: Iterable[str]) -> tuple[str, list[object]]:
    chosen = sorted(values)
    return f"{column} IN ({', '.join('?' * len(chosen))})", list(chosen)


class SqliteHistory:
    """The :class:`~jobtrack_core.ports.HistoryRepository` of one connection."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection

    def _owner(self, owner_id: str) -> int:
        found = self._db.execute("SELECT owner FROM users WHERE id = ?", (owner_id,)).fetchone()
        if found is None:
            raise NotFoundError("user", owner_id)
        return int(found[0])

    def _entries(self, owner_id: str, sql: str, params: Sequence[object]) -> list[HistoryEntry]:
        return [entry_from_row(owner_id, row) for row in self._db.execute(sql, params)]

    @translated
    def reserve(self, owner_id: str, count: int) -> int:
        head: int = self._db.execute(
            "INSERT INTO history_heads (owner, head) VALUES (?, ?)"
            " ON CONFLICT (owner) DO UPDATE SET head = head + excluded.head RETURNING head",
            (self._owner(owner_id), count),
        ).fetchone()[0]
        return head - count + 1

    @translated
    def add(self, entries: Sequence[HistoryEntry]) -> None:
        by_owner: dict[str, list[HistoryEntry]] = {}
        for entry in entries:
            by_owner.setdefault(entry.owner_id, []).append(entry)
        for owner_id, mine in by_owner.items():
            owner = self._owner(owner_id)
            head, last = self._db.execute(
                "SELECT (SELECT head FROM history_heads WHERE owner = ?1),"
                " (SELECT max(seq) FROM history WHERE owner = ?1)",
                (owner,),
            ).fetchone()
            last = last or 0
            for entry in mine:
                if entry.seq <= last or entry.seq > (head or 0):
                    raise ConflictError("seq", f"change {entry.seq} was not reserved next")
                last = entry.seq
            self._db.executemany(_INSERT, [entry_values(owner, e) for e in mine])

    @translated
    def load(self, owner_id: str, entries: Sequence[HistoryEntry], kept_from: int) -> None:
        owner = self._owner(owner_id)
        head = self._db.execute("SELECT head FROM history_heads WHERE owner = ?", (owner,))
        if (head.fetchone() or (0,))[0]:
            raise ConflictError("history", "this account already has a history")
        seqs = [e.seq for e in entries]
        if any(e.owner_id != owner_id for e in entries) or seqs != sorted(set(seqs)):
            raise ConflictError("history", "entries must be the owner's, in order of number")
        self._db.executemany(_INSERT, [entry_values(owner, e) for e in entries])
        self._db.execute(
            "INSERT INTO history_heads (owner, head, kept_from) VALUES (?1, ?2, ?3)"
            " ON CONFLICT (owner) DO UPDATE SET head = ?2, kept_from = ?3",
            (owner, max([kept_from, *seqs]), kept_from),
        )

    @translated
    def of_record(
        self, owner_id: str, kind: RecordKind, record_id: str, before: int | None, limit: int
    ) -> Sequence[HistoryEntry]:
        return self._entries(
            owner_id,
            f"{_SELECT} INDEXED BY idx_history_record"
            f" WHERE owner = {OWNER} AND kind = ? AND record_id = ? AND seq < ?"
            " ORDER BY seq DESC LIMIT ?",
            (owner_id, kind.value, record_id, _below(before), max(limit, 0)),
        )

    @translated
    def activity(
        self, owner_id: str, where: ActivityFilter, before: int | None, limit: int
    ) -> Sequence[HistoryEntry]:
        sql = [f"owner = {OWNER}", "seq < ?"]
        params: list[object] = [owner_id, _below(before)]
        for column, chosen in (("kind", where.kinds), ("action", where.actions)):
            if chosen is not None:
                condition, values = _in(column, (c.value for c in chosen))
                sql.append(condition)
                params += values
        if where.since is not None:
            sql.append("at_us >= ?")
            params.append(col.timestamp(where.since, "since"))
        if where.until is not None:
            sql.append("at_us < ?")
            params.append(col.timestamp(where.until, "until"))
        return self._entries(
            owner_id,
            f"{_SELECT} WHERE {' AND '.join(sql)} ORDER BY seq DESC LIMIT ?",
            (*params, max(limit, 0)),
        )

    @translated
    def latest_after(self, owner_id: str, after: int, limit: int) -> Sequence[HistoryEntry]:
        return self._entries(
            owner_id,
            f"{_SELECT} WHERE h.owner = {OWNER} AND h.seq > ? AND {_LATEST} ORDER BY h.seq LIMIT ?",
            (owner_id, after, max(limit, 0)),
        )

    @translated
    def prune(self, owner_id: str, before: datetime) -> int:
        """First raise the floor to the latest deletion that goes, then drop."""
        params = (owner_id, col.timestamp(before, "before"))
        floor = self._db.execute(
            f"SELECT max(seq) FROM history AS h WHERE {_OLD} AND {_DELETION} AND {_LATEST}", params
        ).fetchone()[0]
        if floor is not None:
            self._db.execute(
                f"UPDATE history_heads SET kept_from = max(kept_from, ?) WHERE owner = {OWNER}",
                (floor, owner_id),
            )
        dropped: int = self._db.execute(
            f"DELETE FROM history AS h WHERE {_OLD} AND ({_DELETION} OR NOT {_LATEST})", params
        ).rowcount
        return dropped

    @translated
    def kept_from(self, owner_id: str) -> int:
        found = self._db.execute(
            f"SELECT kept_from FROM history_heads WHERE owner = {OWNER}", (owner_id,)
        ).fetchone()
        return 0 if found is None else int(found[0])


def _below(before: int | None) -> int:
    return _NO_LIMIT if before is None else before


#: The columns of a job in schema version 5, which :func:`record_existing` reads.
JOB_COLUMNS_V5 = (
    "id, user_id, customer_id, title, description, status, estimated_cost_cents,"
    " actual_cost_cents, estimated_hours_hundredths, actual_hours_hundredths, due_date,"
    " paid, paid_at_us, completed_at_us, created_at_us, updated_at_us, version"
)
#: A job's fields that schema version 5 did not have.
_NEW_IN_V6 = frozenset({"amount_paid"})


def record_existing(connection: sqlite3.Connection) -> None:
    """Give every customer and job a history: one "created" entry each, listing its
    fields as the workspace would have on making it, made by its owner when it was made;
    numbered per owner in the order they were made (a customer before its jobs made at
    the same moment). For a database whose records have no history yet.

    This is version 5's step (the migration from version 4): it reads version 5's job
    columns and lists the fields a job had then."""
    owners = connection.execute("SELECT owner, id FROM users ORDER BY owner").fetchall()
    for owner, owner_id in owners:
        records: list[Customer | Job] = [
            customer_from_row(row)
            for row in connection.execute(
                f"SELECT {CUSTOMER_COLUMNS} FROM customers WHERE owner = ?", (owner,)
            )
        ]
        records += [
            job_from_row((*row, 0))
            for row in connection.execute(
                f"SELECT {JOB_COLUMNS_V5} FROM jobs WHERE owner = ?", (owner,)
            )
        ]
        if not records:
            continue
        records.sort(key=lambda r: (r.created_at, isinstance(r, Job), r.id))
        connection.executemany(
            _INSERT,
            (
                entry_values(
                    owner,
                    HistoryEntry(
                        owner_id=owner_id,
                        seq=seq,
                        at=record.created_at,
                        actor_id=owner_id,
                        source=Source.LIBRARY,
                        action=Action.CREATED,
                        kind=kind_of(record),
                        record_id=record.id,
                        changes=tuple(
                            FieldChange(k, None, v)
                            for k, v in listed(record).items()
                            if k not in _NEW_IN_V6
                        ),
                    ),
                )
                for seq, record in enumerate(records, start=1)
            ),
        )
        connection.execute(
            "INSERT INTO history_heads (owner, head) VALUES (?, ?)", (owner, len(records))
        )


__all__ = [
    "ENTRY_COLUMNS",
    "JOB_COLUMNS_V5",
    "SqliteHistory",
    "changes_text",
    "entry_values",
    "record_existing",
]
