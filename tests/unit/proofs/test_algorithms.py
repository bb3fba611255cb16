"""The shared steps: date checks, proof values, canonicalization wrappers, option checks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from credstack.errors import InvalidInput, InvalidJsonLd, UnsupportedCryptosuite
from credstack.proofs.algorithms import decode_proof_value, jcs, parse_datetime, rdfc
from credstack.proofs.eddsa_rdfc_2022 import SUITE


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-02-24T23:36:38Z", datetime(2023, 2, 24, 23, 36, 38, tzinfo=UTC)),
        ("2023-02-24T23:36:38.5+01:00",
         datetime(2023, 2, 24, 23, 36, 38, 500000, tzinfo=timezone(timedelta(hours=1)))),
        ("2023-02-24T23:36:38", datetime(2023, 2, 24, 23, 36, 38, tzinfo=UTC)),
    ],
)  # fmt: skip
def test_xsd_datetimes(value: str, expected: datetime) -> None:
    assert parse_datetime(value, "created") == expected


@pytest.mark.parametrize("value", ["2023-02-24", "2023-02-30T00:00:00Z", "yesterday", 12, None])
def test_not_datetimes(value: object) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_datetime(value, "created")
    assert info.value.code == "malformed_proof"


@pytest.mark.parametrize("value", ["uAAAA", "z0OIl", 42, None, ""])
def test_proof_values_must_be_base58btc(value: object) -> None:
    with pytest.raises(InvalidInput) as info:
        decode_proof_value(value)
    assert info.value.code == "malformed_proof"


def test_jcs_refuses_what_json_cannot_carry() -> None:
    assert jcs({"b": 1, "a": [1.5, "é"]}) == '{"a":[1.5,"é"],"b":1}'.encode()
    with pytest.raises(InvalidInput) as info:
        jcs({"a": float("nan")})
    assert info.value.code == "invalid_json"


def test_rdfc_reports_invalid_json_ld_as_such() -> None:
    with pytest.raises(InvalidJsonLd):
        rdfc({"@context": "x", "name": "relative context"})


def test_options_of_another_suite_are_refused() -> None:
    document = {"@context": ["https://www.w3.org/ns/credentials/v2"]}
    with pytest.raises(UnsupportedCryptosuite):
        SUITE.transformation(document, {"type": "DataIntegrityProof", "cryptosuite": "x"})
    with pytest.raises(UnsupportedCryptosuite):
        SUITE.proof_configuration({"type": "Ed25519Signature2020"}, document)
    with pytest.raises(InvalidInput) as info:
        SUITE.proof_configuration(
            {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "expires": "soon"},
            document,
        )
    assert info.value.code == "malformed_proof"
