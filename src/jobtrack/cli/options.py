"""Command-line options made from the core's commands: one option per field, named
after it (``estimated_cost`` is ``--estimated-cost``), with the field's own help.

A field added to :class:`~jobtrack_core.commands.NewJob` becomes an option of
``job add`` and ``job edit`` with nothing written here.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, cast

import attrs

from jobtrack.cli.parser import optional_date
from jobtrack_core import fields as f
from jobtrack_core.commands import Changes, Command

#: How a field's value is written on the command line, by the kind of its rule.
_METAVARS: tuple[tuple[type[f.Rule[Any]], str], ...] = (
    (f.Money, "AMOUNT"),
    (f.Day, "DATE"),
    (f.Email, "EMAIL"),
    (f.Text, "TEXT"),
    (f.TimeZone, "ZONE"),
    (f.Whole, "N"),
)


def _metavar(of: f.Rule[Any]) -> str:
    if isinstance(of, f.Choice):  # its values: cash|card|check
        return "|".join(str(c.value) for c in of.choices)
    return next((shown for kind, shown in _METAVARS if isinstance(of, kind)), "VALUE")


def _fields(command: type[Command]) -> tuple[attrs.Attribute[Any], ...]:
    found: tuple[attrs.Attribute[Any], ...] = attrs.fields(cast(Any, command))
    return found


def _kind(of: f.Rule[Any]) -> Callable[[str], Any] | None:
    """How an option's text is read: dates and whole numbers; other text as it is."""
    if isinstance(of, f.Day):
        return optional_date
    if isinstance(of, f.Whole):
        return _whole
    return None


def _whole(text: str) -> int | str:
    """A whole number, or the text itself (the field's rule then says what is wrong)."""
    return int(text) if text.strip().lstrip("-").isdigit() else text


def field_options(
    parser: argparse.ArgumentParser,
    command: type[Command],
    *,
    skip: Iterable[str] = (),
    only: Iterable[str] | None = None,
    clearable: bool = False,
    aliases: Mapping[str, Sequence[str]] | None = None,
    required: Iterable[str] = (),
) -> None:
    """Add an option for each field of ``command`` (``only`` these, if given) but
    ``skip``. With ``clearable`` (an edit), an empty value clears an optional field;
    the options of the fields named in ``required`` must be given."""
    needed = set(required)
    skipped = set(skip)
    chosen = None if only is None else set(only)
    for field in _fields(command):
        of = f.rule_of(field)
        if field.name in skipped or of is None or (chosen is not None and field.name not in chosen):
            continue
        help = str(field.metadata.get("help") or field.name.replace("_", " "))
        if clearable and of.optional:
            help += " (empty: clear it)"
        names = [f"--{field.name.replace('_', '-')}", *(aliases or {}).get(field.name, ())]
        parser.add_argument(
            *names,
            dest=field.name,
            metavar=_metavar(of),
            type=_kind(of) or str,
            help=help,
            required=field.name in needed,
        )


def options_of(changes: type[Changes]) -> str:
    """The options of the fields a change request may change, for messages.

    >>> from jobtrack_core.commands import CustomerChanges
    >>> options_of(CustomerChanges)
    '--name, --email, --phone, --address, --business-name, --notes'
    """
    return ", ".join(f"--{name.replace('_', '-')}" for name in changes.rules)


def given(args: argparse.Namespace, command: type[Command]) -> dict[str, Any]:
    """The fields of ``command`` given as options; an empty value stands for None."""
    values: dict[str, Any] = {}
    for field in _fields(command):
        value = getattr(args, field.name, None)
        if value is not None:
            values[field.name] = None if value == "" else value
    return values
