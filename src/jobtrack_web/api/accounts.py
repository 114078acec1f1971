"""Accounts and logins: register, log in and out, the profile, the password."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import attrs
from litestar import Request, Response, Router
from litestar.params import JSONBody

from jobtrack_core.commands import Credentials, ProfileChanges, Registration
from jobtrack_core.entities import Deleted, User
from jobtrack_core.errors import AuthenticationError, ValidationError
from jobtrack_core.service import Login
from jobtrack_web.api.verbs import delete, get, patch, post
from jobtrack_web.auth import SECURITY, Served, SignedIn, bearer_token
from jobtrack_web.problems import responses
from jobtrack_web.safety import client_address, throttle_of


@attrs.frozen(kw_only=True)
class PasswordChange:
    """A new password, given with the current one."""

    current_password: str
    new_password: str


@attrs.frozen(kw_only=True)
class PasswordCheck:
    """The account's password, asked again before something that cannot be undone."""

    password: str


@contextmanager
def password_asked_again(field: str) -> Iterator[None]:
    """A wrong password given again to confirm a change is a bad field of the request, not
    a failed login: the session stays good, so the answer is not a 401."""
    try:
        yield
    except AuthenticationError as exc:
        raise ValidationError.single(field, "is not this account's password") from exc


@post("/accounts", status_code=201, responses=responses(409, 422), tags=["accounts"])
def register(data: JSONBody[Registration], jobtrack: Served) -> User:
    """Open an account. Its email must not be registered yet (409)."""
    return jobtrack.register(data)


@post("/sessions", status_code=201, responses=responses(401, 422, 429), tags=["accounts"])
def login(request: Request[Any, Any, Any], data: JSONBody[Credentials], jobtrack: Served) -> Login:
    """Log in: the answer holds the session's Bearer ``token``, shown only here. After
    too many failures, of the account or from the address, a login must wait (429, with
    ``Retry-After``)."""
    throttle, address = throttle_of(request.app.state), client_address(request)
    throttle.check(data.email, address)
    try:
        made = jobtrack.login(data.email, data.password)
    except AuthenticationError:
        throttle.failed(data.email, address)
        raise
    throttle.succeeded(data.email, address)
    return made


@delete("/sessions/current", responses=responses(401), security=SECURITY, tags=["accounts"])
def logout(request: Request[Any, Any, Any], ws: SignedIn, jobtrack: Served) -> None:
    """End the session of the token this request carries."""
    jobtrack.logout(bearer_token(request))


@delete(
    "/sessions", status_code=200, responses=responses(401), security=SECURITY, tags=["accounts"]
)
def logout_everywhere(ws: SignedIn) -> Response[dict[str, int]]:
    """End every session of this account, this one too; the answer counts them."""
    return Response({"ended": ws.logout_everywhere()})


@get("/me", responses=responses(401), security=SECURITY, tags=["accounts"])
def me(ws: SignedIn) -> User:
    """The account of the token."""
    return ws.user


@patch("/me", responses=responses(401, 409, 422), security=SECURITY, tags=["accounts"])
def update_profile(data: JSONBody[ProfileChanges], ws: SignedIn) -> User:
    """Change the profile: name, email, business name, time zone, week start."""
    return ws.update_profile(data)


@post(
    "/me/password",
    status_code=204,
    responses=responses(401, 422),
    security=SECURITY,
    tags=["accounts"],
)
def change_password(data: JSONBody[PasswordChange], ws: SignedIn) -> None:
    """Set a new password; every other session of the account ends. A wrong current
    password is a 422 on ``current_password`` (the session itself is fine)."""
    with password_asked_again("current_password"):
        ws.change_password(data.current_password, data.new_password)


@post(
    "/me/delete",
    status_code=200,
    responses=responses(401, 422),
    security=SECURITY,
    tags=["accounts"],
)
def delete_account(data: JSONBody[PasswordCheck], ws: SignedIn) -> Deleted:
    """Delete the account and everything of it, after the password is given again (a
    wrong one is a 422 on ``password``)."""
    with password_asked_again("password"):
        return ws.delete_account(data.password)


router = Router(
    "/",
    route_handlers=[
        register,
        login,
        logout,
        logout_everywhere,
        me,
        update_profile,
        change_password,
        delete_account,
    ],
)
