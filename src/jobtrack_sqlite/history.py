"""The statements of schema versions 1 to 6, exactly as those versions wrote them.

A database at an earlier version is upgraded by running each later version's
migration in turn (:mod:`jobtrack_sqlite.migrations`), so these must never
change: they are kept here as literal SQL, apart from the code that writes the
current schema (:mod:`jobtrack_sqlite.schema`, :mod:`jobtrack_sqlite.totals`).
"""

from __future__ import annotations

#: Version 1: users, customers, jobs and sessions.
VERSION_1 = (
    """CREATE TABLE users (
    id TEXT NOT NULL PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    business_name TEXT,
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z') CONSTRAINT valid_created_at CHECK (created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]Z'),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z') CONSTRAINT valid_updated_at CHECK (updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]Z')
) STRICT""",
    """CREATE TABLE customers (
    id TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    address TEXT,
    business_name TEXT,
    notes TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z') CONSTRAINT valid_created_at CHECK (created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]Z'),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z') CONSTRAINT valid_updated_at CHECK (updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]Z'),
    UNIQUE (user_id, id)
) STRICT""",
    """CREATE TABLE jobs (
    id TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    customer_id TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT,
    status TEXT NOT NULL DEFAULT 'pending' CONSTRAINT valid_status
        CHECK (status IN ('pending', 'in_progress', 'completed', 'cancelled')),
    estimated_cost REAL GENERATED ALWAYS AS (estimated_cost_cents / 100.0) VIRTUAL,
    actual_cost REAL GENERATED ALWAYS AS (actual_cost_cents / 100.0) VIRTUAL,
    estimated_hours REAL GENERATED ALWAYS AS (estimated_hours_hundredths / 100.0) VIRTUAL,
    actual_hours REAL GENERATED ALWAYS AS (actual_hours_hundredths / 100.0) VIRTUAL,
    due_date TEXT CONSTRAINT valid_due_date CHECK (due_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    paid INTEGER NOT NULL DEFAULT 0 CONSTRAINT valid_paid CHECK (paid IN (0, 1)),
    completed_at TEXT  CONSTRAINT valid_completed_at CHECK (completed_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]Z'),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z') CONSTRAINT valid_created_at CHECK (created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]Z'),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z') CONSTRAINT valid_updated_at CHECK (updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]Z'),
    estimated_cost_cents INTEGER CONSTRAINT valid_estimated_cost CHECK (estimated_cost_cents BETWEEN 0 AND 999999999999),
    actual_cost_cents INTEGER CONSTRAINT valid_actual_cost CHECK (actual_cost_cents BETWEEN 0 AND 999999999999),
    estimated_hours_hundredths INTEGER CONSTRAINT valid_estimated_hours CHECK (estimated_hours_hundredths BETWEEN 0 AND 999999999999),
    actual_hours_hundredths INTEGER CONSTRAINT valid_actual_hours CHECK (actual_hours_hundredths BETWEEN 0 AND 999999999999),
    paid_at TEXT  CONSTRAINT valid_paid_at CHECK (paid_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]Z'),
    FOREIGN KEY (user_id, customer_id) REFERENCES customers (user_id, id) ON DELETE CASCADE
) STRICT""",
    """CREATE TABLE sessions (
    id TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    expires_at TEXT NOT NULL CONSTRAINT valid_expires_at CHECK (expires_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]Z'),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z') CONSTRAINT valid_created_at CHECK (created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]Z'),
    last_used_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z') CONSTRAINT valid_last_used_at CHECK (last_used_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]Z'),
    revoked_at TEXT  CONSTRAINT valid_revoked_at CHECK (revoked_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]Z')
) STRICT""",
    """CREATE INDEX idx_customers_user_name ON customers (user_id, name, id)""",
    """CREATE INDEX idx_jobs_user_created ON jobs (user_id, created_at, id)""",
    """CREATE INDEX idx_jobs_user_customer ON jobs (user_id, customer_id, created_at, id)""",
    """CREATE INDEX idx_jobs_user_status ON jobs (user_id, status, created_at, id)""",
    """CREATE INDEX idx_jobs_user_due ON jobs (user_id, due_date, id)""",
    """CREATE INDEX idx_jobs_user_updated ON jobs (user_id, updated_at, id)""",
    """CREATE INDEX idx_jobs_user_paid ON jobs (user_id, paid, paid_at, actual_cost_cents)""",
    """CREATE INDEX idx_sessions_user_id ON sessions (user_id)""",
    """CREATE INDEX idx_sessions_expires_at ON sessions (expires_at)""",
    """CREATE TRIGGER update_users_updated_at
AFTER UPDATE ON users FOR EACH ROW
WHEN NEW.updated_at IS OLD.updated_at AND NEW.updated_at IS NOT (strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z')
BEGIN
    UPDATE users SET updated_at = (strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z') WHERE id = NEW.id;
END""",
    """CREATE TRIGGER update_customers_updated_at
AFTER UPDATE ON customers FOR EACH ROW
WHEN NEW.updated_at IS OLD.updated_at AND NEW.updated_at IS NOT (strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z')
BEGIN
    UPDATE customers SET updated_at = (strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z') WHERE id = NEW.id;
END""",
    """CREATE TRIGGER update_jobs_updated_at
AFTER UPDATE ON jobs FOR EACH ROW
WHEN NEW.updated_at IS OLD.updated_at AND NEW.updated_at IS NOT (strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z')
BEGIN
    UPDATE jobs SET updated_at = (strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z') WHERE id = NEW.id;
END""",
    """PRAGMA application_id = 1245860946""",
)

#: Version 2's statements that compute the totals of every row afresh.
REBUILD_V2 = (
    """DELETE FROM owner_totals""",
    """DELETE FROM paid_days""",
    """DELETE FROM customer_totals""",
    """DELETE FROM open_due_days""",
    """INSERT INTO owner_totals (user_id, customers) SELECT user_id, count(*) FROM customers GROUP BY user_id""",
    """INSERT INTO owner_totals (user_id, pending, in_progress, completed, cancelled, paid_cents, paid_jobs, receivable_cents, receivable_jobs, pipeline_cents, pipeline_jobs)
    SELECT j.user_id, sum((j.status = 'pending')), sum((j.status = 'in_progress')), sum((j.status = 'completed')), sum((j.status = 'cancelled')), sum((CASE WHEN j.paid THEN coalesce(j.actual_cost_cents, 0) ELSE 0 END)), sum((j.paid)), sum((CASE WHEN j.status = 'completed' AND NOT j.paid THEN coalesce(j.actual_cost_cents, 0) ELSE 0 END)), sum((j.status = 'completed' AND NOT j.paid)), sum((CASE WHEN j.status IN ('pending', 'in_progress') THEN coalesce(j.estimated_cost_cents, 0) ELSE 0 END)), sum((j.status IN ('pending', 'in_progress'))) FROM jobs AS j NOT INDEXED WHERE j.rowid > 0
    GROUP BY j.user_id
    ON CONFLICT (user_id) DO UPDATE SET pending = pending + excluded.pending, in_progress = in_progress + excluded.in_progress, completed = completed + excluded.completed, cancelled = cancelled + excluded.cancelled, paid_cents = paid_cents + excluded.paid_cents, paid_jobs = paid_jobs + excluded.paid_jobs, receivable_cents = receivable_cents + excluded.receivable_cents, receivable_jobs = receivable_jobs + excluded.receivable_jobs, pipeline_cents = pipeline_cents + excluded.pipeline_cents, pipeline_jobs = pipeline_jobs + excluded.pipeline_jobs""",
    """INSERT INTO customer_totals (customer_id, user_id, jobs, completed, earned_cents, unpaid_cents, paid_cents, paid_jobs, cost_jobs, estimated_cost_cents, actual_cost_cents, hours_jobs, estimated_hours, actual_hours, last_job_at)
    SELECT j.customer_id, j.user_id, sum((1)), sum((j.status = 'completed')), sum((CASE WHEN j.status = 'completed' AND j.paid THEN coalesce(j.actual_cost_cents, 0) ELSE 0 END)), sum((CASE WHEN NOT j.paid THEN coalesce(j.actual_cost_cents, 0) ELSE 0 END)), sum((CASE WHEN j.paid THEN coalesce(j.actual_cost_cents, 0) ELSE 0 END)), sum((j.paid)), sum((j.status = 'completed' AND j.estimated_cost_cents IS NOT NULL AND j.actual_cost_cents IS NOT NULL)), sum((CASE WHEN j.status = 'completed' AND j.estimated_cost_cents IS NOT NULL AND j.actual_cost_cents IS NOT NULL THEN coalesce(j.estimated_cost_cents, 0) ELSE 0 END)), sum((CASE WHEN j.status = 'completed' AND j.estimated_cost_cents IS NOT NULL AND j.actual_cost_cents IS NOT NULL THEN coalesce(j.actual_cost_cents, 0) ELSE 0 END)), sum((j.status = 'completed' AND j.estimated_hours_hundredths IS NOT NULL AND j.actual_hours_hundredths IS NOT NULL)), sum((CASE WHEN j.status = 'completed' AND j.estimated_hours_hundredths IS NOT NULL AND j.actual_hours_hundredths IS NOT NULL THEN coalesce(j.estimated_hours_hundredths, 0) ELSE 0 END)), sum((CASE WHEN j.status = 'completed' AND j.estimated_hours_hundredths IS NOT NULL AND j.actual_hours_hundredths IS NOT NULL THEN coalesce(j.actual_hours_hundredths, 0) ELSE 0 END)), max(j.created_at)
    FROM jobs AS j NOT INDEXED WHERE j.rowid > 0 GROUP BY j.customer_id
    ON CONFLICT (customer_id) DO UPDATE SET
        jobs = jobs + excluded.jobs, completed = completed + excluded.completed, earned_cents = earned_cents + excluded.earned_cents, unpaid_cents = unpaid_cents + excluded.unpaid_cents, paid_cents = paid_cents + excluded.paid_cents, paid_jobs = paid_jobs + excluded.paid_jobs, cost_jobs = cost_jobs + excluded.cost_jobs, estimated_cost_cents = estimated_cost_cents + excluded.estimated_cost_cents, actual_cost_cents = actual_cost_cents + excluded.actual_cost_cents, hours_jobs = hours_jobs + excluded.hours_jobs, estimated_hours = estimated_hours + excluded.estimated_hours, actual_hours = actual_hours + excluded.actual_hours,
        last_job_at = max(coalesce(last_job_at, ''), excluded.last_job_at)""",
    """INSERT INTO paid_days (user_id, day, cents, jobs)
    SELECT j.user_id, substr(j.paid_at, 1, 10), sum(coalesce(j.actual_cost_cents, 0)), count(*)
    FROM jobs AS j NOT INDEXED WHERE j.rowid > 0 AND j.paid AND j.paid_at IS NOT NULL
    GROUP BY j.user_id, substr(j.paid_at, 1, 10)
    ON CONFLICT (user_id, day) DO UPDATE SET
        cents = cents + excluded.cents, jobs = jobs + excluded.jobs""",
    """INSERT INTO open_due_days (user_id, due_date, jobs)
    SELECT j.user_id, j.due_date, count(*)
    FROM jobs AS j NOT INDEXED WHERE j.rowid > 0 AND j.status IN ('pending', 'in_progress') AND j.due_date IS NOT NULL
    GROUP BY j.user_id, j.due_date
    ON CONFLICT (user_id, due_date) DO UPDATE SET jobs = jobs + excluded.jobs""",
)

#: Version 2: running totals for the dashboard and reports, computed for the rows
#: a version 1 database holds.
VERSION_2 = (
    """CREATE TABLE owner_totals (
    user_id TEXT NOT NULL PRIMARY KEY,
    customers INTEGER NOT NULL DEFAULT 0,
    pending INTEGER NOT NULL DEFAULT 0, in_progress INTEGER NOT NULL DEFAULT 0, completed INTEGER NOT NULL DEFAULT 0, cancelled INTEGER NOT NULL DEFAULT 0, paid_cents INTEGER NOT NULL DEFAULT 0, paid_jobs INTEGER NOT NULL DEFAULT 0, receivable_cents INTEGER NOT NULL DEFAULT 0, receivable_jobs INTEGER NOT NULL DEFAULT 0, pipeline_cents INTEGER NOT NULL DEFAULT 0, pipeline_jobs INTEGER NOT NULL DEFAULT 0
) STRICT, WITHOUT ROWID""",
    """CREATE TABLE paid_days (
    user_id TEXT NOT NULL,
    day TEXT NOT NULL,
    cents INTEGER NOT NULL,
    jobs INTEGER NOT NULL,
    PRIMARY KEY (user_id, day)
) STRICT, WITHOUT ROWID""",
    """CREATE TABLE customer_totals (
    customer_id TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL,
    jobs INTEGER NOT NULL DEFAULT 0, completed INTEGER NOT NULL DEFAULT 0, earned_cents INTEGER NOT NULL DEFAULT 0, unpaid_cents INTEGER NOT NULL DEFAULT 0, paid_cents INTEGER NOT NULL DEFAULT 0, paid_jobs INTEGER NOT NULL DEFAULT 0, cost_jobs INTEGER NOT NULL DEFAULT 0, estimated_cost_cents INTEGER NOT NULL DEFAULT 0, actual_cost_cents INTEGER NOT NULL DEFAULT 0, hours_jobs INTEGER NOT NULL DEFAULT 0, estimated_hours INTEGER NOT NULL DEFAULT 0, actual_hours INTEGER NOT NULL DEFAULT 0,
    last_job_at TEXT
) STRICT, WITHOUT ROWID""",
    """CREATE TABLE open_due_days (
    user_id TEXT NOT NULL,
    due_date TEXT NOT NULL,
    jobs INTEGER NOT NULL,
    PRIMARY KEY (user_id, due_date)
) STRICT, WITHOUT ROWID""",
    """CREATE INDEX idx_jobs_user_open_due ON jobs (user_id, due_date, id) WHERE status IN ('pending', 'in_progress')""",
    """CREATE INDEX idx_jobs_user_unpaid_done ON jobs (user_id, completed_at IS NOT NULL, completed_at, id) WHERE status = 'completed' AND paid = 0""",
    """CREATE TRIGGER jobs_totals_delete AFTER DELETE ON jobs
BEGIN
    UPDATE owner_totals SET pending = pending - (OLD.status = 'pending'), in_progress = in_progress - (OLD.status = 'in_progress'), completed = completed - (OLD.status = 'completed'), cancelled = cancelled - (OLD.status = 'cancelled'), paid_cents = paid_cents - (CASE WHEN OLD.paid THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), paid_jobs = paid_jobs - (OLD.paid), receivable_cents = receivable_cents - (CASE WHEN OLD.status = 'completed' AND NOT OLD.paid THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), receivable_jobs = receivable_jobs - (OLD.status = 'completed' AND NOT OLD.paid), pipeline_cents = pipeline_cents - (CASE WHEN OLD.status IN ('pending', 'in_progress') THEN coalesce(OLD.estimated_cost_cents, 0) ELSE 0 END), pipeline_jobs = pipeline_jobs - (OLD.status IN ('pending', 'in_progress'))
    WHERE user_id = OLD.user_id;
    UPDATE customer_totals SET
        jobs = jobs - (1), completed = completed - (OLD.status = 'completed'), earned_cents = earned_cents - (CASE WHEN OLD.status = 'completed' AND OLD.paid THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), unpaid_cents = unpaid_cents - (CASE WHEN NOT OLD.paid THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), paid_cents = paid_cents - (CASE WHEN OLD.paid THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), paid_jobs = paid_jobs - (OLD.paid), cost_jobs = cost_jobs - (OLD.status = 'completed' AND OLD.estimated_cost_cents IS NOT NULL AND OLD.actual_cost_cents IS NOT NULL), estimated_cost_cents = estimated_cost_cents - (CASE WHEN OLD.status = 'completed' AND OLD.estimated_cost_cents IS NOT NULL AND OLD.actual_cost_cents IS NOT NULL THEN coalesce(OLD.estimated_cost_cents, 0) ELSE 0 END), actual_cost_cents = actual_cost_cents - (CASE WHEN OLD.status = 'completed' AND OLD.estimated_cost_cents IS NOT NULL AND OLD.actual_cost_cents IS NOT NULL THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), hours_jobs = hours_jobs - (OLD.status = 'completed' AND OLD.estimated_hours_hundredths IS NOT NULL AND OLD.actual_hours_hundredths IS NOT NULL), estimated_hours = estimated_hours - (CASE WHEN OLD.status = 'completed' AND OLD.estimated_hours_hundredths IS NOT NULL AND OLD.actual_hours_hundredths IS NOT NULL THEN coalesce(OLD.estimated_hours_hundredths, 0) ELSE 0 END), actual_hours = actual_hours - (CASE WHEN OLD.status = 'completed' AND OLD.estimated_hours_hundredths IS NOT NULL AND OLD.actual_hours_hundredths IS NOT NULL THEN coalesce(OLD.actual_hours_hundredths, 0) ELSE 0 END),
        last_job_at = (
            SELECT max(created_at) FROM jobs
            WHERE user_id = OLD.user_id AND customer_id = OLD.customer_id
        )
    WHERE customer_id = OLD.customer_id;
    UPDATE paid_days SET cents = cents - coalesce(OLD.actual_cost_cents, 0), jobs = jobs - 1
    WHERE OLD.paid AND OLD.paid_at IS NOT NULL AND user_id = OLD.user_id AND day = substr(OLD.paid_at, 1, 10);
    DELETE FROM paid_days WHERE OLD.paid AND OLD.paid_at IS NOT NULL AND user_id = OLD.user_id AND day = substr(OLD.paid_at, 1, 10) AND jobs = 0;
    UPDATE open_due_days SET jobs = jobs - 1
    WHERE OLD.status IN ('pending', 'in_progress') AND OLD.due_date IS NOT NULL AND user_id = OLD.user_id AND due_date = OLD.due_date;
    DELETE FROM open_due_days
    WHERE OLD.status IN ('pending', 'in_progress') AND OLD.due_date IS NOT NULL AND user_id = OLD.user_id AND due_date = OLD.due_date AND jobs = 0;
END""",
    """CREATE TRIGGER jobs_totals_update AFTER UPDATE OF user_id, customer_id, status, paid, paid_at, actual_cost_cents, estimated_cost_cents, actual_hours_hundredths, estimated_hours_hundredths, created_at, due_date ON jobs
WHEN OLD.user_id IS NOT NEW.user_id OR OLD.customer_id IS NOT NEW.customer_id OR OLD.status IS NOT NEW.status OR OLD.paid IS NOT NEW.paid OR OLD.paid_at IS NOT NEW.paid_at OR OLD.actual_cost_cents IS NOT NEW.actual_cost_cents OR OLD.estimated_cost_cents IS NOT NEW.estimated_cost_cents OR OLD.actual_hours_hundredths IS NOT NEW.actual_hours_hundredths OR OLD.estimated_hours_hundredths IS NOT NEW.estimated_hours_hundredths OR OLD.created_at IS NOT NEW.created_at OR OLD.due_date IS NOT NEW.due_date
BEGIN
    UPDATE owner_totals SET pending = pending - (OLD.status = 'pending'), in_progress = in_progress - (OLD.status = 'in_progress'), completed = completed - (OLD.status = 'completed'), cancelled = cancelled - (OLD.status = 'cancelled'), paid_cents = paid_cents - (CASE WHEN OLD.paid THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), paid_jobs = paid_jobs - (OLD.paid), receivable_cents = receivable_cents - (CASE WHEN OLD.status = 'completed' AND NOT OLD.paid THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), receivable_jobs = receivable_jobs - (OLD.status = 'completed' AND NOT OLD.paid), pipeline_cents = pipeline_cents - (CASE WHEN OLD.status IN ('pending', 'in_progress') THEN coalesce(OLD.estimated_cost_cents, 0) ELSE 0 END), pipeline_jobs = pipeline_jobs - (OLD.status IN ('pending', 'in_progress'))
    WHERE user_id = OLD.user_id;
    UPDATE customer_totals SET
        jobs = jobs - (1), completed = completed - (OLD.status = 'completed'), earned_cents = earned_cents - (CASE WHEN OLD.status = 'completed' AND OLD.paid THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), unpaid_cents = unpaid_cents - (CASE WHEN NOT OLD.paid THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), paid_cents = paid_cents - (CASE WHEN OLD.paid THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), paid_jobs = paid_jobs - (OLD.paid), cost_jobs = cost_jobs - (OLD.status = 'completed' AND OLD.estimated_cost_cents IS NOT NULL AND OLD.actual_cost_cents IS NOT NULL), estimated_cost_cents = estimated_cost_cents - (CASE WHEN OLD.status = 'completed' AND OLD.estimated_cost_cents IS NOT NULL AND OLD.actual_cost_cents IS NOT NULL THEN coalesce(OLD.estimated_cost_cents, 0) ELSE 0 END), actual_cost_cents = actual_cost_cents - (CASE WHEN OLD.status = 'completed' AND OLD.estimated_cost_cents IS NOT NULL AND OLD.actual_cost_cents IS NOT NULL THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), hours_jobs = hours_jobs - (OLD.status = 'completed' AND OLD.estimated_hours_hundredths IS NOT NULL AND OLD.actual_hours_hundredths IS NOT NULL), estimated_hours = estimated_hours - (CASE WHEN OLD.status = 'completed' AND OLD.estimated_hours_hundredths IS NOT NULL AND OLD.actual_hours_hundredths IS NOT NULL THEN coalesce(OLD.estimated_hours_hundredths, 0) ELSE 0 END), actual_hours = actual_hours - (CASE WHEN OLD.status = 'completed' AND OLD.estimated_hours_hundredths IS NOT NULL AND OLD.actual_hours_hundredths IS NOT NULL THEN coalesce(OLD.actual_hours_hundredths, 0) ELSE 0 END),
        last_job_at = (
            SELECT max(created_at) FROM jobs
            WHERE user_id = OLD.user_id AND customer_id = OLD.customer_id
        )
    WHERE customer_id = OLD.customer_id;
    UPDATE paid_days SET cents = cents - coalesce(OLD.actual_cost_cents, 0), jobs = jobs - 1
    WHERE OLD.paid AND OLD.paid_at IS NOT NULL AND user_id = OLD.user_id AND day = substr(OLD.paid_at, 1, 10);
    DELETE FROM paid_days WHERE OLD.paid AND OLD.paid_at IS NOT NULL AND user_id = OLD.user_id AND day = substr(OLD.paid_at, 1, 10) AND jobs = 0;
    UPDATE open_due_days SET jobs = jobs - 1
    WHERE OLD.status IN ('pending', 'in_progress') AND OLD.due_date IS NOT NULL AND user_id = OLD.user_id AND due_date = OLD.due_date;
    DELETE FROM open_due_days
    WHERE OLD.status IN ('pending', 'in_progress') AND OLD.due_date IS NOT NULL AND user_id = OLD.user_id AND due_date = OLD.due_date AND jobs = 0;
    INSERT INTO owner_totals (user_id, pending, in_progress, completed, cancelled, paid_cents, paid_jobs, receivable_cents, receivable_jobs, pipeline_cents, pipeline_jobs)
    VALUES (NEW.user_id, (NEW.status = 'pending'), (NEW.status = 'in_progress'), (NEW.status = 'completed'), (NEW.status = 'cancelled'), (CASE WHEN NEW.paid THEN coalesce(NEW.actual_cost_cents, 0) ELSE 0 END), (NEW.paid), (CASE WHEN NEW.status = 'completed' AND NOT NEW.paid THEN coalesce(NEW.actual_cost_cents, 0) ELSE 0 END), (NEW.status = 'completed' AND NOT NEW.paid), (CASE WHEN NEW.status IN ('pending', 'in_progress') THEN coalesce(NEW.estimated_cost_cents, 0) ELSE 0 END), (NEW.status IN ('pending', 'in_progress')))
    ON CONFLICT (user_id) DO UPDATE SET pending = pending + excluded.pending, in_progress = in_progress + excluded.in_progress, completed = completed + excluded.completed, cancelled = cancelled + excluded.cancelled, paid_cents = paid_cents + excluded.paid_cents, paid_jobs = paid_jobs + excluded.paid_jobs, receivable_cents = receivable_cents + excluded.receivable_cents, receivable_jobs = receivable_jobs + excluded.receivable_jobs, pipeline_cents = pipeline_cents + excluded.pipeline_cents, pipeline_jobs = pipeline_jobs + excluded.pipeline_jobs;
    INSERT INTO customer_totals (customer_id, user_id, jobs, completed, earned_cents, unpaid_cents, paid_cents, paid_jobs, cost_jobs, estimated_cost_cents, actual_cost_cents, hours_jobs, estimated_hours, actual_hours, last_job_at)
    VALUES (NEW.customer_id, NEW.user_id, (1), (NEW.status = 'completed'), (CASE WHEN NEW.status = 'completed' AND NEW.paid THEN coalesce(NEW.actual_cost_cents, 0) ELSE 0 END), (CASE WHEN NOT NEW.paid THEN coalesce(NEW.actual_cost_cents, 0) ELSE 0 END), (CASE WHEN NEW.paid THEN coalesce(NEW.actual_cost_cents, 0) ELSE 0 END), (NEW.paid), (NEW.status = 'completed' AND NEW.estimated_cost_cents IS NOT NULL AND NEW.actual_cost_cents IS NOT NULL), (CASE WHEN NEW.status = 'completed' AND NEW.estimated_cost_cents IS NOT NULL AND NEW.actual_cost_cents IS NOT NULL THEN coalesce(NEW.estimated_cost_cents, 0) ELSE 0 END), (CASE WHEN NEW.status = 'completed' AND NEW.estimated_cost_cents IS NOT NULL AND NEW.actual_cost_cents IS NOT NULL THEN coalesce(NEW.actual_cost_cents, 0) ELSE 0 END), (NEW.status = 'completed' AND NEW.estimated_hours_hundredths IS NOT NULL AND NEW.actual_hours_hundredths IS NOT NULL), (CASE WHEN NEW.status = 'completed' AND NEW.estimated_hours_hundredths IS NOT NULL AND NEW.actual_hours_hundredths IS NOT NULL THEN coalesce(NEW.estimated_hours_hundredths, 0) ELSE 0 END), (CASE WHEN NEW.status = 'completed' AND NEW.estimated_hours_hundredths IS NOT NULL AND NEW.actual_hours_hundredths IS NOT NULL THEN coalesce(NEW.actual_hours_hundredths, 0) ELSE 0 END), NEW.created_at)
    ON CONFLICT (customer_id) DO UPDATE SET
        jobs = jobs + excluded.jobs, completed = completed + excluded.completed, earned_cents = earned_cents + excluded.earned_cents, unpaid_cents = unpaid_cents + excluded.unpaid_cents, paid_cents = paid_cents + excluded.paid_cents, paid_jobs = paid_jobs + excluded.paid_jobs, cost_jobs = cost_jobs + excluded.cost_jobs, estimated_cost_cents = estimated_cost_cents + excluded.estimated_cost_cents, actual_cost_cents = actual_cost_cents + excluded.actual_cost_cents, hours_jobs = hours_jobs + excluded.hours_jobs, estimated_hours = estimated_hours + excluded.estimated_hours, actual_hours = actual_hours + excluded.actual_hours,
        last_job_at = max(coalesce(last_job_at, ''), excluded.last_job_at);
    INSERT INTO paid_days (user_id, day, cents, jobs)
    SELECT NEW.user_id, substr(NEW.paid_at, 1, 10), coalesce(NEW.actual_cost_cents, 0), 1
    WHERE NEW.paid AND NEW.paid_at IS NOT NULL
    ON CONFLICT (user_id, day) DO UPDATE SET cents = cents + excluded.cents, jobs = jobs + 1;
    INSERT INTO open_due_days (user_id, due_date, jobs)
    SELECT NEW.user_id, NEW.due_date, 1 WHERE NEW.status IN ('pending', 'in_progress') AND NEW.due_date IS NOT NULL
    ON CONFLICT (user_id, due_date) DO UPDATE SET jobs = jobs + 1;
END""",
    """CREATE TRIGGER customers_totals_insert AFTER INSERT ON customers
BEGIN
    INSERT INTO owner_totals (user_id, customers) VALUES (NEW.user_id, 1)
    ON CONFLICT (user_id) DO UPDATE SET customers = customers + 1;
END""",
    """CREATE TRIGGER customers_totals_delete AFTER DELETE ON customers
BEGIN
    UPDATE owner_totals SET customers = customers - 1 WHERE user_id = OLD.user_id;
    DELETE FROM customer_totals WHERE customer_id = OLD.id;
END""",
    """CREATE TRIGGER users_totals_delete AFTER DELETE ON users
BEGIN
    DELETE FROM owner_totals WHERE user_id = OLD.id;
    DELETE FROM paid_days WHERE user_id = OLD.id;
    DELETE FROM customer_totals WHERE user_id = OLD.id;
    DELETE FROM open_due_days WHERE user_id = OLD.id;
END""",
    *REBUILD_V2,
)

