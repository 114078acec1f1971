"""Pages of listings, by cursor: each page says where the next one starts."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from typing import TypeVar

from litestar.params import Parameter

from jobtrack_core.errors import ValidationError

T = TypeVar("T")

#: How many items a page holds unless the request says (``limit``), and at most.
DEFAULT_LIMIT = 50
MAX_LIMIT = 500


def limit_parameter(default: int = DEFAULT_LIMIT, most: int = MAX_LIMIT) -> int:
    """The ``limit`` query parameter of a listing: how many items a page holds."""
    found: int = Parameter(default=default, ge=1, le=most, description="How many to show at most.")
    return found


def after_parameter() -> str | None:
    """The ``after`` query parameter of a listing: where its page starts."""
    found: str | None = Parameter(
        default=None,
        max_length=1000,
        description="The cursor of the page to show (a page's `next`).",
    )
    return found


def encode(key: str) -> str:
    return base64.urlsafe_b64encode(key.encode()).decode().rstrip("=")


def decode(cursor: str) -> str:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        return base64.b64decode(padded, altchars=b"-_", validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ValidationError.single("after", "is not a cursor this API gave") from None


def page(
    items: Sequence[T], key: Callable[[T], str], limit: int, after: str | None
) -> tuple[list[T], str | None]:
    """The items after the cursor ``after``, at most ``limit``, in ``key`` order, and the
    cursor of the next page (``None`` when this page is the last).

    The cursor holds the last item's key, so a page never repeats or skips an item
    because others were added or removed before it.
    """
    ordered = sorted(items, key=key)
    if after is not None:
        start = decode(after)
        ordered = [item for item in ordered if key(item) > start]
    shown = ordered[:limit]
    more = len(ordered) > limit
    return shown, encode(key(shown[-1])) if more and shown else None
