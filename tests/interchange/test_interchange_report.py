"""The import report as people read it: changes grouped by reason, each on one line."""

from __future__ import annotations

from jobtrack_interchange.report import ReportBuilder


def test_alterations_are_grouped_by_reason_one_line_each() -> None:
    builder = ReportBuilder("test")
    for number in range(25):
        builder.altered(
            "job", f"j{number}", "actual_cost", f"{number}.005", f"{number}.01", "rounded"
        )
    builder.altered("customer", "c1", "phone", "", None, "empty text stored as null")
    builder.skipped("job", "j99", "its customer 'c9' does not exist")
    report = builder.build()
    lines = report.details().splitlines()
    assert lines[: len(report.summary().splitlines())] == report.summary().splitlines()
    rounded = [line for line in lines if "rounded" in line]
    assert len(rounded) == 1
    assert "(25)" in rounded[0] and "job j0 actual_cost 0.005 -> 0.01" in rounded[0]
    assert rounded[0].endswith("and 22 more")
    empty = [line for line in lines if "empty text stored as null" in line]
    assert empty == ["  altered (1), empty text stored as null: customer c1 phone '' -> (none)"]
    assert "  skipped job j99: its customer 'c9' does not exist" in lines


def test_values_that_span_lines_stay_on_one_line() -> None:
    builder = ReportBuilder("test")
    builder.altered("customer", "c\n1", "notes", "line one\nline two\r\n", "line one", "cut")
    builder.altered("customer", "c2", "name", "x" * 500, "y" * 200, "cut to 200 characters")
    builder.skipped("job", "j\r2", "cannot be repaired: title\nmust not be empty")
    builder.notice("job", "j3", "one\ttwo\nthree")
    report = builder.build()
    lines = report.details().splitlines()
    assert all(line.startswith("  ") or line == lines[0] for line in lines)
    assert len(lines) == len(report.summary().splitlines()) + 4
    assert "'line one\\nline two\\r\\n'" in report.details()
    assert max(len(line) for line in lines) < 200
