"""Quotes, invoices and the billing settings on the command line: ``billing ...``,
``quote ...``, ``invoice ...``, ``report invoices``, overdue invoices among the reminders,
and the demo's quote and invoice."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from .clirun import Cli

EMAIL, PASSWORD = "sam@example.com", "correct horse battery"


def _today() -> date:
    return datetime.now(UTC).date()  # the runs' business time zone is UTC


def _sam_billing(cli: Cli) -> None:
    """Sam, logged in, with a customer Ada, VAT 20% as the default rate, 14 days' terms."""
    cli.register(EMAIL)
    cli.login(EMAIL, PASSWORD)
    cli("customer", "add", "Ada Lovelace").ok()
    added = cli("billing", "tax-rate", "add", "VAT", "20", "--default").ok()
    assert "Added tax rate VAT 20% (the default)" in added.out
    cli("billing", "set", "--payment-terms-days", "14", "--tax-id", "GB123456789").ok()


def _completed_job(cli: Cli, title: str, cost: str) -> str:
    job = cli("job", "add", "--customer", "ada", title, "--json").json()["id"]
    cli("job", "start", job).ok()
    cli("job", "complete", job, "--cost", cost).ok()
    return str(job)


def _issued_invoice(cli: Cli, *extra: str) -> dict[str, object]:
    job = _completed_job(cli, "Fix the gate", "100")
    draft = cli("invoice", "create", "ada", "--job", job, "--json").json()
    issued: dict[str, object] = cli("invoice", "issue", draft["id"], *extra, "--json").json()
    return issued


def test_billing_settings(cli: Cli) -> None:
    _sam_billing(cli)
    settings = cli("billing", "show", "--json").json()
    assert settings["tax_rates"] == [{"name": "VAT", "rate": "20.000"}]
    assert (settings["default_tax"], settings["payment_terms_days"]) == ("VAT", 14)
    assert settings["tax_id"] == "GB123456789" and settings["currency"] == "USD"
    cli("billing", "set", "--currency", "EUR", "--prices-include-tax", "--email", "").ok()
    cli("billing", "tax-rate", "add", "reduced", "5.5").ok()
    shown = cli("billing", "show").ok().out
    assert re.search(r"Currency:\s+EUR", shown) and re.search(r"Prices:\s+include tax", shown)
    assert "VAT 20% (default)" in shown and "reduced 5.5%" in shown
    removed = cli("billing", "tax-rate", "remove", "VAT").ok().out
    assert "Removed tax rate VAT" in removed and "no tax" in removed
    settings = cli("billing", "show", "--json").json()
    assert settings["default_tax"] is None and settings["prices_include_tax"] is True
    assert [r["name"] for r in settings["tax_rates"]] == ["reduced"]
    cli("billing", "tax-rate", "remove", "VAT").refused("tax rate", "VAT", "not found")
    cli("billing", "set").refused("nothing to change", code=2)
    cli("billing", "set", "--payment-terms-days", "soon").refused("payment terms days")
    cli("billing", "set", "--currency", "euros").refused("currency")


