"""Export and import from the command line, and moving in from MyJobTrack."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sqlite3
import sys
import zipfile
from pathlib import Path

import pytest

from jobtrack.cli.commands.transfer import Progress
from jobtrack.demo import DEMO_EMAIL, DEMO_PASSWORD
from jobtrack_interchange.document import FORMAT

from .clirun import Cli

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = (ROOT / "tests" / "interchange" / "data" / "myjobtrack-schema-v1.sql").read_text()
OLD_PASSWORD = "old secret 1"
LEGACY_HASH = hashlib.sha256(OLD_PASSWORD.encode()).hexdigest()

DUMP = (
    SCHEMA
    + f"""
INSERT INTO users VALUES('u1','Kim@Example.com','Kim','Kim Cleaning','{LEGACY_HASH}',
  '2025-01-02 08:00:00','2025-01-02 08:00:00');
INSERT INTO customers VALUES('c1','u1','Ola','ola@example.com','555','1 Road',NULL,NULL,
  '2025-01-03 09:00:00','2025-01-03 09:00:00');
INSERT INTO jobs VALUES('j1','u1','c1','Windows','All of them','completed',80.0,84.995,2.0,2.5,
  '2025-01-10',1,'2025-01-10 15:00:00','2025-01-04 10:00:00','2025-01-10 15:00:00');
INSERT INTO jobs VALUES('j2','u1','c1','Oven',NULL,'scheduled',45.5,NULL,NULL,NULL,
  '2025-02-01',0,NULL,'2025-01-05 10:00:00','2025-01-05 10:00:00');
