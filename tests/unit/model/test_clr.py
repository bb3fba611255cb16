"""The CLR 2.0 data model's required properties, on the official vectors and on mutations."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from credstack.model.clr import clr_problems
from tests.conftest import read_vector_json

SIGNED_VECTOR = "1edtech-ob3/ldp-vector-clr2/linked-data-proof-clr__04__Signed-credential.json"


@pytest.mark.parametrize("name", [SIGNED_VECTOR, "1edtech-validator-clr20/simple.json"])
def test_the_official_clr_2_0_examples_are_complete(name: str) -> None:
    assert clr_problems(read_vector_json(name)) == []


def test_vc_1_1_records_lack_validfrom_and_the_vc_2_0_context() -> None:
    problems = clr_problems(read_vector_json("1edtech-validator-clr20/simple_v1.json"))
    assert problems == [
        "ClrCredential needs validFrom.",
        "@context must start with the VC 2.0 context and list the CLR context.",
    ]


def mutated(change: Any) -> list[str]:
    document = copy.deepcopy(read_vector_json(SIGNED_VECTOR))
    change(document)
    return clr_problems(document)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: d.pop("name"), "ClrCredential needs name."),
        (lambda d: d.update(type=["VerifiableCredential"]), "type must include"),
        (lambda d: d.update(issuer={"name": "x"}), "issuer must be an id"),
        (lambda d: d["@context"].pop(1), "@context must start"),
        (lambda d: d.update(credentialSubject=[]), "must be one ClrSubject object"),
        (lambda d: d["credentialSubject"].update(type="Person"), "type must include ClrSubject"),
        (lambda d: d["credentialSubject"].pop("verifiableCredential"), "at least one"),
        (lambda d: d["credentialSubject"]["achievement"].append({}), "achievement 2 must be"),
        (lambda d: d["credentialSubject"]["association"].append("x"), "association 1 must be"),
        (
            lambda d: d["credentialSubject"]["association"][0].update(type=["Association"]),
            "association 0's type",
        ),
        (
            lambda d: d["credentialSubject"]["association"][0].update(associationType="owns"),
            "associationType is not",
        ),
        (
            lambda d: d["credentialSubject"]["association"][0].pop("targetId"),
            "association 0 needs targetId",
        ),
    ],
)
def test_each_missing_part_is_named(change: Any, problem: str) -> None:
    problems = mutated(change)
    assert len(problems) == 1, problems
    assert problem in problems[0]
