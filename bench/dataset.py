"""A deterministic, realistic data set for the benchmark.

Owners (service businesses), their customers, jobs and login sessions are
generated from a seed, owner by owner, so every column of the benchmark loads
exactly the same data and any one owner can be regenerated on its own.

Records are neutral: money and hours in hundredths, times in milliseconds since
the epoch (UTC), due dates as ordinals. Each column converts them into its own
form (floats and ISO text for the seed's schema, ``Decimal`` and ``datetime``
for jobtrack), and the bulk import timing includes that conversion everywhere.

The shape follows a small service business growing over three years: most old
jobs are completed and paid, recent ones are pending or in progress with due
dates ahead, a few completed jobs wait for payment, and owner 0 is the large
business the targets are stated for.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

import attrs

#: The benchmark's "now": every column runs with a clock fixed at this moment.
NOW = datetime(2025, 6, 18, 15, 30, tzinfo=UTC)
NOW_MS = int(NOW.timestamp() * 1000)
TODAY = NOW.date()

_DAY_MS = 86_400_000
_HISTORY_MS = 3 * 365 * _DAY_MS
_RECENT_MS = 45 * _DAY_MS
_SESSION_LIFETIME_MS = _DAY_MS

_SERVICES = (
    "Lawn mowing",
    "Hedge trimming",
    "Gutter cleaning",
    "Window cleaning",
    "Fence repair",
    "Deck staining",
    "Leak repair",
    "Boiler service",
    "Tile grouting",
    "Interior painting",
    "Exterior painting",
    "Drywall patch",
    "Light fitting",
    "Socket replacement",
    "Tree pruning",
    "Leaf clearance",
    "Pressure washing",
    "Carpet cleaning",
    "Furniture assembly",
    "Shelf mounting",
    "Door adjustment",
    "Lock change",
    "Roof inspection",
    "Chimney sweep",
    "Garden design",
    "Pond cleaning",
    "Appliance install",
    "Tap replacement",
    "Shower reseal",
    "Radiator bleed",
)
_DETAILS = (
    "front and back garden",
    "two storey house, bring the long ladder",
    "customer asked for an estimate first",
    "materials supplied by the customer",
    "access through the side gate",
    "second visit, finish what was started",
    "quote includes disposal of waste",
    "urgent, water coming through the ceiling",
    "annual maintenance visit",
    "call thirty minutes before arriving",
)
_FIRST = (
    "Alex", "Sam", "Jordan", "Taylor", "Morgan", "Casey", "Riley", "Jamie", "Avery", "Quinn",
    "Maria", "José", "Ana", "Chen", "Priya", "Olu", "Fatima", "Lars", "Ingrid", "Noah",
)  # fmt: skip
_LAST = (
    "Smith", "Jones", "García", "Müller", "Nguyen", "Okafor", "Kowalski", "Rossi", "Dubois",
    "Haddad", "Kim", "Patel", "Johansson", "O'Brien", "Silva", "Cohen", "Tanaka", "Brown",
)  # fmt: skip
_STREETS = ("Oak Street", "High Road", "Mill Lane", "Station Road", "Park Avenue", "Church Walk")


class OwnerRecord(NamedTuple):
    number: int
    id: str
    email: str
    name: str
    business_name: str | None
    created_ms: int


class CustomerRecord(NamedTuple):
    id: str
    user_id: str
    name: str
    email: str | None
    phone: str | None
    address: str | None
    business_name: str | None
    notes: str | None
    created_ms: int
    updated_ms: int


class JobRecord(NamedTuple):
    id: str
    user_id: str
    customer_id: str
    title: str
    description: str | None
    status: str
    estimated_cents: int | None
    actual_cents: int | None
    estimated_hundredths: int | None
    actual_hundredths: int | None
    due_ordinal: int | None
    paid: bool
    paid_ms: int | None
    completed_ms: int | None
    created_ms: int
    updated_ms: int


class SessionRecord(NamedTuple):
    id: str
    user_id: str
    token: str
    created_ms: int
    expires_ms: int


@attrs.frozen
class Size:
    """How much data: ``jobs`` in total over ``owners``, ``large_jobs`` of them owner 0's."""

    name: str
    owners: int
    jobs: int
    large_jobs: int
    customers: int
    large_customers: int
    import_jobs: int
    sessions_per_owner: int
    #: Samples per measurement unless ``--repeat`` says otherwise.
    repeat: int
    #: Seconds after which a measurement stops taking samples (it keeps at least one).
    budget_s: float

    @property
    def typical_jobs(self) -> int:
        return (self.jobs - self.large_jobs) // max(1, self.owners - 1)


SIZES: dict[str, Size] = {
    "small": Size("small", 4, 2_600, 1_000, 40, 10, 1_000, 4, repeat=3, budget_s=2.0),
    "medium": Size("medium", 12, 108_000, 20_000, 240, 40, 20_000, 10, repeat=9, budget_s=15.0),
    "full": Size("full", 100, 1_000_000, 200_000, 2_000, 400, 100_000, 20, repeat=11, budget_s=60),
}


def ms_to_datetime(ms: int) -> datetime:
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=ms)


def ordinal_to_date(ordinal: int) -> date:
    return date.fromordinal(ordinal)


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


