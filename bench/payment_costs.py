"""What the payments ledger costs the reports of the benchmark's large owner, on SQLite.

::

    python -m bench.payment_costs [--size small|medium|full] [--rounds N]

Builds jobtrack's SQLite file at the given size (every owner, through the public bulk
path, each paid job holding its cost as a database migrated from before the ledger
does) and the baseline's file (the seed's schema, raw ``sqlite3``), then:

1. times the dashboard of the large owner before any payment, beside the baseline's
   dashboard (the figure of ``bench.run``);
2. gives the large owner's jobs several payments each, deterministically: a paid job
   with a cost 1 to 3 (a deposit at its creation, then payments up to its payment
   day, summing to its cost), about half the completed unpaid jobs 1 or 2 payments
   short of their cost, about a third of the open jobs a deposit, and one job in twenty
   a voided payment besides; each job's ``amount_paid`` is what its payments add up to;
3. times, in interleaved rounds, against a hand-written raw ``sqlite3`` query of the
   same figure on the same file (the baseline of these rows): the aging report as of
   today (target: under 20 ms median), as of 90 days ago, cash received by month over
   a year; and the dashboard again, against the baseline's dashboard and the figure of
   step 1.

Figures are medians, with the fastest and slowest sample; the ratio on the right is to
the row's baseline. A diagnostic for docs/sqlite.md; jobtrack's answers are checked
against the raw queries' before anything is timed.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

import attrs

from bench.baseline_sqlite import BaselineSqlite
from bench.dataset import NOW, SIZES, TODAY, Dataset, JobRecord, ms_to_datetime
from bench.jobtrack_columns import make_app, to_customer, to_job, to_session, to_user
from bench.plan import Plan, make_plan
from bench.timing import Outcome, Task, measure_interleaved, seconds_of
from jobtrack_core import Jobtrack
from jobtrack_core.entities import Job, Payment, PaymentKind, PaymentMethod
from jobtrack_core.money import ZERO
from jobtrack_core.queries import JobFilter
from jobtrack_sqlite import SqliteStore

#: The aging target of the issue, for the large owner of the full size.
AGING_TARGET_S = 0.020
#: The day of the aging report of the past.
PAST = TODAY - timedelta(days=90)
#: The year of the cash report: twelve months up to today's month.
YEAR_START, YEAR_END = date(TODAY.year - 1, TODAY.month, 1), date(TODAY.year, TODAY.month, 1)
_METHODS = list(PaymentMethod)


def ledger_job(record: JobRecord) -> Job:
    """A job of the data set as a database from before the ledger holds it: a paid job
    with a cost holds its cost."""
    job = to_job(record._replace(paid=False, paid_ms=None))
    paid_at = None if record.paid_ms is None else ms_to_datetime(record.paid_ms)
    held = job.actual_cost if record.paid and job.actual_cost else ZERO
    return attrs.evolve(job, paid=record.paid, paid_at=paid_at, amount_paid=held)


def build(path: str, plan: Plan) -> None:
    """Every owner through the public bulk path, one transaction per owner."""
    data = plan.data
    with SqliteStore(path, synchronous="NORMAL") as store:
        with store.transaction() as uow:
            for owner in data.owners:
                uow.users.add(to_user(owner))
        for owner in data.owners:
            customers = data.customers(owner)
            with store.transaction() as uow:
                for c in customers:
                    uow.customers.add(to_customer(c))
                uow.jobs.add_many(map(ledger_job, data.jobs(owner, customers)))
                for s in data.sessions(owner):
                    uow.sessions.add(to_session(s))


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """``total`` cents in ``parts`` positive parts (fewer if there are not enough cents)."""
    parts = max(1, min(parts, total))
    cuts = sorted(rng.sample(range(1, total), parts - 1)) if parts > 1 else []
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


def payments_of(job: Job, rng: random.Random) -> Iterator[Payment]:
    """The payments step 2 of the module's docstring gives ``job``."""
    cost = int((job.actual_cost or ZERO) * 100)
    created = job.created_at.date()
    if job.paid and cost:
        last = (job.paid_at or job.completed_at or job.updated_at).date()
        days = [created] + [last] * 2
        amounts = _split(cost, rng.choice((1, 2, 3)), rng)
    elif job.completed_at is not None and cost > 1 and rng.random() < 0.5:
        short = rng.randrange(1, cost)
        amounts = _split(short, rng.choice((1, 2)), rng)
        days = [created, job.completed_at.date()]
    elif job.completed_at is None and job.estimated_cost and rng.random() < 0.33:
        amounts = [max(1, int(job.estimated_cost * 100) * rng.randrange(20, 50) // 100)]
        days = [created]
    else:
        amounts, days = [], []
    first = PaymentKind.DEPOSIT if len(amounts) > 1 else PaymentKind.PAYMENT
    made = [
        _payment(job, n, first if n == 0 else PaymentKind.PAYMENT, cents,
                 days[min(n, len(days) - 1)], rng)
        for n, cents in enumerate(amounts)
    ]  # fmt: skip
    if made and rng.random() < 0.05:
        voided = _payment(job, len(made), PaymentKind.PAYMENT, 1000, days[-1], rng)
        made.append(attrs.evolve(voided, voided_at=voided.recorded_at, void_reason="typed twice"))
    yield from made


def _payment(
    job: Job, n: int, kind: PaymentKind, cents: int, day: date, rng: random.Random
) -> Payment:
    return Payment(
        id=f"{job.id}-p{n}",
        user_id=job.user_id,
        job_id=job.id,
        kind=kind,
        method=rng.choice(_METHODS),
        amount=Decimal(cents).scaleb(-2),
        received_on=min(day, TODAY),
        reference=None,
        note=None,
        recorded_at=NOW,
    )


def add_payments(path: str, owner_id: str) -> int:
    """The large owner's payments (step 2), then each job's ``amount_paid`` from them."""
    rng = random.Random(20250618)
    with SqliteStore(path, synchronous="NORMAL") as store, store.transaction() as uow:
        jobs = uow.jobs.list(owner_id, JobFilter())
        count = uow.payments.add_many(p for job in jobs for p in payments_of(job, rng))
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("BEGIN IMMEDIATE")
    raw.execute(
        "UPDATE jobs SET amount_paid_cents = coalesce((SELECT sum(CASE WHEN p.kind = 'refund'"
        " THEN -p.amount_cents ELSE p.amount_cents END) FROM payments AS p"
        " WHERE p.owner = jobs.owner AND p.job_id = jobs.id AND p.voided_at_us IS NULL), 0)"
        " WHERE owner = (SELECT owner FROM users WHERE id = ?)",
        (owner_id,),
    )
    raw.execute("COMMIT")
    raw.close()
    return count


#: The aging figure by hand: each completed job's cost less its standing payments received
#: by a day, by customer and bucket (``?2``: the report day's end, ``?3`` to ``?5``: the
#: starts of the days 30, 60 and 90 days before, ``?6``: the day, in microseconds and text).
RAW_AGING = """
SELECT customer_id, CASE WHEN completed_at_us >= ?3 THEN 0 WHEN completed_at_us >= ?4 THEN 1
       WHEN completed_at_us >= ?5 THEN 2 ELSE 3 END AS bucket, sum(owed), count(*)
FROM (SELECT j.customer_id, j.completed_at_us, j.actual_cost_cents - coalesce((
          SELECT sum(CASE WHEN p.kind = 'refund' THEN -p.amount_cents ELSE p.amount_cents END)
          FROM payments AS p WHERE p.owner = j.owner AND p.job_id = j.id
          AND p.voided_at_us IS NULL AND p.received_on <= ?6), 0) AS owed
      FROM jobs AS j WHERE j.owner = (SELECT owner FROM users WHERE id = ?1)
      AND j.status = 'completed' AND j.actual_cost_cents > 0 AND j.completed_at_us < ?2)
WHERE owed > 0 GROUP BY customer_id, bucket
"""
#: Cash received by month and method, refunds apart, by hand.
RAW_CASH = """
SELECT substr(received_on, 1, 7) AS month, method,
       sum(CASE WHEN kind = 'refund' THEN 0 ELSE amount_cents END), sum(kind <> 'refund'),
       sum(CASE WHEN kind = 'refund' THEN amount_cents ELSE 0 END), sum(kind = 'refund')
FROM payments WHERE owner = (SELECT owner FROM users WHERE id = ?1)
AND voided_at_us IS NULL AND received_on >= ?2 AND received_on < ?3
GROUP BY month, method ORDER BY month, method
"""


def _aging_args(owner_id: str, day: date) -> tuple[object, ...]:
    """The parameters of :data:`RAW_AGING` for the report as of ``day`` (the large owner has
    no calendar of its own: its days are UTC's)."""
    ends = [day + timedelta(days=1)] + [day - timedelta(days=n) for n in (30, 60, 90)]
    us = [(d - date(1970, 1, 1)).days * 86_400_000_000 for d in ends]
    return (owner_id, *us, day.isoformat())


def check(app: Jobtrack, raw: sqlite3.Connection, owner_id: str) -> None:
    """jobtrack's figures equal the raw queries' before anything is timed."""
    ws = app.workspace(owner_id)
    for day in (TODAY, PAST):
        report = ws.aging(day)
        rows = raw.execute(RAW_AGING, _aging_args(owner_id, day)).fetchall()
        assert sum(r[2] for r in rows) == int(report.total.total.amount * 100), day
        assert sum(r[3] for r in rows) == report.total.total.jobs, day
    cash = ws.cash_received(YEAR_START, YEAR_END)
    months = raw.execute(RAW_CASH, (owner_id, YEAR_START.isoformat(), YEAR_END.isoformat()))
    assert sum(r[2] for r in months) == int(sum(p.cash.received for p in cash) * 100)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.payment_costs", description=__doc__)
    parser.add_argument("--size", choices=sorted(SIZES), default="full")
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args(argv)
    workdir = tempfile.mkdtemp(prefix="jobtrack-payment-costs-")
    try:
        run(args.size, args.rounds, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


def run(size: str, rounds: int, workdir: str) -> None:
    plan = make_plan(Dataset(SIZES[size]))
    owner_id = plan.large.owner_id
    path = os.path.join(workdir, "jobtrack.db")
    started = time.perf_counter()
    build(path, plan)
    baseline = BaselineSqlite(workdir)
    baseline.build(plan)
    took = time.perf_counter() - started
    print(f"size {size}: large owner, {plan.large.jobs} jobs; built in {took:.0f} s;"
          f" {rounds} interleaved rounds", flush=True)  # fmt: skip

    app = make_app(SqliteStore(path))
    ws = app.workspace(owner_id)
    before = measure_interleaved(
        {
            "baseline: the seed's dashboard": Task(lambda: baseline.dashboard(owner_id)),
            "jobtrack: dashboard, no payments": Task(ws.dashboard),
        },
        repeat=rounds,
        budget_s=60,
    )
    app.close()
    _print("before payments", before)

    started = time.perf_counter()
    count = add_payments(path, owner_id)
    print(f"{count} payments added in {time.perf_counter() - started:.0f} s", flush=True)
    app = make_app(SqliteStore(path))
    ws = app.workspace(owner_id)
    raw = sqlite3.connect(path)
    check(app, raw, owner_id)
    today, past = _aging_args(owner_id, TODAY), _aging_args(owner_id, PAST)
    cash = (owner_id, YEAR_START.isoformat(), YEAR_END.isoformat())
    rows: dict[str, dict[str, Task]] = {
        "aging as of today": {
            "raw sqlite3": Task(lambda: raw.execute(RAW_AGING, today).fetchall()),
            "jobtrack": Task(ws.aging),
        },
        f"aging as of {PAST}": {
            "raw sqlite3": Task(lambda: raw.execute(RAW_AGING, past).fetchall()),
            "jobtrack": Task(lambda: ws.aging(PAST)),
        },
        "cash by month, a year": {
            "raw sqlite3": Task(lambda: raw.execute(RAW_CASH, cash).fetchall()),
            "jobtrack": Task(lambda: ws.cash_received(YEAR_START, YEAR_END)),
        },
        "dashboard, with payments": {
            "baseline: the seed's dashboard": Task(lambda: baseline.dashboard(owner_id)),
            "jobtrack": Task(ws.dashboard),
        },
    }
    results = {}
    for title, tasks in rows.items():
        results[title] = measure_interleaved(tasks, repeat=rounds, budget_s=60)
        _print(title, results[title])
    aging = statistics.median(seconds_of(results["aging as of today"]["jobtrack"]))
    verdict = "met" if aging < AGING_TARGET_S else "**missed**"
    print(f"target: aging as of today < {AGING_TARGET_S * 1000:.0f} ms: {verdict} "
          f"({aging * 1000:.2f} ms)")  # fmt: skip
    raw.close()
    app.close()
    baseline.close()


def _print(title: str, samples: dict[str, Outcome]) -> None:
    print(title)
    outcomes = {name: seconds_of(outcome) for name, outcome in samples.items()}
    base = statistics.median(next(iter(outcomes.values())))
    for name, seconds in outcomes.items():
        print(f"  {name:36} {_figure(seconds)}  x{statistics.median(seconds) / base:.2f}")


def _figure(seconds: tuple[float, ...]) -> str:
    med, low, high = (f(seconds) * 1000 for f in (statistics.median, min, max))
    return f"{med:9.2f} ms [{low:.2f} .. {high:.2f}]"


if __name__ == "__main__":
    raise SystemExit(main())
