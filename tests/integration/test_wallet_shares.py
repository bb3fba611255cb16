"""Share links, presentations and the export of a learner's wallet, on SQLite and PostgreSQL:
tokens kept only as hashes, revocation and expiry, and one learner never reaching another's
credentials."""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from credstack.errors import Conflict, InvalidInput, NotFound
from credstack.issue import issue
from credstack.proofs.keys import generate_key
from credstack.services import Services
from credstack.services.actors import Actor
from credstack.services.issuing import IssueRequest
from credstack.services.shares import hash_share_token
from credstack.store.models import User
from credstack.store.shares import WalletShare
from credstack.verify import check

OPERATOR = Actor.operator("test")
ACHIEVEMENT = {
    "id": "https://partner.example/achievements/safety",
    "type": ["Achievement"],
    "name": "Lab safety",
    "description": "Works safely in a laboratory.",
    "criteria": {"narrative": "Passed the practical."},
}


def learner(services: Services) -> User:
    email = f"l-{uuid.uuid4().hex[:8]}@example.org"
    user, _ = services.users.create_learner(OPERATOR, email=email, password="long enough pw 1")
    return user


def wallet(services: Services, user: User) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID, list[str]]:
    """An imported JSON credential, an imported JWT and one issued here; their texts."""
    key = generate_key("ed25519")
    texts = [
        issue(ACHIEVEMENT, key, recipient=user.email).text,
        issue(ACHIEVEMENT, key, recipient=user.email, suite="jwt").text,
    ]
    first = services.imports.add(user.id, texts[0].encode(), check=check).id
    second = services.imports.add(user.id, texts[1].encode(), check=check).id
    org = services.organizations.create(OPERATOR, slug=f"o-{uuid.uuid4().hex[:8]}", name="O")
    issued = services.credentials.issue(
        OPERATOR, org.slug, IssueRequest(recipient=user.email, achievement=ACHIEVEMENT)
    )
    return first, second, issued.id, [*texts, issued.text]


def test_a_share_link_hands_out_the_credentials_as_issued(
    services: Services, session: Session
) -> None:
    user = learner(services)
    first, second, issued, texts = wallet(services, user)
    created = services.shares.create(user.id, [str(issued), first, second], label=" For Acme ")
    assert created.view.status == "active"
    assert created.view.share.label == "For Acme"
    opened = services.shares.open(created.token)
    assert [c.text for c in opened.credentials] == [texts[2], texts[0], texts[1]]
    assert [c.source for c in opened.credentials] == ["issued", "import", "import"]

    stored = session.scalars(select(WalletShare).where(WalletShare.user_id == user.id)).one()
    assert stored.token_hash == hash_share_token(created.token)
    assert created.token not in stored.token_hash

    [listed] = services.shares.list(user.id)
    assert listed.credentials == [issued, first, second]
    revoked = services.shares.revoke(user.id, listed.share.id)
    assert revoked.status == "revoked"
    assert services.shares.revoke(user.id, listed.share.id).share.revoked_at == (
        revoked.share.revoked_at
    )
    with pytest.raises(Conflict) as gone:
        services.shares.open(created.token)
    assert gone.value.code == "share_revoked"
    with pytest.raises(NotFound) as unknown:
        services.shares.open("not-a-token")
    assert unknown.value.code == "share_not_found"


def test_expiry_and_deleted_credentials(services: Services) -> None:
    user = learner(services)
    first, second, _, _ = wallet(services, user)
    soon = services.shares.create(
        user.id, [first], expires_at=datetime.now(UTC) + timedelta(seconds=1)
    )
    assert len(services.shares.open(soon.token).credentials) == 1
    time.sleep(1.1)
    with pytest.raises(Conflict) as expired:
        services.shares.open(soon.token)
    assert expired.value.code == "share_expired"
    assert services.shares.list(user.id)[0].status == "expired"

    both = services.shares.create(user.id, [first, second])
    services.imports.delete(user.id, first)
    assert [c.id for c in services.shares.open(both.token).credentials] == [second]
    services.imports.delete(user.id, second)
    with pytest.raises(Conflict) as empty:
        services.shares.open(both.token)
    assert empty.value.code == "share_empty"


