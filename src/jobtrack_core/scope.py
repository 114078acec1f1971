"""What every part of one user's workspace stands on: the store, the clock, the
user's calendar and owner-scoped lookups.

Each public method of a workspace runs in one unit of work, so a call that
raises has written nothing; :meth:`Scope.atomic` makes several calls one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import date, datetime
from typing import TYPE_CHECKING, Self

from jobtrack_core import fields as f
from jobtrack_core.entities import Customer, Job, User
from jobtrack_core.errors import NotFoundError
from jobtrack_core.history import Recorder
from jobtrack_core.periods import BusinessCalendar
from jobtrack_core.ports import UnitOfWork

if TYPE_CHECKING:
    from jobtrack_core.service import Jobtrack


class Scope:
    """One user's view of the store. Everything is scoped to ``user_id``: another
    user's records behave exactly as if they did not exist."""

    def __init__(self, app: Jobtrack, user_id: str, session_id: str | None = None) -> None:
        self._app = app
        self.user_id = user_id
        self.session_id = session_id

    def __repr__(self) -> str:
        return f"{type(self).__name__}(user_id={self.user_id!r})"

    @property
    def app(self) -> Jobtrack:
        """The service this workspace belongs to (its store, clock and settings)."""
        return self._app

    @contextmanager
    def atomic(self) -> Iterator[Self]:
        """Make every call inside the block one unit of work: all of it or none of it."""
        with self._app.unit():
            yield self

    def _tx(self, *, write: bool = True) -> AbstractContextManager[UnitOfWork]:
        return self._app.unit(write=write)

    def _recorder(self, uow: UnitOfWork) -> Recorder:
        """What records this user's changes in ``uow``."""
        return Recorder(uow, self.user_id, self.user_id, self._app.source, self._now())

    def _saved(self, recorder: Recorder) -> None:
        """Write the recorded changes; subscribers hear of them once they are committed."""
        self._app.announce(recorder.save())

    def _now(self) -> datetime:
        return self._app.now()

    # -- the user and their calendar ---------------------------------------------------
    @property
    def user(self) -> User:
        with self._tx(write=False) as uow:
            return self._user(uow)

    def _user(self, uow: UnitOfWork) -> User:
        user = uow.users.get(self.user_id)
        if user is None:
            raise NotFoundError("user", self.user_id)
        return user

    @property
    def calendar(self) -> BusinessCalendar:
        """The business's time zone and first day of the week: the account's own, else
        the application's (:class:`~jobtrack_core.service.Jobtrack`'s ``calendar``)."""
        with self._tx(write=False) as uow:
            return self._calendar(uow)

    def _calendar(self, uow: UnitOfWork) -> BusinessCalendar:
        return self._user(uow).calendar(self._app.calendar)

    def today(self) -> date:
        """The business's local date now."""
        return self.calendar.local_date(self._now())

    # -- owner-scoped lookups ------------------------------------------------------------
    def _customer(self, uow: UnitOfWork, customer_id: object) -> Customer:
        found = uow.customers.get(self.user_id, _id("customer_id", customer_id))
        if found is None:
            raise NotFoundError("customer", str(customer_id))
        return found

    def _job(self, uow: UnitOfWork, job_id: object) -> Job:
        found = uow.jobs.get(self.user_id, _id("job_id", job_id))
        if found is None:
            raise NotFoundError("job", str(job_id))
        return found


def _id(field: str, value: object) -> str:
    checked = f.check(field, f.ID, value)
    assert checked is not None
    return checked
