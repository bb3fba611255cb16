"""Issuing credentials, and revoking, suspending and publishing their status.

A credential gets one ``BitstringStatusListEntry`` (Bitstring Status List v1.0, section 2.1) at
an index drawn at random (section 6.5) in a list of its organisation; a list is started when
none has room. Open Badges 3.0 allows one ``credentialStatus`` object (its JSON Schema refuses
an array, and so does every OB 3.0 verifier), so the issuer picks the entry's purpose:
``revocation`` (the default; revoke sets the bit for good) or ``suspension`` (suspend and
unsuspend toggle the bit; revoke sets it for good). The credential is signed with the
organisation's active key and stored as the exact text handed out.

The signed status list credential is kept with its list and signed again only when a bit has
changed since (a flip bumps the list's ``revision`` and enqueues ``publish_status_list``) or
when less than half of its validity is left; the public route serves the stored text with an
ETag, so caches and CDNs revalidate it cheaply.

Index allocation is recorded in the list's ``allocated`` bits, so a bulk batch can reserve its
indexes in a short transaction of its own and sign outside the list's lock (``reserve``); an
index reserved by a batch that then died stays unused, which random allocation allows.
"""

from __future__ import annotations

import builtins
import hashlib
import json
import uuid
from collections.abc import Callable, Collection, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final, get_args

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from credstack.errors import Conflict, Error, InvalidInput, NotFound
from credstack.issue import SUITES, IssueCall, SignedText, Suite, issue_many, recipient_kind
from credstack.model.quality import EU_MICROCREDENTIAL_CONTEXT
from credstack.proofs.data_integrity import add_proof
from credstack.services.achievements import AchievementService
from credstack.services.actors import Actor, authorize
from credstack.services.audit import AuditTrail
from credstack.services.issuing import (
    BatchReads,
    IssueRequest,
    Prepared,
    Resolved,
    SignedAhead,
    Slot,
    checked_key,
)
from credstack.services.mail import MailService
from credstack.services.notices import ISSUED, issued_letter
from credstack.services.organizations import OrganizationService, Signer, SigningKind
from credstack.services.ports import (
    IN_PROCESS,
    NO_QUEUE,
    CredentialListener,
    LedgerRecorder,
    Signing,
    TaskQueue,
)
from credstack.services.profiles import issuer_profile
from credstack.status import MIN_LENGTH, Bitstring, allocate, status_list_entry
from credstack.status import status_list_credential as unsigned_status_list
from credstack.store.credentials import (
    CREDENTIAL_STATUSES,
    STATUS_PURPOSES,
    CredentialRepository,
    IssuedCredentialRecord,
    StatusListRecord,
)
from credstack.store.models import Organization

LIST_LENGTH: Final = MIN_LENGTH
# The published list is valid for ten minutes and says to refetch after one (section 2.2,
# ttl in milliseconds); the HTTP cache holds it for a minute too.
LIST_VALIDITY: Final = timedelta(minutes=10)
LIST_TTL_MS: Final = 60_000
# A stored list is signed again when less than this is left of its validity.
LIST_REFRESH: Final = LIST_VALIDITY / 2
MAX_PAGE: Final = 500
_KIND: Final[dict[str, SigningKind]] = {"ecdsa-rdfc-2019": "p256"}


@dataclass(frozen=True)
class PublishedStatusList:
    """The signed status list credential as served, with its HTTP validators."""

    text: str
    etag: str
    last_modified: datetime


