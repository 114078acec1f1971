"""Pages of listings, by cursor: each page says where the next one starts."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from typing import TypeVar

from jobtrack_core.errors import ValidationError

T = TypeVar("T")

#: How many items a page holds unless the request says (``limit``), and at most.
DEFAULT_LIMIT = 50
MAX_LIMIT = 500


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
