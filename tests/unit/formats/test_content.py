"""Reading a stored credential for display: JSON, or a VC-JWT's payload."""

from __future__ import annotations

import base64
import json

import pytest

from credstack.errors import MalformedCredential
from credstack.formats.content import credential_content


def jwt(payload: object) -> str:
    def part(value: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    return f"{part({'alg': 'EdDSA'})}.{part(payload)}.c2ln"


def test_json_and_both_jwt_shapes() -> None:
    assert credential_content(' {"name": "A"} \n') == {"name": "A"}
    assert credential_content(jwt({"name": "B", "iss": "x"})) == {"name": "B", "iss": "x"}
    assert credential_content(jwt({"vc": {"name": "C"}, "iss": "x"})) == {"name": "C"}


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("not a credential", "neither JSON nor a compact JWT"),
        ("a.b", "neither JSON nor a compact JWT"),
        ("[1]", "neither JSON nor a compact JWT"),
        (jwt([1, 2]), "not a JSON object"),
        ("e30.@@@@.x", "base64url"),
    ],
)
def test_what_is_not_a_credential(text: str, why: str) -> None:
    with pytest.raises(MalformedCredential, match=why):
        credential_content(text)