class CredentialService:
    def __init__(
        self,
        session: Session,
        base_url: str,
        audit: AuditTrail,
        organizations: OrganizationService,
        achievements: AchievementService,
        queue: TaskQueue = NO_QUEUE,
        ledger: LedgerRecorder | None = None,
        *,
        signing: Signing = IN_PROCESS,
        mail: MailService | None = None,
    ) -> None:
        self._session = session
        self._signing = signing
        self._mail = mail  # for ``issue(..., notify=True)``
        # The transparency ledger gets one entry per issuance and status change, in this
        # transaction (services/ledger.py); None only where no ledger is wanted.
        self._ledger = ledger
        self._base_url = base_url.rstrip("/")
        self._audit = audit
        self._organizations = organizations
        self._achievements = achievements
        self._queue = queue
        self._credentials = CredentialRepository(session)
        self._listeners: builtins.list[CredentialListener] = []
        # Status changes waiting for their bits and leaves while listeners run (``_changed``).
        self._pending: builtins.list[tuple[IssuedCredentialRecord, str, bool]] = []
        self._changing = False

    @property
    def signs_in_parallel(self) -> bool:
        """Whether batches are signed beside this process, so signing ahead pays."""
        return self._signing.parallel

    def subscribe(self, listener: CredentialListener) -> None:
        """Have ``listener`` told of each issue and status change, in the same transaction."""
        self._listeners.append(listener)

    def issue(
        self,
        actor: Actor,
        slug: str,
        request: IssueRequest,
        *,
        idempotency_key: str | None = None,
        notify: bool = False,
    ) -> IssuedCredentialRecord:
        """Sign and store one credential; a retry with the same key returns the stored one.
        With ``notify``, a learner with an email address is emailed the credential's link (in
        this transaction's outbox, so once: not again for a retry that replays it)."""
        org = self._organizations.get(slug)
        authorize(actor, org.id, "issue")
        suite = _suite(request.suite)
        if idempotency_key is not None:
            idempotency_key = checked_key(idempotency_key)
            earlier = self._credentials.by_idempotency_key(org.id, idempotency_key)
            if earlier is not None:
                return _replayed(earlier, request)
        if request.client_credential_id is not None:
            named = self._credentials.by_client_credential_id(org.id, request.client_credential_id)
            if named is not None:
                return _renamed(named, request)
        resolved = self._achievement(org, request)
        recipient_kind(request.recipient)  # refuses a bad recipient early
        for listener in self._listeners:
            listener.issuing(org, request.recipient)
        (slot,) = self._allocate(org, _purpose(request.status_purpose), 1)
        signer = self._organizations.signer(slug, _KIND.get(suite, "ed25519"))
        return self._sign_and_store(
            actor, org, request, suite, idempotency_key, slot, resolved, signer, notify=notify
        )

    def reserve(self, actor: Actor, slug: str, purpose: str, count: int) -> list[Slot]:
        """``count`` status list indexes for a batch that will issue in a later transaction.

        Run in a transaction of its own: the list stays locked only while the indexes are
        drawn, so workers signing batches in parallel do not wait on each other.
        """
        org = self._organizations.get(slug)
        authorize(actor, org.id, "issue")
        return self._allocate(org, _purpose(purpose), count)

    def issue_batch(
        self,
        actor: Actor,
        slug: str,
        items: Sequence[tuple[IssueRequest, str]],
        slots: Sequence[Slot] = (),
        *,
        ahead: SignedAhead | None = None,
        unused: Collection[str] = frozenset(),
        stored: Callable[[builtins.list[uuid.UUID | Error], set[uuid.UUID]], None] | None = None,
    ) -> builtins.list[uuid.UUID | Error]:
        """Issue each ``(request, idempotency key)`` through the same path as ``issue``: each
        row's credential (its record's id), or the reason it was refused.

        The organisation, achievement and signing key are read once for the batch, the keys
        already used are looked up in one query, and indexes come from ``slots`` (reserved
        earlier) before any are drawn here. The batch is signed in one call of the ``Signing``
        port (across processes), then stored. Rows that ``ahead`` (``sign_ahead``) signed
        already, with the achievement version and key still current, take those credentials.
        A row that is refused gives its error in place of a credential; the others are issued.
        ``unused``: keys the caller knows no credential holds (a bulk job's own), not looked up.
        ``stored``, when given, is called with the outcomes and the ids of the credentials this
        call issued (not those replayed) once they are written and before their ledger leaves
        lock the log's head: what it writes is not done under that lock, which every issue
        waits for.
        """
        org = self._organizations.get(slug)
        authorize(actor, org.id, "issue")
        keys = [checked_key(key) for _, key in items]
        earlier = self._earlier(org, keys, unused)
        batch = BatchReads(list(reversed(slots)))
        results: builtins.list[uuid.UUID | Error | None] = []
        # Per signing key: the rows to sign with it (their place in results) and their calls.
        fresh: dict[SigningKind, builtins.list[tuple[int, Prepared, IssueCall]]] = {}
        taken: dict[str, int] = {}  # a row signed ahead: its key, its place in results
        for (request, _), key in zip(items, keys, strict=True):
            try:
                if key in earlier:
                    results.append(_replayed(earlier[key], request).id)
                    continue
                if ahead is not None and self._still_current(org, slug, ahead, key, batch):
                    taken[key] = len(results)
                    results.append(None)
                    continue
                kind, prepared = self._prepare(org, slug, request, key, batch)
                call = self._call(org, prepared, batch.signers[kind])
                fresh.setdefault(kind, []).append((len(results), prepared, call))
                results.append(None)
            except Error as exc:
                results.append(exc)
        places: builtins.list[int] = []
        signed: builtins.list[tuple[Prepared, SignedText]] = []

        def keep(place: int, prepared: Prepared, out: SignedText | Error) -> None:
            if isinstance(out, Error):
                results[place] = out
            else:
                places.append(place)
                signed.append((prepared, out))

        if ahead is not None:
            with closing(ahead):
                for key, prepared, outcome in ahead.outcomes():
                    if key in taken:
                        keep(taken[key], prepared, outcome)
        for kind, rows in fresh.items():
            calls = [call for _, _, call in rows]
            with closing(self._signing.issue_many(batch.signers[kind].private_key, calls)) as out:
                for (place, prepared, _), outcome in zip(rows, out, strict=True):
                    keep(place, prepared, outcome)
        # A key taken meanwhile by a concurrent request fails the whole batch; run again, it
        # replays.
        values = self._store_batch(actor, org, signed)
        for place, row in zip(places, values, strict=True):
            results[place] = row["id"]
        done = [outcome for outcome in results if outcome is not None]
        assert len(done) == len(items)  # every row signed was stored or refused
        if stored is not None:
            stored(done, {row["id"] for row in values})
        self._append_leaves(org, values, signed)  # last: it locks the log's head
        return done

    def sign_ahead(
        self,
        actor: Actor,
        slug: str,
        items: Sequence[tuple[IssueRequest, str]],
        slots: Sequence[Slot],
        *,
        unused: Collection[str] = frozenset(),
    ) -> SignedAhead | None:
        """Start signing rows of a batch that a later transaction will claim and store
        (``issue_batch(..., ahead=...)``), so that signing in other processes overlaps the
        work of the batch before it; None when signing is not parallel or nothing is left.

        Nothing is written: the rows' indexes are ``slots``, reserved already, and a row
        refused here is prepared again, and refused with its reason, in ``issue_batch``.
        """
        if not self._signing.parallel:
            return None
        org = self._organizations.get(slug)
        authorize(actor, org.id, "issue")
        keys = [checked_key(key) for _, key in items]
        earlier = self._earlier(org, keys, unused)
        batch = BatchReads(list(reversed(slots)), draw=False)
        rows: dict[SigningKind, builtins.list[tuple[str, Prepared, IssueCall]]] = {}
        for (request, _), key in zip(items, keys, strict=True):
            if key in earlier:
                continue
            try:
                kind, prepared = self._prepare(org, slug, request, key, batch)
            except Error:
                continue
            rows.setdefault(kind, []).append(
                (key, prepared, self._call(org, prepared, batch.signers[kind]))
            )
        if not rows:
            return None
        streams = [
            (
                batch.signers[kind].verification_method,
                signed,
                self._signing.issue_many(
                    batch.signers[kind].private_key, [call for _, _, call in signed]
                ),
            )
            for kind, signed in rows.items()
        ]
        return SignedAhead(streams)

    def _earlier(
        self, org: Organization, keys: Sequence[str], unused: Collection[str]
    ) -> dict[str, IssuedCredentialRecord]:
        # Only keys that may be taken are looked up: the query's cost grows with the table when
        # PostgreSQL's statistics lag behind a table a bulk job is filling (a seq scan).
        asked = [key for key in keys if key not in unused]
        return self._credentials.by_idempotency_keys(org.id, asked)

    def _prepare(
        self, org: Organization, slug: str, request: IssueRequest, key: str, batch: BatchReads
    ) -> tuple[SigningKind, Prepared]:
        """A row checked, its achievement resolved and its index taken (``Error`` if refused)."""
        suite = _suite(request.suite)
        resolved = self._resolved(org, request, batch)
        recipient_kind(request.recipient)
        purpose = _purpose(request.status_purpose)
        slot = batch.free.pop() if batch.free and batch.free[-1].purpose == purpose else None
        if slot is None:
            if not batch.draw:
                raise InvalidInput("No index is reserved for this row.", code="no_reserved_index")
            (slot,) = self._allocate(org, purpose, 1)
        kind = _KIND.get(suite, "ed25519")
        self._signer(slug, kind, batch)
        return kind, Prepared(request, suite, key, slot, resolved)

    def _resolved(self, org: Organization, request: IssueRequest, batch: BatchReads) -> Resolved:
        if request.achievement_id not in batch.achievements or request.achievement is not None:
            batch.achievements[request.achievement_id] = self._achievement(org, request)
        return batch.achievements[request.achievement_id]

    def _still_current(
        self, org: Organization, slug: str, ahead: SignedAhead, key: str, batch: BatchReads
    ) -> bool:
        """Whether the row was signed ahead with the achievement version and key that
        issuing it now would use (either may have changed in between)."""
        found = ahead.rows.get(key)
        if found is None:
            return False
        method, prepared = found
        if self._resolved(org, prepared.request, batch)[1] != prepared.resolved[1]:
            return False
        signer = self._signer(slug, _KIND.get(prepared.suite, "ed25519"), batch)
        return signer.verification_method == method

    def _signer(self, slug: str, kind: SigningKind, batch: BatchReads) -> Signer:
        if kind not in batch.signers:
            batch.signers[kind] = self._organizations.signer(slug, kind)
        return batch.signers[kind]

    def _sign_and_store(
        self,
        actor: Actor,
        org: Organization,
        request: IssueRequest,
        suite: Suite,
        idempotency_key: str | None,
        slot: Slot,
        resolved: Resolved,
        signer: Signer,
        *,
        notify: bool = False,
    ) -> IssuedCredentialRecord:
        prepared = Prepared(request, suite, idempotency_key, slot, resolved)
        call = self._call(org, prepared, signer)
        (outcome,) = issue_many(signer.private_key, [call])
        if isinstance(outcome, Error):
            raise outcome
        return self._store(actor, org, prepared, outcome, notify=notify)

    def _call(self, org: Organization, prepared: Prepared, signer: Signer) -> IssueCall:
        """What signing needs, with the credential's id (a new uuid) chosen here."""
        request, slot = prepared.request, prepared.slot
        achievement, _, contexts = prepared.resolved
        return IssueCall(
            achievement,
            recipient=request.recipient,
            suite=prepared.suite,
            issuer=issuer_profile(org, accreditation=EU_MICROCREDENTIAL_CONTEXT in contexts),
            verification_method=signer.verification_method,
            valid_until=request.valid_until,
            credential_id=self._credential_id(prepared),
            extra_contexts=contexts,
            credential_status=status_list_entry(slot.url, slot.index, purpose=slot.purpose),
            result=request.result,
            evidence=request.evidence,
            awarded_date=request.awarded_date,
            proof_id=request.proof_id,
        )

    def _credential_id(self, prepared: Prepared) -> str:
        return f"{self._base_url}/credentials/{prepared.record_id}"

    def _values(self, org: Organization, prepared: Prepared, issued: SignedText) -> dict[str, Any]:
        """The credential's row: its exact text, and the columns it is found by."""
        request, slot, idempotency_key = prepared.request, prepared.slot, prepared.key
        achievement, version, _ = prepared.resolved
        by_email = recipient_kind(request.recipient) == "email"
        return {
            "id": prepared.record_id,
            "organization_id": org.id,
            "achievement_id": version[0] if version else None,
            "achievement_version": version[1] if version else None,
            "name": str(achievement.get("name", ""))[:500],
            "recipient_email": request.recipient.strip() if by_email else None,
            "recipient_did": None if by_email else request.recipient.strip(),
            "credential_id": self._credential_id(prepared),
            "suite": prepared.suite,
            "media_type": issued.media_type,
            "text": issued.text,
            "status": "active",
            "status_purpose": slot.purpose,
            "status_list_id": slot.list_id,
            "status_index": slot.index,
            "idempotency_key": idempotency_key,
            "client_credential_id": request.client_credential_id,
            "request_hash": (
                request.digest() if idempotency_key or request.client_credential_id else None
            ),
            "issued_at": datetime.now(UTC),
        }

    def _store(
        self,
        actor: Actor,
        org: Organization,
        prepared: Prepared,
        issued: SignedText,
        *,
        notify: bool = False,
    ) -> IssuedCredentialRecord:
        """Store one signed credential, with its audit entry, listeners and ledger leaf (and,
        with ``notify``, its email to the learner)."""
        request, idempotency_key = prepared.request, prepared.key
        record = IssuedCredentialRecord(**self._values(org, prepared, issued))
        try:
            with self._session.begin_nested():
                self._credentials.add(record)
                self._session.flush()
        except IntegrityError:
            # A concurrent request with the same key won the race: answer with its credential.
            winner = (
                self._credentials.by_idempotency_key(org.id, idempotency_key)
                if idempotency_key
                else None
            )
            if winner is not None:
                return _replayed(winner, request)
            named = (
                self._credentials.by_client_credential_id(org.id, request.client_credential_id)
                if request.client_credential_id
                else None
            )
            if named is None:
                raise
            return _renamed(named, request)
        self._audit.record(
            actor, org.id, "credential.issued", record.credential_id, _detail(prepared)
        )
        for listener in self._listeners:
            listener.issued(record)
        if notify and self._mail is not None and record.recipient_email is not None:
            letter = issued_letter(
                record.recipient_email,
                str(prepared.resolved[0].get("name", "")),
                org.name,
                record.credential_id,
                f"{self._base_url}/wallet",
            )
            self._mail.send(letter.recipient, letter.subject, letter.body, purpose=ISSUED)
        if self._ledger is not None:
            # Last: the append locks the log's head until commit, so every other lock of this
            # credential is taken before it, in the same order in every transaction. The
            # digest was made when it was signed.
            self._ledger.record_many(
                [("credential.issued", record.credential_id, issued.text, org.issuer_did)],
                [issued.digest],
            )
        return record

    def _store_batch(
        self,
        actor: Actor,
        org: Organization,
        signed: builtins.list[tuple[Prepared, SignedText]],
    ) -> builtins.list[dict[str, Any]]:
        """Store a batch's signed credentials: one INSERT of the credentials (before the
        listeners, whose queries must find them) and one of their audit entries; their rows.
        Their ledger leaves are appended apart (``_append_leaves``), last.

        They are written without the ORM's unit of work, which cost as much as the signing
        (docs/performance.md), and their records are made only for the listeners that want
        them (``CredentialListener.listens``)."""
        values = [self._values(org, prepared, out) for prepared, out in signed]
        self._credentials.insert_many(values)
        self._audit.record_many(
            actor,
            org.id,
            "credential.issued",
            [
                (row["credential_id"], _detail(prepared))
                for row, (prepared, _) in zip(values, signed, strict=True)
            ],
        )
        listening = [listener for listener in self._listeners if listener.listens(org)]
        if listening:
            for row in values:
                record = IssuedCredentialRecord(**row)
                for listener in listening:
                    listener.issued(record)
        return values

    def _append_leaves(
        self,
        org: Organization,
        values: builtins.list[dict[str, Any]],
        signed: builtins.list[tuple[Prepared, SignedText]],
    ) -> None:
        """The batch's ledger leaves: the head's lock is held from here to the commit."""
        self._session.flush()  # what the listeners and the caller added, before the head's lock
        if self._ledger is not None:
            self._ledger.record_many(
                [
                    ("credential.issued", row["credential_id"], out.text, org.issuer_did)
                    for row, (_, out) in zip(values, signed, strict=True)
                ],
                [out.digest for _, out in signed],
            )

    def get(self, credential_id: uuid.UUID | str) -> IssuedCredentialRecord:
        """A credential by uuid; public, as its URL is its id."""
        key = _uuid(credential_id)
        record = self._credentials.get(key) if key is not None else None
        if record is None:
            raise NotFound(f"No credential {credential_id}.", code="credential_not_found")
        return record

    def list(
        self,
        actor: Actor,
        slug: str,
        *,
        offset: int = 0,
        limit: int = 50,
        after: uuid.UUID | None = None,
    ) -> list[IssuedCredentialRecord]:
        """A page of the organisation's credentials, oldest first: from ``offset``, or (at any
        depth in the same time) right after the credential ``after``."""
        if offset < 0 or not 1 <= limit <= MAX_PAGE or (after is not None and offset):
            raise InvalidInput(
                f"Paging needs offset >= 0 (or after, without offset) and "
                f"1 <= limit <= {MAX_PAGE}.",
                code="invalid_paging",
            )
        org = self._organizations.get(slug)
        authorize(actor, org.id, "issue")
        if after is None:
            return self._credentials.for_organization(org.id, offset=offset, limit=limit)
        page = self._credentials.after(org.id, after, limit=limit)
        if page is None:
            raise InvalidInput(
                f"{slug!r} has no credential {after} to page after.", code="invalid_cursor"
            )
        return page

    def owned(
        self, actor: Actor, slug: str, credential_id: uuid.UUID | str
    ) -> IssuedCredentialRecord:
        """One of the organisation's credentials, for its issuers (the console's page of it)."""
        return self._owned(actor, slug, credential_id)

    def search(
        self,
        actor: Actor,
        slug: str,
        *,
        text: str | None = None,
        status: str | None = None,
        achievement_id: uuid.UUID | None = None,
        offset: int = 0,
        limit: int = 50,
    ) -> builtins.list[IssuedCredentialRecord]:
        """A page of the organisation's credentials, newest first, found by recipient, name or
        id (any part of them) and filtered by status and achievement (the console's list)."""
        if offset < 0 or not 1 <= limit <= MAX_PAGE:
            raise InvalidInput(
                f"Paging needs offset >= 0 and 1 <= limit <= {MAX_PAGE}.", code="invalid_paging"
            )
        if status is not None and status not in CREDENTIAL_STATUSES:
            raise InvalidInput(
                f"{status!r} is not a credential status; use one of "
                f"{', '.join(CREDENTIAL_STATUSES)}.",
                code="invalid_status",
            )
        org = self._organizations.get(slug)
        authorize(actor, org.id, "issue")
        return self._credentials.search(
            org.id,
            text=(text or "").strip()[:200] or None,
            status=status,
            achievement_id=achievement_id,
            offset=offset,
            limit=limit,
        )

    def revoke(
        self, actor: Actor, slug: str, credential_id: uuid.UUID | str, reason: str | None = None
    ) -> IssuedCredentialRecord:
        """Set the credential's status bit, for good; revoking again changes nothing."""
        record = self._owned(actor, slug, credential_id)
        if record.status == "revoked":
            return record
        record.status = "revoked"
        record.revoked_at = datetime.now(UTC)
        return self._changed(actor, record, "credential.revoked", reason, bit=True)

    def suspend(
        self, actor: Actor, slug: str, credential_id: uuid.UUID | str, reason: str | None = None
    ) -> IssuedCredentialRecord:
        record = self._owned(actor, slug, credential_id)
        if record.status == "revoked":
            raise Conflict("A revoked credential cannot be suspended.", code="credential_revoked")
        _require_suspendable(record)
        if record.status == "suspended":
            return record
        record.status = "suspended"
        return self._changed(actor, record, "credential.suspended", reason, bit=True)

    def unsuspend(
        self, actor: Actor, slug: str, credential_id: uuid.UUID | str, reason: str | None = None
    ) -> IssuedCredentialRecord:
        record = self._owned(actor, slug, credential_id)
        if record.status == "revoked":
            raise Conflict(
                "A revoked credential cannot be unsuspended; revocation is permanent.",
                code="credential_revoked",
            )
        _require_suspendable(record)
        if record.status == "active":
            return record
        record.status = "active"
        return self._changed(actor, record, "credential.unsuspended", reason, bit=False)

    def update_status(
        self, actor: Actor, slug: str, credential_id: str, purpose: str, *, status: bool
    ) -> IssuedCredentialRecord:
        """The VC-API UpdateCredentialStatusRequest: set (``status``) or clear an entry's bit."""
        record = self._owned(actor, slug, credential_id)
        if purpose != record.status_purpose:
            raise InvalidInput(
                f"The credential's status entry is for {record.status_purpose}, not {purpose!r}.",
                code="status_purpose_mismatch",
            )
        if purpose == "suspension":
            change = self.suspend if status else self.unsuspend
            return change(actor, slug, record.id)
        if not status and record.status == "revoked":
            raise Conflict("A revocation cannot be undone.", code="credential_revoked")
        return self.revoke(actor, slug, record.id) if status else record

    def status_list_credential(
        self, slug: str, list_id: uuid.UUID | str, *, keep: bool = True
    ) -> dict[str, Any]:
        """The signed ``BitstringStatusListCredential`` (public), as a JSON object; with
        ``keep=False`` a list signed again is not stored (``published_status_list``)."""
        published = self.published_status_list(slug, list_id, keep=keep)
        parsed: dict[str, Any] = json.loads(published.text)
        return parsed

    def published_status_list(
        self, slug: str, list_id: uuid.UUID | str, *, keep: bool = True
    ) -> PublishedStatusList:
        """The stored signed list, signed again first if its bits changed or it is ageing.

        With ``keep=False`` nothing is written: the verifier reads lists inside requests that
        hold SQLite's write lock (a wallet's upload), where a write of its own cannot wait.
        """
        key = _uuid(list_id)
        found = self._credentials.status_list(key) if key is not None else None
        org = self._organizations.get(slug)
        if found is None or found.organization_id != org.id:
            raise NotFound(f"{slug!r} has no status list {list_id}.", code="status_list_not_found")
        return self._publish(org, found, keep=keep)

    def publish_status_list(self, list_id: uuid.UUID | str) -> None:
        """The ``publish_status_list`` task: sign the list again if it is stale."""
        key = _uuid(list_id)
        found = self._credentials.status_list(key) if key is not None else None
        if found is None:
            raise NotFound(f"No status list {list_id}.", code="status_list_not_found")
        org = self._session.get(Organization, found.organization_id)
        assert org is not None  # a foreign key
        self._publish(org, found)

    def _publish(
        self, org: Organization, found: StatusListRecord, *, keep: bool = True
    ) -> PublishedStatusList:
        now = datetime.now(UTC).replace(microsecond=0)
        stale = (
            found.published is None
            or found.published_at is None
            or found.published_until is None
            or found.published_revision != found.revision
            or found.published_until - now < LIST_REFRESH
        )
        if stale:
            # Valid from the last change of its bits, not from "now": a verifier whose clock read
            # a moment before this request was served must not see the list as not yet valid.
            changed = found.updated_at.astimezone(UTC).replace(microsecond=0)
            unsigned = unsigned_status_list(
                found.url,
                issuer=org.issuer_did,
                purpose=found.purpose,
                bitstring=_bits(found),
                valid_from=min(changed, now),
                valid_until=now + LIST_VALIDITY,
                ttl=LIST_TTL_MS,
            )
            signer = self._organizations.signer(org.slug)
            signed = add_proof(
                unsigned,
                signer.private_key,
                cryptosuite="eddsa-rdfc-2022",
                verification_method=signer.verification_method,
                created=now,
            )
            text = json.dumps(signed, ensure_ascii=False, separators=(",", ":"))
            if not keep:
                return _published(text, now)
            found.published = text
            found.published_revision = found.revision
            found.published_at = now
            found.published_until = now + LIST_VALIDITY
            self._session.flush()
        assert found.published is not None
        assert found.published_at is not None
        return _published(found.published, found.published_at)

    def _achievement(self, org: Organization, request: IssueRequest) -> Resolved:
        if (request.achievement_id is None) == (request.achievement is None):
            raise InvalidInput(
                "Give either achievementId or achievement, not both or neither.",
                code="invalid_achievement",
            )
        if request.achievement is not None:
            inline = dict(request.achievement)
            # OB 3.0 requires an Achievement id; an inline one without gets a URN of its own.
            inline.setdefault("id", f"urn:uuid:{uuid.uuid4()}")
            return inline, None, []
        view = self._achievements.get(request.achievement_id or "")
        if view.record.organization_id != org.id:
            raise NotFound(
                f"{org.slug!r} has no achievement {request.achievement_id}.",
                code="achievement_not_found",
            )
        if view.record.status != "published":
            raise Conflict(
                f"The achievement is {view.record.status}; only a published one is issued.",
                code="achievement_not_published",
            )
        contexts = [EU_MICROCREDENTIAL_CONTEXT] if view.record.quality_profile == "eu-2022" else []
        return view.document, (view.record.id, view.version), contexts

    def _allocate(self, org: Organization, purpose: str, count: int) -> builtins.list[Slot]:
        """``count`` random free indexes, marked allocated; new lists are started as needed."""
        slots: builtins.list[Slot] = []
        found = self._with_room(org, purpose, self._credentials.newest_list_for_update)
        while len(slots) < count:
            if found is None:
                # Two transactions needing a new list at once would each start one: the
                # organisation's row serialises them (PostgreSQL); the second finds the first's.
                self._credentials.lock_organization(org.id)
                found = self._with_room(org, purpose, self._credentials.newest_list_for_update)
            if found is None:
                new = self._new_list(org, purpose)
                found = new, self._allocated(new)
            status_list, allocated = found
            room = status_list.length - allocated.count()
            for _ in range(min(room, count - len(slots))):
                index = allocate(allocated.get, status_list.length)
                allocated.set(index)
                slots.append(Slot(status_list.id, status_list.url, purpose, index))
            status_list.allocated = allocated.to_bytes()
            self._session.flush()  # before the next query reads the list afresh
            found = None
        return slots

    def _with_room(
        self,
        org: Organization,
        purpose: str,
        newest: Callable[[uuid.UUID, str], StatusListRecord | None],
    ) -> tuple[StatusListRecord, Bitstring] | None:
        status_list = newest(org.id, purpose)
        if status_list is None:
            return None
        allocated = self._allocated(status_list)
        return (status_list, allocated) if allocated.count() < status_list.length else None

    def _allocated(self, status_list: StatusListRecord) -> Bitstring:
        if status_list.allocated is not None:
            return Bitstring.from_bytes(status_list.allocated)
        # A list from before allocations were recorded: the indexes its credentials hold.
        used = self._credentials.used_indexes(status_list)
        return Bitstring.generate(status_list.length, used)

    def _new_list(self, org: Organization, purpose: str) -> StatusListRecord:
        list_id = uuid.uuid4()
        status_list = self._credentials.add_list(
            StatusListRecord(
                id=list_id,
                organization_id=org.id,
                purpose=purpose,
                length=LIST_LENGTH,
                bits=Bitstring(LIST_LENGTH).encode().encode("ascii"),
                url=f"{self._base_url}/orgs/{org.slug}/status/{list_id}",
                revision=0,
            )
        )
        self._session.flush()
        return status_list

    def _changed(
        self,
        actor: Actor,
        record: IssuedCredentialRecord,
        action: str,
        reason: str | None,
        *,
        bit: bool,
    ) -> IssuedCredentialRecord:
        """Record a status change: the credential's row, the audit entry and the listeners
        first, then the status list's bit and the ledger leaf, last.

        The list's row lock is held from the flip to the commit, and every change of the list
        waits for it; so it is taken as late as possible, after the work that does not need
        it (a listener may revoke a pathway's stacked credential in turn: those changes wait in
        ``_pending`` and are applied with this one). Locks are then taken in one order in every
        transaction: the credentials' rows, the lists' rows (by id), the ledger's head.
        """
        record.reason = reason.strip()[:2000] if reason else None
        self._session.flush()
        self._audit.record(
            actor, record.organization_id, action, record.credential_id, {"reason": record.reason}
        )
        outer = not self._changing
        self._changing = True
        try:
            for listener in self._listeners:
                listener.status_changed(record, action)
            self._pending.append((record, action, bit))
        except BaseException:
            self._pending = []
            raise
        finally:
            if outer:
                self._changing = False
        if outer:
            pending, self._pending = self._pending, []
            self._apply(pending)
        return record

    def _apply(self, changes: builtins.list[tuple[IssuedCredentialRecord, str, bool]]) -> None:
        """Set the changes' bits, one locked read and write per list, then append their leaves
        (in the order they happened: a stacked credential revoked by a listener first)."""
        entries = []
        for record, action, _ in changes:  # read before any list is locked
            org = self._session.get(Organization, record.organization_id)
            issuer = org.issuer_did if org is not None else ""
            entries.append((action, record.credential_id, record.text, issuer))
        by_list: dict[uuid.UUID, builtins.list[tuple[IssuedCredentialRecord, bool]]] = {}
        for record, _, value in changes:
            by_list.setdefault(record.status_list_id, []).append((record, value))
        for list_id in sorted(by_list, key=str):
            status_list = self._credentials.status_list_for_update(list_id)
            if status_list is None:  # pragma: no cover - a foreign key
                raise NotFound(
                    "The credential's status list is gone.", code="status_list_not_found"
                )
            bits = _bits(status_list)
            for record, value in by_list[list_id]:
                bits.set(record.status_index, value)
            status_list.bits = bits.encode().encode("ascii")
            status_list.updated_at = datetime.now(UTC)
            status_list.revision += len(by_list[list_id])
            self._queue.enqueue("publish_status_list", list_id=str(status_list.id))
        if self._ledger is not None:  # last, as in _sign_and_store
            self._ledger.record_many(entries)
        else:
            self._session.flush()

    def _owned(
        self, actor: Actor, slug: str, credential_id: uuid.UUID | str
    ) -> IssuedCredentialRecord:
        org = self._organizations.get(slug)
        authorize(actor, org.id, "issue")
        if isinstance(credential_id, uuid.UUID):
            found = self._credentials.get(credential_id)
        else:
            # A VC-API credentialId names the credential too (within its organisation), before
            # a uuid does; both looked up in one query.
            found = self._credentials.named_or_id(org.id, credential_id, _uuid(credential_id))
        if found is None or found.organization_id != org.id:
            raise NotFound(
                f"{slug!r} has no credential {credential_id}.", code="credential_not_found"
            )
        return found


