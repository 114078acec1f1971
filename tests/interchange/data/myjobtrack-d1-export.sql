PRAGMA defer_foreign_keys=TRUE;
CREATE TABLE d1_migrations(
		id         INTEGER PRIMARY KEY AUTOINCREMENT,
		name       TEXT UNIQUE,
		applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL
);
INSERT INTO "d1_migrations" VALUES(1,'0001_schema-v1.sql','2025-01-01 00:00:00');
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT UNIQUE NOT NULL,
    name TEXT NOT NULL,
    business_name TEXT,
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO "users" VALUES('u-sam','Sam@Example.com','Sam Carter','Carter Plumbing','7e912f043306071ce69fb000dba3a8410d3dc2fa92f0f0acb4c6845e4d0c067d','2025-01-10 09:00:00','2025-01-10 09:00:00');
INSERT INTO "users" VALUES('u-sam2','sam@example.com','Sam C.',NULL,'08518b71617eb0b46c053f3766069649f664e9a3fbaca168d6a861fbec870082','2025-02-01 08:30:00','2025-02-01 08:30:00');
INSERT INTO "users" VALUES('u-lee','lee@example.org','Lee Wong',NULL,'221728CB89F65EA42115BA07AE54A8E7C8826F4B8845CAE95108789EC0A08C18','2025-03-01T10:00:00.000Z','2025-03-02T11:00:00.000Z');
INSERT INTO "users" VALUES('u-bad','not-an-email','Broken',NULL,'2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881','2025-03-05 10:00:00','2025-03-05 10:00:00');
INSERT INTO "users" VALUES('u-lock','lock@example.net','Locked Out',NULL,'plain text password','2025-03-06 10:00:00','garbage');
CREATE TABLE customers (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    address TEXT,
    business_name TEXT,
    notes TEXT,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO "customers" ("id","user_id","name","email","phone","address","business_name","notes","created_at","updated_at") VALUES('c1','u-sam','Alice Smith','alice@example.com','555-0101',replace('1 Main St\nSpringfield','\n',char(10)),NULL,'Gate code 1234; dog is friendly','2025-01-11 10:00:00','2025-01-11 10:00:00');
INSERT INTO "customers" ("id","user_id","name","email","phone","address","business_name","notes","created_at","updated_at") VALUES('c2','u-sam2','Bob Jones',NULL,'555-0102',NULL,NULL,NULL,'2025-02-02 10:00:00','2025-02-02 10:00:00');
INSERT INTO "customers" ("id","user_id","name","email","phone","address","business_name","notes","created_at","updated_at") VALUES('c3','u-lee','Carol	White','carol at example',NULL,NULL,'White Co',NULL,'2025-03-03T09:15:00.000Z','2025-03-03T09:15:00.000Z');
INSERT INTO "customers" ("id","user_id","name","email","phone","address","business_name","notes","created_at","updated_at") VALUES('c4','u-bad','Dan',NULL,NULL,NULL,NULL,NULL,'2025-03-05 11:00:00','2025-03-05 11:00:00');
INSERT INTO "customers" ("id","user_id","name","email","phone","address","business_name","notes","created_at","updated_at") VALUES('c5','u-lee','   ',NULL,NULL,NULL,NULL,NULL,'2025-03-04T09:15:00.000Z','2025-03-04T09:15:00.000Z');
INSERT INTO "customers" ("id","user_id","name","email","phone","address","business_name","notes","created_at","updated_at") VALUES('c6','u-ghost','Eve',NULL,NULL,NULL,NULL,NULL,'2025-03-04T09:15:00.000Z','2025-03-04T09:15:00.000Z');
CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    customer_id TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    description TEXT,
    status TEXT DEFAULT 'pending',
    estimated_cost REAL,
    actual_cost REAL,
    estimated_hours REAL,
    actual_hours REAL,
    due_date TEXT,
    paid BOOLEAN DEFAULT FALSE,
    completed_at TEXT,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO "jobs" ("id","user_id","customer_id","title","description","status","estimated_cost","actual_cost","estimated_hours","actual_hours","due_date","paid","completed_at","created_at","updated_at") VALUES('j1','u-sam','c1','Fix sink',NULL,'completed',NULL,0.30000000000000004,NULL,1.5,'2025-01-15',1,NULL,'2025-01-12 09:00:00','2025-01-16 17:00:00');
INSERT INTO "jobs" ("id","user_id","customer_id","title","description","status","estimated_cost","actual_cost","estimated_hours","actual_hours","due_date","paid","completed_at","created_at","updated_at") VALUES('j2','u-sam','c1','Replace boiler','Old one leaks','in_progress',19.999,NULL,8,NULL,'2025-08-01',0,NULL,'2025-01-20 09:00:00','2025-01-21 09:00:00');
INSERT INTO "jobs" ("id","user_id","customer_id","title","description","status","estimated_cost","actual_cost","estimated_hours","actual_hours","due_date","paid","completed_at","created_at","updated_at") VALUES('j3','u-sam','c3','Snooping',NULL,'pending',10.0,NULL,NULL,NULL,NULL,0,NULL,'2025-03-10 09:00:00','2025-03-10 09:00:00');
INSERT INTO "jobs" ("id","user_id","customer_id","title","description","status","estimated_cost","actual_cost","estimated_hours","actual_hours","due_date","paid","completed_at","created_at","updated_at") VALUES('j4','u-lee','c3','Free check-up',NULL,'completed',NULL,NULL,NULL,NULL,NULL,1,'2025-03-12T16:00:00.000Z','2025-03-11T09:00:00.000Z','2025-03-12T16:00:00.000Z');
INSERT INTO "jobs" ("id","user_id","customer_id","title","description","status","estimated_cost","actual_cost","estimated_hours","actual_hours","due_date","paid","completed_at","created_at","updated_at") VALUES('j5','u-lee','c3','Deposit then cancel',NULL,'cancelled',250.0,50.0,NULL,NULL,NULL,1,NULL,'2025-03-13T09:00:00.000Z','2025-03-14T09:00:00.000Z');
INSERT INTO "jobs" ("id","user_id","customer_id","title","description","status","estimated_cost","actual_cost","estimated_hours","actual_hours","due_date","paid","completed_at","created_at","updated_at") VALUES('j6','u-sam2','c2','Install tap',NULL,'scheduled',80.0,NULL,NULL,NULL,'2025-09-01',0,NULL,'2025-02-03 09:00:00','2025-02-03 09:00:00');
INSERT INTO "jobs" ("id","user_id","customer_id","title","description","status","estimated_cost","actual_cost","estimated_hours","actual_hours","due_date","paid","completed_at","created_at","updated_at") VALUES('j7','u-lee','c-missing','Orphan',NULL,'pending',NULL,NULL,NULL,NULL,NULL,0,NULL,'2025-03-15T09:00:00.000Z','2025-03-15T09:00:00.000Z');
INSERT INTO "jobs" ("id","user_id","customer_id","title","description","status","estimated_cost","actual_cost","estimated_hours","actual_hours","due_date","paid","completed_at","created_at","updated_at") VALUES('j8','u-lee','c5','Paint fence',NULL,'pending',120.0,NULL,NULL,NULL,'2025-07-10T14:30:00.000Z',0,'2025-03-20T09:00:00.000Z','2025-03-16T09:00:00.000Z','2025-03-20T09:00:00.000Z');
INSERT INTO "jobs" ("id","user_id","customer_id","title","description","status","estimated_cost","actual_cost","estimated_hours","actual_hours","due_date","paid","completed_at","created_at","updated_at") VALUES('j9','u-lee','c3','Odd one',NULL,'on-hold',-5.0,NULL,NULL,NULL,NULL,0,NULL,'2025-03-17T09:00:00.000Z','2025-03-17T09:00:00.000Z');
INSERT INTO "jobs" ("id","user_id","customer_id","title","description","status","estimated_cost","actual_cost","estimated_hours","actual_hours","due_date","paid","completed_at","created_at","updated_at") VALUES('j10','u-sam','c1','Bathroom',NULL,'completed',140.0,150.5,2.333,2.5,NULL,0,'2025-04-01T12:00:00+02:00','2025-03-25 09:00:00','2025-04-01 10:00:00');
CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token TEXT UNIQUE NOT NULL,
    expires_at TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO "sessions" VALUES('s1','u-sam','abababababababababababababababababababababababababababababababab','2025-01-11 09:00:00','2025-01-10 09:00:00');
DELETE FROM sqlite_sequence;
INSERT INTO "sqlite_sequence" VALUES('d1_migrations',1);
CREATE INDEX idx_customers_user_id ON customers(user_id);
CREATE INDEX idx_jobs_user_id ON jobs(user_id);
CREATE INDEX idx_jobs_customer_id ON jobs(customer_id);
CREATE INDEX idx_jobs_status ON jobs(status);
CREATE INDEX idx_jobs_due_date ON jobs(due_date);
CREATE INDEX idx_sessions_token ON sessions(token);
CREATE INDEX idx_sessions_user_id ON sessions(user_id);

CREATE TRIGGER update_users_updated_at AFTER UPDATE ON users
BEGIN
    UPDATE users SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;
END;

CREATE TRIGGER update_customers_updated_at AFTER UPDATE ON customers
BEGIN
    UPDATE customers SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;
END;

CREATE TRIGGER update_jobs_updated_at AFTER UPDATE ON jobs
BEGIN
    UPDATE jobs SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;
END;
