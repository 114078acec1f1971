"""JSON-ready data for ``--json``, through the interchange converter, so the command
line prints exactly the shape a frontend gets: money as decimal strings, times as
ISO 8601 with offset, statuses as their names, no password or token hashes.

>>> from decimal import Decimal
>>> to_data({"total": Decimal("12.50")})
{'total': '12.50'}
"""

from __future__ import annotations

from typing import Any


def to_data(value: object) -> Any:
    """``value`` (entities, reports, lists and dicts of them) as JSON-ready data."""
    from jobtrack_interchange.converter import unstructure  # only when JSON is asked for

    return unstructure(value)