#: Version 3's tables: the seed's four, with owner numbers and integer timestamps,
#: and the running totals by owner number.
TABLES_V3 = (
    """CREATE TABLE users (
    id TEXT NOT NULL PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    business_name TEXT,
    password_hash TEXT NOT NULL,
    created_at TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', (created_at_us / 1000000 - (created_at_us % 1000000 < 0)), 'unixepoch') || printf('.%06dZ', (created_at_us % 1000000 + 1000000) % 1000000)) VIRTUAL,
    updated_at TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', (updated_at_us / 1000000 - (updated_at_us % 1000000 < 0)), 'unixepoch') || printf('.%06dZ', (updated_at_us % 1000000 + 1000000) % 1000000)) VIRTUAL,
    owner INTEGER NOT NULL UNIQUE,
    created_at_us INTEGER NOT NULL DEFAULT (CAST(strftime('%s', 'now') AS INTEGER) * 1000000 + CAST(substr(strftime('%f', 'now'), 4) AS INTEGER) * 1000) CONSTRAINT valid_created_at CHECK (created_at_us BETWEEN -62135596800000000 AND 253402300799999999),
    updated_at_us INTEGER NOT NULL DEFAULT (CAST(strftime('%s', 'now') AS INTEGER) * 1000000 + CAST(substr(strftime('%f', 'now'), 4) AS INTEGER) * 1000) CONSTRAINT valid_updated_at CHECK (updated_at_us BETWEEN -62135596800000000 AND 253402300799999999),
    UNIQUE (owner, id)
) STRICT""",
    """CREATE TABLE customers (
    id TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL,
    name TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    address TEXT,
    business_name TEXT,
    notes TEXT,
    created_at TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', (created_at_us / 1000000 - (created_at_us % 1000000 < 0)), 'unixepoch') || printf('.%06dZ', (created_at_us % 1000000 + 1000000) % 1000000)) VIRTUAL,
    updated_at TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', (updated_at_us / 1000000 - (updated_at_us % 1000000 < 0)), 'unixepoch') || printf('.%06dZ', (updated_at_us % 1000000 + 1000000) % 1000000)) VIRTUAL,
    owner INTEGER NOT NULL,
    created_at_us INTEGER NOT NULL DEFAULT (CAST(strftime('%s', 'now') AS INTEGER) * 1000000 + CAST(substr(strftime('%f', 'now'), 4) AS INTEGER) * 1000) CONSTRAINT valid_created_at CHECK (created_at_us BETWEEN -62135596800000000 AND 253402300799999999),
    updated_at_us INTEGER NOT NULL DEFAULT (CAST(strftime('%s', 'now') AS INTEGER) * 1000000 + CAST(substr(strftime('%f', 'now'), 4) AS INTEGER) * 1000) CONSTRAINT valid_updated_at CHECK (updated_at_us BETWEEN -62135596800000000 AND 253402300799999999),
    UNIQUE (owner, id),
    FOREIGN KEY (owner, user_id) REFERENCES users (owner, id) ON DELETE CASCADE
) STRICT""",
    """CREATE TABLE jobs (
    id TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT,
    status TEXT NOT NULL DEFAULT 'pending' CONSTRAINT valid_status
        CHECK (status IN ('pending', 'in_progress', 'completed', 'cancelled')),
    estimated_cost REAL GENERATED ALWAYS AS (estimated_cost_cents / 100.0) VIRTUAL,
    actual_cost REAL GENERATED ALWAYS AS (actual_cost_cents / 100.0) VIRTUAL,
    estimated_hours REAL GENERATED ALWAYS AS (estimated_hours_hundredths / 100.0) VIRTUAL,
    actual_hours REAL GENERATED ALWAYS AS (actual_hours_hundredths / 100.0) VIRTUAL,
    due_date TEXT CONSTRAINT valid_due_date CHECK (due_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    paid INTEGER NOT NULL DEFAULT 0 CONSTRAINT valid_paid CHECK (paid IN (0, 1)),
    completed_at TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', (completed_at_us / 1000000 - (completed_at_us % 1000000 < 0)), 'unixepoch') || printf('.%06dZ', (completed_at_us % 1000000 + 1000000) % 1000000)) VIRTUAL,
    created_at TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', (created_at_us / 1000000 - (created_at_us % 1000000 < 0)), 'unixepoch') || printf('.%06dZ', (created_at_us % 1000000 + 1000000) % 1000000)) VIRTUAL,
    updated_at TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', (updated_at_us / 1000000 - (updated_at_us % 1000000 < 0)), 'unixepoch') || printf('.%06dZ', (updated_at_us % 1000000 + 1000000) % 1000000)) VIRTUAL,
    estimated_cost_cents INTEGER CONSTRAINT valid_estimated_cost CHECK (estimated_cost_cents BETWEEN 0 AND 999999999999),
    actual_cost_cents INTEGER CONSTRAINT valid_actual_cost CHECK (actual_cost_cents BETWEEN 0 AND 999999999999),
    estimated_hours_hundredths INTEGER CONSTRAINT valid_estimated_hours CHECK (estimated_hours_hundredths BETWEEN 0 AND 999999999999),
    actual_hours_hundredths INTEGER CONSTRAINT valid_actual_hours CHECK (actual_hours_hundredths BETWEEN 0 AND 999999999999),
    paid_at TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', (paid_at_us / 1000000 - (paid_at_us % 1000000 < 0)), 'unixepoch') || printf('.%06dZ', (paid_at_us % 1000000 + 1000000) % 1000000)) VIRTUAL,
    owner INTEGER NOT NULL,
    completed_at_us INTEGER  CONSTRAINT valid_completed_at CHECK (completed_at_us BETWEEN -62135596800000000 AND 253402300799999999),
    created_at_us INTEGER NOT NULL DEFAULT (CAST(strftime('%s', 'now') AS INTEGER) * 1000000 + CAST(substr(strftime('%f', 'now'), 4) AS INTEGER) * 1000) CONSTRAINT valid_created_at CHECK (created_at_us BETWEEN -62135596800000000 AND 253402300799999999),
    updated_at_us INTEGER NOT NULL DEFAULT (CAST(strftime('%s', 'now') AS INTEGER) * 1000000 + CAST(substr(strftime('%f', 'now'), 4) AS INTEGER) * 1000) CONSTRAINT valid_updated_at CHECK (updated_at_us BETWEEN -62135596800000000 AND 253402300799999999),
    paid_at_us INTEGER  CONSTRAINT valid_paid_at CHECK (paid_at_us BETWEEN -62135596800000000 AND 253402300799999999),
    FOREIGN KEY (owner, user_id) REFERENCES users (owner, id) ON DELETE CASCADE,
    FOREIGN KEY (owner, customer_id) REFERENCES customers (owner, id) ON DELETE CASCADE
) STRICT""",
    """CREATE TABLE sessions (
    id TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    expires_at TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', (expires_at_us / 1000000 - (expires_at_us % 1000000 < 0)), 'unixepoch') || printf('.%06dZ', (expires_at_us % 1000000 + 1000000) % 1000000)) VIRTUAL,
    created_at TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', (created_at_us / 1000000 - (created_at_us % 1000000 < 0)), 'unixepoch') || printf('.%06dZ', (created_at_us % 1000000 + 1000000) % 1000000)) VIRTUAL,
    last_used_at TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', (last_used_at_us / 1000000 - (last_used_at_us % 1000000 < 0)), 'unixepoch') || printf('.%06dZ', (last_used_at_us % 1000000 + 1000000) % 1000000)) VIRTUAL,
    revoked_at TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', (revoked_at_us / 1000000 - (revoked_at_us % 1000000 < 0)), 'unixepoch') || printf('.%06dZ', (revoked_at_us % 1000000 + 1000000) % 1000000)) VIRTUAL,
    expires_at_us INTEGER NOT NULL CONSTRAINT valid_expires_at CHECK (expires_at_us BETWEEN -62135596800000000 AND 253402300799999999),
    created_at_us INTEGER NOT NULL DEFAULT (CAST(strftime('%s', 'now') AS INTEGER) * 1000000 + CAST(substr(strftime('%f', 'now'), 4) AS INTEGER) * 1000) CONSTRAINT valid_created_at CHECK (created_at_us BETWEEN -62135596800000000 AND 253402300799999999),
    last_used_at_us INTEGER NOT NULL DEFAULT (CAST(strftime('%s', 'now') AS INTEGER) * 1000000 + CAST(substr(strftime('%f', 'now'), 4) AS INTEGER) * 1000) CONSTRAINT valid_last_used_at CHECK (last_used_at_us BETWEEN -62135596800000000 AND 253402300799999999),
    revoked_at_us INTEGER  CONSTRAINT valid_revoked_at CHECK (revoked_at_us BETWEEN -62135596800000000 AND 253402300799999999)
) STRICT""",
    """CREATE TABLE owner_totals (
    owner INTEGER NOT NULL PRIMARY KEY,
    customers INTEGER NOT NULL DEFAULT 0,
    pending INTEGER NOT NULL DEFAULT 0, in_progress INTEGER NOT NULL DEFAULT 0, completed INTEGER NOT NULL DEFAULT 0, cancelled INTEGER NOT NULL DEFAULT 0, paid_cents INTEGER NOT NULL DEFAULT 0, paid_jobs INTEGER NOT NULL DEFAULT 0, receivable_cents INTEGER NOT NULL DEFAULT 0, receivable_jobs INTEGER NOT NULL DEFAULT 0, pipeline_cents INTEGER NOT NULL DEFAULT 0, pipeline_jobs INTEGER NOT NULL DEFAULT 0
) STRICT""",
    """CREATE TABLE paid_days (
    owner INTEGER NOT NULL,
    day TEXT NOT NULL,
    cents INTEGER NOT NULL,
    jobs INTEGER NOT NULL,
    PRIMARY KEY (owner, day)
) STRICT, WITHOUT ROWID""",
    """CREATE TABLE customer_totals (
    customer_id TEXT NOT NULL PRIMARY KEY,
    owner INTEGER NOT NULL,
    jobs INTEGER NOT NULL DEFAULT 0, completed INTEGER NOT NULL DEFAULT 0, earned_cents INTEGER NOT NULL DEFAULT 0, unpaid_cents INTEGER NOT NULL DEFAULT 0, paid_cents INTEGER NOT NULL DEFAULT 0, paid_jobs INTEGER NOT NULL DEFAULT 0, cost_jobs INTEGER NOT NULL DEFAULT 0, estimated_cost_cents INTEGER NOT NULL DEFAULT 0, actual_cost_cents INTEGER NOT NULL DEFAULT 0, hours_jobs INTEGER NOT NULL DEFAULT 0, estimated_hours INTEGER NOT NULL DEFAULT 0, actual_hours INTEGER NOT NULL DEFAULT 0,
    last_job_at_us INTEGER
) STRICT, WITHOUT ROWID""",
    """CREATE TABLE open_due_days (
    owner INTEGER NOT NULL,
    due_date TEXT NOT NULL,
    jobs INTEGER NOT NULL,
    PRIMARY KEY (owner, due_date)
) STRICT, WITHOUT ROWID""",
)

