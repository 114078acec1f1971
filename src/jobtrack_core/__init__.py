"""jobtrack's pure domain: entities, rules, the service layer and the store protocols.

Start with :class:`Jobtrack`; see the README and ``docs/`` for a tour.
"""

from jobtrack_core.clock import Clock, IdFactory, system_clock, uuid4_ids
from jobtrack_core.entities import Customer, Deleted, Job, LoginSession, User
from jobtrack_core.errors import (
    AuthenticationError,
    ConflictError,
    FieldError,
    InvalidTransitionError,
    JobtrackError,
    NotFoundError,
    SchemaVersionError,
    SessionError,
    StoreError,
    ValidationError,
)
from jobtrack_core.money import from_minor, parse_amount, to_minor
from jobtrack_core.passwords import Argon2Hasher, PasswordHasher
from jobtrack_core.ports import (
    CustomerRepository,
    JobRepository,
    SessionRepository,
    Store,
    UnitOfWork,
    UserRepository,
)
from jobtrack_core.queries import JobFilter
from jobtrack_core.service import UNSET, Jobtrack, Login, SessionPolicy, Unset, Workspace
from jobtrack_core.status import TRANSITIONS, JobStatus

__all__ = [
    "TRANSITIONS",
    "UNSET",
    "Argon2Hasher",
    "AuthenticationError",
    "Clock",
    "ConflictError",
    "Customer",
    "CustomerRepository",
    "Deleted",
    "FieldError",
    "IdFactory",
    "InvalidTransitionError",
    "Job",
    "JobFilter",
    "JobRepository",
    "JobStatus",
    "Jobtrack",
    "JobtrackError",
    "Login",
    "LoginSession",
    "NotFoundError",
    "PasswordHasher",
    "SchemaVersionError",
    "SessionError",
    "SessionPolicy",
    "SessionRepository",
    "Store",
    "StoreError",
    "UnitOfWork",
    "Unset",
    "User",
    "UserRepository",
    "ValidationError",
    "Workspace",
    "from_minor",
    "parse_amount",
    "system_clock",
    "to_minor",
    "uuid4_ids",
]
