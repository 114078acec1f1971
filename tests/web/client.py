"""A small client of the API for the tests: one account's token on a test client."""

from __future__ import annotations

from typing import Any

import attrs
import httpx
from litestar.testing import TestClient

PASSWORD = "pipes and wrenches"


@attrs.define
class Api:
    """Requests as one account: each carries its Bearer token."""

    client: TestClient  # type: ignore[type-arg]
    token: str

    @classmethod
    def signed_up(cls, client: TestClient, email: str) -> Api:  # type: ignore[type-arg]
        made = client.post(
            "/api/accounts", json={"email": email, "password": PASSWORD, "name": email[:3]}
        )
        assert made.status_code == 201, made.text
        login = client.post("/api/sessions", json={"email": email, "password": PASSWORD})
        assert login.status_code == 201, login.text
        return cls(client, login.json()["token"])

    def request(self, method: str, path: str, **given: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token}", **given.pop("headers", {})}
        return self.client.request(method, path, headers=headers, **given)

    def get(self, path: str, **given: Any) -> httpx.Response:
        return self.request("GET", path, **given)

    def post(self, path: str, **given: Any) -> httpx.Response:
        return self.request("POST", path, **given)

    def patch(self, path: str, **given: Any) -> httpx.Response:
        return self.request("PATCH", path, **given)

    def delete(self, path: str, **given: Any) -> httpx.Response:
        return self.request("DELETE", path, **given)

    def walk(self, path: str, limit: int = 2, **params: Any) -> list[dict[str, Any]]:
        """Every item of a listing, page by page, following each page's ``next``; each page
        must answer 200 and hold at most ``limit`` items."""
        seen: list[dict[str, Any]] = []
        after: str | None = None
        while True:
            query = {**params, "limit": limit, **({"after": after} if after else {})}
            answer = self.get(path, params=query)
            assert answer.status_code == 200, answer.text
            page = answer.json()
            assert len(page["items"]) <= limit
            seen += page["items"]
            after = page["next"]
            if after is None:
                return seen

    def made(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST ``body`` to ``path``, which must make a record (201); the record."""
        answer = self.post(path, json=body)
        assert answer.status_code == 201, answer.text
        found: dict[str, Any] = answer.json()
        return found