#: Version 3's indexes and triggers, made once its tables are filled.
INDEXES_AND_TRIGGERS_V3 = (
    """CREATE INDEX idx_customers_owner_name ON customers (owner, name, id)""",
    """CREATE INDEX idx_jobs_owner_created ON jobs (owner, created_at_us, id, status, paid, due_date)""",
    """CREATE INDEX idx_jobs_owner_customer ON jobs (owner, customer_id, created_at_us, id)""",
    """CREATE INDEX idx_jobs_owner_updated ON jobs (owner, updated_at_us, id)""",
    """CREATE INDEX idx_jobs_owner_due ON jobs (owner, due_date, id)""",
    """CREATE INDEX idx_jobs_owner_paid ON jobs (owner, paid_at_us, actual_cost_cents) WHERE paid = 1 AND paid_at_us IS NOT NULL""",
    """CREATE INDEX idx_jobs_owner_open_due ON jobs (owner, due_date, id) WHERE status IN ('pending', 'in_progress')""",
    """CREATE INDEX idx_jobs_owner_unpaid_done ON jobs (owner, completed_at_us IS NOT NULL, completed_at_us) WHERE status = 'completed' AND paid = 0""",
    """CREATE INDEX idx_sessions_user_id ON sessions (user_id)""",
    """CREATE INDEX idx_sessions_expires_at ON sessions (expires_at_us)""",
    """CREATE TRIGGER update_users_updated_at
AFTER UPDATE ON users FOR EACH ROW
WHEN NEW.updated_at_us IS OLD.updated_at_us AND NEW.updated_at_us IS NOT (CAST(strftime('%s', 'now') AS INTEGER) * 1000000 + CAST(substr(strftime('%f', 'now'), 4) AS INTEGER) * 1000)
BEGIN
    UPDATE users SET updated_at_us = (CAST(strftime('%s', 'now') AS INTEGER) * 1000000 + CAST(substr(strftime('%f', 'now'), 4) AS INTEGER) * 1000) WHERE id = NEW.id;
END""",
    """CREATE TRIGGER update_customers_updated_at
AFTER UPDATE ON customers FOR EACH ROW
WHEN NEW.updated_at_us IS OLD.updated_at_us AND NEW.updated_at_us IS NOT (CAST(strftime('%s', 'now') AS INTEGER) * 1000000 + CAST(substr(strftime('%f', 'now'), 4) AS INTEGER) * 1000)
BEGIN
    UPDATE customers SET updated_at_us = (CAST(strftime('%s', 'now') AS INTEGER) * 1000000 + CAST(substr(strftime('%f', 'now'), 4) AS INTEGER) * 1000) WHERE id = NEW.id;
END""",
    """CREATE TRIGGER update_jobs_updated_at
AFTER UPDATE ON jobs FOR EACH ROW
WHEN NEW.updated_at_us IS OLD.updated_at_us AND NEW.updated_at_us IS NOT (CAST(strftime('%s', 'now') AS INTEGER) * 1000000 + CAST(substr(strftime('%f', 'now'), 4) AS INTEGER) * 1000)
BEGIN
    UPDATE jobs SET updated_at_us = (CAST(strftime('%s', 'now') AS INTEGER) * 1000000 + CAST(substr(strftime('%f', 'now'), 4) AS INTEGER) * 1000) WHERE id = NEW.id;
END""",
    """CREATE TRIGGER jobs_totals_delete AFTER DELETE ON jobs
BEGIN
    UPDATE owner_totals SET pending = pending - (OLD.status = 'pending'), in_progress = in_progress - (OLD.status = 'in_progress'), completed = completed - (OLD.status = 'completed'), cancelled = cancelled - (OLD.status = 'cancelled'), paid_cents = paid_cents - (CASE WHEN OLD.paid THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), paid_jobs = paid_jobs - (OLD.paid), receivable_cents = receivable_cents - (CASE WHEN OLD.status = 'completed' AND NOT OLD.paid THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), receivable_jobs = receivable_jobs - (OLD.status = 'completed' AND NOT OLD.paid), pipeline_cents = pipeline_cents - (CASE WHEN OLD.status IN ('pending', 'in_progress') THEN coalesce(OLD.estimated_cost_cents, 0) ELSE 0 END), pipeline_jobs = pipeline_jobs - (OLD.status IN ('pending', 'in_progress'))
    WHERE owner = OLD.owner;
    UPDATE customer_totals SET
        jobs = jobs - (1), completed = completed - (OLD.status = 'completed'), earned_cents = earned_cents - (CASE WHEN OLD.status = 'completed' AND OLD.paid THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), unpaid_cents = unpaid_cents - (CASE WHEN NOT OLD.paid THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), paid_cents = paid_cents - (CASE WHEN OLD.paid THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), paid_jobs = paid_jobs - (OLD.paid), cost_jobs = cost_jobs - (OLD.status = 'completed' AND OLD.estimated_cost_cents IS NOT NULL AND OLD.actual_cost_cents IS NOT NULL), estimated_cost_cents = estimated_cost_cents - (CASE WHEN OLD.status = 'completed' AND OLD.estimated_cost_cents IS NOT NULL AND OLD.actual_cost_cents IS NOT NULL THEN coalesce(OLD.estimated_cost_cents, 0) ELSE 0 END), actual_cost_cents = actual_cost_cents - (CASE WHEN OLD.status = 'completed' AND OLD.estimated_cost_cents IS NOT NULL AND OLD.actual_cost_cents IS NOT NULL THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), hours_jobs = hours_jobs - (OLD.status = 'completed' AND OLD.estimated_hours_hundredths IS NOT NULL AND OLD.actual_hours_hundredths IS NOT NULL), estimated_hours = estimated_hours - (CASE WHEN OLD.status = 'completed' AND OLD.estimated_hours_hundredths IS NOT NULL AND OLD.actual_hours_hundredths IS NOT NULL THEN coalesce(OLD.estimated_hours_hundredths, 0) ELSE 0 END), actual_hours = actual_hours - (CASE WHEN OLD.status = 'completed' AND OLD.estimated_hours_hundredths IS NOT NULL AND OLD.actual_hours_hundredths IS NOT NULL THEN coalesce(OLD.actual_hours_hundredths, 0) ELSE 0 END),
        last_job_at_us = (
            SELECT max(created_at_us) FROM jobs
            WHERE owner = OLD.owner AND customer_id = OLD.customer_id
        )
    WHERE customer_id = OLD.customer_id;
    UPDATE paid_days SET cents = cents - coalesce(OLD.actual_cost_cents, 0), jobs = jobs - 1
    WHERE OLD.paid AND OLD.paid_at_us IS NOT NULL AND owner = OLD.owner AND day = date((OLD.paid_at_us / 1000000 - (OLD.paid_at_us % 1000000 < 0)), 'unixepoch');
    DELETE FROM paid_days WHERE OLD.paid AND OLD.paid_at_us IS NOT NULL AND owner = OLD.owner AND day = date((OLD.paid_at_us / 1000000 - (OLD.paid_at_us % 1000000 < 0)), 'unixepoch') AND jobs = 0;
    UPDATE open_due_days SET jobs = jobs - 1
    WHERE OLD.status IN ('pending', 'in_progress') AND OLD.due_date IS NOT NULL AND owner = OLD.owner AND due_date = OLD.due_date;
    DELETE FROM open_due_days
    WHERE OLD.status IN ('pending', 'in_progress') AND OLD.due_date IS NOT NULL AND owner = OLD.owner AND due_date = OLD.due_date AND jobs = 0;
END""",
    """CREATE TRIGGER jobs_totals_update AFTER UPDATE OF owner, user_id, customer_id, status, paid, paid_at_us, actual_cost_cents, estimated_cost_cents, actual_hours_hundredths, estimated_hours_hundredths, created_at_us, due_date ON jobs
WHEN OLD.owner IS NOT NEW.owner OR OLD.user_id IS NOT NEW.user_id OR OLD.customer_id IS NOT NEW.customer_id OR OLD.status IS NOT NEW.status OR OLD.paid IS NOT NEW.paid OR OLD.paid_at_us IS NOT NEW.paid_at_us OR OLD.actual_cost_cents IS NOT NEW.actual_cost_cents OR OLD.estimated_cost_cents IS NOT NEW.estimated_cost_cents OR OLD.actual_hours_hundredths IS NOT NEW.actual_hours_hundredths OR OLD.estimated_hours_hundredths IS NOT NEW.estimated_hours_hundredths OR OLD.created_at_us IS NOT NEW.created_at_us OR OLD.due_date IS NOT NEW.due_date
BEGIN
    UPDATE owner_totals SET pending = pending - (OLD.status = 'pending'), in_progress = in_progress - (OLD.status = 'in_progress'), completed = completed - (OLD.status = 'completed'), cancelled = cancelled - (OLD.status = 'cancelled'), paid_cents = paid_cents - (CASE WHEN OLD.paid THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), paid_jobs = paid_jobs - (OLD.paid), receivable_cents = receivable_cents - (CASE WHEN OLD.status = 'completed' AND NOT OLD.paid THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), receivable_jobs = receivable_jobs - (OLD.status = 'completed' AND NOT OLD.paid), pipeline_cents = pipeline_cents - (CASE WHEN OLD.status IN ('pending', 'in_progress') THEN coalesce(OLD.estimated_cost_cents, 0) ELSE 0 END), pipeline_jobs = pipeline_jobs - (OLD.status IN ('pending', 'in_progress'))
    WHERE owner = OLD.owner;
    UPDATE customer_totals SET
        jobs = jobs - (1), completed = completed - (OLD.status = 'completed'), earned_cents = earned_cents - (CASE WHEN OLD.status = 'completed' AND OLD.paid THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), unpaid_cents = unpaid_cents - (CASE WHEN NOT OLD.paid THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), paid_cents = paid_cents - (CASE WHEN OLD.paid THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), paid_jobs = paid_jobs - (OLD.paid), cost_jobs = cost_jobs - (OLD.status = 'completed' AND OLD.estimated_cost_cents IS NOT NULL AND OLD.actual_cost_cents IS NOT NULL), estimated_cost_cents = estimated_cost_cents - (CASE WHEN OLD.status = 'completed' AND OLD.estimated_cost_cents IS NOT NULL AND OLD.actual_cost_cents IS NOT NULL THEN coalesce(OLD.estimated_cost_cents, 0) ELSE 0 END), actual_cost_cents = actual_cost_cents - (CASE WHEN OLD.status = 'completed' AND OLD.estimated_cost_cents IS NOT NULL AND OLD.actual_cost_cents IS NOT NULL THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), hours_jobs = hours_jobs - (OLD.status = 'completed' AND OLD.estimated_hours_hundredths IS NOT NULL AND OLD.actual_hours_hundredths IS NOT NULL), estimated_hours = estimated_hours - (CASE WHEN OLD.status = 'completed' AND OLD.estimated_hours_hundredths IS NOT NULL AND OLD.actual_hours_hundredths IS NOT NULL THEN coalesce(OLD.estimated_hours_hundredths, 0) ELSE 0 END), actual_hours = actual_hours - (CASE WHEN OLD.status = 'completed' AND OLD.estimated_hours_hundredths IS NOT NULL AND OLD.actual_hours_hundredths IS NOT NULL THEN coalesce(OLD.actual_hours_hundredths, 0) ELSE 0 END),
        last_job_at_us = (
            SELECT max(created_at_us) FROM jobs
            WHERE owner = OLD.owner AND customer_id = OLD.customer_id
        )
    WHERE customer_id = OLD.customer_id;
    UPDATE paid_days SET cents = cents - coalesce(OLD.actual_cost_cents, 0), jobs = jobs - 1
    WHERE OLD.paid AND OLD.paid_at_us IS NOT NULL AND owner = OLD.owner AND day = date((OLD.paid_at_us / 1000000 - (OLD.paid_at_us % 1000000 < 0)), 'unixepoch');
    DELETE FROM paid_days WHERE OLD.paid AND OLD.paid_at_us IS NOT NULL AND owner = OLD.owner AND day = date((OLD.paid_at_us / 1000000 - (OLD.paid_at_us % 1000000 < 0)), 'unixepoch') AND jobs = 0;
    UPDATE open_due_days SET jobs = jobs - 1
    WHERE OLD.status IN ('pending', 'in_progress') AND OLD.due_date IS NOT NULL AND owner = OLD.owner AND due_date = OLD.due_date;
    DELETE FROM open_due_days
    WHERE OLD.status IN ('pending', 'in_progress') AND OLD.due_date IS NOT NULL AND owner = OLD.owner AND due_date = OLD.due_date AND jobs = 0;
    INSERT INTO owner_totals (owner, pending, in_progress, completed, cancelled, paid_cents, paid_jobs, receivable_cents, receivable_jobs, pipeline_cents, pipeline_jobs)
    VALUES (NEW.owner, (NEW.status = 'pending'), (NEW.status = 'in_progress'), (NEW.status = 'completed'), (NEW.status = 'cancelled'), (CASE WHEN NEW.paid THEN coalesce(NEW.actual_cost_cents, 0) ELSE 0 END), (NEW.paid), (CASE WHEN NEW.status = 'completed' AND NOT NEW.paid THEN coalesce(NEW.actual_cost_cents, 0) ELSE 0 END), (NEW.status = 'completed' AND NOT NEW.paid), (CASE WHEN NEW.status IN ('pending', 'in_progress') THEN coalesce(NEW.estimated_cost_cents, 0) ELSE 0 END), (NEW.status IN ('pending', 'in_progress')))
    ON CONFLICT (owner) DO UPDATE SET pending = pending + excluded.pending, in_progress = in_progress + excluded.in_progress, completed = completed + excluded.completed, cancelled = cancelled + excluded.cancelled, paid_cents = paid_cents + excluded.paid_cents, paid_jobs = paid_jobs + excluded.paid_jobs, receivable_cents = receivable_cents + excluded.receivable_cents, receivable_jobs = receivable_jobs + excluded.receivable_jobs, pipeline_cents = pipeline_cents + excluded.pipeline_cents, pipeline_jobs = pipeline_jobs + excluded.pipeline_jobs;
    INSERT INTO customer_totals (customer_id, owner, jobs, completed, earned_cents, unpaid_cents, paid_cents, paid_jobs, cost_jobs, estimated_cost_cents, actual_cost_cents, hours_jobs, estimated_hours, actual_hours, last_job_at_us)
    VALUES (NEW.customer_id, NEW.owner, (1), (NEW.status = 'completed'), (CASE WHEN NEW.status = 'completed' AND NEW.paid THEN coalesce(NEW.actual_cost_cents, 0) ELSE 0 END), (CASE WHEN NOT NEW.paid THEN coalesce(NEW.actual_cost_cents, 0) ELSE 0 END), (CASE WHEN NEW.paid THEN coalesce(NEW.actual_cost_cents, 0) ELSE 0 END), (NEW.paid), (NEW.status = 'completed' AND NEW.estimated_cost_cents IS NOT NULL AND NEW.actual_cost_cents IS NOT NULL), (CASE WHEN NEW.status = 'completed' AND NEW.estimated_cost_cents IS NOT NULL AND NEW.actual_cost_cents IS NOT NULL THEN coalesce(NEW.estimated_cost_cents, 0) ELSE 0 END), (CASE WHEN NEW.status = 'completed' AND NEW.estimated_cost_cents IS NOT NULL AND NEW.actual_cost_cents IS NOT NULL THEN coalesce(NEW.actual_cost_cents, 0) ELSE 0 END), (NEW.status = 'completed' AND NEW.estimated_hours_hundredths IS NOT NULL AND NEW.actual_hours_hundredths IS NOT NULL), (CASE WHEN NEW.status = 'completed' AND NEW.estimated_hours_hundredths IS NOT NULL AND NEW.actual_hours_hundredths IS NOT NULL THEN coalesce(NEW.estimated_hours_hundredths, 0) ELSE 0 END), (CASE WHEN NEW.status = 'completed' AND NEW.estimated_hours_hundredths IS NOT NULL AND NEW.actual_hours_hundredths IS NOT NULL THEN coalesce(NEW.actual_hours_hundredths, 0) ELSE 0 END), NEW.created_at_us)
    ON CONFLICT (customer_id) DO UPDATE SET
        jobs = jobs + excluded.jobs, completed = completed + excluded.completed, earned_cents = earned_cents + excluded.earned_cents, unpaid_cents = unpaid_cents + excluded.unpaid_cents, paid_cents = paid_cents + excluded.paid_cents, paid_jobs = paid_jobs + excluded.paid_jobs, cost_jobs = cost_jobs + excluded.cost_jobs, estimated_cost_cents = estimated_cost_cents + excluded.estimated_cost_cents, actual_cost_cents = actual_cost_cents + excluded.actual_cost_cents, hours_jobs = hours_jobs + excluded.hours_jobs, estimated_hours = estimated_hours + excluded.estimated_hours, actual_hours = actual_hours + excluded.actual_hours,
        last_job_at_us = max(coalesce(last_job_at_us, excluded.last_job_at_us),
                             excluded.last_job_at_us);
    INSERT INTO paid_days (owner, day, cents, jobs)
    SELECT NEW.owner, date((NEW.paid_at_us / 1000000 - (NEW.paid_at_us % 1000000 < 0)), 'unixepoch'), coalesce(NEW.actual_cost_cents, 0), 1
    WHERE NEW.paid AND NEW.paid_at_us IS NOT NULL
    ON CONFLICT (owner, day) DO UPDATE SET cents = cents + excluded.cents, jobs = jobs + 1;
    INSERT INTO open_due_days (owner, due_date, jobs)
    SELECT NEW.owner, NEW.due_date, 1 WHERE NEW.status IN ('pending', 'in_progress') AND NEW.due_date IS NOT NULL
    ON CONFLICT (owner, due_date) DO UPDATE SET jobs = jobs + 1;
END""",
    """CREATE TRIGGER customers_totals_insert AFTER INSERT ON customers
BEGIN
    INSERT INTO owner_totals (owner, customers) VALUES (NEW.owner, 1)
    ON CONFLICT (owner) DO UPDATE SET customers = customers + 1;
END""",
    """CREATE TRIGGER customers_totals_delete AFTER DELETE ON customers
BEGIN
    UPDATE owner_totals SET customers = customers - 1 WHERE owner = OLD.owner;
    DELETE FROM customer_totals WHERE customer_id = OLD.id;
END""",
    """CREATE TRIGGER users_totals_delete AFTER DELETE ON users
BEGIN
    DELETE FROM owner_totals WHERE owner = OLD.owner;
    DELETE FROM paid_days WHERE owner = OLD.owner;
    DELETE FROM customer_totals WHERE owner = OLD.owner;
    DELETE FROM open_due_days WHERE owner = OLD.owner;
END""",
)

#: Version 3's statements that compute the totals of every row afresh.
REBUILD_V3 = (
    """DELETE FROM owner_totals""",
    """DELETE FROM paid_days""",
    """DELETE FROM customer_totals""",
    """DELETE FROM open_due_days""",
    """INSERT INTO owner_totals (owner, customers) SELECT owner, count(*) FROM customers GROUP BY owner""",
    """INSERT INTO owner_totals (owner, pending, in_progress, completed, cancelled, paid_cents, paid_jobs, receivable_cents, receivable_jobs, pipeline_cents, pipeline_jobs)
    SELECT j.owner, sum((j.status = 'pending')), sum((j.status = 'in_progress')), sum((j.status = 'completed')), sum((j.status = 'cancelled')), sum((CASE WHEN j.paid THEN coalesce(j.actual_cost_cents, 0) ELSE 0 END)), sum((j.paid)), sum((CASE WHEN j.status = 'completed' AND NOT j.paid THEN coalesce(j.actual_cost_cents, 0) ELSE 0 END)), sum((j.status = 'completed' AND NOT j.paid)), sum((CASE WHEN j.status IN ('pending', 'in_progress') THEN coalesce(j.estimated_cost_cents, 0) ELSE 0 END)), sum((j.status IN ('pending', 'in_progress'))) FROM jobs AS j NOT INDEXED WHERE j.rowid > 0
    GROUP BY j.owner
    ON CONFLICT (owner) DO UPDATE SET pending = pending + excluded.pending, in_progress = in_progress + excluded.in_progress, completed = completed + excluded.completed, cancelled = cancelled + excluded.cancelled, paid_cents = paid_cents + excluded.paid_cents, paid_jobs = paid_jobs + excluded.paid_jobs, receivable_cents = receivable_cents + excluded.receivable_cents, receivable_jobs = receivable_jobs + excluded.receivable_jobs, pipeline_cents = pipeline_cents + excluded.pipeline_cents, pipeline_jobs = pipeline_jobs + excluded.pipeline_jobs""",
    """INSERT INTO customer_totals (customer_id, owner, jobs, completed, earned_cents, unpaid_cents, paid_cents, paid_jobs, cost_jobs, estimated_cost_cents, actual_cost_cents, hours_jobs, estimated_hours, actual_hours, last_job_at_us)
    SELECT j.customer_id, j.owner, sum((1)), sum((j.status = 'completed')), sum((CASE WHEN j.status = 'completed' AND j.paid THEN coalesce(j.actual_cost_cents, 0) ELSE 0 END)), sum((CASE WHEN NOT j.paid THEN coalesce(j.actual_cost_cents, 0) ELSE 0 END)), sum((CASE WHEN j.paid THEN coalesce(j.actual_cost_cents, 0) ELSE 0 END)), sum((j.paid)), sum((j.status = 'completed' AND j.estimated_cost_cents IS NOT NULL AND j.actual_cost_cents IS NOT NULL)), sum((CASE WHEN j.status = 'completed' AND j.estimated_cost_cents IS NOT NULL AND j.actual_cost_cents IS NOT NULL THEN coalesce(j.estimated_cost_cents, 0) ELSE 0 END)), sum((CASE WHEN j.status = 'completed' AND j.estimated_cost_cents IS NOT NULL AND j.actual_cost_cents IS NOT NULL THEN coalesce(j.actual_cost_cents, 0) ELSE 0 END)), sum((j.status = 'completed' AND j.estimated_hours_hundredths IS NOT NULL AND j.actual_hours_hundredths IS NOT NULL)), sum((CASE WHEN j.status = 'completed' AND j.estimated_hours_hundredths IS NOT NULL AND j.actual_hours_hundredths IS NOT NULL THEN coalesce(j.estimated_hours_hundredths, 0) ELSE 0 END)), sum((CASE WHEN j.status = 'completed' AND j.estimated_hours_hundredths IS NOT NULL AND j.actual_hours_hundredths IS NOT NULL THEN coalesce(j.actual_hours_hundredths, 0) ELSE 0 END)), max(j.created_at_us)
    FROM jobs AS j NOT INDEXED WHERE j.rowid > 0 GROUP BY j.customer_id
    ON CONFLICT (customer_id) DO UPDATE SET
        jobs = jobs + excluded.jobs, completed = completed + excluded.completed, earned_cents = earned_cents + excluded.earned_cents, unpaid_cents = unpaid_cents + excluded.unpaid_cents, paid_cents = paid_cents + excluded.paid_cents, paid_jobs = paid_jobs + excluded.paid_jobs, cost_jobs = cost_jobs + excluded.cost_jobs, estimated_cost_cents = estimated_cost_cents + excluded.estimated_cost_cents, actual_cost_cents = actual_cost_cents + excluded.actual_cost_cents, hours_jobs = hours_jobs + excluded.hours_jobs, estimated_hours = estimated_hours + excluded.estimated_hours, actual_hours = actual_hours + excluded.actual_hours,
        last_job_at_us = max(coalesce(last_job_at_us, excluded.last_job_at_us),
                             excluded.last_job_at_us)""",
    """INSERT INTO paid_days (owner, day, cents, jobs)
    SELECT j.owner, date((j.paid_at_us / 1000000 - (j.paid_at_us % 1000000 < 0)), 'unixepoch'), sum(coalesce(j.actual_cost_cents, 0)), count(*)
    FROM jobs AS j NOT INDEXED WHERE j.rowid > 0 AND j.paid AND j.paid_at_us IS NOT NULL
    GROUP BY j.owner, date((j.paid_at_us / 1000000 - (j.paid_at_us % 1000000 < 0)), 'unixepoch')
    ON CONFLICT (owner, day) DO UPDATE SET
        cents = cents + excluded.cents, jobs = jobs + excluded.jobs""",
    """INSERT INTO open_due_days (owner, due_date, jobs)
    SELECT j.owner, j.due_date, count(*)
    FROM jobs AS j NOT INDEXED WHERE j.rowid > 0 AND j.status IN ('pending', 'in_progress') AND j.due_date IS NOT NULL
    GROUP BY j.owner, j.due_date
    ON CONFLICT (owner, due_date) DO UPDATE SET jobs = jobs + excluded.jobs""",
)

