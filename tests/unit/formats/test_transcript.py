"""The transcript: every credential with its credits and level, and the totals of the valid."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from credstack.formats.record import RecordItem
from credstack.formats.transcript import EQF, eqf_level, transcript
from credstack.proofs.keys import PrivateKey, generate_key
from tests.unit.formats.records_data import NOW, achievement, signed


@pytest.fixture(scope="module")
def key() -> PrivateKey:
    return generate_key("ed25519")


def test_each_credential_shows_its_achievement_issuer_date_result_credits_and_level(
    key: PrivateKey,
) -> None:
    badge = achievement("Statistics", ects="5", hours="PT125H", credits=3, eqf=EQF + "6")
    result = [{"type": ["Result"], "value": "87"}]
    item = RecordItem.parse(signed(key, badge, 4, result=result))
    [entry] = transcript([item], NOW).entries
    shown = entry.to_dict()
    assert shown["name"] == "Statistics"
    assert shown["achievement"] == badge["id"]
    assert shown["achievementType"] == "Course"
    assert shown["issuer"] == {"id": item.issuer_id, "name": "University"}
    assert shown["issued"] == "2026-01-05T00:00:00Z"
    assert shown["validUntil"] is None
    assert shown["results"] == result
    assert shown["credits"] == {"ects": 5, "hours": 125, "credits": 3}
    assert shown["eqfLevel"] == 6
    assert shown["state"] == "valid"
    assert shown["valid"] is True
    assert shown["source"] == "issued"


def test_totals_add_valid_credentials_and_flag_the_others(key: PrivateKey) -> None:
    items = [
        RecordItem.parse(signed(key, achievement("A", ects="5", eqf=EQF + "5"), 1)),
        RecordItem.parse(signed(key, achievement("B", ects="2.5", hours="PT30M"), 2)),
        RecordItem.parse(
            signed(key, achievement("C", ects="10", eqf=EQF + "7"), 3), status="revoked"
        ),
        RecordItem.parse(
            signed(key, achievement("D", ects="4"), 4, valid_until=NOW - timedelta(days=1))
        ),
    ]
    record = transcript(items, NOW)
    assert [e.state for e in record.entries] == ["valid", "valid", "revoked", "expired"]
    assert record.totals.to_dict() == {
        "credentials": 2,
        "ects": 7.5,
        "hours": 0.5,
        "credits": 0,
        "eqfLevels": [5],
        "highestEqfLevel": 5,
    }


def test_a_badge_earned_twice_counts_once_with_its_larger_credits(key: PrivateKey) -> None:
    small = RecordItem.parse(signed(key, achievement("A", ects="3"), 1))
    large = RecordItem.parse(signed(key, achievement("A", ects="4", hours="PT10H"), 2))
    totals = transcript([small, large], NOW).totals
    assert (totals.credentials, totals.ects, totals.hours) == (2, Decimal(4), Decimal(10))


def test_entries_are_oldest_first_and_undated_ones_last() -> None:
    dated = RecordItem.parse(json.dumps({"id": "urn:b", "validFrom": "2026-02-01T00:00:00Z"}))
    older = RecordItem.parse(json.dumps({"id": "urn:c", "validFrom": "2025-02-01T00:00:00Z"}))
    undated = RecordItem.parse(json.dumps({"id": "urn:a", "name": "Loose"}))
    record = transcript([undated, dated, older], NOW)
    assert [e.credential for e in record.entries] == ["urn:c", "urn:b", "urn:a"]
    assert record.entries[2].name == "Loose"
    assert record.totals.highest_eqf_level is None
    # Without an achievement id each credential is its own line in the totals.
    assert record.totals.credentials == 3


def test_the_awarded_date_is_the_date_shown_when_given() -> None:
    item = RecordItem.parse(
        json.dumps(
            {
                "validFrom": "2026-03-01T00:00:00Z",
                "credentialSubject": {"awardedDate": "2026-02-01T00:00:00Z", "result": "x"},
            }
        )
    )
    [entry] = transcript([item], NOW).entries
    assert entry.issued == datetime(2026, 2, 1, tzinfo=UTC)
    assert entry.results == ()


@pytest.mark.parametrize(
    ("value", "level"),
    [
        (EQF + "6", 6),
        ("https://data.europa.eu/snb/eqf/8", 8),
        ({"id": EQF + "4", "type": "Concept"}, 4),
        (3, 3),
        ("7", 7),
        (9, None),
        (True, None),
        (EQF + "9", None),
        ("level six", None),
        (None, None),
    ],
)
def test_the_eqf_level_is_read_from_the_elm_iri_or_a_number(
    value: object, level: int | None
) -> None:
    assert eqf_level({"eqfLevel": value}) == level


def test_fractions_keep_two_places_in_json() -> None:
    item = RecordItem.parse(
        json.dumps(
            {"credentialSubject": {"achievement": {"id": "urn:a", "creditsAvailable": 1.125}}}
        )
    )
    assert transcript([item], NOW).to_dict()["totals"]["credits"] == 1.12
