"""The ``ledger`` check with a small in-memory log standing in for the database."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from credstack.ledger import (
    Checkpoint,
    Entry,
    InclusionEvidence,
    LedgerTrust,
    MemoryTree,
    NoteSigner,
    credential_digest,
    inclusion_proof,
    root,
    sign_note,
)
from credstack.verify.ledger import LedgerLookup, check_ledger
from credstack.verify.report import VerificationReport

CREDENTIAL = {"id": "https://x.example/credentials/1", "name": "Badge"}
ID = CREDENTIAL["id"]


@dataclass
class FakeLog:
    """One credential's issuance, logged as leaf 1 of 3, and a signed checkpoint."""

    entry: Entry
    signed: bool = True
    trust_other_key: bool = False

    def lookup(self, credential_id: str) -> LedgerLookup | None:
        if credential_id != ID:
            return None
        key = Ed25519PrivateKey.generate()
        signer = NoteSigner("x.example/ledger", key.public_key().public_bytes_raw(), key.sign)
        leaves = [b"zero", self.entry.encode(), b"two"]
        tree = MemoryTree(leaves)
        note = sign_note(Checkpoint(signer.name, 3, root(3, tree)).text, signer)
        other = Ed25519PrivateKey.generate().public_key().public_bytes_raw()
        trusted = NoteSigner(signer.name, other, key.sign) if self.trust_other_key else signer
        evidence = InclusionEvidence(1, leaves[1], inclusion_proof(1, 3, tree), note)
        return LedgerLookup(LedgerTrust(trusted.verifier), evidence if self.signed else None, 1)


def entry(**changes: str) -> Entry:
    fields = {
        "kind": "credential.issued",
        "credential": ID,
        "digest": credential_digest(CREDENTIAL),
        "issuer": "did:web:x.example",
        "time": "2026-01-01T00:00:00Z",
        **changes,
    }
    return Entry(**fields)


def run(log: FakeLog | None, credential: object = CREDENTIAL, cid: str | None = ID) -> list[str]:
    report = VerificationReport()
    check_ledger(credential, cid, report, log)  # type: ignore[arg-type]
    return [f"{c.outcome}:{c.code}" for c in report.check("ledger")]


def test_a_logged_unchanged_credential_passes() -> None:
    assert run(FakeLog(entry())) == ["passed:ok"]
    assert run(FakeLog(entry()), json.dumps(CREDENTIAL, indent=2)) == ["passed:ok"]


@pytest.mark.parametrize(
    ("log", "credential", "cid", "expected"),
    [
        (None, CREDENTIAL, ID, []),
        (FakeLog(entry()), CREDENTIAL, None, []),
        (FakeLog(entry()), CREDENTIAL, "https://x.example/credentials/2", []),
        (FakeLog(entry(), signed=False), CREDENTIAL, ID, ["warning:ledger_pending"]),
        (FakeLog(entry(), trust_other_key=True), CREDENTIAL, ID, ["failed:note_unverified"]),
        (
            FakeLog(entry(kind="credential.revoked")),
            CREDENTIAL,
            ID,
            ["failed:ledger_entry_mismatch"],
        ),
        (FakeLog(entry(credential="urn:x")), CREDENTIAL, ID, ["failed:ledger_entry_mismatch"]),
        (
            FakeLog(entry()),
            {**CREDENTIAL, "name": "Changed"},
            ID,
            ["failed:ledger_digest_mismatch"],
        ),
    ],
)
def test_what_the_check_reports(
    log: FakeLog | None, credential: object, cid: str | None, expected: list[str]
) -> None:
    assert run(log, credential, cid) == expected
