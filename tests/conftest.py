"""Shared test fixtures: where the official vectors live, and a pinned clock."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
VECTORS = Path(os.environ.get("CREDSTACK_VECTORS", REPO.parent / "shared" / "vectors"))

# Several vectors expire or start in the future (vectors README section 6): tests pin "now".
PINNED_NOW = datetime(2026, 1, 1, tzinfo=UTC)


def vector_path(relative: str) -> Path:
    path = VECTORS / relative
    if not path.exists():
        raise FileNotFoundError(f"missing test vector {path}; set CREDSTACK_VECTORS")
    return path


def read_vector_json(relative: str) -> Any:
    return json.loads(vector_path(relative).read_text(encoding="utf-8"))


def read_vector_text(relative: str) -> str:
    return vector_path(relative).read_text(encoding="utf-8")


@pytest.fixture
def pinned_now() -> datetime:
    return PINNED_NOW
