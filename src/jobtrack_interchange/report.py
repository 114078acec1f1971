"""What an import did: counts, and every row that was altered, skipped or merged.

An :class:`ImportReport` is an attrs class like the entities, so the shared
converter turns it into JSON for scripts (``unstructure(report)``).
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Mapping
from typing import Any, Literal

import attrs

from jobtrack_core.errors import ValidationError

#: The kinds of record an import writes.
RecordKind = Literal["user", "customer", "job", "payment", "quote", "invoice"]
_PLURAL = {
    "user": "users",
    "customer": "customers",
    "job": "jobs",
    "payment": "payments",
    "quote": "quotes",
    "invoice": "invoices",
}
#: How many alterations :meth:`ImportReport.details` shows per reason.
EXAMPLES = 3
#: Values longer than this are cut short in :meth:`ImportReport.details`.
SHOWN_WIDTH = 40
EMPTY_TO_NULL = "empty text stored as null"
TRIMMED = "white space around it trimmed"
LOWER_CASED = "lower-cased (jobtrack compares emails without regard to case)"


class OnConflict(enum.StrEnum):
    """What an import does with a record whose id exists with different content.

    - ``fail`` (the default): refuse the whole import with a ConflictError that
      names the records; nothing is written;
    - ``replace``: the file's version replaces the stored one;
    - ``keep``: the stored version stays; the record is reported as kept.
    """

    FAIL = "fail"
    REPLACE = "replace"
    KEEP = "keep"

    @classmethod
    def of(cls, value: OnConflict | str) -> OnConflict:
        """The policy named ``value``; ValidationError for an unknown name."""
        try:
            return cls(value)
        except ValueError:
            allowed = ", ".join(p.value for p in cls)
            raise ValidationError.single(
                "on_conflict", f"must be one of {allowed}, not {value!r}"
            ) from None


@attrs.frozen
class Counts:
    """A number of users, customers, jobs, payments, quotes and invoices (credit notes
    counted with the invoices)."""

    users: int = 0
    customers: int = 0
    jobs: int = 0
    payments: int = 0
    quotes: int = 0
    invoices: int = 0

    @property
    def total(self) -> int:
        return self.users + self.customers + self.jobs + self.payments + self.quotes + self.invoices

    def __str__(self) -> str:
        """``1 user, 2 customers, 3 jobs``, and the payments, quotes and invoices when
        there are any."""
        counted = [(self.users, "user"), (self.customers, "customer"), (self.jobs, "job")]
        for n, word in (
            (self.payments, "payment"),
            (self.quotes, "quote"),
            (self.invoices, "invoice"),
        ):
            if n:
                counted.append((n, word))
        return ", ".join(f"{n} {word if n == 1 else word + 's'}" for n, word in counted)


@attrs.frozen
class Alteration:
    """A value that was changed on the way in; ``old`` is the source's value as text."""

    kind: str
    id: str
    field: str
    old: str | None
    new: str | None
    reason: str


@attrs.frozen
class Skip:
    """A source row that was not imported, and why."""

    kind: str
    id: str
    reason: str


@attrs.frozen
class Notice:
    """A row imported as it was that still deserves a look."""

    kind: str
    id: str
    message: str


@attrs.frozen
class Merge:
    """Accounts whose emails differ only in case, imported as the one account ``kept_id``."""

    email: str
    kept_id: str
    merged_ids: tuple[str, ...]


@attrs.frozen
class Conflict:
    """A record whose id existed with different content; ``resolution`` is ``replaced``
    or ``kept`` (with :attr:`OnConflict.FAIL` the import raises instead)."""

    kind: str
    id: str
    fields: tuple[str, ...]
    resolution: str


@attrs.frozen
class ImportReport:
    """The outcome of one import. ``created + updated + unchanged + kept`` are the
    records of the source that are now in the store; ``skipped`` those that are not."""

    source: str
    user_ids: tuple[str, ...]
    dry_run: bool
    created: Counts
    updated: Counts
    unchanged: Counts
    kept: Counts
    skipped: Counts
    alterations: tuple[Alteration, ...] = ()
    skips: tuple[Skip, ...] = ()
    notices: tuple[Notice, ...] = ()
    merges: tuple[Merge, ...] = ()
    conflicts: tuple[Conflict, ...] = ()

    def _did(self, done: str, would: str) -> str:
        """What a real import did, or what a dry run would do."""
        return would if self.dry_run else done

    def summary(self) -> str:
        """A few lines for people; a dry run says what the import would do."""
        did = self._did
        totals = [
            (did("created", "would create"), self.created),
            (did("updated", "would update"), self.updated),
            ("unchanged", self.unchanged),
        ]
        if self.kept.total:
            totals.append(
                (did("kept the stored version", "would keep the stored version"), self.kept)
            )
        if self.skipped.total:
            totals.append((did("skipped", "would skip"), self.skipped))
        width = max(len(label) for label, _ in totals) + 1
        lines = [f"{did('imported', 'checked (nothing written)')} from {self.source}"]
        lines += [f"  {label + ':':<{width}} {counts}" for label, counts in totals]
        counted = (
            (len(self.alterations), "value", did("altered", "would be altered")),
            (
                len(self.merges),
                "account",
                did("merged", "would be merged") + " (emails differing only in case)",
            ),
            (len(self.notices), "notice", ""),
        )
        lines += [
            f"  {n} {word if n == 1 else word + 's'}{' ' + what if what else ''}"
            for n, word, what in counted
            if n
        ]
        return "\n".join(lines)

    def details(self, *, examples: int = EXAMPLES) -> str:
        """:meth:`summary`, then one line per merge, per reason values were altered
        for (how many, the first ``examples`` of them, and how many more), per skip,
        notice and conflict. Every line stays one line: a value or id holding a line
        break or another control character is shown quoted with escapes, and long
        values are cut short (the report's lists hold them whole)."""
        lines = [self.summary()]
        did = self._did
        lines += [
            f"  {did('merged', 'would merge')} {', '.join(map(_plain, m.merged_ids))} into "
            f"{_plain(m.kept_id)} ({_plain(m.email)})"
            for m in self.merges
        ]
        by_reason: dict[str, list[Alteration]] = {}
        for alteration in self.alterations:
            by_reason.setdefault(alteration.reason, []).append(alteration)
        for reason, group in by_reason.items():
            shown = "; ".join(
                f"{a.kind} {_plain(a.id)} {a.field} {_value(a.old)} -> {_value(a.new)}"
                for a in group[:examples]
            )
            more = f"; and {len(group) - examples} more" if len(group) > examples else ""
            altered = did("altered", "would alter")
            lines.append(f"  {altered} ({len(group)}), {_plain(reason)}: {shown}{more}")
        skip = did("skipped", "would skip")
        lines += [f"  {skip} {s.kind} {_plain(s.id)}: {_plain(s.reason)}" for s in self.skips]
        lines += [f"  note on {n.kind} {_plain(n.id)}: {_plain(n.message)}" for n in self.notices]
        resolved = {"replaced": did("replaced", "would replace"), "kept": did("kept", "would keep")}
        lines += [
            f"  {resolved.get(c.resolution, c.resolution)} {c.kind} {_plain(c.id)} "
            f"(differed in {', '.join(c.fields)})"
            for c in self.conflicts
        ]
        return "\n".join(lines)


