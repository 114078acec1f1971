"""Quotes and invoices on the SQLite store: the worked example of the invoices page runs
on a database file and leaves it sound (the cash by day as a rebuild makes it, a payment
of no job counted as cash and as no job's money), and the schema itself refuses what the
rules forbid, for writers other than jobtrack."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from jobtrack_sqlite import SqliteStore
from jobtrack_sqlite.totals import rebuild

ROOT = Path(__file__).resolve().parents[2]
STAMP_US = 1751792400000000


def raw(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA foreign_keys = ON")
    return connection


def test_the_invoices_page_runs_on_a_database_file(tmp_path: Path) -> None:
    page = (ROOT / "docs" / "invoices.md").read_text()
    code = "\n".join(re.findall(r"```python\n(.*?)```", page, re.S))
    assert "MemoryStore()" in code
    path = tmp_path / "invoices.db"
    code = code.replace("MemoryStore()", f"SqliteStore({str(path)!r})")
    exec(compile(code, "docs/invoices.md", "exec"), {"SqliteStore": SqliteStore})

    connection = raw(path)
    assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    # the payment of no job (the invoice's tax) is cash received, and no job's money
    loose = connection.execute(
        "SELECT amount_cents FROM payments WHERE job_id IS NULL AND invoice_id IS NOT NULL"
    ).fetchall()
    assert loose == [(3000,)]
    cash = "SELECT * FROM cash_days ORDER BY owner, day, method"
    counted = connection.execute(cash).fetchall()
    received = connection.execute(
        "SELECT sum(amount_cents) FROM payments WHERE voided_at_us IS NULL AND kind <> 'refund'"
    ).fetchone()[0]
    assert sum(row[3] for row in counted) == received
    held = connection.execute(
        "SELECT sum(amount_paid_cents) FROM jobs",
    ).fetchone()[0]
    assert held == received - 3000
    connection.execute("BEGIN IMMEDIATE")
    rebuild(connection)
    assert connection.execute(cash).fetchall() == counted
    connection.execute("ROLLBACK")
    connection.close()


@pytest.fixture
def db(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    """A current database with an owner, a customer, a completed job, and an issued
    invoice ``i1`` (INV-1, 120.00 of which 20.00 paid) billing the job."""
    path = tmp_path / "rules.db"
    SqliteStore(path).close()
    connection = raw(path)
    connection.execute(
        "INSERT INTO users (owner, id, email, name, password_hash, created_at_us,"
        " updated_at_us) VALUES (1, 'u1', 'one@x.co', 'Name', 'hash', ?1, ?1)",
        (STAMP_US,),
    )
    connection.execute(
        "INSERT INTO customers (owner, id, user_id, name, created_at_us, updated_at_us)"
        " VALUES (1, 'c1', 'u1', 'Ada', ?1, ?1)",
        (STAMP_US,),
    )
    connection.execute(
        "INSERT INTO jobs (owner, id, user_id, customer_id, title, status, actual_cost_cents,"
        " completed_at_us, created_at_us, updated_at_us)"
        " VALUES (1, 'j1', 'u1', 'c1', 'Fix', 'completed', 10000, ?1, ?1, ?1)",
        (STAMP_US,),
    )
    connection.execute(invoice("'i1'", "'INV-1'", "'partly_paid'", paid="2000"))
    connection.execute(
        "INSERT INTO invoice_lines (owner, invoice_id, position, description,"
        " quantity_thousandths, unit_price_cents, discount_cents, tax_name,"
        " tax_rate_thousandths, job_id) VALUES (1, 'i1', 0, 'Fix', 1000, 10000, 0, 'VAT',"
        " 20000, 'j1')"
    )
    yield connection
    connection.close()


def invoice(
    id_: str,
    number: str,
    status: str,
    *,
    kind: str = "'invoice'",
    paid: str = "0",
    credited: str = "0",
    corrects: str = "NULL",
    issued_on: str = "'2025-07-06'",
    due_on: str = "'2025-08-05'",
    void: str = "NULL",
) -> str:
    """An INSERT of an invoice of 120.00 (100.00 and 20 % tax) of owner 1."""
    return (
        "INSERT INTO invoices (owner, id, user_id, customer_id, kind, number, status,"
        " currency, prices_include_tax, subtotal_cents, tax_cents, total_cents, issued_on,"
        " due_on, amount_paid_cents, amount_credited_cents, corrects, voided_at_us,"
        " void_reason, created_at_us, updated_at_us)"
        f" VALUES (1, {id_}, 'u1', 'c1', {kind}, {number}, {status}, 'EUR', 0, 10000, 2000,"
        f" 12000, {issued_on}, {due_on}, {paid}, {credited}, {corrects},"
        f" {'NULL' if void == 'NULL' else STAMP_US}, {void}, {STAMP_US}, {STAMP_US})"
    )


REFUSED = {
    "a draft with a number": invoice("'i2'", "'INV-2'", "'draft'", issued_on="NULL"),
    "an issued invoice without a number": invoice("'i2'", "NULL", "'issued'"),
    "an issued invoice due before it was issued": invoice(
        "'i2'", "'INV-2'", "'issued'", due_on="'2025-07-05'"
    ),
    "an invoice's status against its money": invoice("'i2'", "'INV-2'", "'paid'", paid="100"),
    "a second INV-1": invoice("'i2'", "'INV-1'", "'issued'"),
    "a void invoice without a reason": invoice("'i2'", "'INV-2'", "'void'"),
    "a credit note holding money": invoice(
        "'n1'", "'CN-1'", "'issued'", kind="'credit_note'", corrects="'i1'", paid="100"
    ),
    "a credit note correcting nothing": invoice("'n1'", "'CN-1'", "'issued'", kind="'credit_note'"),
    "a credit note correcting no invoice of its owner": invoice(
        "'n1'", "'CN-1'", "'issued'", kind="'credit_note'", corrects="'none'"
    ),
    "an unknown status": invoice("'i2'", "'INV-2'", "'sent'"),
    "totals that do not add up": "UPDATE invoices SET tax_cents = 1999",
    "a line discounted by more than it bills": "UPDATE invoice_lines SET discount_cents = 10001",
    "a tax rate without a name": "UPDATE invoice_lines SET tax_name = NULL",
    "a line of no job of its owner": "UPDATE invoice_lines SET job_id = 'j2'",
    "a quantity of 0": "UPDATE invoice_lines SET quantity_thousandths = 0",
    "a payment of no job and no invoice": (
        "INSERT INTO payments (owner, id, user_id, kind, method, amount_cents, received_on,"
        f" recorded_at_us) VALUES (1, 'p1', 'u1', 'payment', 'card', 100, '2025-07-06',"
        f" {STAMP_US})"
    ),
    "a payment to no invoice of its owner": (
        "INSERT INTO payments (owner, id, user_id, invoice_id, kind, method, amount_cents,"
        " received_on, recorded_at_us) VALUES (1, 'p1', 'u1', 'none', 'payment', 'card', 100,"
        f" '2025-07-06', {STAMP_US})"
    ),
    "a draft quote with a job": (
        "INSERT INTO quotes (owner, id, user_id, customer_id, status, title, currency,"
        " prices_include_tax, subtotal_cents, tax_cents, total_cents, job_id, created_at_us,"
        f" updated_at_us) VALUES (1, 'q1', 'u1', 'c1', 'draft', 'Roof', 'EUR', 0, 0, 0, 0,"
        f" 'j1', {STAMP_US}, {STAMP_US})"
    ),
    "deleting a billed job": "DELETE FROM jobs WHERE id = 'j1'",
    "deleting a billed customer": "DELETE FROM customers WHERE id = 'c1'",
    "deleting an invoice a payment was made to": (
        "INSERT INTO payments (owner, id, user_id, invoice_id, kind, method, amount_cents,"
        " received_on, recorded_at_us) VALUES (1, 'p1', 'u1', 'i1', 'payment', 'card', 100,"
        f" '2025-07-06', {STAMP_US}); DELETE FROM invoice_lines; DELETE FROM invoices"
    ),
    "a tax rate over 100 %": (
        "INSERT INTO billing_settings (owner, user_id, currency, prices_include_tax,"
        " invoice_format, quote_format, credit_note_format, payment_terms_days,"
        " quote_valid_days) VALUES (1, 'u1', 'EUR', 0, '{number}', 'Q{number}', 'C{number}',"
        " 30, 30); INSERT INTO tax_rates (owner, position, name, rate_thousandths)"
        " VALUES (1, 0, 'VAT', 100001)"
    ),
    "a counter below 0": (
        "INSERT INTO number_counters (owner, series, period, last) VALUES (1, 'invoice', 0, -1)"
    ),
}


@pytest.mark.parametrize("what", list(REFUSED))
def test_the_schema_refuses_what_the_rules_forbid(db: sqlite3.Connection, what: str) -> None:
    before = list(db.iterdump())
    db.execute("BEGIN")
    with pytest.raises(sqlite3.IntegrityError):
        for statement in REFUSED[what].split("; "):
            db.execute(statement)
    db.execute("ROLLBACK")
    assert list(db.iterdump()) == before


def test_the_schema_takes_a_valid_credit_note_and_a_payment_of_no_job(
    db: sqlite3.Connection,
) -> None:
    db.execute(invoice("'n1'", "'INV-1'", "'issued'", kind="'credit_note'", corrects="'i1'"))
    db.execute(
        "INSERT INTO payments (owner, id, user_id, invoice_id, kind, method, amount_cents,"
        " received_on, recorded_at_us) VALUES (1, 'p1', 'u1', 'i1', 'payment', 'card', 100,"
        f" '2025-07-06', {STAMP_US})"
    )
    assert db.execute("SELECT count(*) FROM invoices").fetchone() == (2,)
    # a deleted job unlinks the accepted quote that made it
    db.execute(
        "INSERT INTO jobs (owner, id, user_id, customer_id, title, created_at_us,"
        f" updated_at_us) VALUES (1, 'j9', 'u1', 'c1', 'Roof', {STAMP_US}, {STAMP_US})"
    )
    db.execute(
        "INSERT INTO quotes (owner, id, user_id, customer_id, number, status, title, currency,"
        " prices_include_tax, subtotal_cents, tax_cents, total_cents, issued_on,"
        " decided_at_us, job_id, created_at_us, updated_at_us) VALUES (1, 'q1', 'u1', 'c1',"
        " 'Q-1', 'accepted', 'Roof', 'EUR', 0, 0, 0, 0, '2025-07-06', ?1, 'j9', ?1, ?1)",
        (STAMP_US,),
    )
    db.execute("DELETE FROM jobs WHERE id = 'j9'")
    assert db.execute("SELECT status, job_id FROM quotes").fetchall() == [("accepted", None)]
    # deleting the account takes everything
    db.execute("DELETE FROM users WHERE id = 'u1'")
    for table in ("invoices", "invoice_lines", "quotes", "payments", "number_counters"):
        assert db.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,), table
