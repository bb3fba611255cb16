"""Credentials for the record tests: real ones, signed with a fresh key."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Final

from credstack.issue import Suite, issue
from credstack.model.quality import ECTS, EU_MICROCREDENTIAL_CONTEXT
from credstack.proofs.keys import PrivateKey

NOW: Final = datetime(2026, 6, 1, tzinfo=UTC)
ESCO_SKILL: Final = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"


def achievement(
    name: str,
    *,
    ects: str | None = None,
    hours: str | None = None,
    credits: int | None = None,
    eqf: Any = None,
    alignment: list[dict[str, Any]] | None = None,
    outcomes: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    found: dict[str, Any] = {
        "id": f"https://uni.example/achievements/{name.lower().replace(' ', '-')}",
        "type": ["Achievement"],
        "achievementType": "Course",
        "name": name,
        "description": f"{name}.",
        "criteria": {"narrative": "Passed."},
    }
    if ects is not None:
        found["creditPoint"] = [{"type": "CreditPoint", "framework": ECTS, "point": ects}]
    if hours is not None:
        found["volumeOfLearning"] = hours
    if credits is not None:
        found["creditsAvailable"] = credits
    if eqf is not None:
        found["eqfLevel"] = eqf
    if alignment is not None:
        found["alignment"] = alignment
    if outcomes is not None:
        found["learningOutcome"] = outcomes
    return found


def signed(
    key: PrivateKey,
    badge: dict[str, Any],
    number: int,
    *,
    suite: Suite = "eddsa-rdfc-2022",
    recipient: str = "ada@example.org",
    valid_until: datetime | None = None,
    evidence: list[dict[str, Any]] | None = None,
    result: list[dict[str, Any]] | None = None,
) -> str:
    eu = any(k in badge for k in ("creditPoint", "volumeOfLearning", "eqfLevel", "learningOutcome"))
    return issue(
        badge,
        key,
        recipient=recipient,
        suite=suite,
        issuer={"id": _did(key), "type": ["Profile"], "name": "University"},
        credential_id=f"urn:uuid:00000000-0000-4000-8000-{number:012d}",
        valid_from=datetime(2026, 1, number % 28 + 1, tzinfo=UTC),
        valid_until=valid_until,
        extra_contexts=[EU_MICROCREDENTIAL_CONTEXT] if eu else [],
        evidence=evidence or (),
        result=result or (),
    ).text


def _did(key: PrivateKey) -> str:
    from credstack.proofs.did_key import did_key_for

    return did_key_for(key.public_key)
