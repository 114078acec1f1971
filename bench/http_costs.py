"""What the dashboard costs over HTTP, beside the same call in process, on SQLite.

::

    python -m bench.http_costs [--size small|medium|full] [--rounds N] [--clients 1,2,4]

Loads the large owner of the benchmark's data set at the given size into a SQLite file
(through the public bulk path, as ``bench.run`` does), opens jobtrack on it with the
benchmark's fixed clock, and serves it with ``jobtrack_web.server.running`` (uvicorn, on
a thread of this process). Then, after checking that the API's answer is the in-process
answer as JSON:

1. ``in process``: ``ws.dashboard()``, and ``authenticate + ws.dashboard()`` (the
   token's session looked up first, as every request does), timed here, the server idle;
2. ``HTTP``: ``GET /api/reports/dashboard`` with the owner's Bearer token, each client
   a process of its own (so that clients and server do not share an interpreter) holding
   one keep-alive connection (``http.client``) and sending its requests one after the
   other; with 1 client, then with each count of ``--clients`` at once.

Each row shows the median latency with the fastest and slowest sample, the requests (or
calls) per second, and the ratio of its median to the in-process call's. With several
clients, the requests per second are all clients' requests over the wall time from the
first request to the last answer. Where the server does not serve the dashboard yet, the
script times ``GET /api/me`` against ``authenticate`` instead and says so. A diagnostic
for docs/performance.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from urllib.parse import urlsplit

import attrs

from bench.dataset import SIZES, Dataset
from bench.jobtrack_columns import load, make_app
from bench.plan import make_plan
from jobtrack_core import Workspace
from jobtrack_interchange import unstructure
from jobtrack_sqlite import SqliteStore

DASHBOARD = "/api/reports/dashboard"
ME = "/api/me"


@attrs.frozen
class Route:
    """A route to time and the in-process call that gives the same answer."""

    path: str
    title: str
    call: Callable[[Workspace], object]


ROUTES = (
    Route(DASHBOARD, "ws.dashboard()", lambda ws: ws.dashboard()),
    Route(ME, "ws.user", lambda ws: ws.user),
)


@attrs.frozen
class Figures:
    """Latencies in seconds, and how many were made per second."""

    seconds: tuple[float, ...]
    per_second: float


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.http_costs", description=__doc__)
    parser.add_argument("--size", choices=sorted(SIZES), default="medium")
    parser.add_argument("--rounds", type=int, default=300, help="requests per client")
    parser.add_argument("--clients", default="2,4", help="counts of concurrent clients")
    args = parser.parse_args(argv)
    counts = [int(n) for n in args.clients.split(",") if n.strip()]
    workdir = tempfile.mkdtemp(prefix="jobtrack-http-costs-")
    try:
        run(args.size, args.rounds, counts, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


def run(size: str, rounds: int, counts: list[int], workdir: str) -> None:
    from jobtrack_web.server import running

    plan = make_plan(Dataset(SIZES[size]))
    owner = plan.data.large
    path = os.path.join(workdir, "http.db")
    with SqliteStore(path, synchronous="NORMAL") as store:
        load(store, plan, [owner])
    app = make_app(SqliteStore(path))
    token = plan.data.live_token(owner)
    try:
        ws = app.authenticate(token)
        jobs = len(ws.list_jobs())
        print(f"SQLite, size {size}: the large owner, {jobs} jobs; CPUs: {os.cpu_count()}")
        with running(app) as base:
            route = _served(base, token, ws)
            print(f"GET {route.path} against {route.title} in process; {rounds} requests a client")
            rows = {
                f"in process: {route.title}": _in_process(lambda: route.call(ws), rounds),
                f"in process: authenticate + {route.title}": _in_process(
                    lambda: route.call(app.authenticate(token)), rounds
                ),
            }
            for clients in [1, *(n for n in counts if n != 1)]:
                title = f"HTTP: {clients} keep-alive client{'s' if clients > 1 else ''}"
                rows[title] = _over_http(base, route.path, token, clients, rounds)
        _print(rows)
    finally:
        app.close()


def _served(base: str, token: str, ws: Workspace) -> Route:
    """The first route of :data:`ROUTES` the server serves, its answer checked against
    the in-process call's."""
    for route in ROUTES:
        status, body = _get(base, route.path, token)
        if status == 404:
            print(f"GET {route.path}: not served (404); the next route instead")
            continue
        assert status == 200, (route.path, status, body[:200])
        expected = json.loads(json.dumps(unstructure(route.call(ws))))
        assert json.loads(body) == expected, f"GET {route.path} is not {route.title}"
        return route
    raise SystemExit("no route to time")


