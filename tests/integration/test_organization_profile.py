"""An organisation's Profile fields and its key list, through the service, on both databases."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from credstack.errors import Forbidden, InvalidInput
from credstack.services import Services
from credstack.services.actors import Actor
from credstack.services.profiles import issuer_profile
from credstack.store.models import AuditEntry

OPERATOR = Actor.operator("test")


def test_create_takes_every_profile_field(services: Services) -> None:
    org = services.organizations.create(
        OPERATOR,
        slug="acme",
        name=" Acme ",
        country="de",
        image="https://acme.example/logo.png",
        locality="Berlin",
        accreditation="ZEvA",
    )
    assert (org.name, org.country, org.locality, org.accreditation) == (
        "Acme",
        "DE",
        "Berlin",
        "ZEvA",
    )
    profile = issuer_profile(org)
    assert profile["address"]["addressCountry"] == "Germany"
    assert "qualityAssurance" not in profile  # only where the EU context defines the term
    assert issuer_profile(org, accreditation=True)["qualityAssurance"] == [
        {"type": "Accreditation", "title": "ZEvA"}
    ]


def test_update_records_the_changed_fields_only(services: Services, session: Session) -> None:
    services.organizations.create(OPERATOR, slug="acme", name="Acme", url="https://a.example")
    services.organizations.update(
        OPERATOR, "acme", {"url": "https://a.example", "email": "X@A.example", "region": None}
    )
    [entry] = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "organization.updated")
    ).all()
    assert entry.detail == {"fields": ["email"]}
    services.organizations.update(OPERATOR, "acme", {"email": "x@a.example"})
    updates = session.scalars(select(AuditEntry).where(AuditEntry.action == "organization.updated"))
    assert len(updates.all()) == 1


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"slug": "other"}, "unknown_profile_field"),
        ({"issuer_did": "did:web:evil.example"}, "unknown_profile_field"),
        ({"postal_code": "1" * 33}, "invalid_postal_code"),
        ({"name": "ok", "country": "XK"}, "invalid_country"),
    ],
)
def test_update_checks_everything_before_changing_anything(
    services: Services, changes: dict[str, str], code: str
) -> None:
    org = services.organizations.create(OPERATOR, slug="acme", name="Acme")
    with pytest.raises(InvalidInput) as refused:
        services.organizations.update(OPERATOR, "acme", changes)
    assert refused.value.code == code
    assert (org.name, org.slug, org.postal_code) == ("Acme", "acme", None)


def test_only_admins_of_the_organisation_update_it(services: Services) -> None:
    org = services.organizations.create(OPERATOR, slug="acme", name="Acme")
    other = services.organizations.create(OPERATOR, slug="other", name="Other")
    for actor, code in [
        (Actor(kind="token", id="t", organization_id=org.id, role="issuer"), "role_too_weak"),
        (Actor(kind="token", id="t", organization_id=other.id, role="owner"), "other_organization"),
    ]:
        with pytest.raises(Forbidden) as refused:
            services.organizations.update(actor, "acme", {"name": "Taken over"})
        assert refused.value.code == code
    assert org.name == "Acme"


def test_keys_are_listed_a_page_at_a_time_to_members(services: Services) -> None:
    org = services.organizations.create(OPERATOR, slug="acme", name="Acme")
    services.organizations.rotate_key(OPERATOR, "acme", "p256")
    services.organizations.rotate_key(OPERATOR, "acme")
    member = Actor(kind="token", id="t", organization_id=org.id, role="assessor")
    keys = services.organizations.list_keys(member, "acme")
    assert [(k.number, k.kind, k.status) for k in keys] == [
        (1, "ed25519", "retired"),
        (2, "p256", "active"),
        (3, "ed25519", "active"),
    ]
    page = services.organizations.list_keys(member, "acme", offset=2, limit=5)
    assert [k.number for k in page] == [3]
    stranger = Actor(kind="token", id="t", organization_id=uuid.uuid4(), role="owner")
    with pytest.raises(Forbidden):
        services.organizations.list_keys(stranger, "acme")
    with pytest.raises(InvalidInput):
        services.organizations.list_keys(member, "acme", offset=-1)
