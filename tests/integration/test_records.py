"""A learner's record through the real services, on SQLite and PostgreSQL: the organisation's
transcript and CLR (with stacks across issuers), permissions, picking credentials, and the
learner's own transcript, skills and CLR over everything their wallet has."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from credstack.errors import Conflict, Forbidden, InvalidInput, NotFound
from credstack.issue import issue
from credstack.model.clr import clr_problems
from credstack.proofs.did_key import did_key_for
from credstack.proofs.keys import generate_key
from credstack.services import Services
from credstack.services.actors import Actor, Role
from credstack.services.issuing import IssueRequest
from credstack.services.pathways import PathwayInput
from credstack.store.models import AuditEntry
from credstack.verify import check

OPERATOR = Actor.operator("test")
LEARNER = "Ada@Example.org"
EU_FIXTURE = Path(__file__).parents[1] / "unit" / "model" / "eu_achievement.json"
ESCO = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"


def badge(name: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": ["Achievement"],
        "name": name,
        "description": f"{name}.",
        "criteria": {"narrative": "Passed."},
        **extra,
    }


def actor(services: Services, slug: str, role: Role) -> Actor:
    org = services.organizations.get(slug)
    return Actor(kind="token", id=f"{slug}-{role}", organization_id=org.id, role=role)


def publish(services: Services, slug: str, achievement: dict[str, Any], **options: Any) -> str:
    view = services.achievements.create(
        OPERATOR, organization=slug, achievement=achievement, publish=True, **options
    )
    return view.record.public_id


def give(services: Services, slug: str, achievement: str, learner: str = LEARNER) -> Any:
    return services.credentials.issue(
        OPERATOR, slug, IssueRequest(recipient=learner, achievement_id=achievement)
    )


@pytest.fixture
def world(services: Services) -> dict[str, Any]:
    """Acme: an EU unit (5 ECTS, EQF 6, an ESCO skill) and a certificate stacking it with a
    partner's unit; a second Acme badge, revoked; the partner's unit; a stranger's badge."""
    services.organizations.create(OPERATOR, slug="acme", name="Acme Academy", country="IE")
    partner = services.organizations.create(OPERATOR, slug="partner", name="Partner")
    services.organizations.create(OPERATOR, slug="stranger", name="Stranger")
    eu = json.loads(EU_FIXTURE.read_text(encoding="utf-8"))
    unit = publish(services, "acme", {**eu, "name": "Data module"}, profile="eu-2022")
    theirs = publish(services, "partner", badge("Partner unit"))
    cert = publish(services, "acme", badge("Certificate"))
    services.pathways.create(
        OPERATOR,
        "acme",
        PathwayInput(
            name="joint",
            achievement_id=cert,
            trusted_issuers=[partner.issuer_did],
            requirements={
                "type": "allOf",
                "requirements": [
                    {"type": "achievement", "achievement": unit},
                    {"type": "achievement", "achievement": theirs, "issuer": partner.issuer_did},
                ],
            },
        ),
    )
    revoked = give(services, "acme", publish(services, "acme", badge("Withdrawn")))
    services.credentials.revoke(OPERATOR, "acme", revoked.id)
    give(services, "acme", unit)
    give(services, "partner", theirs)  # completes the pathway: the certificate is awarded
    give(services, "stranger", publish(services, "stranger", badge("Unrelated")))
    give(services, "acme", unit, learner="someone@example.org")
    return {"unit": unit, "theirs": theirs, "cert": cert, "revoked": revoked}


def test_the_organisation_sees_what_it_issued_and_its_stacks_components(
    services: Services, world: dict[str, Any]
) -> None:
    record = services.records.transcript(
        actor(services, "acme", "issuer"), "acme", "ada@EXAMPLE.org"
    )
    names = [(e.name, e.state) for e in record.entries]
    assert sorted(names) == [
        ("Certificate", "valid"),
        ("Data module", "valid"),
        ("Partner unit", "valid"),
        ("Withdrawn", "revoked"),
    ]
    totals = record.totals.to_dict()
    assert (totals["credentials"], totals["ects"], totals["hours"]) == (3, 5, 125)
    assert totals["highestEqfLevel"] == 6


