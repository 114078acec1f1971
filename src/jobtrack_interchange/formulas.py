"""Cells a spreadsheet would run as formulas, escaped in CSV exports.

A spreadsheet opening a CSV file reads a cell that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return as a formula (``=HYPERLINK(...)``,
``@SUM(...)``) and may run it. As OWASP advises against CSV injection, such a
cell is written with a single quote in front, which spreadsheets take as "this
is text" and do not show.

So that jobtrack's own CSV import can undo it exactly, a cell that starts with
single quotes followed by one of those characters gets one more quote too:
``'=x`` is written ``''=x``. The import removes one leading quote from exactly
the cells that start with one or more quotes and then such a character, and
gives back what was exported, whatever the text.

>>> escape_formula("=1+1"), escape_formula("'=1+1"), escape_formula("'Tis")
("'=1+1", "''=1+1", "'Tis")
>>> unescape_formula("''=1+1")
"'=1+1"
"""

from __future__ import annotations

import enum
import re

from jobtrack_core.errors import ValidationError

#: The first characters that make a spreadsheet read a cell as a formula.
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
PREFIX = "'"
_NEEDS_PREFIX = re.compile(r"'*[=+\-@\t\r]")
_HAS_PREFIX = re.compile(r"'+[=+\-@\t\r]")


class Formulas(enum.StrEnum):
    """How a CSV export writes cells a spreadsheet would run as formulas.

    - ``escape`` (the default): with a single quote in front (see the module);
    - ``keep``: as they are, for programs that read the CSV as plain data.
    """

    ESCAPE = "escape"
    KEEP = "keep"

    @classmethod
    def of(cls, value: Formulas | str, field: str = "formulas") -> Formulas:
        """The choice named ``value``; ValidationError on ``field`` for any other."""
        try:
            return cls(value)
        except ValueError:
            allowed = ", ".join(f.value for f in cls)
            raise ValidationError.single(
                field, f"must be one of {allowed}, not {value!r}"
            ) from None


def escape_formula(cell: str) -> str:
    """``cell`` as a spreadsheet shows it as text: with a quote in front if needed."""
    return PREFIX + cell if _NEEDS_PREFIX.match(cell) else cell


def unescape_formula(cell: str) -> str:
    """The text :func:`escape_formula` was given for ``cell``."""
    return cell[1:] if _HAS_PREFIX.match(cell) else cell


__all__ = ["PREFIX", "TRIGGERS", "Formulas", "escape_formula", "unescape_formula"]