def test_bad_share_requests_are_refused(services: Services) -> None:
    user = learner(services)
    first, _, _, _ = wallet(services, user)
    past = datetime.now(UTC) - timedelta(minutes=1)
    cases: list[tuple[list[str | uuid.UUID], dict[str, object], str]] = [
        ([], {}, "invalid_selection"),
        ([first] * 101, {}, "invalid_selection"),
        ([first], {"expires_at": past}, "invalid_expiry"),
        ([first], {"expires_at": datetime(2999, 1, 1)}, "invalid_expiry"),  # noqa: DTZ001
        ([first], {"label": "x" * 201}, "invalid_label"),
        (["nonsense"], {}, "credential_not_found"),
        ([uuid.uuid4()], {}, "credential_not_found"),
    ]
    for ids, options, code in cases:
        with pytest.raises((InvalidInput, NotFound)) as refused:
            services.shares.create(user.id, ids, **options)  # type: ignore[arg-type]
        assert refused.value.code == code
    assert services.shares.list(user.id) == []


def test_a_presentation_of_the_chosen_credentials_verifies(services: Services) -> None:
    user = learner(services)
    first, second, _, texts = wallet(services, user)
    vp = services.exports.presentation(user.id, [first, second])
    assert vp["type"] == ["VerifiablePresentation"]
    assert "proof" not in vp
    assert vp["verifiableCredential"][0] == json.loads(texts[0])
    assert vp["verifiableCredential"][1] == {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "data:application/vc+jwt," + texts[1],
        "type": "EnvelopedVerifiableCredential",
    }
    report = check(vp)
    assert report.valid, report.to_dict()
    assert report.format == "presentation"
    assert [child.format for child in report.children] == ["data_integrity", "jwt"]
    assert all(child.valid for child in report.children)


def test_the_export_holds_everything_of_the_learner_only(services: Services) -> None:
    user, other = learner(services), learner(services)
    first, second, issued, texts = wallet(services, user)
    wallet(services, other)
    share = services.shares.create(user.id, [first])
    services.shares.revoke(user.id, share.view.share.id)
    export = services.exports.export(user.id)
    assert export["format"] == "credstack-wallet-export/1"
    assert [e["address"] for e in export["emails"]] == [user.email]
    assert export["emails"][0]["primary"] is True
    assert export["profile"]["id"] == f"urn:uuid:{user.id}"
    by_id = {c["id"]: c for c in export["credentials"]}
    assert set(by_id) == {str(first), str(second), str(issued)}
    assert [by_id[str(i)]["text"] for i in (first, second, issued)] == texts
    assert by_id[str(first)]["verification"]["valid"] is True
    assert "verification" not in by_id[str(issued)]
    [exported_share] = export["shares"]
    assert exported_share["status"] == "revoked"
    assert exported_share["credentials"] == [str(first)]
    assert share.token not in json.dumps(export)


def test_one_learner_cannot_share_present_or_revoke_anothers(services: Services) -> None:
    alice, bob = learner(services), learner(services)
    first, _, issued, _ = wallet(services, alice)
    share = services.shares.create(alice.id, [first])
    for ids in ([first], [issued]):
        with pytest.raises(NotFound):
            services.shares.create(bob.id, ids)
        with pytest.raises(NotFound):
            services.exports.presentation(bob.id, ids)
    with pytest.raises(NotFound):
        services.shares.revoke(bob.id, share.view.share.id)
    assert services.shares.list(bob.id) == []
    assert services.exports.export(bob.id)["credentials"] == []
    assert services.shares.open(share.token).credentials[0].id == first
