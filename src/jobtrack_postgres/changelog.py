"""Schema version 5: each customer and job has a version, and each business a history.

- ``customers.version`` and ``jobs.version`` (``integer``, 1 for a new record, one more
  at each change; the workspace sets it, the store keeps it).
- ``history``: every change to a business's customers and jobs, keyed ``(user_id,
  seq)``, ``seq`` numbering the business's changes from 1 in the order they were
  committed. ``changes`` is ``jsonb``, a list of ``[field, old, new]``. Source, action and
  kind are checked against their names. The history references its owner (``ON DELETE
  CASCADE``: it goes with the account) and no record, since it outlives them. An index
  ``(user_id, kind, record_id, seq)`` serves a record's history, and the change feed's
  question of whether a record changed again later.
- ``history_heads``: per business, the last number handed out (``head``) and the lowest
  place a feed may continue from (``kept_from``, raised when pruning drops a deletion).
  Numbers are taken by updating this row, whose lock is then held until the
  transaction ends, so that a business's changes commit in the order of their numbers.

Every key includes the owner, first (:mod:`jobtrack_postgres.owner_keys`). The migration
gives every existing customer and job its "created" entry, as the library would have
recorded it (:func:`jobtrack_core.history.listed`, by the library, made by the owner when
the record was made), numbered per business in the order the records were made.

The statements are literal SQL, kept as version 5 wrote them: a database at version 4
is brought to 5 by exactly these, whatever later versions change.
"""

from __future__ import annotations

#: A ``timestamptz`` as Python's ``datetime.isoformat()`` writes a UTC time: microseconds
#: only when there are some, and the offset ``+00:00``.
_ISO = (
    "to_char({0} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS') || "
    "CASE WHEN to_char({0} AT TIME ZONE 'UTC', 'US') = '000000' THEN '' "
    "ELSE '.' || to_char({0} AT TIME ZONE 'UTC', 'US') END || '+00:00'"
)

V5: tuple[str, ...] = (
    # -- versions
    """
    ALTER TABLE customers
        ADD COLUMN version integer NOT NULL DEFAULT 1,
        ADD CONSTRAINT customers_version_check CHECK (version >= 1)
    """,
    """
    ALTER TABLE jobs
        ADD COLUMN version integer NOT NULL DEFAULT 1,
        ADD CONSTRAINT jobs_version_check CHECK (version >= 1)
    """,
    # -- the history
    """
    CREATE TABLE history (
        user_id   text COLLATE "C" NOT NULL,
        seq       bigint NOT NULL,
        at        timestamptz NOT NULL,
        actor_id  text COLLATE "C" NOT NULL,
        source    text COLLATE "C" NOT NULL,
        action    text COLLATE "C" NOT NULL,
        kind      text COLLATE "C" NOT NULL,
        record_id text COLLATE "C" NOT NULL,
        changes   jsonb NOT NULL DEFAULT '[]',
        cause     text COLLATE "C",
        CONSTRAINT history_pkey PRIMARY KEY (user_id, seq),
        CONSTRAINT history_seq_check CHECK (seq >= 1),
        CONSTRAINT history_source_check CHECK (source IN ('library', 'cli', 'import', 'api')),
        CONSTRAINT history_action_check CHECK (
            action IN ('created', 'updated', 'moved', 'paid', 'unpaid', 'deleted')
        ),
        CONSTRAINT history_kind_check CHECK (kind IN ('customer', 'job')),
        CONSTRAINT history_changes_check CHECK (jsonb_typeof(changes) = 'array'),
        CONSTRAINT history_user_id_fkey FOREIGN KEY (user_id)
            REFERENCES users (id) ON DELETE CASCADE
    )
    """,
    "CREATE INDEX history_record_idx ON history (user_id, kind, record_id, seq)",
    """
    CREATE TABLE history_heads (
        user_id   text COLLATE "C" NOT NULL,
        head      bigint NOT NULL DEFAULT 0,
        kept_from bigint NOT NULL DEFAULT 0,
        CONSTRAINT history_heads_pkey PRIMARY KEY (user_id),
        CONSTRAINT history_heads_check CHECK (0 <= kept_from AND kept_from <= head),
        CONSTRAINT history_heads_user_id_fkey FOREIGN KEY (user_id)
            REFERENCES users (id) ON DELETE CASCADE
    )
    """,
    # -- every record made before: its "created" entry
    f"""
    INSERT INTO history (user_id, seq, at, actor_id, source, action, kind, record_id, changes)
    SELECT user_id,
           row_number() OVER (PARTITION BY user_id ORDER BY created_at, kind, id),
           created_at, user_id, 'library', 'created', kind, id, changes
    FROM (
        SELECT user_id, 'customer' AS kind, id, created_at, jsonb_build_array(
            jsonb_build_array('name', NULL, name),
            jsonb_build_array('email', NULL, email),
            jsonb_build_array('phone', NULL, phone),
            jsonb_build_array('address', NULL, address),
            jsonb_build_array('business_name', NULL, business_name),
            jsonb_build_array('notes', NULL, notes)
        ) AS changes
        FROM customers
        UNION ALL
        SELECT user_id, 'job', id, created_at, jsonb_build_array(
            jsonb_build_array('customer_id', NULL, customer_id),
            jsonb_build_array('title', NULL, title),
            jsonb_build_array('description', NULL, description),
            jsonb_build_array('status', NULL, status),
            jsonb_build_array('estimated_cost', NULL, estimated_cost::text),
            jsonb_build_array('actual_cost', NULL, actual_cost::text),
            jsonb_build_array('estimated_hours', NULL, estimated_hours::text),
            jsonb_build_array('actual_hours', NULL, actual_hours::text),
            jsonb_build_array('due_date', NULL, to_char(due_date, 'YYYY-MM-DD')),
            jsonb_build_array('paid', NULL, paid),
            jsonb_build_array('paid_at', NULL, {_ISO.format("paid_at")}),
            jsonb_build_array('completed_at', NULL, {_ISO.format("completed_at")})
        )
        FROM jobs
    ) AS made
    """,
    """
    INSERT INTO history_heads (user_id, head)
    SELECT u.id, (SELECT count(*) FROM history h WHERE h.user_id = u.id) FROM users u
    """,
)

__all__ = ["V5"]
