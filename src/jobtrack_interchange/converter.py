"""The one converter between jobtrack's records and JSON-ready data.

Every entity, every report and every other attrs class built from the same
field types goes through :data:`converter`:

- money and hours are decimal strings (``"12.50"``), never JSON numbers;
- datetimes are ISO 8601 with their offset (``"2025-07-06T09:00:00+00:00"``);
- dates are ISO dates (``"2025-07-06"``); statuses (and other enums) their value;
- sets become sorted lists, tuples become lists;
- a :class:`User` is shown as its public profile, without ``password_hash``;
  a :class:`LoginSession` without ``token_hash``.

Structuring is strict: text must be text, booleans booleans, money a decimal
string or an integer (a float is refused as inexact), datetimes must carry an
offset, unknown keys are refused. :func:`structure` turns every problem into
one :class:`ValidationError` listing every bad field by its path
(``customers[3].email``), never a raw cattrs error.

>>> from datetime import UTC, datetime
>>> from decimal import Decimal
>>> from jobtrack_core import Deleted
>>> unstructure(Deleted(customers=1, jobs=2))
{'users': 0, 'customers': 1, 'jobs': 2, 'sessions': 0, 'payments': 0, 'quotes': 0, 'invoices': 0}
>>> unstructure(Decimal("12.50")), unstructure(datetime(2025, 7, 6, 9, 0, tzinfo=UTC))
('12.50', '2025-07-06T09:00:00+00:00')
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable, Mapping, MutableSequence, Sequence
from collections.abc import Set as AbstractSet
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import IO, Any, TypeVar, get_args, get_origin

import attrs
import cattrs
from cattrs.cols import homogenous_tuple_structure_factory, list_structure_factory
from cattrs.errors import (
    BaseValidationError,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
)
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from jobtrack_core import fields as f
from jobtrack_core.commands import Changes, Command
from jobtrack_core.entities import LoginSession, Record, User
from jobtrack_core.errors import FieldError, ValidationError
from jobtrack_interchange.document import FORMAT

T = TypeVar("T")


class InvalidValue(ValueError):
    """A value a structure hook refused; its message is shown to the caller as it is."""


json_type = f.json_type


# -- scalar hooks ---------------------------------------------------------------
def _structure_str(value: object, _: object) -> str:
    if not isinstance(value, str):
        raise InvalidValue(f"must be text, not {json_type(value)}")
    return value


def _structure_bool(value: object, _: object) -> bool:
    if not isinstance(value, bool):
        raise InvalidValue(f"must be true or false, not {json_type(value)}")
    return value


def _structure_int(value: object, _: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidValue(f"must be a whole number, not {json_type(value)}")
    return value


def _structure_decimal(value: object, _: object) -> Decimal:
    if isinstance(value, (bool, float)):
        raise InvalidValue(
            f'must be a decimal string such as "12.50", not {json_type(value)} '
            "(binary floating point is inexact)"
        )
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, str):
        try:
            amount = Decimal(value.strip())
        except InvalidOperation:
            raise InvalidValue(f"{value!r} is not a decimal number") from None
    else:
        raise InvalidValue(f'must be a decimal string such as "12.50", not {json_type(value)}')
    if not amount.is_finite():
        raise InvalidValue("must be a finite number")
    return amount


def _unstructure_decimal(value: Decimal) -> str:
    return format(value, "f")


def _by_rule(of: f.Rule[Any]) -> Callable[[object, object], Any]:
    """A structure hook that cleans a value by a field rule of the core."""

    def structure_by_rule(value: object, _: object) -> Any:
        try:
            return of.clean(value)
        except f.Problem as problem:
            raise InvalidValue(str(problem)) from None

    return structure_by_rule


def _structure_enum(value: object, type_: type[enum.Enum]) -> enum.Enum:
    if isinstance(value, type_):
        return value
    if isinstance(value, str | int) and not isinstance(value, bool):
        try:
            return type_(value)
        except ValueError:
            pass
    allowed = ", ".join(str(member.value) for member in type_)
    raise InvalidValue(f"{value!r} is not one of {allowed}")


def _unstructure_enum(value: enum.Enum) -> Any:
    return value.value


def _sorted_list(items: Any) -> list[Any]:
    values = list(items)
    try:
        return sorted(values)
    except TypeError:
        return sorted(values, key=repr)


# -- containers -------------------------------------------------------------------
def _is_strict_sequence(type_: Any) -> bool:
    origin = get_origin(type_)
    if origin in (list, Sequence, MutableSequence):
        return True
    args = get_args(type_)
    return origin is tuple and len(args) == 2 and args[1] is Ellipsis


def _strict_sequence_factory(type_: Any, conv: cattrs.Converter) -> Callable[[Any, Any], Any]:
    if get_origin(type_) is tuple:
        inner = homogenous_tuple_structure_factory(type_, conv)
    else:
        inner = list_structure_factory(type_, conv)

    def structure_sequence(value: Any, cls: Any) -> Any:
        if not isinstance(value, list | tuple):
            raise InvalidValue(f"must be a list, not {json_type(value)}")
        return inner(value, cls)

    return structure_sequence


def _attrs_structure_factory(type_: Any, conv: cattrs.Converter) -> Callable[[Any, Any], Any]:
    inner = make_dict_structure_fn(
        type_, conv, _cattrs_forbid_extra_keys=True, _cattrs_detailed_validation=True
    )

    def structure_record(value: Any, cls: Any) -> Any:
        if not isinstance(value, Mapping):
            raise InvalidValue(f"must be an object, not {json_type(value)}")
        return inner(value, cls)

    return structure_record


def _is_checked(type_: Any) -> bool:
    """Records, commands and change requests: classes whose fields name their rules."""
    return isinstance(type_, type) and issubclass(type_, Record | Command | Changes)


def _parse(value: Any, cls: Any) -> Any:
    if not isinstance(value, Mapping):
        raise InvalidValue(f"must be an object, not {json_type(value)}")
    return cls.parse(value)


#: Fields the converter never writes: secrets kept only in the store.
OMITTED: Mapping[type, frozenset[str]] = {
    User: frozenset({"password_hash"}),
    LoginSession: frozenset({"token_hash"}),
}


def make_converter() -> cattrs.Converter:
    """A new converter configured like :data:`converter`, for callers that add hooks of
    their own without touching the shared one."""
    conv = cattrs.Converter(
        forbid_extra_keys=True,
        detailed_validation=True,
        unstruct_collection_overrides={AbstractSet: _sorted_list, Sequence: list, tuple: list},
    )
    conv.register_structure_hook(str, _structure_str)
    conv.register_structure_hook(bool, _structure_bool)
    conv.register_structure_hook(int, _structure_int)
    conv.register_structure_hook(Decimal, _structure_decimal)
    conv.register_unstructure_hook(Decimal, _unstructure_decimal)
    conv.register_structure_hook(datetime, _by_rule(f.INSTANT))
    conv.register_unstructure_hook(datetime, datetime.isoformat)
    conv.register_structure_hook(date, _by_rule(f.DAY.but(optional=False)))
    conv.register_unstructure_hook(date, date.isoformat)
    # Enums are registered by class (not by predicate) so that they win over the
    # str and int hooks, which a StrEnum or IntEnum would otherwise inherit.
    for base in (enum.Enum, enum.StrEnum, enum.IntEnum):
        conv.register_structure_hook(base, _structure_enum)
        conv.register_unstructure_hook(base, _unstructure_enum)
    conv.register_structure_hook_factory(_is_strict_sequence, _strict_sequence_factory)
    conv.register_structure_hook_factory(attrs.has, _attrs_structure_factory)
    conv.register_structure_hook_func(_is_checked, _parse)
    conv.register_unstructure_hook(Changes, lambda changes: conv.unstructure(changes.given()))
    for cls, secrets in OMITTED.items():
        omit: dict[str, Any] = {name: override(omit=True) for name in secrets}
        conv.register_unstructure_hook(cls, make_dict_unstructure_fn(cls, conv, **omit))
    return conv


#: The shared converter. Prefer :func:`structure` and :func:`unstructure` over
#: calling it directly: they turn structuring problems into ValidationError.
converter = make_converter()


# -- errors ---------------------------------------------------------------------------
def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _leaf(exc: BaseException, path: str, out: list[FieldError]) -> None:
    where = path or "body"
    if isinstance(exc, ForbiddenExtraKeysError):
        for name in sorted(exc.extra_fields):
            out.append(FieldError(_join(path, name), "is not a known field"))
    elif isinstance(exc, KeyError):
        out.append(FieldError(where, "is required"))
    elif isinstance(exc, InvalidValue):
        out.append(FieldError(where, str(exc)))
    elif isinstance(exc, ValidationError):
        out.extend(FieldError(_join(path, e.field), e.message) for e in exc.errors)
    else:
        out.append(FieldError(where, f"is not valid ({type(exc).__name__}: {exc})"))


def _walk(exc: BaseException, path: str, out: list[FieldError]) -> None:
    if isinstance(exc, IterableValidationError):
        with_notes, without = exc.group_exceptions()
        for sub, inote in with_notes:
            _walk(sub, f"{path}[{inote.index!r}]", out)
        for sub in without:
            _walk(sub, path, out)
    elif isinstance(exc, ClassValidationError):
        with_cnotes, without = exc.group_exceptions()
        for sub, cnote in with_cnotes:
            _walk(sub, _join(path, cnote.name), out)
        for sub in without:
            _walk(sub, path, out)
    elif isinstance(exc, BaseValidationError):
        for sub in exc.exceptions:
            _walk(sub, path, out)
    else:
        _leaf(exc, path, out)


def field_errors(exc: BaseException, path: str = "") -> list[FieldError]:
    """Every bad field in a structuring error, each named by its path from ``path``."""
    out: list[FieldError] = []
    _walk(exc, path, out)
    return out


def structure(data: object, cls: type[T], *, path: str = "") -> T:
    """Build ``cls`` from JSON-ready ``data``, or raise ValidationError listing every bad field.

    Records and commands are built by their own ``parse``, so every field is
    checked by its rule (:mod:`jobtrack_core.fields`). ``path`` prefixes the field
    names in errors (``"customers[0]"``).
    """
    try:
        return converter.structure(data, cls)
    except Exception as exc:  # every structuring problem becomes a FieldError
        raise ValidationError(field_errors(exc, path)) from None


def unstructure(obj: object, unstructure_as: Any = None) -> Any:
    """``obj`` as JSON-ready data (dicts, lists, text, numbers, booleans, null)."""
    return converter.unstructure(obj, unstructure_as=unstructure_as)


def read_json(
    source: str | bytes | IO[str] | IO[bytes],
    field: str,
    *,
    parse_float: Callable[[str], Any] | None = None,
) -> Any:
    """Parse JSON text (or all of a stream); every way it can fail is a ValidationError
    on ``field``: not UTF-8, not JSON, or nested deeper than Python's parser can follow
    (a RecursionError inside :mod:`json`)."""
    try:
        text = source if isinstance(source, str | bytes) else source.read()
        return json.loads(text, parse_float=parse_float)
    except RecursionError:
        raise ValidationError.single(
            field, "is nested too deeply (lists and objects within each other) to be read"
        ) from None
    except ValueError as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise ValidationError.single(field, f"is not valid JSON ({exc})") from None


def loads(text: str | bytes) -> Any:
    """Parse JSON reading every number with a fraction as an exact Decimal, never a float.

    Use it for bodies that may carry money as JSON numbers; :func:`structure`
    then accepts them exactly as written. Malformed JSON, or JSON nested too
    deeply to read, raises ValidationError on ``body``.
    """
    return read_json(text, "body", parse_float=Decimal)


def dumps(obj: object, **kwargs: Any) -> str:
    """``obj`` as JSON text, through :func:`unstructure`."""
    kwargs.setdefault("ensure_ascii", False)
    return json.dumps(unstructure(obj), **kwargs)


__all__ = [
    "FORMAT",
    "InvalidValue",
    "converter",
    "dumps",
    "field_errors",
    "json_type",
    "loads",
    "make_converter",
    "read_json",
    "structure",
    "unstructure",
]
