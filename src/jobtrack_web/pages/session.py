"""The web app's login, forms and errors: the session cookie, the forms' CSRF tokens,
the signed-in workspace of a page, and errors as pages.

A login sets the cookie ``jobtrack_session`` to the session's token (HttpOnly,
SameSite=Strict, Secure over https): the same token the API takes as a Bearer token.
Every form carries a token tied to it, ``HMAC(session token, "jobtrack form")``; a form
sent before login is tied to a random cookie of its own instead. A POST without the
right token is refused (403) before its handler runs.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, StrictUndefined
from litestar import Request, Response
from litestar.datastructures import Cookie
from litestar.exceptions import HTTPException
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect, Template
from litestar.template import TemplateConfig

from jobtrack_core.errors import (
    AuthenticationError,
    FieldError,
    JobtrackError,
    NotFoundError,
    SessionError,
)
from jobtrack_core.workspace import Workspace
from jobtrack_web.auth import jobtrack_of
from jobtrack_web.pages.formats import FILTERS
from jobtrack_web.problems import TITLES, status_of

log = logging.getLogger("jobtrack_web")

#: The cookie holding the login token.
SESSION_COOKIE = "jobtrack_session"
#: The cookie a form sent before login is tied to.
FORM_COOKIE = "jobtrack_form"
#: The form field holding the CSRF token.
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def environment() -> Environment:
    """The templates' Jinja2 environment: HTML-escaped, and strict about missing names."""
    env = Environment(
        loader=PackageLoader("jobtrack_web.pages", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS)
    return env


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    """The web app's templates (for :class:`litestar.Litestar`'s ``template_config``)."""
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(environment()))


# -- cookies --------------------------------------------------------------------------
def _cookie(request: Request[Any, Any, Any], key: str, value: str, **given: Any) -> Cookie:
    return Cookie(
        key=key,
        value=value,
        path="/",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        **given,
    )


def session_cookie(request: Request[Any, Any, Any], token: str) -> Cookie:
    """The cookie a login sets: its token, for this browser session."""
    return _cookie(request, SESSION_COOKIE, token)


def cleared(request: Request[Any, Any, Any], key: str = SESSION_COOKIE) -> Cookie:
    """A cookie that removes ``key`` from the browser."""
    return _cookie(request, key, "", max_age=0, expires=0)


# -- CSRF -----------------------------------------------------------------------------
def _form_key(request: Request[Any, Any, Any]) -> str | None:
    key = request.cookies.get(SESSION_COOKIE) or request.cookies.get(FORM_COOKIE)
    made: str | None = request.state.get("new_form_key")
    return key or made


def csrf_token(request: Request[Any, Any, Any]) -> str:
    """The token the forms of this page carry (a new form cookie is made if needed)."""
    key = _form_key(request)
    if key is None:
        key = secrets.token_urlsafe(32)
        request.state["new_form_key"] = key
    return hmac.new(key.encode(), b"jobtrack form", hashlib.sha256).hexdigest()


async def check_csrf(request: Request[Any, Any, Any]) -> Response[Any] | None:
    """Refuse (403) a POST whose form lacks this browser's token (a ``before_request``
    hook of every page)."""
    if request.method in SAFE_METHODS:
        return None
    form = await request.form()
    given = form.get(CSRF_FIELD)
    key = _form_key(request)
    if key is not None and isinstance(given, str):
        expected = hmac.new(key.encode(), b"jobtrack form", hashlib.sha256).hexdigest()
        if hmac.compare_digest(given.encode(), expected.encode()):
            return None
    return error_page(
        request,
        403,
        "This form cannot be accepted",
        "It was sent from another site, or it expired. Go back, reload the page and send "
        "the form again.",
    )


# -- pages ----------------------------------------------------------------------------
def page(
    request: Request[Any, Any, Any],
    name: str,
    status: int = 200,
    *,
    cookies: list[Cookie] | None = None,
    **context: Any,
) -> Template:
    """The template ``name`` with ``context``, the form token and the signed-in user."""
    context.setdefault("errors", {})
    context.setdefault("user", request.state.get("user"))
    context["form_token"] = csrf_token(request)
    context["path"] = request.url.path
    made: str | None = request.state.get("new_form_key")
    given = list(cookies or [])
    if made is not None:
        given.append(_cookie(request, FORM_COOKIE, made))
    return Template(
        template_name=name,
        context=context,
        status_code=status,
        cookies=given,
        headers={"cache-control": "no-store"},
    )


def field_errors(errors: tuple[FieldError, ...]) -> dict[str, str]:
    """The errors of a form by field name (the first message of each field)."""
    found: dict[str, str] = {}
    for error in errors:
        found.setdefault(error.field, error.message)
    return found


def error_page(request: Request[Any, Any, Any], status: int, title: str, detail: str) -> Template:
    return page(request, "error.html", status, title=title, detail=detail)


def safe_next(target: str | None) -> str:
    """Where to go after login: a path of this site only, else the dashboard."""
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and all(c.isprintable() and not c.isspace() for c in target)
    ):
        return target
    return "/"


# -- who is signed in -----------------------------------------------------------------
def provide_workspace(request: Request[Any, Any, Any]) -> Workspace:
    """The workspace of the session cookie; :class:`SessionError` (a redirect to the login
    page) without one."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise SessionError("unknown")
    ws = jobtrack_of(request.app.state).authenticate(token)
    request.state["user"] = ws.user
    return ws


# -- errors as pages ------------------------------------------------------------------
def login_needed(request: Request[Any, Any, Any], exc: AuthenticationError) -> Response[Any]:
    """To the login page, coming back here afterwards; a stale cookie is removed."""
    back = request.url.path if request.method in SAFE_METHODS else "/"
    if back != "/" and request.url.query:
        back = f"{back}?{request.url.query}"
    target = "/login" if back == "/" else f"/login?next={quote(back, safe='/')}"
    return Redirect(target, status_code=303, cookies=[cleared(request)])


def not_found(request: Request[Any, Any, Any], exc: NotFoundError) -> Response[Any]:
    return error_page(request, 404, "Not found", "There is nothing here, or it was deleted.")


def jobtrack_error(request: Request[Any, Any, Any], exc: JobtrackError) -> Response[Any]:
    """Any other error of jobtrack's a page did not show on its form: its status and words."""
    status = status_of(exc)
    if status == 500:
        return internal_error(request, exc)
    title = TITLES.get(status, ("error", "Error"))[1]
    return error_page(request, status, title, str(exc))


def http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    if exc.status_code >= 500:
        return internal_error(request, exc)
    if exc.status_code == 404:
        return error_page(request, 404, "Not found", "There is nothing here.")
    return error_page(request, exc.status_code, "The request cannot be read", str(exc.detail))


def internal_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """A 500 page: the trace goes to the server's log, never to the browser."""
    log.error("error in %s %s", request.method, request.url.path, exc_info=exc)
    return error_page(
        request,
        500,
        "Something went wrong",
        "The error was logged on the server. Go back and try again.",
    )


HANDLERS: Mapping[Any, Any] = {
    AuthenticationError: login_needed,
    NotFoundError: not_found,
    JobtrackError: jobtrack_error,
    HTTPException: http_error,
    Exception: internal_error,
}
