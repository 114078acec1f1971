"""The ASGI application: :func:`create_app` serves one :class:`~jobtrack_core.service.Jobtrack`.

>>> import jobtrack
>>> from jobtrack_web import create_app
>>> server = create_app(jobtrack.connect("memory://"))
>>> sorted(route.path for route in server.routes if route.path.startswith("/api/me"))
['/api/me', '/api/me/delete', '/api/me/password']

Route handlers are plain functions; Litestar runs them in its worker threads, and each
library call they make is one unit of work on the thread that makes it (the stores keep
one connection per thread), so a request never shares a transaction with another.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from importlib.resources import files
from typing import Any

from litestar import Litestar, Router
from litestar.datastructures import State
from litestar.di import Provide
from litestar.static_files import create_static_files_router

from jobtrack_core.service import Jobtrack
from jobtrack_web import openapi, pages, safety
from jobtrack_web.api import (
    accounts,
    billing,
    customers,
    invoices,
    jobs,
    payments,
    quotes,
    reports,
    sync,
    transfer,
)
from jobtrack_web.auth import SECURITY, provide_jobtrack, provide_workspace
from jobtrack_web.problems import HANDLERS
from jobtrack_web.settings import WebSettings
from jobtrack_web.shapes import Shapes


def _version() -> str:
    try:
        return version("jobtrack")
    except PackageNotFoundError:  # pragma: no cover - run from a source tree
        return "0"


#: The routers of the API that need a login, each on its own path under ``/api``.
SIGNED_IN: list[Router] = [customers.router, jobs.router, payments.router]
SIGNED_IN += [reports.router, reports.customer_router, sync.router, transfer.router]
SIGNED_IN += [billing.router, quotes.router, quotes.of_jobs, invoices.router]


def api_router() -> Router:
    """Every API route under ``/api``: JSON in and out, through the interchange's shapes."""
    signed_in = Router("/", route_handlers=list(SIGNED_IN), security=SECURITY)
    return Router(
        "/api",
        route_handlers=[accounts.router, signed_in],
        dependencies={
            "ws": Provide(provide_workspace, sync_to_thread=True),
            "jobtrack": Provide(provide_jobtrack, sync_to_thread=False),
        },
        dto=Shapes,
        return_dto=Shapes,
    )


def create_app(
    jobtrack: Jobtrack, settings: WebSettings | None = None, **litestar: Any
) -> Litestar:
    """The ASGI app serving ``jobtrack``: the API under ``/api``, the OpenAPI document at
    ``/openapi.json``, its docs at ``/api/docs`` and the web app at ``/``. Keyword
    arguments go to :class:`litestar.Litestar`."""
    settings = settings or WebSettings()
    static = files("jobtrack_web") / "static"
    return Litestar(
        route_handlers=[
            api_router(),
            *openapi.routes(),
            create_static_files_router(
                path="/static", directories=[str(static)], include_in_schema=False
            ),
            pages.router(),
        ],
        template_config=pages.template_config(),
        state=State(
            {
                "jobtrack": jobtrack,
                "settings": settings,
                "login_throttle": safety.LoginThrottle.of(settings),
            }
        ),
        exception_handlers=dict(HANDLERS),
        plugins=openapi.plugins(),
        openapi_config=openapi.config(_version()),
        cors_config=safety.cors(settings),
        before_send=[safety.secure_headers],
        request_max_body_size=settings.max_body_bytes,
        **litestar,
    )
