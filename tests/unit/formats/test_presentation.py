"""Presentations of credentials as issued: JSON embedded as it parses, JWTs enveloped."""

from __future__ import annotations

import json

from credstack.formats.presentation import ENVELOPED_JWT, enveloped, presentation


def test_credentials_keep_their_order_and_content() -> None:
    data = {"@context": ["https://www.w3.org/ns/credentials/v2"], "id": "urn:example:1"}
    vp = presentation(
        [json.dumps(data, indent=2), "\n h.p.s \n"],
        presentation_id="urn:uuid:vp",
        holder="did:example:holder",
    )
    assert vp["id"] == "urn:uuid:vp"
    assert vp["holder"] == "did:example:holder"
    assert vp["verifiableCredential"] == [data, enveloped("h.p.s")]
    assert vp["verifiableCredential"][1]["id"] == ENVELOPED_JWT + "h.p.s"


def test_no_holder_unless_given() -> None:
    assert "holder" not in presentation(["a.b.c"], presentation_id="urn:uuid:vp")
