"""Hypothesis strategies for jobtrack's inputs, bounded to what every store can hold."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

import attrs

from jobtrack_core.commands import NewCustomer, NewJob
from jobtrack_core.fields import Text, rule_of
from jobtrack_core.money import MAX_AMOUNT, from_minor

#: The text rule of every text field of customers and jobs.
TEXT_RULES: dict[str, Text] = {
    a.name: r
    for command in (NewCustomer, NewJob)
    for a in attrs.fields(command)
    if isinstance(r := rule_of(a), Text)
}

# Printable text without control characters, separators or surrogates: what the
# text rules keep (bidirectional controls are Cf and left out too).
_chars = st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Cf", "Zl", "Zp"))


def text_field(field: str, *, required: bool = False) -> st.SearchStrategy[str | None]:
    """Valid text for ``field`` (already trimmed), or None when optional."""
    limit = min(TEXT_RULES[field].limit, 60)
    value = st.text(_chars, min_size=1, max_size=limit).map(str.strip).filter(bool)
    return value if required else st.none() | value


def amounts(max_value: Decimal = Decimal("99999.99")) -> st.SearchStrategy[Decimal]:
    """Valid money: non-negative Decimals with two places."""
    return st.integers(0, int(max_value * 100)).map(from_minor)


def optional_amounts() -> st.SearchStrategy[Decimal | None]:
    return st.none() | amounts()


def bad_amounts() -> st.SearchStrategy[Any]:
    """Values refused as money, each for a different reason."""
    return st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.integers(max_value=-1),
        st.decimals(min_value=-(10**6), max_value=10**6, places=3).filter(
            lambda d: d != d.quantize(Decimal("0.01"))
        ),
        st.just(Decimal("NaN")),
        st.just(MAX_AMOUNT + Decimal("0.01")),
        st.just("twelve"),
        st.booleans(),
        st.just([1]),
    )


emails = st.builds(
    "{}@{}.{}".format,
    st.text("abcdefghij0123456789._+-", min_size=1, max_size=12).filter(lambda s: s.strip(".")),
    st.text("abcdefghij-", min_size=1, max_size=10),
    st.sampled_from(["com", "org", "net", "co"]),
)

due_dates = st.none() | st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))


def customer_fields() -> st.SearchStrategy[dict[str, Any]]:
    """Keyword arguments for :meth:`Workspace.add_customer` (``name`` included)."""
    return st.fixed_dictionaries(
        {
            "name": text_field("name", required=True),
            "email": st.none() | emails,
            "phone": text_field("phone"),
            "address": text_field("address"),
            "business_name": text_field("business_name"),
            "notes": text_field("notes"),
        }
    )


def job_fields() -> st.SearchStrategy[dict[str, Any]]:
    """Keyword arguments for :meth:`Workspace.create_job`, without ``customer_id``."""
    return st.fixed_dictionaries(
        {
            "title": text_field("title", required=True),
            "description": text_field("description"),
            "estimated_cost": optional_amounts(),
            "estimated_hours": optional_amounts(),
            "due_date": due_dates,
        }
    )


def bad_customer_fields() -> st.SearchStrategy[tuple[dict[str, Any], set[str]]]:
    """Customer arguments with at least one bad field; the bad field names come along."""
    bad = st.one_of(
        st.tuples(st.just("name"), st.sampled_from(["", "   ", None, 42, "a\x00b", "x" * 201])),
        st.tuples(st.just("email"), st.sampled_from(["no-at-sign", "a@b", "a b@c.d", 7])),
        st.tuples(st.just("phone"), st.sampled_from(["1" * 51, "tab\there", "\ud800"])),
        st.tuples(st.just("notes"), st.just("n" * 10_001)),
    )
    return st.tuples(customer_fields(), st.lists(bad, min_size=1, max_size=3)).map(
        lambda pair: (pair[0] | dict(pair[1]), {f for f, _ in pair[1]})
    )
