"""Tracing: each statement the store runs, handed to a callable of yours first.

``PostgresStore(..., tracer=tracer)`` calls ``tracer(sql, params)`` before each
statement it sends: queries, ``COPY``, the settings it makes and its migrations,
with the parameters as given (``None`` when there are none). Transaction control
(``BEGIN``, ``SAVEPOINT``, ``COMMIT``, ``ROLLBACK``) is psycopg's own and not
traced. The store does it with psycopg's ``cursor_factory``: while a unit of work
holds a connection, its cursors are of a class made for the tracer, and the
connection gets its own class back afterwards. Without a tracer nothing is
changed, so tracing costs nothing unless it is asked for.

>>> seen = []
>>> cursor_class = traced_cursor(lambda sql, params: seen.append(sql))
>>> issubclass(cursor_class, psycopg.Cursor)
True
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Self, cast

import psycopg
from psycopg import sql
from psycopg.abc import Params, Query, QueryNoTemplate

#: What a tracer is called with: the statement's text and its parameters.
Tracer = Callable[[str, Any], object]


def _text(query: Query, conn: psycopg.Connection[Any]) -> str:
    if isinstance(query, str):
        return query
    if isinstance(query, bytes):
        return query.decode()
    if isinstance(query, sql.Composable):
        return query.as_string(conn)
    return str(query)


def traced_cursor(tracer: Tracer) -> type[psycopg.Cursor[Any]]:
    """A cursor class that hands each statement to ``tracer`` before running it."""

    class TracedCursor(psycopg.Cursor[Any]):
        def execute(
            self,
            query: Query,
            params: Params | None = None,
            *,
            prepare: bool | None = None,
            binary: bool | None = None,
        ) -> Self:
            tracer(_text(query, self.connection), params)
            statement = cast("QueryNoTemplate", query)
            return super().execute(statement, params, prepare=prepare, binary=binary)

        @contextmanager
        def copy(
            self,
            statement: Query,
            params: Params | None = None,
            *,
            writer: Any = None,
        ) -> Iterator[psycopg.Copy]:
            tracer(_text(statement, self.connection), params)
            with super().copy(statement, params, writer=writer) as copy:
                yield copy

    return TracedCursor


__all__ = ["Tracer", "traced_cursor"]
