"""What one run of ``jobtrack`` works with: the database, the hasher, the acting user.

Settings come from options first, then the environment:

- ``--db PATH`` / ``JOBTRACK_DB``: the database (default ``./jobtrack.db``); a file
  path or a store URL (``sqlite:///file.db``, ``postgresql://...``, ``memory://``).
- ``JOBTRACK_TOKEN``: a session token to act with, instead of the saved login.
- ``JOBTRACK_SESSION_HOURS``: how long a new login lasts, in hours (default 24).
- ``JOBTRACK_TIMEZONE``: the business's IANA time zone for "today", weeks and
  months (default: this computer's zone, else UTC); ``JOBTRACK_WEEK_START``: the
  first day of the week (default ``monday``).
- ``JOBTRACK_INSECURE_FAST_HASH=1``: hash passwords with a weak, fast profile.
  For test suites only; passwords hashed this way are easy to crack.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shlex
import shutil
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from jobtrack.cli import session_file
from jobtrack_core.entities import Source
from jobtrack_core.errors import JobtrackError, SessionError
from jobtrack_core.passwords import Argon2Hasher, PasswordHasher
from jobtrack_core.periods import BusinessCalendar
from jobtrack_core.service import Jobtrack, SessionPolicy, Workspace

DEFAULT_DATABASE = "jobtrack.db"
ENV_DB = "JOBTRACK_DB"
ENV_TOKEN = "JOBTRACK_TOKEN"
ENV_SESSION_HOURS = "JOBTRACK_SESSION_HOURS"
ENV_FAST_HASH = "JOBTRACK_INSECURE_FAST_HASH"
ENV_TIMEZONE = "JOBTRACK_TIMEZONE"
ENV_WEEK_START = "JOBTRACK_WEEK_START"
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class CliError(JobtrackError):
    """A refusal the command line itself makes (exit status 1, or ``status``)."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


class UsageError(CliError):
    """The command was called wrongly (exit status 2)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, status=2)


@attrs.frozen
class Database:
    """Where the data lives: ``url`` to open, ``file`` on disk (if any), ``key`` naming it."""

    url: str
    file: Path | None
    key: str

    @classmethod
    def locate(cls, option: str | None) -> Database:
        """From ``--db``, else ``JOBTRACK_DB``, else ``./jobtrack.db``.

        >>> Database.locate("memory://").file is None
        True
        >>> Database.locate("sqlite:///data/x.db").file.name
        'x.db'
        >>> Database.locate("data/../x.db").key == Database.locate("./x.db").key
        True
        """
        url = option or os.environ.get(ENV_DB) or DEFAULT_DATABASE
        if url.startswith("sqlite://"):
            rest = url[len("sqlite://") :].split("?", 1)[0]
            if rest in ("", ":memory:", "/:memory:"):
                return cls(url, None, url)
            file = Path(rest[1:] if rest.startswith("/") else rest)
        elif "://" in url or url == ":memory:":
            return cls(url, None, url)
        else:
            file = Path(url)
        # One file, one name: however the path is spelled (``..``, ``./``, a symbolic
        # link), it names the same saved login.
        file = file.expanduser().resolve()
        return cls(str(file) if "://" not in url else url, file, str(file))

    @property
    def shown(self) -> str:
        """How to name the database in messages."""
        return str(self.file) if self.file is not None else self.url.split("@")[-1]


def session_policy() -> SessionPolicy:
    text = os.environ.get(ENV_SESSION_HOURS)
    if not text:
        return SessionPolicy()
    try:
        hours = float(text)
    except ValueError:
        hours = -1.0
    if not 0 <= hours <= 24 * 366:
        raise CliError(f"{ENV_SESSION_HOURS} must be a number of hours, got {text!r}")
    return SessionPolicy(lifetime=timedelta(hours=hours))


def password_hasher() -> PasswordHasher:
    if os.environ.get(ENV_FAST_HASH, "").lower() in ("1", "true", "yes"):
        return Argon2Hasher.for_tests()
    return Argon2Hasher()


def _system_zone() -> str:
    """This computer's IANA time zone name, or UTC when it cannot be told."""
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    with contextlib.suppress(OSError):
        target = os.path.realpath("/etc/localtime")
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])
    for name in candidates:
        if name:
            with contextlib.suppress(ValueError, OSError, ZoneInfoNotFoundError):
                ZoneInfo(name)
                return name
    return "UTC"


def business_calendar() -> BusinessCalendar:
    """The business's time zone and week, from the environment."""
    zone = os.environ.get(ENV_TIMEZONE) or _system_zone()
    week = os.environ.get(ENV_WEEK_START, "monday").strip().lower()
    if week not in _WEEKDAYS:
        raise CliError(f"{ENV_WEEK_START} must be a day of the week, got {week!r}")
    return BusinessCalendar(zone, week_start=_WEEKDAYS.index(week))


