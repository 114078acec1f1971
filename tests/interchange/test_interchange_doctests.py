"""The docstring examples of jobtrack_interchange pass."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import jobtrack_interchange

MODULES = ["jobtrack_interchange"] + [
    info.name
    for info in pkgutil.walk_packages(jobtrack_interchange.__path__, prefix="jobtrack_interchange.")
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    failures, _ = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert failures == 0
