"""The lines of a quote or an invoice as the command line takes them.

One ``--line`` option per line, its parts separated by semicolons::

    DESCRIPTION;QUANTITY;PRICE[;UNIT[;TAX[;DISCOUNT]]]

``PRICE`` is the unit price; ``UNIT`` is what the quantity counts (``h``, ``m2``; empty:
none); ``TAX`` names one of the business's tax rates (empty: its default rate; ``none``:
no tax); ``DISCOUNT`` is an amount off the line. ``\\;`` is a semicolon inside a part.

>>> parse_line("Labour;2.5;40;h;VAT", 1)
{'description': 'Labour', 'quantity': '2.5', 'unit_price': '40', 'unit': 'h', 'tax': 'VAT'}
>>> parse_line("Tiles\\\\; grey;12;3.20;;none;1.00", 2)["tax"] is None
True
>>> parse_line("Tiles\\\\; grey;12;3.20", 2)["description"]
'Tiles; grey'

``--lines-json FILE`` (``-``: standard input) reads a JSON list of objects of the same
parts by name: ``{"description": "Labour", "quantity": "2.5", "unit": "h",
"unit_price": "40", "discount": "0", "tax": "VAT"}``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from jobtrack_core.commands import LineRequest
from jobtrack_core.documents import Line
from jobtrack_core.errors import FieldError, ValidationError

#: How ``--line`` is written, for help and messages.
LINE_SYNTAX = "DESCRIPTION;QTY;PRICE[;UNIT[;TAX[;DISCOUNT]]]"
#: What ``TAX`` says for a line that bears no tax.
NO_TAX = ("none", "-")
_PARTS = ("description", "quantity", "unit_price", "unit", "tax", "discount")
_LINE_FIELDS = ("description", "quantity", "unit", "unit_price", "discount")


def _split(text: str) -> list[str]:
    """``text`` cut at each semicolon not escaped as ``\\;``."""
    parts, current, chars = [], [], iter(text)
    for char in chars:
        if char == "\\":
            following = next(chars, "")
            current.append(following if following == ";" else char + following)
        elif char == ";":
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def parse_line(text: str, number: int) -> dict[str, Any]:
    """One ``--line`` (the ``number``-th) as the mapping the library takes."""
    field = f"lines[{number}]"
    parts = [part.strip() for part in _split(text)]
    if not 3 <= len(parts) <= len(_PARTS):
        raise ValidationError.single(
            field, f"must be {LINE_SYNTAX}, not {text!r} ({len(parts)} parts)"
        )
    line: dict[str, Any] = {}
    for name, part in zip(_PARTS, parts, strict=False):
        if name == "tax":
            if part.lower() in NO_TAX:
                line["tax"] = None
            elif part:
                line["tax"] = part
        elif name == "unit":
            if part:
                line["unit"] = part
        elif part or name == "description":
            line[name] = part
    check(line, number)
    return line


def check(line: Mapping[str, Any], number: int) -> None:
    """Refuse a line that is not a :class:`~jobtrack_core.commands.LineRequest`, naming
    the line and the part (``lines[2].quantity``); whether its tax is one of the
    business's rates is the library's to say."""
    try:
        request = LineRequest.parse(line)
        # what a line must hold besides its fields: a discount within its amount...
        Line.parse({name: getattr(request, name) for name in _LINE_FIELDS})
    except ValidationError as exc:
        raise ValidationError(
            [FieldError(f"lines[{number}].{e.field}", e.message) for e in exc.errors]
        ) from None


def line_options(parser: argparse.ArgumentParser) -> None:
    """``--line`` (repeated) and ``--lines-json FILE``."""
    parser.add_argument(
        "--line",
        action="append",
        metavar="LINE",
        help=f"a line: {LINE_SYNTAX} (repeat for more; see the description)",
    )
    parser.add_argument(
        "--lines-json",
        metavar="FILE",
        help="lines from a JSON file (-: standard input): a list of objects with "
        "description, quantity, unit_price, unit, tax, discount",
    )


def read_lines(given: Sequence[str] | None, json_file: str | None) -> list[dict[str, Any]]:
    """The lines of ``--line`` options, then those of ``--lines-json``, numbered in that
    order."""
    lines = [parse_line(text, number) for number, text in enumerate(given or (), 1)]
    if json_file is not None:
        lines.extend(_json_lines(json_file, first=len(lines) + 1))
    return lines


def _json_lines(source: str, *, first: int) -> list[dict[str, Any]]:
    from jobtrack_interchange.converter import read_json

    text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    data = read_json(text, "lines_json", parse_float=Decimal)
    if not isinstance(data, list):
        raise ValidationError.single("lines_json", "must be a JSON list of line objects")
    lines: list[dict[str, Any]] = []
    for number, item in enumerate(data, first):
        if not isinstance(item, dict):
            raise ValidationError.single(f"lines[{number}]", "must be a JSON object")
        line = {k: str(v) if isinstance(v, int | Decimal) else v for k, v in item.items()}
        check(line, number)
        lines.append(line)
    return lines


__all__ = ["LINE_SYNTAX", "check", "line_options", "parse_line", "read_lines"]
