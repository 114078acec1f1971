"""Versions over HTTP: a record's ``version`` is its ``ETag``; ``If-Match`` is ``if_version``.

A write that names a version gone by changes nothing and answers ``412 Precondition
Failed``; a write without ``If-Match`` applies to what is there, as in the library.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from litestar import Request, Response
from litestar.datastructures import ResponseHeader

from jobtrack_core.errors import ValidationError

_TAG = re.compile(r'^\s*(?:W/)?"([0-9]{1,10})"\s*$')

#: The OpenAPI description of the ETag header of a record's response.
ETAG = ResponseHeader(
    name="ETag", description='The record\'s version, quoted: "3".', documentation_only=True
)


def etag(version: int) -> str:
    return f'"{version}"'


def if_version(request: Request[Any, Any, Any]) -> int | None:
    """The version ``If-Match`` names; None without the header (or with ``*``)."""
    given = request.headers.get("if-match")
    if given is None or given.strip() == "*":
        return None
    found = _TAG.match(given)
    if found is None:
        raise ValidationError.single("If-Match", 'must be a record\'s ETag, such as "3"')
    return int(found.group(1))


def uri(location: str, record_id: str | None = None) -> str:
    """``location`` as a URI reference: percent-encoded, and the record's id (the last
    segment, as a client may have chosen it: ``"a/b"``, ``"ü"``) as one segment.

    >>> uri("/api/customers/c-ü/1", "c-ü/1")
    '/api/customers/c-%C3%BC%2F1'
    """
    if record_id and location.endswith("/" + record_id):
        head = location[: -len(record_id)]
        return quote(head, safe="/") + quote(record_id, safe="")
    return quote(location, safe="/")


def tagged(record: Any, status_code: int = 200, location: str | None = None) -> Response[Any]:
    """``record`` with its version as the ``ETag`` (and where it lives, for a create)."""
    headers = {"etag": etag(record.version)}
    if location is not None:
        headers["location"] = uri(location, getattr(record, "id", None))
    return Response(record, status_code=status_code, headers=headers)
