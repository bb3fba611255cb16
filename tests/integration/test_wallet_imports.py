"""Importing credentials into a learner's wallet, on SQLite and PostgreSQL: every input form,
idempotence, refusals that change nothing, deletion, and imports counting toward pathways of an
organisation that trusts their issuer (a did:key issuer outside this server)."""

from __future__ import annotations

import contextlib
import json
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from credstack.adapters.http_fetcher import HttpDocumentFetcher
from credstack.errors import (
    Conflict,
    InvalidInput,
    MalformedCredential,
    NotFound,
    VerificationFailed,
)
from credstack.issue import IssuedCredential, issue
from credstack.proofs.did_key import did_key_for
from credstack.proofs.keys import PrivateKey, generate_key
from credstack.services import Services
from credstack.services.actors import Actor
from credstack.services.held import digest_of, held_of_import
from credstack.services.imports import MAX_BYTES
from credstack.services.issuing import IssueRequest
from credstack.services.pathways import PathwayInput
from credstack.store.credentials import IssuedCredentialRecord
from credstack.store.holdings import HoldingsRepository
from credstack.store.models import AuditEntry, User
from credstack.store.wallet import HeldCredential
from credstack.verify import check

OPERATOR = Actor.operator("test")
EXTERNAL_ACHIEVEMENT: dict[str, Any] = {
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


def external(
    key: PrivateKey, recipient: str, *, suite: Any = "eddsa-rdfc-2022", **extra: Any
) -> IssuedCredential:
    return issue(
        EXTERNAL_ACHIEVEMENT,
        key,
        recipient=recipient,
        suite=suite,
        **{"credential_id": f"urn:uuid:{uuid.uuid4()}", **extra},
    )


def held_rows(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(HeldCredential)) or 0


def test_json_and_jwt_import_once_and_delete(services: Services, session: Session) -> None:
    user = learner(services)
    key = generate_key("ed25519")
    first = external(key, user.email)
    imported = services.imports.add(user.id, first.text.encode(), check=check)
    assert (imported.created, imported.source, imported.counts_toward_pathways) == (
        True,
        "import",
        True,
    )
    assert imported.issuer == did_key_for(key.public_key)
    assert imported.achievement == EXTERNAL_ACHIEVEMENT["id"]
    assert imported.report["valid"] is True
    again = services.imports.add(user.id, first.text.encode(), check=check)
    assert (again.id, again.created) == (imported.id, False)

    jwt = external(key, user.email, suite="jwt")
    from_jwt = services.imports.add(user.id, f"  {jwt.text}\n".encode(), check=check)
    row = services.imports.get(user.id, from_jwt.id)
    assert (row.text, row.media_type) == (jwt.text, "application/vc+jwt")
    assert [r.id for r in services.imports.list(user.id)] == [imported.id, from_jwt.id]
    assert services.imports.get(user.id, imported.id).text == first.text  # exactly as received

    services.imports.delete(user.id, imported.id)
    with pytest.raises(NotFound) as gone:
        services.imports.get(user.id, imported.id)
    assert gone.value.code == "credential_not_found"
    actions = set(session.scalars(select(AuditEntry.action)))
    assert {"wallet.credential_imported", "wallet.import_deleted"} <= actions


def test_refusals_say_why_and_store_nothing(services: Services, session: Session) -> None:
    user = learner(services)
    key = generate_key("ed25519")
    good = external(key, user.email)
    tampered = json.loads(good.text)
    tampered["credentialSubject"]["achievement"]["name"] = "Something grander"
    presentation = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [good.credential],
    }
    cases: list[tuple[bytes, str]] = [
        (b"hello, world", "not_a_credential"),
        (b"\xff\xfe{", "not_a_credential"),
        (b"[1, 2]", "not_a_credential"),
        (b"{not json", "not_a_credential"),
        (json.dumps(presentation).encode(), "not_a_credential"),
        (json.dumps(tampered).encode(), "verification_failed"),
        (b"{" + b" " * 1_048_576 + b"}", "too_large"),
        (b"\x89PNG\r\n\x1a\n rest of an image", "unsupported_format"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "unsupported_format"),
    ]
    before = held_rows(session)
    for data, code in cases:
        with pytest.raises((InvalidInput, VerificationFailed)) as refused:
            services.imports.add(user.id, data, check=check)
        assert refused.value.code == code, data[:40]
        assert refused.value.message
    with pytest.raises(VerificationFailed) as failed:
        services.imports.add(user.id, json.dumps(tampered).encode(), check=check)
    assert not failed.value.report.valid
    assert "did not verify" in failed.value.message
    assert held_rows(session) == before

    services.imports.add(user.id, good.text.encode(), check=check)
    spaced = json.dumps(json.loads(good.text), separators=(",", ":"))  # same content
    assert not services.imports.add(user.id, spaced.encode(), check=check).created
    reused = external(key, user.email, credential_id=good.credential["id"])  # same id, not same
    with pytest.raises(Conflict) as conflict:
        services.imports.add(user.id, reused.text.encode(), check=check)
    assert conflict.value.code == "credential_conflict"


