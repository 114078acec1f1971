"""Schema version 6 (continued): the cash received per day, a running total of payments.

Cash received (:meth:`~jobtrack_core.ports.ReportQueries.cash_between`) sums an owner's
standing payments per period and method. Read from ``payments``, a month of a busy
business is thousands of rows; ``cash_days`` holds the sums per owner, day received
and method, so that a month is at most 31 rows per method:

- ``received_cents`` and ``receipts``: the standing (not voided) deposits and payments;
- ``refunded_cents`` and ``refunds``: the standing refunds.

It is kept like every other running total (:mod:`jobtrack_postgres.deltas`): the rows
are in ``cash_days_base`` (half of each page left free), the first statement of a
transaction that changes the running totals changes them in place, every later one
inserts its net change into ``cash_days_delta`` and notes its transaction in
``totals_pending``, and ``jobtrack_fold_totals()`` adds the deltas in as the transaction
commits; ``cash_days`` is the view adding the reading transaction's own deltas. Statement
triggers with transition tables on ``payments`` keep it exact after every insert (``COPY``
included), update (a void, a hand edit of the amount, kind, method or day) and delete
(the cascades from a job, a customer or an account included). A row whose receipts and
refunds both fall to zero is deleted.
"""

from __future__ import annotations

from jobtrack_postgres import deltas

#: The key columns of ``cash_days``, then its summed columns.
KEYS = ("user_id", "received_on", "method")
SUMS = ("received_cents", "receipts", "refunded_cents", "refunds")

_RECEIPT = "r.kind <> 'refund'"
_REFUND = "r.kind = 'refund'"
#: ``cash_days`` column -> one payment row ``r``'s contribution, when it is standing.
CASH = {
    "received_cents": f"CASE WHEN {_RECEIPT} THEN r.amount_cents ELSE 0 END",
    "receipts": f"({_RECEIPT})::int",
    "refunded_cents": f"CASE WHEN {_REFUND} THEN r.amount_cents ELSE 0 END",
    "refunds": f"({_REFUND})::int",
}
assert tuple(CASH) == SUMS

_TEXT = 'text COLLATE "C"'
_KEYS = ", ".join(KEYS)
_COLUMNS = ", ".join((*KEYS, *SUMS))
_ORDER = "ORDER BY 1, 2, 3"
_ZERO = "receipts = 0 AND refunds = 0"


def _table(name: str, key: str) -> str:
    sums = ",\n        ".join(f"{c} bigint NOT NULL DEFAULT 0" for c in SUMS)
    return f"""
    CREATE TABLE {name} (
        user_id     {_TEXT} NOT NULL,
        received_on date NOT NULL,
        method      {_TEXT} NOT NULL,
        {sums}{key}
    )"""


TABLES = (
    _table("cash_days_base", f",\n        PRIMARY KEY ({_KEYS})") + " WITH (fillfactor = 50)",
    _table("cash_days_delta", ""),
    f"CREATE INDEX cash_days_delta_key_idx ON cash_days_delta ({_KEYS})",
)


def _net(source: str) -> str:
    """The net change of the payment rows of ``source`` (rows with a ``sign``) per owner,
    day and method: only the standing payments count, keys whose change is zero are left
    out (a note edited changes nothing), and so are owners already deleted (their
    account's trigger has dropped their rows)."""
    sums = ", ".join(f"sum(r.sign * ({e})) AS {c}" for c, e in CASH.items())
    return (
        f"SELECT * FROM (SELECT r.user_id, r.received_on, r.method, {sums} FROM ({source}) r "
        f"WHERE r.voided_at IS NULL GROUP BY 1, 2, 3) s "
        f"WHERE ({', '.join(SUMS)}) <> (0, 0, 0, 0) "
        "AND EXISTS (SELECT FROM users x WHERE x.id = s.user_id)"
    )


_SET = ", ".join(f"{c} = t.{c} + excluded.{c}" for c in SUMS)


