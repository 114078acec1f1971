"""How the history of customers and jobs looks on the terminal: each change a line
saying when, who, from where and what, then the fields it changed, one a line::

    2025-07-06 14:05  sam@example.com  cli      paid     job 019a3f53 "Fix the gate"
        paid: no → yes
        paid at: - → 2025-07-06 14:05

A record that exists is named by its abbreviated id and its name or title; a deleted
one by its whole id, which ``job history`` and ``customer history`` still accept.

>>> value(None), value(True), value("14 Maple Street\\nSpringfield")
('-', 'yes', '14 Maple Street Springfield')
>>> label("estimated_cost"), label("customer_id")
('estimated cost', 'customer')
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from datetime import datetime

from jobtrack.cli.output import EMPTY, moment
from jobtrack.cli.refs import Shown
from jobtrack_core.entities import Action, FieldChange, HistoryEntry, Plain, RecordKind

#: The most characters of a field's value a change line shows.
VALUE_WIDTH = 60
#: The widest source and action names, so that the columns line up.
_SOURCE_WIDTH = 7
_ACTION_WIDTH = 7


def arrow() -> str:
    """``→``, or ``->`` where the output cannot show it."""
    try:
        "→".encode(sys.stdout.encoding or "ascii")
    except (UnicodeEncodeError, LookupError):
        return "->"
    return "→"


def label(field: str) -> str:
    """A field as people read it: ``estimated_cost`` is "estimated cost"."""
    if field in ("customer_id", "job_id", "invoice_id"):
        return field.removesuffix("_id")
    return field.replace("_", " ")


def value(plain: Plain, field: str = "", shown: Shown | None = None) -> str:
    """A field's value as a change keeps it, for people: times in the business's zone, a
    customer by its id as tables show it and its name, text on one line, cut if long."""
    if plain is None:
        return EMPTY
    if isinstance(plain, bool):
        return "yes" if plain else "no"
    text = str(plain)
    if field.endswith("_at"):
        try:
            return moment(datetime.fromisoformat(text))
        except ValueError:
            pass
    if field == "customer_id" and shown is not None:
        return record(RecordKind.CUSTOMER, text, shown, named=False)
    if field == "job_id" and shown is not None:
        return record(RecordKind.JOB, text, shown, named=False)
    if field in ("invoice_id", "corrects") and shown is not None:
        return record(RecordKind.INVOICE, text, shown, named=False)
    text = " ".join(text.split())
    return text if len(text) <= VALUE_WIDTH else text[: VALUE_WIDTH - 3] + "..."


def record(kind: RecordKind, id: str, shown: Shown, *, named: bool = True) -> str:
    """``job 019a3f53 "Fix the gate"`` (without the kind unless ``named``); a record that
    is gone by its whole id."""
    if kind is RecordKind.PAYMENT:
        about = shown.payments.get(id)
        shown_as = f"{id} (deleted)" if about is None else f"{shown.payment(id)} ({about})"
        return f"{kind.value} {shown_as}" if named else shown_as
    if kind in (RecordKind.QUOTE, RecordKind.INVOICE):
        quote = kind is RecordKind.QUOTE
        about = (shown.quote_names if quote else shown.invoice_names).get(id)
        short = shown.quote(id) if quote else shown.invoice(id)
        shown_as = f"{id} (deleted)" if about is None else f"{short} {about}"
        return f"{kind.value} {shown_as}" if named else shown_as
    names = shown.names if kind is RecordKind.CUSTOMER else shown.titles
    name = names.get(id)
    short = shown.customer(id) if kind is RecordKind.CUSTOMER else shown.job(id)
    shown_as = f"{id} (deleted)" if name is None else f'{short} "{name}"'
    return f"{kind.value} {shown_as}" if named else shown_as


def _change(change: FieldChange, action: Action, shown: Shown, to: str) -> str | None:
    new = value(change.new, change.field, shown)
    if action is Action.CREATED:  # every field is new: show those that have a value
        return None if change.new is None else f"{label(change.field)}: {new}"
    return f"{label(change.field)}: {value(change.old, change.field, shown)} {to} {new}"


def entry_lines(
    entry: HistoryEntry, shown: Shown, actors: dict[str, str], *, with_record: bool
) -> list[str]:
    """One change: its heading line, then a line for each field it changed. ``actors``
    names the people who make changes, by id; others show as their id."""
    who = actors.get(entry.actor_id, entry.actor_id)
    heading = (
        f"{moment(entry.at)}  {who}  {entry.source.value:<{_SOURCE_WIDTH}}  "
        f"{entry.action.value:<{_ACTION_WIDTH}}"
    )
    if with_record:
        heading += f"  {record(entry.kind, entry.record_id, shown)}"
    lines = [heading.rstrip()]
    to = arrow()
    # A credit note is made "issued": it shows its first values as a creation does.
    made = entry.action is Action.ISSUED and all(c.old is None for c in entry.changes)
    action = Action.CREATED if made else entry.action
    for change in entry.changes:
        line = _change(change, action, shown, to)
        if line is not None:
            lines.append(f"    {line}")
    if entry.cause is not None and entry.kind is RecordKind.PAYMENT:
        # deleted with its job, or with the customer of its job
        lines.append(f"    with {entry.cause} (deleted)")
    elif entry.cause is not None:
        lines.append(f"    with {record(RecordKind.CUSTOMER, entry.cause, shown)}")
    return lines


def render_entries(
    entries: Iterable[HistoryEntry], shown: Shown, actors: dict[str, str], *, with_record: bool
) -> str:
    """Changes, newest first as given, each with the fields it changed."""
    return "\n".join(
        line
        for entry in entries
        for line in entry_lines(entry, shown, actors, with_record=with_record)
    )


__all__ = ["arrow", "entry_lines", "label", "record", "render_entries", "value"]
