"""``jobtrack serve`` in a process of its own: it says where it listens, serves the API
over real HTTP, and stops on Ctrl-C (SIGINT) with exit status 0."""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

import jobtrack
from jobtrack import Argon2Hasher
from jobtrack.cli import main
from jobtrack.cli.commands import serve
from jobtrack_web import server

PASSWORD = "pipes and wrenches"


def lines_of(stream: object) -> queue.Queue[str]:
    """The lines a process writes, as they come."""
    found: queue.Queue[str] = queue.Queue()

    def read() -> None:
        for line in stream:  # type: ignore[attr-defined]
            found.put(line)

    threading.Thread(target=read, daemon=True).start()
    return found


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Path]:
    file = tmp_path / "shop.db"
    jobtrack.connect(file, hasher=Argon2Hasher.for_tests()).close()
    yield file


@pytest.mark.parametrize("fresh", [False, True], ids=["existing", "fresh"])
def test_serve_answers_over_http_and_stops_on_ctrl_c(
    database: Path, fresh: bool, tmp_path: Path
) -> None:
    if fresh:  # the first run of a new business: serve makes the database
        database = tmp_path / "new" / "shop.db"
    env = {**os.environ, "JOBTRACK_INSECURE_FAST_HASH": "1", "PYTHONUNBUFFERED": "1"}
    env.pop("JOBTRACK_DB", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jobtrack",
            "serve",
            "--db",
            str(database),
            "--port",
            "0",
            "--cors-origin",
            "https://app.example.com",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        out = lines_of(process.stdout)
        first = out.get(timeout=60)
        assert first.startswith(f"Serving {database} on http://127.0.0.1:"), first
        url = first.split(" on ", 1)[1].strip()
        assert "/api/docs" in out.get(timeout=10)

        with httpx.Client(base_url=url, timeout=30) as client:
            document = client.get("/openapi.json")
            assert document.status_code == 200
            assert "/api/customers" in document.json()["paths"]
            made = client.post(
                "/api/accounts",
                json={"email": "sam@example.com", "password": PASSWORD, "name": "Sam"},
            )
            assert made.status_code == 201, made.text
            login = client.post(
                "/api/sessions", json={"email": "sam@example.com", "password": PASSWORD}
            )
            assert login.status_code == 201, login.text
            token = login.json()["token"]
            me = client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
            assert me.json()["email"] == "sam@example.com"
            assert me.headers["x-frame-options"] == "DENY"
            shared = client.get("/openapi.json", headers={"origin": "https://app.example.com"})
            assert shared.headers["access-control-allow-origin"] == "https://app.example.com"
            closed = client.get("/openapi.json", headers={"origin": "https://evil.example"})
            assert "access-control-allow-origin" not in closed.headers

        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
        assert process.stderr is not None
        assert "Stopped." in process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    # What the server did is in the database, as from the API.
    app = jobtrack.connect(database, hasher=Argon2Hasher.for_tests())
    try:
        assert app.login("sam@example.com", PASSWORD).token
    finally:
        app.close()


def test_serve_that_cannot_start_leaves_no_new_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "new.db"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", "--db", str(missing), "--port", str(port)]) == 1
    assert f"could not serve on 127.0.0.1:{port}" in capsys.readouterr().err
    assert not missing.exists()


def test_serve_without_the_web_extra_says_how_to_install_it(
    database: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "jobtrack_web.server", None)
    assert main(["serve", "--db", str(database)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "pip install 'jobtrack[web]'" in err[0]


def test_serve_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert serve.HOST == server.HOST == "127.0.0.1"
    assert serve.origin("HTTP://LocalHost:3000/") == "http://localhost:3000"
    for bad in ("app.example.com", "https://app.example.com/path", "ftp://x.example"):
        with pytest.raises(SystemExit) as stopped:
            main(["serve", "--cors-origin", bad])
        assert stopped.value.code == 2
        assert "is not a web origin" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["serve", "--port", "70000"])
    assert "is not a port number" in capsys.readouterr().err
