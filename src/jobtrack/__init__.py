"""jobtrack: customers, jobs, money and reports for service professionals.

>>> import jobtrack
>>> app = jobtrack.connect("memory://")
>>> user = app.register(email="sam@example.com", password="correct horse", name="Sam")

Everything public in :mod:`jobtrack_core` is available here too.
"""

from __future__ import annotations

import os
from typing import Any

from jobtrack.stores import open_store
from jobtrack_core import *  # noqa: F403 - the public API, re-exported
from jobtrack_core import __all__ as _core_all
from jobtrack_core.clock import Clock, IdFactory, system_clock, uuid7_ids
from jobtrack_core.entities import Source
from jobtrack_core.passwords import PasswordHasher
from jobtrack_core.periods import BusinessCalendar
from jobtrack_core.service import Jobtrack, SessionPolicy


def connect(
    url: str | os.PathLike[str] = "jobtrack.db",
    *,
    clock: Clock = system_clock,
    ids: IdFactory = uuid7_ids,
    hasher: PasswordHasher | None = None,
    sessions: SessionPolicy | None = None,
    calendar: BusinessCalendar | None = None,
    source: Source | str = Source.LIBRARY,
    **store_options: Any,
) -> Jobtrack:
    """Open the store at ``url`` (see :func:`open_store`) and return the service over it.

    The keyword arguments are :class:`Jobtrack`'s; any others go to the store.
    """
    return Jobtrack(
        open_store(url, **store_options),
        clock=clock,
        ids=ids,
        hasher=hasher,
        sessions=sessions,
        calendar=calendar,
        source=source,
    )


__all__ = ["connect", "open_store", *_core_all]
