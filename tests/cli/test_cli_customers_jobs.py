"""Customers and jobs from the command line: every command, combined filters, pages."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from .clirun import Cli

PASSWORD = "correct horse battery"


@pytest.fixture
def sam(cli: Cli) -> Cli:
    """Sam, logged in, with two customers and no jobs."""
    cli.register("sam@example.com")
    cli.login("sam@example.com", PASSWORD)
    cli(
        "customer",
        "add",
        "Priya Shah",
        "--email",
        "priya@example.com",
        "--address",
        "14 Maple Street\nSpringfield",
    ).ok()
    cli("customer", "add", "Tom Becker", "--phone", "(555) 017-8820").ok()
    return cli


def test_customer_commands(sam: Cli) -> None:
    listed = sam("customer", "list", "--json").json()
    assert [s["customer"]["name"] for s in listed] == ["Priya Shah", "Tom Becker"]
    assert listed[0]["jobs"] == 0 and listed[0]["unpaid"] == "0.00"
    table = sam("customer", "list").ok().out.splitlines()
    assert table[0].split() == ["ID", "Name", "Phone", "Email", "Jobs", "Unpaid", "Last", "job"]
    assert "Priya Shah" in table[2]

    found = sam("customer", "search", "MAPLE", "--json").json()
    assert [c["name"] for c in found] == ["Priya Shah"]
    assert "No customer matches" in sam("customer", "search", "zebra").ok().out

    edited = sam(
        "customer", "edit", "tom", "--email", "tom@example.net", "--phone", "", "--json"
    ).json()
    assert edited["email"] == "tom@example.net" and edited["phone"] is None
    shown = sam("customer", "show", "Tom Becker").ok().out
    assert "tom@example.net" in shown and "Average job" in shown

    sam("job", "add", "--customer", "tom", "Gutters", "--json").json()
    # Deleting a customer with jobs asks first; a script confirms with --yes.
    sam("customer", "delete", "tom").refused("--yes", code=2)
    deleted = sam("customer", "delete", "tom", "--yes", "--json").json()
    assert deleted["customers"] == 1 and deleted["jobs"] == 1
    assert "Deleted customer Priya Shah and 0 jobs." in sam("customer", "delete", "priya").ok().out
    assert "No customers yet" in sam("customer", "list").ok().out


def test_job_lifecycle_edit_unpay_cancel_delete(sam: Cli) -> None:
    job = sam(
        "job",
        "add",
        "--customer",
        "priya",
        "Paint fence",
        "--estimated-cost",
        "300",
        "--estimated-hours",
        "6",
        "--due",
        "2031-05-01",
        "--json",
    ).json()
    ref = job["id"][:8]
    edited = sam(
        "job",
        "edit",
        ref,
        "--title",
        "Paint garden fence",
        "--customer",
        "Tom Becker",
        "--due-date",
        "",
        "--description",
        "Two coats",
        "--json",
    ).json()
    assert edited["title"] == "Paint garden fence" and edited["due_date"] is None
    assert edited["customer_id"] != job["customer_id"]
    sam("job", "start", ref).ok()
    done = sam("job", "complete", ref, "--cost", "310.5", "--json").json()
    assert done["actual_cost"] == "310.50" and done["actual_hours"] is None
    paid_at = sam("job", "pay", ref, "--json").json()["paid_at"]
    assert paid_at is not None
    again = sam("job", "pay", ref).ok().out
    assert "was already paid on" in again and "nothing changed" in again
    assert sam("job", "show", ref, "--json").json()["paid_at"] == paid_at
    unpaid = sam("job", "unpay", ref, "--json").json()
    assert unpaid["paid"] is False and unpaid["paid_at"] is None
    assert "was not paid; nothing changed" in sam("job", "unpay", ref).ok().out
    shown = sam("job", "show", ref).ok().out
    assert "completed (final)" in shown and "310.50" in shown and "Tom Becker" in shown
    sam("job", "cancel", ref).refused("cannot move from 'completed' to 'cancelled'")

    # Completing without a cost says so, and how to add it.
    costless = sam("job", "add", "--customer", "priya", "Gutters", "--json").json()
    sam("job", "start", costless["id"]).ok()
    done = sam("job", "complete", costless["id"]).ok()
    assert "is completed" in done.out
    hint = re.search(
        r"No cost was recorded; add it with: .*?(job edit \S+ --actual-cost) AMOUNT", done.err
    )
    assert hint is not None
    sam(*hint.group(1).split(), "95").ok()
    assert sam("job", "show", costless["id"], "--json").json()["actual_cost"] == "95.00"

    other = sam("job", "add", "--customer", "priya", "Fix tap", "--json").json()
    assert "is cancelled" in sam("job", "cancel", other["id"]).ok().out
    # Deleting a job asks first, as deleting a customer does; a script confirms with --yes.
    sam("job", "delete", other["id"]).refused("Delete job", "--yes", code=2)
    sam("job", "show", other["id"]).ok()
    assert "Deleted job" in sam("job", "delete", other["id"], "--yes").ok().out
    sam("job", "show", other["id"]).refused("not found")


def test_job_list_filters_combine_and_pages_cover_everything(sam: Cli) -> None:
    today = datetime.now(UTC).date()  # the business day, as JOBTRACK_TIMEZONE=UTC has it
    plans = [
        ("priya", "Paint fence", 1, "start"),
        ("priya", "Paint door", 3, None),
        ("tom", "Paint shed", 2, "start"),
        ("tom", "Fix tap", 5, None),
        ("priya", "Fix gutter", -2, "pay"),
    ]
    ids = {}
    for customer, title, due, action in plans:
        job = sam(
            "job",
            "add",
            "--customer",
            customer,
            title,
            "--due",
            (today + timedelta(days=due)).isoformat(),
            "--json",
        ).json()
        ids[title] = job["id"]
        if action:
            sam("job", action, job["id"]).ok()

    def titles(*args: str) -> list[str]:
        return [j["title"] for j in sam("job", "list", *args, "--json").json()["jobs"]]

    assert titles("--search", "PAINT", "--customer", "Priya Shah", "--sort", "due") == [
        "Paint fence",
        "Paint door",
    ]
    assert titles(
        "--status", "pending", "--status", "in-progress", "--unpaid", "--sort", "title"
    ) == ["Fix tap", "Paint door", "Paint fence", "Paint shed"]
    assert titles(
        "--due-from",
        (today + timedelta(days=2)).isoformat(),
        "--due-to",
        (today + timedelta(days=3)).isoformat(),
        "--sort",
        "due",
    ) == ["Paint shed", "Paint door"]
    assert "No jobs match." in sam("job", "list", "--status", "cancelled").ok().out

    seen: list[str] = []
    after: list[str] = []
    while True:
        page = sam("job", "list", "--sort", "due", "--limit", "2", *after, "--json").json()
        seen += [j["id"] for j in page["jobs"]]
        if page["next"] is None:
            break
        after = ["--after", page["next"]]
    assert sorted(seen) == sorted(ids.values()) and len(seen) == len(set(seen))
    people = sam("job", "list", "--sort", "due", "--limit", "2")
    assert "More jobs follow: add --after" in people.err
    # The only paid job is still open after its due date: overdue, marked "!".
    paid = sam("job", "list", "--paid").ok().out.splitlines()
    assert len(paid) == 3 and "Fix gutter" in paid[2] and " !" in paid[2]
    sam("job", "list", "--after", "garbage").refused("after is not a cursor")