def _get(base: str, path: str, token: str) -> tuple[int, bytes]:
    where = urlsplit(base)
    conn = http.client.HTTPConnection(where.hostname or "127.0.0.1", where.port)
    try:
        conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
        answer = conn.getresponse()
        return answer.status, answer.read()
    finally:
        conn.close()


def _in_process(call: Callable[[], object], rounds: int) -> Figures:
    for _ in range(min(10, rounds)):
        call()
    seconds = []
    started = time.perf_counter()
    for _ in range(rounds):
        t0 = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - t0)
    return Figures(tuple(seconds), rounds / (time.perf_counter() - started))


def _over_http(base: str, path: str, token: str, clients: int, rounds: int) -> Figures:
    """``clients`` processes, each with one keep-alive connection sending ``rounds``
    requests one after the other, all starting together."""
    spawn = multiprocessing.get_context("spawn")
    barrier = spawn.Barrier(clients + 1)
    answers: Queue[list[float] | str] = spawn.Queue()
    workers = [
        spawn.Process(target=client, args=(base, path, token, rounds, barrier, answers))
        for _ in range(clients)
    ]
    for worker in workers:
        worker.start()
    try:
        barrier.wait(timeout=120)
        started = time.perf_counter()
        done = [answers.get(timeout=600) for _ in workers]
        wall = time.perf_counter() - started
    finally:
        for worker in workers:
            worker.join(timeout=60)
    failed = [one for one in done if isinstance(one, str)]
    if failed:
        raise RuntimeError(f"a client failed: {failed[0]}")
    seconds = tuple(s for one in done if not isinstance(one, str) for s in one)
    return Figures(seconds, len(seconds) / wall)


def client(
    base: str,
    path: str,
    token: str,
    rounds: int,
    barrier: Barrier,
    answers: Queue[list[float] | str],
) -> None:
    """One client: a keep-alive connection, a few untimed requests, then ``rounds`` timed
    ones (each answer read whole and checked 200); puts the latencies in seconds (or what
    went wrong) on ``answers``."""
    where = urlsplit(base)
    conn = http.client.HTTPConnection(where.hostname or "127.0.0.1", where.port)
    headers = {"Authorization": f"Bearer {token}"}

    def one() -> None:
        conn.request("GET", path, headers=headers)
        answer = conn.getresponse()
        answer.read()
        if answer.status != 200:
            raise RuntimeError(f"GET {path}: {answer.status}")

    try:
        for _ in range(5):
            one()
        barrier.wait(timeout=120)
        seconds = []
        for _ in range(rounds):
            t0 = time.perf_counter()
            one()
            seconds.append(time.perf_counter() - t0)
        answers.put(seconds)
    except Exception as exc:
        answers.put(f"{type(exc).__name__}: {exc}")
        barrier.abort()
    finally:
        conn.close()


def _print(rows: dict[str, Figures]) -> None:
    base = statistics.median(next(iter(rows.values())).seconds)
    for title, figures in rows.items():
        med, low, high = (f(figures.seconds) * 1000 for f in (statistics.median, min, max))
        ratio = statistics.median(figures.seconds) / base
        print(
            f"  {title:44} {med:8.2f} ms [{low:.2f} .. {high:.2f}]"
            f" {figures.per_second:8.0f} /s  x{ratio:.2f}"
        )


if __name__ == "__main__":
    raise SystemExit(main())