class Dataset:
    """The data of one size, generated on demand, owner by owner, from ``seed``."""

    def __init__(self, size: Size, seed: int = 20250618) -> None:
        self.size = size
        self.seed = seed
        self.owners = [self._owner(i) for i in range(size.owners)]
        self.importer = self._owner(size.owners)  # the owner that receives bulk imports

    @property
    def large(self) -> OwnerRecord:
        return self.owners[0]

    @property
    def typical(self) -> OwnerRecord:
        return self.owners[1]

    def _rng(self, owner: int, part: str) -> random.Random:
        return random.Random(f"{self.seed}:{owner}:{part}")

    def _owner(self, index: int) -> OwnerRecord:
        rng = self._rng(index, "owner")
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        business = f"{last} Home Services" if rng.random() < 0.8 else None
        created = NOW_MS - _HISTORY_MS - rng.randrange(30 * _DAY_MS)
        return OwnerRecord(
            index, _uuid(rng), f"owner{index}@bench.example", f"{first} {last}", business, created
        )

    def customer_count(self, index: int) -> int:
        size = self.size
        if index == 0:
            return size.large_customers
        if index >= size.owners:
            return 20
        rest, others = size.customers - size.large_customers, size.owners - 1
        return rest // others + (1 if index - 1 < rest % others else 0)

    def job_count(self, index: int) -> int:
        size = self.size
        if index == 0:
            return size.large_jobs
        if index >= size.owners:
            return size.import_jobs
        rest, others = size.jobs - size.large_jobs, size.owners - 1
        return rest // others + (1 if index - 1 < rest % others else 0)

    def customers(self, owner: OwnerRecord) -> list[CustomerRecord]:
        rng = self._rng(owner.number, "customers")
        found = []
        for n in range(self.customer_count(owner.number)):
            first, last = rng.choice(_FIRST), rng.choice(_LAST)
            created = owner.created_ms + rng.randrange(_HISTORY_MS // 2)
            found.append(
                CustomerRecord(
                    id=_uuid(rng),
                    user_id=owner.id,
                    name=f"{first} {last}",
                    email=f"{first}.{n}@mail.example".lower() if rng.random() < 0.7 else None,
                    phone=f"+1 555 {rng.randrange(10**7):07d}",
                    address=f"{rng.randrange(1, 300)} {rng.choice(_STREETS)}",
                    business_name=f"{last} Ltd" if rng.random() < 0.15 else None,
                    notes="prefers mornings" if rng.random() < 0.2 else None,
                    created_ms=created,
                    updated_ms=created,
                )
            )
        return found

    def jobs(self, owner: OwnerRecord, customers: list[CustomerRecord]) -> Iterator[JobRecord]:
        """The owner's jobs, in no particular order (as an import would bring them)."""
        rng = self._rng(owner.number, "jobs")
        random_, randrange, choice = rng.random, rng.randrange, rng.choice
        customer_ids = [c.id for c in customers]
        today = TODAY.toordinal()
        for _ in range(self.job_count(owner.number)):
            age = int(random_() ** 1.4 * _HISTORY_MS)
            created = NOW_MS - age - randrange(1, 1000)
            recent = age < _RECENT_MS
            r = random_()
            if recent:
                status = (
                    "pending"
                    if r < 0.45
                    else "in_progress"
                    if r < 0.70
                    else "completed"
                    if r < 0.95
                    else "cancelled"
                )
            else:
                status = (
                    "completed"
                    if r < 0.90
                    else "cancelled"
                    if r < 0.97
                    else "pending"
                    if r < 0.99
                    else "in_progress"
                )
            estimated = randrange(40, 2500) * 100 + choice((0, 0, 50, 99))
            hours = randrange(50, 2000)
            created_day = today - (NOW_MS - created) // _DAY_MS
            due = created_day + randrange(0, 45) if random_() < 0.92 else None
            actual = actual_hours = completed = paid_at = None
            paid = False
            if status == "completed":
                completed = min(created + randrange(3_600_000, 30 * _DAY_MS), NOW_MS - 1000)
                actual = estimated * randrange(80, 131) // 100
                actual_hours = hours * randrange(70, 151) // 100
                paid = random_() < (0.95 if completed < NOW_MS - 14 * _DAY_MS else 0.5)
                if paid:
                    paid_at = min(completed + randrange(10 * _DAY_MS), NOW_MS - 500)
            elif status == "in_progress" and random_() < 0.03:
                paid = True
                paid_at = min(created + randrange(_DAY_MS), NOW_MS - 500)
            yield JobRecord(
                id=_uuid(rng),
                user_id=owner.id,
                customer_id=choice(customer_ids),
                title=choice(_SERVICES),
                description=choice(_DETAILS) if random_() < 0.85 else None,
                status=status,
                estimated_cents=estimated,
                actual_cents=actual,
                estimated_hundredths=hours,
                actual_hundredths=actual_hours,
                due_ordinal=due,
                paid=paid,
                paid_ms=paid_at,
                completed_ms=completed,
                created_ms=created,
                updated_ms=max(created, completed or 0, paid_at or 0),
            )

    def sessions(self, owner: OwnerRecord) -> list[SessionRecord]:
        """The owner's logins: the first is live, the rest expired long ago (the original
        deleted an expired session only when it was used again, so they pile up)."""
        rng = self._rng(owner.number, "sessions")
        found = []
        for n in range(self.size.sessions_per_owner):
            created = NOW_MS - 3_600_000 if n == 0 else NOW_MS - randrange_days(rng, 2, 700)
            token = f"{rng.getrandbits(256):064x}"
            expires = created + _SESSION_LIFETIME_MS
            found.append(SessionRecord(_uuid(rng), owner.id, token, created, expires))
        return found

    def live_token(self, owner: OwnerRecord) -> str:
        return self.sessions(owner)[0].token

    def everything(self) -> Iterator[tuple[OwnerRecord, list[CustomerRecord], Iterator[JobRecord]]]:
        """Every owner with its customers and (lazily) its jobs."""
        for owner in self.owners:
            customers = self.customers(owner)
            yield owner, customers, self.jobs(owner, customers)


def randrange_days(rng: random.Random, low: int, high: int) -> int:
    return rng.randrange(low * _DAY_MS, high * _DAY_MS)
