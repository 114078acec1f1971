"""Where ``jobtrack login`` keeps the session token between commands.

One small JSON file per database, readable and writable only by its owner
(mode 0600, in a directory of mode 0700):

- ``$JOBTRACK_SESSION_FILE`` if set (one file, whatever the database);
- else ``$XDG_STATE_HOME/jobtrack/sessions/<key>.json``, where ``XDG_STATE_HOME``
  defaults to ``~/.local/state`` (``%LOCALAPPDATA%`` on Windows) and ``<key>`` is
  derived from the database's absolute path or URL, so logins to different
  databases do not mix.

The file holds the token, the account's email and when the session expires.
The token is a credential: anyone who can read the file can act as the user
until the session ends. ``jobtrack logout`` revokes it and deletes the file.

>>> import tempfile
>>> from datetime import UTC, datetime
>>> folder = tempfile.mkdtemp()
>>> path = Path(folder) / "session.json"
>>> save(path, SavedSession("secret", "sam@example.com", datetime(2030, 1, 1, tzinfo=UTC)))
>>> oct(path.stat().st_mode & 0o777) if os.name == "posix" else "0o600"
'0o600'
>>> load(path).email
'sam@example.com'
>>> remove(path), load(path)
(True, None)
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from datetime import datetime
from pathlib import Path

import attrs

#: Set this to use one fixed session file (tests, or several shells that must not share).
ENV_FILE = "JOBTRACK_SESSION_FILE"
_FORMAT = 1


@attrs.frozen
class SavedSession:
    """What the session file holds."""

    token: str = attrs.field(repr=False)
    email: str
    expires_at: datetime


def _state_home() -> Path:
    configured = os.environ.get("XDG_STATE_HOME")
    if configured and os.path.isabs(configured):
        return Path(configured)
    if os.name == "nt" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"])
    return Path.home() / ".local" / "state"


def path_for(database: str) -> Path:
    """The session file for ``database`` (an absolute path or a store URL)."""
    override = os.environ.get(ENV_FILE)
    if override:
        return Path(override)
    key = hashlib.sha256(database.encode("utf-8")).hexdigest()[:20]
    return _state_home() / "jobtrack" / "sessions" / f"{key}.json"


def save(path: Path, session: SavedSession) -> None:
    """Write ``session`` to ``path`` atomically, readable only by the current user."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    data = {
        "format": _FORMAT,
        "email": session.email,
        "expires_at": session.expires_at.isoformat(),
        "token": session.token,
    }
    fd, temporary = tempfile.mkstemp(prefix=".session-", dir=path.parent)  # created as 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as stream:
            json.dump(data, stream)
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def load(path: Path) -> SavedSession | None:
    """The saved session, or None if there is none (a damaged file counts as none)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return SavedSession(
            token=str(data["token"]),
            email=str(data["email"]),
            expires_at=datetime.fromisoformat(data["expires_at"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def remove(path: Path) -> bool:
    """Delete the session file; return whether there was one."""
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True
