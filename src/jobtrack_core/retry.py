"""Trying a unit of work again when the store says it may succeed next time.

A :class:`~jobtrack_core.errors.RetryableError` means nothing was written and the
same request may go through a moment later: another process held the write lock
past the store's timeout, or PostgreSQL cancelled a transaction to keep
concurrent ones serializable. :func:`retrying` wraps a function so that such a
failure runs the whole function again, after a short, growing, jittered wait
(exponential backoff, by stamina). Every other error is final and raised at once.

>>> import jobtrack
>>> app = jobtrack.connect("memory://")
>>> @retrying(attempts=3)
... def sign_up(email: str) -> str:
...     return app.register(email=email, password="correct horse", name="Sam").id
>>> user_id = sign_up("sam@example.com")

Wrap the whole unit of work (a function that opens ``ws.atomic()`` or calls one
workspace method), never a call made inside another unit of work: once the
database has refused a transaction, only a new transaction can succeed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar

import stamina

from jobtrack_core.errors import RetryableError

P = ParamSpec("P")
T = TypeVar("T")


def retrying(
    *,
    attempts: int = 5,
    timeout: float = 10.0,
    wait_initial: float = 0.02,
    wait_max: float = 1.0,
) -> Callable[[Callable[P, T]], Callable[P, T]]:
    """A decorator: call the function again on :class:`RetryableError`, at most
    ``attempts`` times in all and for at most ``timeout`` seconds, waiting from
    ``wait_initial`` up to ``wait_max`` seconds (doubling, with jitter) in between."""
    return stamina.retry(
        on=RetryableError,
        attempts=attempts,
        timeout=timeout,
        wait_initial=wait_initial,
        wait_max=wait_max,
        wait_jitter=wait_initial,
    )


__all__ = ["retrying"]
