"""A real uvicorn server on a SQLite file: many requests at once, each its own unit of work.

The handlers run on worker threads; each library call is one transaction on its
thread's connection. Concurrent creates all land, a write that fails leaves nothing,
and every answer is whole.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import httpx

import jobtrack
from jobtrack import Argon2Hasher
from jobtrack_web.server import running

PASSWORD = "pipes and wrenches"


def test_concurrent_requests_each_land_once_on_a_sqlite_file(tmp_path: Path) -> None:
    app = jobtrack.connect(tmp_path / "jobs.db", hasher=Argon2Hasher.for_tests())
    with running(app) as base, httpx.Client(base_url=base, timeout=30) as http:
        http.post(
            "/api/accounts", json={"email": "sam@example.com", "password": PASSWORD, "name": "Sam"}
        ).raise_for_status()
        token = http.post(
            "/api/sessions", json={"email": "sam@example.com", "password": PASSWORD}
        ).json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        ada = http.post("/api/customers", json={"name": "Ada"}, headers=auth).json()

        def add(n: int) -> int:
            with httpx.Client(base_url=base, timeout=30, headers=auth) as own:
                body = {"name": f"Customer {n:03d}"}
                if n % 10 == 0:
                    body["email"] = "not an email"  # refused: writes nothing
                return own.post("/api/customers", json=body).status_code

        def rename(n: int) -> int:
            with httpx.Client(base_url=base, timeout=30, headers=auth) as own:
                path = f"/api/customers/{ada['id']}"
                return own.patch(path, json={"notes": f"call {n}"}).status_code

        with ThreadPoolExecutor(max_workers=8) as pool:
            made = list(pool.map(add, range(60)))
            renamed = list(pool.map(rename, range(20)))

        assert made.count(201) == 54 and made.count(422) == 6
        assert renamed == [200] * 20
        listed = http.get("/api/customers", params={"limit": 500}, headers=auth).json()
        names = [c["name"] for c in listed["items"]]
        assert len(names) == 55 and len(set(names)) == 55
        final = http.get(f"/api/customers/{ada['id']}", headers=auth)
        assert final.headers["etag"] == '"21"'  # one version per change, none lost
    ws = app.authenticate(token)
    assert len(ws.list_customers()) == 55
    assert ws.revenue() == Decimal("0.00")
    app.close()
