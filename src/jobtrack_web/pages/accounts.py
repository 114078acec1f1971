"""Registering, logging in and out."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from jobtrack_core.errors import AuthenticationError, ConflictError, ValidationError
from jobtrack_web.auth import jobtrack_of
from jobtrack_web.pages.forms import Form, optional, text
from jobtrack_web.pages.session import (
    SESSION_COOKIE,
    cleared,
    field_errors,
    page,
    safe_next,
    session_cookie,
)
from jobtrack_web.safety import client_address, throttle_of, too_early


def _signed_in(request: Request[Any, Any, Any]) -> bool:
    """Whether the browser holds a live login already."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return False
    try:
        jobtrack_of(request.app.state).authenticate(token)
    except AuthenticationError:
        return False
    return True


@get("/login", sync_to_thread=True)
def login_form(
    request: Request[Any, Any, Any], next: FromQuery[str | None] = None
) -> Template | Redirect:
    """The login form; a browser logged in already goes on to where it was going."""
    if _signed_in(request):
        return Redirect(safe_next(next), status_code=303)
    return page(request, "login.html", next=safe_next(next), email="")


@post("/login", sync_to_thread=True)
def login(request: Request[Any, Any, Any], data: Form) -> Response[Any]:
    jobtrack = jobtrack_of(request.app.state)
    email, target = text(data, "email").strip(), safe_next(optional(data, "next"))
    # The API's throttle: too many failures of the account or from the address wait.
    throttle, address = throttle_of(request.app.state), client_address(request)
    seconds = throttle.retry_after(email, address)
    if seconds is not None:
        refused = page(
            request, "login.html", 429, next=target, email=email, problem=too_early(seconds)
        )
        refused.headers["retry-after"] = str(seconds)
        return refused
    try:
        done = jobtrack.login(email, text(data, "password"))
    except AuthenticationError as exc:
        throttle.failed(email, address)
        return page(
            request, "login.html", 401, next=target, email=email, problem=str(exc).capitalize()
        )
    throttle.succeeded(email, address)
    return Redirect(target, status_code=303, cookies=[session_cookie(request, done.token)])


@get("/register", sync_to_thread=True)
def register_form(request: Request[Any, Any, Any]) -> Template | Redirect:
    if _signed_in(request):
        return Redirect("/", status_code=303)
    return page(request, "register.html", form={})


@post("/register", sync_to_thread=True)
def register(request: Request[Any, Any, Any], data: Form) -> Response[Any]:
    jobtrack = jobtrack_of(request.app.state)
    email, password = text(data, "email").strip(), text(data, "password")
    given = {
        "email": email,
        "name": text(data, "name").strip(),
        "business_name": optional(data, "business_name"),
    }
    try:
        jobtrack.register(**given, password=password)
        done = jobtrack.login(email, password)
    except ValidationError as exc:
        return page(request, "register.html", 422, form=given, errors=field_errors(exc.errors))
    except ConflictError as exc:
        return page(request, "register.html", 409, form=given, errors={exc.field: exc.message})
    return Redirect("/", status_code=303, cookies=[session_cookie(request, done.token)])


@post("/logout", sync_to_thread=True)
def logout(request: Request[Any, Any, Any]) -> Response[Any]:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        jobtrack_of(request.app.state).logout(token)
    return Redirect("/login", status_code=303, cookies=[cleared(request)])


ROUTES = [login_form, login, register_form, register, logout]
