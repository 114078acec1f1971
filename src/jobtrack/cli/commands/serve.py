"""``jobtrack serve``: the JSON API and the web app over HTTP (the ``web`` extra).

The database is found as for every other command (``--db``, ``JOBTRACK_DB``,
``./jobtrack.db``); like ``account register``, serving makes it if it is not there,
since the first account of a new business may register in the browser. The server listens on
this machine only (127.0.0.1) unless ``--host`` says otherwise.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from jobtrack.cli.context import CliError, Context
from jobtrack.cli.parser import command
from jobtrack_core.entities import Source

if TYPE_CHECKING:
    from jobtrack.cli.parser import Subparsers

#: Where the server listens unless told otherwise (as ``jobtrack_web.server``).
HOST = "127.0.0.1"
PORT = 8000
INSTALL = "pip install 'jobtrack[web]'"


def port_number(text: str) -> int:
    """A TCP port: 0 (any free one) to 65535."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0 to 65535)")
    return value


def origin(text: str) -> str:
    """A web origin: ``https://app.example.com`` or ``http://localhost:3000``.

    >>> origin("https://App.example.com/")
    'https://app.example.com'
    """
    parts = urlsplit(text.strip())
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
        or parts.username
    ):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a web origin (such as https://app.example.com)"
        )
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname.lower()}{port}"


def serve(ctx: Context, args: argparse.Namespace) -> int:
    try:
        from jobtrack_web.server import serve as run_server
        from jobtrack_web.settings import WebSettings
    except ImportError:
        raise CliError(f"serving needs the web extra: {INSTALL}") from None
    app = ctx.app(create=True, source=Source.API)
    settings = WebSettings(cors_origins=tuple(dict.fromkeys(args.cors_origin or ())))

    def ready(url: str) -> None:
        print(f"Serving {ctx.database.shown} on {url}", flush=True)
        print(f"API docs: {url}/api/docs; press Ctrl-C to stop.", flush=True)

    try:
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C: the way to stop it
            run_server(
                app,
                host=args.host,
                port=args.port,
                settings=settings,
                log_level="warning",
                on_ready=ready,
            )
    except SystemExit:  # uvicorn exits when it cannot listen, having said why
        raise CliError(f"could not serve on {args.host}:{args.port}") from None
    print("Stopped.", file=sys.stderr)
    return 0


def register(subparsers: Subparsers) -> None:
    """``jobtrack serve``."""
    parser = command(
        subparsers,
        "serve",
        serve,
        help="serve the JSON API and the web app over HTTP",
        description=(
            "Serve the database over HTTP: the JSON API under /api (its docs at /api/docs),\n"
            "the web app at /. Listens on this machine only unless --host says otherwise.\n"
            f"Needs the web extra: {INSTALL}"
        ),
        epilog=(
            "Examples:\n"
            "  jobtrack serve\n"
            "  jobtrack serve --db shop.db --port 8080\n"
            "  jobtrack serve --cors-origin https://app.example.com"
        ),
    )
    parser.add_argument(
        "--host",
        default=HOST,
        help=f"the address to listen on (default {HOST}: this machine only; "
        "0.0.0.0 for every network)",
    )
    parser.add_argument(
        "--port",
        type=port_number,
        default=PORT,
        help=f"the port to listen on (default {PORT}; 0 picks a free one)",
    )
    parser.add_argument(
        "--cors-origin",
        action="append",
        type=origin,
        metavar="ORIGIN",
        help="a web origin whose pages may call the API from a browser "
        "(repeat for several; default none)",
    )
