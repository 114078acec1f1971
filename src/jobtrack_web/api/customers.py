"""Customers: list (by cursor, with search), add, read, change, delete."""

from __future__ import annotations

from typing import Any

import attrs
from litestar import Request, Response, Router
from litestar.params import FromPath, JSONBody, Parameter

from jobtrack_core.commands import CustomerChanges, NewCustomer
from jobtrack_core.entities import Customer, Deleted
from jobtrack_web.api.paging import after_parameter, limit_parameter, page
from jobtrack_web.api.verbs import delete, get, patch, post
from jobtrack_web.api.versions import ETAG, if_version, tagged
from jobtrack_web.auth import SignedIn
from jobtrack_web.problems import responses


@attrs.frozen
class CustomerPage:
    """One page of customers, by name; ``next`` is the cursor of the next page (``after``),
    or null on the last."""

    items: tuple[Customer, ...]
    next: str | None


@get("/", responses=responses(422))
def list_customers(
    ws: SignedIn,
    search: str | None = Parameter(
        default=None, max_length=200, description="Only customers with this text."
    ),
    limit: int = limit_parameter(),
    after: str | None = after_parameter(),
) -> CustomerPage:
    """This account's customers by name, a page at a time."""
    found = ws.search_customers(search) if search else ws.list_customers()
    items, more = page(found, lambda c: f"{c.name.casefold()}\x00{c.id}", limit, after)
    return CustomerPage(tuple(items), more)


@post("/", status_code=201, responses=responses(409, 422), response_headers=[ETAG])
def add_customer(
    request: Request[Any, Any, Any], data: JSONBody[NewCustomer], ws: SignedIn
) -> Response[Customer]:
    """Add a customer. A create that carries its own ``id`` is safe to send again: the
    same request returns the customer it made; another request with that id is a 409."""
    made = ws.add_customer(data)
    return tagged(made, 201, location=f"{request.url.path.rstrip('/')}/{made.id}")


@get("/{customer_id:str}", responses=responses(404), response_headers=[ETAG])
def get_customer(customer_id: FromPath[str], ws: SignedIn) -> Response[Customer]:
    """One customer."""
    return tagged(ws.get_customer(customer_id))


@patch("/{customer_id:str}", responses=responses(404, 409, 412, 422), response_headers=[ETAG])
def update_customer(
    request: Request[Any, Any, Any],
    customer_id: FromPath[str],
    data: JSONBody[CustomerChanges],
    ws: SignedIn,
) -> Response[Customer]:
    """Change some of a customer's fields (``null`` clears one); ``If-Match`` guards it."""
    return tagged(ws.update_customer(customer_id, data, if_version=if_version(request)))


@delete("/{customer_id:str}", status_code=200, responses=responses(404, 409, 412, 422))
def delete_customer(
    request: Request[Any, Any, Any],
    customer_id: FromPath[str],
    ws: SignedIn,
    with_payments: bool = Parameter(
        default=False, description="Delete the payments of its jobs too."
    ),
) -> Deleted:
    """Delete a customer with its jobs, quotes and draft invoices; the answer counts them."""
    return ws.delete_customer(
        customer_id, if_version=if_version(request), with_payments=with_payments
    )


router = Router(
    "/customers",
    route_handlers=[list_customers, add_customer, get_customer, update_customer, delete_customer],
    tags=["customers"],
)
