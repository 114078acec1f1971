"""Data interchange: JSON for frontends, export and import, moving in from MyJobTrack.

- :mod:`~jobtrack_interchange.converter`: the one converter (its ``converter``, and
  ``structure``, ``unstructure``, ``loads``, ``dumps``) and the ``jobtrack/5`` shape;
  what frontends send are the core's commands (``NewJob``...), structured by it;
- :func:`export_json`, :func:`export_csv`: one user's data, streamed (CSV cells a
  spreadsheet would run as formulas escaped: :mod:`~jobtrack_interchange.formulas`);
- :func:`import_json`, :func:`import_csv`: jobtrack's own exports, into my account;
  :func:`import_records`: customers, jobs and payments made in code, likewise;
  :func:`restore_json`, :func:`restore_csv`: an exported account, into a store;
- :func:`import_myjobtrack_database`, :func:`import_myjobtrack_dump`,
  :func:`import_myjobtrack_backup`: the three forms MyJobTrack leaves behind;
- :class:`ImportReport`: what an import did.

See ``docs/interchange.md``.
"""

from jobtrack_core.commands import (
    Credentials,
    CustomerChanges,
    JobChanges,
    JobCompletion,
    NewCustomer,
    NewJob,
    ProfileChanges,
    Registration,
)
from jobtrack_interchange.converter import FORMAT, dumps, loads, structure, unstructure
from jobtrack_interchange.export import export_csv, export_json
from jobtrack_interchange.importer import (
    import_csv,
    import_document,
    import_json,
    import_records,
    restore_csv,
    restore_document,
    restore_json,
)
from jobtrack_interchange.myjobtrack import (
    import_myjobtrack_backup,
    import_myjobtrack_database,
    import_myjobtrack_dump,
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
    "ProfileChanges",
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
    "import_records",
    "loads",
    "restore_csv",
    "restore_document",
    "restore_json",
    "structure",
    "unstructure",
]
