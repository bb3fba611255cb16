from __future__ import annotations

from typing import Any

import pytest

from credstack.errors import UnsupportedCryptosuite
from credstack.proofs.suite import get_suite, suite_for_proof, suite_names


def test_registry_names() -> None:
    assert suite_names() == {
        "eddsa-rdfc-2022",
        "eddsa-jcs-2022",
        "ecdsa-rdfc-2019",
        "ecdsa-jcs-2019",
        "eddsa-2022",
        "Ed25519Signature2020",
    }
    assert get_suite("eddsa-2022").obsolete
    assert not get_suite("eddsa-2022").signs
    assert not get_suite("Ed25519Signature2020").signs
    assert get_suite("ecdsa-rdfc-2019").key_kinds == {"p256", "p384"}
    assert get_suite("ecdsa-jcs-2019").key_kinds == {"p256", "p384"}


def test_unknown_names_are_unsupported() -> None:
    with pytest.raises(UnsupportedCryptosuite) as info:
        get_suite("bbs-2023")
    assert info.value.code == "unsupported_cryptosuite"
    assert "eddsa-2022" not in info.value.message  # obsolete names are not advertised


@pytest.mark.parametrize(
    ("proof", "name"),
    [
        ({"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022"}, "eddsa-rdfc-2022"),
        ({"type": "DataIntegrityProof", "cryptosuite": "eddsa-2022"}, "eddsa-2022"),
        ({"type": "Ed25519Signature2020"}, "Ed25519Signature2020"),
    ],
)
def test_suite_for_proof(proof: dict[str, Any], name: str) -> None:
    assert suite_for_proof(proof).name == name


@pytest.mark.parametrize(
    "proof",
    [
        {"type": "DataIntegrityProof"},
        {"type": "DataIntegrityProof", "cryptosuite": "Ed25519Signature2020"},
        {"type": "DataIntegrityProof", "cryptosuite": ["eddsa-rdfc-2022"]},
        {"type": "SomeProofType"},
        {"type": "eddsa-rdfc-2022"},
        {"type": ["DataIntegrityProof"]},
        {},
    ],
)
def test_proofs_of_unknown_suites(proof: dict[str, Any]) -> None:
    with pytest.raises(UnsupportedCryptosuite):
        suite_for_proof(proof)
