"""Schema version 3: the running totals stay cheap to change inside a long transaction.

Why. In version 2 every statement that changed jobs or customers updated, in place,
the owner's ``owner_totals`` row (and the customer's, the day's). PostgreSQL writes a
new version of a row at each update, and the versions written by a transaction that
is still open cannot be pruned, not even by that transaction; every later read or
update of the row walks all of them. Inside one long unit of work (an import, a script
in ``Workspace.atomic()``) each write therefore cost more than the one before, and the
unit of work as a whole the square of its writes (docs/performance.md has the figures).
Nested units of work made it worse: each is a savepoint,
and ``INSERT ... ON CONFLICT DO UPDATE`` of a row last written under another savepoint
leaves a MultiXact in the old version, which every later walk must look up.

How. The four tables keep their rows under new names, ``owner_totals_base``,
``customer_totals_base``, ``paid_days_base`` and ``open_due_days_base``. The first
statement of a transaction that changes them updates them in place, as before: a
transaction of one write costs what it did. A later statement of the same
transaction (the transaction-local setting ``jobtrack.totals_changed`` says there was
one) *inserts* its net change per owner, customer, day or due date into
``<name>_delta`` instead, and records its transaction in ``totals_pending``. A row that
is only ever inserted grows no chain of versions, so a write costs the same at the
twenty-thousandth statement of a unit of work as at the second. A deferred constraint
trigger on ``totals_pending`` runs ``jobtrack_fold_totals()`` (:func:`fold`) as the
transaction commits: it moves the transaction's deltas into the ``_base`` rows, one
update per row, in key order.

Reads see exact totals after every statement, as before: ``owner_totals``,
``customer_totals``, ``paid_days`` and ``open_due_days`` are now views adding the
reading transaction's own deltas to the ``_base`` rows (another transaction's deltas
are not committed, so not visible, and are folded before its commit). A delta lives as
long as the transaction or savepoint that wrote it: a rollback takes it away with the
rows that caused it, and undoes the setting with them. A transaction that has written
nothing has no deltas, so a read-only unit of work reads the ``_base`` tables directly.

``customer_totals.last_job_at`` is not a sum, so it is no longer stored: the view
reads it from ``jobs_owner_customer_idx`` (the newest job of the customer, one index
probe), as version 2's triggers did after every update and delete of a job.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from jobtrack_postgres import totals

#: The key columns of each table, in version 2's column order.
KEYS = {
    "owner_totals": ("user_id",),
    "customer_totals": ("customer_id", "user_id"),
    "paid_days": ("user_id", "day"),
    "open_due_days": ("user_id", "due_date"),
}


@attrs.frozen
class Figures:
    """The summed columns of ``owner_totals`` and ``customer_totals``, each with one job
    row ``r``'s contribution: every statement of the running totals is generated from
    one of these, so that a later version may add figures without changing what an
    earlier version's statements were."""

    owner: Mapping[str, str]
    customer: Mapping[str, str]

    @property
    def sums(self) -> dict[str, tuple[str, ...]]:
        """The summed columns of each table, in column order."""
        return {
            "owner_totals": ("customers", *self.owner),
            "customer_totals": tuple(self.customer),
            "paid_days": ("cents", "jobs"),
            "open_due_days": ("jobs",),
        }

    @property
    def job_changes(self) -> dict[str, tuple[tuple[str, ...], tuple[str, ...], str]]:
        """Per table: the key expressions, the summed expressions and the filter of one
        job row ``r``'s contribution, which ``r.sign`` (+1 or -1) adds or takes away."""
        return {
            "owner_totals": (("r.user_id",), ("0", *_signed(self.owner)), ""),
            "customer_totals": (("r.customer_id", "r.user_id"), _signed(self.customer), ""),
            "paid_days": (
                ("r.user_id", totals.DAY),
                ("sum(r.sign * coalesce(r.actual_cost_cents, 0))", "sum(r.sign)"),
                f" WHERE {totals.PAID}",
            ),
            "open_due_days": (
                ("r.user_id", "r.due_date"),
                ("sum(r.sign)",),
                f" WHERE {totals.OPEN_DUE}",
            ),
        }


def _signed(expressions: Mapping[str, str]) -> tuple[str, ...]:
    return tuple(f"sum(r.sign * ({e}))" for e in expressions.values())


#: The figures of versions 3 to 5.
V3_FIGURES = Figures(totals.OWNER, totals.CUSTOMER)

