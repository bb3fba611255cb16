"""Sign then verify holds for every suite; any single mutation of a signed credential fails.

Credentials are generated Open Badges 3.0 AchievementCredentials (VC 2.0). Example counts are
kept small: every example canonicalizes with RDFC-1.0, which is the slow part.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credstack.errors import InvalidJwt
from credstack.proofs.data_integrity import add_proof, verify_proofs
from credstack.proofs.did_key import did_key_for, verification_method_id
from credstack.proofs.jose import sign_jwt, verify_jwt
from credstack.proofs.keys import PrivateKey, generate_key
from credstack.proofs.multibase import base64url_decode, base64url_encode
from credstack.proofs.resolver import KeyResolver
from tests.unit.proofs.mutations import all_mutations

ED = generate_key("ed25519")
P256 = generate_key("p256")
SUITES: dict[str, PrivateKey] = {
    "eddsa-rdfc-2022": ED,
    "eddsa-jcs-2022": ED,
    "ecdsa-rdfc-2019": P256,
    "ecdsa-jcs-2019": P256,
    "jwt": ED,
}
CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])

CREDENTIAL_TYPES = ["OpenBadgeCredential", "AchievementCredential"]
text = st.text(min_size=1, max_size=24)
moments = st.datetimes(
    min_value=datetime(2000, 1, 1),  # noqa: DTZ001 - hypothesis bounds are naive; zone below
    max_value=datetime(2090, 1, 1),  # noqa: DTZ001
    timezones=st.just(UTC),
).map(lambda moment: moment.replace(microsecond=0))


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@st.composite
def credentials(draw: st.DrawFn) -> dict[str, Any]:
    """An OB 3.0 AchievementCredential, issued by the ``ED`` key's did:key."""
    achievement: dict[str, Any] = {
        "id": f"urn:uuid:{draw(st.uuids())}",
        "type": ["Achievement"],
        "name": draw(text),
        "description": draw(text),
        "criteria": {"narrative": draw(text)},
    }
    if draw(st.booleans()):
        achievement["achievementType"] = draw(st.sampled_from(["Badge", "Certificate", "Course"]))
    subject: dict[str, Any] = {"type": ["AchievementSubject"], "achievement": achievement}
    if draw(st.booleans()):
        subject["id"] = f"did:example:{draw(st.uuids()).hex}"
    valid_from = draw(moments)
    credential: dict[str, Any] = {
        "@context": list(CONTEXT),
        "id": f"urn:uuid:{draw(st.uuids())}",
        "type": ["VerifiableCredential", draw(st.sampled_from(CREDENTIAL_TYPES))],
        "issuer": {"id": did_key_for(ED.public_key), "type": ["Profile"], "name": draw(text)},
        "validFrom": _stamp(valid_from),
        "name": draw(text),
        "credentialSubject": subject,
    }  # fmt: skip
    if draw(st.booleans()):
        days = draw(st.integers(min_value=1, max_value=3650))
        credential["validUntil"] = _stamp(valid_from + timedelta(days=days))
    return credential


def _secure(credential: dict[str, Any], suite: str) -> dict[str, Any] | str:
    key = SUITES[suite]
    method = verification_method_id(key.public_key)
    if suite == "jwt":
        return sign_jwt(credential, key, kid=method)
    return add_proof(credential, key, cryptosuite=suite, verification_method=method)


def _verifies(secured: dict[str, Any] | str) -> bool:
    if isinstance(secured, str):
        try:
            verify_jwt(secured, KeyResolver())
        except InvalidJwt:
            return False
        return True
    return all(check.verified for check in verify_proofs(secured, KeyResolver()))


@pytest.mark.parametrize("suite", list(SUITES))
@SETTINGS
@given(credential=credentials())
def test_sign_then_verify(suite: str, credential: dict[str, Any]) -> None:
    assert _verifies(_secure(credential, suite))


def _with_payload(token: str, payload: dict[str, Any]) -> str:
    header, _, signature = token.split(".")
    body = base64url_encode(json.dumps(payload, ensure_ascii=False).encode())
    return f"{header}.{body}.{signature}"


@pytest.mark.parametrize("suite", list(SUITES))
@SETTINGS
@given(credential=credentials(), data=st.data())
def test_any_single_mutation_fails(
    suite: str, credential: dict[str, Any], data: st.DataObject
) -> None:
    secured = _secure(credential, suite)
    mutations: list[tuple[str, Any, dict[str, Any] | str]]
    if isinstance(secured, str):
        payload = json.loads(base64url_decode(secured.split(".")[1]))
        mutations = [(k, p, _with_payload(secured, m)) for k, p, m in all_mutations(payload)]
    else:
        mutations = list(all_mutations(secured))
    indexes = data.draw(
        st.lists(st.integers(0, len(mutations) - 1), min_size=1, max_size=10, unique=True),
        label="mutations",
    )
    survivors = [mutations[i][:2] for i in indexes if _verifies(mutations[i][2])]
    assert survivors == []
