"""Whatever a signed document or a JWT holds, verification reports; it never crashes.

An expected rejection is a ``ProofCheck`` or an ``InvalidJwt``; any other exception would be
a bug. Any value anywhere (proofs included) is replaced by arbitrary JSON.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credstack.errors import InvalidJwt
from credstack.proofs.data_integrity import verify_proofs
from credstack.proofs.did_key import verification_method_id
from credstack.proofs.jose import verify_jwt
from credstack.proofs.keys import generate_key
from credstack.proofs.multibase import base64url_encode
from credstack.proofs.resolver import KeyResolver, StaticFetcher
from tests.conftest import read_vector_json
from tests.unit.proofs.mutations import paths

SIGNED = [
    "w3c-vc-di-eddsa/eddsa-rdfc-2022/signedDataInt.json",
    "w3c-vc-di-eddsa/eddsa-jcs-2022/signedJCS.json",
    "w3c-vc-di-eddsa/proof-set-chain/signedProofChain2.json",
    "1edtech-validator-ob30/simple.json",
]
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
KEY = generate_key("ed25519")

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=6),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=6,
)


@SETTINGS
@given(data=st.data())
def test_any_value_anywhere_gives_checks(data: st.DataObject) -> None:
    document = copy.deepcopy(read_vector_json(data.draw(st.sampled_from(SIGNED))))
    path = data.draw(st.sampled_from(list(paths(document))))
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = data.draw(json_values)
    checks = verify_proofs(document, KeyResolver(StaticFetcher({})))
    assert checks
    assert all(check.code and check.message for check in checks)


headers = st.fixed_dictionaries(
    {},
    optional={
        "alg": st.sampled_from(["EdDSA", "Ed25519", "ES256", "none", "HS256"]) | json_values,
        "kid": st.sampled_from(
            [verification_method_id(KEY.public_key), "did:web:example.com#k", "x"]
        )
        | json_values,
        "typ": st.just("vc+jwt") | json_values,
        "crit": json_values,
    },
)
claims = st.sampled_from(
    ["vc", "iss", "sub", "nbf", "exp", "jti", "issuer", "validFrom", "validUntil", "id"]
)
payloads = st.dictionaries(claims, json_values | st.integers(-(10**20), 10**20))


@SETTINGS
@given(header=headers, payload=payloads, signed=st.booleans())
def test_any_jwt_is_verified_or_refused(
    header: dict[str, Any], payload: dict[str, Any], signed: bool
) -> None:
    head = base64url_encode(json.dumps(header).encode())
    body = base64url_encode(json.dumps(payload).encode())
    signature = base64url_encode(KEY.sign(f"{head}.{body}".encode())) if signed else "AA"
    try:
        verify_jwt(f"{head}.{body}.{signature}", KeyResolver(StaticFetcher({})))
    except InvalidJwt as exc:
        refusal = exc
    else:
        return
    assert refusal.code
    assert refusal.message
