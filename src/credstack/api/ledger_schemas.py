"""What the ledger endpoints answer (``XPublic`` models for the OpenAPI document)."""

from __future__ import annotations

import base64
import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from credstack.ledger import leaf_hash
from credstack.services.ledger import CredentialProof, ProvenEntry


def b64(value: bytes) -> str:
    return base64.b64encode(value).decode()


class _Public(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class LedgerPublic(_Public):
    """The log: its origin (and key name), its verifier key, its size and signed size."""

    origin: str
    log_key: str = Field(description="C2SP verifier key of the log: name+keyid+base64(0x01||key)")
    size: int
    signed_size: int
    checkpoint_url: str


class ProvenEntryPublic(_Public):
    index: int
    kind: str
    leaf: str = Field(description="The leaf's bytes (RFC 8785 JSON), base64")
    leaf_hash: str = Field(description="SHA-256(0x00 || leaf), base64 (RFC 9162 section 2.1.1)")
    entry: dict[str, Any]
    proof: list[str] = Field(description="The inclusion path, lowest level first, base64")

    @classmethod
    def of(cls, proven: ProvenEntry) -> ProvenEntryPublic:
        return cls(
            index=proven.index,
            kind=proven.kind,
            leaf=b64(proven.data),
            leaf_hash=b64(leaf_hash(proven.data)),
            entry=json.loads(proven.data),
            proof=[b64(h) for h in proven.proof],
        )


class InclusionPublic(_Public):
    """A credential's leaves, each with its inclusion proof in the tree of ``treeSize``."""

    credential_id: str
    tree_size: int
    checkpoint: str | None = Field(description="The signed checkpoint note the proofs lead to")
    entries: list[ProvenEntryPublic]
    pending: list[int] = Field(description="Leaves not yet covered by a signed checkpoint")

    @classmethod
    def of(cls, proof: CredentialProof) -> InclusionPublic:
        return cls(
            credential_id=proof.credential_id,
            tree_size=proof.tree_size,
            checkpoint=proof.checkpoint,
            entries=[ProvenEntryPublic.of(e) for e in proof.entries],
            pending=proof.pending,
        )


class ConsistencyPublic(BaseModel):
    from_: int = Field(alias="from")
    to: int
    proof: list[str] = Field(description="RFC 9162 section 2.1.4 consistency proof, base64")


class CosignaturesPublic(_Public):
    accepted: list[str] = Field(description="The trusted witnesses whose cosignature was kept")
