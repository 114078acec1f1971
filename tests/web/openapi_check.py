"""Answers checked against the OpenAPI document the server publishes."""

from __future__ import annotations

from typing import Any

import httpx
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from web.client import Api

_ROOT = "urn:jobtrack-api"


def _pointer(*parts: str) -> str:
    return "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


def problems_of(api: Api, method: str, path: str, answer: httpx.Response) -> list[str]:
    """How ``answer`` (to ``method`` on the route ``path``, as the document names it)
    differs from the response the document declares for its status."""
    document = api.client.get("/openapi.json").json()
    declared = document["paths"][path][method.lower()]["responses"][str(answer.status_code)]
    media = answer.headers["content-type"].split(";")[0]
    assert media in declared["content"], (media, sorted(declared["content"]))
    where = _pointer(
        "paths", path, method.lower(), "responses", str(answer.status_code), "content", media
    )
    registry: Registry[Any] = Registry().with_resource(_ROOT, DRAFT202012.create_resource(document))
    validator = Draft202012Validator(
        {"$ref": f"{_ROOT}#/{where}/schema"}, registry=registry, format_checker=None
    )
    return [f"{e.json_path}: {e.message}" for e in validator.iter_errors(answer.json())]


def conforms(api: Api, method: str, path: str, answer: httpx.Response) -> None:
    """``answer`` is what the document says the route answers with its status."""
    found = problems_of(api, method, path, answer)
    assert found == [], found[:10]