def _bits(status_list: StatusListRecord) -> Bitstring:
    # The column holds the encodedList (GZIP + multibase), a few hundred bytes for a sparse list.
    return Bitstring.decode(status_list.bits.decode("ascii"))


def _purpose(value: str) -> str:
    if value not in STATUS_PURPOSES:
        raise InvalidInput(
            f"statusPurpose {value!r} is not one of {', '.join(STATUS_PURPOSES)}.",
            code="unsupported_status_purpose",
        )
    return value


def _require_suspendable(record: IssuedCredentialRecord) -> None:
    if record.status_purpose != "suspension":
        raise Conflict(
            "The credential was issued with a revocation entry, so it cannot be suspended; "
            'issue with statusPurpose "suspension" to allow it.',
            code="not_suspendable",
        )


_SUITE_NAMES: Final[tuple[Suite, ...]] = get_args(Suite)  # once: a call per credential costs


def _suite(value: str) -> Suite:
    for suite in _SUITE_NAMES:
        if value == suite:
            return suite
    raise InvalidInput(
        f"Unknown suite {value!r}; choose one of {', '.join(SUITES)}.",
        code="unsupported_cryptosuite",
    )


def _detail(prepared: Prepared) -> dict[str, Any]:
    return {"suite": prepared.suite, "achievement": prepared.resolved[0].get("id")}


def _replayed(record: IssuedCredentialRecord, request: IssueRequest) -> IssuedCredentialRecord:
    if record.request_hash != request.digest():
        raise Conflict(
            "This Idempotency-Key was used for a different request; use a new key.",
            code="idempotency_key_reused",
        )
    return record


def _renamed(record: IssuedCredentialRecord, request: IssueRequest) -> IssuedCredentialRecord:
    """VC-API credentialId: asking again for the same credential under its name returns it;
    another credential under a name already taken is refused."""
    if record.request_hash != request.digest():
        raise Conflict(
            f"The credentialId {request.client_credential_id!r} already names another "
            "credential of this organisation; choose another.",
            code="credential_id_taken",
        )
    return record


def _uuid(value: uuid.UUID | str) -> uuid.UUID | None:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(value.rstrip("/").rsplit("/", 1)[-1])
    except ValueError:
        return None


def _published(text: str, at: datetime) -> PublishedStatusList:
    digest = hashlib.sha256(text.encode()).hexdigest()[:32]
    return PublishedStatusList(text, f'"{digest}"', at)
