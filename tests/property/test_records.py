"""Transcript totals and the skills profile, for any credentials.

Adding a credential never lowers a total, the highest EQF level or the skills; revoking one
never raises them; the totals count exactly the valid credentials.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from credstack.formats.record import RecordItem
from credstack.formats.skills import skills_profile
from credstack.formats.transcript import EQF, Totals, transcript
from credstack.model.quality import ECTS

NOW = datetime(2026, 6, 1, tzinfo=UTC)
amounts = st.one_of(st.none(), st.decimals(min_value=0, max_value=60, places=1))


@st.composite
def items(draw: st.DrawFn) -> RecordItem:
    badge: dict[str, Any] = {"id": f"urn:a:{draw(st.integers(0, 5))}"}
    ects, hours, credits = draw(amounts), draw(amounts), draw(amounts)
    if ects is not None:
        badge["creditPoint"] = [{"framework": ECTS, "point": str(ects)}]
    if hours is not None:
        badge["volumeOfLearning"] = f"PT{int(hours)}H"
    if credits is not None:
        badge["creditsAvailable"] = str(credits)
    level = draw(st.one_of(st.none(), st.integers(1, 8)))
    if level is not None:
        badge["eqfLevel"] = f"{EQF}{level}"
    badge["alignment"] = [
        {"targetName": f"skill {n}", "targetFramework": draw(st.sampled_from(["ESCO", "O*NET"]))}
        for n in draw(st.lists(st.integers(0, 6), max_size=3))
    ]
    document = {
        "id": f"urn:c:{draw(st.uuids())}",
        "issuer": draw(st.sampled_from(["did:web:a", "did:web:b"])),
        "validFrom": "2026-01-01T00:00:00Z",
        "validUntil": draw(st.sampled_from([None, "2026-03-01T00:00:00Z", "2027-01-01T00:00:00Z"])),
        "credentialSubject": {"achievement": badge},
    }
    status = draw(st.sampled_from(["active", "active", "revoked", "suspended"]))
    return RecordItem.parse(json.dumps(document), status=status)


def at_least(after: Totals, before: Totals) -> bool:
    return (
        after.credentials >= before.credentials
        and after.ects >= before.ects
        and after.hours >= before.hours
        and after.credits >= before.credits
        and set(after.eqf_levels) >= set(before.eqf_levels)
        and (after.highest_eqf_level or 0) >= (before.highest_eqf_level or 0)
    )


def skills(record: list[RecordItem]) -> set[tuple[str, str]]:
    profile = skills_profile(record, NOW)
    return {(f.framework, s.name) for f in profile.frameworks for s in f.skills}


@given(st.lists(items(), max_size=8), items())
def test_adding_a_credential_never_lowers_the_record(
    record: list[RecordItem], new: RecordItem
) -> None:
    before, after = transcript(record, NOW), transcript([*record, new], NOW)
    assert at_least(after.totals, before.totals)
    assert len(after.entries) == len(before.entries) + 1
    assert skills([*record, new]) >= skills(record)


@given(st.lists(items(), min_size=1, max_size=8), st.data())
def test_revoking_a_credential_never_raises_the_record(
    record: list[RecordItem], data: st.DataObject
) -> None:
    index = data.draw(st.integers(0, len(record) - 1))
    revoked = [*record]
    revoked[index] = RecordItem.parse(record[index].text, status="revoked")
    assert at_least(transcript(record, NOW).totals, transcript(revoked, NOW).totals)
    assert skills(revoked) <= skills(record)


@given(st.lists(items(), max_size=8))
def test_the_totals_count_exactly_the_valid_credentials(record: list[RecordItem]) -> None:
    result = transcript(record, NOW)
    assert result.totals.credentials == sum(item.valid(NOW) for item in record)
    assert [e.state == "valid" for e in result.entries].count(True) == result.totals.credentials
