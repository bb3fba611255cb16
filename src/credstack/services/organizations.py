"""Organisations (issuers), their DIDs and signing keys.

An organisation's DID is a did:web under this server, ``did:web:HOST:orgs:SLUG`` (the port
percent-encoded), whose document lists every key it ever had: rotation and retirement only stop
a key from signing, so credentials signed with it still verify. A did:key organisation is its
first key and cannot rotate.
"""

from __future__ import annotations

import ipaddress
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import urlsplit

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from credstack.errors import ConfigurationError, Conflict, InvalidInput, NotFound, StorageError
from credstack.proofs.did_key import did_key_for, resolve_did_key, verification_method_id
from credstack.proofs.did_web import did_web_document, did_web_for
from credstack.proofs.keys import PrivateKey, generate_key, public_key_from_multikey
from credstack.services import validation
from credstack.services.actors import Actor, authorize, authorize_member
from credstack.services.audit import AuditTrail
from credstack.services.ports import KeyVault
from credstack.services.profiles import apply_profile
from credstack.store.keys import SigningKeyRepository
from credstack.store.models import Organization, SigningKey
from credstack.store.organizations import OrganizationRepository

DidMethod = Literal["web", "key"]
SigningKind = Literal["ed25519", "p256"]


@dataclass(frozen=True)
class Signer:
    """What issuing needs: the issuer's DID, the method a proof names, and the key."""

    issuer_did: str
    verification_method: str
    private_key: PrivateKey


def did_web_for_organization(base_url: str, slug: str) -> str:
    """``did:web:HOST[%3APORT][:PATH...]:orgs:SLUG`` for the public ``base_url``.

    did:web names a domain, never an IP address (did:web section 3.1); a loopback base URL
    (the default, for local use) is named ``localhost``.

    >>> did_web_for_organization("http://127.0.0.1:8000", "acme")
    'did:web:localhost%3A8000:orgs:acme'
    >>> did_web_for_organization("https://badges.example.edu/app", "acme")
    'did:web:badges.example.edu:app:orgs:acme'
    """
    parts = urlsplit(base_url)
    host = (parts.hostname or "").lower()
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        if not address.is_loopback:
            raise ConfigurationError(
                f"did:web needs a domain name, but CREDSTACK_BASE_URL names the address {host}; "
                "set a domain name or create the organisation with did:key.",
                code="did_web_needs_domain",
            )
        host = "localhost"
    netloc = f"{host}:{parts.port}" if parts.port is not None else host
    segments = [segment for segment in parts.path.split("/") if segment]
    return did_web_for(netloc, [*segments, "orgs", slug])


