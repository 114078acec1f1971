"""Reports over HTTP: each answers what the library's report is, through the converter,
for the account of the token and nobody else's."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from jobtrack_core.service import Jobtrack
from jobtrack_core.workspace import Workspace
from jobtrack_interchange.converter import unstructure
from web.client import Api
from web.openapi_check import conforms


def workspace(jobtrack_app: Jobtrack, api: Api) -> Workspace:
    """The library's view of the account ``api`` is signed in to."""
    return jobtrack_app.authenticate(api.token)


def seed(ws: Workspace) -> dict[str, str]:
    """A small business: two customers, jobs in each status, payments; the ids."""
    ada = ws.add_customer("Ada Lovelace", email="ada@example.com")
    bob = ws.add_customer("Bob Builder")
    today = ws.dashboard().today
    paid = ws.create_job(ada.id, "Fix the sink", estimated_cost="100", estimated_hours="2")
    ws.start_job(paid.id)
    ws.complete_job(paid.id, actual_cost="120.50", actual_hours="2.5")
    ws.mark_paid(paid.id, method="card")
    owing = ws.create_job(bob.id, "New roof", estimated_cost="900", due_date=today)
    ws.start_job(owing.id)
    ws.add_payment(owing.id, "300", method="bank_transfer", kind="deposit")
    late = ws.create_job(bob.id, "Gutter", due_date=today - timedelta(days=3))
    done = ws.create_job(ada.id, "Tiles", estimated_cost="50")
    ws.start_job(done.id)
    ws.complete_job(done.id, actual_cost="75")
    ws.create_job(ada.id, "Paint", due_date=today + timedelta(days=2))
    return {"ada": ada.id, "bob": bob.id, "paid": paid.id, "late": late.id, "done": done.id}


Report = Callable[[Workspace], Any]
YEAR = "2026"


def _year(ws: Workspace) -> int:
    return ws.dashboard().today.year


REPORTS: list[tuple[str, dict[str, Any], Report]] = [
    ("/api/reports/dashboard", {}, lambda ws: ws.dashboard()),
    (
        "/api/reports/dashboard",
        {"upcoming_days": 1, "recent": 2, "today_limit": 0, "overdue_limit": 1},
        lambda ws: ws.dashboard(upcoming_days=1, recent=2, today_limit=0, overdue_limit=1),
    ),
    ("/api/reports/revenue", {}, lambda ws: {"revenue": ws.revenue()}),
    (
        "/api/reports/revenue-between",
        {"start": "2000-01-01", "end": "2100-01-01"},
        lambda ws: ws.revenue_between("2000-01-01", "2100-01-01"),
    ),
    ("/api/reports/revenue-by-month", {}, lambda ws: ws.revenue_by_month()),
    ("/api/reports/revenue-by-month", {"year": 2001}, lambda ws: ws.revenue_by_month(2001)),
    ("/api/reports/revenue-by-customer", {}, lambda ws: ws.revenue_by_customer()),
    (
        "/api/reports/revenue-by-customer",
        {"year": 2001},
        lambda ws: ws.revenue_by_customer(2001),
    ),
    ("/api/reports/customers", {}, lambda ws: ws.customer_summaries()),
    ("/api/reports/estimate-accuracy", {}, lambda ws: ws.estimate_accuracy()),
    ("/api/reports/reminders", {}, lambda ws: ws.reminders()),
    (
        "/api/reports/reminders",
        {"unpaid_days": 0, "owing_over": "100.00", "idle_days": 0, "limit": 1},
        lambda ws: ws.reminders(unpaid_days=0, owing_over="100.00", idle_days=0, limit=1),
    ),
    ("/api/reports/balances", {}, lambda ws: ws.balances()),
    ("/api/reports/customer-balances", {}, lambda ws: ws.customer_balances()),
    ("/api/reports/aging", {}, lambda ws: ws.aging()),
    ("/api/reports/aging", {"as_of": "2001-06-30"}, lambda ws: ws.aging("2001-06-30")),
    ("/api/reports/invoice-aging", {}, lambda ws: ws.invoice_aging()),
    (
        "/api/reports/cash",
        {"start": "2000-01-01", "end": "2100-01-01", "by": "year"},
        lambda ws: ws.cash_received("2000-01-01", "2100-01-01", by="year"),
    ),
]


@pytest.mark.parametrize(("path", "params", "report"), REPORTS)
def test_each_report_is_the_librarys_through_the_converter(
    api: Api, jobtrack_app: Jobtrack, path: str, params: dict[str, Any], report: Report
) -> None:
    ws = workspace(jobtrack_app, api)
    seed(ws)
    answer = api.get(path, params=params)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.json() == unstructure(report(ws))
    conforms(api, "get", path, answer)


def test_cash_by_month_this_year_holds_the_payments(api: Api, jobtrack_app: Jobtrack) -> None:
    ws = workspace(jobtrack_app, api)
    seed(ws)
    year = _year(ws)
    params = {"start": f"{year}-01-01", "end": f"{year + 1}-01-01"}
    answer = api.get("/api/reports/cash", params=params)
    assert answer.status_code == 200
    periods = answer.json()
    assert len(periods) == 12
    assert periods == unstructure(ws.cash_received(**params))
    received = sum(float(p["cash"]["received"]) for p in periods)
    assert received == pytest.approx(420.50)
    conforms(api, "get", "/api/reports/cash", answer)


