"""The skills profile: alignments of valid credentials, by framework, with their proofs."""

from __future__ import annotations

import json
from typing import Any

import pytest

from credstack.formats.record import RecordItem
from credstack.formats.skills import skills_profile
from credstack.proofs.keys import PrivateKey, generate_key
from tests.unit.formats.records_data import ESCO_SKILL, NOW, achievement, signed

CRITICAL = {
    "type": ["Alignment"],
    "targetName": "Critical Thinking",
    "targetUrl": "https://www.onetonline.org/find/descriptor/result/2.A.2.a",
    "targetFramework": "O*NET",
    "targetCode": "2.A.2.a",
}


@pytest.fixture(scope="module")
def key() -> PrivateKey:
    return generate_key("ed25519")


def test_skills_are_grouped_by_framework_and_linked_to_their_credentials(
    key: PrivateKey,
) -> None:
    esco = {
        "type": ["Alignment"],
        "targetName": "use spreadsheets software",
        "targetUrl": ESCO_SKILL,
        "targetFramework": "ESCO",
        "targetType": "ceasn:Competency",
    }
    first = RecordItem.parse(signed(key, achievement("Stats", alignment=[CRITICAL, esco]), 1))
    second = RecordItem.parse(
        signed(
            key,
            achievement(
                "Data",
                alignment=[
                    {
                        **{k: v for k, v in CRITICAL.items() if k != "targetCode"},
                        "targetDescription": "Reasoning.",
                    }
                ],
                outcomes=[
                    {
                        "type": "LearningOutcome",
                        "title": "Spreadsheets",
                        "relatedESCOSkill": [ESCO_SKILL],
                    }
                ],
            ),
            2,
        )
    )
    profile = skills_profile([first, second], NOW)
    assert [f.framework for f in profile.frameworks] == ["ESCO", "O*NET"]
    assert profile.count == 2
    shown = profile.to_dict()
    [spreadsheets] = shown["frameworks"][0]["skills"]
    assert spreadsheets["targetUrl"] == ESCO_SKILL
    assert spreadsheets["name"] == "use spreadsheets software"
    assert [c["name"] for c in spreadsheets["credentials"]] == ["Stats", "Data"]
    [critical] = shown["frameworks"][1]["skills"]
    assert critical["targetCode"] == "2.A.2.a"
    assert critical["targetDescription"] == "Reasoning."
    assert critical["credentials"] == [
        {"id": first.id, "name": "Stats", "issuer": first.issuer_id},
        {"id": second.id, "name": "Data", "issuer": second.issuer_id},
    ]


def test_only_valid_credentials_prove_skills(key: PrivateKey) -> None:
    text = signed(key, achievement("Stats", alignment=[CRITICAL]), 1)
    assert skills_profile([RecordItem.parse(text, status="revoked")], NOW).count == 0
    assert skills_profile([RecordItem.parse(text)], NOW).count == 1


def item(alignment: Any = None, outcome: Any = None, name: str = "A") -> RecordItem:
    badge: dict[str, Any] = {"id": f"urn:{name}", "name": name}
    if alignment is not None:
        badge["alignment"] = alignment
    if outcome is not None:
        badge["learningOutcome"] = outcome
    return RecordItem.parse(
        json.dumps({"id": f"urn:c:{name}", "credentialSubject": {"achievement": badge}})
    )


def test_without_a_url_skills_match_by_code_then_by_name() -> None:
    by_code = [{"targetName": "X", "targetCode": "1", "targetFramework": "F"}]
    renamed = [{"targetName": "Y", "targetCode": "1", "targetFramework": "F"}]
    assert skills_profile([item(by_code), item(renamed, name="B")], NOW).count == 1
    named = [{"targetName": "Teamwork"}]
    shouted = [{"targetName": " TEAMWORK "}]
    profile = skills_profile([item(named), item(shouted, name="B")], NOW)
    assert [(f.framework, len(f.skills)) for f in profile.frameworks] == [("Other", 1)]


def test_esco_urls_are_esco_even_unlabelled_and_odd_entries_are_skipped() -> None:
    profile = skills_profile(
        [
            item(
                [ESCO_SKILL, {"targetFramework": "F"}, {"targetUrl": ESCO_SKILL}],
                [
                    "not an outcome",
                    {"relatedESCOSkill": {"id": "http://data.europa.eu/esco/skill/2"}},
                    {"relatedESCOSkill": [5]},
                ],
            )
        ],
        NOW,
    )
    assert [f.framework for f in profile.frameworks] == ["ESCO"]
    names = [s.name for s in profile.frameworks[0].skills]
    assert names == ["http://data.europa.eu/esco/skill/2", ESCO_SKILL]


def test_a_skill_first_seen_by_url_alone_takes_a_later_name() -> None:
    bare = item(outcome=[{"relatedESCOSkill": ESCO_SKILL}])
    named = item([{"targetName": "Spreadsheets", "targetUrl": ESCO_SKILL}], name="B")
    [framework] = skills_profile([bare, named], NOW).frameworks
    assert [(s.name, len(s.credentials)) for s in framework.skills] == [("Spreadsheets", 2)]
