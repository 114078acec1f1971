"""The web app at ``/``: server-rendered pages for the owner of a business.

Log in or register, then the dashboard, customers, jobs (start, complete, mark paid,
cancel), reports and an export of the account's data. Pages call the
:class:`~jobtrack_core.workspace.Workspace` of the session cookie directly; forms are
plain HTML forms with a CSRF token each (:mod:`jobtrack_web.pages.session`), errors are
shown next to their fields, and nothing is loaded from another site.
"""

from __future__ import annotations

from litestar import Router
from litestar.di import Provide

from jobtrack_web.pages import accounts, business, reports
from jobtrack_web.pages.session import (
    HANDLERS,
    check_csrf,
    provide_workspace,
    template_config,
)


def router() -> Router:
    """Every page, under ``/``; they are no part of the OpenAPI document."""
    return Router(
        "/",
        route_handlers=[*accounts.ROUTES, *business.ROUTES, *reports.ROUTES],
        dependencies={"ws": Provide(provide_workspace, sync_to_thread=True)},
        before_request=check_csrf,
        exception_handlers=dict(HANDLERS),
        include_in_schema=False,
    )


__all__ = ["router", "template_config"]