#: Version 4's tables: customers and jobs keyed by owner and id, each account's
#: calendar, and the running totals.
TABLES_V4 = (
    """CREATE TABLE users (
    id TEXT NOT NULL PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    business_name TEXT,
    password_hash TEXT NOT NULL,
    created_at TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', (created_at_us / 1000000 - (created_at_us % 1000000 < 0)), 'unixepoch') || printf('.%06dZ', (created_at_us % 1000000 + 1000000) % 1000000)) VIRTUAL,
    updated_at TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', (updated_at_us / 1000000 - (updated_at_us % 1000000 < 0)), 'unixepoch') || printf('.%06dZ', (updated_at_us % 1000000 + 1000000) % 1000000)) VIRTUAL,
    owner INTEGER NOT NULL UNIQUE,
    created_at_us INTEGER NOT NULL DEFAULT (CAST(strftime('%s', 'now') AS INTEGER) * 1000000 + CAST(substr(strftime('%f', 'now'), 4) AS INTEGER) * 1000) CONSTRAINT valid_created_at CHECK (created_at_us BETWEEN -62135596800000000 AND 253402300799999999),
    updated_at_us INTEGER NOT NULL DEFAULT (CAST(strftime('%s', 'now') AS INTEGER) * 1000000 + CAST(substr(strftime('%f', 'now'), 4) AS INTEGER) * 1000) CONSTRAINT valid_updated_at CHECK (updated_at_us BETWEEN -62135596800000000 AND 253402300799999999),
    timezone TEXT,
    week_start INTEGER,
    UNIQUE (owner, id),
    CONSTRAINT valid_week_start CHECK (
        CASE WHEN week_start IS NULL THEN timezone IS NULL
        ELSE timezone IS NOT NULL AND week_start BETWEEN 0 AND 6 END
    )
) STRICT""",
    """CREATE TABLE customers (
    id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    name TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    address TEXT,
    business_name TEXT,
    notes TEXT,
    created_at TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', (created_at_us / 1000000 - (created_at_us % 1000000 < 0)), 'unixepoch') || printf('.%06dZ', (created_at_us % 1000000 + 1000000) % 1000000)) VIRTUAL,
    updated_at TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', (updated_at_us / 1000000 - (updated_at_us % 1000000 < 0)), 'unixepoch') || printf('.%06dZ', (updated_at_us % 1000000 + 1000000) % 1000000)) VIRTUAL,
    owner INTEGER NOT NULL,
    created_at_us INTEGER NOT NULL DEFAULT (CAST(strftime('%s', 'now') AS INTEGER) * 1000000 + CAST(substr(strftime('%f', 'now'), 4) AS INTEGER) * 1000) CONSTRAINT valid_created_at CHECK (created_at_us BETWEEN -62135596800000000 AND 253402300799999999),
    updated_at_us INTEGER NOT NULL DEFAULT (CAST(strftime('%s', 'now') AS INTEGER) * 1000000 + CAST(substr(strftime('%f', 'now'), 4) AS INTEGER) * 1000) CONSTRAINT valid_updated_at CHECK (updated_at_us BETWEEN -62135596800000000 AND 253402300799999999),
    PRIMARY KEY (owner, id),
    FOREIGN KEY (owner, user_id) REFERENCES users (owner, id) ON DELETE CASCADE
) STRICT""",
    """CREATE TABLE jobs (
    id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT,
    status TEXT NOT NULL DEFAULT 'pending' CONSTRAINT valid_status
        CHECK (status IN ('pending', 'in_progress', 'completed', 'cancelled')),
    estimated_cost REAL GENERATED ALWAYS AS (estimated_cost_cents / 100.0) VIRTUAL,
    actual_cost REAL GENERATED ALWAYS AS (actual_cost_cents / 100.0) VIRTUAL,
    estimated_hours REAL GENERATED ALWAYS AS (estimated_hours_hundredths / 100.0) VIRTUAL,
    actual_hours REAL GENERATED ALWAYS AS (actual_hours_hundredths / 100.0) VIRTUAL,
    due_date TEXT CONSTRAINT valid_due_date CHECK (due_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    paid INTEGER NOT NULL DEFAULT 0 CONSTRAINT valid_paid CHECK (paid IN (0, 1)),
    completed_at TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', (completed_at_us / 1000000 - (completed_at_us % 1000000 < 0)), 'unixepoch') || printf('.%06dZ', (completed_at_us % 1000000 + 1000000) % 1000000)) VIRTUAL,
    created_at TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', (created_at_us / 1000000 - (created_at_us % 1000000 < 0)), 'unixepoch') || printf('.%06dZ', (created_at_us % 1000000 + 1000000) % 1000000)) VIRTUAL,
    updated_at TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', (updated_at_us / 1000000 - (updated_at_us % 1000000 < 0)), 'unixepoch') || printf('.%06dZ', (updated_at_us % 1000000 + 1000000) % 1000000)) VIRTUAL,
    estimated_cost_cents INTEGER CONSTRAINT valid_estimated_cost CHECK (estimated_cost_cents BETWEEN 0 AND 999999999999),
    actual_cost_cents INTEGER CONSTRAINT valid_actual_cost CHECK (actual_cost_cents BETWEEN 0 AND 999999999999),
    estimated_hours_hundredths INTEGER CONSTRAINT valid_estimated_hours CHECK (estimated_hours_hundredths BETWEEN 0 AND 999999999999),
    actual_hours_hundredths INTEGER CONSTRAINT valid_actual_hours CHECK (actual_hours_hundredths BETWEEN 0 AND 999999999999),
    paid_at TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', (paid_at_us / 1000000 - (paid_at_us % 1000000 < 0)), 'unixepoch') || printf('.%06dZ', (paid_at_us % 1000000 + 1000000) % 1000000)) VIRTUAL,
    owner INTEGER NOT NULL,
    completed_at_us INTEGER  CONSTRAINT valid_completed_at CHECK (completed_at_us BETWEEN -62135596800000000 AND 253402300799999999),
    created_at_us INTEGER NOT NULL DEFAULT (CAST(strftime('%s', 'now') AS INTEGER) * 1000000 + CAST(substr(strftime('%f', 'now'), 4) AS INTEGER) * 1000) CONSTRAINT valid_created_at CHECK (created_at_us BETWEEN -62135596800000000 AND 253402300799999999),
    updated_at_us INTEGER NOT NULL DEFAULT (CAST(strftime('%s', 'now') AS INTEGER) * 1000000 + CAST(substr(strftime('%f', 'now'), 4) AS INTEGER) * 1000) CONSTRAINT valid_updated_at CHECK (updated_at_us BETWEEN -62135596800000000 AND 253402300799999999),
    paid_at_us INTEGER  CONSTRAINT valid_paid_at CHECK (paid_at_us BETWEEN -62135596800000000 AND 253402300799999999),
    PRIMARY KEY (owner, id),
    FOREIGN KEY (owner, user_id) REFERENCES users (owner, id) ON DELETE CASCADE,
    FOREIGN KEY (owner, customer_id) REFERENCES customers (owner, id) ON DELETE CASCADE
) STRICT""",
    """CREATE TABLE sessions (
    id TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    expires_at TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', (expires_at_us / 1000000 - (expires_at_us % 1000000 < 0)), 'unixepoch') || printf('.%06dZ', (expires_at_us % 1000000 + 1000000) % 1000000)) VIRTUAL,
    created_at TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', (created_at_us / 1000000 - (created_at_us % 1000000 < 0)), 'unixepoch') || printf('.%06dZ', (created_at_us % 1000000 + 1000000) % 1000000)) VIRTUAL,
    last_used_at TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', (last_used_at_us / 1000000 - (last_used_at_us % 1000000 < 0)), 'unixepoch') || printf('.%06dZ', (last_used_at_us % 1000000 + 1000000) % 1000000)) VIRTUAL,
    revoked_at TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', (revoked_at_us / 1000000 - (revoked_at_us % 1000000 < 0)), 'unixepoch') || printf('.%06dZ', (revoked_at_us % 1000000 + 1000000) % 1000000)) VIRTUAL,
    expires_at_us INTEGER NOT NULL CONSTRAINT valid_expires_at CHECK (expires_at_us BETWEEN -62135596800000000 AND 253402300799999999),
    created_at_us INTEGER NOT NULL DEFAULT (CAST(strftime('%s', 'now') AS INTEGER) * 1000000 + CAST(substr(strftime('%f', 'now'), 4) AS INTEGER) * 1000) CONSTRAINT valid_created_at CHECK (created_at_us BETWEEN -62135596800000000 AND 253402300799999999),
    last_used_at_us INTEGER NOT NULL DEFAULT (CAST(strftime('%s', 'now') AS INTEGER) * 1000000 + CAST(substr(strftime('%f', 'now'), 4) AS INTEGER) * 1000) CONSTRAINT valid_last_used_at CHECK (last_used_at_us BETWEEN -62135596800000000 AND 253402300799999999),
    revoked_at_us INTEGER  CONSTRAINT valid_revoked_at CHECK (revoked_at_us BETWEEN -62135596800000000 AND 253402300799999999)
) STRICT""",
    """CREATE TABLE owner_totals (
    owner INTEGER NOT NULL PRIMARY KEY,
    customers INTEGER NOT NULL DEFAULT 0,
    pending INTEGER NOT NULL DEFAULT 0, in_progress INTEGER NOT NULL DEFAULT 0, completed INTEGER NOT NULL DEFAULT 0, cancelled INTEGER NOT NULL DEFAULT 0, paid_cents INTEGER NOT NULL DEFAULT 0, paid_jobs INTEGER NOT NULL DEFAULT 0, receivable_cents INTEGER NOT NULL DEFAULT 0, receivable_jobs INTEGER NOT NULL DEFAULT 0, pipeline_cents INTEGER NOT NULL DEFAULT 0, pipeline_jobs INTEGER NOT NULL DEFAULT 0
) STRICT""",
    """CREATE TABLE paid_days (
    owner INTEGER NOT NULL,
    day TEXT NOT NULL,
    cents INTEGER NOT NULL,
    jobs INTEGER NOT NULL,
    PRIMARY KEY (owner, day)
) STRICT, WITHOUT ROWID""",
    """CREATE TABLE customer_totals (
    owner INTEGER NOT NULL,
    customer_id TEXT NOT NULL,
    jobs INTEGER NOT NULL DEFAULT 0, completed INTEGER NOT NULL DEFAULT 0, earned_cents INTEGER NOT NULL DEFAULT 0, unpaid_cents INTEGER NOT NULL DEFAULT 0, paid_cents INTEGER NOT NULL DEFAULT 0, paid_jobs INTEGER NOT NULL DEFAULT 0, cost_jobs INTEGER NOT NULL DEFAULT 0, estimated_cost_cents INTEGER NOT NULL DEFAULT 0, actual_cost_cents INTEGER NOT NULL DEFAULT 0, hours_jobs INTEGER NOT NULL DEFAULT 0, estimated_hours INTEGER NOT NULL DEFAULT 0, actual_hours INTEGER NOT NULL DEFAULT 0,
    last_job_at_us INTEGER,
    PRIMARY KEY (owner, customer_id)
) STRICT, WITHOUT ROWID""",
    """CREATE TABLE open_due_days (
    owner INTEGER NOT NULL,
    due_date TEXT NOT NULL,
    jobs INTEGER NOT NULL,
    PRIMARY KEY (owner, due_date)
) STRICT, WITHOUT ROWID""",
)

#: Version 4's indexes and triggers, made once its tables are filled.
INDEXES_AND_TRIGGERS_V4 = (
    """CREATE INDEX idx_customers_owner_name ON customers (owner, name, id)""",
    """CREATE INDEX idx_jobs_owner_created ON jobs (owner, created_at_us, id, status, paid, due_date)""",
    """CREATE INDEX idx_jobs_owner_customer ON jobs (owner, customer_id, created_at_us, id)""",
    """CREATE INDEX idx_jobs_owner_updated ON jobs (owner, updated_at_us, id)""",
    """CREATE INDEX idx_jobs_owner_due ON jobs (owner, due_date, id)""",
    """CREATE INDEX idx_jobs_owner_paid ON jobs (owner, paid_at_us, actual_cost_cents, paid) WHERE paid = 1 AND paid_at_us IS NOT NULL""",
    """CREATE INDEX idx_jobs_owner_open_due ON jobs (owner, due_date, id) WHERE status IN ('pending', 'in_progress')""",
    """CREATE INDEX idx_jobs_owner_unpaid_done ON jobs (owner, completed_at_us IS NOT NULL, completed_at_us, id) WHERE status = 'completed' AND paid = 0""",
    """CREATE INDEX idx_sessions_user_id ON sessions (user_id)""",
    """CREATE INDEX idx_sessions_expires_at ON sessions (expires_at_us)""",
    """CREATE TRIGGER update_users_updated_at
AFTER UPDATE ON users FOR EACH ROW
WHEN NEW.updated_at_us IS OLD.updated_at_us AND NEW.updated_at_us IS NOT (CAST(strftime('%s', 'now') AS INTEGER) * 1000000 + CAST(substr(strftime('%f', 'now'), 4) AS INTEGER) * 1000)
BEGIN
    UPDATE users SET updated_at_us = (CAST(strftime('%s', 'now') AS INTEGER) * 1000000 + CAST(substr(strftime('%f', 'now'), 4) AS INTEGER) * 1000) WHERE id = NEW.id;
END""",
    """CREATE TRIGGER update_customers_updated_at
AFTER UPDATE ON customers FOR EACH ROW
WHEN NEW.updated_at_us IS OLD.updated_at_us AND NEW.updated_at_us IS NOT (CAST(strftime('%s', 'now') AS INTEGER) * 1000000 + CAST(substr(strftime('%f', 'now'), 4) AS INTEGER) * 1000)
BEGIN
    UPDATE customers SET updated_at_us = (CAST(strftime('%s', 'now') AS INTEGER) * 1000000 + CAST(substr(strftime('%f', 'now'), 4) AS INTEGER) * 1000) WHERE owner = NEW.owner AND id = NEW.id;
END""",
    """CREATE TRIGGER update_jobs_updated_at
AFTER UPDATE ON jobs FOR EACH ROW
WHEN NEW.updated_at_us IS OLD.updated_at_us AND NEW.updated_at_us IS NOT (CAST(strftime('%s', 'now') AS INTEGER) * 1000000 + CAST(substr(strftime('%f', 'now'), 4) AS INTEGER) * 1000)
BEGIN
    UPDATE jobs SET updated_at_us = (CAST(strftime('%s', 'now') AS INTEGER) * 1000000 + CAST(substr(strftime('%f', 'now'), 4) AS INTEGER) * 1000) WHERE owner = NEW.owner AND id = NEW.id;
END""",
    """CREATE TRIGGER jobs_totals_delete AFTER DELETE ON jobs
BEGIN
    UPDATE owner_totals SET pending = pending - (OLD.status = 'pending'), in_progress = in_progress - (OLD.status = 'in_progress'), completed = completed - (OLD.status = 'completed'), cancelled = cancelled - (OLD.status = 'cancelled'), paid_cents = paid_cents - (CASE WHEN OLD.paid = 1 THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), paid_jobs = paid_jobs - (OLD.paid = 1), receivable_cents = receivable_cents - (CASE WHEN OLD.status = 'completed' AND OLD.paid = 0 THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), receivable_jobs = receivable_jobs - (OLD.status = 'completed' AND OLD.paid = 0), pipeline_cents = pipeline_cents - (CASE WHEN OLD.status IN ('pending', 'in_progress') THEN coalesce(OLD.estimated_cost_cents, 0) ELSE 0 END), pipeline_jobs = pipeline_jobs - (OLD.status IN ('pending', 'in_progress'))
    WHERE owner = OLD.owner;
    UPDATE customer_totals SET
        jobs = jobs - (1), completed = completed - (OLD.status = 'completed'), earned_cents = earned_cents - (CASE WHEN OLD.status = 'completed' AND OLD.paid = 1 THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), unpaid_cents = unpaid_cents - (CASE WHEN NOT (OLD.paid = 1) THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), paid_cents = paid_cents - (CASE WHEN OLD.paid = 1 THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), paid_jobs = paid_jobs - (OLD.paid = 1), cost_jobs = cost_jobs - (OLD.status = 'completed' AND OLD.estimated_cost_cents IS NOT NULL AND OLD.actual_cost_cents IS NOT NULL), estimated_cost_cents = estimated_cost_cents - (CASE WHEN OLD.status = 'completed' AND OLD.estimated_cost_cents IS NOT NULL AND OLD.actual_cost_cents IS NOT NULL THEN coalesce(OLD.estimated_cost_cents, 0) ELSE 0 END), actual_cost_cents = actual_cost_cents - (CASE WHEN OLD.status = 'completed' AND OLD.estimated_cost_cents IS NOT NULL AND OLD.actual_cost_cents IS NOT NULL THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), hours_jobs = hours_jobs - (OLD.status = 'completed' AND OLD.estimated_hours_hundredths IS NOT NULL AND OLD.actual_hours_hundredths IS NOT NULL), estimated_hours = estimated_hours - (CASE WHEN OLD.status = 'completed' AND OLD.estimated_hours_hundredths IS NOT NULL AND OLD.actual_hours_hundredths IS NOT NULL THEN coalesce(OLD.estimated_hours_hundredths, 0) ELSE 0 END), actual_hours = actual_hours - (CASE WHEN OLD.status = 'completed' AND OLD.estimated_hours_hundredths IS NOT NULL AND OLD.actual_hours_hundredths IS NOT NULL THEN coalesce(OLD.actual_hours_hundredths, 0) ELSE 0 END),
        last_job_at_us = (
            SELECT max(created_at_us) FROM jobs
            WHERE owner = OLD.owner AND customer_id = OLD.customer_id
        )
    WHERE owner = OLD.owner AND customer_id = OLD.customer_id;
    UPDATE paid_days SET cents = cents - coalesce(OLD.actual_cost_cents, 0), jobs = jobs - 1
    WHERE OLD.paid = 1 AND OLD.paid_at_us IS NOT NULL AND owner = OLD.owner AND day = date((OLD.paid_at_us / 1000000 - (OLD.paid_at_us % 1000000 < 0)), 'unixepoch');
    DELETE FROM paid_days WHERE OLD.paid = 1 AND OLD.paid_at_us IS NOT NULL AND owner = OLD.owner AND day = date((OLD.paid_at_us / 1000000 - (OLD.paid_at_us % 1000000 < 0)), 'unixepoch') AND jobs = 0;
    UPDATE open_due_days SET jobs = jobs - 1
    WHERE OLD.status IN ('pending', 'in_progress') AND OLD.due_date IS NOT NULL AND owner = OLD.owner AND due_date = OLD.due_date;
    DELETE FROM open_due_days
    WHERE OLD.status IN ('pending', 'in_progress') AND OLD.due_date IS NOT NULL AND owner = OLD.owner AND due_date = OLD.due_date AND jobs = 0;
END""",
    """CREATE TRIGGER jobs_totals_update AFTER UPDATE OF owner, user_id, customer_id, status, paid, paid_at_us, actual_cost_cents, estimated_cost_cents, actual_hours_hundredths, estimated_hours_hundredths, created_at_us, due_date ON jobs
WHEN OLD.owner IS NOT NEW.owner OR OLD.user_id IS NOT NEW.user_id OR OLD.customer_id IS NOT NEW.customer_id OR OLD.status IS NOT NEW.status OR OLD.paid IS NOT NEW.paid OR OLD.paid_at_us IS NOT NEW.paid_at_us OR OLD.actual_cost_cents IS NOT NEW.actual_cost_cents OR OLD.estimated_cost_cents IS NOT NEW.estimated_cost_cents OR OLD.actual_hours_hundredths IS NOT NEW.actual_hours_hundredths OR OLD.estimated_hours_hundredths IS NOT NEW.estimated_hours_hundredths OR OLD.created_at_us IS NOT NEW.created_at_us OR OLD.due_date IS NOT NEW.due_date
BEGIN
    UPDATE owner_totals SET pending = pending - (OLD.status = 'pending'), in_progress = in_progress - (OLD.status = 'in_progress'), completed = completed - (OLD.status = 'completed'), cancelled = cancelled - (OLD.status = 'cancelled'), paid_cents = paid_cents - (CASE WHEN OLD.paid = 1 THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), paid_jobs = paid_jobs - (OLD.paid = 1), receivable_cents = receivable_cents - (CASE WHEN OLD.status = 'completed' AND OLD.paid = 0 THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), receivable_jobs = receivable_jobs - (OLD.status = 'completed' AND OLD.paid = 0), pipeline_cents = pipeline_cents - (CASE WHEN OLD.status IN ('pending', 'in_progress') THEN coalesce(OLD.estimated_cost_cents, 0) ELSE 0 END), pipeline_jobs = pipeline_jobs - (OLD.status IN ('pending', 'in_progress'))
    WHERE owner = OLD.owner;
    UPDATE customer_totals SET
        jobs = jobs - (1), completed = completed - (OLD.status = 'completed'), earned_cents = earned_cents - (CASE WHEN OLD.status = 'completed' AND OLD.paid = 1 THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), unpaid_cents = unpaid_cents - (CASE WHEN NOT (OLD.paid = 1) THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), paid_cents = paid_cents - (CASE WHEN OLD.paid = 1 THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), paid_jobs = paid_jobs - (OLD.paid = 1), cost_jobs = cost_jobs - (OLD.status = 'completed' AND OLD.estimated_cost_cents IS NOT NULL AND OLD.actual_cost_cents IS NOT NULL), estimated_cost_cents = estimated_cost_cents - (CASE WHEN OLD.status = 'completed' AND OLD.estimated_cost_cents IS NOT NULL AND OLD.actual_cost_cents IS NOT NULL THEN coalesce(OLD.estimated_cost_cents, 0) ELSE 0 END), actual_cost_cents = actual_cost_cents - (CASE WHEN OLD.status = 'completed' AND OLD.estimated_cost_cents IS NOT NULL AND OLD.actual_cost_cents IS NOT NULL THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), hours_jobs = hours_jobs - (OLD.status = 'completed' AND OLD.estimated_hours_hundredths IS NOT NULL AND OLD.actual_hours_hundredths IS NOT NULL), estimated_hours = estimated_hours - (CASE WHEN OLD.status = 'completed' AND OLD.estimated_hours_hundredths IS NOT NULL AND OLD.actual_hours_hundredths IS NOT NULL THEN coalesce(OLD.estimated_hours_hundredths, 0) ELSE 0 END), actual_hours = actual_hours - (CASE WHEN OLD.status = 'completed' AND OLD.estimated_hours_hundredths IS NOT NULL AND OLD.actual_hours_hundredths IS NOT NULL THEN coalesce(OLD.actual_hours_hundredths, 0) ELSE 0 END),
        last_job_at_us = (
            SELECT max(created_at_us) FROM jobs
            WHERE owner = OLD.owner AND customer_id = OLD.customer_id
        )
    WHERE owner = OLD.owner AND customer_id = OLD.customer_id;
    UPDATE paid_days SET cents = cents - coalesce(OLD.actual_cost_cents, 0), jobs = jobs - 1
    WHERE OLD.paid = 1 AND OLD.paid_at_us IS NOT NULL AND owner = OLD.owner AND day = date((OLD.paid_at_us / 1000000 - (OLD.paid_at_us % 1000000 < 0)), 'unixepoch');
    DELETE FROM paid_days WHERE OLD.paid = 1 AND OLD.paid_at_us IS NOT NULL AND owner = OLD.owner AND day = date((OLD.paid_at_us / 1000000 - (OLD.paid_at_us % 1000000 < 0)), 'unixepoch') AND jobs = 0;
    UPDATE open_due_days SET jobs = jobs - 1
    WHERE OLD.status IN ('pending', 'in_progress') AND OLD.due_date IS NOT NULL AND owner = OLD.owner AND due_date = OLD.due_date;
    DELETE FROM open_due_days
    WHERE OLD.status IN ('pending', 'in_progress') AND OLD.due_date IS NOT NULL AND owner = OLD.owner AND due_date = OLD.due_date AND jobs = 0;
    INSERT INTO owner_totals (owner, pending, in_progress, completed, cancelled, paid_cents, paid_jobs, receivable_cents, receivable_jobs, pipeline_cents, pipeline_jobs)
    VALUES (NEW.owner, (NEW.status = 'pending'), (NEW.status = 'in_progress'), (NEW.status = 'completed'), (NEW.status = 'cancelled'), (CASE WHEN NEW.paid = 1 THEN coalesce(NEW.actual_cost_cents, 0) ELSE 0 END), (NEW.paid = 1), (CASE WHEN NEW.status = 'completed' AND NEW.paid = 0 THEN coalesce(NEW.actual_cost_cents, 0) ELSE 0 END), (NEW.status = 'completed' AND NEW.paid = 0), (CASE WHEN NEW.status IN ('pending', 'in_progress') THEN coalesce(NEW.estimated_cost_cents, 0) ELSE 0 END), (NEW.status IN ('pending', 'in_progress')))
    ON CONFLICT (owner) DO UPDATE SET pending = pending + excluded.pending, in_progress = in_progress + excluded.in_progress, completed = completed + excluded.completed, cancelled = cancelled + excluded.cancelled, paid_cents = paid_cents + excluded.paid_cents, paid_jobs = paid_jobs + excluded.paid_jobs, receivable_cents = receivable_cents + excluded.receivable_cents, receivable_jobs = receivable_jobs + excluded.receivable_jobs, pipeline_cents = pipeline_cents + excluded.pipeline_cents, pipeline_jobs = pipeline_jobs + excluded.pipeline_jobs;
    INSERT INTO customer_totals (owner, customer_id, jobs, completed, earned_cents, unpaid_cents, paid_cents, paid_jobs, cost_jobs, estimated_cost_cents, actual_cost_cents, hours_jobs, estimated_hours, actual_hours, last_job_at_us)
    VALUES (NEW.owner, NEW.customer_id, (1), (NEW.status = 'completed'), (CASE WHEN NEW.status = 'completed' AND NEW.paid = 1 THEN coalesce(NEW.actual_cost_cents, 0) ELSE 0 END), (CASE WHEN NOT (NEW.paid = 1) THEN coalesce(NEW.actual_cost_cents, 0) ELSE 0 END), (CASE WHEN NEW.paid = 1 THEN coalesce(NEW.actual_cost_cents, 0) ELSE 0 END), (NEW.paid = 1), (NEW.status = 'completed' AND NEW.estimated_cost_cents IS NOT NULL AND NEW.actual_cost_cents IS NOT NULL), (CASE WHEN NEW.status = 'completed' AND NEW.estimated_cost_cents IS NOT NULL AND NEW.actual_cost_cents IS NOT NULL THEN coalesce(NEW.estimated_cost_cents, 0) ELSE 0 END), (CASE WHEN NEW.status = 'completed' AND NEW.estimated_cost_cents IS NOT NULL AND NEW.actual_cost_cents IS NOT NULL THEN coalesce(NEW.actual_cost_cents, 0) ELSE 0 END), (NEW.status = 'completed' AND NEW.estimated_hours_hundredths IS NOT NULL AND NEW.actual_hours_hundredths IS NOT NULL), (CASE WHEN NEW.status = 'completed' AND NEW.estimated_hours_hundredths IS NOT NULL AND NEW.actual_hours_hundredths IS NOT NULL THEN coalesce(NEW.estimated_hours_hundredths, 0) ELSE 0 END), (CASE WHEN NEW.status = 'completed' AND NEW.estimated_hours_hundredths IS NOT NULL AND NEW.actual_hours_hundredths IS NOT NULL THEN coalesce(NEW.actual_hours_hundredths, 0) ELSE 0 END), NEW.created_at_us)
    ON CONFLICT (owner, customer_id) DO UPDATE SET
        jobs = jobs + excluded.jobs, completed = completed + excluded.completed, earned_cents = earned_cents + excluded.earned_cents, unpaid_cents = unpaid_cents + excluded.unpaid_cents, paid_cents = paid_cents + excluded.paid_cents, paid_jobs = paid_jobs + excluded.paid_jobs, cost_jobs = cost_jobs + excluded.cost_jobs, estimated_cost_cents = estimated_cost_cents + excluded.estimated_cost_cents, actual_cost_cents = actual_cost_cents + excluded.actual_cost_cents, hours_jobs = hours_jobs + excluded.hours_jobs, estimated_hours = estimated_hours + excluded.estimated_hours, actual_hours = actual_hours + excluded.actual_hours,
        last_job_at_us = max(coalesce(last_job_at_us, excluded.last_job_at_us),
                             excluded.last_job_at_us);
    INSERT INTO paid_days (owner, day, cents, jobs)
    SELECT NEW.owner, date((NEW.paid_at_us / 1000000 - (NEW.paid_at_us % 1000000 < 0)), 'unixepoch'), coalesce(NEW.actual_cost_cents, 0), 1
    WHERE NEW.paid = 1 AND NEW.paid_at_us IS NOT NULL
    ON CONFLICT (owner, day) DO UPDATE SET cents = cents + excluded.cents, jobs = jobs + 1;
    INSERT INTO open_due_days (owner, due_date, jobs)
    SELECT NEW.owner, NEW.due_date, 1 WHERE NEW.status IN ('pending', 'in_progress') AND NEW.due_date IS NOT NULL
    ON CONFLICT (owner, due_date) DO UPDATE SET jobs = jobs + 1;
END""",
    """CREATE TRIGGER customers_totals_insert AFTER INSERT ON customers
BEGIN
    INSERT INTO owner_totals (owner, customers) VALUES (NEW.owner, 1)
    ON CONFLICT (owner) DO UPDATE SET customers = customers + 1;
END""",
    """CREATE TRIGGER customers_totals_delete AFTER DELETE ON customers
BEGIN
    UPDATE owner_totals SET customers = customers - 1 WHERE owner = OLD.owner;
    DELETE FROM customer_totals WHERE owner = OLD.owner AND customer_id = OLD.id;
END""",
    """CREATE TRIGGER users_totals_delete AFTER DELETE ON users
BEGIN
    DELETE FROM owner_totals WHERE owner = OLD.owner;
    DELETE FROM paid_days WHERE owner = OLD.owner;
    DELETE FROM customer_totals WHERE owner = OLD.owner;
    DELETE FROM open_due_days WHERE owner = OLD.owner;
END""",
)

