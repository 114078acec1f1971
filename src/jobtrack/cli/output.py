"""Printing results: aligned tables and labelled fields for people, JSON for scripts.

>>> print(render_table([Column("Name"), Column("Owes", right=True)],
...                    [["Priya Shah", money(Decimal("12.50"))], ["Tom", money(Decimal("0"))]]))
Name         Owes
----------  -----
Priya Shah  12.50
Tom          0.00
>>> print(render_fields([("Name", "Tom"), ("Phone", None)]))
Name:   Tom
Phone:  -
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from datetime import date, datetime, tzinfo
from decimal import Decimal
from typing import Any, TextIO

import attrs

from jobtrack_core.money import CENT

#: What an empty value is shown as in tables and field lists.
EMPTY = "-"


@attrs.frozen
class Column:
    """A table column: its heading, whether to right-align it, and the widest it may get."""

    header: str
    right: bool = False
    max_width: int | None = None


def money(value: Decimal | None) -> str:
    """An amount exactly, with two decimal places: ``Decimal("7.5")`` -> ``"7.50"``."""
    if value is None:
        return EMPTY
    return format(value.quantize(CENT), "f")


def hours(value: Decimal | None) -> str:
    return EMPTY if value is None else format(value, "f")


def day(value: date | None) -> str:
    return EMPTY if value is None else value.isoformat()


_display_zone: list[tzinfo] = []


def use_zone(zone: tzinfo) -> None:
    """Show timestamps in ``zone`` (the business's time zone) from now on."""
    _display_zone[:] = [zone]


def moment(value: datetime | None) -> str:
    """A timestamp in the business's time zone (see :func:`use_zone`), to the minute."""
    if value is None:
        return EMPTY
    local = value.astimezone(_display_zone[0]) if _display_zone else value.astimezone()
    return local.strftime("%Y-%m-%d %H:%M")


def plural(count: int, word: str) -> str:
    """``1 job``, ``2 jobs``: a count and what it counts (a word made plural with "s").

    >>> plural(1, "user"), plural(0, "paid job")
    ('1 user', '0 paid jobs')
    """
    return f"{count} {word}{'' if count == 1 else 's'}"


def text(value: object) -> str:
    """A cell: ``None`` shows as :data:`EMPTY`, anything else as its text."""
    return EMPTY if value is None else str(value)


def _clip(cell: str, width: int | None) -> str:
    cell = " ".join(cell.split()) if "\n" in cell else cell
    if width is not None and len(cell) > width:
        return cell[: width - 3] + "..."
    return cell


def render_table(columns: Sequence[Column], rows: Iterable[Sequence[object]]) -> str:
    """Rows under headings, columns separated by two spaces, trailing spaces removed."""
    cells = [
        [_clip(text(c), col.max_width) for c, col in zip(row, columns, strict=True)] for row in rows
    ]
    widths = [len(col.header) for col in columns]
    for row in cells:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]

    def line(values: Sequence[str]) -> str:
        parts = [
            v.rjust(w) if col.right else v.ljust(w)
            for v, w, col in zip(values, widths, columns, strict=True)
        ]
        return "  ".join(parts).rstrip()

    out = [line([c.header for c in columns]), line(["-" * w for w in widths])]
    out.extend(line(row) for row in cells)
    return "\n".join(out)


def render_fields(fields: Sequence[tuple[str, object]]) -> str:
    """``Label:  value`` lines with the values aligned; multi-line values are indented."""
    width = max((len(label) for label, _ in fields), default=0) + 1
    out = []
    for label, value in fields:
        lines = text(value).splitlines() or [EMPTY]
        out.append(f"{label + ':':<{width}}  {lines[0]}")
        out.extend(" " * (width + 2) + rest for rest in lines[1:])
    return "\n".join(out)


def write(text_out: str = "", *, stream: TextIO | None = None) -> None:
    """Print one block of text (a newline is added)."""
    print(text_out, file=stream or sys.stdout)


def write_json(data: Any, *, stream: TextIO | None = None) -> None:
    """Print JSON-ready data, indented, keys in the order given."""
    json.dump(data, stream or sys.stdout, indent=2, ensure_ascii=False)
    (stream or sys.stdout).write("\n")


def note(message: str) -> None:
    """A remark for the person at the terminal, on stderr so that stdout stays data."""
    print(message, file=sys.stderr)