class OrganizationService:
    def __init__(self, session: Session, vault: KeyVault, base_url: str, audit: AuditTrail):
        self._session = session
        self._vault = vault
        self._base_url = base_url
        self._audit = audit
        self._organizations = OrganizationRepository(session)
        self._keys = SigningKeyRepository(session)

    def create(
        self,
        actor: Actor,
        *,
        slug: str,
        name: str,
        did_method: DidMethod = "web",
        **profile: str | None,
    ) -> Organization:
        """A new organisation with its first Ed25519 signing key.

        ``profile`` holds the other Profile fields (``profiles.PROFILE_FIELDS``: url, email,
        image, description, country, street_address, locality, region, postal_code,
        accreditation, accreditation_url).
        """
        authorize(actor, None, "create_organization")
        slug = validation.slug(slug)
        if did_method not in ("web", "key"):
            raise InvalidInput(
                f"{did_method!r} is not a DID method; use web or key.", code="invalid_did_method"
            )
        organization = Organization(id=uuid.uuid4(), slug=slug, did_method=did_method)
        apply_profile(organization, {"name": name, **profile})
        if self._organizations.by_slug(slug) is not None:
            raise _slug_taken(slug)
        first_key = generate_key("ed25519")
        if did_method == "web":
            organization.issuer_did = did_web_for_organization(self._base_url, slug)
        else:
            organization.issuer_did = did_key_for(first_key.public_key)
        try:
            with self._session.begin_nested():
                self._organizations.add(organization)
                self._session.flush()
        except IntegrityError as exc:
            raise _slug_taken(slug) from exc
        key = self._add_key(organization, first_key)
        self._audit.record(
            actor,
            organization.id,
            "organization.created",
            organization.issuer_did,
            {"slug": slug, "did_method": did_method, "key": key.verification_method},
        )
        return organization

    def get(self, slug: str) -> Organization:
        organization = self._organizations.by_slug(slug)
        if organization is None:
            raise NotFound(f"No organisation has the slug {slug!r}.", code="organization_not_found")
        return organization

    def update(self, actor: Actor, slug: str, changes: Mapping[str, str | None]) -> Organization:
        """Change Profile fields (``None`` clears one); credentials issued before keep theirs."""
        organization = self.get(slug)
        authorize(actor, organization.id, "update_organization")
        changed = apply_profile(organization, changes)
        if changed:
            self._session.flush()
            self._audit.record(
                actor,
                organization.id,
                "organization.updated",
                organization.issuer_did,
                {"fields": changed},
            )
        return organization

    def read(self, actor: Actor, slug: str) -> Organization:
        """The organisation, for any role of it."""
        organization = self.get(slug)
        authorize_member(actor, organization.id)
        return organization

    def keys(self, slug: str) -> list[SigningKey]:
        """Every key of the organisation, retired ones too, oldest first."""
        return self._keys.for_organization(self.get(slug).id)

    def list_keys(
        self, actor: Actor, slug: str, *, offset: int = 0, limit: int = 50
    ) -> list[SigningKey]:
        """A page of the organisation's keys with their status, for any role of it."""
        validation.page(offset, limit)
        organization = self.get(slug)
        authorize_member(actor, organization.id)
        return self._keys.for_organization(organization.id, offset=offset, limit=limit)

    def did_document(self, slug: str) -> dict[str, Any]:
        """The organisation's DID document, public by nature."""
        organization = self.get(slug)
        if organization.did_method == "key":
            return resolve_did_key(organization.issuer_did)
        keys = self._keys.for_organization(organization.id)
        document = did_web_document(
            organization.issuer_did, [public_key_from_multikey(k.public_multikey) for k in keys]
        )
        listed = [method["id"] for method in document["verificationMethod"]]
        if listed != [key.verification_method for key in keys]:
            # Methods are numbered by position; a gap would rename a key that signed credentials.
            raise StorageError(
                f"The signing keys of {slug!r} are not numbered 1..n.", code="key_numbering"
            )
        return document

    def rotate_key(self, actor: Actor, slug: str, kind: SigningKind = "ed25519") -> SigningKey:
        """A new active key of ``kind``; the active keys of that kind are retired."""
        organization = self.get(slug)
        authorize(actor, organization.id, "manage_keys")
        if organization.did_method == "key":
            raise InvalidInput(
                "A did:key organisation is its key and cannot rotate it.",
                code="did_key_cannot_rotate",
            )
        if kind not in ("ed25519", "p256"):
            raise InvalidInput(
                f"{kind!r} is not a key type; use ed25519 or p256.", code="invalid_key_kind"
            )
        retired = [self._retire(key) for key in self._keys.active(organization.id, kind)]
        key = self._add_key(organization, generate_key(kind))
        self._audit.record(
            actor,
            organization.id,
            "key.rotated",
            key.verification_method,
            {"kind": kind, "retired": [k.verification_method for k in retired]},
        )
        return key

    def retire_key(self, actor: Actor, slug: str, key_id: uuid.UUID) -> SigningKey:
        """Stop ``key_id`` signing; its method stays in the DID document."""
        organization = self.get(slug)
        authorize(actor, organization.id, "manage_keys")
        key = self._keys.get(organization.id, key_id)
        if key is None:
            raise NotFound(f"{slug!r} has no key {key_id}.", code="key_not_found")
        if key.status == "retired":
            return key
        if [k.id for k in self._keys.active(organization.id)] == [key.id]:
            raise Conflict(
                "This is the organisation's last active key; rotate to a new key instead.",
                code="last_active_key",
            )
        self._retire(key)
        self._audit.record(actor, organization.id, "key.retired", key.verification_method)
        return key

    def signer(self, slug: str, kind: SigningKind = "ed25519") -> Signer:
        """The newest active key of ``kind``, opened, for issuing."""
        organization = self.get(slug)
        active = self._keys.active(organization.id, kind)
        if not active:
            raise NotFound(f"{slug!r} has no active {kind} key.", code="no_active_key")
        key = active[-1]
        return Signer(
            issuer_did=organization.issuer_did,
            verification_method=key.verification_method,
            private_key=self._vault.unseal(key.encrypted_private_key, key_id=str(key.id)),
        )

    def _add_key(self, organization: Organization, private_key: PrivateKey) -> SigningKey:
        number = self._keys.next_number(organization.id)
        if organization.did_method == "web":
            method = f"{organization.issuer_did}#key-{number}"
        else:
            method = verification_method_id(private_key.public_key)
        key_id = uuid.uuid4()
        key = self._keys.add(
            SigningKey(
                id=key_id,
                organization_id=organization.id,
                number=number,
                kind=private_key.kind,
                public_multikey=private_key.public_key.multikey,
                encrypted_private_key=self._vault.seal(private_key, key_id=str(key_id)),
                verification_method=method,
                status="active",
            )
        )
        self._session.flush()
        return key

    def _retire(self, key: SigningKey) -> SigningKey:
        key.status = "retired"
        key.retired_at = datetime.now(UTC)
        return key


def _slug_taken(slug: str) -> Conflict:
    return Conflict(f"The slug {slug!r} is taken.", code="slug_taken")
