"""The statements jobtrack's SQLite store runs, as its tracer sees them
(``SqliteStore(path, tracer=...)``): what the diagnostics replay, explain and time."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import attrs


@attrs.frozen
class Statement:
    """One statement the store ran: its SQL, its parameters, and when it was about to run
    (``time.perf_counter()``)."""

    sql: str
    parameters: Any
    at: float


class Recorder:
    """A tracer for the store: it keeps each statement while :meth:`recording`, and costs
    one call and one test per statement otherwise."""

    def __init__(self) -> None:
        self.statements: list[Statement] = []
        self.on = False

    def __call__(self, sql: str, parameters: Any) -> None:
        if self.on:
            self.statements.append(Statement(sql, parameters, time.perf_counter()))

    @contextmanager
    def recording(self) -> Iterator[list[Statement]]:
        """Record the statements run in the ``with`` block, into the list it gives."""
        self.statements, self.on = [], True
        try:
            yield self.statements
        finally:
            self.on = False


def the_one(statements: list[Statement], start: str) -> Statement:
    """The only statement that starts with ``start``."""
    (found,) = [s for s in statements if s.sql.startswith(start)]
    return found


__all__ = ["Recorder", "Statement", "the_one"]
