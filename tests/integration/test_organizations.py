"""Organisations, their DIDs, key rotation and retirement, on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from credstack.errors import Conflict, InvalidInput, NotFound
from credstack.issue import issue
from credstack.proofs.did_key import resolve_did_key
from credstack.proofs.keys import public_key_from_multikey
from credstack.services import Services
from credstack.services.actors import Actor
from credstack.store.models import AuditEntry, SigningKey

OPERATOR = Actor.operator("test")
DID = "did:web:badges.example.edu%3A8443:orgs:acme"


def test_create_gives_a_did_web_under_the_base_url_and_one_ed25519_key(services: Services) -> None:
    org = services.organizations.create(OPERATOR, slug="acme", name="Acme Academy", country="nl")
    assert org.issuer_did == DID
    assert org.country == "NL"
    [key] = services.organizations.keys("acme")
    assert (key.kind, key.status, key.number) == ("ed25519", "active", 1)
    assert key.verification_method == f"{DID}#key-1"


def test_did_document_lists_the_key_for_assertion(services: Services) -> None:
    services.organizations.create(OPERATOR, slug="acme", name="Acme")
    [key] = services.organizations.keys("acme")
    document = services.organizations.did_document("acme")
    assert document["id"] == DID
    assert document["verificationMethod"] == [
        {
            "id": f"{DID}#key-1",
            "type": "Multikey",
            "controller": DID,
            "publicKeyMultibase": key.public_multikey,
        }
    ]
    assert document["assertionMethod"] == [f"{DID}#key-1"]


def test_rotation_keeps_old_methods_so_old_credentials_verify(services: Services) -> None:
    services.organizations.create(OPERATOR, slug="acme", name="Acme")
    first = services.organizations.signer("acme")
    new = services.organizations.rotate_key(OPERATOR, "acme")
    keys = services.organizations.keys("acme")
    assert [(k.number, k.status) for k in keys] == [(1, "retired"), (2, "active")]
    assert keys[0].retired_at is not None
    document = services.organizations.did_document("acme")
    assert document["assertionMethod"] == [f"{DID}#key-1", f"{DID}#key-2"]
    assert document["verificationMethod"][0]["publicKeyMultibase"] == (
        first.private_key.public_key.multikey
    )
    signer = services.organizations.signer("acme")
    assert signer.verification_method == new.verification_method == f"{DID}#key-2"
    assert signer.private_key.public_key == public_key_from_multikey(new.public_multikey)


def test_rotating_one_kind_leaves_the_other_active_and_retire_stops_it(services: Services) -> None:
    services.organizations.create(OPERATOR, slug="acme", name="Acme")
    p256 = services.organizations.rotate_key(OPERATOR, "acme", "p256")
    assert [k.status for k in services.organizations.keys("acme")] == ["active", "active"]
    assert services.organizations.signer("acme", "p256").private_key.kind == "p256"
    services.organizations.retire_key(OPERATOR, "acme", p256.id)
    with pytest.raises(NotFound) as raised:
        services.organizations.signer("acme", "p256")
    assert raised.value.code == "no_active_key"
    # Retired, yet still in the document: credentials it signed still verify.
    document = services.organizations.did_document("acme")
    assert f"{DID}#key-2" in document["assertionMethod"]


def test_the_last_active_key_cannot_be_retired(services: Services) -> None:
    services.organizations.create(OPERATOR, slug="acme", name="Acme")
    [key] = services.organizations.keys("acme")
    with pytest.raises(Conflict) as raised:
        services.organizations.retire_key(OPERATOR, "acme", key.id)
    assert raised.value.code == "last_active_key"


def test_signer_signs_credentials_that_name_the_org_did(services: Services) -> None:
    services.organizations.create(OPERATOR, slug="acme", name="Acme")
    signer = services.organizations.signer("acme")
    achievement = {
        "id": "https://badges.example.edu/achievements/1",
        "type": ["Achievement"],
        "name": "Teamwork",
        "description": "Works in a team.",
        "criteria": {"narrative": "Peer nominated."},
    }
    issued = issue(
        achievement,
        signer.private_key,
        recipient="learner@example.com",
        issuer={"id": signer.issuer_did, "type": ["Profile"]},
        verification_method=signer.verification_method,
    )
    assert issued.credential["issuer"]["id"] == DID
    assert issued.credential["proof"][0]["verificationMethod"] == f"{DID}#key-1"


def test_did_key_organisations_are_their_key_and_cannot_rotate(services: Services) -> None:
    org = services.organizations.create(OPERATOR, slug="solo", name="Solo", did_method="key")
    assert org.issuer_did.startswith("did:key:z6Mk")
    assert services.organizations.did_document("solo") == resolve_did_key(org.issuer_did)
    [key] = services.organizations.keys("solo")
    assert key.verification_method.startswith(org.issuer_did + "#")
    with pytest.raises(InvalidInput) as raised:
        services.organizations.rotate_key(OPERATOR, "solo")
    assert raised.value.code == "did_key_cannot_rotate"


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("slug", "Acme", "invalid_slug"),
        ("slug", "-acme", "invalid_slug"),
        ("slug", "a" * 64, "invalid_slug"),
        ("country", "NLD", "invalid_country"),
        ("url", "ftp://acme.example", "invalid_url"),
        ("email", "not-an-email", "invalid_email"),
        ("name", "  ", "invalid_name"),
    ],
)
def test_bad_input_has_stable_codes(services: Services, field: str, value: str, code: str) -> None:
    arguments = {"slug": "acme", "name": "Acme", field: value}
    with pytest.raises(InvalidInput) as raised:
        services.organizations.create(OPERATOR, **arguments)  # type: ignore[arg-type]
    assert raised.value.code == code


def test_a_taken_slug_is_a_conflict(services: Services) -> None:
    services.organizations.create(OPERATOR, slug="acme", name="Acme")
    with pytest.raises(Conflict) as raised:
        services.organizations.create(OPERATOR, slug="acme", name="Other")
    assert raised.value.code == "slug_taken"


def test_private_keys_are_stored_sealed(services: Services, session: Session) -> None:
    services.organizations.create(OPERATOR, slug="acme", name="Acme")
    signer = services.organizations.signer("acme")
    stored = session.scalars(select(SigningKey)).one()
    secret = signer.private_key.secret_multikey.encode()
    assert secret not in stored.encrypted_private_key
    assert signer.private_key.secret_multikey not in repr(stored)
    assert signer.private_key.secret_multikey not in repr(signer)


def test_changes_are_audited(services: Services, session: Session) -> None:
    org = services.organizations.create(OPERATOR, slug="acme", name="Acme")
    services.organizations.rotate_key(OPERATOR, "acme")
    actions = [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.at))]
    assert actions == ["organization.created", "key.rotated"]
    entries = services.audit.entries(OPERATOR, org.id)
    assert {e.actor for e in entries} == {"operator:test"}


def test_unknown_organisation_is_not_found(services: Services) -> None:
    with pytest.raises(NotFound) as raised:
        services.organizations.did_document("nobody")
    assert raised.value.code == "organization_not_found"
