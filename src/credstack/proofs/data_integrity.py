"""Adding and verifying Data Integrity proofs, including proof sets and proof chains.

VC Data Integrity 1.0: section 4.2 (Add Proof), 4.3 (Add Proof Set/Chain), 4.4 (Verify Proof)
and 4.5 (Verify Proof Sets and Chains). A document may carry several proofs; every one must
verify. A proof that names others in ``previousProof`` signs the document *with* those proofs,
so they cannot be removed without breaking it (section 2.1.2).

>>> from credstack.proofs.keys import generate_key
>>> from credstack.proofs.did_key import verification_method_id
>>> from credstack.proofs.resolver import KeyResolver
>>> key = generate_key("ed25519")
>>> doc = {"@context": ["https://www.w3.org/ns/credentials/v2"],
...        "type": ["VerifiableCredential"], "issuer": "did:example:1",
...        "credentialSubject": {"id": "did:example:2"}}
>>> signed = add_proof(doc, key, cryptosuite="eddsa-rdfc-2022",
...                    verification_method=verification_method_id(key.public_key))
>>> [check.code for check in verify_proofs(signed, KeyResolver())]
['ok']
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from credstack.errors import (
    InvalidInput,
    KeyManagementError,
    MalformedCredential,
    ResolutionError,
    UnsupportedCryptosuite,
)
from credstack.model.plain_json import checked_copy
from credstack.model.plain_json import copy as copy_json
from credstack.proofs.algorithms import malformed_proof, parse_datetime
from credstack.proofs.did_key import check_did_key_method
from credstack.proofs.keys import PrivateKey
from credstack.proofs.resolver import KeyResolver, VerificationMethod
from credstack.proofs.suite import Cryptosuite, get_suite, suite_for_proof


@dataclass(frozen=True)
class ProofCheck:
    """The outcome for one proof of a document.

    ``code`` is stable (``ok`` when ``verified``); ``message`` is a sentence a person can act on.
    """

    index: int
    type: str
    cryptosuite: str
    verification_method: str
    verified: bool
    code: str
    message: str
    from_fragment: bool = False
    obsolete: bool = False
    # The controller of the resolved verification method, for the issuer check.
    controller: str | None = None


def _proofs_of(document: Mapping[str, Any]) -> list[Any]:
    raw = document.get("proof")
    if raw is None:
        return []
    return list(raw) if isinstance(raw, list) else [raw]


def _timestamp(moment: datetime | None) -> str:
    """``created`` to the second in UTC (``2026-03-01T09:00:00Z``), now when ``moment`` is
    None."""
    if moment is None:
        return _utc_second(int(time.time()))
    if moment.tzinfo is None:
        raise InvalidInput(
            "The proof's created time must carry a time zone.", code="naive_datetime"
        )
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    # isoformat and a slice take about half the time of strftime, on every signature; and
    # isoformat pads years before 1000 to the four digits XML Schema requires.
    return moment.isoformat(timespec="seconds")[:19] + "Z"


# Signing in bulk stamps thousands of proofs with the same second: it is written once.
@lru_cache(maxsize=1)
def _utc_second(seconds: int) -> str:
    return _timestamp(datetime.fromtimestamp(seconds, UTC))


def _previous_ids(value: object) -> list[str]:
    ids = value if isinstance(value, list) else [value]
    if not ids or not all(isinstance(i, str) and i for i in ids):
        raise malformed_proof("previousProof must be a proof id or a list of proof ids.")
    return list(ids)


def _matching_proofs(
    previous: object, all_proofs: Sequence[Any], own: Mapping[str, Any] | None = None
) -> list[Any]:
    """Section 4.5 step 3.2: the proofs that ``previousProof`` names, in its order."""
    matches: list[Any] = []
    for proof_id in _previous_ids(previous):
        found = [
            p
            for p in all_proofs
            if isinstance(p, Mapping) and p.get("id") == proof_id and p is not own
        ]
        if not found:
            raise MalformedCredential(
                f"The proof names {proof_id!r} as its previous proof, but the document has no "
                "proof with that id; a proof of the chain was removed or changed.",
                code="missing_previous_proof",
            )
        matches.append(found[0])
    return matches


def add_proof(
    document: Mapping[str, Any],
    key: PrivateKey,
    *,
    cryptosuite: str,
    verification_method: str,
    created: datetime | None = None,
    proof_purpose: str = "assertionMethod",
    previous_proof: str | Sequence[str] | None = None,
    proof_id: str | None = None,
) -> dict[str, Any]:
    """A copy of ``document`` with one more proof (Add Proof, Add Proof Set/Chain).

    The new proof joins any existing ones as a proof set (``proof`` becomes a list). With
    ``previous_proof`` it is a chain link: it signs the document together with the proofs it
    names. ``created`` defaults to now (to the second, UTC).
    """
    suite = get_suite(cryptosuite)
    if not suite.signs:
        raise UnsupportedCryptosuite(
            f"{cryptosuite} is accepted for verification only; sign with eddsa-rdfc-2022."
        )
    if key.kind not in suite.key_kinds:
        raise KeyManagementError(
            f"{cryptosuite} signs with {' or '.join(sorted(suite.key_kinds))} keys, not "
            f"{key.kind}; use a matching key or another cryptosuite.",
            code="key_type_mismatch",
        )
    check_did_key_method(verification_method, key.public_key)
    existing = _proofs_of(document)
    if existing and not all(isinstance(p, Mapping) for p in existing):
        raise malformed_proof("The document's existing proof is not a JSON object.")
    if proof_id is not None and any(p.get("id") == proof_id for p in existing):
        raise InvalidInput(
            f"The document already has a proof with id {proof_id!r}.", code="duplicate_proof_id"
        )
    options: dict[str, Any] = {"type": suite.proof_type}
    if proof_id is not None:
        options["id"] = proof_id
    if suite.proof_type == "DataIntegrityProof":
        options["cryptosuite"] = suite.name
    options["created"] = _timestamp(created)
    options["verificationMethod"] = verification_method
    options["proofPurpose"] = proof_purpose
    if type(document) is dict and "proof" not in document:
        source: dict[str, Any] = document
    else:
        source = {k: v for k, v in document.items() if k != "proof"}
    try:
        # One walk copies the document (the result shares nothing mutable with the caller's)
        # and checks that JCS may write it fast; the copy is signed, then becomes the result.
        result: dict[str, Any]
        result, values_checked = checked_copy(source)
        signed_input = result
        if previous_proof is not None:
            previous = previous_proof if isinstance(previous_proof, str) else list(previous_proof)
            options["previousProof"] = previous
            signed_input = dict(result)
            signed_input["proof"] = copy_json(_matching_proofs(previous, existing))
            values_checked = False
        proof = suite.create_proof(signed_input, options, key, values_checked=values_checked)
        result["proof"] = [*copy_json(existing), proof] if existing else proof
    except RecursionError as exc:
        # Parsed JSON is refused past 64 levels (model.parse); a document built in Python
        # reaches here with any depth, and the copy and canonicalization recurse.
        raise _too_deep() from exc
    return result


def _too_deep() -> MalformedCredential:
    return MalformedCredential(
        "The document is nested too deep to canonicalize; no credential needs that many "
        "levels, so it is refused.",
        code="too_deep",
    )


def _failed(
    index: int, proof: Mapping[str, Any], code: str, message: str, *, obsolete: bool = False
) -> ProofCheck:
    return ProofCheck(
        index=index,
        type=_text(proof.get("type")),
        cryptosuite=_text(proof.get("cryptosuite")),
        verification_method=_text(proof.get("verificationMethod")),
        verified=False,
        code=code,
        message=message,
        obsolete=obsolete,
    )


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _check_shape(proof: Mapping[str, Any], now: datetime | None) -> None:
    """Section 4.4 step 3, and the proof's own validity window when a clock is given."""
    for name in ("type", "verificationMethod", "proofPurpose"):
        if not isinstance(proof.get(name), str) or not proof[name]:
            raise malformed_proof(f"The proof has no {name}; it cannot be verified.")
    if "proofValue" not in proof:
        raise malformed_proof("The proof has no proofValue: it holds no signature.")
    for name in ("created", "expires"):
        if name in proof:
            parse_datetime(proof[name], name)
    if now is not None and "expires" in proof and parse_datetime(proof["expires"], "") <= now:
        raise InvalidInput(
            f"The proof expired at {proof['expires']}; ask the issuer for a new one.",
            code="proof_expired",
        )


