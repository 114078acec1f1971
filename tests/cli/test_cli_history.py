"""Versions, ``--if-version``, and the history of customers and jobs from the command line."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from .clirun import Cli, Result

PASSWORD = "correct horse battery"
EMAIL = "sam@example.com"
#: A change's heading line: when, who, from where, what.
HEADING = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d  (\S+)  (\S+) +(\S+)(?: +(.*))?$")


@pytest.fixture
def sam(cli: Cli) -> Cli:
    """Sam, logged in, with one customer and no jobs."""
    cli.register(EMAIL)
    cli.login(EMAIL, PASSWORD)
    cli("customer", "add", "Priya Shah", "--email", "priya@example.com").ok()
    return cli


def _job(cli: Cli, title: str = "Paint fence", *options: str) -> str:
    made = cli("job", "add", "--customer", "priya", title, *options, "--json").json()
    assert made["version"] == 1
    return str(made["id"])


def _headings(result: Result) -> list[tuple[str, ...]]:
    """(actor, source, action, record) of each change a text listing shows."""
    found = []
    for line in result.ok().out.splitlines():
        if not line.startswith(" "):
            match = HEADING.match(line)
            assert match is not None, line
            found.append(tuple(g or "" for g in match.groups()))
    return found


def _conflict(result: Result, kind: str, now: int, asked: int) -> None:
    result.refused(f"{kind} '", f"is at version {now}, not {asked}", f"{kind} history", code=1)
    assert "nothing was changed" in result.err


def test_versions_show_in_json_and_text(sam: Cli) -> None:
    customer = sam("customer", "show", "priya", "--json").json()["summary"]["customer"]
    assert customer["version"] == 1
    edited = sam("customer", "edit", "priya", "--phone", "555-0100", "--json").json()
    assert edited["version"] == 2
    assert re.search(r"^Version:\s+2$", sam("customer", "show", "priya").ok().out, re.M)

    job = _job(sam)
    assert sam("job", "start", job, "--json").json()["version"] == 2
    assert re.search(r"^Version:\s+2$", sam("job", "show", job).ok().out, re.M)
    listed = sam("job", "list", "--json").json()["jobs"]
    assert [j["version"] for j in listed] == [2]
    # Changing nothing is not a new version.
    assert sam("job", "edit", job, "--title", "Paint fence", "--json").json()["version"] == 2


def test_if_version_guards_every_change_of_a_job(sam: Cli) -> None:
    job = _job(sam)
    _conflict(sam("job", "edit", job, "--title", "Other", "--if-version", "2"), "job", 1, 2)
    assert sam("job", "show", job, "--json").json()["title"] == "Paint fence"
    assert (
        sam("job", "edit", job, "--due", "2031-05-01", "--if-version", "1", "--json").json()[
            "version"
        ]
        == 2
    )

    steps = [
        ("start",),
        ("complete", "--cost", "135.50"),
        ("pay",),
        ("unpay",),
    ]
    for number, step in enumerate(steps, start=2):
        stale = sam("job", *step, job, "--if-version", str(number - 1))
        _conflict(stale, "job", number, number - 1)
        moved = sam("job", *step, job, "--if-version", str(number), "--json").json()
        assert moved["version"] == number + 1
    # Nothing to do is still refused on a stale version, and not on the current one.
    _conflict(sam("job", "unpay", job, "--if-version", "5"), "job", 6, 5)
    assert "nothing changed" in sam("job", "unpay", job, "--if-version", "6").ok().out

    other = _job(sam, "Fix gate")
    _conflict(sam("job", "cancel", other, "--if-version", "2"), "job", 1, 2)
    assert sam("job", "cancel", other, "--if-version", "1", "--json").json()["status"] == (
        "cancelled"
    )
    # delete checks before it asks: the stale version is refused, not the missing --yes
    _conflict(sam("job", "delete", job, "--if-version", "1"), "job", 6, 1)
    # pay and unpay leave the voided payment: it goes only with --with-payments
    sam("job", "delete", job, "--if-version", "6", "--yes").refused("--with-payments")
    sam("job", "delete", job, "--if-version", "6", "--yes", "--with-payments").ok()
    sam("job", "edit", job, "--title", "x", "--if-version", "0").refused("at least 1", code=2)


def test_if_version_guards_customers(sam: Cli) -> None:
    stale = sam("customer", "edit", "priya", "--phone", "1", "--if-version", "2")
    _conflict(stale, "customer", 1, 2)
    sam("customer", "edit", "priya", "--phone", "1", "--if-version", "1").ok()
    _job(sam)
    _conflict(sam("customer", "delete", "priya", "--if-version", "1"), "customer", 2, 1)
    deleted = sam("customer", "delete", "priya", "--if-version", "2", "--yes", "--json").json()
    assert deleted["customers"] == 1 and deleted["jobs"] == 1


def test_a_job_history_newest_first_in_pages(sam: Cli) -> None:
    job = _job(sam, "Paint fence", "--estimated-cost", "300")
    sam("job", "start", job).ok()
    sam("job", "complete", job, "--cost", "310", "--hours", "6.5").ok()
    sam("job", "pay", job).ok()

    entries = sam("job", "history", job, "--json").json()
    assert entries["next"] is None
    actions = [e["action"] for e in entries["entries"]]
    assert actions == ["paid", "moved", "moved", "created"]
    assert {e["source"] for e in entries["entries"]} == {"cli"}
    assert {e["record_id"] for e in entries["entries"]} == {job}
    completed = entries["entries"][1]["changes"]
    assert {"field": "status", "old": "in_progress", "new": "completed"} in completed
    assert {"field": "actual_cost", "old": None, "new": "310.00"} in completed

    text = sam("job", "history", job[:8]).ok().out
    assert [h[:3] for h in _headings(sam("job", "history", job))] == [
        (EMAIL, "cli", "paid"),
        (EMAIL, "cli", "moved"),
        (EMAIL, "cli", "moved"),
        (EMAIL, "cli", "created"),
    ]
    for line in ("paid: no → yes", "status: in_progress → completed", "title: Paint fence"):
        assert f"    {line}" in text.splitlines(), text
    assert "    actual cost: - → 310.00" in text
    assert "    estimated cost: 300.00" in text

    first = sam("job", "history", job, "--limit", "3")
    assert len(_headings(first)) == 3
    cursor = re.search(r"More changes follow: add --after (\S+)", first.err)
    assert cursor is not None
    rest = sam("job", "history", job, "--limit", "3", "--after", cursor.group(1))
    assert [h[2] for h in _headings(rest)] == ["created"] and rest.err == ""
    paged = sam("job", "history", job, "--limit", "3", "--json").json()
    assert paged["next"] == cursor.group(1)
    sam("job", "history", job, "--after", "not-a-cursor").refused("is not a cursor")


def test_a_deleted_record_keeps_its_history(sam: Cli) -> None:
    sam("customer", "edit", "priya", "--phone", "555-0100").ok()
    job = _job(sam)
    history = sam("customer", "history", "priya").ok().out.splitlines()
    assert "    phone: - → 555-0100" in history
    priya = sam("customer", "show", "priya", "--json").json()["summary"]["customer"]["id"]

    sam("customer", "delete", "priya", "--yes").ok()
    # Gone, its whole id still shows its history; a start of it no longer finds it.
    assert [h[2] for h in _headings(sam("job", "history", job))] == ["deleted", "created"]
    lines = sam("job", "history", job).ok().out.splitlines()
    assert f"    with customer {priya} (deleted)" in lines
    assert [h[2] for h in _headings(sam("customer", "history", priya))] == [
        "deleted",
        "updated",
        "created",
    ]
    sam("job", "history", job[:8]).refused("not found")
    sam("customer", "history", "0199e0a2-0000-7000-8000-000000000000").refused("not found")


def test_activity_filters_combine(sam: Cli) -> None:
    job = _job(sam, "Paint fence")
    sam("job", "pay", job).ok()
    sam("customer", "add", "Tom Becker").ok()

    everything = _headings(sam("activity"))
    assert [(h[2], h[3].split(" ")[0]) for h in everything] == [
        ("created", "customer"),
        ("paid", "job"),
        ("created", "job"),
        ("created", "customer"),
    ]
    assert everything[1][3].endswith('"Paint fence"') and everything[0][3].endswith('"Tom Becker"')

    jobs = sam("activity", "--kind", "job", "--json").json()["entries"]
    assert [e["action"] for e in jobs] == ["paid", "created"]
    paid = sam("activity", "--action", "paid", "--action", "deleted", "--json").json()["entries"]
    assert [(e["kind"], e["action"]) for e in paid] == [("job", "paid")]
    today = datetime.now(UTC).date()
    around = ("--since", str(today - timedelta(days=1)), "--until", str(today + timedelta(days=1)))
    assert len(sam("activity", *around, "--json").json()["entries"]) == 4
    before = str(today - timedelta(days=2))
    assert sam("activity", "--until", before, "--json").json() == {"entries": [], "next": None}
    assert sam("activity", "--until", before).ok().out == "No changes match.\n"

    page = sam("activity", "--limit", "3", "--json").json()
    assert len(page["entries"]) == 3 and page["next"]
    rest = sam("activity", "--limit", "3", "--after", page["next"], "--json").json()
    assert [e["action"] for e in rest["entries"]] == ["created"] and rest["next"] is None

    sam("activity", "--kind", "receipt").refused("is not one of customer, job", code=2)
    sam("activity", "--since", "soon").refused("is not a date", code=2)


def test_a_new_account_has_no_activity(cli: Cli) -> None:
    cli.register(EMAIL)
    cli.login(EMAIL, PASSWORD)
    assert cli("activity").ok().out == "No changes recorded.\n"


def _doc_example(command: str) -> list[str]:
    """What docs/cli.md shows ``command`` printing, in the general form of :func:`_general`."""
    page = (Path(__file__).resolve().parents[2] / "docs" / "cli.md").read_text(encoding="utf-8")
    found = re.search(rf"^\$ {re.escape(command)}\n(.*?)^(?:\$|```)", page, re.M | re.S)
    assert found is not None, command
    return _general(found.group(1))


def _general(text: str) -> list[str]:
    """Lines with times, dates and ids put as <time>, <date> and <id>, and the command
    named as the docs name it."""
    text = text.replace("python -m jobtrack", "jobtrack")
    text = re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d", "<time>", text)
    text = re.sub(r"\d{4}-\d\d-\d\d", "<date>", text)
    return re.sub(r"\b[0-9a-f]{8}(?:-[0-9a-f]+)*\b", "<id>", text).splitlines()


def test_the_history_examples_of_the_docs(demo_cli: Cli) -> None:
    """docs/cli.md's version conflict and history, after its first five minutes."""
    cli = demo_cli
    cli("customer", "add", "Ada Lovelace", "--phone", "(555) 010-1815").ok()
    added = cli(
        "job",
        "add",
        "--customer",
        "ada",
        "Fix the garden gate",
        "--estimated-cost",
        "120",
        "--due",
        "tomorrow",
    ).ok()
    found = re.match(r'Added job (\S+) "', added.out)
    assert found is not None
    job = found.group(1)
    cli("job", "start", job).ok()
    cli("job", "complete", job, "--cost", "135.50", "--hours", "2.75").ok()
    cli("job", "pay", job).ok()

    refused = cli("job", "edit", job, "--due", "2025-07-20", "--if-version", "3")
    refused.refused("is at version 4, not 3")
    shown = "jobtrack job edit 019a3f53 --due 2025-07-20 --if-version 3"
    assert _general(refused.err) == _doc_example(shown)
    history = cli("job", "history", job).ok()
    assert _general(history.out) == _doc_example("jobtrack job history 019a3f53")
    for example in (
        "jobtrack activity --kind job --action paid --action unpaid --since 2025-07-01 "
        "--until 2025-07-31",
        "jobtrack activity --limit 5",
    ):
        cli(*example.split()[1:]).ok()
