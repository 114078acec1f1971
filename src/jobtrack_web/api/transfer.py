"""Export and import: the account's data as one ``jobtrack/5`` document, and such a
document read into the account.

``GET /api/export`` answers the document ``jobtrack export json`` writes, without the
password hash (``account.password_hash`` is null): it imports into any account, but
cannot restore one. ``POST /api/import`` takes such a document (or one of an older
format) as its body, and answers what the import did; like the command, it is all or
nothing and can be repeated without duplicating anything.
"""

from __future__ import annotations

import io
import json
from typing import Annotated, Any, cast

from litestar import Response, Router
from litestar.params import Body, Parameter

from jobtrack_interchange.document import ExportDocument
from jobtrack_interchange.export import export_json
from jobtrack_interchange.importer import import_document
from jobtrack_interchange.report import ImportReport, OnConflict
from jobtrack_web.api.verbs import get, post
from jobtrack_web.auth import SignedIn
from jobtrack_web.problems import responses


@get("/export")
def export(ws: SignedIn) -> Response[ExportDocument]:
    """All of the account's data: its profile, billing settings, customers, jobs,
    quotes, invoices, payments and history, as a ``jobtrack/5`` document (see the
    interchange's documentation), without the password hash."""
    out = io.StringIO()
    export_json(ws.app, ws.user_id, out, include_password_hash=False)
    document: dict[str, Any] = json.loads(out.getvalue())
    document["account"]["password_hash"] = None
    return cast("Response[ExportDocument]", Response(document))


@post("/import", status_code=200, responses=responses(409, 422), dto=None)
def import_export(
    ws: SignedIn,
    data: Annotated[
        dict[str, Any],
        Body(
            title="ExportDocumentBody",
            description=(
                "A document made by GET /api/export or `jobtrack export json` "
                "(format jobtrack/5, or an older jobtrack format)."
            ),
        ),
    ],
    on_conflict: Annotated[
        OnConflict,
        Parameter(
            description=(
                "When a record exists with other content: fail (nothing is written, 409), "
                "replace it with the document's, or keep the stored one."
            )
        ),
    ] = OnConflict.FAIL,
    dry_run: bool = Parameter(
        default=False, description="Check and report what would happen, but write nothing."
    ),
) -> ImportReport:
    """Import an export's customers, jobs, payments, quotes, invoices and billing
    settings into this account, with their ids, times and statuses as exported; the
    profile and password are left as they are. All or nothing: a bad document is a 422
    listing every problem, a clash with what is stored a 409 (with ``on_conflict=fail``),
    and nothing is written. Importing the same document again duplicates nothing."""
    return import_document(ws, data, on_conflict=on_conflict, dry_run=dry_run)


router = Router("/", route_handlers=[export, import_export], tags=["transfer"])