#: Version 4's statements that compute the totals of every row afresh.
REBUILD_V4 = (
    """DELETE FROM owner_totals""",
    """DELETE FROM paid_days""",
    """DELETE FROM customer_totals""",
    """DELETE FROM open_due_days""",
    """INSERT INTO owner_totals (owner, customers) SELECT owner, count(*) FROM customers GROUP BY owner""",
    """INSERT INTO owner_totals (owner, pending, in_progress, completed, cancelled, paid_cents, paid_jobs, receivable_cents, receivable_jobs, pipeline_cents, pipeline_jobs)
    SELECT j.owner, sum((j.status = 'pending')), sum((j.status = 'in_progress')), sum((j.status = 'completed')), sum((j.status = 'cancelled')), sum((CASE WHEN j.paid = 1 THEN coalesce(j.actual_cost_cents, 0) ELSE 0 END)), sum((j.paid = 1)), sum((CASE WHEN j.status = 'completed' AND j.paid = 0 THEN coalesce(j.actual_cost_cents, 0) ELSE 0 END)), sum((j.status = 'completed' AND j.paid = 0)), sum((CASE WHEN j.status IN ('pending', 'in_progress') THEN coalesce(j.estimated_cost_cents, 0) ELSE 0 END)), sum((j.status IN ('pending', 'in_progress'))) FROM jobs AS j NOT INDEXED WHERE j.rowid > 0
    GROUP BY j.owner
    ON CONFLICT (owner) DO UPDATE SET pending = pending + excluded.pending, in_progress = in_progress + excluded.in_progress, completed = completed + excluded.completed, cancelled = cancelled + excluded.cancelled, paid_cents = paid_cents + excluded.paid_cents, paid_jobs = paid_jobs + excluded.paid_jobs, receivable_cents = receivable_cents + excluded.receivable_cents, receivable_jobs = receivable_jobs + excluded.receivable_jobs, pipeline_cents = pipeline_cents + excluded.pipeline_cents, pipeline_jobs = pipeline_jobs + excluded.pipeline_jobs""",
    """INSERT INTO customer_totals (owner, customer_id, jobs, completed, earned_cents, unpaid_cents, paid_cents, paid_jobs, cost_jobs, estimated_cost_cents, actual_cost_cents, hours_jobs, estimated_hours, actual_hours, last_job_at_us)
    SELECT j.owner, j.customer_id, sum((1)), sum((j.status = 'completed')), sum((CASE WHEN j.status = 'completed' AND j.paid = 1 THEN coalesce(j.actual_cost_cents, 0) ELSE 0 END)), sum((CASE WHEN NOT (j.paid = 1) THEN coalesce(j.actual_cost_cents, 0) ELSE 0 END)), sum((CASE WHEN j.paid = 1 THEN coalesce(j.actual_cost_cents, 0) ELSE 0 END)), sum((j.paid = 1)), sum((j.status = 'completed' AND j.estimated_cost_cents IS NOT NULL AND j.actual_cost_cents IS NOT NULL)), sum((CASE WHEN j.status = 'completed' AND j.estimated_cost_cents IS NOT NULL AND j.actual_cost_cents IS NOT NULL THEN coalesce(j.estimated_cost_cents, 0) ELSE 0 END)), sum((CASE WHEN j.status = 'completed' AND j.estimated_cost_cents IS NOT NULL AND j.actual_cost_cents IS NOT NULL THEN coalesce(j.actual_cost_cents, 0) ELSE 0 END)), sum((j.status = 'completed' AND j.estimated_hours_hundredths IS NOT NULL AND j.actual_hours_hundredths IS NOT NULL)), sum((CASE WHEN j.status = 'completed' AND j.estimated_hours_hundredths IS NOT NULL AND j.actual_hours_hundredths IS NOT NULL THEN coalesce(j.estimated_hours_hundredths, 0) ELSE 0 END)), sum((CASE WHEN j.status = 'completed' AND j.estimated_hours_hundredths IS NOT NULL AND j.actual_hours_hundredths IS NOT NULL THEN coalesce(j.actual_hours_hundredths, 0) ELSE 0 END)), max(j.created_at_us)
    FROM jobs AS j NOT INDEXED WHERE j.rowid > 0 GROUP BY j.owner, j.customer_id
    ON CONFLICT (owner, customer_id) DO UPDATE SET
        jobs = jobs + excluded.jobs, completed = completed + excluded.completed, earned_cents = earned_cents + excluded.earned_cents, unpaid_cents = unpaid_cents + excluded.unpaid_cents, paid_cents = paid_cents + excluded.paid_cents, paid_jobs = paid_jobs + excluded.paid_jobs, cost_jobs = cost_jobs + excluded.cost_jobs, estimated_cost_cents = estimated_cost_cents + excluded.estimated_cost_cents, actual_cost_cents = actual_cost_cents + excluded.actual_cost_cents, hours_jobs = hours_jobs + excluded.hours_jobs, estimated_hours = estimated_hours + excluded.estimated_hours, actual_hours = actual_hours + excluded.actual_hours,
        last_job_at_us = max(coalesce(last_job_at_us, excluded.last_job_at_us),
                             excluded.last_job_at_us)""",
    """INSERT INTO paid_days (owner, day, cents, jobs)
    SELECT j.owner, date((j.paid_at_us / 1000000 - (j.paid_at_us % 1000000 < 0)), 'unixepoch'), sum(coalesce(j.actual_cost_cents, 0)), count(*)
    FROM jobs AS j NOT INDEXED WHERE j.rowid > 0 AND j.paid = 1 AND j.paid_at_us IS NOT NULL
    GROUP BY j.owner, date((j.paid_at_us / 1000000 - (j.paid_at_us % 1000000 < 0)), 'unixepoch')
    ON CONFLICT (owner, day) DO UPDATE SET
        cents = cents + excluded.cents, jobs = jobs + excluded.jobs""",
    """INSERT INTO open_due_days (owner, due_date, jobs)
    SELECT j.owner, j.due_date, count(*)
    FROM jobs AS j NOT INDEXED WHERE j.rowid > 0 AND j.status IN ('pending', 'in_progress') AND j.due_date IS NOT NULL
    GROUP BY j.owner, j.due_date
    ON CONFLICT (owner, due_date) DO UPDATE SET jobs = jobs + excluded.jobs""",
)

#: Version 5's tables: customers and jobs with a version, each business's history, and
#: the running totals.
TABLES_V5 = (
    """CREATE TABLE users (
    id TEXT NOT NULL PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    business_name TEXT,
    password_hash TEXT NOT NULL,
    created_at TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', (created_at_us / 1000000 - (created_at_us % 1000000 < 0)), 'unixepoch') || printf('.%06dZ', (created_at_us % 1000000 + 1000000) % 1000000)) VIRTUAL,
    updated_at TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', (updated_at_us / 1000000 - (updated_at_us % 1000000 < 0)), 'unixepoch') || printf('.%06dZ', (updated_at_us % 1000000 + 1000000) % 1000000)) VIRTUAL,
    owner INTEGER NOT NULL UNIQUE,
    created_at_us INTEGER NOT NULL DEFAULT (CAST(strftime('%s', 'now') AS INTEGER) * 1000000 + CAST(substr(strftime('%f', 'now'), 4) AS INTEGER) * 1000) CONSTRAINT valid_created_at CHECK (created_at_us BETWEEN -62135596800000000 AND 253402300799999999),
    updated_at_us INTEGER NOT NULL DEFAULT (CAST(strftime('%s', 'now') AS INTEGER) * 1000000 + CAST(substr(strftime('%f', 'now'), 4) AS INTEGER) * 1000) CONSTRAINT valid_updated_at CHECK (updated_at_us BETWEEN -62135596800000000 AND 253402300799999999),
    timezone TEXT,
    week_start INTEGER,
    UNIQUE (owner, id),
    CONSTRAINT valid_week_start CHECK (
        CASE WHEN week_start IS NULL THEN timezone IS NULL
        ELSE timezone IS NOT NULL AND week_start BETWEEN 0 AND 6 END
    )
) STRICT""",
    """CREATE TABLE customers (
    id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    name TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    address TEXT,
    business_name TEXT,
    notes TEXT,
    created_at TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', (created_at_us / 1000000 - (created_at_us % 1000000 < 0)), 'unixepoch') || printf('.%06dZ', (created_at_us % 1000000 + 1000000) % 1000000)) VIRTUAL,
    updated_at TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', (updated_at_us / 1000000 - (updated_at_us % 1000000 < 0)), 'unixepoch') || printf('.%06dZ', (updated_at_us % 1000000 + 1000000) % 1000000)) VIRTUAL,
    owner INTEGER NOT NULL,
    created_at_us INTEGER NOT NULL DEFAULT (CAST(strftime('%s', 'now') AS INTEGER) * 1000000 + CAST(substr(strftime('%f', 'now'), 4) AS INTEGER) * 1000) CONSTRAINT valid_created_at CHECK (created_at_us BETWEEN -62135596800000000 AND 253402300799999999),
    updated_at_us INTEGER NOT NULL DEFAULT (CAST(strftime('%s', 'now') AS INTEGER) * 1000000 + CAST(substr(strftime('%f', 'now'), 4) AS INTEGER) * 1000) CONSTRAINT valid_updated_at CHECK (updated_at_us BETWEEN -62135596800000000 AND 253402300799999999),
    version INTEGER NOT NULL DEFAULT 1 CONSTRAINT valid_version CHECK (version >= 1),
    PRIMARY KEY (owner, id),
    FOREIGN KEY (owner, user_id) REFERENCES users (owner, id) ON DELETE CASCADE
) STRICT""",
    """CREATE TABLE jobs (
    id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT,
    status TEXT NOT NULL DEFAULT 'pending' CONSTRAINT valid_status
        CHECK (status IN ('pending', 'in_progress', 'completed', 'cancelled')),
    estimated_cost REAL GENERATED ALWAYS AS (estimated_cost_cents / 100.0) VIRTUAL,
    actual_cost REAL GENERATED ALWAYS AS (actual_cost_cents / 100.0) VIRTUAL,
    estimated_hours REAL GENERATED ALWAYS AS (estimated_hours_hundredths / 100.0) VIRTUAL,
    actual_hours REAL GENERATED ALWAYS AS (actual_hours_hundredths / 100.0) VIRTUAL,
    due_date TEXT CONSTRAINT valid_due_date CHECK (due_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    paid INTEGER NOT NULL DEFAULT 0 CONSTRAINT valid_paid CHECK (paid IN (0, 1)),
    completed_at TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', (completed_at_us / 1000000 - (completed_at_us % 1000000 < 0)), 'unixepoch') || printf('.%06dZ', (completed_at_us % 1000000 + 1000000) % 1000000)) VIRTUAL,
    created_at TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', (created_at_us / 1000000 - (created_at_us % 1000000 < 0)), 'unixepoch') || printf('.%06dZ', (created_at_us % 1000000 + 1000000) % 1000000)) VIRTUAL,
    updated_at TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', (updated_at_us / 1000000 - (updated_at_us % 1000000 < 0)), 'unixepoch') || printf('.%06dZ', (updated_at_us % 1000000 + 1000000) % 1000000)) VIRTUAL,
    estimated_cost_cents INTEGER CONSTRAINT valid_estimated_cost CHECK (estimated_cost_cents BETWEEN 0 AND 999999999999),
    actual_cost_cents INTEGER CONSTRAINT valid_actual_cost CHECK (actual_cost_cents BETWEEN 0 AND 999999999999),
    estimated_hours_hundredths INTEGER CONSTRAINT valid_estimated_hours CHECK (estimated_hours_hundredths BETWEEN 0 AND 999999999999),
    actual_hours_hundredths INTEGER CONSTRAINT valid_actual_hours CHECK (actual_hours_hundredths BETWEEN 0 AND 999999999999),
    paid_at TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', (paid_at_us / 1000000 - (paid_at_us % 1000000 < 0)), 'unixepoch') || printf('.%06dZ', (paid_at_us % 1000000 + 1000000) % 1000000)) VIRTUAL,
    owner INTEGER NOT NULL,
    completed_at_us INTEGER  CONSTRAINT valid_completed_at CHECK (completed_at_us BETWEEN -62135596800000000 AND 253402300799999999),
    created_at_us INTEGER NOT NULL DEFAULT (CAST(strftime('%s', 'now') AS INTEGER) * 1000000 + CAST(substr(strftime('%f', 'now'), 4) AS INTEGER) * 1000) CONSTRAINT valid_created_at CHECK (created_at_us BETWEEN -62135596800000000 AND 253402300799999999),
    updated_at_us INTEGER NOT NULL DEFAULT (CAST(strftime('%s', 'now') AS INTEGER) * 1000000 + CAST(substr(strftime('%f', 'now'), 4) AS INTEGER) * 1000) CONSTRAINT valid_updated_at CHECK (updated_at_us BETWEEN -62135596800000000 AND 253402300799999999),
    paid_at_us INTEGER  CONSTRAINT valid_paid_at CHECK (paid_at_us BETWEEN -62135596800000000 AND 253402300799999999),
    version INTEGER NOT NULL DEFAULT 1 CONSTRAINT valid_version CHECK (version >= 1),
    PRIMARY KEY (owner, id),
    FOREIGN KEY (owner, user_id) REFERENCES users (owner, id) ON DELETE CASCADE,
    FOREIGN KEY (owner, customer_id) REFERENCES customers (owner, id) ON DELETE CASCADE
) STRICT""",
    """CREATE TABLE sessions (
    id TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    expires_at TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', (expires_at_us / 1000000 - (expires_at_us % 1000000 < 0)), 'unixepoch') || printf('.%06dZ', (expires_at_us % 1000000 + 1000000) % 1000000)) VIRTUAL,
    created_at TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', (created_at_us / 1000000 - (created_at_us % 1000000 < 0)), 'unixepoch') || printf('.%06dZ', (created_at_us % 1000000 + 1000000) % 1000000)) VIRTUAL,
    last_used_at TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', (last_used_at_us / 1000000 - (last_used_at_us % 1000000 < 0)), 'unixepoch') || printf('.%06dZ', (last_used_at_us % 1000000 + 1000000) % 1000000)) VIRTUAL,
    revoked_at TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', (revoked_at_us / 1000000 - (revoked_at_us % 1000000 < 0)), 'unixepoch') || printf('.%06dZ', (revoked_at_us % 1000000 + 1000000) % 1000000)) VIRTUAL,
    expires_at_us INTEGER NOT NULL CONSTRAINT valid_expires_at CHECK (expires_at_us BETWEEN -62135596800000000 AND 253402300799999999),
    created_at_us INTEGER NOT NULL DEFAULT (CAST(strftime('%s', 'now') AS INTEGER) * 1000000 + CAST(substr(strftime('%f', 'now'), 4) AS INTEGER) * 1000) CONSTRAINT valid_created_at CHECK (created_at_us BETWEEN -62135596800000000 AND 253402300799999999),
    last_used_at_us INTEGER NOT NULL DEFAULT (CAST(strftime('%s', 'now') AS INTEGER) * 1000000 + CAST(substr(strftime('%f', 'now'), 4) AS INTEGER) * 1000) CONSTRAINT valid_last_used_at CHECK (last_used_at_us BETWEEN -62135596800000000 AND 253402300799999999),
    revoked_at_us INTEGER  CONSTRAINT valid_revoked_at CHECK (revoked_at_us BETWEEN -62135596800000000 AND 253402300799999999)
) STRICT""",
    """CREATE TABLE history (
    owner INTEGER NOT NULL REFERENCES users (owner) ON DELETE CASCADE,
    seq INTEGER NOT NULL CONSTRAINT valid_seq CHECK (seq >= 1),
    at TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', (at_us / 1000000 - (at_us % 1000000 < 0)), 'unixepoch') || printf('.%06dZ', (at_us % 1000000 + 1000000) % 1000000)) VIRTUAL,
    at_us INTEGER NOT NULL CONSTRAINT valid_at CHECK (at_us BETWEEN -62135596800000000 AND 253402300799999999),
    actor_id TEXT NOT NULL,
    source TEXT NOT NULL CONSTRAINT valid_source CHECK (source IN ('library', 'cli', 'import', 'api')),
    action TEXT NOT NULL CONSTRAINT valid_action CHECK (action IN ('created', 'updated', 'moved', 'paid', 'unpaid', 'voided', 'deleted')),
    kind TEXT NOT NULL CONSTRAINT valid_kind CHECK (kind IN ('customer', 'job', 'payment')),
    record_id TEXT NOT NULL,
    changes TEXT NOT NULL DEFAULT '[]' CONSTRAINT valid_changes CHECK (json_valid(changes)),
    cause TEXT,
    PRIMARY KEY (owner, seq)
) STRICT, WITHOUT ROWID""",
    """CREATE TABLE history_heads (
    owner INTEGER NOT NULL PRIMARY KEY REFERENCES users (owner) ON DELETE CASCADE,
    head INTEGER NOT NULL CONSTRAINT valid_head CHECK (head >= 0),
    kept_from INTEGER NOT NULL DEFAULT 0 CONSTRAINT valid_kept_from
        CHECK (kept_from BETWEEN 0 AND head)
) STRICT, WITHOUT ROWID""",
    """CREATE TABLE owner_totals (
    owner INTEGER NOT NULL PRIMARY KEY,
    customers INTEGER NOT NULL DEFAULT 0,
    pending INTEGER NOT NULL DEFAULT 0, in_progress INTEGER NOT NULL DEFAULT 0, completed INTEGER NOT NULL DEFAULT 0, cancelled INTEGER NOT NULL DEFAULT 0, paid_cents INTEGER NOT NULL DEFAULT 0, paid_jobs INTEGER NOT NULL DEFAULT 0, receivable_cents INTEGER NOT NULL DEFAULT 0, receivable_jobs INTEGER NOT NULL DEFAULT 0, pipeline_cents INTEGER NOT NULL DEFAULT 0, pipeline_jobs INTEGER NOT NULL DEFAULT 0
) STRICT""",
    """CREATE TABLE paid_days (
    owner INTEGER NOT NULL,
    day TEXT NOT NULL,
    cents INTEGER NOT NULL,
    jobs INTEGER NOT NULL,
    PRIMARY KEY (owner, day)
) STRICT, WITHOUT ROWID""",
    """CREATE TABLE customer_totals (
    owner INTEGER NOT NULL,
    customer_id TEXT NOT NULL,
    jobs INTEGER NOT NULL DEFAULT 0, completed INTEGER NOT NULL DEFAULT 0, earned_cents INTEGER NOT NULL DEFAULT 0, unpaid_cents INTEGER NOT NULL DEFAULT 0, paid_cents INTEGER NOT NULL DEFAULT 0, paid_jobs INTEGER NOT NULL DEFAULT 0, cost_jobs INTEGER NOT NULL DEFAULT 0, estimated_cost_cents INTEGER NOT NULL DEFAULT 0, actual_cost_cents INTEGER NOT NULL DEFAULT 0, hours_jobs INTEGER NOT NULL DEFAULT 0, estimated_hours INTEGER NOT NULL DEFAULT 0, actual_hours INTEGER NOT NULL DEFAULT 0,
    last_job_at_us INTEGER,
    PRIMARY KEY (owner, customer_id)
) STRICT, WITHOUT ROWID""",
    """CREATE TABLE open_due_days (
    owner INTEGER NOT NULL,
    due_date TEXT NOT NULL,
    jobs INTEGER NOT NULL,
    PRIMARY KEY (owner, due_date)
) STRICT, WITHOUT ROWID""",
)