#: The unique key each table's rows were upserted on in version 3 (the key columns
#: where not named); since version 4 every ``_base`` table's key is all its key columns.
V3_CONFLICT = {"customer_totals": "customer_id"}
#: Tables whose rows are deleted when this count falls to zero (the overdue count reads
#: one row per due date that has open jobs, not one per date ever used).
_COUNT = {"paid_days": "jobs", "open_due_days": "jobs"}
#: Set (transaction-local) by a statement that changed the totals in place.
FLAG = "jobtrack.totals_changed"

_DATE_KEYS = {"day", "due_date"}


def _type(column: str) -> str:
    return "numeric(16, 2)" if column in totals.NUMERIC else "bigint"


def _present(table: str) -> str:
    """That the owner of change ``s`` (for ``customer_totals``, its customer) still
    exists. When a user or a customer is deleted, its own trigger drops its totals, and
    the triggers of the rows the delete cascades to run when it is already gone (before
    or after that trigger): their changes are left out rather than left behind."""
    if table == "customer_totals":
        return (
            "EXISTS (SELECT FROM customers x WHERE x.user_id = s.user_id AND x.id = s.customer_id)"
        )
    return "EXISTS (SELECT FROM users x WHERE x.id = s.user_id)"


def _net(table: str, figures: Figures) -> str:
    """The net change of the job rows ``r`` per key of ``table``: keys whose change is
    zero in every column are left out (a title edit changes nothing)."""
    keys, values, where = figures.job_changes[table]
    sums = figures.sums[table]
    named = ", ".join(
        f"{v} AS {c}" for v, c in zip((*keys, *values), (*KEYS[table], *sums), strict=True)
    )
    zeros = ", ".join("0" for _ in sums)
    return (
        f"SELECT * FROM (SELECT {named} FROM r{where} GROUP BY {', '.join(keys)}) s "
        f"WHERE ({', '.join(sums)}) <> ({zeros}) AND {_present(table)}"
    )


Conflict = dict[str, str]


def _upsert(table: str, ctes: str, rows: str, conflict: Conflict, figures: Figures) -> str:
    """Statements adding ``rows`` (key and sums, one row per key) to ``table``'s
    ``_base`` rows in key order, then deleting the rows whose count fell to zero. The
    calling function declares ``owners text[]`` and ``keys date[]``. ``conflict`` gives
    the unique key of a table whose key is not all its key columns."""
    keys, sums = KEYS[table], figures.sums[table]
    order = ", ".join(str(n + 1) for n in range(len(keys)))
    upsert = (
        f"INSERT INTO {table}_base AS t ({', '.join((*keys, *sums))})\n"
        f"        {rows} ORDER BY {order}\n"
        f"        ON CONFLICT ({conflict.get(table, ', '.join(keys))}) DO UPDATE SET "
        + ", ".join(f"{c} = t.{c} + excluded.{c}" for c in sums)
    )
    if table not in _COUNT:
        return f"\n        WITH {ctes}\n        {upsert};"
    a, b = keys
    count = _COUNT[table]
    return f"""
        WITH {ctes},
        u AS ({upsert}
            RETURNING t.{a}, t.{b}, t.{count})
        SELECT array_agg({a}), array_agg({b}) INTO owners, keys FROM u WHERE {count} = 0;
        IF owners IS NOT NULL THEN
            DELETE FROM {table}_base t USING unnest(owners, keys) AS z({a}, {b})
            WHERE t.{a} = z.{a} AND t.{b} = z.{b} AND t.{count} = 0;
        END IF;"""


_NOTE = "INSERT INTO totals_pending (txid) SELECT txid_current() {} ON CONFLICT (txid) DO NOTHING"


def _to_deltas(source: str, figures: Figures) -> str:
    """One statement adding the net change of the job rows of ``source`` (job rows with a
    ``sign``) to the deltas, and noting the transaction for :func:`fold`."""
    ctes = [f"r AS ({source})"]
    for name, table in zip("ocpd", KEYS, strict=True):
        columns = ", ".join((*KEYS[table], *figures.sums[table]))
        ctes.append(
            f"{name} AS (INSERT INTO {table}_delta ({columns})\n"
            f"        {_net(table, figures)}\n        RETURNING 1)"
        )
    changed = " OR ".join(f"EXISTS (SELECT FROM {name})" for name in "ocpd")
    listed = ",\n        ".join(ctes)
    return f"""
        WITH {listed}
        {_NOTE.format(f"WHERE {changed}")};"""


