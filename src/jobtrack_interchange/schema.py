"""JSON Schema (2020-12, as OpenAPI 3.1 uses) of the shapes :data:`converter` reads and writes.

The shapes are declared once, by the records, commands and reports themselves: their
attrs fields and the rule each field follows (:mod:`jobtrack_core.fields`). This module
reads those declarations the way the converter does, so the schema of a shape says what
the converter writes (a response) or accepts (a request):

- money, hours, quantities and rates are decimal strings (a request may also send a whole
  number); dates and datetimes are ISO 8601 strings; enums are their values;
- a field whose rule is optional, or whose type admits ``None``, may be ``null``;
- a request refuses unknown keys (``additionalProperties: false``);
- a change request (:class:`~jobtrack_core.commands.Changes`) has no required field: what
  is left out is not changed, ``null`` clears an optional field.

>>> from jobtrack_core.commands import NewCustomer
>>> from jobtrack_core.entities import User
>>> shapes = Schemas()
>>> shapes.ref(NewCustomer)
{'$ref': '#/components/schemas/NewCustomer'}
>>> name = shapes.components["NewCustomer"]["properties"]["name"]
>>> name["type"], name["minLength"], name["maxLength"], name["description"]
('string', 1, 200, "the customer's name")
>>> print(name["pattern"])  # some character other than white space
\\S
>>> "password_hash" in Schemas().component(User)["properties"]
False
"""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import attrs

from jobtrack_core import fields as f
from jobtrack_core.commands import Changes, Command, LineRequest, LineRequests, _Ids
from jobtrack_core.documents import MAX_LINES, Records
from jobtrack_interchange.converter import OMITTED

JSON = dict[str, Any]

#: A decimal string as the converter writes it: ``"12.50"``, ``"-3.000"``.
DECIMAL_PATTERN = r"^-?[0-9]+(\.[0-9]+)?$"


def _nullable(schema: JSON) -> JSON:
    if "$ref" in schema or "enum" in schema or "type" not in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    return {**schema, "type": [*kinds, "null"]}


def _decimal(places: int | None, *, request: bool) -> JSON:
    pattern = DECIMAL_PATTERN if places is None else rf"^-?[0-9]+\.[0-9]{{{places}}}$"
    if request:
        # A request may send a whole number or a decimal string with fewer places.
        return {"type": ["string", "integer"], "pattern": DECIMAL_PATTERN}
    return {"type": "string", "pattern": pattern}


def rule_schema(of: f.Rule[Any], *, request: bool) -> JSON:
    """The schema of a value following ``of`` (not counting ``None``)."""
    if isinstance(of, f.Email):
        return {"type": "string", "format": "email", "maxLength": of.limit}
    if isinstance(of, f.Text):
        if request and not of.optional:
            # Trimmed, it must not be empty: some character other than white space.
            return {"type": "string", "minLength": 1, "maxLength": of.limit, "pattern": r"\S"}
        return {"type": "string", "maxLength": of.limit}
    if isinstance(of, f.Id):
        return {"type": "string", "minLength": 1, "maxLength": f.MAX_ID_LENGTH}
    if isinstance(of, f.Money):
        return _decimal(2, request=request)
    if isinstance(of, f.Exact):
        return _decimal(of.places, request=request)
    if isinstance(of, f.Day):
        return {"type": "string", "format": "date"}
    if isinstance(of, f.Instant):
        return {"type": "string", "format": "date-time"}
    if isinstance(of, f.Flag):
        return {"type": "boolean"}
    if isinstance(of, f.Whole):
        return {"type": "integer", "minimum": of.low, "maximum": of.high}
    if isinstance(of, f.Choice):
        return {"type": "string", "enum": [choice.value for choice in of.choices]}
    if isinstance(of, f.Currency):
        return {"type": "string", "pattern": "^[A-Za-z]{3}$"}
    if isinstance(of, f.Password):
        return {
            "type": "string",
            "minLength": f.MIN_PASSWORD_LENGTH,
            "maxLength": f.MAX_PASSWORD_LENGTH,
        }
    return {"type": "string"}