def test_a_baked_image_is_read_through_the_extractor(services: Services) -> None:
    user = learner(services)
    credential = external(generate_key("ed25519"), user.email)
    image = b"\x89PNG\r\n\x1a\n" + credential.text.encode()

    def extract(data: bytes) -> str:
        if data != image:
            raise MalformedCredential("The image holds no credential.", code="not_baked")
        return data[8:].decode()

    imported = services.imports.add(user.id, image, check=check, extract=extract)
    assert services.imports.get(user.id, imported.id).text == credential.text
    with pytest.raises(InvalidInput) as empty:
        services.imports.add(user.id, b"\x89PNG\r\n\x1a\nother", check=check, extract=extract)
    assert empty.value.code == "not_a_credential"


class _Documents(BaseHTTPRequestHandler):
    """Serves ``documents`` by path; anything else is 404."""

    documents: ClassVar[dict[str, bytes]] = {}

    def do_GET(self) -> None:
        body = self.documents.get(self.path)
        self.send_response(200 if body is not None else 404)
        self.send_header("Content-Length", str(len(body or b"")))
        self.end_headers()
        # The fetcher stops reading at its size cap, as it should.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body or b"")

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def documents() -> Iterator[tuple[str, dict[str, bytes]]]:
    """A real HTTP server on 127.0.0.1: its base URL and the documents it serves."""

    class Handler(_Documents):
        documents: ClassVar[dict[str, bytes]] = {}

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", Handler.documents
    server.shutdown()
    server.server_close()


def test_url_import_through_the_guarded_fetcher(
    services: Services, documents: tuple[str, dict[str, bytes]]
) -> None:
    base, served = documents
    user = learner(services)
    credential = external(generate_key("ed25519"), user.email)
    served["/c/1"] = credential.text.encode()
    served["/big"] = b"{" + b" " * MAX_BYTES + b"}"
    served["/page"] = b"<!doctype html><p>not here</p>"
    fetch = HttpDocumentFetcher(allow_private=True, max_bytes=MAX_BYTES, cache_ttl=0).fetch_bytes
    imported = services.imports.add_url(user.id, f" {base}/c/1 ", check=check, fetch=fetch)
    assert services.imports.get(user.id, imported.id).text == credential.text
    assert services.imports.add_url(user.id, f"{base}/c/1", check=check, fetch=fetch).id == (
        imported.id
    )
    cases = [
        (f"{base}/big", "too_large"),
        (f"{base}/missing", "fetch_failed"),
        ("ftp://example.org/c", "fetch_failed"),
        (f"{base}/page", "unsupported_format"),
    ]
    for url, code in cases:
        with pytest.raises(InvalidInput) as refused:
            services.imports.add_url(user.id, url, check=check, fetch=fetch)
        assert refused.value.code == code, url
    guarded = HttpDocumentFetcher(max_bytes=MAX_BYTES, cache_ttl=0).fetch_bytes
    with pytest.raises(InvalidInput) as private:
        services.imports.add_url(
            user.id, base.replace("http:", "https:") + "/c/1", check=check, fetch=guarded
        )
    assert private.value.code == "fetch_failed"
    assert "not a public address" in private.value.message


def _pathway(services: Services, issuer: str) -> tuple[str, str, str]:
    slug = f"acme-{uuid.uuid4().hex[:6]}"
    services.organizations.create(OPERATOR, slug=slug, name="Acme")
    ours = services.achievements.create(
        OPERATOR,
        organization=slug,
        achievement={
            "type": ["Achievement"],
            "name": "Our unit",
            "description": "A unit.",
            "criteria": {"narrative": "Passed."},
        },
        publish=True,
    ).record.public_id
    cert = services.achievements.create(
        OPERATOR,
        organization=slug,
        achievement={
            "type": ["Achievement"],
            "name": "Joint certificate",
            "description": "Ours and theirs.",
            "criteria": {"narrative": "Both units."},
        },
        publish=True,
    ).record.public_id
    services.pathways.create(
        OPERATOR,
        slug,
        PathwayInput(
            name="joint",
            achievement_id=cert,
            trusted_issuers=[issuer],
            requirements={
                "type": "allOf",
                "requirements": [
                    {"type": "achievement", "achievement": ours},
                    {
                        "type": "achievement",
                        "achievement": EXTERNAL_ACHIEVEMENT["id"],
                        "issuer": issuer,
                    },
                ],
            },
        ),
    )
    return slug, ours, cert


def _stacked(session: Session, cert: str) -> list[IssuedCredentialRecord]:
    uid = cert.rsplit("/", 1)[-1]
    rows = session.scalars(select(IssuedCredentialRecord))
    return [r for r in rows if str(r.achievement_id) == uid]


