"""The dashboard and the reports, on the demo data; figures agree to the cent."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from .clirun import Cli


def test_reports_agree_with_the_dashboard(demo_cli: Cli) -> None:
    board = demo_cli("dashboard", "--json").json()
    revenue = Decimal(board["revenue"]["amount"])
    assert board["jobs"] == sum(board["statuses"].values())
    assert board["overdue_count"] >= 2 and board["due_today"]

    year = datetime.now(UTC).year
    months = demo_cli("report", "revenue-by-month", "--json").json()
    months += demo_cli("report", "revenue-by-month", str(year - 1), "--json").json()
    assert len(months) == 24
    assert sum(Decimal(m["revenue"]["amount"]) for m in months) == revenue

    customers = demo_cli("report", "by-customer", "--json").json()
    assert sum(Decimal(c["revenue"]["amount"]) for c in customers) == revenue
    amounts = [Decimal(c["revenue"]["amount"]) for c in customers]
    assert amounts == sorted(amounts, reverse=True)

    table = demo_cli("report", "revenue-by-month").ok().out
    assert table.splitlines()[0].split() == ["Month", "Revenue", "Jobs", "paid"]
    assert "Total" in table
    total_line = demo_cli("report", "by-customer").ok().out.splitlines()[-1]
    paid_jobs = sum(c["revenue"]["jobs"] for c in customers)
    assert total_line.split() == ["Total", str(sum(amounts)), str(paid_jobs)]

    text = demo_cli("dashboard").ok().out
    assert f"{revenue}" in text and "Overdue" in text and "Due today" in text


def test_accuracy_and_reminders(demo_cli: Cli) -> None:
    accuracy = demo_cli("report", "accuracy", "--json").json()
    assert accuracy["overall"]["cost"]["jobs"] > 0
    assert "All customers" in demo_cli("report", "accuracy").ok().out

    reminders = demo_cli("report", "reminders", "--json").json()
    assert reminders["unpaid_jobs"] and reminders["due_soon"]
    assert [s["customer"]["name"] for s in reminders["owing_customers"]] == ["Lindqvist Lettings"]
    assert "Marco Ruiz" in [s["customer"]["name"] for s in reminders["idle_customers"]]
    text = demo_cli("report", "reminders").ok().out
    for heading in ("Due today or tomorrow", "not paid", "owing more than 500.00", "No new job"):
        assert heading in text
    quiet = demo_cli(
        "report",
        "reminders",
        "--unpaid-days",
        "3650",
        "--owing-over",
        "100000",
        "--idle-days",
        "3650",
        "--json",
    ).json()
    assert not quiet["unpaid_jobs"] and not quiet["owing_customers"]
    demo_cli("report", "reminders", "--owing-over", "12.345").refused(
        "owing over must have at most 2 decimal places"
    )


def test_accuracy_shows_no_figure_where_there_is_none(cli: Cli) -> None:
    cli.register("sam@example.com")
    cli.login("sam@example.com", "correct horse battery")
    cli("customer", "add", "Priya Shah").ok()
    job = cli("job", "add", "--customer", "priya", "Tap", "--estimated-cost", "100", "--json")
    cli("job", "start", job.json()["id"]).ok()
    cli("job", "complete", job.json()["id"], "--cost", "110").ok()  # no hours, estimated or actual
    rows = cli("report", "accuracy").ok().out.splitlines()
    priya = next(row for row in rows if row.startswith("Priya Shah"))
    assert priya.split()[2:] == ["1", "100.00", "110.00", "+10.00", "110.0%", "-", "-", "-"]
