"""Sample data for trying jobtrack: a small home-repair business with half a year of history.

:func:`create_demo` fills a store with one demo account (:data:`DEMO_EMAIL`,
:data:`DEMO_PASSWORD`), its customers and jobs: jobs in every status, paid and
unpaid, overdue and upcoming, spread over the months before ``today``, and their
payments: deposits taken ahead of the work (one on a job not started for weeks),
jobs partly paid (one gone quiet), a refund on a cancelled job, and the rest paid
by cash, card, check or bank transfer. It bills too: billing settings with a sales
tax, a quote accepted (which made a job), another sent and awaiting an answer, and an
invoice issued for a completed job and paid in part. The data
depend only on ``seed`` and ``today``: the same pair gives the same ids, names,
amounts and timestamps. Running it again replaces the demo account (and only it).

Every recorded moment lies before ``today`` (local midnight in the given time
zone), so the history is plausible whenever the demo is looked at during that day.

>>> from datetime import date
>>> from jobtrack_core.passwords import Argon2Hasher
>>> from jobtrack_memory import MemoryStore
>>> store = MemoryStore()
>>> demo = create_demo(store, today=date(2025, 7, 7), hasher=Argon2Hasher.for_tests())
>>> demo.user.email
'demo@example.com'
>>> sorted({job.status.value for job in demo.jobs})
['cancelled', 'completed', 'in_progress', 'pending']
>>> sorted({payment.kind.value for payment in demo.payments})
['deposit', 'payment', 'refund']
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

import attrs

from jobtrack_core.documents import Invoice, Quote
from jobtrack_core.entities import Customer, Job, Payment, PaymentKind, PaymentMethod, User
from jobtrack_core.money import CENT
from jobtrack_core.passwords import PasswordHasher
from jobtrack_core.periods import BusinessCalendar
from jobtrack_core.ports import Store
from jobtrack_core.service import Jobtrack, Workspace

#: The demo account's email.
DEMO_EMAIL = "demo@example.com"
#: The demo account's password. It is public: never keep real data in the demo account.
DEMO_PASSWORD = "try jobtrack today"
DEMO_NAME = "Alex Morgan"
DEMO_BUSINESS = "Morgan Home Repairs"
#: The seed used when none is given.
DEFAULT_SEED = 2025

#: The demo business charges this much per hour of work, plus materials.
HOURLY_RATE = Decimal("55.00")


@attrs.frozen
class _Person:
    name: str
    email: str | None
    phone: str | None
    address: str | None
    business_name: str | None = None
    notes: str | None = None


_CUSTOMERS = (
    _Person(
        "Priya Shah",
        "priya.shah@example.com",
        "(555) 014-2231",
        "14 Maple Street, Springfield",
        notes="Prefers morning visits. Friendly dog in the back garden.",
    ),
    _Person(
        "Tom Becker",
        "tom.becker@example.net",
        "(555) 017-8820",
        "3 Harbour View, Springfield",
    ),
    _Person(
        "Grace Okafor",
        "grace@okafor-family.example",
        "(555) 019-4410",
        "88 Orchard Lane, Riverton",
        notes="Key is with the neighbour at no. 86.",
    ),
    _Person(
        "Lindqvist Lettings",
        "maintenance@lindqvist-lettings.example",
        "(555) 012-0099",
        "Unit 4, Station Yard, Springfield",
        business_name="Lindqvist Lettings Ltd",
        notes="Letting agency: invoice monthly, reference the property address.",
    ),
    _Person(
        "Marco Ruiz",
        None,
        "(555) 018-3374",
        "27 Mill Road, Riverton",
        notes="Call, do not email.",
    ),
    _Person(
        "The Corner Cup",
        "hello@cornercup.example",
        "(555) 016-5521",
        "1 Market Square, Springfield",
        business_name="Corner Cup Cafe",
        notes="Work only before 7:00 or after 16:00, when the cafe is closed.",
    ),
    _Person(
        "Hannah Weiss",
        "h.weiss@example.org",
        None,
        "5 Chapel Close, Eastbrook",
    ),
    _Person(
        "Samuel Adeyemi",
        "sam.adeyemi@example.com",
        "(555) 011-7765",
        "62 Birch Avenue, Eastbrook",
    ),
)


@attrs.frozen
class _Work:
    title: str
    description: str | None
    hours: tuple[int, int]  # half-hours, lowest and highest
    materials: tuple[int, int]  # whole currency units, lowest and highest


_CATALOGUE = (
    _Work(
        "Fix leaking kitchen tap",
        "Replace washer and cartridge; check the isolation valve.",
        (2, 4),
        (8, 35),
    ),
    _Work(
        "Replace bathroom extractor fan",
        "Remove old unit, fit new fan with timer, seal.",
        (4, 6),
        (45, 90),
    ),
    _Work("Paint garden fence", "Two coats of wood stain, both sides.", (8, 16), (40, 80)),
    _Work("Hang shelves", "Three floating shelves in the living room.", (2, 4), (0, 15)),
    _Work("Repair garden gate", "Rehang the gate, new hinges and latch.", (3, 5), (20, 45)),
    _Work("Assemble wardrobe", None, (4, 8), (0, 0)),
    _Work("Clear gutters", "Front and back, flush downpipes.", (3, 6), (0, 10)),
    _Work("Replace front door lock", "Fit a new euro cylinder lock, three keys.", (2, 3), (35, 70)),
    _Work(
        "Patch and paint ceiling crack",
        "Fill, sand, prime and paint the hallway ceiling.",
        (4, 8),
        (15, 30),
    ),
    _Work("Install outdoor light", "PIR security light above the back door.", (3, 5), (30, 85)),
    _Work("Tile kitchen splashback", "About 2 square metres of metro tiles.", (8, 14), (90, 180)),
    _Work("Bleed radiators and check boiler pressure", None, (1, 2), (0, 0)),
    _Work(
        "Refit kitchen cabinet doors",
        "Adjust hinges on eight doors, replace two handles.",
        (3, 5),
        (10, 25),
    ),
    _Work("Ease sticking door", "Plane the bedroom door and rehang.", (2, 3), (0, 5)),
    _Work("Pressure-wash patio", "Patio and path, re-sand the joints.", (5, 9), (10, 20)),
    _Work(
        "Seal bath and shower",
        "Remove old silicone, reseal bath and shower tray.",
        (2, 4),
        (10, 20),
    ),
    _Work("Mount TV on wall", "Bracket on brick wall, hide cables in trunking.", (2, 4), (15, 40)),
    _Work(
        "Fix dripping overflow",
        "Replace fill valve in the upstairs toilet cistern.",
        (2, 3),
        (12, 25),
    ),
)


class _Outcome:
    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    UNPAID = "completed, unpaid"
    PAID = "completed, paid"
    CANCELLED_PENDING = "cancelled before it started"
    CANCELLED_STARTED = "cancelled while in progress"


@attrs.frozen
class _Plan:
    """One job to create: when it is due (days from today) and how it ends."""

    customer: int
    work: int
    due: int
    outcome: str
    has_due_date: bool = True
    paid_after: int = 3  # days from completion to payment
    with_estimate: bool = True
    created: int | None = None  # days from today it was added (else some days before due)
    deposit: Decimal | None = None  # taken by bank transfer an hour after it was added
    part_paid: Decimal | None = None  # paid in cash ``part_after`` days after completion
    part_after: int = 5
    refund: Decimal | None = None  # of the deposit, the day after it was cancelled
    invoice_paid: Decimal | None = None  # invoiced the day after completion, this paid on it


# Jobs every demo has, whatever the seed: each case a dashboard or a reminder shows.
_FIXED_PLANS = (
    # overdue: due in the past, still open
    _Plan(customer=1, work=4, due=-9, outcome=_Outcome.PENDING),
    _Plan(customer=6, work=8, due=-3, outcome=_Outcome.IN_PROGRESS),
    # due today and tomorrow
    _Plan(customer=0, work=0, due=0, outcome=_Outcome.IN_PROGRESS),
    _Plan(customer=5, work=13, due=0, outcome=_Outcome.PENDING),
    _Plan(customer=3, work=15, due=1, outcome=_Outcome.PENDING),
    # upcoming
    # a deposit taken weeks ago on work not started: a reminder
    _Plan(customer=2, work=10, due=3, outcome=_Outcome.PENDING, created=-20, deposit=Decimal(150)),
    _Plan(customer=7, work=16, due=5, outcome=_Outcome.PENDING),
    _Plan(customer=3, work=6, due=9, outcome=_Outcome.PENDING, with_estimate=False),
    _Plan(customer=0, work=2, due=16, outcome=_Outcome.PENDING, deposit=Decimal(100)),
    _Plan(customer=7, work=9, due=0, outcome=_Outcome.PENDING, has_due_date=False),
    # completed and unpaid: a letting agency owing a lot for weeks, and one recent job
    # (the first invoiced, paid in part and now overdue)
    _Plan(customer=3, work=10, due=-24, outcome=_Outcome.UNPAID, invoice_paid=Decimal(100)),
    _Plan(customer=3, work=1, due=-15, outcome=_Outcome.UNPAID),
    # partly paid: one gone quiet for weeks (a reminder), one paid in part on the day
    _Plan(customer=3, work=2, due=-31, outcome=_Outcome.UNPAID, part_paid=Decimal(100)),
    _Plan(
        customer=2, work=17, due=-2, outcome=_Outcome.UNPAID, part_paid=Decimal(50), part_after=0
    ),
    # paid recently: this week's and this month's earnings
    _Plan(customer=5, work=11, due=-4, outcome=_Outcome.PAID, paid_after=2),
    # paid in full after a deposit
    _Plan(customer=0, work=7, due=-6, outcome=_Outcome.PAID, paid_after=1, deposit=Decimal(40)),
    # cancelled; one after a deposit, of which part is given back and part kept
    _Plan(customer=1, work=14, due=-40, outcome=_Outcome.CANCELLED_PENDING),
    _Plan(
        customer=5,
        work=5,
        due=-70,
        outcome=_Outcome.CANCELLED_STARTED,
        deposit=Decimal(60),
        refund=Decimal(40),
    ),
    # a customer not seen for months
    _Plan(customer=4, work=2, due=-95, outcome=_Outcome.PAID, paid_after=6),
    _Plan(customer=4, work=12, due=-120, outcome=_Outcome.PAID, paid_after=0),
)

#: How many more completed jobs the seed scatters over the past months.
_RANDOM_PAST_JOBS = 30
#: How far back the history goes, in days.
HISTORY_DAYS = 180


@attrs.frozen
class DemoData:
    """What :func:`create_demo` made."""

    user: User
    customers: tuple[Customer, ...]
    jobs: tuple[Job, ...]
    today: date
    replaced: bool
    """Whether an earlier demo account was removed first."""
    payments: tuple[Payment, ...] = ()
    quotes: tuple[Quote, ...] = ()
    invoices: tuple[Invoice, ...] = ()


class _ScriptClock:
    """The clock the demo history is recorded with: set to each event's moment in turn."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def _seeded_ids(seed: int) -> Callable[[], str]:
    rng = random.Random(f"jobtrack-demo-ids-{seed}")

    def new_id() -> str:
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    return new_id


