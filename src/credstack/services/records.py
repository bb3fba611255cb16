"""A learner's record: transcript, skills profile and CLR 2.0 export, for an organisation (its
staff, about a learner it issued to) and for the learner (about everything their wallet has).

What a record holds:

- for an organisation: the credentials it issued to the learner (by email address, in any
  case, or DID), and the credentials its stacked credentials name as components, wherever on
  this server they were issued (their ids are in the organisation's own signed evidence, and
  every credential is public at its id URL);
- for a learner: every credential issued here to any of their email addresses, and the
  credentials their wallet holds (verified when they were received).

Revoked, suspended, expired and not yet valid credentials stay on the transcript, flagged with
their state, and count in no total, skill or CLR.

A CLR is signed by one organisation, with its active key, and records that organisation's
credentials; the issuer must have at least one credential in it. Other issuers' credentials
ride along only as components of the organisation's stacked credentials or (for a learner) when
picked by id: each is carried whole, keeps its own proof, and verifies on its own; the
organisation asserts associations only from its own stacked credentials' evidence
(``credstack.formats.clr``). A CLR is made on request and not stored; the audit log records each
export (the organisation, how many credentials, the suite), never the learner's address.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from sqlalchemy.orm import Session

from credstack.errors import Conflict, InvalidInput, NotFound
from credstack.formats.clr import build_clr, sign_clr
from credstack.formats.evidence import components
from credstack.formats.record import RecordItem, Status
from credstack.formats.skills import SkillsProfile, skills_profile
from credstack.formats.transcript import Transcript, transcript
from credstack.issue import SUITES, IssuedCredential, Suite, credential_subject
from credstack.model.quality import EU_MICROCREDENTIAL_CONTEXT
from credstack.services.actors import Actor, authorize
from credstack.services.audit import AuditTrail
from credstack.services.organizations import OrganizationService, SigningKind
from credstack.services.profiles import issuer_profile
from credstack.store.credentials import IssuedCredentialRecord
from credstack.store.models import Organization, User
from credstack.store.organizations import OrganizationRepository
from credstack.store.records import RecordRepository

_KIND: Final[dict[str, SigningKind]] = {"ecdsa-rdfc-2019": "p256"}
MAX_SELECTED: Final = 500


@dataclass(frozen=True)
class Learner:
    """Whom a record is about: their email addresses (lower case) and DIDs."""

    emails: tuple[str, ...] = ()
    dids: tuple[str, ...] = ()

    @classmethod
    def named(cls, value: str) -> Learner:
        """The learner ``value`` names: an email address or a DID/URL (``invalid_recipient``
        otherwise)."""
        name = value.strip()
        if "identifier" in credential_subject(name):
            return cls(emails=(name.lower(),))
        return cls(dids=(name,))

    @classmethod
    def of(cls, user: User, emails: Iterable[str] = ()) -> Learner:
        """A user with their account's address and any other confirmed ones."""
        return cls(emails=tuple(dict.fromkeys(e.lower() for e in (user.email, *emails))))

    def subject(self) -> dict[str, object]:
        """The ClrSubject's naming: its DID as ``id``, or its addresses as salted hashes."""
        if self.dids:
            return {"id": self.dids[0]}
        return {"identifier": [credential_subject(e)["identifier"][0] for e in self.emails]}


