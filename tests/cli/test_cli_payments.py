"""The payments ledger on the command line: ``payment ...``, ``report aging``, ``report
cash``, the ledger's figures in ``job show`` and on the dashboard, and deletes that keep
payments unless asked."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from .clirun import Cli

EMAIL, PASSWORD = "sam@example.com", "correct horse battery"


def _sam_with_a_job(cli: Cli) -> str:
    """Sam, logged in, with one pending job for Ada; its id."""
    cli.register(EMAIL)
    cli.login(EMAIL, PASSWORD)
    cli("customer", "add", "Ada Lovelace").ok()
    job = cli(
        "job", "add", "--customer", "ada", "Fix the gate", "--estimated-cost", "120", "--json"
    )
    return str(job.json()["id"])


def _today() -> date:
    return datetime.now(UTC).date()  # the runs' business time zone is UTC


def test_a_job_from_deposit_to_paid(cli: Cli) -> None:
    job = _sam_with_a_job(cli)
    deposit = cli(
        "payment", "add", job[:8], "50", "--method", "card", "--kind", "deposit", "--json"
    ).json()
    assert (deposit["kind"], deposit["method"], deposit["amount"]) == ("deposit", "card", "50.00")
    assert deposit["received_on"] == str(_today()) and deposit["job_id"] == job
    added = cli("payment", "add", job, "20", "--method", "cash", "--reference", "receipt 7").ok()
    assert "payment of 20.00" in added.out and "by cash" in added.out
    assert "70.00 paid, balance -70.00 (deposit held); partly paid." in added.out

    cli("job", "start", job).ok()
    cli("job", "complete", job, "--cost", "135.50").ok()
    shown = cli("job", "show", job).ok().out
    assert re.search(r"Amount paid:\s+70\.00", shown)
    assert re.search(r"Balance:\s+65\.50 owed", shown)
    assert re.search(r"Payment state:\s+partly paid", shown)
    assert "Payments" in shown and "receipt 7" in shown and "deposit" in shown
    data = cli("job", "show", job, "--json").json()
    assert data["amount_paid"] == "70.00" and data["balance"] == "65.50"
    assert data["payment_state"] == "partly_paid" and data["paid"] is False
    assert [p["amount"] for p in data["payments"]] == ["50.00", "20.00"]

    refund = cli(
        "payment", "add", job, "10", "--method", "cash", "--kind", "refund", "--note", "goodwill"
    ).ok()
    assert "refund of 10.00" in refund.out and "75.50 owed" in refund.out

    yesterday = str(_today() - timedelta(days=1))
    paid = cli(
        "job", "pay", job, "--method", "check", "--received-on", yesterday, "--reference", "1042"
    ).ok()
    assert "is paid" in paid.out and "Recorded a payment of 75.50 (check)" in paid.err
    data = cli("job", "show", job, "--json").json()
    assert (data["paid"], data["payment_state"], data["balance"]) == (True, "paid", "0.00")
    (by_pay,) = [p for p in data["payments"] if p["by_mark_paid"]]
    assert data["payments"][0] == by_pay  # received yesterday: listed first
    assert (by_pay["method"], by_pay["received_on"], by_pay["reference"]) == (
        "check",
        yesterday,
        "1042",
    )
    assert by_pay["by_mark_paid"] is True

    ada = cli("customer", "show", "ada", "--json").json()["balances"]
    assert (ada["owed"]["amount"], ada["paid"]) == ("0.00", "135.50")
    assert re.search(r"Balance owed:\s+0\.00", cli("customer", "show", "ada").ok().out)

    listed = cli("payment", "list", "--job", job[:8], "--json").json()
    assert len(listed["payments"]) == 4
    assert listed["total"] == {
        "received": "145.50",
        "receipts": 3,
        "refunded": "10.00",
        "refunds": 1,
    }
    table = cli("payment", "list").ok().out
    assert "-10.00" in table and "Fix the gate" in table and "Ada Lovelace" in table
    assert table.rstrip().endswith(
        "Total: received 145.50 (3 payments), refunded 10.00 (1 refund), net 135.50."
    )

    # unpay voids what `job pay` recorded, and nothing else
    cli("job", "unpay", job).ok()
    listed = cli("payment", "list", "--job", job, "--voided", "yes", "--json").json()
    assert [p["void_reason"] for p in listed["payments"]] == ["marked unpaid"]
    assert cli("job", "show", job, "--json").json()["balance"] == "75.50"


def test_listing_filters_combine(cli: Cli) -> None:
    job = _sam_with_a_job(cli)
    cli("customer", "add", "Tom Becker").ok()
    other = cli("job", "add", "--customer", "tom", "Paint fence", "--json").json()["id"]
    week_ago = str(_today() - timedelta(days=7))
    cli("payment", "add", job, "30", "--method", "cash", "--received-on", week_ago).ok()
    cli("payment", "add", job, "40", "--method", "card").ok()
    cli("payment", "add", other, "55", "--method", "bank_transfer").ok()

    def amounts(*options: str) -> list[str]:
        found = cli("payment", "list", *options, "--json").json()["payments"]
        return [p["amount"] for p in found]

    assert amounts() == ["30.00", "40.00", "55.00"]
    assert amounts("--customer", "ada") == ["30.00", "40.00"]
    assert amounts("--job", other) == ["55.00"]
    assert amounts("--from", "today") == ["40.00", "55.00"]
    assert amounts("--to", week_ago) == ["30.00"]  # --to is included
    assert amounts("--from", week_ago, "--to", week_ago, "--customer", "tom") == []
    assert cli("payment", "list", "--customer", "tom", "--to", week_ago).ok().out == (
        "No payments match.\n"
    )
    assert amounts("--voided", "no") == ["30.00", "40.00", "55.00"]
    assert amounts("--voided", "yes") == []
    cli("payment", "list", "--voided", "maybe").refused("'maybe' is not yes or no", code=2)


def test_voiding(cli: Cli) -> None:
    job = _sam_with_a_job(cli)
    made = cli("payment", "add", job, "25", "--method", "other", "--json").json()
    ref = made["id"][:8]
    cli("payment", "void", ref, "--reason", "entered twice", "--if-version", "2").refused(
        "is at version 1, not 2", "jobtrack payment history"
    )
    voided = cli("payment", "void", ref, "--reason", "entered twice").ok().out
    assert "Voided payment" in voided and "entered twice" in voided
    assert "0.00 paid" in voided and "unpaid" in voided
    again = cli("payment", "void", ref, "--reason", "again").ok().out
    assert "already voided: entered twice; nothing changed" in again
    data = cli("payment", "show", ref, "--json").json()
    assert data["void_reason"] == "entered twice" and data["version"] == 2
    assert re.search(r"Voided:\s+yes, .*: entered twice", cli("payment", "show", ref).ok().out)
    table = cli("payment", "list").ok().out
    assert "voided: entered twice" in table and "1 voided left out" in table

    history = cli("payment", "history", ref).ok().out
    assert [line.split()[4] for line in history.splitlines() if not line.startswith(" ")] == [
        "voided",
        "created",
    ]
    assert "void reason: - → entered twice" in history or "-> entered twice" in history
    entries = cli("activity", "--kind", "payment", "--json").json()["entries"]
    assert [(e["kind"], e["action"]) for e in entries] == [
        ("payment", "voided"),
        ("payment", "created"),
    ]
    assert "payment " in cli("activity", "--kind", "payment").ok().out
    cli("payment", "void", ref).refused("--reason", code=2)


def test_refusals_name_the_field(cli: Cli) -> None:
    job = _sam_with_a_job(cli)
    cli("payment", "add", job, "10").refused("--method", code=2)
    cli("payment", "add", job, "10", "--method", "bitcoin").refused(
        "invalid input: method must be one of 'cash', 'card'"
    )
    cli("payment", "add", job, "-10", "--method", "cash").refused("invalid input: amount")
    cli("payment", "add", job, "0", "--method", "cash").refused("invalid input: amount")
    cli("payment", "add", job, "10.001", "--method", "cash").refused(
        "amount must have at most 2 decimal places"
    )
    cli("payment", "add", job, "ten", "--method", "cash").refused("invalid input: amount")
    tomorrow = str(_today() + timedelta(days=1))
    cli("payment", "add", job, "10", "--method", "cash", "--received-on", tomorrow).refused(
        "received on must not be after today"
    )
    cli("payment", "add", job, "10", "--method", "cash", "--kind", "tip").refused(
        "invalid input: kind must be one of"
    )
    cli("payment", "add", job, "5", "--method", "cash", "--kind", "refund").refused(
        "invalid input: amount: a refund of 5.00 is more than the 0.00"
    )
    cli("payment", "add", "nosuchjob", "10", "--method", "cash").refused("job", "not found")
    cli("payment", "void", "nosuchpay", "--reason", "x").refused("payment", "not found")
    cli("payment", "show", "nosuchpay").refused("payment", "not found")
    cli("job", "pay", job, "--method", "bitcoin").refused("invalid input: method must be one of")
    cli("report", "cash", "--from", "2025-02-01").refused("--to", code=2)
    cli("report", "cash", "--from", "2025-02-01", "--to", "2025-01-01").refused(
        "invalid input: end must not be before start"
    )
    cli("report", "cash", "--from", "2025-01-01", "--to", "2025-01-31", "--by", "week").refused(
        "--by", code=2
    )
    cli("report", "aging", "--as-of", "someday").refused("is not a date", code=2)
    assert cli("payment", "list", "--json").json()["payments"] == []


def test_deletes_keep_payments_unless_asked(cli: Cli) -> None:
    job = _sam_with_a_job(cli)
    cli("payment", "add", job, "50", "--method", "cash", "--kind", "deposit").ok()
    cli("job", "delete", job, "--yes").refused("holds 1 payment", "--with-payments")
    cli("customer", "delete", "ada", "--yes").refused("hold 1 payment", "--with-payments")
    assert cli("job", "show", job, "--json").json()["amount_paid"] == "50.00"
    gone = cli("job", "delete", job, "--yes", "--with-payments", "--json").json()
    assert (gone["jobs"], gone["payments"]) == (1, 1)
    assert cli("payment", "list", "--json").json()["payments"] == []

    again = cli("job", "add", "--customer", "ada", "Second go", "--json").json()["id"]
    cli("payment", "add", again, "10", "--method", "card").ok()
    done = cli("customer", "delete", "ada", "--yes", "--with-payments").ok().out
    assert done == "Deleted customer Ada Lovelace and 1 job and 1 payment.\n"


def test_the_demo_takes_deposits_part_payments_and_a_refund(demo_cli: Cli) -> None:
    payments = demo_cli("payment", "list", "--json").json()["payments"]
    assert {p["kind"] for p in payments} == {"deposit", "payment", "refund"}
    assert {"cash", "card", "check", "bank_transfer"} <= {p["method"] for p in payments}

    board = demo_cli("dashboard", "--json").json()
    balances = board["balances"]
    for figure in ("owed", "deposits", "credits"):
        assert Decimal(balances[figure]["amount"]) > 0 and balances[figure]["jobs"] > 0
    assert Decimal(board["cash_this_week"]["received"]) > 0
    # cash received is the money; revenue the jobs marked paid: here they differ
    assert board["cash_this_week"]["received"] != board["this_week"]["revenue"]["amount"]
    text = demo_cli("dashboard").ok().out
    for label in (
        "Revenue this week:",
        "Revenue this month:",
        "Balance owed:",
        "Deposits held:",
        "Credits held:",
        "Cash in this week:",
        "Cash in this month:",
    ):
        assert label in text
    owed = Decimal(balances["owed"]["amount"])
    assert re.search(rf"Balance owed:\s+{owed}\s+on {balances['owed']['jobs']} completed", text)

    reminders = demo_cli("report", "reminders", "--json").json()
    assert reminders["stalled"] and reminders["deposits_waiting"]
    text = demo_cli("report", "reminders").ok().out
    assert "Partly paid, no payment for more than 14 days" in text
    assert "Deposit taken more than 14 days ago, work not started" in text
    quiet = demo_cli(
        "report", "reminders", "--stalled-days", "3650", "--deposit-days", "3650", "--json"
    ).json()
    assert not quiet["stalled"] and not quiet["deposits_waiting"]


def test_aging_agrees_with_the_balances(demo_cli: Cli) -> None:
    board = demo_cli("dashboard", "--json").json()
    report = demo_cli("report", "aging", "--json").json()
    assert report["as_of"] == board["today"]
    total = report["total"]
    buckets = [total[b] for b in ("current", "days_31_60", "days_61_90", "over_90")]
    owed = sum(Decimal(b["amount"]) for b in buckets)
    assert owed == Decimal(board["balances"]["owed"]["amount"])
    assert sum(b["jobs"] for b in buckets) == board["balances"]["owed"]["jobs"]
    per_customer = sum(
        Decimal(c["aging"][b]["amount"])
        for c in report["customers"]
        for b in ("current", "days_31_60", "days_61_90", "over_90")
    )
    assert per_customer == owed

    table = demo_cli("report", "aging").ok().out.splitlines()
    assert "0-30 days  31-60 days  61-90 days  over 90 days" in table[1]
    assert table[-1].split()[0] == "Total" and table[-1].split()[-2] == f"{owed}"
    long_ago = demo_cli("report", "aging", "--as-of", "2000-01-01", "--json").json()
    assert long_ago["customers"] == [] and long_ago["as_of"] == "2000-01-01"
    assert "nothing is owed" in demo_cli("report", "aging", "--as-of", "2000-01-01").ok().out


def test_cash_agrees_with_the_payments_and_includes_its_last_day(demo_cli: Cli) -> None:
    today = _today()
    start, end = str(today - timedelta(days=60)), str(today - timedelta(days=1))
    periods = demo_cli("report", "cash", "--from", start, "--to", end, "--json").json()
    listed = demo_cli("payment", "list", "--from", start, "--to", end, "--json").json()
    assert periods[0]["period"]["start"] == start
    assert periods[-1]["period"]["end"] == str(today)  # the --to day is in it
    received = sum(Decimal(p["cash"]["received"]) for p in periods)
    refunded = sum(Decimal(p["cash"]["refunded"]) for p in periods)
    assert received == Decimal(listed["total"]["received"])
    assert refunded == Decimal(listed["total"]["refunded"])
    for period in periods:  # the methods add up to the period
        by_method = sum(Decimal(cash["received"]) for _, cash in period["by_method"])
        assert by_method == Decimal(period["cash"]["received"])

    days = demo_cli("report", "cash", "--from", start, "--to", end, "--by", "day", "--json")
    assert len(days.json()) == 60
    years = demo_cli("report", "cash", "--from", "2000-01-01", "--to", end, "--by", "year")
    lines = years.ok().out.splitlines()
    header = ["Period", "Method", "Received", "Payments", "Refunded", "Refunds", "Net"]
    assert lines[0].split() == header
    assert lines[2].split()[:3] == ["2000", "-", "0.00"]
    everything = demo_cli("payment", "list", "--to", end, "--json").json()["total"]
    total = next(line for line in lines if line.startswith("Total")).split()
    assert total[1] == everything["received"]
    assert "Cash received" in years.out and "revenue" in years.out


def test_the_payments_examples_of_the_docs(cli: Cli) -> None:
    """docs/cli.md's payments section, run as written with the job's id put in."""
    page = (Path(__file__).resolve().parents[2] / "docs" / "cli.md").read_text(encoding="utf-8")
    section = page.split("## Payments", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"^\$ jobtrack (.+)$", section, re.M)
    assert any(c.startswith("payment add") for c in commands)
    assert any(c.startswith("report aging") for c in commands)
    assert any(c.startswith("report cash") for c in commands)
    cli("demo").ok()
    cli.login()
    cli("customer", "add", "Ada Lovelace").ok()
    job = cli("job", "add", "--customer", "ada", "Fix the garden gate", "--json").json()["id"]
    for line in commands:
        line = line.replace("019a3f53", job[:8])
        if "019a3f55" in line:  # the payment the docs void is the one added last
            made = cli("payment", "list", "--job", job, "--json").json()["payments"]
            last = max(made, key=lambda p: str(p["recorded_at"]))["id"]
            line = line.replace("019a3f55", last)
        words = [w.strip("'\"") for w in re.findall(r"'[^']*'|\"[^\"]*\"|\S+", line)]
        if words[0] in ("job", "customer") and words[1] == "delete":
            words.append("--yes")
        cli(*words).ok()


def test_a_payment_with_its_own_id_is_safe_to_send_again(cli: Cli) -> None:
    job = _sam_with_a_job(cli)
    send = ("payment", "add", job, "30", "--method", "cash", "--id", "till-0001", "--json")
    first = cli(*send).json()
    assert first["id"] == "till-0001" and cli(*send).json() == first
    assert cli("job", "show", job, "--json").json()["amount_paid"] == "30.00"
    cli("payment", "add", job, "31", "--method", "cash", "--id", "till-0001").refused("till-0001")
    assert re.search(r"Amount:\s+30\.00", cli("payment", "show", "till-0001").ok().out)
