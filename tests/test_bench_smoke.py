"""The benchmark's smallest size runs end to end and reports every column and
operation. Only that it runs is checked here, never how fast."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench.dataset import SIZES, Dataset
from bench.plan import make_plan, operations
from bench.run import TITLES

ROOT = Path(__file__).resolve().parent.parent
#: Columns that always run; the ORM's needs the 'bench' extra, PostgreSQL a server.
ALWAYS = ["baseline", "jobtrack sqlite", "jobtrack memory"]
if importlib.util.find_spec("sqlalchemy") is not None:
    ALWAYS.append("sqlalchemy")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    markdown = tmp_path_factory.mktemp("bench") / "results.md"
    done = subprocess.run(
        [sys.executable, "-m", "bench.run", "--size", "small", "--repeat", "1",
         "--markdown", str(markdown)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout, markdown.read_text(encoding="utf-8")


def _rows(markdown: str, phase: str) -> dict[str, list[str]]:
    """The results table of one phase: operation -> cells, in column order."""
    section = markdown.split(f"### Results, {phase}", 1)[1].split("###", 1)[0]
    rows = {}
    for line in section.strip().splitlines()[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows[cells[0]] = cells[1:]
    return rows


def test_prints_the_machine(report: tuple[str, str]) -> None:
    stdout, _ = report
    assert re.search(r"CPUs: \d+", stdout)
    assert re.search(r"Python 3\.\d+", stdout)
    assert re.search(r"SQLite 3\.\d+", stdout)
    assert "command: python -m bench.run --size small" in stdout


@pytest.mark.parametrize("phase", ["before ANALYZE", "after ANALYZE"])
def test_every_operation_in_every_column(report: tuple[str, str], phase: str) -> None:
    _, markdown = report
    header = markdown.split(f"### Results, {phase}", 1)[1].strip().splitlines()[0]
    assert [c.strip() for c in header.strip("|").split("|")][1:] == list(TITLES.values())
    rows = _rows(markdown, phase)
    expected = [op.title for op in operations(make_plan(Dataset(SIZES["small"])))]
    assert list(rows) == expected
    for title, cells in rows.items():
        assert len(cells) == len(TITLES), title
        for column, cell in zip(TITLES.values(), cells, strict=True):
            # A column may be skipped with its reason (e.g. no PostgreSQL server), but
            # an operation that raised is a broken benchmark or a broken store.
            assert "failed:" not in cell, f"{title} / {column}: {cell}"
            if column in ALWAYS:
                assert re.match(r"\d", cell), f"{title} / {column}: {cell}"
        assert cells[0].endswith("x1.00") or "peak" in cells[0], title


def test_targets_are_judged(report: tuple[str, str]) -> None:
    _, markdown = report
    targets = markdown.split("### Targets", 1)[1]
    assert "≤ 1.25 x baseline" in targets
    assert "peak < 200 MB" in targets
    assert re.search(r"\b(met|\*\*missed\*\*) \(", targets)


def test_write_samples_take_turns_and_a_failing_column_drops_out() -> None:
    from bench.timing import Samples, Skipped, Task, measure_interleaved

    calls: list[str] = []

    def fails() -> None:
        calls.append("c")
        if calls.count("c") == 2:
            raise RuntimeError("disk full")

    tasks = {
        "a": Task(lambda: calls.append("a"), warmup=0),
        "b": Task(lambda: calls.append("b"), before=lambda: calls.append("b:before"), warmup=0),
        "c": Task(fails, warmup=0),
    }
    got = measure_interleaved(tasks, repeat=3, budget_s=60)
    assert calls == ["a", "b:before", "b", "c"] * 2 + ["a", "b:before", "b"]
    assert [len(s.seconds) for s in (got["a"], got["b"]) if isinstance(s, Samples)] == [3, 3]
    assert got["c"] == Skipped("failed: RuntimeError: disk full")


def _diagnostic(module: str) -> list[str]:
    """The output lines of ``python -m module`` at the small size, one round."""
    done = subprocess.run(
        [sys.executable, "-m", module, "--size", "small", "--rounds", "1"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_the_import_cost_diagnostic_runs() -> None:
    lines = _diagnostic("bench.import_costs")
    for name in ("baseline", "jobtrack add_many", "insert", "raw: jobtrack's schema"):
        assert any(line.strip().startswith(name) for line in lines), (name, lines)
    assert len([line for line in lines if re.search(r"x\d+\.\d\d$", line)]) == 8


def test_the_create_cost_diagnostic_runs() -> None:
    lines = _diagnostic("bench.create_costs")
    ratios = [line for line in lines if re.search(r"x\d+\.\d\d$", line)]
    assert len(ratios) == 6, lines  # two columns under three conditions
    pages = [float(m[1]) for line in lines if (m := re.search(r"(\d+\.\d) pages a commit", line))]
    assert len(pages) == 4 and all(p >= 1 for p in pages), lines


def test_the_payment_cost_diagnostic_runs() -> None:
    """Payments added to the large owner, jobtrack's answers checked against the raw
    queries', and every row timed beside its baseline."""
    lines = _diagnostic("bench.payment_costs")
    for title in ("before payments", "aging as of today", "cash by month, a year"):
        assert title in lines, (title, lines)
    assert any(re.match(r"\d+ payments added", line) for line in lines), lines
    assert len([line for line in lines if re.search(r"x\d+\.\d\d$", line)]) == 10, lines
    assert any(re.match(r"target: aging as of today < 20 ms: (met|\*\*missed\*\*)", line)
               for line in lines), lines  # fmt: skip


