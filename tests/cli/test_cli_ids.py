"""Every id a table or a message shows is enough to act on in the next command: for new
records, for records made in the same millisecond, and for imported short ids."""

from __future__ import annotations

import re
import sqlite3

import pytest

import jobtrack
from jobtrack import Argon2Hasher

from .clirun import Cli
from .test_cli_transfer import LEGACY_HASH, OLD_PASSWORD, SCHEMA

PASSWORD = "correct horse battery"

#: Time-ordered ids made in one millisecond (the first 48 bits, 019a3f52-8c4d, are the
#: time): they differ only after the 15th character, two of them only in the last one.
SAME_MILLISECOND = {
    "user": "019a3f52-8c4d-7000-8000-000000000000",
    "Priya Shah": "019a3f52-8c4d-7b00-a000-000000000001",
    "Tom Becker": "019a3f52-8c4d-7b00-a000-000000000002",
    "Paint fence": "019a3f52-8c4d-7a1b-9c2d-3e4f5a6b7c80",
    "Paint door": "019a3f52-8c4d-7a1b-9c2d-3e4f5a6b7c81",
    "Fix tap": "019a3f52-8c4d-7f00-8123-456789abcdef",
}


def _column(table: str, heading: str) -> dict[str, str]:
    """The first column (the ids) of a table, by the text of column ``heading``."""
    lines = table.splitlines()
    start = lines[0].index(heading)
    rows = [line for line in lines[2:] if line.strip()]
    return {row[start:].split("  ")[0].strip(): row.split()[0] for row in rows}


def _ids_made_in_one_millisecond(cli: Cli) -> None:
    ids = iter(SAME_MILLISECOND.values())
    with jobtrack.connect(
        str(cli.home / "jobtrack.db"), ids=lambda: next(ids), hasher=Argon2Hasher.for_tests()
    ) as app:
        user = app.register(email="sam@example.com", password=PASSWORD, name="Sam")
        workspace = app.workspace(user.id)
        priya = workspace.add_customer("Priya Shah")
        workspace.add_customer("Tom Becker")
        for title in ("Paint fence", "Paint door", "Fix tap"):
            workspace.create_job(priya.id, title)
    cli.login("sam@example.com", PASSWORD)


def test_ids_made_in_the_same_millisecond_are_shown_as_far_as_they_differ(cli: Cli) -> None:
    _ids_made_in_one_millisecond(cli)
    jobs = _column(cli("job", "list").ok().out, "Title")
    assert jobs == {
        "Paint fence": SAME_MILLISECOND["Paint fence"],  # differs only in its last character
        "Paint door": SAME_MILLISECOND["Paint door"],
        "Fix tap": "019a3f52-8c4d-7f",
    }
    for title, shown in jobs.items():
        assert cli("job", "show", shown, "--json").json()["id"] == SAME_MILLISECOND[title]
        started = cli("job", "start", shown).ok().out
        said = re.fullmatch(r'Job (\S+) ".*" is now in progress\.\n', started)
        assert said is not None and said.group(1) == shown  # the message shows the same id

    customers = _column(cli("customer", "list").ok().out, "Name")
    assert customers == {name: SAME_MILLISECOND[name] for name in ("Priya Shah", "Tom Becker")}
    for name, shown in customers.items():
        assert cli("customer", "show", shown, "--json").json()["summary"]["customer"]["name"] == (
            name
        )
    # The start the jobs share is refused, listing each job with an id that finds it.
    refused = cli("job", "show", "019a3f52-8c4d-7").refused("matches 3 jobs", "give more")
    assert '019a3f52-8c4d-7f "Fix tap"' in refused.err


def test_jobs_added_one_after_the_other_are_told_apart(cli: Cli) -> None:
    cli.register("sam@example.com")
    cli.login("sam@example.com", PASSWORD)
    cli("customer", "add", "Priya Shah").ok()
    added = {}
    for title in ("Paint fence", "Paint door"):
        said = cli("job", "add", "--customer", "priya", title).ok().out
        found = re.match(r'Added job (\S+) "', said)
        assert found is not None
        added[title] = found.group(1)
        # The id the message shows is enough for the next command.
        assert cli("job", "show", added[title], "--json").json()["title"] == title
    shown = _column(cli("job", "list").ok().out, "Title")
    assert len(set(shown.values())) == 2
    for title, ref in shown.items():
        assert cli("job", "show", ref, "--json").json()["title"] == title
    # The help says how ids are shown, not that the first 8 characters are enough.
    for group in ("job", "customer"):
        assert "shortest start" in " ".join(cli(group, "--help").ok().out.split())


IMPORTED_JOBS = ("demo-job-1", "demo-job-2", "demo-job-10", "17", "18", "170")

DUMP = SCHEMA + (
    f"INSERT INTO users VALUES('u1','kim@example.com','Kim',NULL,'{LEGACY_HASH}',"
    "'2025-01-02 08:00:00','2025-01-02 08:00:00');\n"
    + "".join(
        f"INSERT INTO customers VALUES('{cid}','u1','{name}',NULL,NULL,NULL,NULL,NULL,"
        "'2025-01-03 09:00:00','2025-01-03 09:00:00');\n"
        for cid, name in (("demo-customer-1", "Ola"), ("demo-customer-10", "Vera"))
    )
    + "".join(
        f"INSERT INTO jobs VALUES('{jid}','u1','demo-customer-1','Job {jid}',NULL,'scheduled',"
        f"NULL,NULL,NULL,NULL,NULL,0,NULL,'2025-01-0{n + 1} 10:00:00','2025-01-05 10:00:00');\n"
        for n, jid in enumerate(IMPORTED_JOBS)
    )
)


@pytest.fixture
def kim(cli: Cli) -> Cli:
    """Kim's MyJobTrack account and its records, with their short ids, moved in."""
    legacy = sqlite3.connect(cli.home / "d1.sqlite")
    legacy.executescript(DUMP)
    legacy.close()
    cli("import", "myjobtrack-db", "d1.sqlite").ok()
    cli.login("kim@example.com", OLD_PASSWORD)
    return cli


def test_imported_short_ids_are_shown_whole_and_find_their_record(kim: Cli) -> None:
    jobs = _column(kim("job", "list").ok().out, "Title")
    assert jobs == {f"Job {jid}": jid for jid in IMPORTED_JOBS}
    for title, shown in jobs.items():
        assert kim("job", "show", shown, "--json").json()["title"] == title  # 17 is not 170
    customers = _column(kim("customer", "list").ok().out, "Name")
    assert customers == {"Ola": "demo-customer-1", "Vera": "demo-customer-10"}
    assert "Vera" in kim("customer", "show", "demo-customer-10").ok().out
    assert "(demo-customer-1)" in kim("job", "show", "17").ok().out
    assert kim("job", "pay", "demo-job-1").ok().out.startswith('Job demo-job-1 "Job demo-job-1"')
    kim("job", "show", "demo-job").refused("matches 3 jobs", 'demo-job-10 "Job demo-job-10"')
