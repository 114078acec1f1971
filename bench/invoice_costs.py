"""What an invoice costs, beside a plain job create, on SQLite, and which part is the disk.

::

    python -m bench.invoice_costs [--rounds N]

Two fresh SQLite files, one account on each with a customer and billing settings (one tax
rate): one opened ``synchronous=FULL`` (the store's default, the slow setting: every
commit waits for an ``fsync``), the other ``synchronous=NORMAL`` (the fast one,
``SqliteStore(path, synchronous="NORMAL")``: in the write-ahead log a commit does not wait
for the disk). On each, in the same interleaved rounds (one sample of each per round;
``os.sync()`` before each write):

1. ``one commit``: a bare one-row ``INSERT`` and ``COMMIT`` by plain ``sqlite3`` on the
   same file at the same setting: on the slow setting, the cost of one ``fsync``'d
   commit; on the fast one, the same commit without the wait;
2. ``job create``: ``Workspace.create_job``, the yardstick of one write;
3. ``invoice create + issue``: ``create_invoice`` for one completed job (set up, untimed,
   before each sample) and ``issue_invoice``: two units of work, the second taking the
   next number of the series;
4. ``invoice HTML``: ``jobtrack_documents.invoice_html`` of an issued invoice: the reads
   of the invoice, the account, the settings and the customer, and the template;
5. ``invoice PDF``: ``jobtrack_documents.invoice_pdf`` of the same invoice: the same
   page laid out by WeasyPrint (skipped, saying why, where WeasyPrint cannot run).

Each row says how many commits (write transactions) the operation makes, counted from the
statements the store runs (its tracer, on a third file, untimed). Figures are medians,
with the fastest and slowest sample; the ratio on the right is to the job create at the
same setting. Last, the disk's part: each write's median at the slow setting less its
median at the fast one, beside its commits times the bare commit's difference.
A diagnostic for docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import tempfile
from decimal import Decimal

from bench.jobtrack_columns import make_app
from bench.timing import Outcome, Task, measure_interleaved, seconds_of, synced
from bench.tracing import Recorder, Statement
from jobtrack_core import Workspace
from jobtrack_documents import PdfUnavailable, invoice_html, invoice_pdf
from jobtrack_sqlite import SqliteStore
from jobtrack_sqlite.connection import Synchronous, Tracer

PASSWORD = "a benchmark passphrase"
#: The two settings, slow first: what each commit waits for.
SETTINGS: dict[Synchronous, str] = {
    "FULL": "slow: each commit waits for an fsync; the store's default",
    "NORMAL": "fast: a commit does not wait for the disk",
}
COMMIT = "one commit (plain sqlite3)"
#: The rows of each table, in order; the bare commit's first.
OPERATIONS = ("job create", "invoice create + issue", "invoice HTML", "invoice PDF")


class Business:
    """One account on ``path``, with a customer, billing settings and an issued invoice."""

    def __init__(
        self, path: str, synchronous: Synchronous = "FULL", tracer: Tracer | None = None
    ) -> None:
        self.app = make_app(SqliteStore(path, synchronous=synchronous, tracer=tracer))
        user = self.app.register(email="owner@example.com", password=PASSWORD, name="Sam")
        self.ws: Workspace = self.app.workspace(user.id)
        self.ws.update_billing(
            currency="USD",
            tax_rates=[{"name": "Sales tax", "rate": "8.25"}],
            default_tax="Sales tax",
            address="4 Mill Lane\nSpringfield",
            payment_instructions="Checks payable to Sam Hale",
        )
        self.customer = self.ws.add_customer(
            "Ada Lovelace", address="12 Crescent Road\nSpringfield", email="ada@example.com"
        )
        self.job_id = ""
        self.invoice_id = self._issue(self._completed_job())

    def create_job(self) -> None:
        self.ws.create_job(self.customer.id, "Fix the sink", estimated_cost=Decimal("120.00"))

    def _completed_job(self) -> str:
        job = self.ws.create_job(self.customer.id, "Replace the boiler valve")
        self.ws.start_job(job.id)
        return self.ws.complete_job(job.id, actual_cost=Decimal("185.50")).id

    def next_job(self) -> None:
        """Set-up of a create + issue sample: a completed job no invoice bills yet."""
        self.job_id = self._completed_job()

    def invoice_job(self) -> None:
        self._issue(self.job_id)

    def _issue(self, job_id: str) -> str:
        invoice = self.ws.create_invoice(self.customer.id, job_ids=[job_id])
        return self.ws.issue_invoice(invoice.id).id

    def html(self) -> None:
        invoice_html(self.ws, self.invoice_id)

    def pdf(self) -> None:
        invoice_pdf(self.ws, self.invoice_id)

    def tasks(self, pdf: bool) -> dict[str, Task]:
        """The operations to time, by name (writes :func:`synced`); the PDF if ``pdf``."""
        tasks = {
            "job create": synced(Task(self.create_job, warmup=0)),
            "invoice create + issue": synced(
                Task(self.invoice_job, before=self.next_job, warmup=0)
            ),
            "invoice HTML": Task(self.html),
            "invoice PDF": Task(self.pdf),
        }
        if not pdf:
            del tasks["invoice PDF"]
        return tasks


class BareCommit:
    """A one-row ``INSERT`` and ``COMMIT`` by plain ``sqlite3`` on the store's file (in a
    table of its own), at the given setting: what one commit costs, and nothing else."""

    def __init__(self, path: str, synchronous: Synchronous) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute(f"PRAGMA synchronous = {synchronous}")
        self.conn.execute("CREATE TABLE bench_commits (n INTEGER)")

    def run(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.execute("INSERT INTO bench_commits (n) VALUES (1)")
        self.conn.execute("COMMIT")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.invoice_costs", description=__doc__)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args(argv)
    workdir = tempfile.mkdtemp(prefix="jobtrack-invoice-costs-")
    try:
        run(args.rounds, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


def run(rounds: int, workdir: str) -> None:
    businesses = {s: Business(os.path.join(workdir, f"{s.lower()}.db"), s) for s in SETTINGS}
    commits = {s: BareCommit(os.path.join(workdir, f"{s.lower()}.db"), s) for s in SETTINGS}
    any_business = businesses["FULL"]
    try:
        size = len(invoice_pdf(any_business.ws, any_business.invoice_id))
    except PdfUnavailable as exc:  # the pdf extra, or Pango, is missing: time the rest
        pdf, shown = False, f"invoice PDF: skipped, {exc}"
    else:
        pdf, shown = True, f"the PDF: {size / 1024:.0f} KiB"
    made = _commits_made(os.path.join(workdir, "counted.db"), pdf)
    print(f"SQLite: {rounds} interleaved rounds; an invoice of one line")
    print(shown)
    tasks: dict[str, Task] = {}
    for setting, business in businesses.items():
        tasks[f"{setting}: {COMMIT}"] = synced(Task(commits[setting].run, warmup=0))
        for name, task in business.tasks(pdf).items():
            tasks[f"{setting}: {name}"] = task
    results = measure_interleaved(tasks, repeat=rounds, budget_s=120)
    medians: dict[str, dict[str, float]] = {}
    for setting, note in SETTINGS.items():
        print(f"synchronous={setting} ({note})")
        prefix = f"{setting}: "
        table = {k[len(prefix) :]: v for k, v in results.items() if k.startswith(prefix)}
        medians[setting] = _print(table, made)
    _print_disk(medians, made)
    for business in businesses.values():
        business.app.close()
    for commit in commits.values():
        commit.conn.close()


def _commits_made(path: str, pdf: bool) -> dict[str, int]:
    """How many commits (write transactions) each operation makes: its statements, as the
    store's tracer records them on a file of its own, untimed."""
    recorder = Recorder()
    business = Business(path, "NORMAL", tracer=recorder)
    made = {COMMIT: 1}
    try:
        for name, task in business.tasks(pdf).items():
            if task.before is not None:
                task.before()
            with recorder.recording() as statements:
                task.run()
            made[name] = _write_commits(statements)
    finally:
        business.app.close()
    return made