def _in_place(source: str, conflict: Conflict, figures: Figures) -> str:
    """Statements adding the net change of the job rows of ``source`` to the ``_base``
    rows, table by table in a fixed order (so that concurrent writers lock rows in one
    order)."""
    return "".join(
        _upsert(table, f"r AS ({source})", _net(table, figures), conflict, figures)
        for table in KEYS
    )


def _either(in_place: str, to_deltas: str) -> str:
    """The body of a trigger function: the change made in place by the first statement
    of a transaction that changes the totals, as deltas by every later one."""
    return f"""
    IF current_setting('{FLAG}', true) = 'yes' THEN{to_deltas}
    ELSE{in_place}
        PERFORM set_config('{FLAG}', 'yes', true);
    END IF;"""


def _jobs(source: str, conflict: Conflict, figures: Figures) -> str:
    return _either(_in_place(source, conflict, figures), _to_deltas(source, figures))


def _rows(transition: str, sign: int) -> str:
    return f"SELECT j.*, {sign} AS sign FROM {transition} j"


def _customers(transition: str, sign: str) -> str:
    """The customers count of each owner of the customer rows in ``transition``."""
    rows = (
        f"SELECT * FROM (SELECT user_id, {sign}count(*) AS customers FROM {transition} "
        f"GROUP BY user_id) s WHERE {_present('owner_totals')}"
    )
    in_place = f"""
        INSERT INTO owner_totals_base AS t (user_id, customers)
        {rows} ORDER BY 1
        ON CONFLICT (user_id) DO UPDATE SET customers = t.customers + excluded.customers;"""
    to_deltas = f"""
        WITH o AS (INSERT INTO owner_totals_delta (user_id, customers) {rows} RETURNING 1)
        {_NOTE.format("WHERE EXISTS (SELECT FROM o)")};"""
    return _either(in_place, to_deltas)


def _forget(table: str, where: str) -> str:
    return f"""
    DELETE FROM {table}_base WHERE {where};
    DELETE FROM {table}_delta WHERE {where};"""


def _function(name: str, body: str) -> str:
    return f"""
    CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        owners text[];
        keys date[];
    BEGIN{body}
        RETURN NULL;
    END
    $$
    """


def _folded(table: str, conflict: Conflict, figures: Figures) -> str:
    keys, sums = ", ".join(KEYS[table]), figures.sums[table]
    totalled = ", ".join(f"sum({c})" for c in sums)
    return _upsert(
        table,
        f"d AS (DELETE FROM {table}_delta RETURNING *)",
        f"SELECT {keys}, {totalled} FROM d GROUP BY {keys}",
        conflict,
        figures,
    )


def fold(
    conflict: Conflict, create: str = "CREATE", figures: Figures = V3_FIGURES, more: str = ""
) -> str:
    """The function that moves the calling transaction's deltas into the ``_base`` rows
    (``more``: statements folding the deltas of totals kept elsewhere, run after these)."""
    return f"""
    {create} FUNCTION jobtrack_fold_totals() RETURNS void LANGUAGE plpgsql AS $$
    DECLARE
        owners text[];
        keys date[];
    BEGIN{"".join(_folded(table, conflict, figures) for table in KEYS)}{more}
        DELETE FROM totals_pending WHERE txid = txid_current();
    END
    $$
    """


def job_functions(conflict: Conflict, figures: Figures = V3_FIGURES) -> tuple[str, ...]:
    """The trigger functions of ``jobs``, which change every table of totals."""
    return (
        _function("jobtrack_jobs_inserted", _jobs(_rows("new_rows", 1), conflict, figures)),
        _function("jobtrack_jobs_deleted", _jobs(_rows("old_rows", -1), conflict, figures)),
        _function(
            "jobtrack_jobs_updated",
            _jobs(f"{_rows('old_rows', -1)} UNION ALL {_rows('new_rows', 1)}", conflict, figures),
        ),
    )


def _delta_table(table: str, figures: Figures = V3_FIGURES) -> tuple[str, str]:
    keys = ", ".join(
        f"{k} {'date' if k in _DATE_KEYS else totals.TEXT} NOT NULL" for k in KEYS[table]
    )
    sums = ", ".join(f"{c} {_type(c)} NOT NULL DEFAULT 0" for c in figures.sums[table])
    owner_first = ", ".join(sorted(KEYS[table], key=lambda k: k != "user_id"))
    return (
        f"CREATE TABLE {table}_delta ({keys}, {sums})",
        f"CREATE INDEX {table}_delta_key_idx ON {table}_delta ({owner_first})",
    )