def test_an_import_completes_a_pathway_once(services: Services, session: Session) -> None:
    user = learner(services)
    key = generate_key("ed25519")
    issuer = did_key_for(key.public_key)
    slug, ours, cert = _pathway(services, issuer)
    services.credentials.issue(
        OPERATOR, slug, IssueRequest(recipient=user.email.upper(), achievement_id=ours)
    )
    assert _stacked(session, cert) == []

    theirs = external(key, user.email)
    services.imports.add(user.id, theirs.text.encode(), check=check)
    [award] = _stacked(session, cert)
    assert award.recipient_email is not None
    assert award.recipient_email.lower() == user.email
    evidence = {e["id"]: e for e in json.loads(award.text)["evidence"]}
    component = evidence[theirs.credential["id"]]
    assert component["digestMultibase"] == digest_of(theirs.text)
    assert component["name"] == "Lab safety"

    services.imports.add(user.id, theirs.text.encode(), check=check)  # again: nothing new
    services.imports.add(user.id, external(key, user.email).text.encode(), check=check)
    assert len(_stacked(session, cert)) == 1


def test_imports_that_do_not_name_the_learner_or_untrusted_issuers_count_for_nothing(
    services: Services, session: Session
) -> None:
    user = learner(services)
    trusted, stranger = generate_key("ed25519"), generate_key("ed25519")
    slug, ours, cert = _pathway(services, did_key_for(trusted.public_key))
    services.credentials.issue(
        OPERATOR, slug, IssueRequest(recipient=user.email, achievement_id=ours)
    )
    someone_else = services.imports.add(
        user.id, external(trusted, "someone@example.org").text.encode(), check=check
    )
    assert not someone_else.counts_toward_pathways
    by_did = services.imports.add(
        user.id, external(trusted, "did:example:learner").text.encode(), check=check
    )
    assert not by_did.counts_toward_pathways
    services.imports.add(user.id, external(stranger, user.email).text.encode(), check=check)
    assert _stacked(session, cert) == []


def test_an_import_expires_and_a_revoked_one_issued_here_stops_counting(
    services: Services, session: Session
) -> None:
    user = learner(services)
    key = generate_key("ed25519")
    now = datetime.now(UTC)
    credential = external(key, user.email, valid_until=now + timedelta(days=30))
    imported = services.imports.add(user.id, credential.text.encode(), check=check)
    row = services.imports.get(user.id, imported.id)
    holdings = HoldingsRepository(session)
    name, held = held_of_import(row, now, holdings)
    assert (name, held.valid, held.issuer) == ("Lab safety", True, did_key_for(key.public_key))
    assert not held_of_import(row, now + timedelta(days=31), holdings)[1].valid

    org = services.organizations.create(OPERATOR, slug=f"o-{uuid.uuid4().hex[:8]}", name="O")
    issued = services.credentials.issue(
        OPERATOR,
        org.slug,
        IssueRequest(recipient="did:example:x", achievement=EXTERNAL_ACHIEVEMENT),
    )
    copy = HeldCredential(
        user_id=user.id,
        credential_key=issued.credential_id,
        media_type="application/vc",
        text=issued.text,
        issued_at=now,
        source="import",
    )
    session.add(copy)
    session.flush()
    assert held_of_import(copy, now, holdings)[1].valid
    services.credentials.revoke(OPERATOR, org.slug, issued.id, "withdrawn")
    assert not held_of_import(copy, now, holdings)[1].valid


def test_one_learner_cannot_touch_anothers_imports(services: Services) -> None:
    alice, bob = learner(services), learner(services)
    imported = services.imports.add(
        alice.id, external(generate_key("ed25519"), alice.email).text.encode(), check=check
    )
    for call in (services.imports.get, services.imports.delete):
        with pytest.raises(NotFound):
            call(bob.id, imported.id)
    assert services.imports.list(bob.id) == []
    with pytest.raises(NotFound) as nobody:
        services.imports.list(uuid.uuid4())
    assert nobody.value.code == "learner_not_found"


def test_an_import_that_no_longer_verifies_ends_the_award_on_it(
    services: Services, session: Session
) -> None:
    user = learner(services)
    key = generate_key("ed25519")
    slug, ours, cert = _pathway(services, did_key_for(key.public_key))
    services.credentials.issue(
        OPERATOR, slug, IssueRequest(recipient=user.email, achievement_id=ours)
    )
    until = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=2)
    theirs = external(key, user.email, valid_until=until)
    imported = services.imports.add(user.id, theirs.text.encode(), check=check)
    [award] = _stacked(session, cert)
    assert services.imports.reverify(user.id, imported.id, check).report["valid"] is True
    assert award.status == "active"

    time.sleep((until - datetime.now(UTC)).total_seconds() + 0.2)
    row = services.imports.reverify(user.id, imported.id, check)
    assert row.report is not None
    assert row.report["valid"] is False
    session.refresh(award)
    assert award.status == "revoked"
    assert "no longer verifies" in (award.reason or "")
    actions = set(session.scalars(select(AuditEntry.action)))
    assert {"wallet.import_invalid", "pathway.award_revoked"} <= actions
