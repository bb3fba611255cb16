"""What the benchmark measures: one operation per row, on a realistic Open Badges 3.0 credential.

Each row cycles through a pool of credentials that differ in their identifiers and names, so
no cache keyed by the document could make a row look faster than signing fresh credentials.
"""

from __future__ import annotations

import copy
import json
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import cycle
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from credstack.jsonld import canonicalize, reference
from credstack.proofs.data_integrity import add_proof, verify_proofs
from credstack.proofs.did_key import verification_method_id
from credstack.proofs.jose import sign_jwt, verify_jwt
from credstack.proofs.keys import generate_key
from credstack.proofs.resolver import KeyResolver
from credstack.verify import check

HERE = Path(__file__).resolve().parent
CREDENTIAL = HERE / "credential.json"
# The official vectors live beside the repository, as for the tests (tests/conftest.py).
VECTORS = Path(os.environ.get("CREDSTACK_VECTORS", HERE.parent.parent / "shared" / "vectors"))
OB_VECTOR = VECTORS / "1edtech-ob3/ldp-vector/linked-data-proof-ob__01__Credential.json"
POOL_SIZE = 32
CREATED = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Case:
    name: str
    operation: Callable[[], object]


def load(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def pool(template: dict[str, Any]) -> list[dict[str, Any]]:
    """``POOL_SIZE`` copies of ``template`` with their own identifiers and names."""
    documents = []
    for index in range(POOL_SIZE):
        document = copy.deepcopy(template)
        document["id"] = f"urn:uuid:{uuid.UUID(int=index + 1)}"
        document["name"] = f"{template.get('name', 'Credential')} #{index}"
        subject = document.get("credentialSubject")
        if isinstance(subject, dict):
            subject["id"] = f"did:example:learner-{index}"
        documents.append(document)
    return documents


def rotate(items: list[Any], call: Callable[[Any], object]) -> Callable[[], object]:
    source: Iterator[Any] = cycle(items)
    return lambda: call(next(source))


def canonicalize_cases() -> list[Case]:
    cases = []
    for label, path in (("OB 3.0 credential", CREDENTIAL), ("1EdTech OB vector", OB_VECTOR)):
        if not path.exists():
            continue
        documents = pool(load(path))
        for document in documents:  # both paths must agree before either is timed
            assert canonicalize(document) == reference.canonicalize(document), path
        cases.append(Case(f"canonicalize {label}: fast path", rotate(documents, canonicalize)))
        cases.append(Case(f"canonicalize {label}: pyld", rotate(documents, reference.canonicalize)))
    return cases


def _signer(suite: str, kind: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    key = generate_key(kind)  # type: ignore[arg-type]
    method = verification_method_id(key.public_key)

    def sign(document: dict[str, Any]) -> dict[str, Any]:
        return add_proof(
            document, key, cryptosuite=suite, verification_method=method, created=CREATED
        )

    return sign


def proof_cases() -> list[Case]:
    documents = pool(load(CREDENTIAL))
    resolver = KeyResolver()
    cases = []
    for suite, kind in (
        ("eddsa-rdfc-2022", "ed25519"),
        ("eddsa-jcs-2022", "ed25519"),
        ("ecdsa-rdfc-2019", "p256"),
    ):
        sign = _signer(suite, kind)
        signed = [sign(document) for document in documents]
        for document in signed:  # every signature must verify before anything is timed
            checks = verify_proofs(document, resolver)
            assert [check.code for check in checks] == ["ok"], checks
        cases.append(Case(f"{suite} sign", rotate(documents, sign)))
        cases.append(Case(f"{suite} verify", rotate(signed, lambda d: verify_proofs(d, resolver))))
    key = generate_key("ed25519")
    kid = verification_method_id(key.public_key)
    tokens = [sign_jwt(document, key, kid=kid) for document in documents]
    for token in tokens:
        verify_jwt(token, resolver)
    cases.append(
        Case("jwt (VC-JOSE, EdDSA) sign", rotate(documents, lambda d: sign_jwt(d, key, kid=kid)))
    )
    cases.append(
        Case("jwt (VC-JOSE, EdDSA) verify", rotate(tokens, lambda t: verify_jwt(t, resolver)))
    )
    return cases


def pipeline_cases() -> list[Case]:
    """The whole verifier (parse, context, model, schema, proof, validity, issuer) on JSON text."""
    key = generate_key("ed25519")
    method = verification_method_id(key.public_key)
    texts = []
    for document in pool(load(CREDENTIAL)):
        document["issuer"]["id"] = method.split("#")[0]  # the issuer signs with its own key
        proven = add_proof(document, key, cryptosuite="eddsa-rdfc-2022", verification_method=method)
        texts.append(json.dumps({**proven, "proof": [proven["proof"]]}))
    for text in texts:
        report = check(text)
        assert report.valid, report.to_dict()
        assert not report.warnings, report.to_dict()
    return [Case("verifier check(): eddsa-rdfc-2022 JSON text", rotate(texts, check))]


def raw_cases() -> list[Case]:
    """Ed25519 alone, with cryptography, over a 64-byte message (two SHA-256 digests)."""
    private = Ed25519PrivateKey.generate()
    public = private.public_key()
    message = bytes(range(64))
    signature = private.sign(message)
    return [
        Case("raw Ed25519 sign (cryptography)", lambda: private.sign(message)),
        Case("raw Ed25519 verify (cryptography)", lambda: public.verify(signature, message)),
    ]