def test_the_clr_records_the_stack_with_its_associations(
    services: Services, world: dict[str, Any], session: Session
) -> None:
    exported = services.records.export_clr(actor(services, "acme", "issuer"), "acme", LEARNER)
    clr = exported.credential
    assert clr_problems(clr) == []
    assert clr["issuer"]["id"] == services.organizations.get("acme").issuer_did
    subject = clr["credentialSubject"]
    assert "id" not in subject
    assert subject["identifier"][0]["hashed"] is True
    assert "ada@example.org" not in exported.text.lower()
    assert len(subject["verifiableCredential"]) == 3  # the revoked badge is left out
    links = {(a["associationType"], a["sourceId"], a["targetId"]) for a in subject["association"]}
    assert links == {
        ("isParentOf", world["cert"], world["unit"]),
        ("isParentOf", world["cert"], world["theirs"]),
        ("isPartOf", world["unit"], world["cert"]),
        ("isPartOf", world["theirs"], world["cert"]),
    }
    assert "partial" not in clr
    # The organisation signed it: its did:web key is in its DID document.
    method = clr["proof"][0]["verificationMethod"]
    document = services.organizations.did_document("acme")
    assert method in [m["id"] for m in document["verificationMethod"]]
    [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == "clr.exported")).all()
    assert entry.detail == {"suite": "eddsa-rdfc-2022", "credentials": 3}
    assert "ada" not in json.dumps(entry.detail).lower()


def test_staff_below_issuer_and_other_organisations_are_refused(
    services: Services, world: dict[str, Any]
) -> None:
    for who, code in (
        (actor(services, "acme", "assessor"), "role_too_weak"),
        (actor(services, "stranger", "owner"), "other_organization"),
    ):
        with pytest.raises(Forbidden) as caught:
            services.records.transcript(who, "acme", LEARNER)
        assert caught.value.code == code
        with pytest.raises(Forbidden):
            services.records.export_clr(who, "acme", LEARNER)


def test_picked_credentials_make_a_partial_record(
    services: Services, world: dict[str, Any], session: Session
) -> None:
    issuer = actor(services, "acme", "issuer")
    record = services.records.transcript(issuer, "acme", LEARNER)
    unit = next(e.credential for e in record.entries if e.name == "Data module")
    assert unit is not None
    uuid_only = unit.rsplit("/", 1)[-1]
    clr = services.records.export_clr(issuer, "acme", LEARNER, credentials=[uuid_only]).credential
    assert clr["partial"] is True
    assert [c["id"] for c in clr["credentialSubject"]["verifiableCredential"]] == [unit]
    assert "association" not in clr["credentialSubject"]
    refusals = [
        ([world["revoked"].credential_id], Conflict, "credential_not_valid"),
        (["https://elsewhere.example/credentials/1"], NotFound, "credential_not_in_record"),
        ([], InvalidInput, "invalid_selection"),
    ]
    for picked, error, code in refusals:
        with pytest.raises(error) as caught:
            services.records.export_clr(issuer, "acme", LEARNER, credentials=picked)
        assert caught.value.code == code
    partner_unit = next(e.credential for e in record.entries if e.name == "Partner unit")
    with pytest.raises(Conflict) as refused:
        services.records.export_clr(issuer, "acme", LEARNER, credentials=[str(partner_unit)])
    assert refused.value.code == "no_credential_of_organization"


def test_bad_requests_are_refused(services: Services, world: dict[str, Any]) -> None:
    issuer = actor(services, "acme", "issuer")
    with pytest.raises(InvalidInput) as caught:
        services.records.export_clr(issuer, "acme", LEARNER, suite="rsa")
    assert caught.value.code == "unsupported_cryptosuite"
    with pytest.raises(InvalidInput) as caught:
        services.records.transcript(issuer, "acme", "not a learner")
    assert caught.value.code == "invalid_recipient"
    with pytest.raises(Conflict) as conflict:
        services.records.export_clr(issuer, "acme", "nobody@example.org")
    assert conflict.value.code == "no_credential_of_organization"
    assert services.records.transcript(issuer, "acme", "nobody@example.org").entries == ()


