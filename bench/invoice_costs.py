"""What an invoice costs, beside a plain job create, on SQLite.

::

    python -m bench.invoice_costs [--rounds N]

One account on a fresh SQLite file (``synchronous=FULL``, the store's default), with a
customer and billing settings (one tax rate), then, in interleaved rounds (one sample of
each per round; ``os.sync()`` before each write):

1. ``job create``: ``Workspace.create_job``, the yardstick of one write;
2. ``invoice create + issue``: ``create_invoice`` for one completed job (set up, untimed,
   before each sample) and ``issue_invoice``: two units of work, the second taking the
   next number of the series;
3. ``invoice HTML``: ``jobtrack_documents.invoice_html`` of an issued invoice: the reads
   of the invoice, the account, the settings and the customer, and the template;
4. ``invoice PDF``: ``jobtrack_documents.invoice_pdf`` of the same invoice: the same
   page laid out by WeasyPrint (skipped, saying why, where WeasyPrint cannot run).

Figures are medians, with the fastest and slowest sample; the ratio on the right is to the
job create. A diagnostic for docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
from decimal import Decimal

from bench.jobtrack_columns import make_app
from bench.timing import Outcome, Task, measure_interleaved, seconds_of, synced
from jobtrack_core import Workspace
from jobtrack_documents import PdfUnavailable, invoice_html, invoice_pdf
from jobtrack_sqlite import SqliteStore

PASSWORD = "a benchmark passphrase"


class Business:
    """One account on ``path``, with a customer, billing settings and an issued invoice."""

    def __init__(self, path: str) -> None:
        self.app = make_app(SqliteStore(path))
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
    business = Business(os.path.join(workdir, "jobtrack.db"))
    print(f"SQLite, synchronous=FULL: {rounds} interleaved rounds; an invoice of one line")
    tasks = {
        "job create": synced(Task(business.create_job, warmup=0)),
        "invoice create + issue": synced(
            Task(business.invoice_job, before=business.next_job, warmup=0)
        ),
        "invoice HTML": Task(business.html),
        "invoice PDF": Task(business.pdf),
    }
    try:
        size = len(invoice_pdf(business.ws, business.invoice_id))
    except PdfUnavailable as exc:  # the pdf extra, or Pango, is missing: time the rest
        del tasks["invoice PDF"]
        print(f"invoice PDF: skipped, {exc}")
    else:
        print(f"the PDF: {size / 1024:.0f} KiB")
    results = measure_interleaved(tasks, repeat=rounds, budget_s=120)
    _print(results)
    business.app.close()


def _print(samples: dict[str, Outcome]) -> None:
    outcomes = {name: seconds_of(outcome) for name, outcome in samples.items()}
    base = statistics.median(outcomes["job create"])
    for name, seconds in outcomes.items():
        print(f"  {name:24} {_figure(seconds)}  x{statistics.median(seconds) / base:.2f}")


def _figure(seconds: tuple[float, ...]) -> str:
    med, low, high = (f(seconds) * 1000 for f in (statistics.median, min, max))
    return f"{med:9.2f} ms [{low:.2f} .. {high:.2f}]"


if __name__ == "__main__":
    raise SystemExit(main())
