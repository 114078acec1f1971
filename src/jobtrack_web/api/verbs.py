"""Litestar's route decorators, as every API route uses them.

Each handler runs on a worker thread (the library's calls block: they read and write
the database), and declares, besides its own, the problems any route may answer with
(:data:`COMMON`), and those of any route with an id in its path (:data:`WITH_ID`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import litestar
from litestar import MediaType
from litestar.handlers import HTTPRouteHandler

from jobtrack_web.problems import responses as problem_responses

#: What any route may answer: a body that cannot be read, no login, too large, a fault.
COMMON = (400, 401, 413, 500)
#: What a route with a record's id in its path may answer besides: no such record (or
#: another account's), and an id that no record could have (422, saying why).
WITH_ID = (404, 422)


def _verb(kind: type[HTTPRouteHandler]) -> Callable[..., HTTPRouteHandler]:
    def route(
        path: str | None = None, *, responses: dict[int, Any] | None = None, **given: Any
    ) -> HTTPRouteHandler:
        common = (*COMMON, *WITH_ID) if path is not None and "{" in path else COMMON
        return kind(
            path,
            sync_to_thread=True,
            media_type=given.pop("media_type", MediaType.JSON),
            responses={**problem_responses(*common), **(responses or {})},
            **given,
        )

    return route


get = _verb(litestar.get)
post = _verb(litestar.post)
patch = _verb(litestar.patch)
put = _verb(litestar.put)
delete = _verb(litestar.delete)
