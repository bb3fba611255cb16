"""Ledger leaves, and the evidence a verifier checks."""

from __future__ import annotations

from dataclasses import replace

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from credstack.errors import LedgerError
from credstack.ledger import (
    Checkpoint,
    Cosigner,
    Entry,
    InclusionEvidence,
    LedgerTrust,
    MemoryTree,
    NoteSigner,
    check_inclusion,
    credential_digest,
    inclusion_proof,
    parse_note,
    root,
    sign_note,
)

ENTRY = Entry(
    "credential.issued", "https://x.example/credentials/1", "ab" * 32, "did:web:x", "2026-01-01"
)


def test_entries_are_canonical_json() -> None:
    assert ENTRY.encode() == (
        b'{"credential":"https://x.example/credentials/1","digest":"' + b"ab" * 32 + b'",'
        b'"issuer":"did:web:x","kind":"credential.issued","time":"2026-01-01"}'
    )


def test_a_backfilled_entry_says_so_and_round_trips() -> None:
    late = replace(ENTRY, time="2026-11-29T00:00:00Z", backfill="2026-01-01T00:00:00Z")
    data = late.encode()
    assert data.startswith(b'{"backfill":"2026-01-01T00:00:00Z","credential":')
    assert Entry.decode(data) == late
    assert Entry.decode(ENTRY.encode()).backfill is None


@pytest.mark.parametrize(
    "data",
    [
        b"not json",
        ENTRY.encode().replace(b'{"credential"', b'{"backfill":1,"credential"'),
        ENTRY.encode().replace(b'{"credential"', b'{"backfilled":"x","credential"'),
        b"[]",
        b'{"kind":"credential.issued"}',
        ENTRY.encode().replace(b",", b", ", 1),
        ENTRY.encode().replace(b"credential.issued", b"credential.stolen"),
    ],
)
def test_bad_leaves_are_refused(data: bytes) -> None:
    with pytest.raises(LedgerError) as caught:
        Entry.decode(data)
    assert caught.value.code == "invalid_entry"


def test_digest_is_of_the_canonical_form_or_the_jwt_text() -> None:
    assert credential_digest('{"a": 1}') == credential_digest('{\n  "a": 1\n}')
    assert credential_digest("eyJ.eyJ.sig") != credential_digest("eyJ.eyJ.sig2")
    with pytest.raises(LedgerError):
        credential_digest("{not json")


def make(required: int = 0) -> tuple[InclusionEvidence, LedgerTrust, Cosigner]:
    key, wkey = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    signer = NoteSigner("log.example", key.public_key().public_bytes_raw(), key.sign)
    witness = Cosigner("w.example", wkey.public_key().public_bytes_raw(), wkey.sign)
    leaves = [ENTRY.encode(), b"other", b"third"]
    tree = MemoryTree(leaves)
    checkpoint = Checkpoint("log.example", 3, root(3, tree))
    note = parse_note(sign_note(checkpoint.text, signer))
    cosigned = str(note.with_signatures([witness.cosign(checkpoint, 1)]))
    evidence = InclusionEvidence(0, leaves[0], inclusion_proof(0, 3, tree), cosigned)
    trust = LedgerTrust(signer.verifier, (witness.verifier,), required)
    return evidence, trust, witness


def test_evidence_checks_signature_witnesses_and_proof() -> None:
    evidence, trust, _ = make(required=1)
    checked = check_inclusion(evidence, trust)
    assert checked.entry == ENTRY
    assert checked.witnesses == ["w.example"]
    wrong = InclusionEvidence(1, evidence.leaf, evidence.proof, evidence.checkpoint)
    with pytest.raises(LedgerError) as caught:
        check_inclusion(wrong, trust)
    assert caught.value.code == "inclusion_proof_mismatch"
    with pytest.raises(LedgerError):
        LedgerTrust(trust.log, (), 1)


def test_a_credential_jcs_cannot_encode_is_refused() -> None:
    with pytest.raises(LedgerError):
        credential_digest({"n": float("nan")})
