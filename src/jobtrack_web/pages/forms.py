"""Reading forms: every field as text, empty ones as missing."""

from __future__ import annotations

from typing import Annotated, Any

from litestar.enums import RequestEncodingType
from litestar.params import Body

#: A handler's ``data: Form`` is the posted form, each field's text.
Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]


def text(form: dict[str, Any], name: str) -> str:
    """A field's text, as sent ("" if absent)."""
    value = form.get(name, "")
    if isinstance(value, list):
        value = value[0] if value else ""
    return value if isinstance(value, str) else ""


def optional(form: dict[str, Any], name: str) -> str | None:
    """A field's text, trimmed; None if empty."""
    value = text(form, name).strip()
    return value or None


def fields(form: dict[str, Any], *names: str) -> dict[str, str | None]:
    """The given fields (trimmed, None if empty) by name."""
    return {name: optional(form, name) for name in names}
