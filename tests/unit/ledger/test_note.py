"""Signed notes against the Go reference example (golang.org/x/mod/sumdb/note), byte for byte."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from credstack.errors import LedgerError
from credstack.ledger.note import (
    NoteSigner,
    NoteVerifier,
    open_note,
    parse_note,
    sign_note,
)

VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
SIGNATURE = (
    "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngo"
    "tpRZb6KE6RyyBwJnAM=\n"
)
NOTE = TEXT + "\n" + SIGNATURE


def peter() -> NoteSigner:
    seed = base64.b64decode(SKEY.split("+", 4)[4])[1:]
    key = Ed25519PrivateKey.from_private_bytes(seed)
    return NoteSigner("PeterNeumann", key.public_key().public_bytes_raw(), key.sign)


def test_signing_reproduces_the_reference_note_and_key() -> None:
    signer = peter()
    assert sign_note(TEXT, signer) == NOTE
    assert signer.verifier.vkey == VKEY
    assert NoteVerifier.from_vkey(VKEY) == signer.verifier


def test_the_reference_note_opens_and_round_trips() -> None:
    note = open_note(NOTE, [NoteVerifier.from_vkey(VKEY)])
    assert note.text == TEXT
    assert str(note) == NOTE


def test_a_changed_text_is_refused() -> None:
    with pytest.raises(LedgerError, match="does not verify") as caught:
        open_note(NOTE.replace("cryptography", "cryptographY"), [NoteVerifier.from_vkey(VKEY)])
    assert caught.value.code == "note_signature_invalid"


def test_unknown_keys_are_ignored_but_one_known_key_is_needed() -> None:
    other = Ed25519PrivateKey.generate()
    stranger = NoteSigner("Stranger", other.public_key().public_bytes_raw(), other.sign)
    note = parse_note(NOTE)
    extra = parse_note(sign_note(TEXT, stranger)).signatures
    both = note.with_signatures(extra)
    assert open_note(str(both), [NoteVerifier.from_vkey(VKEY)]).text == TEXT
    with pytest.raises(LedgerError) as caught:
        open_note(NOTE, [stranger.verifier])
    assert caught.value.code == "note_unverified"


@pytest.mark.parametrize(
    "vkey",
    [
        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # wrong id
        "PeterNeumann+c74f20a3+AhpcZ2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # wrong type
        "PeterNeumann+c74f20a3",
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+zz4f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    ],
)
def test_bad_verifier_keys_are_refused(vkey: str) -> None:
    with pytest.raises(LedgerError) as caught:
        NoteVerifier.from_vkey(vkey)
    assert caught.value.code == "invalid_verifier_key"


@pytest.mark.parametrize(
    "note",
    [
        TEXT,  # no signatures
        TEXT + "\n" + SIGNATURE.rstrip("\n"),  # no final newline
        TEXT + "\n" + SIGNATURE.replace("\u2014", "-"),
        TEXT + "\n" + "\u2014 PeterNeumann !!!\n",
        TEXT + "\n" + "\u2014 PeterNeumann AAAA\n",  # shorter than a key id
        TEXT.replace("\n", "\r\n", 1) + "\n" + SIGNATURE,
        b"\xff\xfe" + NOTE.encode(),
        b"x" * (1 << 20 + 1),
    ],
)
def test_malformed_notes_are_refused(note: str | bytes) -> None:
    with pytest.raises(LedgerError) as caught:
        parse_note(note)
    assert caught.value.code == "malformed_note"


@pytest.mark.parametrize("text", ["no newline", "two\n\nparagraphs\n", "tab\there\n"])
def test_texts_that_cannot_be_signed_are_refused(text: str) -> None:
    with pytest.raises(LedgerError):
        sign_note(text, peter())