def test_money_is_decimal_text(api: Api, jobtrack_app: Jobtrack) -> None:
    seed(workspace(jobtrack_app, api))
    assert api.get("/api/reports/revenue").json() == {"revenue": "120.50"}
    dashboard = api.get("/api/reports/dashboard").json()
    assert dashboard["revenue"] == {"amount": "120.50", "jobs": 1}


def test_one_customers_figures_history_and_balances(api: Api, jobtrack_app: Jobtrack) -> None:
    ws = workspace(jobtrack_app, api)
    ids = seed(ws)
    for customer_id in (ids["ada"], ids["bob"]):
        stats = api.get(f"/api/customers/{customer_id}/stats")
        assert stats.status_code == 200
        assert stats.json() == unstructure(ws.customer_stats(customer_id))
        conforms(api, "get", "/api/customers/{customer_id}/stats", stats)
        balances = api.get(f"/api/customers/{customer_id}/balances")
        assert balances.json() == unstructure(ws.balances(customer_id))
        conforms(api, "get", "/api/customers/{customer_id}/balances", balances)

    history = api.get(f"/api/customers/{ids['ada']}/history")
    assert history.status_code == 200
    page = ws.customer_history(ids["ada"])
    assert history.json() == {"items": unstructure(page.items), "next": None}
    conforms(api, "get", "/api/customers/{customer_id}/history", history)

    seen = [job["id"] for job in api.walk(f"/api/customers/{ids['ada']}/history")]
    assert seen == [job.id for job in page.items] and len(seen) == 3


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/api/reports/dashboard", {"recent": -1}, "recent"),
        ("/api/reports/dashboard", {"upcoming_days": 100_000}, "upcoming_days"),
        ("/api/reports/dashboard", {"today_limit": "many"}, "today_limit"),
        ("/api/reports/revenue-between", {"start": "2025-13-01", "end": "2025-02-01"}, "start"),
        ("/api/reports/revenue-between", {"end": "2025-02-01"}, "start"),
        ("/api/reports/revenue-between", {"start": "2025-02-01", "end": "2025-01-01"}, "end"),
        ("/api/reports/revenue-by-month", {"year": 1800}, "year"),
        ("/api/reports/revenue-by-customer", {"year": "last"}, "year"),
        ("/api/reports/reminders", {"owing_over": "lots"}, "owing_over"),
        ("/api/reports/reminders", {"owing_over": "1.005"}, "owing_over"),
        ("/api/reports/reminders", {"idle_days": -3}, "idle_days"),
        ("/api/reports/aging", {"as_of": "yesterday"}, "as_of"),
        ("/api/reports/invoice-aging", {"as_of": "0001-01-01"}, "as_of"),
        ("/api/reports/cash", {"start": "2025-01-01", "end": "2025-03-01", "by": "week"}, "by"),
        ("/api/reports/cash", {"start": "2025-01-01", "end": "2026-01-01", "by": "x"}, "by"),
    ],
)
def test_a_bad_parameter_is_422_naming_it(
    api: Api, path: str, params: dict[str, Any], field: str
) -> None:
    answer = api.get(path, params=params)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert field in {e["field"] for e in answer.json()["errors"]}, answer.json()
    conforms(api, "get", path, answer)


def test_a_bad_page_of_a_customers_history_is_422(api: Api, jobtrack_app: Jobtrack) -> None:
    ids = seed(workspace(jobtrack_app, api))
    path = f"/api/customers/{ids['ada']}/history"
    for params, field in (({"limit": 0}, "limit"), ({"after": "not-a-cursor"}, "after")):
        answer = api.get(path, params=params)
        assert answer.status_code == 422
        assert field in {e["field"] for e in answer.json()["errors"]}


def test_another_account_sees_nothing_of_the_first(
    api: Api, other: Api, jobtrack_app: Jobtrack
) -> None:
    ids = seed(workspace(jobtrack_app, api))
    for path in (
        f"/api/customers/{ids['ada']}/stats",
        f"/api/customers/{ids['ada']}/history",
        f"/api/customers/{ids['ada']}/balances",
    ):
        answer = other.get(path)
        assert answer.status_code == 404, path
        assert answer.json()["title"] == other.get("/api/customers/none/stats").json()["title"]
        assert api.get(path).status_code == 200
    mine = workspace(jobtrack_app, other)
    assert other.get("/api/reports/customers").json() == []
    assert other.get("/api/reports/revenue").json() == {"revenue": "0.00"} or (
        other.get("/api/reports/revenue").json() == {"revenue": unstructure(mine.revenue())}
    )
    dashboard = other.get("/api/reports/dashboard").json()
    assert dashboard == unstructure(mine.dashboard())
    assert dashboard["customers"] == 0 and dashboard["recent"] == []


def test_reports_need_a_login(api: Api) -> None:
    for path in ("/api/reports/dashboard", "/api/customers/x/stats", "/api/reports/aging"):
        assert api.client.get(path).status_code == 401
