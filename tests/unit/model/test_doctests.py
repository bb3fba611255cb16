"""The examples in the model's docstrings run."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "credstack.model",
    "credstack.model.achievement",
    "credstack.model.common",
    "credstack.model.credential",
    "credstack.model.fields",
    "credstack.model.identity",
    "credstack.model.parse",
    "credstack.model.profile",
    "credstack.model.schema",
    "credstack.model.signed",
    "credstack.model.vc",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0
    assert result.attempted > 0