def test_from_quote_to_job_to_invoice_paid(cli: Cli) -> None:
    _sam_billing(cli)
    draft = cli(
        "quote",
        "create",
        "ada",
        "New garden gate",
        "--line",
        "Labour;3;40;h",
        "--line",
        r"Hinges\; latch;1;25;;none",
        "--notes",
        "Oak, to match the fence",
        "--json",
    ).json()
    assert (draft["status"], draft["number"]) == ("draft", None)
    assert [line["description"] for line in draft["lines"]] == ["Labour", "Hinges; latch"]
    assert (draft["subtotal"], draft["tax"], draft["total"]) == ("145.00", "24.00", "169.00")
    added = cli("quote", "add-line", draft["id"][:8], "--line", "Paint;1;10;;VAT").ok()
    assert "now has 3 lines, total 181.00 USD" in added.out

    year = _today().year
    sent = cli("quote", "send", draft["id"], "--json").json()
    assert sent["number"] == f"Q-{year}-0001" and sent["status"] == "sent"
    assert sent["valid_until"] == str(_today() + timedelta(days=30))
    shown = cli("quote", "show", f"q-{year}-0001").ok().out  # by its number, in any case
    assert re.search(rf"Quote:\s+Q-{year}-0001", shown) and "Hinges; latch" in shown
    assert re.search(r"VAT 20%\s+130\.00\s+26\.00", shown)
    assert re.search(r"Total:\s+181\.00", shown)
    cli("quote", "add-line", sent["id"], "--line", "More;1;1").refused("status")

    accepted = cli("quote", "accept", f"Q-{year}-0001").ok().out
    assert "is accepted and made job" in accepted
    quote = cli("quote", "show", f"Q-{year}-0001", "--json").json()
    job = cli("job", "show", quote["job_id"], "--json").json()
    assert (job["status"], job["estimated_cost"], job["title"]) == (
        "pending",
        "181.00",
        "New garden gate",
    )
    listed = cli("quote", "list", "--status", "accepted").ok().out
    assert f"Q-{year}-0001" in listed and "accepted" in listed

    cli("job", "start", job["id"]).ok()
    cli("job", "complete", job["id"], "--cost", "150").ok()
    invoice = cli(
        "invoice", "create", "ada", "--job", job["id"][:8], "--line", "Call-out;1;35", "--json"
    ).json()
    assert invoice["status"] == "draft" and len(invoice["lines"]) == 2
    assert invoice["lines"][0]["job_id"] == job["id"]
    assert (invoice["subtotal"], invoice["tax"], invoice["total"]) == ("185.00", "37.00", "222.00")

    issued = cli("invoice", "issue", invoice["id"], "--json").json()
    number = f"INV-{year}-0001"
    assert (issued["number"], issued["status"]) == (number, "issued")
    assert issued["due_on"] == str(_today() + timedelta(days=14))
    assert issued["balance"] == "222.00"

    paid = cli("invoice", "pay", number, "100", "--method", "card", "--reference", "slip 88").ok()
    assert "Recorded 100.00 for invoice" in paid.out and "on job" in paid.out
    assert "balance due 122.00; partly paid" in paid.out
    rest = cli("invoice", "pay", number, "122", "--method", "bank_transfer", "--json").json()
    assert [p["amount"] for p in rest["payments"]] == ["50.00", "72.00"]
    assert rest["payments"][0]["job_id"] == job["id"] and rest["payments"][1]["job_id"] is None
    assert rest["invoice"]["status"] == "paid" and rest["invoice"]["balance"] == "0.00"

    shown = cli("invoice", "show", number).ok().out
    for pattern in (
        rf"Invoice:\s+{number}",
        r"Status:\s+paid",
        r"Customer:\s+Ada Lovelace",
        rf"Due on:\s+{_today() + timedelta(days=14)}",
        r"VAT 20%\s+185\.00\s+37\.00",
        r"Subtotal:\s+185\.00",
        r"Total:\s+222\.00",
        r"Paid:\s+222\.00",
        r"Credited:\s+0\.00",
        r"Balance due:\s+0\.00",
        r"slip 88",
    ):
        assert re.search(pattern, shown), (pattern, shown)
    data = cli("invoice", "show", number, "--json").json()
    assert data["amount_paid"] == "222.00" and data["number"] == number
    assert cli("job", "show", job["id"], "--json").json()["paid"] is True
    ledger = cli("payment", "list", "--json").json()
    assert ledger["total"]["received"] == "222.00"
    assert number in cli("payment", "list").ok().out  # the payment of no job names the invoice

    listed = cli("invoice", "list", "--json").json()["invoices"]
    assert [i["number"] for i in listed] == [number]
    assert "Balance due: 0.00" in cli("invoice", "list").ok().out
    aging = cli("report", "invoices", "--json").json()
    assert aging["customers"] == []
    assert "no invoice is owing" in cli("report", "invoices").ok().out
    history = cli("invoice", "history", number).ok().out
    assert "issued" in history and "created" in history

    rest_id = rest["payments"][1]["id"]  # the payment of no job: the tax and the call-out
    assert re.search(rf"Invoice:\s+{number}", cli("payment", "show", rest_id).ok().out)
    voided = cli("payment", "void", rest_id, "--reason", "bounced").ok().out
    assert f"Invoice {number}: 150.00 paid, balance due 72.00; partly paid." in voided

    written = cli("invoice", "pdf", number).ok().out
    assert f"wrote PDF to {number}.pdf" in written
    assert (cli.home / f"{number}.pdf").read_bytes().startswith(b"%PDF")
    page = cli("quote", "pdf", f"Q-{year}-0001", "--html", "--out", "-").ok().out
    assert page.lstrip().lower().startswith("<!doctype html") and f"Q-{year}-0001" in page