def _success(
    index: int, proof: Mapping[str, Any], suite: Cryptosuite, method: VerificationMethod
) -> ProofCheck:
    message = f"The signature verifies with the key {method.id}."
    if method.from_fragment:
        message += (
            f" The key was read from the method's URL fragment, so it is not confirmed that "
            f"{method.controller} controls it."
        )
    if suite.obsolete:
        message += (
            f" The proof uses the legacy suite {suite.name!r}; new proofs use eddsa-rdfc-2022."
        )
    return ProofCheck(
        index=index,
        type=suite.proof_type,
        cryptosuite=_text(proof.get("cryptosuite")),
        verification_method=method.id,
        verified=True,
        code="ok",
        message=message,
        from_fragment=method.from_fragment,
        obsolete=suite.obsolete,
        controller=method.controller,
    )


def _verify_one(
    index: int,
    proof: object,
    all_proofs: Sequence[Any],
    unsecured: Mapping[str, Any],
    resolver: KeyResolver,
    expected_purpose: str,
    now: datetime | None,
) -> ProofCheck:
    if not isinstance(proof, Mapping):
        return _failed(index, {}, "malformed_proof", "The proof is not a JSON object.")
    obsolete = False
    try:
        suite = suite_for_proof(proof)
        obsolete = suite.obsolete
        _check_shape(proof, now)
        if proof["proofPurpose"] != expected_purpose:
            return _failed(
                index,
                proof,
                "proof_purpose_mismatch",
                f"The proof's purpose is {proof['proofPurpose']!r}, but {expected_purpose!r} "
                "is required here.",
                obsolete=obsolete,
            )
        document = dict(unsecured)
        if "previousProof" in proof:
            document["proof"] = _matching_proofs(proof["previousProof"], all_proofs, proof)
        method = resolver.resolve(proof["verificationMethod"], purpose=expected_purpose)
        if method.public_key.kind not in suite.key_kinds:
            return _failed(
                index,
                proof,
                "key_type_mismatch",
                f"The key {method.id} is {method.public_key.kind}, which {suite.name} does not "
                "use; the proof cannot be valid.",
                obsolete=obsolete,
            )
        if not suite.verify_proof(document, proof, method.public_key):
            return _failed(
                index,
                proof,
                "invalid_signature",
                f"The signature does not match the document and the key {method.id}: the "
                "credential was changed after signing, or signed by another key.",
                obsolete=obsolete,
            )
    except (InvalidInput, ResolutionError, KeyManagementError) as exc:
        # Expected rejections (unsupported suite, bad shape, JSON-LD errors, unresolvable
        # key) become reports; anything else is a bug and propagates.
        return _failed(index, proof, exc.code, exc.message, obsolete=obsolete)
    except RecursionError:
        deep = _too_deep()
        return _failed(index, proof, deep.code, deep.message, obsolete=obsolete)
    return _success(index, proof, suite, method)


def verify_proofs(
    document: Mapping[str, Any],
    resolver: KeyResolver,
    *,
    expected_purpose: str = "assertionMethod",
    now: datetime | None = None,
) -> list[ProofCheck]:
    """One ``ProofCheck`` per proof of ``document`` (section 4.5); all must be ``verified``.

    A document without a proof gives one failed check (``no_proof``). With ``now``, a proof
    whose ``expires`` has passed fails (``proof_expired``).
    """
    proofs = _proofs_of(document)
    if not proofs:
        return [
            ProofCheck(
                index=0,
                type="",
                cryptosuite="",
                verification_method="",
                verified=False,
                code="no_proof",
                message="The document carries no proof, so nothing shows who issued it or that "
                "it is unchanged.",
            )
        ]
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    return [
        _verify_one(index, proof, proofs, unsecured, resolver, expected_purpose, now)
        for index, proof in enumerate(proofs)
    ]
