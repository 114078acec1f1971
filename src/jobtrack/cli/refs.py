"""Finding the customer or job a person means: a full id, a unique id prefix
(tables show the first 8 characters), or for customers their name (any case) or
the unique start of it."""

from __future__ import annotations

from collections.abc import Sequence

from jobtrack.cli.context import CliError, UsageError
from jobtrack.cli.output import short_id
from jobtrack_core.entities import Customer, Job
from jobtrack_core.errors import NotFoundError
from jobtrack_core.service import Workspace


def _given(kind: str, ref: str) -> str:
    ref = ref.strip()
    if not ref:
        raise UsageError(f"a {kind} id is required, not an empty string")
    return ref


def _one(kind: str, ref: str, matches: Sequence[Customer] | Sequence[Job]) -> None:
    if len(matches) > 1:
        shown = ", ".join(short_id(m.id) for m in matches[:5])
        more = ", ..." if len(matches) > 5 else ""
        raise CliError(
            f"{ref!r} matches {len(matches)} {kind}s ({shown}{more}); give more of the id"
        )
    if not matches:
        raise NotFoundError(kind, ref)


def customer(workspace: Workspace, ref: str) -> Customer:
    """The customer with id ``ref``, else id prefix ``ref``, else name ``ref`` (any case),
    else the one customer whose name starts with ``ref``."""
    ref = _given("customer", ref)
    try:
        return workspace.get_customer(ref)
    except NotFoundError:
        pass
    customers = workspace.list_customers()
    folded = ref.casefold()
    matches = [c for c in customers if c.id.startswith(ref)]
    if not matches:
        matches = [c for c in customers if c.name.casefold() == folded]
    if not matches:
        matches = [c for c in customers if c.name.casefold().startswith(folded)]
    _one("customer", ref, matches)
    return matches[0]


def job(workspace: Workspace, ref: str) -> Job:
    """The job with id ``ref`` or a unique id prefix ``ref``."""
    ref = _given("job", ref)
    try:
        return workspace.get_job(ref)
    except NotFoundError:
        pass
    matches = [j for j in workspace.list_jobs() if j.id.startswith(ref)]
    _one("job", ref, matches)
    return matches[0]