def _add(rows: str, ctes: str = "") -> str:
    """A PL/pgSQL block adding ``rows`` (key and sums, one row per key) to
    ``cash_days_base`` in key order (so that concurrent writers lock rows in one order),
    then deleting the rows left with no receipt and no refund."""
    return f"""
        DECLARE
            owners text[];
            days date[];
            methods text[];
        BEGIN
            WITH {ctes}u AS (INSERT INTO cash_days_base AS t ({_COLUMNS})
                {rows} {_ORDER}
                ON CONFLICT ({_KEYS}) DO UPDATE SET {_SET}
                RETURNING t.user_id, t.received_on, t.method, t.receipts, t.refunds)
            SELECT array_agg(user_id), array_agg(received_on), array_agg(method)
            INTO owners, days, methods FROM u WHERE {_ZERO};
            IF owners IS NOT NULL THEN
                DELETE FROM cash_days_base t
                USING unnest(owners, days, methods) AS z(user_id, received_on, method)
                WHERE (t.user_id, t.received_on, t.method) = (z.user_id, z.received_on, z.method)
                AND t.receipts = 0 AND t.refunds = 0;
            END IF;
        END;"""


def _to_deltas(source: str) -> str:
    return f"""
        WITH c AS (INSERT INTO cash_days_delta ({_COLUMNS}) {_net(source)} RETURNING 1)
        INSERT INTO totals_pending (txid) SELECT txid_current() WHERE EXISTS (SELECT FROM c)
        ON CONFLICT (txid) DO NOTHING;"""


def _function(name: str, source: str) -> str:
    """A trigger function of ``payments``: the change made in place by the first statement
    of a transaction that changes the running totals, as deltas by every later one."""
    return f"""
    CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF current_setting('{deltas.FLAG}', true) = 'yes' THEN{_to_deltas(source)}
        ELSE{_add(_net(source))}
            PERFORM set_config('{deltas.FLAG}', 'yes', true);
        END IF;
        RETURN NULL;
    END
    $$
    """


def _rows(transition: str, sign: int) -> str:
    return f"SELECT p.*, {sign} AS sign FROM {transition} p"


FUNCTIONS = (
    _function("jobtrack_payments_inserted", _rows("new_rows", 1)),
    _function("jobtrack_payments_deleted", _rows("old_rows", -1)),
    _function(
        "jobtrack_payments_updated", f"{_rows('old_rows', -1)} UNION ALL {_rows('new_rows', 1)}"
    ),
    # An account's rows go with it (the cascade to its payments finds it gone).
    deltas.users_deleted(("cash_days",)),
)

#: Statements of ``jobtrack_fold_totals()`` moving the transaction's deltas of
#: ``cash_days`` into ``cash_days_base``.
FOLD = _add(
    f"SELECT {_KEYS}, {', '.join(f'sum({c})' for c in SUMS)} FROM d GROUP BY {_KEYS}",
    "d AS (DELETE FROM cash_days_delta RETURNING *),\n            ",
)

TRIGGERS = tuple(
    f"CREATE TRIGGER payments_totals_{event.lower()} AFTER {event} ON payments "
    f"REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION jobtrack_payments_{done}()"
    for event, tables, done in (
        ("INSERT", "NEW TABLE AS new_rows", "inserted"),
        ("DELETE", "OLD TABLE AS old_rows", "deleted"),
        ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows", "updated"),
    )
)

_SUMMED = ", ".join(f"sum({c})::bigint AS {c}" for c in SUMS)
VIEW = (
    f"CREATE VIEW cash_days AS SELECT {_KEYS}, {_SUMMED} FROM (SELECT {_COLUMNS} "
    f"FROM cash_days_base UNION ALL SELECT {_COLUMNS} FROM cash_days_delta) u "
    f"GROUP BY {_KEYS} HAVING sum(receipts) <> 0 OR sum(refunds) <> 0"
)

#: The sums of the payments already there (the triggers keep them from then on).
BACKFILL = f"INSERT INTO cash_days_base ({_COLUMNS}) {_net(_rows('payments', 1))} {_ORDER}"

#: ``cash_days`` recomputed from the payments as deltas of the calling transaction (for
#: checks; ``jobtrack_fold_totals()`` adds them in).
REBUILD = (
    "DELETE FROM cash_days_delta",
    "DELETE FROM cash_days_base",
    f"INSERT INTO cash_days_delta ({_COLUMNS}) {_net(_rows('payments', 1))}",
)

#: ``cash_days``, created once the opening payments exist, and filled from them.
V6: tuple[str, ...] = (*TABLES, *FUNCTIONS, *TRIGGERS, VIEW, BACKFILL)

__all__ = ["CASH", "FOLD", "KEYS", "REBUILD", "SUMS", "V6"]
