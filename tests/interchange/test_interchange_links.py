"""Deep links: the QR code payloads, encoded, parsed and resolved owner-scoped."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobtrack_core import NotFoundError, ValidationError
from jobtrack_core import fields as f
from jobtrack_core.links import Link, encode_link, link_to, parse_link, resolve_link


def _two_users(make_app: Any) -> tuple[Any, Any]:
    app = make_app()
    sam = app.workspace(app.register(email="sam@example.com", password="p" * 8, name="Sam").id)
    kim = app.workspace(app.register(email="kim@example.com", password="p" * 8, name="Kim").id)
    return sam, kim


def test_links_resolve_to_the_record_for_its_owner_only(make_app: Any) -> None:
    sam, kim = _two_users(make_app)
    customer = sam.add_customer("Ann")
    job = sam.create_job(customer.id, "Fix sink")
    assert json.loads(encode_link(customer)) == {"type": "customer", "id": customer.id}
    assert resolve_link(sam, encode_link(customer)) == customer
    assert resolve_link(sam, encode_link(job).encode()) == job
    assert resolve_link(sam, link_to(job)) == job
    with pytest.raises(NotFoundError) as caught:
        resolve_link(kim, encode_link(job))
    assert (caught.value.kind, caught.value.id) == ("job", job.id)
    with pytest.raises(NotFoundError):
        resolve_link(kim, encode_link(customer))
    with pytest.raises(NotFoundError):
        resolve_link(sam, encode_link(Link("job", "no-such-job")))


def test_payloads_of_the_original_are_read() -> None:
    assert parse_link('{"type": "customer", "id": 1731600000000, "name": "Dana"}') == Link(
        "customer", "1731600000000"
    )
    assert parse_link(' {"id": " j-1 ", "type": "job"} ') == Link("job", "j-1")


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        ("not json", ("link",)),
        ("[1, 2]", ("link",)),
        ('{"type": "invoice", "id": "x"}', ("type",)),
        ('{"type": "job"}', ("id",)),
        ('{"type": "job", "id": true}', ("id",)),
        ('{"type": "job", "id": ""}', ("id",)),
        ('{"id": null}', ("type", "id")),
        ('{"type": "job", "id": "' + "x" * 201 + '"}', ("id",)),
        ("x" * 5000, ("link",)),
        (b"\xff\xfe", ("link",)),
    ],
)
def test_malformed_payloads_are_refused_naming_the_field(
    text: Any, fields: tuple[str, ...]
) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_link(text)
    assert caught.value.fields == fields


@given(
    st.sampled_from(["customer", "job"]),
    st.text(min_size=1, max_size=50).filter(f.ID.holds),
)
def test_encode_then_parse_is_the_identity(kind: Any, link_id: str) -> None:
    link = Link(kind, link_id)
    assert parse_link(encode_link(link)) == link