#: Version 5's indexes and triggers, made once its tables are filled.
INDEXES_AND_TRIGGERS_V5 = (
    """CREATE INDEX idx_customers_owner_name ON customers (owner, name, id)""",
    """CREATE INDEX idx_jobs_owner_created ON jobs (owner, created_at_us, id, status, paid, due_date)""",
    """CREATE INDEX idx_jobs_owner_customer ON jobs (owner, customer_id, created_at_us, id)""",
    """CREATE INDEX idx_jobs_owner_updated ON jobs (owner, updated_at_us, id)""",
    """CREATE INDEX idx_jobs_owner_due ON jobs (owner, due_date, id)""",
    """CREATE INDEX idx_jobs_owner_paid ON jobs (owner, paid_at_us, actual_cost_cents, paid) WHERE paid = 1 AND paid_at_us IS NOT NULL""",
    """CREATE INDEX idx_jobs_owner_open_due ON jobs (owner, due_date, id) WHERE status IN ('pending', 'in_progress')""",
    """CREATE INDEX idx_jobs_owner_unpaid_done ON jobs (owner, completed_at_us IS NOT NULL, completed_at_us, id) WHERE status = 'completed' AND paid = 0""",
    """CREATE INDEX idx_sessions_user_id ON sessions (user_id)""",
    """CREATE INDEX idx_sessions_expires_at ON sessions (expires_at_us)""",
    """CREATE INDEX idx_history_record ON history (owner, kind, record_id, seq)""",
    """CREATE TRIGGER update_users_updated_at
AFTER UPDATE ON users FOR EACH ROW
WHEN NEW.updated_at_us IS OLD.updated_at_us AND NEW.updated_at_us IS NOT (CAST(strftime('%s', 'now') AS INTEGER) * 1000000 + CAST(substr(strftime('%f', 'now'), 4) AS INTEGER) * 1000)
BEGIN
    UPDATE users SET updated_at_us = (CAST(strftime('%s', 'now') AS INTEGER) * 1000000 + CAST(substr(strftime('%f', 'now'), 4) AS INTEGER) * 1000) WHERE id = NEW.id;
END""",
    """CREATE TRIGGER update_customers_updated_at
AFTER UPDATE ON customers FOR EACH ROW
WHEN NEW.updated_at_us IS OLD.updated_at_us AND NEW.updated_at_us IS NOT (CAST(strftime('%s', 'now') AS INTEGER) * 1000000 + CAST(substr(strftime('%f', 'now'), 4) AS INTEGER) * 1000)
BEGIN
    UPDATE customers SET updated_at_us = (CAST(strftime('%s', 'now') AS INTEGER) * 1000000 + CAST(substr(strftime('%f', 'now'), 4) AS INTEGER) * 1000) WHERE owner = NEW.owner AND id = NEW.id;
END""",
    """CREATE TRIGGER update_jobs_updated_at
AFTER UPDATE ON jobs FOR EACH ROW
WHEN NEW.updated_at_us IS OLD.updated_at_us AND NEW.updated_at_us IS NOT (CAST(strftime('%s', 'now') AS INTEGER) * 1000000 + CAST(substr(strftime('%f', 'now'), 4) AS INTEGER) * 1000)
BEGIN
    UPDATE jobs SET updated_at_us = (CAST(strftime('%s', 'now') AS INTEGER) * 1000000 + CAST(substr(strftime('%f', 'now'), 4) AS INTEGER) * 1000) WHERE owner = NEW.owner AND id = NEW.id;
END""",
    """CREATE TRIGGER jobs_totals_delete AFTER DELETE ON jobs
BEGIN
    UPDATE owner_totals SET pending = pending - (OLD.status = 'pending'), in_progress = in_progress - (OLD.status = 'in_progress'), completed = completed - (OLD.status = 'completed'), cancelled = cancelled - (OLD.status = 'cancelled'), paid_cents = paid_cents - (CASE WHEN OLD.paid = 1 THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), paid_jobs = paid_jobs - (OLD.paid = 1), receivable_cents = receivable_cents - (CASE WHEN OLD.status = 'completed' AND OLD.paid = 0 THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), receivable_jobs = receivable_jobs - (OLD.status = 'completed' AND OLD.paid = 0), pipeline_cents = pipeline_cents - (CASE WHEN OLD.status IN ('pending', 'in_progress') THEN coalesce(OLD.estimated_cost_cents, 0) ELSE 0 END), pipeline_jobs = pipeline_jobs - (OLD.status IN ('pending', 'in_progress'))
    WHERE owner = OLD.owner;
    UPDATE customer_totals SET
        jobs = jobs - (1), completed = completed - (OLD.status = 'completed'), earned_cents = earned_cents - (CASE WHEN OLD.status = 'completed' AND OLD.paid = 1 THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), unpaid_cents = unpaid_cents - (CASE WHEN NOT (OLD.paid = 1) THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), paid_cents = paid_cents - (CASE WHEN OLD.paid = 1 THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), paid_jobs = paid_jobs - (OLD.paid = 1), cost_jobs = cost_jobs - (OLD.status = 'completed' AND OLD.estimated_cost_cents IS NOT NULL AND OLD.actual_cost_cents IS NOT NULL), estimated_cost_cents = estimated_cost_cents - (CASE WHEN OLD.status = 'completed' AND OLD.estimated_cost_cents IS NOT NULL AND OLD.actual_cost_cents IS NOT NULL THEN coalesce(OLD.estimated_cost_cents, 0) ELSE 0 END), actual_cost_cents = actual_cost_cents - (CASE WHEN OLD.status = 'completed' AND OLD.estimated_cost_cents IS NOT NULL AND OLD.actual_cost_cents IS NOT NULL THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), hours_jobs = hours_jobs - (OLD.status = 'completed' AND OLD.estimated_hours_hundredths IS NOT NULL AND OLD.actual_hours_hundredths IS NOT NULL), estimated_hours = estimated_hours - (CASE WHEN OLD.status = 'completed' AND OLD.estimated_hours_hundredths IS NOT NULL AND OLD.actual_hours_hundredths IS NOT NULL THEN coalesce(OLD.estimated_hours_hundredths, 0) ELSE 0 END), actual_hours = actual_hours - (CASE WHEN OLD.status = 'completed' AND OLD.estimated_hours_hundredths IS NOT NULL AND OLD.actual_hours_hundredths IS NOT NULL THEN coalesce(OLD.actual_hours_hundredths, 0) ELSE 0 END),
        last_job_at_us = (
            SELECT max(created_at_us) FROM jobs
            WHERE owner = OLD.owner AND customer_id = OLD.customer_id
        )
    WHERE owner = OLD.owner AND customer_id = OLD.customer_id;
    UPDATE paid_days SET cents = cents - coalesce(OLD.actual_cost_cents, 0), jobs = jobs - 1
    WHERE OLD.paid = 1 AND OLD.paid_at_us IS NOT NULL AND owner = OLD.owner AND day = date((OLD.paid_at_us / 1000000 - (OLD.paid_at_us % 1000000 < 0)), 'unixepoch');
    DELETE FROM paid_days WHERE OLD.paid = 1 AND OLD.paid_at_us IS NOT NULL AND owner = OLD.owner AND day = date((OLD.paid_at_us / 1000000 - (OLD.paid_at_us % 1000000 < 0)), 'unixepoch') AND jobs = 0;
    UPDATE open_due_days SET jobs = jobs - 1
    WHERE OLD.status IN ('pending', 'in_progress') AND OLD.due_date IS NOT NULL AND owner = OLD.owner AND due_date = OLD.due_date;
    DELETE FROM open_due_days
    WHERE OLD.status IN ('pending', 'in_progress') AND OLD.due_date IS NOT NULL AND owner = OLD.owner AND due_date = OLD.due_date AND jobs = 0;
END""",
    """CREATE TRIGGER jobs_totals_update AFTER UPDATE OF owner, user_id, customer_id, status, paid, paid_at_us, actual_cost_cents, estimated_cost_cents, actual_hours_hundredths, estimated_hours_hundredths, created_at_us, due_date ON jobs
WHEN OLD.owner IS NOT NEW.owner OR OLD.user_id IS NOT NEW.user_id OR OLD.customer_id IS NOT NEW.customer_id OR OLD.status IS NOT NEW.status OR OLD.paid IS NOT NEW.paid OR OLD.paid_at_us IS NOT NEW.paid_at_us OR OLD.actual_cost_cents IS NOT NEW.actual_cost_cents OR OLD.estimated_cost_cents IS NOT NEW.estimated_cost_cents OR OLD.actual_hours_hundredths IS NOT NEW.actual_hours_hundredths OR OLD.estimated_hours_hundredths IS NOT NEW.estimated_hours_hundredths OR OLD.created_at_us IS NOT NEW.created_at_us OR OLD.due_date IS NOT NEW.due_date
BEGIN
    UPDATE owner_totals SET pending = pending - (OLD.status = 'pending'), in_progress = in_progress - (OLD.status = 'in_progress'), completed = completed - (OLD.status = 'completed'), cancelled = cancelled - (OLD.status = 'cancelled'), paid_cents = paid_cents - (CASE WHEN OLD.paid = 1 THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), paid_jobs = paid_jobs - (OLD.paid = 1), receivable_cents = receivable_cents - (CASE WHEN OLD.status = 'completed' AND OLD.paid = 0 THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), receivable_jobs = receivable_jobs - (OLD.status = 'completed' AND OLD.paid = 0), pipeline_cents = pipeline_cents - (CASE WHEN OLD.status IN ('pending', 'in_progress') THEN coalesce(OLD.estimated_cost_cents, 0) ELSE 0 END), pipeline_jobs = pipeline_jobs - (OLD.status IN ('pending', 'in_progress'))
    WHERE owner = OLD.owner;
    UPDATE customer_totals SET
        jobs = jobs - (1), completed = completed - (OLD.status = 'completed'), earned_cents = earned_cents - (CASE WHEN OLD.status = 'completed' AND OLD.paid = 1 THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), unpaid_cents = unpaid_cents - (CASE WHEN NOT (OLD.paid = 1) THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), paid_cents = paid_cents - (CASE WHEN OLD.paid = 1 THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), paid_jobs = paid_jobs - (OLD.paid = 1), cost_jobs = cost_jobs - (OLD.status = 'completed' AND OLD.estimated_cost_cents IS NOT NULL AND OLD.actual_cost_cents IS NOT NULL), estimated_cost_cents = estimated_cost_cents - (CASE WHEN OLD.status = 'completed' AND OLD.estimated_cost_cents IS NOT NULL AND OLD.actual_cost_cents IS NOT NULL THEN coalesce(OLD.estimated_cost_cents, 0) ELSE 0 END), actual_cost_cents = actual_cost_cents - (CASE WHEN OLD.status = 'completed' AND OLD.estimated_cost_cents IS NOT NULL AND OLD.actual_cost_cents IS NOT NULL THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), hours_jobs = hours_jobs - (OLD.status = 'completed' AND OLD.estimated_hours_hundredths IS NOT NULL AND OLD.actual_hours_hundredths IS NOT NULL), estimated_hours = estimated_hours - (CASE WHEN OLD.status = 'completed' AND OLD.estimated_hours_hundredths IS NOT NULL AND OLD.actual_hours_hundredths IS NOT NULL THEN coalesce(OLD.estimated_hours_hundredths, 0) ELSE 0 END), actual_hours = actual_hours - (CASE WHEN OLD.status = 'completed' AND OLD.estimated_hours_hundredths IS NOT NULL AND OLD.actual_hours_hundredths IS NOT NULL THEN coalesce(OLD.actual_hours_hundredths, 0) ELSE 0 END),
        last_job_at_us = (
            SELECT max(created_at_us) FROM jobs
            WHERE owner = OLD.owner AND customer_id = OLD.customer_id
        )
    WHERE owner = OLD.owner AND customer_id = OLD.customer_id;
    UPDATE paid_days SET cents = cents - coalesce(OLD.actual_cost_cents, 0), jobs = jobs - 1
    WHERE OLD.paid = 1 AND OLD.paid_at_us IS NOT NULL AND owner = OLD.owner AND day = date((OLD.paid_at_us / 1000000 - (OLD.paid_at_us % 1000000 < 0)), 'unixepoch');
    DELETE FROM paid_days WHERE OLD.paid = 1 AND OLD.paid_at_us IS NOT NULL AND owner = OLD.owner AND day = date((OLD.paid_at_us / 1000000 - (OLD.paid_at_us % 1000000 < 0)), 'unixepoch') AND jobs = 0;
    UPDATE open_due_days SET jobs = jobs - 1
    WHERE OLD.status IN ('pending', 'in_progress') AND OLD.due_date IS NOT NULL AND owner = OLD.owner AND due_date = OLD.due_date;
    DELETE FROM open_due_days
    WHERE OLD.status IN ('pending', 'in_progress') AND OLD.due_date IS NOT NULL AND owner = OLD.owner AND due_date = OLD.due_date AND jobs = 0;
    INSERT INTO owner_totals (owner, pending, in_progress, completed, cancelled, paid_cents, paid_jobs, receivable_cents, receivable_jobs, pipeline_cents, pipeline_jobs)
    VALUES (NEW.owner, (NEW.status = 'pending'), (NEW.status = 'in_progress'), (NEW.status = 'completed'), (NEW.status = 'cancelled'), (CASE WHEN NEW.paid = 1 THEN coalesce(NEW.actual_cost_cents, 0) ELSE 0 END), (NEW.paid = 1), (CASE WHEN NEW.status = 'completed' AND NEW.paid = 0 THEN coalesce(NEW.actual_cost_cents, 0) ELSE 0 END), (NEW.status = 'completed' AND NEW.paid = 0), (CASE WHEN NEW.status IN ('pending', 'in_progress') THEN coalesce(NEW.estimated_cost_cents, 0) ELSE 0 END), (NEW.status IN ('pending', 'in_progress')))
    ON CONFLICT (owner) DO UPDATE SET pending = pending + excluded.pending, in_progress = in_progress + excluded.in_progress, completed = completed + excluded.completed, cancelled = cancelled + excluded.cancelled, paid_cents = paid_cents + excluded.paid_cents, paid_jobs = paid_jobs + excluded.paid_jobs, receivable_cents = receivable_cents + excluded.receivable_cents, receivable_jobs = receivable_jobs + excluded.receivable_jobs, pipeline_cents = pipeline_cents + excluded.pipeline_cents, pipeline_jobs = pipeline_jobs + excluded.pipeline_jobs;
    INSERT INTO customer_totals (owner, customer_id, jobs, completed, earned_cents, unpaid_cents, paid_cents, paid_jobs, cost_jobs, estimated_cost_cents, actual_cost_cents, hours_jobs, estimated_hours, actual_hours, last_job_at_us)
    VALUES (NEW.owner, NEW.customer_id, (1), (NEW.status = 'completed'), (CASE WHEN NEW.status = 'completed' AND NEW.paid = 1 THEN coalesce(NEW.actual_cost_cents, 0) ELSE 0 END), (CASE WHEN NOT (NEW.paid = 1) THEN coalesce(NEW.actual_cost_cents, 0) ELSE 0 END), (CASE WHEN NEW.paid = 1 THEN coalesce(NEW.actual_cost_cents, 0) ELSE 0 END), (NEW.paid = 1), (NEW.status = 'completed' AND NEW.estimated_cost_cents IS NOT NULL AND NEW.actual_cost_cents IS NOT NULL), (CASE WHEN NEW.status = 'completed' AND NEW.estimated_cost_cents IS NOT NULL AND NEW.actual_cost_cents IS NOT NULL THEN coalesce(NEW.estimated_cost_cents, 0) ELSE 0 END), (CASE WHEN NEW.status = 'completed' AND NEW.estimated_cost_cents IS NOT NULL AND NEW.actual_cost_cents IS NOT NULL THEN coalesce(NEW.actual_cost_cents, 0) ELSE 0 END), (NEW.status = 'completed' AND NEW.estimated_hours_hundredths IS NOT NULL AND NEW.actual_hours_hundredths IS NOT NULL), (CASE WHEN NEW.status = 'completed' AND NEW.estimated_hours_hundredths IS NOT NULL AND NEW.actual_hours_hundredths IS NOT NULL THEN coalesce(NEW.estimated_hours_hundredths, 0) ELSE 0 END), (CASE WHEN NEW.status = 'completed' AND NEW.estimated_hours_hundredths IS NOT NULL AND NEW.actual_hours_hundredths IS NOT NULL THEN coalesce(NEW.actual_hours_hundredths, 0) ELSE 0 END), NEW.created_at_us)
    ON CONFLICT (owner, customer_id) DO UPDATE SET
        jobs = jobs + excluded.jobs, completed = completed + excluded.completed, earned_cents = earned_cents + excluded.earned_cents, unpaid_cents = unpaid_cents + excluded.unpaid_cents, paid_cents = paid_cents + excluded.paid_cents, paid_jobs = paid_jobs + excluded.paid_jobs, cost_jobs = cost_jobs + excluded.cost_jobs, estimated_cost_cents = estimated_cost_cents + excluded.estimated_cost_cents, actual_cost_cents = actual_cost_cents + excluded.actual_cost_cents, hours_jobs = hours_jobs + excluded.hours_jobs, estimated_hours = estimated_hours + excluded.estimated_hours, actual_hours = actual_hours + excluded.actual_hours,
        last_job_at_us = max(coalesce(last_job_at_us, excluded.last_job_at_us),
                             excluded.last_job_at_us);
    INSERT INTO paid_days (owner, day, cents, jobs)
    SELECT NEW.owner, date((NEW.paid_at_us / 1000000 - (NEW.paid_at_us % 1000000 < 0)), 'unixepoch'), coalesce(NEW.actual_cost_cents, 0), 1
    WHERE NEW.paid = 1 AND NEW.paid_at_us IS NOT NULL
    ON CONFLICT (owner, day) DO UPDATE SET cents = cents + excluded.cents, jobs = jobs + 1;
    INSERT INTO open_due_days (owner, due_date, jobs)
    SELECT NEW.owner, NEW.due_date, 1 WHERE NEW.status IN ('pending', 'in_progress') AND NEW.due_date IS NOT NULL
    ON CONFLICT (owner, due_date) DO UPDATE SET jobs = jobs + 1;
END""",
    """CREATE TRIGGER customers_totals_insert AFTER INSERT ON customers
BEGIN
    INSERT INTO owner_totals (owner, customers) VALUES (NEW.owner, 1)
    ON CONFLICT (owner) DO UPDATE SET customers = customers + 1;
END""",
    """CREATE TRIGGER customers_totals_delete AFTER DELETE ON customers
BEGIN
    UPDATE owner_totals SET customers = customers - 1 WHERE owner = OLD.owner;
    DELETE FROM customer_totals WHERE owner = OLD.owner AND customer_id = OLD.id;
END""",
    """CREATE TRIGGER users_totals_delete AFTER DELETE ON users
BEGIN
    DELETE FROM owner_totals WHERE owner = OLD.owner;
    DELETE FROM paid_days WHERE owner = OLD.owner;
    DELETE FROM customer_totals WHERE owner = OLD.owner;
    DELETE FROM open_due_days WHERE owner = OLD.owner;
END""",
)

#: Version 5's statements that compute the totals of every row afresh.
REBUILD_V5 = (
    """DELETE FROM owner_totals""",
    """DELETE FROM paid_days""",
    """DELETE FROM customer_totals""",
    """DELETE FROM open_due_days""",
    """INSERT INTO owner_totals (owner, customers) SELECT owner, count(*) FROM customers GROUP BY owner""",
    """INSERT INTO owner_totals (owner, pending, in_progress, completed, cancelled, paid_cents, paid_jobs, receivable_cents, receivable_jobs, pipeline_cents, pipeline_jobs)
    SELECT j.owner, sum((j.status = 'pending')), sum((j.status = 'in_progress')), sum((j.status = 'completed')), sum((j.status = 'cancelled')), sum((CASE WHEN j.paid = 1 THEN coalesce(j.actual_cost_cents, 0) ELSE 0 END)), sum((j.paid = 1)), sum((CASE WHEN j.status = 'completed' AND j.paid = 0 THEN coalesce(j.actual_cost_cents, 0) ELSE 0 END)), sum((j.status = 'completed' AND j.paid = 0)), sum((CASE WHEN j.status IN ('pending', 'in_progress') THEN coalesce(j.estimated_cost_cents, 0) ELSE 0 END)), sum((j.status IN ('pending', 'in_progress'))) FROM jobs AS j NOT INDEXED WHERE j.rowid > 0
    GROUP BY j.owner
    ON CONFLICT (owner) DO UPDATE SET pending = pending + excluded.pending, in_progress = in_progress + excluded.in_progress, completed = completed + excluded.completed, cancelled = cancelled + excluded.cancelled, paid_cents = paid_cents + excluded.paid_cents, paid_jobs = paid_jobs + excluded.paid_jobs, receivable_cents = receivable_cents + excluded.receivable_cents, receivable_jobs = receivable_jobs + excluded.receivable_jobs, pipeline_cents = pipeline_cents + excluded.pipeline_cents, pipeline_jobs = pipeline_jobs + excluded.pipeline_jobs""",
    """INSERT INTO customer_totals (owner, customer_id, jobs, completed, earned_cents, unpaid_cents, paid_cents, paid_jobs, cost_jobs, estimated_cost_cents, actual_cost_cents, hours_jobs, estimated_hours, actual_hours, last_job_at_us)
    SELECT j.owner, j.customer_id, sum((1)), sum((j.status = 'completed')), sum((CASE WHEN j.status = 'completed' AND j.paid = 1 THEN coalesce(j.actual_cost_cents, 0) ELSE 0 END)), sum((CASE WHEN NOT (j.paid = 1) THEN coalesce(j.actual_cost_cents, 0) ELSE 0 END)), sum((CASE WHEN j.paid = 1 THEN coalesce(j.actual_cost_cents, 0) ELSE 0 END)), sum((j.paid = 1)), sum((j.status = 'completed' AND j.estimated_cost_cents IS NOT NULL AND j.actual_cost_cents IS NOT NULL)), sum((CASE WHEN j.status = 'completed' AND j.estimated_cost_cents IS NOT NULL AND j.actual_cost_cents IS NOT NULL THEN coalesce(j.estimated_cost_cents, 0) ELSE 0 END)), sum((CASE WHEN j.status = 'completed' AND j.estimated_cost_cents IS NOT NULL AND j.actual_cost_cents IS NOT NULL THEN coalesce(j.actual_cost_cents, 0) ELSE 0 END)), sum((j.status = 'completed' AND j.estimated_hours_hundredths IS NOT NULL AND j.actual_hours_hundredths IS NOT NULL)), sum((CASE WHEN j.status = 'completed' AND j.estimated_hours_hundredths IS NOT NULL AND j.actual_hours_hundredths IS NOT NULL THEN coalesce(j.estimated_hours_hundredths, 0) ELSE 0 END)), sum((CASE WHEN j.status = 'completed' AND j.estimated_hours_hundredths IS NOT NULL AND j.actual_hours_hundredths IS NOT NULL THEN coalesce(j.actual_hours_hundredths, 0) ELSE 0 END)), max(j.created_at_us)
    FROM jobs AS j NOT INDEXED WHERE j.rowid > 0 GROUP BY j.owner, j.customer_id
    ON CONFLICT (owner, customer_id) DO UPDATE SET
        jobs = jobs + excluded.jobs, completed = completed + excluded.completed, earned_cents = earned_cents + excluded.earned_cents, unpaid_cents = unpaid_cents + excluded.unpaid_cents, paid_cents = paid_cents + excluded.paid_cents, paid_jobs = paid_jobs + excluded.paid_jobs, cost_jobs = cost_jobs + excluded.cost_jobs, estimated_cost_cents = estimated_cost_cents + excluded.estimated_cost_cents, actual_cost_cents = actual_cost_cents + excluded.actual_cost_cents, hours_jobs = hours_jobs + excluded.hours_jobs, estimated_hours = estimated_hours + excluded.estimated_hours, actual_hours = actual_hours + excluded.actual_hours,
        last_job_at_us = max(coalesce(last_job_at_us, excluded.last_job_at_us),
                             excluded.last_job_at_us)""",
    """INSERT INTO paid_days (owner, day, cents, jobs)
    SELECT j.owner, date((j.paid_at_us / 1000000 - (j.paid_at_us % 1000000 < 0)), 'unixepoch'), sum(coalesce(j.actual_cost_cents, 0)), count(*)
    FROM jobs AS j NOT INDEXED WHERE j.rowid > 0 AND j.paid = 1 AND j.paid_at_us IS NOT NULL
    GROUP BY j.owner, date((j.paid_at_us / 1000000 - (j.paid_at_us % 1000000 < 0)), 'unixepoch')
    ON CONFLICT (owner, day) DO UPDATE SET
        cents = cents + excluded.cents, jobs = jobs + excluded.jobs""",
    """INSERT INTO open_due_days (owner, due_date, jobs)
    SELECT j.owner, j.due_date, count(*)
    FROM jobs AS j NOT INDEXED WHERE j.rowid > 0 AND j.status IN ('pending', 'in_progress') AND j.due_date IS NOT NULL
    GROUP BY j.owner, j.due_date
    ON CONFLICT (owner, due_date) DO UPDATE SET jobs = jobs + excluded.jobs""",
)