def _write_commits(statements: list[Statement]) -> int:
    """The ``COMMIT`` s among ``statements`` that end a write transaction."""
    count, writing = 0, False
    for statement in statements:
        sql = statement.sql.strip().upper()
        if sql.startswith("BEGIN"):
            writing = sql == "BEGIN IMMEDIATE"
        elif sql == "COMMIT" and writing:
            count, writing = count + 1, False
    return count


def _print(samples: dict[str, Outcome], made: dict[str, int]) -> dict[str, float]:
    """One setting's table; the medians, by operation."""
    medians = {name: statistics.median(seconds_of(outcome)) for name, outcome in samples.items()}
    base = medians["job create"]
    for name, outcome in samples.items():
        commits = _plural(made[name], "commit")
        figure = _figure(seconds_of(outcome))
        print(f"  {name:28} {commits:>9} {figure}  x{medians[name] / base:.2f}")
    return medians


def _print_disk(medians: dict[str, dict[str, float]], made: dict[str, int]) -> None:
    """Each write's slow median less its fast one, beside its commits' share of the disk."""
    slow, fast = medians["FULL"], medians["NORMAL"]
    wait = slow[COMMIT] - fast[COMMIT]
    print(f"the disk's part (FULL less NORMAL): one commit's wait, {wait * 1000:.2f} ms")
    for name in OPERATIONS:
        if made.get(name) and name in slow:
            disk, commits = slow[name] - fast[name], made[name]
            waits = f"{_plural(commits, 'commit')} x {wait * 1000:.2f} ms"
            print(
                f"  {name:28} {disk * 1000:6.2f} ms of {slow[name] * 1000:.2f} ms;"
                f" {waits} = {commits * wait * 1000:.2f} ms"
            )


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _figure(seconds: tuple[float, ...]) -> str:
    med, low, high = (f(seconds) * 1000 for f in (statistics.median, min, max))
    return f"{med:9.2f} ms [{low:.2f} .. {high:.2f}]"


if __name__ == "__main__":
    raise SystemExit(main())
