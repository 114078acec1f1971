"""Moving in from MyJobTrack: its database, a SQL dump of it, or the web app's backup file."""

from jobtrack_interchange.myjobtrack.backup import import_myjobtrack_backup
from jobtrack_interchange.myjobtrack.database import (
    import_myjobtrack_database,
    import_myjobtrack_dump,
)

__all__ = ["import_myjobtrack_backup", "import_myjobtrack_database", "import_myjobtrack_dump"]