def test_refusals_name_the_field_without_a_traceback(cli: Cli) -> None:
    _sam_billing(cli)
    cli("quote", "create", "ada", "Gate", "--line", "Labour;3").refused("lines[1]", "DESCRIPTION")
    cli("quote", "create", "ada", "Gate", "--line", "a;1;1", "--line", "b;x;1").refused(
        "lines[2].quantity"
    )
    cli("quote", "create", "ada", "Gate", "--line", "a;1;-5").refused("lines[1].unit_price")
    cli("invoice", "create", "ada", "--line", "a;1;1;;GST").refused("tax", "GST")
    cli("invoice", "create", "ada", "--line", "a;2;5;;;11").refused("lines[1].discount")
    empty = cli("quote", "create", "ada", "Nothing yet", "--json").json()
    cli("quote", "send", empty["id"]).refused("lines")

    invoice = _issued_invoice(cli)  # 100 + 20 VAT
    number = str(invoice["number"])
    cli("invoice", "add-line", number, "--line", "Extra;1;5").refused("status")
    cli("invoice", "edit", number, "--notes", "changed").refused("status")
    cli("invoice", "delete", number, "--yes").refused("status")
    cli("invoice", "pay", number, "500", "--method", "cash").refused("amount")
    cli("invoice", "pay", number, "lots", "--method", "cash").refused("amount")
    cli("invoice", "pay", number, "50", "--method", "cash").ok()
    cli("invoice", "void", number, "--reason", "wrong customer").refused("payments")
    paid = cli("invoice", "pay", number, "70", "--method", "card", "--json").json()["invoice"]
    assert paid["status"] == "paid"
    cli("invoice", "void", number, "--reason", "wrong customer").refused("payments")
    cli("invoice", "show", "INV-1999-0001").refused("invoice", "not found")
    cli("invoice", "issue", number).refused("status")
    lines = Path(cli.home / "lines.json")
    lines.write_text('[{"description": "x", "quantity": "one", "unit_price": "2"}]')
    cli("invoice", "create", "ada", "--lines-json", str(lines)).refused("lines[1].quantity")
    lines.write_text("{not json")
    cli("invoice", "create", "ada", "--lines-json", str(lines)).refused("lines json")


def test_credit_notes_voids_and_deletes(cli: Cli) -> None:
    _sam_billing(cli)
    invoice = _issued_invoice(cli)
    number = str(invoice["number"])
    partial = cli("invoice", "credit", number, "--line", "Goodwill;1;10", "--json").json()
    assert partial["kind"] == "credit_note" and partial["corrects"] == invoice["id"]
    assert partial["total"] == "12.00" and str(partial["number"]).startswith("CN-")
    after = cli("invoice", "show", number, "--json").json()
    assert (after["amount_credited"], after["balance"]) == ("12.00", "108.00")
    shown = cli("invoice", "show", number).ok().out
    assert "Credit notes" in shown and str(partial["number"]) in shown
    note = cli("invoice", "show", str(partial["number"])).ok().out
    assert re.search(rf"Corrects:\s+{number}", note) and "Credit note" in note
    cli("invoice", "credit", number, "--line", "Too much;1;500").refused("lines", "exceeds")
    cli("invoice", "void", number, "--reason", "x").refused("credit")
    seen = str(invoice["version"])  # before the credit note moved the invoice on
    more = ("--line", "More;1;1")
    cli("invoice", "credit", number, *more, "--if-version", seen).refused("changed since")
    cli("invoice", "pay", number, "1", "--if-version", seen).refused("changed since")
    assert cli("invoice", "show", number, "--json").json()["balance"] == "108.00"
    cli("invoice", "pay", number, "1", "--if-version", str(after["version"])).ok()

    second = _issued_invoice(cli)
    voided = cli("invoice", "void", str(second["number"]), "--reason", "sent twice").ok()
    assert "is void: sent twice" in voided.out
    assert (
        cli("invoice", "list", "--status", "void", "--json").json()["invoices"][0]["id"]
        == (second["id"])
    )

    draft = cli("invoice", "create", "ada", "--line", "Call-out;1;35", "--json").json()
    edited = cli("invoice", "edit", draft["id"], "--line", "Call-out;1;40", "--json").json()
    assert edited["total"] == "48.00"
    assert "Deleted invoice draft" in cli("invoice", "delete", draft["id"], "--yes").ok().out
    quote = cli("quote", "create", "ada", "Shed", "--line", "Shed;1;900", "--json").json()
    assert "Deleted quote" in cli("quote", "delete", quote["id"], "--yes").ok().out


