"""Data interchange: JSON for frontends, export and import, moving in from MyJobTrack.

- :mod:`~jobtrack_interchange.converter`: the one converter (its ``converter``, and
  ``structure``, ``unstructure``, ``loads``, ``dumps``) and the ``jobtrack/1`` shape;
- :mod:`~jobtrack_interchange.payloads`: what frontends send (``NewJob``...);
- :func:`export_json`, :func:`export_csv`: one user's data, streamed (CSV cells a
  spreadsheet would run as formulas escaped: :mod:`~jobtrack_interchange.formulas`);
- :func:`import_json`, :func:`import_csv`: jobtrack's own exports, into any store;
- :func:`import_myjobtrack_database`, :func:`import_myjobtrack_dump`,
  :func:`import_myjobtrack_backup`: the three forms MyJobTrack leaves behind;
- :class:`ImportReport`: what an import did.

See ``docs/interchange.md``.
"""

from jobtrack_interchange.converter import FORMAT, dumps, loads, structure, unstructure
from jobtrack_interchange.export import export_csv, export_json
from jobtrack_interchange.importer import import_csv, import_document, import_json
from jobtrack_interchange.myjobtrack import (
    import_myjobtrack_backup,
    import_myjobtrack_database,
    import_myjobtrack_dump,
)
from jobtrack_interchange.payloads import (
    Credentials,
    CustomerChanges,
    JobChanges,
    JobCompletion,
    NewCustomer,
    NewJob,
    Registration,
)
from jobtrack_interchange.report import (
    Alteration,
    Conflict,
    Counts,
    ImportReport,
    Merge,
    Notice,
    OnConflict,
    Skip,
)

__all__ = [
    "FORMAT",
    "Alteration",
    "Conflict",
    "Counts",
    "Credentials",
    "CustomerChanges",
    "ImportReport",
    "JobChanges",
    "JobCompletion",
    "Merge",
    "NewCustomer",
    "NewJob",
    "Notice",
    "OnConflict",
    "Registration",
    "Skip",
    "dumps",
    "export_csv",
    "export_json",
    "import_csv",
    "import_document",
    "import_json",
    "import_myjobtrack_backup",
    "import_myjobtrack_database",
    "import_myjobtrack_dump",
    "loads",
    "structure",
    "unstructure",
]