#: Version 6's new tables: jobs with what each holds, the payments ledger, and the running
#: totals (with the balances and the cash by day).
TABLES_V6 = (
    """CREATE TABLE jobs (
    id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT,
    status TEXT NOT NULL DEFAULT 'pending' CONSTRAINT valid_status
        CHECK (status IN ('pending', 'in_progress', 'completed', 'cancelled')),
    estimated_cost REAL GENERATED ALWAYS AS (estimated_cost_cents / 100.0) VIRTUAL,
    actual_cost REAL GENERATED ALWAYS AS (actual_cost_cents / 100.0) VIRTUAL,
    estimated_hours REAL GENERATED ALWAYS AS (estimated_hours_hundredths / 100.0) VIRTUAL,
    actual_hours REAL GENERATED ALWAYS AS (actual_hours_hundredths / 100.0) VIRTUAL,
    due_date TEXT CONSTRAINT valid_due_date CHECK (due_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    paid INTEGER NOT NULL DEFAULT 0 CONSTRAINT valid_paid CHECK (paid IN (0, 1)),
    completed_at TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', (completed_at_us / 1000000 - (completed_at_us % 1000000 < 0)), 'unixepoch') || printf('.%06dZ', (completed_at_us % 1000000 + 1000000) % 1000000)) VIRTUAL,
    created_at TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', (created_at_us / 1000000 - (created_at_us % 1000000 < 0)), 'unixepoch') || printf('.%06dZ', (created_at_us % 1000000 + 1000000) % 1000000)) VIRTUAL,
    updated_at TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', (updated_at_us / 1000000 - (updated_at_us % 1000000 < 0)), 'unixepoch') || printf('.%06dZ', (updated_at_us % 1000000 + 1000000) % 1000000)) VIRTUAL,
    estimated_cost_cents INTEGER CONSTRAINT valid_estimated_cost CHECK (estimated_cost_cents BETWEEN 0 AND 999999999999),
    actual_cost_cents INTEGER CONSTRAINT valid_actual_cost CHECK (actual_cost_cents BETWEEN 0 AND 999999999999),
    estimated_hours_hundredths INTEGER CONSTRAINT valid_estimated_hours CHECK (estimated_hours_hundredths BETWEEN 0 AND 999999999999),
    actual_hours_hundredths INTEGER CONSTRAINT valid_actual_hours CHECK (actual_hours_hundredths BETWEEN 0 AND 999999999999),
    paid_at TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', (paid_at_us / 1000000 - (paid_at_us % 1000000 < 0)), 'unixepoch') || printf('.%06dZ', (paid_at_us % 1000000 + 1000000) % 1000000)) VIRTUAL,
    owner INTEGER NOT NULL,
    completed_at_us INTEGER  CONSTRAINT valid_completed_at CHECK (completed_at_us BETWEEN -62135596800000000 AND 253402300799999999),
    created_at_us INTEGER NOT NULL DEFAULT (CAST(strftime('%s', 'now') AS INTEGER) * 1000000 + CAST(substr(strftime('%f', 'now'), 4) AS INTEGER) * 1000) CONSTRAINT valid_created_at CHECK (created_at_us BETWEEN -62135596800000000 AND 253402300799999999),
    updated_at_us INTEGER NOT NULL DEFAULT (CAST(strftime('%s', 'now') AS INTEGER) * 1000000 + CAST(substr(strftime('%f', 'now'), 4) AS INTEGER) * 1000) CONSTRAINT valid_updated_at CHECK (updated_at_us BETWEEN -62135596800000000 AND 253402300799999999),
    paid_at_us INTEGER  CONSTRAINT valid_paid_at CHECK (paid_at_us BETWEEN -62135596800000000 AND 253402300799999999),
    version INTEGER NOT NULL DEFAULT 1 CONSTRAINT valid_version CHECK (version >= 1),
    amount_paid REAL GENERATED ALWAYS AS (amount_paid_cents / 100.0) VIRTUAL,
    amount_paid_cents INTEGER NOT NULL DEFAULT 0 CONSTRAINT valid_amount_paid
        CHECK (amount_paid_cents BETWEEN 0 AND 999999999999),
    PRIMARY KEY (owner, id),
    FOREIGN KEY (owner, user_id) REFERENCES users (owner, id) ON DELETE CASCADE,
    FOREIGN KEY (owner, customer_id) REFERENCES customers (owner, id) ON DELETE CASCADE,
    CONSTRAINT paid_when_covered CHECK (NOT (status = 'completed' AND actual_cost_cents > 0) OR paid = (amount_paid_cents >= actual_cost_cents))
) STRICT""",
    """CREATE TABLE payments (
    id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    job_id TEXT NOT NULL,
    kind TEXT NOT NULL CONSTRAINT valid_kind CHECK (kind IN ('deposit', 'payment', 'refund')),
    method TEXT NOT NULL CONSTRAINT valid_method CHECK (method IN ('cash', 'card', 'check', 'bank_transfer', 'other')),
    amount_cents INTEGER NOT NULL CONSTRAINT valid_amount
        CHECK (amount_cents BETWEEN 1 AND 999999999999),
    amount REAL GENERATED ALWAYS AS (amount_cents / 100.0) VIRTUAL,
    received_on TEXT NOT NULL CONSTRAINT valid_received_on
        CHECK (received_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date(received_on, '+0 days') IS received_on),
    reference TEXT,
    note TEXT,
    recorded_at TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', (recorded_at_us / 1000000 - (recorded_at_us % 1000000 < 0)), 'unixepoch') || printf('.%06dZ', (recorded_at_us % 1000000 + 1000000) % 1000000)) VIRTUAL,
    voided_at TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', (voided_at_us / 1000000 - (voided_at_us % 1000000 < 0)), 'unixepoch') || printf('.%06dZ', (voided_at_us % 1000000 + 1000000) % 1000000)) VIRTUAL,
    owner INTEGER NOT NULL,
    recorded_at_us INTEGER NOT NULL CONSTRAINT valid_recorded_at CHECK (recorded_at_us BETWEEN -62135596800000000 AND 253402300799999999),
    by_mark_paid INTEGER NOT NULL DEFAULT 0 CONSTRAINT valid_by_mark_paid
        CHECK (by_mark_paid IN (0, 1)),
    voided_at_us INTEGER  CONSTRAINT valid_voided_at CHECK (voided_at_us BETWEEN -62135596800000000 AND 253402300799999999),
    void_reason TEXT,
    version INTEGER NOT NULL DEFAULT 1 CONSTRAINT valid_version CHECK (version >= 1),
    PRIMARY KEY (owner, id),
    FOREIGN KEY (owner, user_id) REFERENCES users (owner, id) ON DELETE CASCADE,
    FOREIGN KEY (owner, job_id) REFERENCES jobs (owner, id) ON DELETE CASCADE,
    CONSTRAINT voided_with_reason CHECK ((voided_at_us IS NULL) = (void_reason IS NULL))
) STRICT""",
    """CREATE TABLE owner_totals (
    owner INTEGER NOT NULL PRIMARY KEY,
    customers INTEGER NOT NULL DEFAULT 0,
    pending INTEGER NOT NULL DEFAULT 0, in_progress INTEGER NOT NULL DEFAULT 0, completed INTEGER NOT NULL DEFAULT 0, cancelled INTEGER NOT NULL DEFAULT 0, paid_cents INTEGER NOT NULL DEFAULT 0, paid_jobs INTEGER NOT NULL DEFAULT 0, receivable_cents INTEGER NOT NULL DEFAULT 0, receivable_jobs INTEGER NOT NULL DEFAULT 0, pipeline_cents INTEGER NOT NULL DEFAULT 0, pipeline_jobs INTEGER NOT NULL DEFAULT 0, due_cents INTEGER NOT NULL DEFAULT 0, held_cents INTEGER NOT NULL DEFAULT 0, owed_cents INTEGER NOT NULL DEFAULT 0, owed_jobs INTEGER NOT NULL DEFAULT 0, deposit_cents INTEGER NOT NULL DEFAULT 0, deposit_jobs INTEGER NOT NULL DEFAULT 0, credit_cents INTEGER NOT NULL DEFAULT 0, credit_jobs INTEGER NOT NULL DEFAULT 0
) STRICT""",
    """CREATE TABLE paid_days (
    owner INTEGER NOT NULL,
    day TEXT NOT NULL,
    cents INTEGER NOT NULL,
    jobs INTEGER NOT NULL,
    PRIMARY KEY (owner, day)
) STRICT, WITHOUT ROWID""",
    """CREATE TABLE customer_totals (
    owner INTEGER NOT NULL,
    customer_id TEXT NOT NULL,
    jobs INTEGER NOT NULL DEFAULT 0, completed INTEGER NOT NULL DEFAULT 0, earned_cents INTEGER NOT NULL DEFAULT 0, unpaid_cents INTEGER NOT NULL DEFAULT 0, paid_cents INTEGER NOT NULL DEFAULT 0, paid_jobs INTEGER NOT NULL DEFAULT 0, cost_jobs INTEGER NOT NULL DEFAULT 0, estimated_cost_cents INTEGER NOT NULL DEFAULT 0, actual_cost_cents INTEGER NOT NULL DEFAULT 0, hours_jobs INTEGER NOT NULL DEFAULT 0, estimated_hours INTEGER NOT NULL DEFAULT 0, actual_hours INTEGER NOT NULL DEFAULT 0, due_cents INTEGER NOT NULL DEFAULT 0, held_cents INTEGER NOT NULL DEFAULT 0, owed_cents INTEGER NOT NULL DEFAULT 0, owed_jobs INTEGER NOT NULL DEFAULT 0, deposit_cents INTEGER NOT NULL DEFAULT 0, deposit_jobs INTEGER NOT NULL DEFAULT 0, credit_cents INTEGER NOT NULL DEFAULT 0, credit_jobs INTEGER NOT NULL DEFAULT 0,
    last_job_at_us INTEGER,
    PRIMARY KEY (owner, customer_id)
) STRICT, WITHOUT ROWID""",
    """CREATE TABLE open_due_days (
    owner INTEGER NOT NULL,
    due_date TEXT NOT NULL,
    jobs INTEGER NOT NULL,
    PRIMARY KEY (owner, due_date)
) STRICT, WITHOUT ROWID""",
    """CREATE TABLE cash_days (
    owner INTEGER NOT NULL,
    day TEXT NOT NULL,
    method TEXT NOT NULL,
    received_cents INTEGER NOT NULL DEFAULT 0, receipts INTEGER NOT NULL DEFAULT 0, refunded_cents INTEGER NOT NULL DEFAULT 0, refunds INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (owner, day, method)
) STRICT, WITHOUT ROWID""",
)

#: Version 6's indexes on jobs and payments, made once the jobs are copied.
INDEXES_V6 = (
    """CREATE INDEX idx_jobs_owner_created ON jobs (owner, created_at_us, id, status, paid, due_date)""",
    """CREATE INDEX idx_jobs_owner_customer ON jobs (owner, customer_id, created_at_us, id)""",
    """CREATE INDEX idx_jobs_owner_updated ON jobs (owner, updated_at_us, id)""",
    """CREATE INDEX idx_jobs_owner_due ON jobs (owner, due_date, id)""",
    """CREATE INDEX idx_jobs_owner_paid ON jobs (owner, paid_at_us, actual_cost_cents, paid) WHERE paid = 1 AND paid_at_us IS NOT NULL""",
    """CREATE INDEX idx_jobs_owner_open_due ON jobs (owner, due_date, id) WHERE status IN ('pending', 'in_progress')""",
    """CREATE INDEX idx_jobs_owner_unpaid_done ON jobs (owner, completed_at_us IS NOT NULL, completed_at_us, id) WHERE status = 'completed' AND paid = 0""",
    """CREATE INDEX idx_jobs_owner_owing ON jobs (owner, completed_at_us, customer_id, actual_cost_cents, amount_paid_cents, status, paid) WHERE status = 'completed' AND paid = 0""",
    """CREATE INDEX idx_jobs_owner_due_done ON jobs (owner, completed_at_us, customer_id, actual_cost_cents, id, status) WHERE status = 'completed' AND actual_cost_cents > 0""",
    """CREATE INDEX idx_jobs_owner_holding ON jobs (owner, id) WHERE status = 'pending' AND amount_paid_cents > 0""",
    """CREATE INDEX idx_payments_owner_job ON payments (owner, job_id, received_on, recorded_at_us, id)""",
    """CREATE INDEX idx_payments_owner_job_standing ON payments (owner, job_id, received_on, kind, amount_cents) WHERE voided_at_us IS NULL""",
    """CREATE INDEX idx_payments_owner_received ON payments (owner, received_on, recorded_at_us, id)""",
)