def invoked_as() -> str:
    """How the person started this command, for hints they can copy: ``jobtrack`` when it
    is on the PATH, else the path they typed (``.venv/bin/jobtrack``), or
    ``python -m jobtrack``."""
    first = sys.argv[0] if sys.argv else ""
    if not first or first.endswith("__main__.py") or first == "-m":
        return "python -m jobtrack"
    name = os.path.basename(first)
    found = shutil.which(name)
    with contextlib.suppress(OSError):
        if found and os.path.samefile(found, first):
            return name
    return first


class Context:
    """Opens what a command needs, once, and closes it at the end of the run."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.database = Database.locate(getattr(args, "db", None))
        self.json: bool = bool(getattr(args, "json", False))
        self._app: Jobtrack | None = None
        self._workspace: Workspace | None = None
        self._calendar: BusinessCalendar | None = None
        #: The database file and the folders this run created, to remove if it fails.
        self._created: list[Path] = []

    def command(self, *words: str) -> str:
        """A command to suggest, as the person would type it here: how they started
        ``jobtrack``, with the ``--db`` they gave (``jobtrack --db shop.db login``)."""
        given = getattr(self.args, "db", None)
        where = ["--db", shlex.quote(given)] if given else []
        return " ".join([invoked_as(), *where, *words])

    def login_hint(self, email: str | None = None) -> str:
        return f"run `{self.command('login', '--email', email or 'YOU@example.com')}`"

    @property
    def calendar(self) -> BusinessCalendar:
        if self._calendar is None:
            self._calendar = business_calendar()
        return self._calendar

    @property
    def session_path(self) -> Path:
        return session_file.path_for(self.database.key)

    def app(self, *, create: bool = False, source: Source = Source.CLI) -> Jobtrack:
        """The service over the database. Unless ``create``, a missing file is refused
        (so that a mistyped path does not quietly start an empty database). The history
        says its changes came from ``source`` (the command line, or ``jobtrack serve``'s
        API)."""
        if self._app is None:
            calendar, sessions, hasher = self.calendar, session_policy(), password_hasher()
            file = self.database.file
            if file is not None and not file.exists():
                if not create:
                    raise CliError(
                        f"no database at {file}; create one with `jobtrack demo` or "
                        "`jobtrack account register`, or choose one with --db or "
                        f"{ENV_DB}"
                    )
                self._created = _new_file(file)
            from jobtrack import open_store

            self._app = Jobtrack(
                open_store(self.database.url),
                hasher=hasher,
                sessions=sessions,
                calendar=calendar,
                source=source,  # the history says these changes came from here
            )
        return self._app

    def token(self) -> tuple[str, str | None] | None:
        """The token to act with and where it came from (None: the session file)."""
        from_env = os.environ.get(ENV_TOKEN)
        if from_env:
            return from_env, ENV_TOKEN
        saved = session_file.load(self.session_path)
        return (saved.token, None) if saved else None

    def workspace(self) -> Workspace:
        """The logged-in user's workspace, or a clear refusal saying how to log in."""
        if self._workspace is not None:
            return self._workspace
        app = self.app()
        found = self.token()
        if found is None:
            raise CliError(f"not logged in to {self.database.shown}; {self.login_hint()}")
        token, source = found
        try:
            self._workspace = app.authenticate(token)
        except SessionError as exc:
            saved = session_file.load(self.session_path) if source is None else None
            if saved is not None:
                session_file.remove(self.session_path)
            whose = f"the session in {source}" if source else "your session"
            why = {
                "expired": f"{whose} has expired",
                "revoked": f"{whose} was logged out",
            }.get(exc.reason, f"{whose} is not known to {self.database.shown}")
            raise CliError(f"{why}; {self.login_hint(saved.email if saved else None)}") from None
        return self._workspace

    def close(self, *, failed: bool = False) -> None:
        """Close the database; if the run ``failed``, remove the database file it created
        (with SQLite's files beside it). The folders made for a file that is gone (removed
        here, or by an import's dry run) are removed too."""
        if self._app is not None:
            self._app.close()
            self._app = None
        if not self._created:
            return
        file, *folders = self._created
        if failed:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{file}{suffix}").unlink(missing_ok=True)
        if not file.exists():
            for folder in folders:
                with contextlib.suppress(OSError):  # something else was put there meanwhile
                    folder.rmdir()
            self._created = []


def _new_file(file: Path) -> list[Path]:
    """Create the empty file ``file`` and the folders it needs; return the file, then
    the folders made, innermost first (none if another process created the file first)."""
    made: list[Path] = []
    for folder in reversed([p for p in (file.parent, *file.parent.parents) if not p.exists()]):
        with contextlib.suppress(FileExistsError):
            folder.mkdir()
            made.insert(0, folder)
    try:
        os.close(os.open(file, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
    except FileExistsError:
        return []
    return [file, *made]


#: What every command handler looks like.
Handler = Callable[[Context, argparse.Namespace], int | None]