class Schemas:
    """The named schemas met so far (:attr:`components`) and references to them."""

    def __init__(self) -> None:
        self.components: dict[str, JSON] = {}
        self._names: dict[type, str] = {}

    def ref(self, cls: type) -> JSON:
        """A ``$ref`` to the schema of ``cls``, adding it (and what it holds) if new."""
        return {"$ref": f"#/components/schemas/{self.name(cls)}"}

    def name(self, cls: type) -> str:
        """The component name of ``cls``, adding its schema if it is new."""
        if cls not in self._names:
            name = cls.__name__
            if name in self.components:
                name = f"{cls.__module__.rsplit('.', 1)[-1]}.{name}"
            self._names[cls] = name
            self.components[name] = {}  # reserved: a shape may refer to itself
            self.components[name] = self.component(cls)
        return self._names[cls]

    def component(self, cls: type, *, request: bool | None = None) -> JSON:
        """The schema of an attrs class, a command or a change request; ``request`` says
        whether it is read from a caller (a command is; a record is unless told)."""
        if isinstance(cls, type) and issubclass(cls, Changes):
            return self._changes(cls)
        if request is None:
            request = isinstance(cls, type) and issubclass(cls, Command)
        hints = typing.get_type_hints(cls)
        properties: JSON = {}
        required: list[str] = []
        omitted = OMITTED.get(cls, frozenset())
        for field in attrs.fields(cls):  # type: ignore[arg-type]
            if field.name in omitted or field.name.startswith("_"):
                continue
            of = f.rule_of(field)
            if of is not None:
                schema = self.of_rule(of, request=request)
                if of.optional:
                    schema = _nullable(schema)
            else:
                schema = self.of_type(hints[field.name], request=request)
            if help := field.metadata.get("help"):
                schema = {**schema, "description": help}
            properties[field.name] = schema
            if not request or field.default is attrs.NOTHING:
                required.append(field.name)
        shape: JSON = {"type": "object", "properties": properties}
        if required:
            shape["required"] = required
        if request:
            shape["additionalProperties"] = False
        if cls.__doc__:
            shape["description"] = cls.__doc__.strip().split("\n\n")[0]
        return shape

    def of_rule(self, of: f.Rule[Any], *, request: bool) -> JSON:
        """The schema of a value following ``of`` (not counting ``None``): a list of
        records (a document's lines, tax rates) refers to the schema of its items, or holds
        it in a request (which reads each record as given, ``"20"`` as a rate)."""
        if isinstance(of, Records):
            item = self.component(of.of, request=True) if request else self.ref(of.of)
            return {"type": "array", "items": item, "maxItems": of.limit}
        if isinstance(of, LineRequests):
            return {"type": "array", "items": self.ref(LineRequest), "maxItems": MAX_LINES}
        if isinstance(of, _Ids):
            item = rule_schema(f.ID, request=request)
            return {"type": "array", "items": item, "maxItems": MAX_LINES}
        return rule_schema(of, request=request)

    def _changes(self, cls: type[Changes]) -> JSON:
        properties: JSON = {}
        for name, of in cls.rules.items():
            schema = self.of_rule(of, request=True)
            properties[name] = _nullable(schema) if of.optional else schema
        shape: JSON = {"type": "object", "properties": properties, "additionalProperties": False}
        if cls.__doc__:
            shape["description"] = cls.__doc__.strip().split("\n\n")[0]
        return shape

    def of_type(self, hint: Any, *, request: bool = False) -> JSON:
        """The schema of a value of type ``hint``, as the converter writes it."""
        origin = typing.get_origin(hint)
        args = typing.get_args(hint)
        if origin in (typing.Union, types.UnionType):
            rest = [arg for arg in args if arg is not type(None)]
            inner = (
                self.of_type(rest[0], request=request)
                if len(rest) == 1
                else {"anyOf": [self.of_type(arg, request=request) for arg in rest]}
            )
            return _nullable(inner) if len(rest) < len(args) else inner
        if origin is typing.Literal:
            return {"enum": list(args)}
        if origin is tuple and args and args[-1] is not Ellipsis:
            # A pair (or any fixed length): each place has its own type.
            return {
                "type": "array",
                "prefixItems": [self.of_type(arg, request=request) for arg in args],
                "items": False,
                "minItems": len(args),
                "maxItems": len(args),
            }
        if origin in (tuple, list, Sequence, AbstractSet, set, frozenset):
            item = args[0] if args else Any
            return {"type": "array", "items": self.of_type(item, request=request)}
        if origin in (dict, Mapping):
            value = args[1] if len(args) == 2 else Any
            return {
                "type": "object",
                "additionalProperties": self.of_type(value, request=request),
            }
        if hint is bool:
            return {"type": "boolean"}
        if hint is int:
            return {"type": "integer"}
        if hint is str:
            return {"type": "string"}
        if hint is Decimal:
            return _decimal(None, request=request)
        if hint is datetime:
            return {"type": "string", "format": "date-time"}
        if hint is date:
            return {"type": "string", "format": "date"}
        if isinstance(hint, type) and issubclass(hint, enum.Enum):
            return {"enum": [member.value for member in hint]}
        if isinstance(hint, type) and (attrs.has(hint) or issubclass(hint, Changes)):
            return self.ref(hint)
        return {}