def test_the_invoice_cost_diagnostic_runs() -> None:
    """A bare commit, a job create, an invoice made and issued, and that invoice's HTML and
    PDF, each timed and set beside the create, on the slow setting and the fast one, with
    the commits each makes and the disk's part (the PDF may be skipped, saying why)."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.invoice_costs", "--rounds", "1"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    row = re.compile(r"  (\S.*?) +(\d+) commits? +\d+\.\d\d ms \[.*\] +x\d+\.\d\d$")
    rows = [(m[1], int(m[2])) for line in lines if (m := row.match(line))]
    made = {
        ("one commit (plain sqlite3)", 1), ("job create", 1), ("invoice create + issue", 2),
        ("invoice HTML", 0),
    }  # fmt: skip
    if any(line.startswith("invoice PDF: skipped, ") for line in lines):
        assert len(rows) == 8, lines
    else:
        made.add(("invoice PDF", 0))
        assert len(rows) == 10, lines
    assert set(rows) == made, lines
    assert [line for line in lines if line.startswith("synchronous=")] == [
        "synchronous=FULL (slow: each commit waits for an fsync; the store's default)",
        "synchronous=NORMAL (fast: a commit does not wait for the disk)",
    ], lines
    assert any(line.startswith("the disk's part (FULL less NORMAL): ") for line in lines), lines


def test_the_history_cost_diagnostic_runs() -> None:
    """A create and an import, history on and off (the script checks that only the first
    recorded any), and the raw baseline: every figure with its ratio."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.history_costs", "--rounds", "2", "--jobs", "12"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = [line for line in done.stdout.splitlines() if re.search(r" ms +x\d+\.\d\d$", line)]
    assert [row.split("  ")[0] for row in rows[:3]] == ["history on", "history off", "raw sqlite3"]
    assert len(rows) == 12, done.stdout  # three contenders, two operations, two settings
    assert "PostgreSQL: skipped, not asked for" in done.stdout


def test_the_unit_of_work_cost_diagnostic_runs() -> None:
    """Writes inside one unit of work at two tiny sizes: for every store a cost per write
    at each size and their ratio, or the reason it was skipped (no PostgreSQL server)."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.atomic_costs", "--sizes", "4,9", "--rounds", "1"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = {line.split(maxsplit=2)[1]: line for line in done.stdout.splitlines()[1:]}
    assert list(lines) == ["memory", "sqlite", "postgres"], lines
    figures = r" 4: +\d+\.\d us +9: +\d+\.\d us +x\d+\.\d\d$"
    for title, line in lines.items():
        if title != "postgres" or "skipped:" not in line:
            assert re.search(figures, line), line


def test_the_explain_diagnostic_shows_the_statements_the_store_ran(tmp_path: Path) -> None:
    """bench.explain records, with the store's tracer, what each read ran, and explains it
    with the parameters it ran with."""
    kept = subprocess.run(
        [sys.executable, "-m", "bench.run", "--size", "small", "--repeat", "1",
         "--columns", "baseline,sqlite", "--workdir", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert kept.returncode == 0, kept.stderr
    done = subprocess.run(
        [sys.executable, "-m", "bench.explain", "--size", "small", "--workdir", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith("## dashboard"))
    dashboard = lines[start : lines.index("", start + 1)]
    assert any("SEARCH jobs USING INDEX idx_jobs_owner_open_due" in line for line in dashboard)
    assert any(line.strip().startswith("parameters: (") for line in dashboard)


def test_a_synced_sample_starts_after_its_set_up_reaches_the_disk(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bench import timing

    calls: list[str] = []
    monkeypatch.setattr(os, "sync", lambda: calls.append("sync"))
    task = timing.synced(
        timing.Task(lambda: calls.append("run"), before=lambda: calls.append("set-up"), warmup=0),
        lambda: calls.append("checkpoint"),
    )
    timing.measure_interleaved(
        {"a": task, "b": timing.synced(timing.Task(lambda: None, warmup=0))}, repeat=1, budget_s=60
    )
    assert calls == ["set-up", "checkpoint", "sync", "run", "sync"]


def test_both_sqlite_columns_start_with_an_empty_log(tmp_path: Path) -> None:
    """The baseline's build empties its write-ahead log; jobtrack's SQLite column closes
    and reopens its store after loading, so its first commits append to a new log too
    (docs/performance.md, the single create)."""
    from bench.baseline_sqlite import BaselineSqlite
    from bench.jobtrack_columns import SqliteColumn

    plan = make_plan(Dataset(SIZES["small"]))
    for column in (BaselineSqlite(str(tmp_path)), SqliteColumn(str(tmp_path))):
        column.build(plan)
        try:
            log = Path(column.path + "-wal")
            assert not log.exists() or log.stat().st_size == 0, column.name
        finally:
            column.close()


def test_the_http_cost_diagnostic_runs() -> None:
    """The dashboard (or, where the server does not serve it yet, the account) over HTTP,
    its answer checked against the in-process call's, beside that call: one keep-alive
    client, then two at once, each row with its latency, rate and ratio."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.http_costs", "--size", "small", "--rounds", "5",
         "--clients", "2"],
        cwd=ROOT, capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    row = re.compile(r"  (\S.*?) +\d+\.\d\d ms \[.*\] +\d+ /s  x\d+\.\d\d$")
    rows = [m[1] for line in done.stdout.splitlines() if (m := row.match(line))]
    assert [r.split(":")[0] for r in rows] == ["in process"] * 2 + ["HTTP"] * 2, done.stdout
    assert rows[2:] == ["HTTP: 1 keep-alive client", "HTTP: 2 keep-alive clients"], rows
    assert re.search(r"^GET /api/(reports/dashboard|me) against ", done.stdout, re.M)