class RecordService:
    def __init__(
        self, session: Session, organizations: OrganizationService, audit: AuditTrail
    ) -> None:
        self._organizations = organizations
        self._audit = audit
        self._records = RecordRepository(session)
        self._organization_rows = OrganizationRepository(session)

    # The organisation's view: staff with the issuer role or above.

    def transcript(self, actor: Actor, slug: str, learner: str) -> Transcript:
        """The learner's transcript of what ``slug`` issued them (and its stacks' components)."""
        _, items = self._organization_record(actor, slug, Learner.named(learner))
        return transcript(items, datetime.now(UTC))

    def export_clr(
        self,
        actor: Actor,
        slug: str,
        learner: str,
        *,
        suite: str = "eddsa-rdfc-2022",
        credentials: Sequence[str] | None = None,
    ) -> IssuedCredential:
        """A signed CLR of the learner's valid credentials from ``slug`` (all, or those picked
        by id: the credential's id URL or uuid)."""
        who = Learner.named(learner)
        org, items = self._organization_record(actor, slug, who)
        return self._export(actor, org, who, items, suite, credentials)

    # The learner's view: everything their wallet has.

    def learner_items(self, user: User, emails: Iterable[str] = ()) -> list[RecordItem]:
        learner = Learner.of(user, emails)
        items = [_item(r) for r in self._records.issued_to(learner.emails)]
        known = {item.id for item in items}
        for held in self._records.held(user.id):
            item = RecordItem.parse(held.text, source="held", stored=True)
            if item.id is None or item.id not in known:
                items.append(item)
        return items

    def learner_transcript(self, user: User, emails: Iterable[str] = ()) -> Transcript:
        return transcript(self.learner_items(user, emails), datetime.now(UTC))

    def learner_skills(self, user: User, emails: Iterable[str] = ()) -> SkillsProfile:
        return skills_profile(self.learner_items(user, emails), datetime.now(UTC))

    def learner_signers(self, user: User, emails: Iterable[str] = ()) -> list[Organization]:
        """The organisations that can sign the learner's CLR (those that issued them a
        credential here), by name."""
        ids = {r.organization_id for r in self._records.issued_to(Learner.of(user, emails).emails)}
        found = [self._organization_rows.by_id(i) for i in ids]
        return sorted((o for o in found if o is not None), key=lambda o: (o.name, o.slug))

    def learner_clr(
        self,
        actor: Actor,
        user: User,
        slug: str,
        *,
        emails: Iterable[str] = (),
        suite: str = "eddsa-rdfc-2022",
        credentials: Sequence[str] | None = None,
    ) -> IssuedCredential:
        """A CLR of the learner's record signed by ``slug``: by default that organisation's
        valid credentials and their components; or the credentials picked by id, which may be
        any of the learner's (held ones and other issuers' too)."""
        org = self._organizations.get(slug)
        who = Learner.of(user, emails)
        items = self.learner_items(user, emails)
        if credentials is None:
            ours = [i for i in items if i.issuer_id == org.issuer_did]
            items = ours + _components(ours, items)
        return self._export(actor, org, who, items, suite, credentials)

    def _organization_record(
        self, actor: Actor, slug: str, learner: Learner
    ) -> tuple[Organization, list[RecordItem]]:
        org = self._organizations.get(slug)
        authorize(actor, org.id, "issue")
        items = [
            _item(r)
            for r in self._records.issued_to(learner.emails, learner.dids, organization_id=org.id)
        ]
        named = sorted({cid for item in items for cid in components(item.document)})
        have = {item.id for item in items}
        items += [
            _item(r) for r in self._records.by_credential_ids(named) if r.credential_id not in have
        ]
        return org, items

    def _export(
        self,
        actor: Actor,
        org: Organization,
        learner: Learner,
        items: list[RecordItem],
        suite: str,
        credentials: Sequence[str] | None,
    ) -> IssuedCredential:
        checked = _suite(suite)
        now = datetime.now(UTC).replace(microsecond=0)
        valid = [i for i in items if i.valid(now)]
        chosen = valid if credentials is None else _pick(items, credentials, now)
        if not any(i.issuer_id == org.issuer_did for i in chosen):
            raise Conflict(
                f"{org.name} has issued none of these credentials (or none is valid now); a "
                "CLR is signed by the organisation whose credentials it records.",
                code="no_credential_of_organization",
            )
        eu = any(EU_MICROCREDENTIAL_CONTEXT in _contexts(i) for i in chosen)
        clr = build_clr(
            chosen,
            issuer=issuer_profile(org, accreditation=eu),
            learner=learner.subject(),
            clr_id=f"urn:uuid:{uuid.uuid4()}",
            valid_from=now,
            name=f"Comprehensive Learner Record from {org.name}",
            # CLR 2.0 B.1.1: partial when the issuer knows of more of the learner's records.
            partial=any(i.issuer_id == org.issuer_did and i not in chosen for i in valid),
        )
        signer = self._organizations.signer(org.slug, _KIND.get(checked, "ed25519"))
        signed = sign_clr(
            clr,
            signer.private_key,
            suite=checked,
            verification_method=signer.verification_method,
            created=now,
        )
        self._audit.record(
            actor,
            org.id,
            "clr.exported",
            str(clr["id"]),
            {"suite": checked, "credentials": len(chosen)},
        )
        return signed


def _item(record: IssuedCredentialRecord) -> RecordItem:
    status: Status = "active"
    if record.status in ("revoked", "suspended"):
        status = "revoked" if record.status == "revoked" else "suspended"
    return RecordItem.parse(record.text, status=status, source="issued", stored=True)


def _components(ours: list[RecordItem], items: list[RecordItem]) -> list[RecordItem]:
    """The items that ``ours`` name as stack components, not already among them."""
    named = {cid for item in ours for cid in components(item.document)}
    have = {item.id for item in ours}
    return [i for i in items if i.id in named and i.id not in have]


def _pick(items: list[RecordItem], wanted: Sequence[str], now: datetime) -> list[RecordItem]:
    """The items ``wanted`` names (ids, or the uuids of credentials issued here), in order."""
    if not wanted or len(wanted) > MAX_SELECTED:
        raise InvalidInput(
            f"Pick 1 to {MAX_SELECTED} credentials, or leave the list out for all of them.",
            code="invalid_selection",
        )
    by_key: dict[str, RecordItem] = {}
    for item in items:
        if item.id:
            by_key[item.id] = item
            by_key.setdefault(item.id.rsplit("/", 1)[-1], item)
    chosen: list[RecordItem] = []
    for key in wanted:
        found = by_key.get(key.strip())
        if found is None:
            raise NotFound(
                f"The learner's record has no credential {key!r}.", code="credential_not_in_record"
            )
        state = found.state(now)
        if state != "valid":
            raise Conflict(
                f"The credential {found.id} is {state.replace('_', ' ')}; a CLR records valid "
                "credentials only.",
                code="credential_not_valid",
            )
        if found not in chosen:
            chosen.append(found)
    return chosen


def _contexts(item: RecordItem) -> list[object]:
    value = item.document.get("@context")
    return value if isinstance(value, list) else [value]


def _suite(value: str) -> Suite:
    for suite in SUITES:
        if value == suite:
            return suite
    raise InvalidInput(
        f"Unknown suite {value!r}; choose one of {', '.join(SUITES)}.",
        code="unsupported_cryptosuite",
    )
