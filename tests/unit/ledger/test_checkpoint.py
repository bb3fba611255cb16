"""Checkpoints and witness cosignatures (c2sp.org/tlog-checkpoint, tlog-cosignature)."""

from __future__ import annotations

import base64
import struct

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from credstack.errors import LedgerError
from credstack.ledger.checkpoint import (
    Checkpoint,
    Cosigner,
    cosignature_message,
    cosignature_time,
    open_checkpoint,
    require_witnesses,
    witnessed_by,
)
from credstack.ledger.note import COSIGNATURE, NoteSigner, Signature, parse_note, sign_note

# The example of c2sp.org/tlog-checkpoint.
SPEC_TEXT = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"


def keypair() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def log(name: str = "log.example/ledger") -> NoteSigner:
    key = keypair()
    return NoteSigner(name, key.public_key().public_bytes_raw(), key.sign)


def witness(name: str) -> Cosigner:
    key = keypair()
    return Cosigner(name, key.public_key().public_bytes_raw(), key.sign)


def test_the_spec_example_parses_and_prints_the_same() -> None:
    checkpoint = Checkpoint.from_text(SPEC_TEXT)
    assert (checkpoint.origin, checkpoint.size) == ("example.com/behind-the-sofa", 20852163)
    assert checkpoint.text == SPEC_TEXT


def test_the_spec_cosignature_message_is_exact() -> None:
    # The example message of c2sp.org/tlog-cosignature, "Ed25519 signed message".
    assert cosignature_message(SPEC_TEXT, 1679315147) == (
        b"cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\n"
        b"CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    )


@pytest.mark.parametrize(
    "text",
    [
        "origin\n12\n",
        "origin\n012\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
        "origin\n-1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
        "origin\n12\nnot base64!\n",
        "origin\n12\nAAAA\n",
        "\n12\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
        SPEC_TEXT + "extension\n",
    ],
)
def test_malformed_checkpoints_are_refused(text: str) -> None:
    with pytest.raises(LedgerError) as caught:
        Checkpoint.from_text(text)
    assert caught.value.code == "malformed_checkpoint"


def test_signed_checkpoint_opens_with_the_log_key_and_origin() -> None:
    signer = log()
    checkpoint = Checkpoint(signer.name, 5, b"\x07" * 32)
    opened, _ = open_checkpoint(sign_note(checkpoint.text, signer), signer.verifier)
    assert opened == checkpoint
    other = log("other.example/ledger")
    foreign = Checkpoint(other.name, 5, b"\x07" * 32)
    with pytest.raises(LedgerError) as caught:
        open_checkpoint(sign_note(foreign.text, signer), signer.verifier)
    assert caught.value.code == "checkpoint_origin_mismatch"


def test_cosignatures_count_only_trusted_witnesses_and_fail_when_forged() -> None:
    signer = log()
    checkpoint = Checkpoint(signer.name, 9, b"\x01" * 32)
    note = parse_note(sign_note(checkpoint.text, signer))
    w1, w2, w3 = witness("w1.example"), witness("w2.example"), witness("w3.example")
    cosigned = note.with_signatures([w1.cosign(checkpoint, 1700000000), w3.cosign(checkpoint, 5)])
    trusted = [w1.verifier, w2.verifier]
    assert witnessed_by(cosigned, trusted) == ["w1.example"]
    assert require_witnesses(cosigned, trusted, 1) == ["w1.example"]
    with pytest.raises(LedgerError) as caught:
        require_witnesses(cosigned, trusted, 2)
    assert caught.value.code == "witnesses_missing"
    line = w1.cosign(checkpoint, 1700000000)
    assert cosignature_time(line, w1.verifier, checkpoint.text) == 1700000000
    forged = Signature(line.name, line.key_id, struct.pack(">Q", 1700000001) + line.value[8:])
    with pytest.raises(LedgerError) as caught:
        witnessed_by(note.with_signatures([forged]), trusted)
    assert caught.value.code == "cosignature_invalid"


def test_a_cosignature_line_has_the_spec_layout() -> None:
    w = witness("witness.example/w1")
    line = w.cosign(Checkpoint.from_text(SPEC_TEXT), 1679315147)
    raw = base64.b64decode(line.line.split(" ")[-1])
    assert len(raw) == 4 + 8 + 64
    assert raw[4:12] == struct.pack(">Q", 1679315147)
    assert w.verifier.kind == COSIGNATURE
    assert w.verifier.vkey.startswith("witness.example/w1+")
    with pytest.raises(LedgerError):
        cosignature_time(Signature(line.name, line.key_id, b"short"), w.verifier, SPEC_TEXT)
    with pytest.raises(LedgerError):
        cosignature_time(line, witness("another").verifier, SPEC_TEXT)
    with pytest.raises(LedgerError):
        w.cosign(Checkpoint.from_text(SPEC_TEXT), -1)
