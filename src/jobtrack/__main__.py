"""``python -m jobtrack``: the same as the ``jobtrack`` command."""

from jobtrack.cli import main

raise SystemExit(main())
