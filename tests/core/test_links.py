"""Deep links: the payload MyJobTrack printed, written and read back owner-scoped."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from jobtrack_core import Jobtrack
from jobtrack_core.entities import Customer, LoginSession
from jobtrack_core.errors import NotFoundError, ValidationError
from jobtrack_core.links import (
    MAX_LINK_LENGTH,
    Link,
    encode_link,
    link_to,
    parse_link,
    resolve_link,
)
from jobtrack_core.passwords import Argon2Hasher
from jobtrack_core.testing import PASSWORD, CountingIds, FakeClock
from jobtrack_memory import MemoryStore

NOW = datetime(2025, 7, 6, 9, 0, tzinfo=UTC)


def problems(text: str | bytes) -> list[tuple[str, str]]:
    with pytest.raises(ValidationError) as caught:
        parse_link(text)
    return [(e.field, e.message) for e in caught.value.errors]


def test_a_record_links_to_itself_in_the_originals_compact_payload() -> None:
    customer = Customer(
        id="c-1", user_id="u-1", name="Ada", email=None, phone=None, address=None,
        business_name=None, notes=None, created_at=NOW, updated_at=NOW,
    )  # fmt: skip
    assert link_to(customer) == Link("customer", "c-1")
    assert encode_link(customer) == '{"type":"customer","id":"c-1"}'
    assert encode_link(Link("job", "Ünïcode")) == '{"type":"job","id":"Ünïcode"}'
    session = LoginSession(
        id="s-1", user_id="u-1", token_hash="0" * 64,
        created_at=NOW, expires_at=NOW, last_used_at=NOW,
    )  # fmt: skip
    with pytest.raises(TypeError, match=r"^only customers and jobs have links, not LoginSession$"):
        link_to(session)  # type: ignore[arg-type]


def test_a_payload_reads_back_ignoring_extra_keys_and_reading_numeric_ids_as_text() -> None:
    assert parse_link('{"type":"job","id":"j-1","name":"x"}') == Link("job", "j-1")
    assert parse_link(b'{"type":"customer","id":" c-1 "}') == Link("customer", "c-1")
    assert parse_link('{"type":"job","id":42}') == Link("job", "42")
    assert parse_link(" " * (MAX_LINK_LENGTH - 23) + '{"type":"job","id":"j"}') == Link("job", "j")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (b"\xff", [("link", "is not UTF-8 text")]),
        ("x" * (MAX_LINK_LENGTH + 1), [("link", f"must be at most {MAX_LINK_LENGTH} characters")]),
        ("{", [("link", "is not a JSON object")]),
        ("[" * MAX_LINK_LENGTH, [("link", "is not a JSON object")]),
        ("[]", [("link", "is not a JSON object")]),
        (
            '{"type":"invoice","id":true}',
            [
                ("type", "must be one of customer, job, not 'invoice'"),
                ("id", "must be an id (text), not a boolean"),
            ],
        ),
        ('{"id":"j-1"}', [("type", "must be one of customer, job, not None")]),
        ('{"type":"job"}', [("id", "is required")]),
        ('{"type":"job","id":"  "}', [("id", "must not be empty")]),
    ],
)
def test_a_malformed_payload_is_refused_naming_what_is_wrong(
    text: str | bytes, expected: list[tuple[str, str]]
) -> None:
    assert problems(text) == expected


def test_a_payload_that_is_not_text_is_refused() -> None:
    assert problems(7) == [("link", "must be text, not int")]  # type: ignore[arg-type]


def test_a_link_resolves_only_to_the_users_own_records() -> None:
    app = Jobtrack(
        MemoryStore(), clock=FakeClock(), ids=CountingIds(), hasher=Argon2Hasher.for_tests()
    )
    ids = [
        app.register(email=f"{name}@example.com", password=PASSWORD, name=name).id
        for name in ("sam", "kim")
    ]
    sam, kim = (app.workspace(i) for i in ids)
    customer = sam.add_customer("Ada")
    job = sam.create_job(customer.id, "Fix the sink")
    assert resolve_link(sam, encode_link(customer)) == customer
    assert resolve_link(sam, encode_link(job).encode()) == job
    assert resolve_link(sam, Link("job", job.id)) == job
    with pytest.raises(NotFoundError) as caught:
        resolve_link(sam, Link("customer", job.id))
    assert caught.value.kind == "customer"
    for target in (customer, job):
        with pytest.raises(NotFoundError):
            resolve_link(kim, encode_link(target))