def test_a_p256_clr_and_a_learner_known_by_did(services: Services) -> None:
    services.organizations.create(OPERATOR, slug="acme", name="Acme Academy")
    services.organizations.rotate_key(OPERATOR, "acme", "p256")
    give(services, "acme", publish(services, "acme", badge("Unit")), learner="did:example:ada")
    issuer = actor(services, "acme", "issuer")
    clr = services.records.export_clr(
        issuer, "acme", "did:example:ada", suite="ecdsa-rdfc-2019"
    ).credential
    assert clr["credentialSubject"]["id"] == "did:example:ada"
    assert clr["proof"][0]["cryptosuite"] == "ecdsa-rdfc-2019"
    token = services.records.export_clr(issuer, "acme", "did:example:ada", suite="jwt")
    assert token.media_type == "application/vc+jwt"
    assert token.text.count(".") == 2


def held_text(name: str) -> str:
    """A credential from another platform: signed with a did:key, verifiable offline."""
    key = generate_key("ed25519")
    return issue(
        badge(
            name,
            id="https://elsewhere.example/achievements/imported",
            alignment=[{"type": ["Alignment"], "targetName": "Spreadsheets", "targetUrl": ESCO}],
        ),
        key,
        recipient=LEARNER.lower(),
        issuer={"id": did_key_for(key.public_key), "type": ["Profile"], "name": "Elsewhere"},
    ).text


def test_the_learner_sees_everything_their_wallet_has(
    services: Services, world: dict[str, Any]
) -> None:
    user, _ = services.users.create_learner(OPERATOR, email=LEARNER, password="a-long-password-1")
    services.wallet.upsert(user, held_text("Imported"), jwt=False, check=lambda text: check(text))
    record = services.records.learner_transcript(user)
    assert sorted(e.name for e in record.entries) == [
        "Certificate",
        "Data module",
        "Imported",
        "Partner unit",
        "Unrelated",
        "Withdrawn",
    ]
    assert {e.source for e in record.entries if e.name == "Imported"} == {"held"}
    assert record.totals.credentials == 5
    skills = services.records.learner_skills(user).to_dict()
    [esco] = [f for f in skills["frameworks"] if f["framework"] == "ESCO"]
    [spreadsheets] = [s for s in esco["skills"] if s["targetUrl"] == ESCO]
    assert sorted(c["name"] for c in spreadsheets["credentials"]) == ["Data module", "Imported"]


def test_the_learner_exports_a_clr_signed_by_an_organisation(
    services: Services, world: dict[str, Any]
) -> None:
    user, _ = services.users.create_learner(OPERATOR, email=LEARNER, password="a-long-password-1")
    services.wallet.upsert(user, held_text("Imported"), jwt=False, check=lambda text: check(text))
    me = Actor(kind="user", id=str(user.id), organization_id=None, role=None)
    default = services.records.learner_clr(me, user, "acme").credential
    inside = default["credentialSubject"]["verifiableCredential"]
    names = sorted(c["credentialSubject"]["achievement"]["name"] for c in inside)
    assert names == ["Certificate", "Data module", "Partner unit"]
    everything = services.records.learner_transcript(user)
    picked = [e.credential for e in everything.entries if e.name in ("Data module", "Imported")]
    chosen = services.records.learner_clr(
        me, user, "acme", credentials=[str(c) for c in picked]
    ).credential
    assert len(chosen["credentialSubject"]["verifiableCredential"]) == 2
    assert chosen["partial"] is True
    imported = [e.credential for e in everything.entries if e.name == "Imported"]
    with pytest.raises(Conflict) as refused:
        services.records.learner_clr(me, user, "acme", credentials=[str(imported[0])])
    assert refused.value.code == "no_credential_of_organization"
    with pytest.raises(NotFound):
        services.records.learner_clr(me, user, "nowhere")


def test_other_addresses_of_the_learner_count(services: Services) -> None:
    services.organizations.create(OPERATOR, slug="acme", name="Acme Academy")
    give(services, "acme", publish(services, "acme", badge("Unit")), learner="work@example.org")
    user, _ = services.users.create_learner(OPERATOR, email="home@example.org")
    assert services.records.learner_transcript(user).entries == ()
    also = services.records.learner_transcript(user, ["Work@Example.org"])
    assert [e.name for e in also.entries] == ["Unit"]
