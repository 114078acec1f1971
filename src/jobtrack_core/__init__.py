"""jobtrack's pure domain: entities, rules, the service layer and the store protocols.

Start with :class:`Jobtrack`; see the README and ``docs/`` for a tour.
"""

from jobtrack_core.clock import Clock, IdFactory, system_clock, uuid4_ids, uuid7_ids
from jobtrack_core.commands import (
    UNSET,
    Credentials,
    CustomerChanges,
    JobChanges,
    JobCompletion,
    NewCustomer,
    NewJob,
    ProfileChanges,
    Registration,
    Unset,
)
from jobtrack_core.entities import Customer, Deleted, Job, LoginSession, User
from jobtrack_core.errors import (
    AuthenticationError,
    ConflictError,
    FieldError,
    InvalidTransitionError,
    JobtrackError,
    NotFoundError,
    RetryableError,
    SchemaVersionError,
    SessionError,
    StoreError,
    ValidationError,
)
from jobtrack_core.money import from_minor, parse_amount, to_minor
from jobtrack_core.pagination import JobSort, Page
from jobtrack_core.passwords import Argon2Hasher, PasswordHasher
from jobtrack_core.periods import BusinessCalendar, Period
from jobtrack_core.ports import (
    CustomerRepository,
    JobRepository,
    ReportQueries,
    SessionRepository,
    Store,
    UnitOfWork,
    UserRepository,
)
from jobtrack_core.queries import JobFilter
from jobtrack_core.reports import (
    Accuracy,
    Comparison,
    CustomerAccuracy,
    CustomerRevenue,
    CustomerSummary,
    Dashboard,
    EstimateReport,
    OwnerTotals,
    PeriodRevenue,
    Reminders,
    StatusCounts,
    Tally,
)
from jobtrack_core.retry import retrying
from jobtrack_core.service import Jobtrack, Login, SessionPolicy
from jobtrack_core.status import OPEN, TRANSITIONS, JobStatus
from jobtrack_core.workspace import Workspace

__all__ = [
    "OPEN",
    "TRANSITIONS",
    "UNSET",
    "Accuracy",
    "Argon2Hasher",
    "AuthenticationError",
    "BusinessCalendar",
    "Clock",
    "Comparison",
    "ConflictError",
    "Credentials",
    "Customer",
    "CustomerAccuracy",
    "CustomerChanges",
    "CustomerRepository",
    "CustomerRevenue",
    "CustomerSummary",
    "Dashboard",
    "Deleted",
    "EstimateReport",
    "FieldError",
    "IdFactory",
    "InvalidTransitionError",
    "Job",
    "JobChanges",
    "JobCompletion",
    "JobFilter",
    "JobRepository",
    "JobSort",
    "JobStatus",
    "Jobtrack",
    "JobtrackError",
    "Login",
    "LoginSession",
    "NewCustomer",
    "NewJob",
    "NotFoundError",
    "OwnerTotals",
    "Page",
    "PasswordHasher",
    "Period",
    "PeriodRevenue",
    "ProfileChanges",
    "Registration",
    "Reminders",
    "ReportQueries",
    "RetryableError",
    "SchemaVersionError",
    "SessionError",
    "SessionPolicy",
    "SessionRepository",
    "StatusCounts",
    "Store",
    "StoreError",
    "Tally",
    "UnitOfWork",
    "Unset",
    "User",
    "UserRepository",
    "ValidationError",
    "Workspace",
    "from_minor",
    "parse_amount",
    "retrying",
    "system_clock",
    "to_minor",
    "uuid4_ids",
    "uuid7_ids",
]
