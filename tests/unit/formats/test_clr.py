"""CLR 2.0 export: a learner's credentials in one signed ClrCredential, with the stacking
associations, that the verifier checks whole and credential by credential."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from credstack.errors import InvalidInput, UndefinedTerm
from credstack.formats.clr import Association, associations, build_clr, sign_clr
from credstack.formats.evidence import digest_of
from credstack.formats.record import RecordItem
from credstack.issue import Suite
from credstack.model.clr import clr_problems
from credstack.model.identity import identity_object_for_email
from credstack.model.quality import EU_MICROCREDENTIAL_CONTEXT
from credstack.model.schema import validate
from credstack.proofs.did_key import did_key_for, verification_method_id
from credstack.proofs.keys import PrivateKey, generate_key
from credstack.verify import check
from tests.unit.formats.records_data import NOW, achievement, signed

LEARNER = {"identifier": [identity_object_for_email("ada@example.org", "salt").to_dict()]}


@pytest.fixture(scope="module")
def key() -> PrivateKey:
    return generate_key("ed25519")


def profile(key: PrivateKey) -> dict[str, Any]:
    return {"id": did_key_for(key.public_key), "type": ["Profile"], "name": "University"}


def stack(key: PrivateKey, *, digest: str | None = None) -> list[RecordItem]:
    """A component (ECTS, EU context), a JWT, and a stacked credential naming the component."""
    unit = signed(key, achievement("Unit", ects="5"), 1)
    other = signed(key, achievement("Other"), 2, suite="jwt")
    evidence = [
        {
            "id": RecordItem.parse(unit).id,
            "type": ["Evidence"],
            "digestMultibase": digest or digest_of(unit),
        }
    ]
    certificate = signed(key, achievement("Certificate"), 3, evidence=evidence)
    return [RecordItem.parse(t) for t in (unit, other, certificate)]


def clr_of(key: PrivateKey, items: list[RecordItem], **options: Any) -> dict[str, Any]:
    return build_clr(
        items,
        issuer=profile(key),
        learner=LEARNER,
        clr_id="urn:uuid:5e4e9a9e-0000-4000-8000-000000000001",
        valid_from=NOW,
        name="Record of Ada",
        **options,
    )


def test_the_clr_carries_credentials_achievements_and_associations(key: PrivateKey) -> None:
    items = stack(key)
    clr = clr_of(key, items)
    assert clr_problems(clr) == []
    assert clr["@context"][:2] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
    ]
    assert EU_MICROCREDENTIAL_CONTEXT in clr["@context"]  # the unit's creditPoint needs it
    subject = clr["credentialSubject"]
    assert subject["type"] == ["ClrSubject"]
    assert subject["identifier"] == LEARNER["identifier"]
    assert [a["name"] for a in subject["achievement"]] == ["Unit", "Other", "Certificate"]
    assert subject["verifiableCredential"][0] == json.loads(items[0].text)
    assert subject["verifiableCredential"][1]["type"] == "EnvelopedVerifiableCredential"
    unit, certificate = items[0].achievement_id, items[2].achievement_id
    assert subject["association"] == [
        {
            "type": "Association",
            "associationType": "isParentOf",
            "sourceId": certificate,
            "targetId": unit,
        },
        {
            "type": "Association",
            "associationType": "isPartOf",
            "sourceId": unit,
            "targetId": certificate,
        },
    ]
    assert "partial" not in clr
    assert clr_of(key, items[:1], partial=True)["partial"] is True


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022", "jwt"])
def test_the_signed_clr_and_every_credential_in_it_verify(key: PrivateKey, suite: Suite) -> None:
    signed_clr = sign_clr(
        clr_of(key, stack(key)),
        key,
        suite=suite,
        verification_method=verification_method_id(key.public_key),
        created=NOW,
    )
    report = check(signed_clr.text, now=NOW + timedelta(seconds=1))
    assert report.valid, [c.to_dict() for c in report.failures]
    assert "ClrCredential" in report.types
    assert [c.outcome for c in report.check("schema")] == ["passed"]
    assert [child.valid for child in report.children] == [True, True, True]
    assert all(
        [c.outcome for c in child.check("schema")] == ["passed"] for child in report.children
    )
    if suite != "jwt":
        assert isinstance(signed_clr.credential["proof"], list)


def test_a_p256_key_signs_with_ecdsa() -> None:
    p256 = generate_key("p256")
    ed = generate_key("ed25519")
    clr = build_clr(
        [RecordItem.parse(signed(ed, achievement("Unit"), 1))],
        issuer={"id": did_key_for(p256.public_key), "type": ["Profile"]},
        learner={"id": "did:example:ada"},
        clr_id="urn:uuid:1",
        valid_from=NOW,
        name="Record",
    )
    done = sign_clr(
        clr,
        p256,
        suite="ecdsa-rdfc-2019",
        verification_method=verification_method_id(p256.public_key),
        created=NOW,
    )
    report = check(done.text, now=NOW)
    assert report.valid
    assert report.children[0].valid


def test_every_credential_inside_stays_a_valid_open_badge(key: PrivateKey) -> None:
    clr = clr_of(key, stack(key))
    for credential in clr["credentialSubject"]["verifiableCredential"][::2]:
        assert validate(credential) == []


def test_a_credential_changed_inside_breaks_the_record_and_is_reported(key: PrivateKey) -> None:
    method = verification_method_id(key.public_key)
    done = sign_clr(
        clr_of(key, stack(key)),
        key,
        suite="eddsa-rdfc-2022",
        verification_method=method,
        created=NOW,
    )
    tampered = json.loads(done.text)
    tampered["credentialSubject"]["verifiableCredential"][0]["credentialSubject"]["achievement"][
        "name"
    ] = "Forged"
    report = check(json.dumps(tampered), now=NOW)
    assert not report.valid
    assert [c.outcome for c in report.check("proof")] == ["failed"]
    assert [child.valid for child in report.children] == [False, True, True]


def test_associations_need_the_issuers_own_stack_and_a_matching_digest(key: PrivateKey) -> None:
    items = stack(key)
    issuer = did_key_for(key.public_key)
    assert associations(items, issuer) == [
        Association("isParentOf", str(items[2].achievement_id), str(items[0].achievement_id)),
        Association("isPartOf", str(items[0].achievement_id), str(items[2].achievement_id)),
    ]
    # Another issuer's stacked credential asserts nothing in this issuer's record.
    assert associations(items, "did:example:someone-else") == []
    # The component is not in the record.
    assert associations(items[1:], issuer) == []
    # The component in the record is not the one the stack was awarded for.
    assert associations(stack(key, digest="uEiDnot-the-digest"), issuer) == []
    # Awarded twice: the links are not repeated.
    assert len(associations([*items, items[2]], issuer)) == 2


def test_a_component_of_another_issuer_is_linked_when_the_stack_names_it(key: PrivateKey) -> None:
    partner = generate_key("ed25519")
    unit = signed(partner, achievement("Partner unit"), 5)
    evidence = [
        {"id": RecordItem.parse(unit).id, "type": ["Evidence"], "digestMultibase": digest_of(unit)}
    ]
    certificate = signed(key, achievement("Certificate"), 6, evidence=evidence)
    items = [RecordItem.parse(unit), RecordItem.parse(certificate)]
    links = associations(items, did_key_for(key.public_key))
    assert [link.kind for link in links] == ["isParentOf", "isPartOf"]


def test_nothing_to_record_is_refused(key: PrivateKey) -> None:
    with pytest.raises(InvalidInput) as caught:
        clr_of(key, [])
    assert caught.value.code == "empty_record"
    with pytest.raises(InvalidInput) as caught:
        build_clr(
            stack(key),
            issuer={"name": "Nobody"},
            learner=LEARNER,
            clr_id="urn:x",
            valid_from=NOW,
            name="x",
        )
    assert caught.value.code == "invalid_issuer"


def test_a_suite_the_key_cannot_sign_is_refused(key: PrivateKey) -> None:
    clr = clr_of(key, stack(key))
    method = verification_method_id(key.public_key)
    for suite, code in (
        ("ecdsa-rdfc-2019", "key_suite_mismatch"),
        ("rsa", "unsupported_cryptosuite"),
    ):
        with pytest.raises(InvalidInput) as caught:
            sign_clr(clr, key, suite=suite, verification_method=method, created=NOW)  # type: ignore[arg-type]
        assert caught.value.code == code


def test_an_undefined_term_is_refused_before_signing_a_jwt(key: PrivateKey) -> None:
    clr = {**clr_of(key, stack(key)), "madeUp": 1}
    with pytest.raises(UndefinedTerm):
        sign_clr(
            clr,
            key,
            suite="jwt",
            verification_method=verification_method_id(key.public_key),
            created=NOW,
        )


def test_only_extension_contexts_of_the_credentials_are_added() -> None:
    inner = {
        "@context": [
            "https://www.w3.org/2018/credentials/v1",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
            "https://example.org/not-bundled",
            EU_MICROCREDENTIAL_CONTEXT,
            {"inline": "https://x/"},
        ],
        "id": "urn:c",
        "credentialSubject": {"achievement": {"id": "urn:a", "name": "A"}},
    }
    item = RecordItem.parse(json.dumps(inner))
    clr = build_clr(
        [item, item],
        issuer={"id": "did:example:u"},
        learner={"id": "did:example:ada"},
        clr_id="urn:x",
        valid_from=NOW,
        name="x",
    )
    assert clr["@context"][4:] == [EU_MICROCREDENTIAL_CONTEXT]
