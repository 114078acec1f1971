"""Errors as RFC 9457 problem details (``application/problem+json``).

Every error of jobtrack's maps to one status, and its body says what went wrong in the
same words the library uses, with every bad field listed:

==============================  ======  =========================================
error                           status  when
==============================  ======  =========================================
ValidationError                 422     a field is bad (each one is in ``errors``)
AuthenticationError             401     no token, an unknown, expired or revoked one
                                        (a login that fails says the same)
NotFoundError                   404     missing, or another account's (the same)
VersionConflict                 412     ``If-Match`` names a version gone by
ConflictError                   409     a clash with what is stored (an email taken)
InvalidTransitionError          409     a job cannot move from its status
ResyncNeeded                    410     a change feed's cursor is older than history
RetryableError                  503     the store is busy: try again (``Retry-After``)
anything else                   500     never with a trace: ``detail`` says only that
==============================  ======  =========================================
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

import attrs
from litestar import Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from jobtrack_core.errors import (
    AuthenticationError,
    ConflictError,
    FieldError,
    InvalidTransitionError,
    JobtrackError,
    NotFoundError,
    ResyncNeeded,
    RetryableError,
    ValidationError,
    VersionConflict,
)
from jobtrack_interchange.converter import unstructure

log = logging.getLogger("jobtrack_web")

PROBLEM_JSON = "application/problem+json"


@attrs.frozen
class FieldProblem:
    """One bad field of a request: where it is (``lines[2].quantity``) and what is wrong."""

    field: str
    message: str


@attrs.frozen
class Problem:
    """An RFC 9457 problem: ``type`` names the kind of error, ``title`` says it in words,
    ``detail`` says what happened here; ``errors`` lists every bad field."""

    type: str
    title: str
    status: int
    detail: str
    errors: tuple[FieldProblem, ...] = ()


TITLES: Mapping[int, tuple[str, str]] = {
    400: ("bad-request", "The request cannot be read"),
    401: ("unauthenticated", "Log in first"),
    403: ("forbidden", "Not allowed"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    409: ("conflict", "Conflict with what is stored"),
    410: ("resync-needed", "Start again from nothing"),
    412: ("version-conflict", "The record changed since it was read"),
    413: ("too-large", "The request body is too large"),
    415: ("unsupported-media-type", "Send JSON"),
    422: ("invalid", "Some fields are not valid"),
    428: ("precondition-required", "Say which version you change"),
    429: ("too-many-requests", "Too many attempts: wait and try again"),
    503: ("unavailable", "Busy: try again"),
    500: ("internal", "Something went wrong on the server"),
}


def problem(
    status: int, detail: str, errors: tuple[FieldError, ...] = (), **headers: str
) -> Response[Any]:
    """A problem response of ``status``."""
    kind, title = TITLES.get(status, ("error", "Error"))
    body = Problem(
        type=f"https://jobtrack.dev/problems/{kind}",
        title=title,
        status=status,
        detail=detail,
        errors=tuple(FieldProblem(e.field, e.message) for e in errors),
    )
    return Response(
        unstructure(body), status_code=status, media_type=PROBLEM_JSON, headers=headers or None
    )


def status_of(exc: JobtrackError) -> int:
    """The HTTP status of one of jobtrack's errors."""
    if isinstance(exc, ValidationError):
        return 422
    if isinstance(exc, AuthenticationError):
        return 401
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, VersionConflict):
        return 412
    if isinstance(exc, ConflictError | InvalidTransitionError):
        return 409
    if isinstance(exc, ResyncNeeded):
        return 410
    if isinstance(exc, RetryableError):
        return 503
    return 500


def jobtrack_error(request: Request[Any, Any, Any], exc: JobtrackError) -> Response[Any]:
    status = status_of(exc)
    if status == 500:
        return internal_error(request, exc)
    errors = exc.errors if isinstance(exc, ValidationError) else ()
    if isinstance(exc, ConflictError):
        errors = (FieldError(exc.field, exc.message),)
    headers: dict[str, str] = {}
    if status == 401:
        headers["www-authenticate"] = 'Bearer realm="jobtrack"'
    if status == 503:
        headers["retry-after"] = "1"
    return problem(status, str(exc), errors, **headers)


#: How Litestar says a required parameter was not sent (a 422 on that field here).
_MISSING = re.compile(r"^Missing required \w+ parameter '([^']+)'")


def http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    """Litestar's own errors (no route, a bad query parameter, a body too large) as problems."""
    status = exc.status_code
    if status >= 500:
        return internal_error(request, exc)
    errors: tuple[FieldError, ...] = ()
    if isinstance(exc, ValidationException) and isinstance(exc.extra, list):
        errors = tuple(
            FieldError(str(item.get("key", "query")), str(item.get("message", "is not valid")))
            for item in exc.extra
            if isinstance(item, dict)
        )
        status = 422 if errors else 400
    elif isinstance(exc, ValidationException) and (missing := _MISSING.match(str(exc.detail))):
        errors = (FieldError(missing.group(1), "is required"),)
        status = 422
    headers = dict(exc.headers or {})
    if isinstance(exc, NotAuthorizedException):
        headers.setdefault("www-authenticate", 'Bearer realm="jobtrack"')
    return problem(status, str(exc.detail), errors, **headers)


def internal_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """A 500: the trace goes to the server's log, never to the client."""
    log.error("error in %s %s", request.method, request.url.path, exc_info=exc)
    return problem(HTTP_500_INTERNAL_SERVER_ERROR, "The error was logged on the server.")


HANDLERS: Mapping[Any, Any] = {
    JobtrackError: jobtrack_error,
    HTTPException: http_error,
    Exception: internal_error,
}


def responses(*statuses: int) -> dict[int, ResponseSpec]:
    """The OpenAPI description of the problems a route may answer with."""
    return {
        status: ResponseSpec(
            data_container=Problem, description=TITLES[status][1], media_type=PROBLEM_JSON
        )
        for status in statuses
    }
