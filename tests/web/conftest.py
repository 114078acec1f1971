"""Fixtures of the HTTP tests: an app over the in-memory store, and clients signed in."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from litestar.testing import TestClient

import jobtrack
from jobtrack import Argon2Hasher
from jobtrack_core.service import Jobtrack
from jobtrack_web import WebSettings, create_app
from web.client import Api


@pytest.fixture
def jobtrack_app() -> Iterator[Jobtrack]:
    app = jobtrack.connect("memory://", hasher=Argon2Hasher.for_tests())
    yield app
    app.close()


@pytest.fixture
def client(jobtrack_app: Jobtrack) -> Iterator[TestClient]:  # type: ignore[type-arg]
    with TestClient(create_app(jobtrack_app, WebSettings())) as test_client:
        yield test_client


@pytest.fixture
def api(client: TestClient) -> Api:  # type: ignore[type-arg]
    """A client signed in as a new account (sam@example.com)."""
    return Api.signed_up(client, "sam@example.com")


@pytest.fixture
def other(client: TestClient) -> Api:  # type: ignore[type-arg]
    """A client signed in as another account (kim@example.com), on the same server."""
    return Api.signed_up(client, "kim@example.com")