"""
)


def _without_time(path: Path) -> dict[str, object]:
    document: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    document.pop("exported_at")
    return document


def test_export_import_round_trip(demo_cli: Cli) -> None:
    cli = demo_cli
    done = cli("export", "json", "--output", "a.json").ok()
    assert "to a.json" in done.out
    cli("export", "json", "--output", "a.json").refused("exists", "--force")
    cli("export", "csv", "-o", "a.zip").ok()
    streamed = json.loads(cli("export", "json", "--output", "-").ok().out)
    assert streamed["format"] == FORMAT and streamed["account"]["email"] == DEMO_EMAIL

    # Importing needs an account to import into; a new database gets the account restored.
    cli("--db", "copy.db", "import", "jobtrack", "a.json").refused("no database")
    first = cli("--db", "copy.db", "restore", "a.json", "--json").json()
    assert first["created"]["users"] == 1 and first["created"]["jobs"] == len(streamed["jobs"])
    again = cli("--db", "copy.db", "restore", "a.zip").ok().out
    assert "created:   0 users, 0 customers, 0 jobs" in again
    # The copy is the same data: the same login works, the export is identical.
    cli("--db", "copy.db", "login", "--email", DEMO_EMAIL, stdin=DEMO_PASSWORD + "\n").ok()
    cli("--db", "copy.db", "export", "json", "-o", "b.json").ok()
    assert _without_time(cli.home / "a.json") == _without_time(cli.home / "b.json")

    from_csv = cli("--db", "new/csv.db", "restore", "a.zip", "--dry-run", "--json").json()
    assert from_csv["dry_run"] and from_csv["created"]["customers"] == len(streamed["customers"])
    assert not (cli.home / "new").exists(), "neither the database nor a folder made for it"


def test_a_conflict_names_the_option_that_resolves_it(demo_cli: Cli) -> None:
    cli = demo_cli
    cli("export", "json", "--output", "a.json").ok()
    customer = cli("customer", "list", "--json").json()[0]["customer"]
    cli("customer", "edit", customer["id"], "--notes", "changed since the export").ok()
    refused = cli("import", "jobtrack", "a.json").refused(
        "already exist with different content", "--on-conflict replace or --on-conflict keep"
    )
    assert "on_conflict" not in refused.err and not refused.err.startswith("jobtrack: id:")
    # What a dry run would do is said as such, and counts read as English.
    checked = cli("import", "jobtrack", "a.json", "--on-conflict", "replace", "--dry-run").ok()
    assert "would update: 0 users, 1 customer, 0 jobs" in checked.out
    assert f"would replace customer {customer['id']}" in checked.out
    assert "created" not in checked.out and "updated:" not in checked.out
    done = cli("import", "jobtrack", "a.json", "--on-conflict", "replace").ok()
    assert "updated:   0 users, 1 customer, 0 jobs" in done.out
    assert f"replaced customer {customer['id']}" in done.out


def _customer_cells(archive: Path) -> list[list[str]]:
    with zipfile.ZipFile(archive) as zipped:
        text = zipped.read("customers.csv").decode()
    return list(csv.reader(io.StringIO(text, newline="")))


def test_csv_export_escapes_formulas_unless_asked_to_keep_them(demo_cli: Cli) -> None:
    cli = demo_cli
    formula = '=HYPERLINK("http://example.com","Click me")'
    cli("customer", "add", formula, "--phone", "+1+1").ok()
    cli("export", "csv", "-o", "escaped.zip").ok()
    cells = [cell for row in _customer_cells(cli.home / "escaped.zip") for cell in row]
    assert "'" + formula in cells and "'+1+1" in cells and formula not in cells
    cli("export", "csv", "-o", "kept.zip", "--keep-formulas").ok()
    cells = [cell for row in _customer_cells(cli.home / "kept.zip") for cell in row]
    assert formula in cells and "+1+1" in cells
    cli("export", "json", "--keep-formulas").refused("csv", code=2)

    cli("--db", "copy.db", "restore", "escaped.zip").ok()
    cli("--db", "copy.db", "login", "--email", DEMO_EMAIL, stdin=DEMO_PASSWORD + "\n").ok()
    listed = cli("--db", "copy.db", "customer", "list", "--json").json()
    names = [s["customer"]["name"] for s in listed]
    assert formula in names


def test_a_bad_file_leaves_no_database_behind(cli: Cli) -> None:
    cli("restore", "missing.json").refused("no file missing.json")
    (cli.home / "bad.json").write_text('{"format": "jobtrack/1", "customers": 3}')
    cli("restore", "bad.json").refused("invalid input")
    (cli.home / "backup.json").write_text('{"customers": [], "jobs": []}')
    cli("restore", "backup.json").refused("looks like a MyJobTrack backup")
    assert not (cli.home / "jobtrack.db").exists()


def test_json_nested_too_deeply_is_refused_not_an_unexpected_error(demo_cli: Cli) -> None:
    cli = demo_cli
    deep = '{"customers": ' + "[" * 100_000 + "]" * 100_000 + ', "jobs": []}'
    (cli.home / "deep.json").write_text(deep)
    for args in (
        ("import", "jobtrack", "deep.json"),
        ("import", "myjobtrack-backup", "deep.json"),
        ("--db", "new.db", "restore", "deep.json"),
    ):
        cli(*args).refused("invalid input: file is nested too deeply")
    cli("import", "jobtrack", "-", stdin=deep).refused("file is nested too deeply")
    assert not (cli.home / "new.db").exists()


def test_a_jobtrack_database_is_not_taken_for_a_myjobtrack_one(cli: Cli) -> None:
    cli("--db", "theirs.db", "demo").ok()
    files = sorted(cli.home.iterdir())
    cli("import", "myjobtrack-db", "theirs.db").refused("not a MyJobTrack database")
    cli("import", "myjobtrack-db", "theirs.db", "--dry-run").refused("not a MyJobTrack database")
    assert sorted(cli.home.iterdir()) == files  # no jobtrack.db, nothing beside theirs.db


def test_moving_in_from_myjobtrack(cli: Cli) -> None:
    (cli.home / "d1.sql").write_text(DUMP, encoding="utf-8")
    legacy = sqlite3.connect(cli.home / "d1.sqlite")
    legacy.executescript(DUMP)
    legacy.close()

    checked = cli("import", "myjobtrack-db", "d1.sqlite", "--dry-run", "--json").json()
    created = checked["created"]
    assert checked["dry_run"] and created | {"payments": 0} == {
        "users": 1,
        "customers": 1,
        "jobs": 2,
        "payments": 0,
        "quotes": 0,
        "invoices": 0,
    }
    assert created.get("payments", 1) == 1  # the paid job's one payment, where counted
    assert not (cli.home / "jobtrack.db").exists()
    said = cli("import", "myjobtrack-db", "d1.sqlite", "--dry-run").ok().out
    assert "would create: 1 user, 1 customer, 2 jobs" in said
    rounded = "rounded half up to the cent: job j1 actual_cost 84.995"
    assert f"would alter (1), {rounded}" in said and "created" not in said
    cli("import", "myjobtrack-db", "d1.sqlite", "--user", "nobody@example.com").refused(
        "invalid input: users: no account with these ids or emails in the source"
    )

    done = cli("import", "myjobtrack-sql", "d1.sql").ok().out
    assert "created:   1 user, 1 customer, 2 jobs" in done
    assert f"altered (1), {rounded}" in done  # every value changed is listed
    assert "log in with their old passwords" in done
    again = cli("import", "myjobtrack-db", "d1.sqlite", "--json").json()
    assert not any(again["created"].values())

    cli.login("kim@example.com", OLD_PASSWORD)
    jobs = cli("job", "list", "--sort", "due", "--json").json()["jobs"]
    assert [(j["id"], j["status"], j["paid"]) for j in jobs] == [
        ("j1", "completed", True),
        ("j2", "pending", False),
    ]
    assert jobs[0]["actual_cost"] == "85.00"

    backup = {
        "customers": [
            {
                "id": "c9",
                "name": "Vera",
                "phone": "556",
                "address": "2 Lane",
                "serviceType": "cleaning",
                "totalUnpaid": 0,
                "createdDate": "2025-03-01T10:00:00.000Z",
                "qrCodeUrl": "",
            }
        ],
        "jobs": [
            {
                "id": "j9",
                "customerId": "c9",
                "customerName": "Vera",
                "title": "Deep clean",
                "serviceType": "cleaning",
                "scheduledDate": "2025-03-05T09:00:00.000Z",
                "price": 120.5,
                "status": "in-progress",
                "paymentStatus": "unpaid",
                "notes": "",
                "createdDate": "2025-03-01T10:00:00.000Z",
            }
        ],
    }
    (cli.home / "myjobtrack-backup-2025-03-06.json").write_text(json.dumps(backup))
    report = cli(
        "import", "myjobtrack-backup", "myjobtrack-backup-2025-03-06.json", "--json"
    ).json()
    assert report["created"]["customers"] == 1 and report["created"]["jobs"] == 1
    shown = cli("job", "show", "j9", "--json").json()
    assert shown["status"] == "in_progress" and shown["title"] == "Deep clean"
    assert (shown["estimated_cost"], shown["actual_cost"]) == ("120.50", None)  # a quote
    cli("logout").ok()
    cli("import", "myjobtrack-backup", "myjobtrack-backup-2025-03-06.json").refused("not logged in")


def test_the_printed_report_groups_changes_by_reason_one_line_each(demo_cli: Cli) -> None:
    cli = demo_cli
    jobs = [
        {
            "id": f"b{number}",
            "customerId": "c1",
            "title": f"Job {number}",
            "price": 10.125 + number,  # a JSON number with three decimals
            "status": "completed",
            "paymentStatus": "paid",
            "createdAt": "2025-06-01T09:00:00.000Z",
            "completedAt": "2025-06-02T09:00:00.000Z",
        }
        for number in range(6)
    ]
    customer = {
        "id": "c1",
        "name": "Ola\nBerg",
        "address": "  1 Road\nTown  ",
        "phone": "",
        "createdAt": "2025-06-01T08:00:00.000Z",
    }
    backup = {"customers": [customer], "jobs": jobs, "demoUser": {"name": "Demo"}}
    (cli.home / "backup.json").write_text(json.dumps(backup))
    out = cli("import", "myjobtrack-backup", "backup.json").ok().out
    lines = out.splitlines()
    assert all(line.startswith("  ") for line in lines[1:]), out
    rounded = [line for line in lines if "rounded half up to the cent" in line]
    assert len(rounded) == 1 and rounded[0].startswith("  altered (6), ")
    assert rounded[0].endswith("; and 3 more")
    assert "'Ola\\nBerg' -> Ola Berg" in out
    assert "'  1 Road\\nTown  ' -> '1 Road\\nTown'" in out
    assert "phone '' -> (none)" in out
    assert "demoUser" in out


class _Terminal(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize("tty", [True, False])
def test_progress_shows_only_on_a_terminal(tty: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    stderr = _Terminal(tty)
    monkeypatch.setattr(sys, "stderr", stderr)
    progress = Progress()
    progress("jobs", 1000)
    progress("jobs", 2000)
    progress.finish()
    shown = stderr.getvalue()
    assert ("jobs: 2,000" in shown) is tty
    assert shown == "" or shown.endswith("\r\033[K")
