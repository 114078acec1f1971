"""Who is asking: the Bearer token of a login session, as a :class:`Workspace`.

``Authorization: Bearer <token>`` names the session a login opened; the workspace is
that session's user's, and everything the request does is scoped to it, so another
account's records are as missing (404) as records that never were.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.openapi.spec import Components, SecurityRequirement, SecurityScheme

from jobtrack_core.errors import SessionError
from jobtrack_core.service import Jobtrack
from jobtrack_core.workspace import Workspace

SCHEME = "bearer"
#: The OpenAPI description of the Bearer tokens, and the requirement of a route that needs one.
COMPONENTS = Components(
    security_schemes={
        SCHEME: SecurityScheme(
            type="http",
            scheme="bearer",
            description="The token a login returned (POST /api/sessions).",
        )
    }
)
SECURITY: list[SecurityRequirement] = [{SCHEME: []}]


def jobtrack_of(state: State) -> Jobtrack:
    """The application the server serves."""
    app: Jobtrack = state.jobtrack
    return app


def bearer_token(request: Request[Any, Any, Any]) -> str:
    """The request's Bearer token; :class:`SessionError` if there is none."""
    header = request.headers.get("authorization", "")
    kind, _, token = header.partition(" ")
    if kind.lower() != "bearer" or not token.strip():
        raise SessionError("unknown")
    return token.strip()


def provide_workspace(request: Request[Any, Any, Any]) -> Workspace:
    """The workspace of the request's session (a dependency of every route that needs one)."""
    return jobtrack_of(request.app.state).authenticate(bearer_token(request))


def provide_jobtrack(request: Request[Any, Any, Any]) -> Jobtrack:
    return jobtrack_of(request.app.state)


#: A handler's parameter ``ws: SignedIn`` is the workspace of the request's session.
SignedIn = NamedDependency[Workspace]
#: A handler's parameter ``jobtrack: Served`` is the application served.
Served = NamedDependency[Jobtrack]