def _random_plans(rng: random.Random) -> list[_Plan]:
    plans = []
    for _ in range(_RANDOM_PAST_JOBS):
        due = rng.randint(-HISTORY_DAYS + 20, -12)
        roll = rng.random()
        if roll < 0.06:
            outcome = _Outcome.CANCELLED_PENDING
        elif roll < 0.09:
            outcome = _Outcome.UNPAID
        else:
            outcome = _Outcome.PAID
        plans.append(
            _Plan(
                customer=rng.choice((0, 0, 1, 2, 2, 3, 3, 3, 5, 5, 6, 7)),
                work=rng.randrange(len(_CATALOGUE)),
                due=due,
                outcome=outcome,
                has_due_date=rng.random() > 0.1,
                paid_after=rng.choice((0, 0, 1, 2, 3, 5, 7, 9)),
                with_estimate=rng.random() > 0.08,
            )
        )
    return plans


def _at(
    today: date,
    days: int,
    rng: random.Random,
    zone: ZoneInfo,
    *,
    earliest: int = 7,
    latest: int = 18,
) -> datetime:
    """A moment during local working hours ``days`` days from today, to the microsecond, UTC."""
    day = today + timedelta(days=days)
    start = datetime.combine(day, time(earliest), tzinfo=zone)
    offset = timedelta(
        seconds=rng.randrange((latest - earliest) * 3600), microseconds=rng.randrange(1_000_000)
    )
    return (start + offset).astimezone(UTC)


