"""A newcomer's first five minutes, exactly as README and docs/cli.md tell them, and
again: every example is safe to run twice."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from test_docs import PAGES, run_examples

from jobtrack.demo import DEMO_EMAIL, DEMO_PASSWORD

from .clirun import Cli


def test_demo_login_dashboard_add_work_get_paid(cli: Cli) -> None:
    demo = cli("demo").ok()
    assert (cli.home / "jobtrack.db").stat().st_size > 0
    assert DEMO_EMAIL in demo.out and DEMO_PASSWORD in demo.out
    assert f"jobtrack login --email {DEMO_EMAIL}" in demo.out
    assert "Overdue" in demo.out and "Revenue" in demo.out

    # Not logged in yet: told what to do.
    cli("dashboard").refused("not logged in", "jobtrack login")

    # The password the demo printed logs in.
    password = re.search(r"Password:\s+(.+)", demo.out)
    assert password is not None
    login = cli("login", "--email", DEMO_EMAIL, stdin=password.group(1).strip() + "\n").ok()
    assert "Logged in as" in login.out

    before = cli("dashboard", "--json").json()
    assert cli("dashboard").ok().out.count("Revenue:") == 1

    added = cli("customer", "add", "Ada Lovelace", "--phone", "(555) 010-1815", "--json").json()
    assert added["name"] == "Ada Lovelace"
    job = cli(
        "job",
        "add",
        "--customer",
        "ada",
        "Fix the analytical engine",
        "--estimated-cost",
        "120",
        "--due",
        "tomorrow",
        "--json",
    ).json()
    assert job["status"] == "pending" and job["estimated_cost"] == "120.00"
    short = job["id"][:8]
    assert "in progress" in cli("job", "start", short).ok().out
    done = cli("job", "complete", short, "--cost", "135.50", "--hours", "2.75", "--json").json()
    assert done["status"] == "completed" and done["actual_cost"] == "135.50"
    assert "is paid" in cli("job", "pay", short).ok().out

    listed = cli("job", "list", "--customer", "Ada Lovelace", "--json").json()
    assert [j["id"] for j in listed["jobs"]] == [job["id"]]
    assert listed["jobs"][0]["paid"] is True
    table = cli("job", "list").ok().out
    assert "Fix the analytical engine" in table and "135.50" in table

    after = cli("dashboard", "--json").json()
    earned = Decimal(after["revenue"]["amount"]) - Decimal(before["revenue"]["amount"])
    assert earned == Decimal("135.50")
    assert after["customers"] == before["customers"] + 1
    assert after["statuses"]["completed"] == before["statuses"]["completed"] + 1


def test_demo_refreshes_only_the_demo_account(cli: Cli) -> None:
    cli.register("sam@example.com")
    cli.login("sam@example.com", "correct horse battery")
    cli("customer", "add", "Keep Me").ok()
    first = cli("demo", "--json").json()
    again = cli("demo").ok().out
    assert f"Refreshed the demo account in {cli.home / 'jobtrack.db'}: " in again
    counts = f"{first['customers']} customers, {first['jobs']} jobs, {first['quotes']} quotes, "
    assert f"{counts}{first['invoices']} invoice." in again
    # The other account and its data are untouched, and its login still works.
    names = [c["customer"]["name"] for c in cli("customer", "list", "--json").json()]
    assert names == ["Keep Me"]


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_every_python_example_runs_again_in_the_same_folder(
    page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A newcomer runs an example twice, in one folder: files of the first run are there."""
    monkeypatch.chdir(tmp_path)
    for run in (1, 2):
        run_examples(page, f"docs_{page.stem}_run_{run}", monkeypatch)


def test_registering_again_is_refused_saying_how_to_log_in(cli: Cli) -> None:
    """docs/cli.md's `account register` run twice: the second says what to do instead."""
    cli.register("sam@example.com")
    cli(
        "account", "register", "--email", "sam@example.com", "--name", "Sam", stdin="a passphrase\n"
    ).refused("this email is already registered", "jobtrack login --email sam@example.com`")


def test_the_first_five_minutes_again_after_a_fresh_demo(cli: Cli) -> None:
    """docs/cli.md: a second time through, after `jobtrack demo` puts the demo back."""
    for _ in (1, 2):
        cli("demo").ok()
        cli.login()
        cli("customer", "add", "Ada Lovelace").ok()
        added = cli("job", "add", "--customer", "ada", "Fix the garden gate").ok().out
        found = re.match(r'Added job (\S+) "', added)
        assert found is not None
        cli("job", "start", found.group(1)).ok()
        assert len(cli("job", "list", "--customer", "ada", "--json").json()["jobs"]) == 1
