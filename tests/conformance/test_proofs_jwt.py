"""VC-JWT with the vector keys, and the validator's JWT fixtures (vectors README 3.1, 3.2).

The 1EdTech JWT fixtures are RS256 and name their key by a ``jwk`` header, nothing, or a
did:velocity; none can be verified offline with the methods Credstack resolves, and each is
refused with a code that says why.
"""

from __future__ import annotations

import pytest

from credstack.errors import InvalidJwt
from credstack.proofs.did_key import verification_method_id
from credstack.proofs.jose import sign_jwt, verify_jwt
from credstack.proofs.keys import PrivateKey, private_key_from_hex, private_key_from_key_file
from credstack.proofs.resolver import KeyResolver
from tests.conftest import read_vector_json, read_vector_text


@pytest.mark.parametrize(
    "key",
    [
        private_key_from_hex(read_vector_text("1edtech-ob3/ldp-vector/privateKeyHex.txt")),
        private_key_from_key_file(read_vector_json("w3c-vc-di-ecdsa/p256KeyPair.json")),
    ],
)
def test_ob_credential_as_vc_jwt(key: PrivateKey) -> None:
    credential = read_vector_json(
        "1edtech-ob3/ldp-vector/linked-data-proof-ob__01__Credential.json"
    )
    token = sign_jwt(credential, key, kid=verification_method_id(key.public_key))
    result = verify_jwt(token, KeyResolver())
    assert result.credential == credential
    assert result.payload["iss"] == "https://example.edu/issuers/565049"
    assert result.payload["sub"] == "did:example:ebfeb1f712ebc6f1c276e12ec21"
    assert result.payload["jti"] == "http://example.com/credentials/3527"
    assert result.payload["nbf"] == 1262304000  # validFrom 2010-01-01T00:00:00Z


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("1edtech-validator-ob30/simple.jwt", "unresolvable_key"),  # no kid at all
        ("1edtech-validator-clr20/simple.jwt", "unresolvable_key"),  # an embedded jwk only
        ("1edtech-validator-ob30/velocity.jwt", "unsupported_did_method"),
    ],
)
def test_validator_jwts_are_refused_with_a_reason(name: str, code: str) -> None:
    with pytest.raises(InvalidJwt) as info:
        verify_jwt(read_vector_text(name), KeyResolver())
    assert info.value.code == code
