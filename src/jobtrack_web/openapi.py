"""The OpenAPI 3.1 document (``/openapi.json``) and its interactive docs (``/api/docs``).

Litestar writes the paths, parameters and status codes from the route handlers; the
shapes of bodies are the interchange's schemas (:mod:`jobtrack_interchange.schema`),
which :class:`~jobtrack_web.shapes.ShapeSchemas` put in the document's components.
Swagger UI's files come from the ``swagger-ui-py`` package: nothing is loaded from
elsewhere.
"""

from __future__ import annotations

from importlib.resources import files
from typing import Any

from litestar import MediaType, Request, get
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import OpenAPIRenderPlugin
from litestar.plugins import OpenAPISchemaPlugin
from litestar.static_files import create_static_files_router

from jobtrack_web.auth import COMPONENTS
from jobtrack_web.shapes import ShapeSchemas


def document(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """The whole OpenAPI document of the running app, made once."""
    state = request.app.state
    cached: dict[str, Any] | None = state.get("openapi_document")
    if cached is None:
        made = dict(request.app.openapi_schema.to_schema())
        shapes = next(p for p in request.app.plugins.openapi if isinstance(p, ShapeSchemas))
        components = dict(made.get("components", {}))
        named = dict(components.get("schemas", {}))
        ours = shapes.schemas.components
        # A shape Litestar named otherwise than the interchange would stay a placeholder.
        stray = [name for name, s in named.items() if name not in ours and s.get("title") in ours]
        if stray:
            raise RuntimeError(f"shapes named differently by the interchange: {sorted(stray)}")
        components["schemas"] = dict(sorted({**named, **ours}.items()))
        made["components"] = components
        for item in made.get("paths", {}).values():
            for operation in item.values():
                if isinstance(operation, dict) and operation.get("description"):
                    # Docstrings quote code as reST does (``x``); the document speaks Markdown.
                    operation["description"] = operation["description"].replace("``", "`")
                    operation["summary"] = summary_of(operation["description"])
        state.openapi_document = cached = made
    return cached


def summary_of(description: str) -> str:
    """An operation's summary: the first sentence of its handler's docstring."""
    first = " ".join(description.split("\n\n")[0].split())
    end = first.find(". ")
    return first if end < 0 else first[: end + 1]


@get("/openapi.json", include_in_schema=False, media_type=MediaType.JSON, sync_to_thread=False)
def openapi_json(request: Request[Any, Any, Any]) -> dict[str, Any]:
    return document(request)


PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>jobtrack API</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/static/api-docs.js"></script>
</body>
</html>
"""


class SwaggerUI(OpenAPIRenderPlugin):
    """Swagger UI from the package's own files."""

    def __init__(self) -> None:
        super().__init__(path="/", favicon="", style="")

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        return PAGE.encode()


def config(version: str) -> OpenAPIConfig:
    return OpenAPIConfig(
        title="jobtrack",
        version=version,
        description=(
            "Customers, jobs, money and reports of a service business. Log in with "
            "POST /api/sessions and send the token as `Authorization: Bearer <token>`. "
            "Errors are RFC 9457 problem details."
        ),
        path="/api/docs",
        render_plugins=[SwaggerUI()],
        components=COMPONENTS,
        use_handler_docstrings=True,
    )


def routes() -> list[Any]:
    swagger = files("swagger_ui") / "static"
    return [
        openapi_json,
        create_static_files_router(
            path="/api/docs/assets", directories=[str(swagger)], include_in_schema=False
        ),
    ]


def plugins() -> list[OpenAPISchemaPlugin]:
    return [ShapeSchemas()]
