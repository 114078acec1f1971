"""The report value types: exact arithmetic and the rounding rules they state."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobtrack_core import Customer, JobStatus
from jobtrack_core.reports import (
    Accuracy,
    Comparison,
    CustomerSummary,
    StatusCounts,
    Tally,
    average,
)

cents = st.integers(0, 10**12).map(lambda c: Decimal(c).scaleb(-2))


@pytest.mark.parametrize(
    ("total", "count", "expected"),
    [
        ("10.00", 3, "3.33"),
        ("20.00", 3, "6.67"),
        ("0.05", 2, "0.03"),  # half-up, not half-even
        ("0.15", 2, "0.08"),
        ("0.00", 4, "0.00"),
        ("5.00", 0, None),
    ],
)
def test_average_rounds_half_up_to_the_cent(total: str, count: int, expected: str | None) -> None:
    assert average(Decimal(total), count) == (None if expected is None else Decimal(expected))


@pytest.mark.parametrize(
    ("estimated", "actual", "ratio", "difference"),
    [
        ("100.00", "125.00", "1.2500", "25.00"),
        ("3.00", "1.00", "0.3333", "-2.00"),
        ("0.00", "5.00", None, "5.00"),
        ("8.00", "0.00", "0.0000", "-8.00"),
        ("3.00", "2.00", "0.6667", "-1.00"),
        ("16.00", "0.01", "0.0006", "-15.99"),  # 0.000625: half-even
    ],
)
def test_comparison_ratio_and_difference(
    estimated: str, actual: str, ratio: str | None, difference: str
) -> None:
    comparison = Comparison(1, Decimal(estimated), Decimal(actual))
    assert comparison.ratio == (None if ratio is None else Decimal(ratio))
    assert comparison.difference == Decimal(difference)


@given(pairs=st.lists(st.tuples(cents, cents), max_size=20))
def test_comparisons_add_up_exactly(pairs: list[tuple[Decimal, Decimal]]) -> None:
    total = sum((Comparison(1, e, a) for e, a in pairs), Comparison())
    assert total.jobs == len(pairs)
    assert total.estimated == sum((e for e, _ in pairs), Decimal("0.00"))
    assert total.difference == sum((a - e for e, a in pairs), Decimal("0.00"))
    assert (Tally(Decimal("1.10"), 1) + Tally(Decimal("2.20"), 2)) == Tally(Decimal("3.30"), 3)


def test_status_counts() -> None:
    counts = StatusCounts(pending=1, in_progress=2, completed=3, cancelled=4)
    assert [counts[s] for s in JobStatus] == [1, 2, 3, 4]
    assert counts["completed"] == 3 and counts.open == 3 and counts.total == 10
    with pytest.raises(ValueError):
        counts["paid"]


def test_customer_summary_derived_figures() -> None:
    moment = datetime(2025, 1, 1, tzinfo=UTC)
    customer = Customer("c", "u", "Ada", None, None, None, None, None, moment, moment)
    idle = CustomerSummary(customer, 0, 0, Decimal("0.00"), Decimal("0.00"), None)
    assert idle.average_job_value is None and idle.last_activity == moment
    busy = CustomerSummary(customer, 4, 3, Decimal("100.00"), Decimal("5.00"), moment)
    assert busy.average_job_value == Decimal("33.33")
    assert Accuracy() + Accuracy() == Accuracy()