def test_quotes_decline_and_expire(cli: Cli) -> None:
    _sam_billing(cli)
    first = cli("quote", "create", "ada", "Fence", "--line", "Fence;10;30;m", "--json").json()
    cli("quote", "send", first["id"]).ok()
    declined = cli("quote", "decline", first["id"]).ok()
    assert "is declined" in declined.out
    cli("quote", "accept", first["id"]).refused("status")

    old = str(_today() - timedelta(days=40))
    late = cli("quote", "create", "ada", "Roof", "--line", "Roof;1;2000", "--json").json()
    cli("quote", "send", late["id"], "--sent-on", old).ok()
    cli("quote", "accept", late["id"]).refused("valid until")
    assert "past its validity" in cli("quote", "show", late["id"]).ok().out
    expired = cli("quote", "expire", "--json").json()["expired"]
    assert [q["id"] for q in expired] == [late["id"]] and expired[0]["status"] == "expired"
    assert "No sent quote" in cli("quote", "expire").ok().out
    assert len(cli("quote", "list", "--customer", "ada", "--json").json()["quotes"]) == 2


def test_overdue_invoices_in_the_lists_reports_and_reminders(cli: Cli) -> None:
    _sam_billing(cli)
    long_ago = str(_today() - timedelta(days=50))
    invoice = _issued_invoice(cli, "--issued-on", long_ago)  # due 36 days ago
    number = str(invoice["number"])
    overdue = cli("invoice", "list", "--overdue").ok().out
    assert number in overdue and " !" in overdue and "1 invoice overdue" in overdue
    aging = cli("report", "invoices", "--json").json()
    assert aging["total"]["days_31_60"]["amount"] == "120.00"
    text = cli("report", "invoices").ok().out
    assert "Ada Lovelace" in text and "Overdue: 120.00 on 1 invoice" in text
    reminders = cli("report", "reminders").ok().out
    assert "Invoices overdue" in reminders and number in reminders


def test_the_demo_bills(demo_cli: Cli) -> None:
    invoices = demo_cli("invoice", "list", "--json").json()["invoices"]
    assert [i["status"] for i in invoices] == ["partly_paid"]
    quotes = demo_cli("quote", "list", "--json").json()["quotes"]
    assert sorted(q["status"] for q in quotes) == ["accepted", "sent"]
    assert demo_cli("billing", "show", "--json").json()["default_tax"] == "Sales tax"
    number = invoices[0]["number"]
    shown = demo_cli("invoice", "show", number).ok().out
    assert "Sales tax 8.25%" in shown and re.search(r"Paid:\s+100\.00", shown)
    assert number in demo_cli("report", "reminders").ok().out  # it is overdue
    page = demo_cli.home / f"{number}.html"  # the demo wrote it next to the database
    assert number in page.read_text(encoding="utf-8")


def test_the_billing_examples_of_the_docs(cli: Cli) -> None:
    """docs/cli.md's quotes and invoices section, run as written with the ids put in:
    019a3f60 is the quote, 019a3f61 the job it made, 019a3f70 the invoice."""
    page = (Path(__file__).resolve().parents[2] / "docs" / "cli.md").read_text(encoding="utf-8")
    section = page.split("## Quotes and invoices", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"^\$ jobtrack (.+)$", section, re.M)
    for start in ("billing set", "quote create", "quote send", "invoice issue", "invoice pay"):
        assert any(c.startswith(start) for c in commands), start
    cli.register(EMAIL)
    cli.login(EMAIL, PASSWORD)
    cli("customer", "add", "Ada Lovelace").ok()
    ids: dict[str, str] = {}
    for line in commands:
        line = line.replace("-2025-", f"-{_today().year}-")
        for shown, made in ids.items():
            line = line.replace(shown, made)
        words = [w.strip("'\"") for w in re.findall(r"'[^']*'|\"[^\"]*\"|\S+", line)]
        done = cli(*words, *(["--json"] if words[1] == "create" else [])).ok()
        if "--json" in words:
            json.loads(done.out)
        if words[:2] == ["quote", "create"]:
            ids["019a3f60"] = done.json()["id"]
        elif words[:2] == ["quote", "accept"]:
            ids["019a3f61"] = cli("quote", "show", words[2], "--json").json()["job_id"]
        elif words[:2] == ["invoice", "create"]:
            ids["019a3f70"] = done.json()["id"]
    assert set(ids) == {"019a3f60", "019a3f61", "019a3f70"}
