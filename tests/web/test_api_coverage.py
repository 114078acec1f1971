"""Everything a Workspace offers is reachable over HTTP.

Each public method of :class:`Workspace` (and each account call of :class:`Jobtrack`)
names the operation of the OpenAPI document that offers it. A method added to the
library without a route, or a route that is gone, fails here.
"""

from __future__ import annotations

import inspect
from typing import Any

from litestar.testing import TestClient

from jobtrack_core.service import Jobtrack
from jobtrack_core.workspace import Workspace

#: The route of each library call, as "METHOD /path".
ROUTES: dict[str, str] = {
    # accounts and sessions (Jobtrack)
    "register": "POST /api/accounts",
    "login": "POST /api/sessions",
    "logout": "DELETE /api/sessions/current",
    # the account (Workspace)
    "update_profile": "PATCH /api/me",
    "change_password": "POST /api/me/password",
    "logout_everywhere": "DELETE /api/sessions",
    "delete_account": "POST /api/me/delete",
    # customers
    "add_customer": "POST /api/customers",
    "get_customer": "GET /api/customers/{customer_id}",
    "list_customers": "GET /api/customers",
    "search_customers": "GET /api/customers",
    "update_customer": "PATCH /api/customers/{customer_id}",
    "delete_customer": "DELETE /api/customers/{customer_id}",
    "customer_stats": "GET /api/customers/{customer_id}/stats",
    "customer_history": "GET /api/customers/{customer_id}/history",
    "customer_summaries": "GET /api/reports/customers",
    # jobs
    "create_job": "POST /api/jobs",
    "get_job": "GET /api/jobs/{job_id}",
    "list_jobs": "GET /api/jobs",
    "list_jobs_page": "GET /api/jobs",
    "update_job": "PATCH /api/jobs/{job_id}",
    "delete_job": "DELETE /api/jobs/{job_id}",
    "start_job": "POST /api/jobs/{job_id}/start",
    "complete_job": "POST /api/jobs/{job_id}/complete",
    "cancel_job": "POST /api/jobs/{job_id}/cancel",
    "mark_paid": "POST /api/jobs/{job_id}/paid",
    "mark_unpaid": "POST /api/jobs/{job_id}/unpaid",
    "job_accuracy": "GET /api/jobs/{job_id}/accuracy",
    # payments
    "add_payment": "POST /api/payments",
    "get_payment": "GET /api/payments/{payment_id}",
    "list_payments": "GET /api/payments",
    "void_payment": "POST /api/payments/{payment_id}/void",
    # reports
    "dashboard": "GET /api/reports/dashboard",
    "revenue": "GET /api/reports/revenue",
    "revenue_between": "GET /api/reports/revenue-between",
    "revenue_by_month": "GET /api/reports/revenue-by-month",
    "revenue_by_customer": "GET /api/reports/revenue-by-customer",
    "estimate_accuracy": "GET /api/reports/estimate-accuracy",
    "reminders": "GET /api/reports/reminders",
    "balances": "GET /api/reports/balances",
    "customer_balances": "GET /api/reports/customer-balances",
    "aging": "GET /api/reports/aging",
    "cash_received": "GET /api/reports/cash",
    # history and the change feed
    "history": "GET /api/history",
    "activity": "GET /api/activity",
    "changes": "GET /api/changes",
    "prune_history": "POST /api/history/prune",
    # billing, quotes and invoices
    "billing_settings": "GET /api/billing",
    "update_billing": "PATCH /api/billing",
    "create_quote": "POST /api/quotes",
    "get_quote": "GET /api/quotes/{quote_id}",
    "list_quotes": "GET /api/quotes",
    "update_quote": "PATCH /api/quotes/{quote_id}",
    "delete_quote": "DELETE /api/quotes/{quote_id}",
    "send_quote": "POST /api/quotes/{quote_id}/send",
    "accept_quote": "POST /api/quotes/{quote_id}/accept",
    "decline_quote": "POST /api/quotes/{quote_id}/decline",
    "expire_quotes": "POST /api/quotes/expire",
    "quote_of_job": "GET /api/jobs/{job_id}/quote",
    "create_invoice": "POST /api/invoices",
    "get_invoice": "GET /api/invoices/{invoice_id}",
    "list_invoices": "GET /api/invoices",
    "invoices_of_job": "GET /api/invoices",
    "update_invoice": "PATCH /api/invoices/{invoice_id}",
    "delete_invoice": "DELETE /api/invoices/{invoice_id}",
    "issue_invoice": "POST /api/invoices/{invoice_id}/issue",
    "void_invoice": "POST /api/invoices/{invoice_id}/void",
    "credit_invoice": "POST /api/invoices/{invoice_id}/credit",
    "pay_invoice": "POST /api/invoices/{invoice_id}/payments",
    "payments_of_invoice": "GET /api/invoices/{invoice_id}/payments",
    "invoice_aging": "GET /api/reports/invoice-aging",
    "overdue_invoices": "GET /api/invoices/overdue",
}

#: Library calls with no route of their own, and why.
NOT_OVER_HTTP: dict[str, str] = {
    "atomic": "a transaction spanning calls; each request is one unit of work",
    "today": "the business's date, shown in every report that depends on it",
    "workspace": "a request's workspace comes from its Bearer token",
    "authenticate": "every signed-in request authenticates its Bearer token",
    "adopt_legacy_account": "moving in from MyJobTrack is done with the command line",
    "announce": "a hook for stores, not a user action",
    "subscribe": "in-process news; over HTTP the change feed serves the same",
    "close": "the server closes the application when it stops",
    "unit": "a unit of work, not a user action",
    "now": "the application's clock",
}

ACCOUNT_CALLS = ("register", "login", "logout")


def public_calls() -> set[str]:
    found = {n for n, v in inspect.getmembers(Workspace) if not n.startswith("_") and callable(v)}
    found |= {n for n, v in inspect.getmembers(Jobtrack) if not n.startswith("_") and callable(v)}
    return found


def operations(client: TestClient[Any]) -> set[str]:
    document = client.get("/openapi.json").json()
    return {
        f"{method.upper()} {path}"
        for path, item in document["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    }


def test_every_library_call_has_a_route_or_a_reason(client: TestClient[Any]) -> None:
    missing = public_calls() - set(ROUTES) - set(NOT_OVER_HTTP)
    assert not missing, f"library calls with no route: {sorted(missing)}"
    offered = operations(client)
    gone = {call: route for call, route in ROUTES.items() if route not in offered}
    assert not gone, f"routes named here that the API does not offer: {gone}"
    assert set(ACCOUNT_CALLS) <= set(ROUTES)


def test_every_route_is_named_here_or_is_a_document_or_an_exchange(
    client: TestClient[Any],
) -> None:
    documents = {op for op in operations(client) if "/document." in op}
    exchanges = {"GET /api/export", "POST /api/import", "GET /api/me"}
    job_lists = {
        "GET /api/jobs/{job_id}/payments",
        "GET /api/jobs/{job_id}/history",
        "GET /api/customers/{customer_id}/balances",
    }
    unnamed = operations(client) - set(ROUTES.values()) - documents - exchanges - job_lists
    assert not unnamed, f"routes no library call names: {sorted(unnamed)}"