#: Version 6's triggers: ``updated_at`` of users, customers and jobs, and the running totals.
TRIGGERS_V6 = (
    """CREATE TRIGGER update_users_updated_at
AFTER UPDATE ON users FOR EACH ROW
WHEN NEW.updated_at_us IS OLD.updated_at_us AND NEW.updated_at_us IS NOT (CAST(strftime('%s', 'now') AS INTEGER) * 1000000 + CAST(substr(strftime('%f', 'now'), 4) AS INTEGER) * 1000)
BEGIN
    UPDATE users SET updated_at_us = (CAST(strftime('%s', 'now') AS INTEGER) * 1000000 + CAST(substr(strftime('%f', 'now'), 4) AS INTEGER) * 1000) WHERE id = NEW.id;
END""",
    """CREATE TRIGGER update_customers_updated_at
AFTER UPDATE ON customers FOR EACH ROW
WHEN NEW.updated_at_us IS OLD.updated_at_us AND NEW.updated_at_us IS NOT (CAST(strftime('%s', 'now') AS INTEGER) * 1000000 + CAST(substr(strftime('%f', 'now'), 4) AS INTEGER) * 1000)
BEGIN
    UPDATE customers SET updated_at_us = (CAST(strftime('%s', 'now') AS INTEGER) * 1000000 + CAST(substr(strftime('%f', 'now'), 4) AS INTEGER) * 1000) WHERE owner = NEW.owner AND id = NEW.id;
END""",
    """CREATE TRIGGER update_jobs_updated_at
AFTER UPDATE ON jobs FOR EACH ROW
WHEN NEW.updated_at_us IS OLD.updated_at_us AND NEW.updated_at_us IS NOT (CAST(strftime('%s', 'now') AS INTEGER) * 1000000 + CAST(substr(strftime('%f', 'now'), 4) AS INTEGER) * 1000)
BEGIN
    UPDATE jobs SET updated_at_us = (CAST(strftime('%s', 'now') AS INTEGER) * 1000000 + CAST(substr(strftime('%f', 'now'), 4) AS INTEGER) * 1000) WHERE owner = NEW.owner AND id = NEW.id;
END""",
    """CREATE TRIGGER jobs_totals_delete AFTER DELETE ON jobs
BEGIN
    UPDATE owner_totals SET pending = pending - (OLD.status = 'pending'), in_progress = in_progress - (OLD.status = 'in_progress'), completed = completed - (OLD.status = 'completed'), cancelled = cancelled - (OLD.status = 'cancelled'), paid_cents = paid_cents - (CASE WHEN OLD.paid = 1 THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), paid_jobs = paid_jobs - (OLD.paid = 1), receivable_cents = receivable_cents - (CASE WHEN OLD.status = 'completed' AND OLD.paid = 0 THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), receivable_jobs = receivable_jobs - (OLD.status = 'completed' AND OLD.paid = 0), pipeline_cents = pipeline_cents - (CASE WHEN OLD.status IN ('pending', 'in_progress') THEN coalesce(OLD.estimated_cost_cents, 0) ELSE 0 END), pipeline_jobs = pipeline_jobs - (OLD.status IN ('pending', 'in_progress')), due_cents = due_cents - (CASE WHEN OLD.status = 'completed' THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), held_cents = held_cents - (OLD.amount_paid_cents), owed_cents = owed_cents - (CASE WHEN OLD.status = 'completed' AND (CASE WHEN OLD.status = 'completed' THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END - OLD.amount_paid_cents) > 0 THEN (CASE WHEN OLD.status = 'completed' THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END - OLD.amount_paid_cents) ELSE 0 END), owed_jobs = owed_jobs - (OLD.status = 'completed' AND (CASE WHEN OLD.status = 'completed' THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END - OLD.amount_paid_cents) > 0), deposit_cents = deposit_cents - (CASE WHEN OLD.status IN ('pending', 'in_progress') AND OLD.amount_paid_cents > 0 THEN OLD.amount_paid_cents ELSE 0 END), deposit_jobs = deposit_jobs - (OLD.status IN ('pending', 'in_progress') AND OLD.amount_paid_cents > 0), credit_cents = credit_cents - (CASE WHEN OLD.status = 'cancelled' THEN OLD.amount_paid_cents WHEN OLD.status = 'completed' AND (CASE WHEN OLD.status = 'completed' THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END - OLD.amount_paid_cents) < 0 THEN -(CASE WHEN OLD.status = 'completed' THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END - OLD.amount_paid_cents) ELSE 0 END), credit_jobs = credit_jobs - ((OLD.status = 'cancelled' AND OLD.amount_paid_cents > 0) OR (OLD.status = 'completed' AND (CASE WHEN OLD.status = 'completed' THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END - OLD.amount_paid_cents) < 0))
    WHERE owner = OLD.owner;
    UPDATE customer_totals SET
        jobs = jobs - (1), completed = completed - (OLD.status = 'completed'), earned_cents = earned_cents - (CASE WHEN OLD.status = 'completed' AND OLD.paid = 1 THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), unpaid_cents = unpaid_cents - (CASE WHEN NOT (OLD.paid = 1) THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), paid_cents = paid_cents - (CASE WHEN OLD.paid = 1 THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), paid_jobs = paid_jobs - (OLD.paid = 1), cost_jobs = cost_jobs - (OLD.status = 'completed' AND OLD.estimated_cost_cents IS NOT NULL AND OLD.actual_cost_cents IS NOT NULL), estimated_cost_cents = estimated_cost_cents - (CASE WHEN OLD.status = 'completed' AND OLD.estimated_cost_cents IS NOT NULL AND OLD.actual_cost_cents IS NOT NULL THEN coalesce(OLD.estimated_cost_cents, 0) ELSE 0 END), actual_cost_cents = actual_cost_cents - (CASE WHEN OLD.status = 'completed' AND OLD.estimated_cost_cents IS NOT NULL AND OLD.actual_cost_cents IS NOT NULL THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), hours_jobs = hours_jobs - (OLD.status = 'completed' AND OLD.estimated_hours_hundredths IS NOT NULL AND OLD.actual_hours_hundredths IS NOT NULL), estimated_hours = estimated_hours - (CASE WHEN OLD.status = 'completed' AND OLD.estimated_hours_hundredths IS NOT NULL AND OLD.actual_hours_hundredths IS NOT NULL THEN coalesce(OLD.estimated_hours_hundredths, 0) ELSE 0 END), actual_hours = actual_hours - (CASE WHEN OLD.status = 'completed' AND OLD.estimated_hours_hundredths IS NOT NULL AND OLD.actual_hours_hundredths IS NOT NULL THEN coalesce(OLD.actual_hours_hundredths, 0) ELSE 0 END), due_cents = due_cents - (CASE WHEN OLD.status = 'completed' THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), held_cents = held_cents - (OLD.amount_paid_cents), owed_cents = owed_cents - (CASE WHEN OLD.status = 'completed' AND (CASE WHEN OLD.status = 'completed' THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END - OLD.amount_paid_cents) > 0 THEN (CASE WHEN OLD.status = 'completed' THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END - OLD.amount_paid_cents) ELSE 0 END), owed_jobs = owed_jobs - (OLD.status = 'completed' AND (CASE WHEN OLD.status = 'completed' THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END - OLD.amount_paid_cents) > 0), deposit_cents = deposit_cents - (CASE WHEN OLD.status IN ('pending', 'in_progress') AND OLD.amount_paid_cents > 0 THEN OLD.amount_paid_cents ELSE 0 END), deposit_jobs = deposit_jobs - (OLD.status IN ('pending', 'in_progress') AND OLD.amount_paid_cents > 0), credit_cents = credit_cents - (CASE WHEN OLD.status = 'cancelled' THEN OLD.amount_paid_cents WHEN OLD.status = 'completed' AND (CASE WHEN OLD.status = 'completed' THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END - OLD.amount_paid_cents) < 0 THEN -(CASE WHEN OLD.status = 'completed' THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END - OLD.amount_paid_cents) ELSE 0 END), credit_jobs = credit_jobs - ((OLD.status = 'cancelled' AND OLD.amount_paid_cents > 0) OR (OLD.status = 'completed' AND (CASE WHEN OLD.status = 'completed' THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END - OLD.amount_paid_cents) < 0)),
        last_job_at_us = (
            SELECT max(created_at_us) FROM jobs
            WHERE owner = OLD.owner AND customer_id = OLD.customer_id
        )
    WHERE owner = OLD.owner AND customer_id = OLD.customer_id;
    UPDATE paid_days SET cents = cents - coalesce(OLD.actual_cost_cents, 0), jobs = jobs - 1
    WHERE OLD.paid = 1 AND OLD.paid_at_us IS NOT NULL AND owner = OLD.owner AND day = date((OLD.paid_at_us / 1000000 - (OLD.paid_at_us % 1000000 < 0)), 'unixepoch');
    DELETE FROM paid_days WHERE OLD.paid = 1 AND OLD.paid_at_us IS NOT NULL AND owner = OLD.owner AND day = date((OLD.paid_at_us / 1000000 - (OLD.paid_at_us % 1000000 < 0)), 'unixepoch') AND jobs = 0;
    UPDATE open_due_days SET jobs = jobs - 1
    WHERE OLD.status IN ('pending', 'in_progress') AND OLD.due_date IS NOT NULL AND owner = OLD.owner AND due_date = OLD.due_date;
    DELETE FROM open_due_days
    WHERE OLD.status IN ('pending', 'in_progress') AND OLD.due_date IS NOT NULL AND owner = OLD.owner AND due_date = OLD.due_date AND jobs = 0;
END""",
    """CREATE TRIGGER jobs_totals_update AFTER UPDATE OF owner, user_id, customer_id, status, paid, paid_at_us, actual_cost_cents, estimated_cost_cents, actual_hours_hundredths, estimated_hours_hundredths, created_at_us, due_date, amount_paid_cents ON jobs
WHEN OLD.owner IS NOT NEW.owner OR OLD.user_id IS NOT NEW.user_id OR OLD.customer_id IS NOT NEW.customer_id OR OLD.status IS NOT NEW.status OR OLD.paid IS NOT NEW.paid OR OLD.paid_at_us IS NOT NEW.paid_at_us OR OLD.actual_cost_cents IS NOT NEW.actual_cost_cents OR OLD.estimated_cost_cents IS NOT NEW.estimated_cost_cents OR OLD.actual_hours_hundredths IS NOT NEW.actual_hours_hundredths OR OLD.estimated_hours_hundredths IS NOT NEW.estimated_hours_hundredths OR OLD.created_at_us IS NOT NEW.created_at_us OR OLD.due_date IS NOT NEW.due_date OR OLD.amount_paid_cents IS NOT NEW.amount_paid_cents
BEGIN
    UPDATE owner_totals SET pending = pending - (OLD.status = 'pending'), in_progress = in_progress - (OLD.status = 'in_progress'), completed = completed - (OLD.status = 'completed'), cancelled = cancelled - (OLD.status = 'cancelled'), paid_cents = paid_cents - (CASE WHEN OLD.paid = 1 THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), paid_jobs = paid_jobs - (OLD.paid = 1), receivable_cents = receivable_cents - (CASE WHEN OLD.status = 'completed' AND OLD.paid = 0 THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), receivable_jobs = receivable_jobs - (OLD.status = 'completed' AND OLD.paid = 0), pipeline_cents = pipeline_cents - (CASE WHEN OLD.status IN ('pending', 'in_progress') THEN coalesce(OLD.estimated_cost_cents, 0) ELSE 0 END), pipeline_jobs = pipeline_jobs - (OLD.status IN ('pending', 'in_progress')), due_cents = due_cents - (CASE WHEN OLD.status = 'completed' THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), held_cents = held_cents - (OLD.amount_paid_cents), owed_cents = owed_cents - (CASE WHEN OLD.status = 'completed' AND (CASE WHEN OLD.status = 'completed' THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END - OLD.amount_paid_cents) > 0 THEN (CASE WHEN OLD.status = 'completed' THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END - OLD.amount_paid_cents) ELSE 0 END), owed_jobs = owed_jobs - (OLD.status = 'completed' AND (CASE WHEN OLD.status = 'completed' THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END - OLD.amount_paid_cents) > 0), deposit_cents = deposit_cents - (CASE WHEN OLD.status IN ('pending', 'in_progress') AND OLD.amount_paid_cents > 0 THEN OLD.amount_paid_cents ELSE 0 END), deposit_jobs = deposit_jobs - (OLD.status IN ('pending', 'in_progress') AND OLD.amount_paid_cents > 0), credit_cents = credit_cents - (CASE WHEN OLD.status = 'cancelled' THEN OLD.amount_paid_cents WHEN OLD.status = 'completed' AND (CASE WHEN OLD.status = 'completed' THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END - OLD.amount_paid_cents) < 0 THEN -(CASE WHEN OLD.status = 'completed' THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END - OLD.amount_paid_cents) ELSE 0 END), credit_jobs = credit_jobs - ((OLD.status = 'cancelled' AND OLD.amount_paid_cents > 0) OR (OLD.status = 'completed' AND (CASE WHEN OLD.status = 'completed' THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END - OLD.amount_paid_cents) < 0))
    WHERE owner = OLD.owner;
    UPDATE customer_totals SET
        jobs = jobs - (1), completed = completed - (OLD.status = 'completed'), earned_cents = earned_cents - (CASE WHEN OLD.status = 'completed' AND OLD.paid = 1 THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), unpaid_cents = unpaid_cents - (CASE WHEN NOT (OLD.paid = 1) THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), paid_cents = paid_cents - (CASE WHEN OLD.paid = 1 THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), paid_jobs = paid_jobs - (OLD.paid = 1), cost_jobs = cost_jobs - (OLD.status = 'completed' AND OLD.estimated_cost_cents IS NOT NULL AND OLD.actual_cost_cents IS NOT NULL), estimated_cost_cents = estimated_cost_cents - (CASE WHEN OLD.status = 'completed' AND OLD.estimated_cost_cents IS NOT NULL AND OLD.actual_cost_cents IS NOT NULL THEN coalesce(OLD.estimated_cost_cents, 0) ELSE 0 END), actual_cost_cents = actual_cost_cents - (CASE WHEN OLD.status = 'completed' AND OLD.estimated_cost_cents IS NOT NULL AND OLD.actual_cost_cents IS NOT NULL THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), hours_jobs = hours_jobs - (OLD.status = 'completed' AND OLD.estimated_hours_hundredths IS NOT NULL AND OLD.actual_hours_hundredths IS NOT NULL), estimated_hours = estimated_hours - (CASE WHEN OLD.status = 'completed' AND OLD.estimated_hours_hundredths IS NOT NULL AND OLD.actual_hours_hundredths IS NOT NULL THEN coalesce(OLD.estimated_hours_hundredths, 0) ELSE 0 END), actual_hours = actual_hours - (CASE WHEN OLD.status = 'completed' AND OLD.estimated_hours_hundredths IS NOT NULL AND OLD.actual_hours_hundredths IS NOT NULL THEN coalesce(OLD.actual_hours_hundredths, 0) ELSE 0 END), due_cents = due_cents - (CASE WHEN OLD.status = 'completed' THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END), held_cents = held_cents - (OLD.amount_paid_cents), owed_cents = owed_cents - (CASE WHEN OLD.status = 'completed' AND (CASE WHEN OLD.status = 'completed' THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END - OLD.amount_paid_cents) > 0 THEN (CASE WHEN OLD.status = 'completed' THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END - OLD.amount_paid_cents) ELSE 0 END), owed_jobs = owed_jobs - (OLD.status = 'completed' AND (CASE WHEN OLD.status = 'completed' THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END - OLD.amount_paid_cents) > 0), deposit_cents = deposit_cents - (CASE WHEN OLD.status IN ('pending', 'in_progress') AND OLD.amount_paid_cents > 0 THEN OLD.amount_paid_cents ELSE 0 END), deposit_jobs = deposit_jobs - (OLD.status IN ('pending', 'in_progress') AND OLD.amount_paid_cents > 0), credit_cents = credit_cents - (CASE WHEN OLD.status = 'cancelled' THEN OLD.amount_paid_cents WHEN OLD.status = 'completed' AND (CASE WHEN OLD.status = 'completed' THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END - OLD.amount_paid_cents) < 0 THEN -(CASE WHEN OLD.status = 'completed' THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END - OLD.amount_paid_cents) ELSE 0 END), credit_jobs = credit_jobs - ((OLD.status = 'cancelled' AND OLD.amount_paid_cents > 0) OR (OLD.status = 'completed' AND (CASE WHEN OLD.status = 'completed' THEN coalesce(OLD.actual_cost_cents, 0) ELSE 0 END - OLD.amount_paid_cents) < 0)),
        last_job_at_us = (
            SELECT max(created_at_us) FROM jobs
            WHERE owner = OLD.owner AND customer_id = OLD.customer_id
        )
    WHERE owner = OLD.owner AND customer_id = OLD.customer_id;
    UPDATE paid_days SET cents = cents - coalesce(OLD.actual_cost_cents, 0), jobs = jobs - 1
    WHERE OLD.paid = 1 AND OLD.paid_at_us IS NOT NULL AND owner = OLD.owner AND day = date((OLD.paid_at_us / 1000000 - (OLD.paid_at_us % 1000000 < 0)), 'unixepoch');
    DELETE FROM paid_days WHERE OLD.paid = 1 AND OLD.paid_at_us IS NOT NULL AND owner = OLD.owner AND day = date((OLD.paid_at_us / 1000000 - (OLD.paid_at_us % 1000000 < 0)), 'unixepoch') AND jobs = 0;
    UPDATE open_due_days SET jobs = jobs - 1
    WHERE OLD.status IN ('pending', 'in_progress') AND OLD.due_date IS NOT NULL AND owner = OLD.owner AND due_date = OLD.due_date;
    DELETE FROM open_due_days
    WHERE OLD.status IN ('pending', 'in_progress') AND OLD.due_date IS NOT NULL AND owner = OLD.owner AND due_date = OLD.due_date AND jobs = 0;
    INSERT INTO owner_totals (owner, pending, in_progress, completed, cancelled, paid_cents, paid_jobs, receivable_cents, receivable_jobs, pipeline_cents, pipeline_jobs, due_cents, held_cents, owed_cents, owed_jobs, deposit_cents, deposit_jobs, credit_cents, credit_jobs)
    VALUES (NEW.owner, (NEW.status = 'pending'), (NEW.status = 'in_progress'), (NEW.status = 'completed'), (NEW.status = 'cancelled'), (CASE WHEN NEW.paid = 1 THEN coalesce(NEW.actual_cost_cents, 0) ELSE 0 END), (NEW.paid = 1), (CASE WHEN NEW.status = 'completed' AND NEW.paid = 0 THEN coalesce(NEW.actual_cost_cents, 0) ELSE 0 END), (NEW.status = 'completed' AND NEW.paid = 0), (CASE WHEN NEW.status IN ('pending', 'in_progress') THEN coalesce(NEW.estimated_cost_cents, 0) ELSE 0 END), (NEW.status IN ('pending', 'in_progress')), (CASE WHEN NEW.status = 'completed' THEN coalesce(NEW.actual_cost_cents, 0) ELSE 0 END), (NEW.amount_paid_cents), (CASE WHEN NEW.status = 'completed' AND (CASE WHEN NEW.status = 'completed' THEN coalesce(NEW.actual_cost_cents, 0) ELSE 0 END - NEW.amount_paid_cents) > 0 THEN (CASE WHEN NEW.status = 'completed' THEN coalesce(NEW.actual_cost_cents, 0) ELSE 0 END - NEW.amount_paid_cents) ELSE 0 END), (NEW.status = 'completed' AND (CASE WHEN NEW.status = 'completed' THEN coalesce(NEW.actual_cost_cents, 0) ELSE 0 END - NEW.amount_paid_cents) > 0), (CASE WHEN NEW.status IN ('pending', 'in_progress') AND NEW.amount_paid_cents > 0 THEN NEW.amount_paid_cents ELSE 0 END), (NEW.status IN ('pending', 'in_progress') AND NEW.amount_paid_cents > 0), (CASE WHEN NEW.status = 'cancelled' THEN NEW.amount_paid_cents WHEN NEW.status = 'completed' AND (CASE WHEN NEW.status = 'completed' THEN coalesce(NEW.actual_cost_cents, 0) ELSE 0 END - NEW.amount_paid_cents) < 0 THEN -(CASE WHEN NEW.status = 'completed' THEN coalesce(NEW.actual_cost_cents, 0) ELSE 0 END - NEW.amount_paid_cents) ELSE 0 END), ((NEW.status = 'cancelled' AND NEW.amount_paid_cents > 0) OR (NEW.status = 'completed' AND (CASE WHEN NEW.status = 'completed' THEN coalesce(NEW.actual_cost_cents, 0) ELSE 0 END - NEW.amount_paid_cents) < 0)))
    ON CONFLICT (owner) DO UPDATE SET pending = pending + excluded.pending, in_progress = in_progress + excluded.in_progress, completed = completed + excluded.completed, cancelled = cancelled + excluded.cancelled, paid_cents = paid_cents + excluded.paid_cents, paid_jobs = paid_jobs + excluded.paid_jobs, receivable_cents = receivable_cents + excluded.receivable_cents, receivable_jobs = receivable_jobs + excluded.receivable_jobs, pipeline_cents = pipeline_cents + excluded.pipeline_cents, pipeline_jobs = pipeline_jobs + excluded.pipeline_jobs, due_cents = due_cents + excluded.due_cents, held_cents = held_cents + excluded.held_cents, owed_cents = owed_cents + excluded.owed_cents, owed_jobs = owed_jobs + excluded.owed_jobs, deposit_cents = deposit_cents + excluded.deposit_cents, deposit_jobs = deposit_jobs + excluded.deposit_jobs, credit_cents = credit_cents + excluded.credit_cents, credit_jobs = credit_jobs + excluded.credit_jobs;
    INSERT INTO customer_totals (owner, customer_id, jobs, completed, earned_cents, unpaid_cents, paid_cents, paid_jobs, cost_jobs, estimated_cost_cents, actual_cost_cents, hours_jobs, estimated_hours, actual_hours, due_cents, held_cents, owed_cents, owed_jobs, deposit_cents, deposit_jobs, credit_cents, credit_jobs, last_job_at_us)
    VALUES (NEW.owner, NEW.customer_id, (1), (NEW.status = 'completed'), (CASE WHEN NEW.status = 'completed' AND NEW.paid = 1 THEN coalesce(NEW.actual_cost_cents, 0) ELSE 0 END), (CASE WHEN NOT (NEW.paid = 1) THEN coalesce(NEW.actual_cost_cents, 0) ELSE 0 END), (CASE WHEN NEW.paid = 1 THEN coalesce(NEW.actual_cost_cents, 0) ELSE 0 END), (NEW.paid = 1), (NEW.status = 'completed' AND NEW.estimated_cost_cents IS NOT NULL AND NEW.actual_cost_cents IS NOT NULL), (CASE WHEN NEW.status = 'completed' AND NEW.estimated_cost_cents IS NOT NULL AND NEW.actual_cost_cents IS NOT NULL THEN coalesce(NEW.estimated_cost_cents, 0) ELSE 0 END), (CASE WHEN NEW.status = 'completed' AND NEW.estimated_cost_cents IS NOT NULL AND NEW.actual_cost_cents IS NOT NULL THEN coalesce(NEW.actual_cost_cents, 0) ELSE 0 END), (NEW.status = 'completed' AND NEW.estimated_hours_hundredths IS NOT NULL AND NEW.actual_hours_hundredths IS NOT NULL), (CASE WHEN NEW.status = 'completed' AND NEW.estimated_hours_hundredths IS NOT NULL AND NEW.actual_hours_hundredths IS NOT NULL THEN coalesce(NEW.estimated_hours_hundredths, 0) ELSE 0 END), (CASE WHEN NEW.status = 'completed' AND NEW.estimated_hours_hundredths IS NOT NULL AND NEW.actual_hours_hundredths IS NOT NULL THEN coalesce(NEW.actual_hours_hundredths, 0) ELSE 0 END), (CASE WHEN NEW.status = 'completed' THEN coalesce(NEW.actual_cost_cents, 0) ELSE 0 END), (NEW.amount_paid_cents), (CASE WHEN NEW.status = 'completed' AND (CASE WHEN NEW.status = 'completed' THEN coalesce(NEW.actual_cost_cents, 0) ELSE 0 END - NEW.amount_paid_cents) > 0 THEN (CASE WHEN NEW.status = 'completed' THEN coalesce(NEW.actual_cost_cents, 0) ELSE 0 END - NEW.amount_paid_cents) ELSE 0 END), (NEW.status = 'completed' AND (CASE WHEN NEW.status = 'completed' THEN coalesce(NEW.actual_cost_cents, 0) ELSE 0 END - NEW.amount_paid_cents) > 0), (CASE WHEN NEW.status IN ('pending', 'in_progress') AND NEW.amount_paid_cents > 0 THEN NEW.amount_paid_cents ELSE 0 END), (NEW.status IN ('pending', 'in_progress') AND NEW.amount_paid_cents > 0), (CASE WHEN NEW.status = 'cancelled' THEN NEW.amount_paid_cents WHEN NEW.status = 'completed' AND (CASE WHEN NEW.status = 'completed' THEN coalesce(NEW.actual_cost_cents, 0) ELSE 0 END - NEW.amount_paid_cents) < 0 THEN -(CASE WHEN NEW.status = 'completed' THEN coalesce(NEW.actual_cost_cents, 0) ELSE 0 END - NEW.amount_paid_cents) ELSE 0 END), ((NEW.status = 'cancelled' AND NEW.amount_paid_cents > 0) OR (NEW.status = 'completed' AND (CASE WHEN NEW.status = 'completed' THEN coalesce(NEW.actual_cost_cents, 0) ELSE 0 END - NEW.amount_paid_cents) < 0)), NEW.created_at_us)
    ON CONFLICT (owner, customer_id) DO UPDATE SET
        jobs = jobs + excluded.jobs, completed = completed + excluded.completed, earned_cents = earned_cents + excluded.earned_cents, unpaid_cents = unpaid_cents + excluded.unpaid_cents, paid_cents = paid_cents + excluded.paid_cents, paid_jobs = paid_jobs + excluded.paid_jobs, cost_jobs = cost_jobs + excluded.cost_jobs, estimated_cost_cents = estimated_cost_cents + excluded.estimated_cost_cents, actual_cost_cents = actual_cost_cents + excluded.actual_cost_cents, hours_jobs = hours_jobs + excluded.hours_jobs, estimated_hours = estimated_hours + excluded.estimated_hours, actual_hours = actual_hours + excluded.actual_hours, due_cents = due_cents + excluded.due_cents, held_cents = held_cents + excluded.held_cents, owed_cents = owed_cents + excluded.owed_cents, owed_jobs = owed_jobs + excluded.owed_jobs, deposit_cents = deposit_cents + excluded.deposit_cents, deposit_jobs = deposit_jobs + excluded.deposit_jobs, credit_cents = credit_cents + excluded.credit_cents, credit_jobs = credit_jobs + excluded.credit_jobs,
        last_job_at_us = max(coalesce(last_job_at_us, excluded.last_job_at_us),
                             excluded.last_job_at_us);
    INSERT INTO paid_days (owner, day, cents, jobs)
    SELECT NEW.owner, date((NEW.paid_at_us / 1000000 - (NEW.paid_at_us % 1000000 < 0)), 'unixepoch'), coalesce(NEW.actual_cost_cents, 0), 1
    WHERE NEW.paid = 1 AND NEW.paid_at_us IS NOT NULL
    ON CONFLICT (owner, day) DO UPDATE SET cents = cents + excluded.cents, jobs = jobs + 1;
    INSERT INTO open_due_days (owner, due_date, jobs)
    SELECT NEW.owner, NEW.due_date, 1 WHERE NEW.status IN ('pending', 'in_progress') AND NEW.due_date IS NOT NULL
    ON CONFLICT (owner, due_date) DO UPDATE SET jobs = jobs + 1;
END""",
    """CREATE TRIGGER customers_totals_insert AFTER INSERT ON customers
BEGIN
    INSERT INTO owner_totals (owner, customers) VALUES (NEW.owner, 1)
    ON CONFLICT (owner) DO UPDATE SET customers = customers + 1;
END""",
    """CREATE TRIGGER customers_totals_delete AFTER DELETE ON customers
BEGIN
    UPDATE owner_totals SET customers = customers - 1 WHERE owner = OLD.owner;
    DELETE FROM customer_totals WHERE owner = OLD.owner AND customer_id = OLD.id;
END""",
    """CREATE TRIGGER users_totals_delete AFTER DELETE ON users
BEGIN
    DELETE FROM owner_totals WHERE owner = OLD.owner;
    DELETE FROM paid_days WHERE owner = OLD.owner;
    DELETE FROM customer_totals WHERE owner = OLD.owner;
    DELETE FROM open_due_days WHERE owner = OLD.owner;
    DELETE FROM cash_days WHERE owner = OLD.owner;
END""",
)

#: Version 6's triggers keeping the cash by day, made once the opening payments are in.
CASH_TRIGGERS_V6 = (
    """CREATE TRIGGER payments_cash_insert AFTER INSERT ON payments
WHEN NEW.voided_at_us IS NULL
BEGIN
    INSERT INTO cash_days (owner, day, method, received_cents, receipts, refunded_cents, refunds)
    SELECT NEW.owner, NEW.received_on, NEW.method, (CASE WHEN NEW.voided_at_us IS NULL AND NEW.kind <> 'refund' THEN NEW.amount_cents ELSE 0 END), (NEW.voided_at_us IS NULL AND NEW.kind <> 'refund'), (CASE WHEN NEW.voided_at_us IS NULL AND NEW.kind = 'refund' THEN NEW.amount_cents ELSE 0 END), (NEW.voided_at_us IS NULL AND NEW.kind = 'refund')
    WHERE NEW.voided_at_us IS NULL
    ON CONFLICT (owner, day, method) DO UPDATE SET
        received_cents = received_cents + excluded.received_cents, receipts = receipts + excluded.receipts, refunded_cents = refunded_cents + excluded.refunded_cents, refunds = refunds + excluded.refunds;
END""",
    """CREATE TRIGGER payments_cash_delete AFTER DELETE ON payments
WHEN OLD.voided_at_us IS NULL
BEGIN
    UPDATE cash_days SET received_cents = received_cents - (CASE WHEN OLD.voided_at_us IS NULL AND OLD.kind <> 'refund' THEN OLD.amount_cents ELSE 0 END), receipts = receipts - (OLD.voided_at_us IS NULL AND OLD.kind <> 'refund'), refunded_cents = refunded_cents - (CASE WHEN OLD.voided_at_us IS NULL AND OLD.kind = 'refund' THEN OLD.amount_cents ELSE 0 END), refunds = refunds - (OLD.voided_at_us IS NULL AND OLD.kind = 'refund')
    WHERE OLD.voided_at_us IS NULL AND owner = OLD.owner AND day = OLD.received_on AND method = OLD.method;
    DELETE FROM cash_days WHERE OLD.voided_at_us IS NULL AND owner = OLD.owner AND day = OLD.received_on AND method = OLD.method AND receipts = 0 AND refunds = 0;
END""",
    """CREATE TRIGGER payments_cash_update AFTER UPDATE OF owner, received_on, method, kind, amount_cents, voided_at_us ON payments
WHEN OLD.owner IS NOT NEW.owner OR OLD.received_on IS NOT NEW.received_on OR OLD.method IS NOT NEW.method OR OLD.kind IS NOT NEW.kind OR OLD.amount_cents IS NOT NEW.amount_cents OR OLD.voided_at_us IS NOT NEW.voided_at_us
BEGIN
    UPDATE cash_days SET received_cents = received_cents - (CASE WHEN OLD.voided_at_us IS NULL AND OLD.kind <> 'refund' THEN OLD.amount_cents ELSE 0 END), receipts = receipts - (OLD.voided_at_us IS NULL AND OLD.kind <> 'refund'), refunded_cents = refunded_cents - (CASE WHEN OLD.voided_at_us IS NULL AND OLD.kind = 'refund' THEN OLD.amount_cents ELSE 0 END), refunds = refunds - (OLD.voided_at_us IS NULL AND OLD.kind = 'refund')
    WHERE OLD.voided_at_us IS NULL AND owner = OLD.owner AND day = OLD.received_on AND method = OLD.method;
    DELETE FROM cash_days WHERE OLD.voided_at_us IS NULL AND owner = OLD.owner AND day = OLD.received_on AND method = OLD.method AND receipts = 0 AND refunds = 0;
    INSERT INTO cash_days (owner, day, method, received_cents, receipts, refunded_cents, refunds)
    SELECT NEW.owner, NEW.received_on, NEW.method, (CASE WHEN NEW.voided_at_us IS NULL AND NEW.kind <> 'refund' THEN NEW.amount_cents ELSE 0 END), (NEW.voided_at_us IS NULL AND NEW.kind <> 'refund'), (CASE WHEN NEW.voided_at_us IS NULL AND NEW.kind = 'refund' THEN NEW.amount_cents ELSE 0 END), (NEW.voided_at_us IS NULL AND NEW.kind = 'refund')
    WHERE NEW.voided_at_us IS NULL
    ON CONFLICT (owner, day, method) DO UPDATE SET
        received_cents = received_cents + excluded.received_cents, receipts = receipts + excluded.receipts, refunded_cents = refunded_cents + excluded.refunded_cents, refunds = refunds + excluded.refunds;
END""",
)

#: The stored columns of version 6's payments.
PAYMENT_COLUMNS_V6 = (
    "id, user_id, job_id, kind, method, amount_cents, received_on, reference, note,"
    " recorded_at_us, by_mark_paid, voided_at_us, void_reason, version"
)