def _plain(text: str) -> str:
    """``text`` as it is if it prints on one line, else quoted with escapes."""
    return text if text.isprintable() else repr(text)


def _value(value: str | None) -> str:
    """A value for one line: cut short, and quoted when it is empty, has white space
    around it or does not print on one line as it is."""
    if value is None:
        return "(none)"
    if len(value) > SHOWN_WIDTH:
        value = value[: SHOWN_WIDTH - 3] + "..."
    if value and value.isprintable() and value == value.strip():
        return value
    return repr(value)


def cleaning_reason(old: object, new: object) -> str:
    """Why jobtrack's input rules turned ``old`` into ``new`` (text trimmed, empty text
    stored as null, an email lower-cased)."""
    if isinstance(old, str):
        if new is None and not old.strip():
            return EMPTY_TO_NULL
        if new == old.strip():
            return TRIMMED
        if new == old.strip().lower():
            return LOWER_CASED if old == old.strip() else f"{TRIMMED}; {LOWER_CASED}"
    return "changed by jobtrack's input rules"


class ReportBuilder:
    """Collects a report while an import runs; :meth:`build` freezes it."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.user_ids: list[str] = []
        self._counts: dict[str, Counter[str]] = {
            name: Counter() for name in ("created", "updated", "unchanged", "kept", "skipped")
        }
        self.alterations: list[Alteration] = []
        self.skips: list[Skip] = []
        self.notices: list[Notice] = []
        self.merges: list[Merge] = []
        self.conflicts: list[Conflict] = []

    def count(self, outcome: str, kind: str) -> None:
        self._counts[outcome][_PLURAL[kind]] += 1

    def altered(
        self, kind: str, id: str, field: str, old: object, new: object, reason: str
    ) -> None:
        self.alterations.append(Alteration(kind, id, field, _text(old), _text(new), reason))

    def cleaned(
        self, kind: str, id: str, given: Mapping[str, Any], cleaned: Mapping[str, Any]
    ) -> None:
        """Report every value jobtrack's input rules changed (``given`` went into a
        ``clean_*`` function, ``cleaned`` came out), so that none changes unseen."""
        for field, new in cleaned.items():
            old = given.get(field)
            if new != old:
                self.altered(kind, id, field, old, new, cleaning_reason(old, new))

    def skipped(self, kind: str, id: str, reason: str) -> None:
        self.count("skipped", kind)
        self.skips.append(Skip(kind, id, reason))

    def notice(self, kind: str, id: str, message: str) -> None:
        self.notices.append(Notice(kind, id, message))

    def skipped_after_all(self, kind: str, id: str, reason: str) -> None:
        """Skip a row that was already (partly) converted: its alterations and notices
        are withdrawn, as nothing of it is imported."""
        self.alterations = [a for a in self.alterations if (a.kind, a.id) != (kind, id)]
        self.notices = [n for n in self.notices if (n.kind, n.id) != (kind, id)]
        self.skipped(kind, id, reason)

    def build(self, *, dry_run: bool = False) -> ImportReport:
        def counts(outcome: str) -> Counts:
            return Counts(**self._counts[outcome])

        return ImportReport(
            source=self.source,
            user_ids=tuple(dict.fromkeys(self.user_ids)),
            dry_run=dry_run,
            created=counts("created"),
            updated=counts("updated"),
            unchanged=counts("unchanged"),
            kept=counts("kept"),
            skipped=counts("skipped"),
            alterations=tuple(self.alterations),
            skips=tuple(self.skips),
            notices=tuple(self.notices),
            merges=tuple(self.merges),
            conflicts=tuple(self.conflicts),
        )


def _text(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, float):
        return repr(value)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


__all__ = [
    "Alteration",
    "Conflict",
    "Counts",
    "ImportReport",
    "Merge",
    "Notice",
    "OnConflict",
    "RecordKind",
    "ReportBuilder",
    "Skip",
    "cleaning_reason",
]