def view(table: str, figures: Figures = V3_FIGURES) -> str:
    """The committed figures plus the reading transaction's deltas, one row per key."""
    keys, sums = ", ".join(KEYS[table]), ", ".join(figures.sums[table])
    totalled = ", ".join(f"sum({c})::{_type(c)} AS {c}" for c in figures.sums[table])
    grouped = (
        f"SELECT {keys}, {totalled} FROM (SELECT {keys}, {sums} FROM {table}_base "
        f"UNION ALL SELECT {keys}, {sums} FROM {table}_delta) u GROUP BY {keys}"
    )
    if table in _COUNT:
        grouped += f" HAVING sum({_COUNT[table]}) <> 0"
    if table != "customer_totals":
        return f"CREATE VIEW {table} AS {grouped}"
    return (
        f"CREATE VIEW {table} AS SELECT t.*, (SELECT max(j.created_at) FROM jobs j "
        "WHERE j.user_id = t.user_id AND j.customer_id = t.customer_id) AS last_job_at "
        f"FROM ({grouped}) t"
    )


TABLES = (
    *(f"ALTER TABLE {table} RENAME TO {table}_base" for table in KEYS),
    "ALTER TABLE customer_totals_base DROP COLUMN last_job_at",
    # The customer_totals view finds an owner's customers by owner.
    "CREATE INDEX customer_totals_base_owner_idx ON customer_totals_base (user_id, customer_id)",
    *(statement for table in KEYS for statement in _delta_table(table)),
    "CREATE TABLE totals_pending (txid bigint NOT NULL PRIMARY KEY)",
)


def users_deleted(more: tuple[str, ...] = ()) -> str:
    """The trigger function of ``users`` deleting the totals of the deleted owners (and
    those of the tables in ``more``, kept elsewhere with the same two parts)."""
    return _function(
        "jobtrack_users_deleted",
        "".join(_forget(table, "user_id IN (SELECT id FROM old_rows)") for table in (*KEYS, *more)),
    )


FUNCTIONS = (
    fold(V3_CONFLICT),
    _function("jobtrack_totals_commit", "\n    PERFORM jobtrack_fold_totals();"),
    *job_functions(V3_CONFLICT),
    _function("jobtrack_customers_inserted", _customers("new_rows", "")),
    _function(
        "jobtrack_customers_deleted",
        _customers("old_rows", "-")
        + _forget(
            "customer_totals", "(user_id, customer_id) IN (SELECT user_id, id FROM old_rows)"
        ),
    ),
    users_deleted(),
)

TRIGGERS = (
    "CREATE CONSTRAINT TRIGGER totals_pending_fold AFTER INSERT ON totals_pending "
    "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION jobtrack_totals_commit()",
)

VIEWS = tuple(view(table) for table in KEYS)

V3: tuple[str, ...] = (*TABLES, *FUNCTIONS, *TRIGGERS, *VIEWS)

#: The summed columns of each table in versions 3 to 5, in version 2's column order.
SUMS = V3_FIGURES.sums


def rebuild(figures: Figures) -> tuple[str, ...]:
    """Every total recomputed from the tables, in the calling transaction (for checks)."""
    return (
        *(f"DELETE FROM {table}_{part}" for table in KEYS for part in ("delta", "base")),
        "INSERT INTO owner_totals_delta (user_id, customers) "
        "SELECT user_id, count(*) FROM customers GROUP BY user_id",
        _to_deltas(_rows("jobs", 1), figures).strip().rstrip(";"),
        "SELECT jobtrack_fold_totals()",
    )


def add_jobs(figures: Figures) -> tuple[str, ...]:
    """Statements adding every job's contribution to the ``_base`` rows (a backfill)."""
    return tuple(
        s.strip() for s in _in_place(_rows("jobs", 1), {}, figures).split(";") if s.strip()
    )


__all__ = [
    "FLAG",
    "KEYS",
    "SUMS",
    "V3",
    "V3_CONFLICT",
    "V3_FIGURES",
    "Figures",
    "add_jobs",
    "fold",
    "job_functions",
    "rebuild",
    "users_deleted",
    "view",
]
