"""Export one owner in a fresh process and report its time and peak memory.

A fresh process makes the peak resident set size the export's own, interpreter
and libraries included. It is read from ``VmHWM`` in ``/proc/self/status``, which
starts afresh at ``exec``; ``ru_maxrss`` does not (on Linux it keeps the parent's
peak across ``fork`` and ``exec``), so it serves only where ``/proc`` is missing::

    python -m bench.export_probe baseline|sqlalchemy|sqlite|postgres LOCATION OWNER_ID OUT
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import subprocess
import sys
import time

from bench.timing import Skipped

#: Seconds one export may take before the probe is stopped.
PROBE_TIMEOUT_S = 600


def _exporter(kind: str):  # type: ignore[no-untyped-def]
    if kind == "baseline":
        from bench.baseline_sqlite import export_owner

        return export_owner
    if kind == "sqlalchemy":
        from bench.baseline_sqlalchemy import export_owner as orm_export

        return orm_export
    from bench.jobtrack_columns import export_owner as jobtrack_export

    return lambda location, owner, out: jobtrack_export(kind, location, owner, out)


def peak_rss() -> int:
    """This process's peak resident set size, in bytes."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def main(argv: list[str]) -> None:
    kind, location, owner_id, out = argv
    export = _exporter(kind)
    before = peak_rss()
    started = time.perf_counter()
    export(location, owner_id, out)
    seconds = time.perf_counter() - started
    peak = peak_rss()
    size = os.path.getsize(out)
    print(json.dumps({"seconds": seconds, "peak": peak, "before": before, "bytes": size}))


def run_probe(kind: str, location: str, owner_id: str, out: str) -> tuple[float, int] | Skipped:
    """Run one export in a subprocess; (seconds, peak RSS in bytes), or why it failed."""
    command = [sys.executable, "-m", "bench.export_probe", kind, location, owner_id, out]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=PROBE_TIMEOUT_S, cwd=root, check=False
        )
    except subprocess.TimeoutExpired:
        return Skipped(f"export took more than {PROBE_TIMEOUT_S} s")
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return Skipped(f"export failed: {last}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    with contextlib.suppress(OSError):
        os.remove(out)
    return float(result["seconds"]), int(result["peak"])


if __name__ == "__main__":
    main(sys.argv[1:])
