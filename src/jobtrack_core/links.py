"""Deep links: the small JSON payloads that QR codes carry.

MyJobTrack put ``{"type": "customer" | "job", "id": ...}`` into the QR codes it
printed for customers and jobs. jobtrack writes the same payload, so codes
printed by the original keep working, and reads it back owner-scoped: a link
to another user's record resolves exactly like a link to no record.

>>> from jobtrack_core.links import Link, encode_link, parse_link
>>> text = encode_link(Link("job", "j-1"))
>>> text
'{"type":"job","id":"j-1"}'
>>> parse_link(text)
Link(type='job', id='j-1')
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Literal, cast

import attrs

from jobtrack_core import fields as f
from jobtrack_core.entities import Customer, Job
from jobtrack_core.errors import FieldError, ValidationError

if TYPE_CHECKING:
    from jobtrack_core.service import Workspace

LinkType = Literal["customer", "job"]
LINK_TYPES: tuple[LinkType, ...] = ("customer", "job")
#: The longest payload accepted, in characters: more than a QR code holds.
MAX_LINK_LENGTH = 4096
#: The longest id accepted in a link: the longest id (see :mod:`jobtrack_core.fields`).
MAX_ID_LENGTH = f.MAX_ID_LENGTH


@attrs.frozen
class Link:
    """What a deep link points at: a record kind and its id."""

    type: LinkType
    id: str


def link_to(entity: Customer | Job) -> Link:
    """The link that points at ``entity``."""
    if isinstance(entity, Customer):
        return Link("customer", entity.id)
    if isinstance(entity, Job):
        return Link("job", entity.id)
    raise TypeError(f"only customers and jobs have links, not {type(entity).__name__}")


def encode_link(target: Customer | Job | Link) -> str:
    """The compact JSON payload for ``target``: ``{"type":"customer","id":"..."}``."""
    link = target if isinstance(target, Link) else link_to(target)
    return json.dumps({"type": link.type, "id": link.id}, separators=(",", ":"), ensure_ascii=False)


def parse_link(text: str | bytes) -> Link:
    """Read a payload back, refusing anything that is not a well-formed link.

    Extra keys are ignored (the original added some, e.g. a name). A numeric id,
    as the original's web app sometimes wrote, is read as its decimal text.
    Raises :class:`ValidationError` naming what is wrong.
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError.single("link", "is not UTF-8 text") from None
    if not isinstance(text, str):
        raise ValidationError.single("link", f"must be text, not {type(text).__name__}")
    if len(text) > MAX_LINK_LENGTH:
        raise ValidationError.single("link", f"must be at most {MAX_LINK_LENGTH} characters")
    try:
        payload = json.loads(text)
    except (ValueError, RecursionError):
        raise ValidationError.single("link", "is not a JSON object") from None
    if not isinstance(payload, dict):
        raise ValidationError.single("link", "is not a JSON object")
    errors: list[FieldError] = []
    kind = payload.get("type")
    if kind not in LINK_TYPES:
        errors.append(FieldError("type", f"must be one of {', '.join(LINK_TYPES)}, not {kind!r}"))
    raw_id = payload.get("id")
    if isinstance(raw_id, int) and not isinstance(raw_id, bool):
        raw_id = str(raw_id)  # the original's web app wrote some ids as numbers
    elif isinstance(raw_id, str):
        raw_id = raw_id.strip()
    link_id = None
    try:
        link_id = f.ID.clean(raw_id)
    except f.Problem as problem:
        errors.append(FieldError("id", str(problem)))
    if errors:
        raise ValidationError(errors)
    assert link_id is not None
    return Link(cast(LinkType, kind), link_id)


def resolve_link(workspace: Workspace, link: str | bytes | Link) -> Customer | Job:
    """The customer or job a link points at, as seen by ``workspace``'s user.

    Raises :class:`NotFoundError` when the record does not exist or belongs to
    another user (the two cases are indistinguishable), and
    :class:`ValidationError` when the payload is malformed.
    """
    target = link if isinstance(link, Link) else parse_link(link)
    if target.type == "customer":
        return workspace.get_customer(target.id)
    return workspace.get_job(target.id)


__all__ = [
    "LINK_TYPES",
    "MAX_ID_LENGTH",
    "MAX_LINK_LENGTH",
    "Link",
    "LinkType",
    "encode_link",
    "link_to",
    "parse_link",
    "resolve_link",
]
