"""Fixtures of the command-line tests; the runner itself is in ``clirun.py``."""

from __future__ import annotations

from pathlib import Path

import pytest

from .clirun import Cli


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    """``jobtrack`` in a fresh scratch directory with no database yet."""
    return Cli(tmp_path)


@pytest.fixture
def demo_cli(cli: Cli) -> Cli:
    """A scratch directory with a fresh demo database, logged in to the demo account."""
    cli("demo").ok()
    cli.login()
    return cli
