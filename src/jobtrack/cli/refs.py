"""Finding the customer, job, payment, quote or invoice a person means, and showing ids
so that they can.

Ids are shown abbreviated, the way git abbreviates commit hashes: the shortest
start of the id that no other record of the same kind (the owner's customers,
the owner's jobs, or the owner's payments) begins with at the moment it is shown, at least
:data:`MIN_SHOWN` characters long and never ending at a hyphen. An id that short
or shorter is shown whole. Time-ordered ids made within the same minute share
their first eight characters, so theirs are shown longer, as far as they differ.

A reference is a whole id, else a start of an id that only one record has, else
(customers only) a name in any case, else the unique start of a name. A whole
id always finds its record, even when it is also the start of a longer id.

>>> shown = Abbreviations(["demo-job-1", "demo-job-10", "0199e0a2-4c1a-7b3e-9f00-aa"])
>>> shown("demo-job-1"), shown("demo-job-10"), shown("0199e0a2-4c1a-7b3e-9f00-aa")
('demo-job-1', 'demo-job-10', '0199e0a2')
>>> Abbreviations(["0199e0a2-4c1a-7b3e", "0199e0a2-4c1b-0000"])("0199e0a2-4c1a-7b3e")
'0199e0a2-4c1a'
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cached_property
from typing import TypeVar

from jobtrack.cli.context import CliError, UsageError
from jobtrack_core import fields as f
from jobtrack_core.documents import Invoice, Quote
from jobtrack_core.entities import Customer, Job, Payment
from jobtrack_core.errors import NotFoundError, VersionConflict
from jobtrack_core.history import kind_of
from jobtrack_core.service import Workspace

#: The fewest characters of an id that tables and messages show.
MIN_SHOWN = 8


class Abbreviations:
    """The shortest unique start of each of ``ids`` (see the module's description)."""

    def __init__(self, ids: Iterable[str]) -> None:
        self._ids = sorted(set(ids))

    def __call__(self, id: str) -> str:
        ids = self._ids
        at = bisect_left(ids, id)
        after = at + 1 if at < len(ids) and ids[at] == id else at
        neighbours = ([ids[at - 1]] if at else []) + ([ids[after]] if after < len(ids) else [])
        shared = max((_common_start(id, other) for other in neighbours), default=0)
        length = max(MIN_SHOWN, shared + 1)
        while length < len(id) and id[length - 1] == "-":
            length += 1
        return id[:length]


def _common_start(one: str, other: str) -> int:
    """How many characters ``one`` and ``other`` share from the start."""
    shared = 0
    for a, b in zip(one, other, strict=False):
        if a != b:
            break
        shared += 1
    return shared


class Shown:
    """How one run names the owner's records: customers' names and the abbreviations of
    every id, each looked up once, when first needed (after the command's changes)."""

    def __init__(self, workspace: Workspace) -> None:
        self._workspace = workspace

    @cached_property
    def _customers(self) -> Sequence[Customer]:
        return self._workspace.list_customers()

    @cached_property
    def names(self) -> Mapping[str, str]:
        """Customer names by id."""
        return {c.id: c.name for c in self._customers}

    @cached_property
    def _customer_ids(self) -> Abbreviations:
        return Abbreviations(c.id for c in self._customers)

    @cached_property
    def _jobs(self) -> Sequence[Job]:
        return self._workspace.list_jobs()

    @cached_property
    def customer_of(self) -> Mapping[str, str]:
        """The customer of each job, by the job's id."""
        return {j.id: j.customer_id for j in self._jobs}

    @cached_property
    def titles(self) -> Mapping[str, str]:
        """Job titles by id."""
        return {j.id: j.title for j in self._jobs}

    @cached_property
    def _job_ids(self) -> Abbreviations:
        return Abbreviations(j.id for j in self._jobs)

    def customer(self, id: str) -> str:
        """A customer's id, abbreviated."""
        return self._customer_ids(id)

    def job(self, id: str) -> str:
        """A job's id, abbreviated."""
        return self._job_ids(id)

    @cached_property
    def _payments(self) -> Sequence[Payment]:
        return self._workspace.list_payments()

    @cached_property
    def payments(self) -> Mapping[str, str]:
        """How each payment is described, by id: ``deposit of 50.00 on 2025-07-07``."""
        return {p.id: describe_payment(p) for p in self._payments}

    @cached_property
    def _payment_ids(self) -> Abbreviations:
        return Abbreviations(p.id for p in self._payments)

    def payment(self, id: str) -> str:
        """A payment's id, abbreviated."""
        return self._payment_ids(id)

    @cached_property
    def _quotes(self) -> Sequence[Quote]:
        return self._workspace.list_quotes()

    @cached_property
    def _quote_ids(self) -> Abbreviations:
        return Abbreviations(q.id for q in self._quotes)

    @cached_property
    def quote_names(self) -> Mapping[str, str]:
        """How each quote is described, by id: ``Q-2025-0001 "New tiles"``."""
        return {q.id: _named(q) for q in self._quotes}

    @cached_property
    def invoice_names(self) -> Mapping[str, str]:
        """How each invoice or credit note is described, by id: ``INV-2025-0001``."""
        return {i.id: _named(i) for i in self._invoices}

    def quote(self, id: str) -> str:
        """A quote's id, abbreviated."""
        return self._quote_ids(id)

    @cached_property
    def _invoices(self) -> Sequence[Invoice]:
        return self._workspace.list_invoices()

    @cached_property
    def _invoice_ids(self) -> Abbreviations:
        return Abbreviations(i.id for i in self._invoices)

    def invoice(self, id: str) -> str:
        """An invoice's (or a credit note's) id, abbreviated."""
        return self._invoice_ids(id)

    def document(self, document: Quote | Invoice) -> str:
        """``INV-2025-0001``, or ``draft 0199e0a2`` for a draft: how messages name it."""
        if document.number is not None:
            return document.number
        if isinstance(document, Quote):
            return f"draft {self.quote(document.id)}"
        return f"draft {self.invoice(document.id)}"


def _given(kind: str, ref: str) -> str:
    ref = ref.strip()
    if not ref:
        raise UsageError(f"a {kind} id is required, not an empty string")
    return ref


def _one(
    kind: str,
    ref: str,
    matches: Sequence[Customer]
    | Sequence[Job]
    | Sequence[Payment]
    | Sequence[Quote]
    | Sequence[Invoice],
    everyone: Abbreviations,
) -> None:
    if len(matches) > 1:
        shown = ", ".join(f"{everyone(m.id)} {_named(m)}" for m in matches[:5])
        more = ", ..." if len(matches) > 5 else ""
        raise CliError(
            f"{ref!r} matches {len(matches)} {kind}s: {shown}{more}; give more of the id"
        )
    if not matches:
        raise NotFoundError(kind, ref)


def describe_payment(payment: Payment) -> str:
    """``deposit of 50.00 on 2025-07-07``: a payment in words."""
    return f"{payment.kind.value} of {payment.amount:.2f} on {payment.received_on.isoformat()}"


def _named(record: Customer | Job | Payment | Quote | Invoice) -> str:
    if isinstance(record, Job):
        return f'"{record.title}"'
    if isinstance(record, Quote):
        return f'{record.number or "(draft)"} "{record.title}"'
    if isinstance(record, Invoice):
        return record.number or f"(draft {record.kind.value.replace('_', ' ')})"
    if isinstance(record, Payment):
        return f"({describe_payment(record)})"
    return f'"{record.name}"'


R = TypeVar("R", Customer, Job, Payment, Quote, Invoice)


def _by_id(get: Callable[[str], R], ref: str) -> R | None:
    """The record whose whole id is ``ref``, if there is one."""
    if f.ID.holds(ref):
        try:
            return get(ref)
        except NotFoundError:
            pass
    return None


def customer(workspace: Workspace, ref: str) -> Customer:
    """The customer with id ``ref``, else id prefix ``ref``, else name ``ref`` (any case),
    else the one customer whose name starts with ``ref``."""
    ref = _given("customer", ref)
    found = _by_id(workspace.get_customer, ref)
    if found is not None:
        return found
    customers = workspace.list_customers()
    folded = ref.casefold()
    matches = [c for c in customers if c.id.startswith(ref)]
    if not matches:
        matches = [c for c in customers if c.name.casefold() == folded]
    if not matches:
        matches = [c for c in customers if c.name.casefold().startswith(folded)]
    _one("customer", ref, matches, Abbreviations(c.id for c in customers))
    return matches[0]


def job(workspace: Workspace, ref: str) -> Job:
    """The job with id ``ref`` or a unique id prefix ``ref``."""
    ref = _given("job", ref)
    found = _by_id(workspace.get_job, ref)
    if found is not None:
        return found
    jobs = workspace.list_jobs()
    matches = [j for j in jobs if j.id.startswith(ref)]
    _one("job", ref, matches, Abbreviations(j.id for j in jobs))
    return matches[0]


def payment(workspace: Workspace, ref: str) -> Payment:
    """The payment with id ``ref`` or a unique id prefix ``ref``."""
    ref = _given("payment", ref)
    found = _by_id(workspace.get_payment, ref)
    if found is not None:
        return found
    payments = workspace.list_payments()
    matches = [p for p in payments if p.id.startswith(ref)]
    _one("payment", ref, matches, Abbreviations(p.id for p in payments))
    return matches[0]


D = TypeVar("D", Quote, Invoice)


def _document(kind: str, ref: str, get: Callable[[str], D], everything: Sequence[D]) -> D:
    """The quote or invoice with id ``ref``, else number ``ref`` (any case), else the one
    whose id starts with ``ref``."""
    ref = _given(kind, ref)
    found = _by_id(get, ref)
    if found is not None:
        return found
    folded = ref.casefold()
    matches = [d for d in everything if d.number is not None and d.number.casefold() == folded]
    if not matches:
        matches = [d for d in everything if d.id.startswith(ref)]
    _one(kind, ref, matches, Abbreviations(d.id for d in everything))
    return matches[0]


def quote(workspace: Workspace, ref: str) -> Quote:
    """The quote with id ``ref``, else number ``ref`` (``Q-2025-0001``, any case), else
    the one whose id starts with ``ref``."""
    return _document("quote", ref, workspace.get_quote, workspace.list_quotes())


def invoice(workspace: Workspace, ref: str) -> Invoice:
    """The invoice or credit note with id ``ref``, else number ``ref`` (``INV-2025-0001``,
    any case), else the one whose id starts with ``ref``."""
    return _document("invoice", ref, workspace.get_invoice, workspace.list_invoices())


def at_version(record: R, version: int | None) -> R:
    """``record``, unless ``version`` is given and the record is at another one. Commands
    that ask first check this before asking; the change itself checks it again."""
    if version is not None and record.version != version:
        raise VersionConflict(kind_of(record).value, record.id, version, record)
    return record