def _money(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def create_demo(
    store: Store,
    *,
    today: date,
    seed: int = DEFAULT_SEED,
    hasher: PasswordHasher | None = None,
    timezone: str = "UTC",
) -> DemoData:
    """Create (or re-create) the demo account in ``store`` with its history up to ``today``.

    Work happens during working hours in ``timezone`` (an IANA name), and every
    recorded moment lies before local midnight at the start of ``today``. All of
    it is one unit of work: on error, the store is left as it was.
    """
    zone = ZoneInfo(timezone)
    rng = random.Random(seed)
    # How paid jobs were paid: drawn apart, so that the jobs stay those of the seed.
    methods = random.Random(f"jobtrack-demo-methods-{seed}")
    rng_quotes = random.Random(f"jobtrack-demo-quotes-{seed}")
    plans = [*_FIXED_PLANS, *_random_plans(rng)]
    clock = _ScriptClock(
        datetime.combine(today - timedelta(days=HISTORY_DAYS + 30), time(9), tzinfo=UTC)
    )
    app = Jobtrack(
        store,
        clock=clock,
        ids=_seeded_ids(seed),
        hasher=hasher,
        calendar=BusinessCalendar(timezone),
    )
    events: list[tuple[datetime, int, Callable[[Workspace], None]]] = []
    job_ids: dict[int, str] = {}
    invoice_ids: dict[int, str] = {}
    customer_ids: dict[int, str] = {}
    first_job: dict[int, datetime] = {}
    yesterday_end = (
        datetime.combine(today, time(0), tzinfo=zone) - timedelta(minutes=30)
    ).astimezone(UTC)

    def add(moment: datetime, action: Callable[[Workspace], None]) -> None:
        events.append((moment, len(events), action))

    for number, plan in enumerate(plans):
        work = _CATALOGUE[plan.work]
        half_hours = rng.randint(*work.hours)
        hours = Decimal(half_hours) / 2
        estimate = _money(hours * HOURLY_RATE + Decimal(rng.randint(*work.materials)))
        factor = Decimal(rng.randint(88, 122)) / 100
        actual_cost = _money(estimate * factor)
        actual_hours = (hours * factor * 4).quantize(Decimal(1), rounding=ROUND_HALF_UP) / 4

        lead = rng.randint(3, 21)
        days = plan.created if plan.created is not None else min(plan.due - lead, -1)
        created = _at(today, days, rng, zone)
        first_job[plan.customer] = min(first_job.get(plan.customer, created), created)
        due_date = today + timedelta(days=plan.due) if plan.has_due_date else None

        def create(
            ws: Workspace,
            number: int = number,
            plan: _Plan = plan,
            work: _Work = work,
            estimate: Decimal = estimate,
            hours: Decimal = hours,
            due_date: date | None = due_date,
        ) -> None:
            job = ws.create_job(
                customer_ids[plan.customer],
                work.title,
                description=work.description,
                estimated_cost=estimate if plan.with_estimate else None,
                estimated_hours=hours if plan.with_estimate else None,
                due_date=due_date,
            )
            job_ids[number] = job.id

        add(created, create)
        if plan.deposit is not None:
            taken = min(created + timedelta(hours=1), yesterday_end)
            add(taken, _pay(job_ids, number, plan.deposit, PaymentKind.DEPOSIT))
        outcome = plan.outcome
        if outcome == _Outcome.PENDING:
            continue
        if outcome == _Outcome.CANCELLED_PENDING:
            cancelled = min(created + timedelta(days=rng.randint(1, 5)), yesterday_end)
            add(cancelled, _on_job(Workspace.cancel_job, job_ids, number))
            _refund(add, plan, job_ids, number, cancelled, yesterday_end)
            continue
        started = min(_at(today, min(plan.due, -1), rng, zone, earliest=7, latest=9), yesterday_end)
        started = max(started, created + timedelta(minutes=5))
        add(started, _on_job(Workspace.start_job, job_ids, number))
        if outcome == _Outcome.IN_PROGRESS:
            continue
        if outcome == _Outcome.CANCELLED_STARTED:
            add(
                started + timedelta(hours=2),
                _on_job(Workspace.cancel_job, job_ids, number),
            )
            _refund(add, plan, job_ids, number, started + timedelta(hours=2), yesterday_end)
            continue
        completed = min(started + timedelta(hours=float(hours) + rng.random()), yesterday_end)

        def complete(
            ws: Workspace,
            n: int = number,
            cost: Decimal = actual_cost,
            spent: Decimal = actual_hours,
        ) -> None:
            ws.complete_job(job_ids[n], actual_cost=cost, actual_hours=spent)

        add(completed, complete)
        if plan.invoice_paid is not None:
            issued = min(completed + timedelta(days=1), yesterday_end)
            add(issued, _invoice(customer_ids, invoice_ids, job_ids, plan, number))
            paid_on = min(issued + timedelta(days=5), yesterday_end)
            add(paid_on, _pay_invoice(invoice_ids, number, plan.invoice_paid))
        if plan.part_paid is not None:
            part = completed + timedelta(days=plan.part_after, hours=1)
            add(min(part, yesterday_end), _pay(job_ids, number, plan.part_paid, method="cash"))
        if outcome == _Outcome.PAID:
            paid = completed + timedelta(days=plan.paid_after, hours=rng.randint(1, 5))
            how = methods.choice(_METHODS)
            add(min(paid, yesterday_end), _mark_paid(job_ids, number, how))

    for days, action in _quotes(customer_ids):
        add(min(_at(today, days, rng_quotes, zone), yesterday_end), action)
    for index, person in enumerate(_CUSTOMERS):
        moment = first_job.get(index, _at(today, -HISTORY_DAYS, rng, zone)) - timedelta(
            days=rng.randint(1, 10)
        )

        def add_customer(ws: Workspace, index: int = index, person: _Person = person) -> None:
            customer_ids[index] = ws.add_customer(
                person.name,
                email=person.email,
                phone=person.phone,
                address=person.address,
                business_name=person.business_name,
                notes=person.notes,
            ).id

        add(moment, add_customer)

    with store.transaction() as uow:
        existing = uow.users.get_by_email(DEMO_EMAIL)
        if existing is not None:
            uow.users.delete(existing.id)
        user = app.register(
            email=DEMO_EMAIL, password=DEMO_PASSWORD, name=DEMO_NAME, business_name=DEMO_BUSINESS
        )
        workspace = Workspace(app, user.id)
        workspace.update_billing(**_BILLING)
        for moment, _, action in sorted(events, key=lambda event: (event[0], event[1])):
            clock.now = moment
            action(workspace)
        customers = tuple(workspace.list_customers())
        jobs = tuple(workspace.list_jobs())
        payments = tuple(workspace.list_payments())
        quotes = tuple(workspace.list_quotes())
        invoices = tuple(workspace.list_invoices())
    return DemoData(user, customers, jobs, today, existing is not None, payments, quotes, invoices)


#: How the demo's customers pay, the more common ones more often.
_METHODS = (
    PaymentMethod.CARD,
    PaymentMethod.CARD,
    PaymentMethod.BANK_TRANSFER,
    PaymentMethod.BANK_TRANSFER,
    PaymentMethod.CASH,
    PaymentMethod.CHECK,
)


def _pay(
    job_ids: dict[int, str],
    number: int,
    amount: Decimal,
    kind: PaymentKind = PaymentKind.PAYMENT,
    *,
    method: str = "bank_transfer",
    note: str | None = None,
) -> Callable[[Workspace], None]:
    """An event that records a payment for the job planned as ``number``."""

    def run(workspace: Workspace) -> None:
        workspace.add_payment(job_ids[number], amount, method=method, kind=kind, note=note)

    return run


def _mark_paid(
    job_ids: dict[int, str], number: int, method: PaymentMethod
) -> Callable[[Workspace], None]:
    """An event that marks the job planned as ``number`` paid, by ``method``."""

    def run(workspace: Workspace) -> None:
        workspace.mark_paid(job_ids[number], method=method)

    return run


def _refund(
    add: Callable[[datetime, Callable[[Workspace], None]], None],
    plan: _Plan,
    job_ids: dict[int, str],
    number: int,
    cancelled: datetime,
    latest: datetime,
) -> None:
    """The refund of part of a cancelled job's deposit, the day after, if it has one."""
    if plan.refund is not None:
        back = _pay(
            job_ids, number, plan.refund, PaymentKind.REFUND, note="deposit less the call-out fee"
        )
        add(min(cancelled + timedelta(days=1), latest), back)


#: How the demo business bills.
_BILLING: dict[str, Any] = {
    "currency": "USD",
    "tax_rates": [{"name": "Sales tax", "rate": "8.25"}],
    "default_tax": "Sales tax",
    "payment_terms_days": 14,
    "address": "12 Workshop Lane, Springfield",
    "phone": "(555) 010-4400",
    "email": "hello@morgan-repairs.example",
    "payment_instructions": (
        "Bank transfer to Morgan Home Repairs, account 0012 3456 78, quoting the invoice number."
    ),
}


def _quotes(customer_ids: dict[int, str]) -> list[tuple[int, Callable[[Workspace], None]]]:
    """The demo's quotes, as events (days from today): one sent and accepted, which made
    a job, and one sent and still awaiting an answer."""
    made: dict[str, str] = {}

    def worktop(ws: Workspace) -> None:
        made["worktop"] = ws.create_quote(
            customer_ids[1],
            "Replace kitchen worktop",
            lines=[
                {"description": "Labour", "quantity": "6", "unit": "h", "unit_price": HOURLY_RATE},
                {"description": "Oak worktop, 3 m", "quantity": "1", "unit_price": "240.00"},
                {
                    "description": "Take away the old worktop",
                    "quantity": "1",
                    "unit_price": "25.00",
                    "tax": None,
                },
            ],
            notes="Worktop to be ordered once the quote is accepted: about a week.",
        ).id
        ws.send_quote(made["worktop"])

    def counter(ws: Workspace) -> None:
        quote = ws.create_quote(
            customer_ids[5],
            "Repaint the counter and shelves",
            lines=[
                {"description": "Labour", "quantity": "5", "unit": "h", "unit_price": HOURLY_RATE},
                {"description": "Paint and primer", "quantity": "1", "unit_price": "64.00"},
            ],
            notes="Work before 7:00 or after 16:00, as the cafe asks.",
        )
        ws.send_quote(quote.id)

    def accept(ws: Workspace) -> None:
        ws.accept_quote(made["worktop"])

    return [(-12, worktop), (-9, accept), (-3, counter)]


def _invoice(
    customer_ids: dict[int, str],
    invoice_ids: dict[int, str],
    job_ids: dict[int, str],
    plan: _Plan,
    number: int,
) -> Callable[[Workspace], None]:
    """An event that invoices the job planned as ``number`` and issues the invoice."""

    def run(workspace: Workspace) -> None:
        draft = workspace.create_invoice(
            customer_ids[plan.customer],
            job_ids=[job_ids[number]],
            notes="Please quote the property address with your payment.",
        )
        invoice_ids[number] = workspace.issue_invoice(draft.id).id

    return run


def _pay_invoice(
    invoice_ids: dict[int, str], number: int, amount: Decimal
) -> Callable[[Workspace], None]:
    """An event that records ``amount`` paid on the invoice of the job planned as ``number``."""

    def run(workspace: Workspace) -> None:
        workspace.pay_invoice(
            invoice_ids[number], amount, method="bank_transfer", reference="remittance 0412"
        )

    return run


def _on_job(
    action: Callable[[Workspace, str], object], job_ids: dict[int, str], number: int
) -> Callable[[Workspace], None]:
    """An event that applies ``action`` to the job planned as ``number``."""

    def run(workspace: Workspace) -> None:
        action(workspace, job_ids[number])

    return run


__all__ = ["DEFAULT_SEED", "DEMO_EMAIL", "DEMO_PASSWORD", "DemoData", "create_demo"]
