"""The transparency ledger of this server: appends, signed checkpoints, proofs, cosignatures.

Every credential issued and every status change is one leaf (``ledger.entries.Entry``),
appended in the same transaction as the change, so that a rolled-back issuance leaves no
leaf and a committed one always has its leaf. ``checkpoint`` signs the current tree head with
the log key (an Ed25519 key of its own, never an issuer's, created on first use and sealed at
rest like the organisations' keys), after checking that the new head extends the last one: a
log must never sign two inconsistent checkpoints (c2sp.org/tlog-checkpoint, "Signatures").
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from credstack.errors import ConfigurationError, Forbidden, InvalidInput, LedgerError, NotFound
from credstack.ledger import (
    Checkpoint,
    Entry,
    InclusionEvidence,
    LedgerTrust,
    NoteSigner,
    NoteVerifier,
    credential_digest,
    leaf_hash,
    open_checkpoint,
    parse_note,
    sign_note,
)
from credstack.ledger.checkpoint import cosignature_time
from credstack.ledger.merkle import (
    consistency_proof,
    inclusion_proof,
    nodes_for_consistency,
    nodes_for_inclusion,
    nodes_for_root,
    root,
)
from credstack.ledger.note import COSIGNATURE
from credstack.ledger.proofs import verify_consistency
from credstack.proofs.keys import PrivateKey, generate_key
from credstack.services.actors import Actor, authorize
from credstack.services.audit import AuditTrail
from credstack.services.ledger_audit import AuditReport, audit
from credstack.services.ledger_backfill import BackfillReport, missing_events
from credstack.services.ledger_backfill import entries as backfill_entries
from credstack.services.ports import Anchor, KeyVault
from credstack.store.ledger import LedgerCheckpoint, LedgerCosignature, LedgerKey, LedgerRepository
from credstack.verify.ledger import LedgerLookup


@dataclass(frozen=True)
class LedgerHead:
    """What a verifier checks inclusion proofs against: the trusted keys, and the latest
    signed checkpoint's size and note (with its cosignatures)."""

    trust: LedgerTrust
    size: int
    note: str


def ledger_origin(base_url: str, suffix: str = "ledger") -> str:
    """The log's origin and key name: the schema-less base URL, then ``/ledger``.

    >>> ledger_origin("https://badges.example.edu:8443/app")
    'badges.example.edu:8443/app/ledger'
    """
    parts = urlsplit(base_url)
    host = (parts.hostname or "localhost").lower()
    netloc = f"{host}:{parts.port}" if parts.port is not None else host
    return f"{netloc}{parts.path.rstrip('/')}/{suffix}"


Recorded = tuple[str, str, str, str]
"""What one entry is made of: kind, credential id, the credential's exact text, issuer."""


def _entry(kind: str, credential_id: str, digest: str, issuer: str) -> Entry:
    return Entry(
        kind=kind,
        credential=credential_id,
        digest=digest,
        issuer=issuer,
        time=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )


def verifier_keys(values: list[str], kind: int, setting: str) -> tuple[NoteVerifier, ...]:
    keys: list[NoteVerifier] = []
    for value in values:
        try:
            key = NoteVerifier.from_vkey(value)
        except LedgerError as exc:
            raise ConfigurationError(
                f"CREDSTACK_{setting.upper()} holds {value[:60]!r}, which is not a C2SP verifier "
                "key (name+keyid+base64).",
                code="invalid_ledger_setting",
            ) from exc
        if key.kind != kind:
            raise ConfigurationError(
                f"CREDSTACK_{setting.upper()} holds a key of type {key.kind:#04x}, not "
                f"{kind:#04x}.",
                code="invalid_ledger_setting",
            )
        keys.append(key)
    return tuple(keys)


@dataclass(frozen=True)
class LedgerPolicy:
    """The ledger's settings: trusted witnesses, how many a verification requires, the anchor."""

    witnesses: tuple[NoteVerifier, ...] = ()
    required_witnesses: int = 0
    anchor: Anchor | None = None


@dataclass(frozen=True)
class ProvenEntry:
    """One leaf of a credential with its inclusion proof in the tree of ``tree_size``."""

    index: int
    kind: str
    data: bytes
    proof: list[bytes]


@dataclass(frozen=True)
class CredentialProof:
    """A credential's leaves, proven against the latest checkpoint (None: none covers them)."""

    credential_id: str
    entries: list[ProvenEntry]
    checkpoint: str | None
    tree_size: int
    pending: list[int]


class LedgerService:
    def __init__(
        self,
        session: Session,
        vault: KeyVault,
        base_url: str,
        audit: AuditTrail,
        policy: LedgerPolicy | None = None,
    ) -> None:
        self._session = session
        self._vault = vault
        self._audit = audit
        self.origin = ledger_origin(base_url)
        self.policy = policy or LedgerPolicy()
        self._ledger = LedgerRepository(session)

    # Appending: the port that CredentialService calls.

    def record(self, kind: str, credential_id: str, credential: str, issuer: str) -> int:
        """Append one entry for ``credential`` (its exact issued text) and return its index."""
        data = _entry(kind, credential_id, credential_digest(credential), issuer).encode()
        # Write what the transaction holds first, so that its inserts take their locks (foreign
        # keys) before the head's row lock, which is held until commit: every transaction then
        # takes the head last, and none waits for another while holding it.
        self._session.flush()
        with self._session.no_autoflush:
            index = self._ledger.claim_index()
            self._ledger.append(index, kind, credential_id, data, leaf_hash(data))
        self._first_leaf(index)
        return index

    def record_many(self, records: Sequence[Recorded], digests: Sequence[str] | None = None) -> int:
        """Append one entry per ``(kind, credential id, credential text, issuer)``, at
        consecutive indexes; the first index (the size of the log if ``records`` is empty).
        ``digests``, when given, are the credentials' ``credential_digest``, made already.

        A batch claims its indexes once, at its end: the head's lock is then held only from
        here to the commit, not while the batch signs, and the leaves and nodes go in one
        INSERT each.
        """
        if digests is None:
            digests = [credential_digest(text) for _, _, text, _ in records]
        leaves = [
            (kind, credential_id, _entry(kind, credential_id, digest, issuer).encode())
            for (kind, credential_id, _, issuer), digest in zip(records, digests, strict=True)
        ]
        self._session.flush()  # as in ``record``: the head is the last lock taken
        if not leaves:
            return self._ledger.size()
        with self._session.no_autoflush:
            start = self._ledger.claim_index(len(leaves))
            self._ledger.append_many(start, leaves)
        self._first_leaf(start)
        return start

    def _first_leaf(self, index: int) -> None:
        """With the log's first leaf, its key: a verifier reading the ledger then never makes
        it (a write, which a read inside a request holding SQLite's write lock cannot do)."""
        if index == 0:
            self.signer()

    def size(self) -> int:
        return self._ledger.size()

    def latest_size(self) -> int:
        """The size of the latest signed checkpoint (0 before the first)."""
        return self._ledger.signed_size()

    # Keys.

    def signer(self) -> NoteSigner:
        """The log's signer; its key is made (and sealed) on first use."""
        key, private = self._key("log", self.origin)
        return NoteSigner(key.name, key.public_key, private.sign)

    @property
    def log_key(self) -> NoteVerifier:
        return self.signer().verifier

    def trust(self) -> LedgerTrust:
        return LedgerTrust(self.log_key, self.policy.witnesses, self.policy.required_witnesses)

    def _key(self, purpose: str, name: str) -> tuple[LedgerKey, PrivateKey]:
        stored = self._ledger.key(purpose)
        if stored is None:
            fresh = generate_key("ed25519")
            candidate = LedgerKey(
                id=uuid.uuid4(), purpose=purpose, name=name, public_key=fresh.public_key.raw
            )
            candidate.encrypted_private_key = self._vault.seal(fresh, key_id=str(candidate.id))
            try:
                with self._session.begin_nested():
                    self._ledger.add_key(candidate)
                    self._session.flush()
                return candidate, fresh
            except IntegrityError:
                # Another process made the key first: use that one.
                stored = self._ledger.key(purpose)
                if stored is None:  # pragma: no cover - the unique constraint says otherwise
                    raise
        private = self._vault.unseal(stored.encrypted_private_key, key_id=str(stored.id))
        return stored, private

    # Checkpoints.

    def checkpoint(self, actor: Actor) -> LedgerCheckpoint:
        """Sign the current tree head, unless the latest checkpoint already has this size."""
        authorize(actor, None, "operate_ledger")
        signed = self._checkpoint(actor, None)
        assert signed is not None  # without a minimum age, the latest is returned
        return signed

    def checkpoint_due(self, actor: Actor, every: timedelta) -> LedgerCheckpoint | None:
        """Sign the current tree head if the log grew and the latest checkpoint is at least
        ``every`` old (what the ledger clock of each server and worker asks, so that all of
        them together sign at most one checkpoint per ``every``); the new one, or None."""
        authorize(actor, None, "operate_ledger")
        return self._checkpoint(actor, every)

    def _checkpoint(self, actor: Actor, every: timedelta | None) -> LedgerCheckpoint | None:
        signer = self.signer()  # the log key exists (made on first use) before its row is locked
        # One signer at a time, through the database: on PostgreSQL the log key's row lock
        # (any number of processes), on SQLite the snapshot and its one writer. The size and
        # the latest checkpoint are read after it, so each signer extends the previous one.
        self._ledger.lock_signing()
        size = self._ledger.size()
        latest = self._ledger.latest_checkpoint()
        if latest is not None and latest.tree_size >= size:
            return latest if every is None else None
        if (
            every is not None
            and latest is not None
            and datetime.now(UTC) - latest.created_at < every
        ):
            return None
        head = root(size, self._ledger.nodes(nodes_for_root(size)))
        if latest is not None and latest.tree_size > 0:
            nodes = self._ledger.nodes(nodes_for_consistency(latest.tree_size, size))
            verify_consistency(
                latest.tree_size,
                size,
                consistency_proof(latest.tree_size, size, nodes),
                latest.root_hash,
                head,
            )
        checkpoint = Checkpoint(self.origin, size, head)
        note = sign_note(checkpoint.text, signer)
        row = LedgerCheckpoint(tree_size=size, root_hash=head, note=note)
        try:
            with self._session.begin_nested():
                self._ledger.add_checkpoint(row)
                self._session.flush()
        except IntegrityError:
            # A concurrent call signed this size first; the same size has the same root.
            existing = self._ledger.checkpoint(size)
            if existing is None:  # pragma: no cover - the primary key says otherwise
                raise
            return existing
        receipt = self.policy.anchor.publish(checkpoint, note) if self.policy.anchor else None
        self._audit.record(
            actor,
            None,
            "ledger.checkpoint",
            f"{self.origin}@{size}",
            {"root": base64.b64encode(head).decode(), "anchor": receipt},
        )
        return row

    def latest_note(self) -> str:
        """The latest checkpoint with every cosignature received for it."""
        latest = self._ledger.latest_checkpoint()
        if latest is None:
            raise NotFound(
                "The ledger has no signed checkpoint yet; run credstack ledger checkpoint.",
                code="checkpoint_not_found",
            )
        return self._with_cosignatures(latest)

    def note_at(self, size: int) -> str:
        found = self._ledger.checkpoint(size)
        if found is None:
            raise NotFound(
                f"The ledger signed no checkpoint of size {size}.", code="checkpoint_not_found"
            )
        return self._with_cosignatures(found)

    def _with_cosignatures(self, checkpoint: LedgerCheckpoint) -> str:
        lines = "".join(c.line for c in self._ledger.cosignatures(checkpoint.tree_size))
        return checkpoint.note + lines

    # Proofs.

    def inclusion(self, credential_id: str) -> CredentialProof:
        """The credential's leaves with inclusion proofs against the latest checkpoint."""
        leaves = self._ledger.leaves_of(credential_id)
        if not leaves:
            raise NotFound(
                f"The ledger has no entry for {credential_id}.", code="ledger_entry_not_found"
            )
        latest = self._ledger.latest_checkpoint()
        size = latest.tree_size if latest else 0
        covered = [leaf for leaf in leaves if leaf.idx < size]
        wanted: set[tuple[int, int]] = set()
        for leaf in covered:
            wanted |= nodes_for_inclusion(leaf.idx, size)
        nodes = self._ledger.nodes(wanted)
        entries = [
            ProvenEntry(leaf.idx, leaf.kind, leaf.data, inclusion_proof(leaf.idx, size, nodes))
            for leaf in covered
        ]
        return CredentialProof(
            credential_id,
            entries,
            self._with_cosignatures(latest) if latest and entries else None,
            size,
            [leaf.idx for leaf in leaves if leaf.idx >= size],
        )

    def consistency(self, old_size: int, new_size: int) -> list[bytes]:
        """The proof that the tree of ``new_size`` extends the tree of ``old_size``; both sizes
        at most the latest checkpoint's, so that nothing unsigned is revealed early."""
        latest = self._ledger.latest_checkpoint()
        signed = latest.tree_size if latest else 0
        if not 0 < old_size <= new_size <= signed:
            raise InvalidInput(
                f"A consistency proof needs 0 < from <= to <= {signed} (the latest signed size).",
                code="invalid_tree_sizes",
            )
        nodes = self._ledger.nodes(nodes_for_consistency(old_size, new_size))
        return consistency_proof(old_size, new_size, nodes)

    def lookup(self, credential_id: str) -> LedgerLookup | None:
        """For the verifier: the issuance leaf of one of our credentials, proven if signed."""
        leaf = self.issuance_leaf(credential_id)
        if leaf is None:
            return None
        head = self.head()
        if leaf[0] >= head.size:
            return LedgerLookup(head.trust, None, leaf[0])
        evidence = InclusionEvidence(leaf[0], leaf[1], self.proof(leaf[0], head.size), head.note)
        return LedgerLookup(head.trust, evidence, leaf[0])

    # The parts of ``lookup``, for a verifier that remembers them (api.verification): a leaf
    # and a proof never change; the head changes only when a checkpoint is signed or cosigned.

    def issuance_leaf(self, credential_id: str) -> tuple[int, bytes] | None:
        """(index, data) of the credential's issuance leaf, if it has one."""
        for leaf in self._ledger.leaves_of(credential_id):
            if leaf.kind == "credential.issued":
                return leaf.idx, leaf.data
        return None

    def head(self) -> LedgerHead:
        """Whom to trust, and the latest checkpoint with its cosignatures (size 0 before the
        first). The log key is read, not unsealed: verifying needs only its public half."""
        stored = self._ledger.key("log")
        log = (
            NoteVerifier(stored.name, stored.public_key)
            if stored is not None
            else self.signer().verifier
        )
        trust = LedgerTrust(log, self.policy.witnesses, self.policy.required_witnesses)
        latest = self._ledger.latest_checkpoint()
        if latest is None:
            return LedgerHead(trust, 0, "")
        return LedgerHead(trust, latest.tree_size, self._with_cosignatures(latest))

    def proof(self, index: int, size: int) -> list[bytes]:
        """The inclusion proof of leaf ``index`` in the tree of ``size`` leaves."""
        return inclusion_proof(index, size, self._ledger.nodes(nodes_for_inclusion(index, size)))

    def backfill(self, actor: Actor) -> BackfillReport:
        """Append the leaves that credentials issued (and changed) before the ledger existed
        lack; see ``services.ledger_backfill``. Running it again appends nothing."""
        authorize(actor, None, "operate_ledger")
        events = missing_events(self._ledger)
        first: int | None = None
        for chunk in backfill_entries(self._session, events):
            self._session.flush()
            with self._session.no_autoflush:
                start = self._ledger.claim_index(len(chunk))
                self._ledger.append_many(start, [(e.kind, e.credential, e.encode()) for e in chunk])
            first = start if first is None else first
        report = BackfillReport(len(events), len({e.record_id for e in events}), first)
        if events:
            self._audit.record(
                actor,
                None,
                "ledger.backfill",
                self.origin,
                {"leaves": report.leaves, "credentials": report.credentials, "from": first},
            )
        self._session.flush()
        return report

    def audit(self, actor: Actor) -> AuditReport:
        """Recompute the tree from the database; see ``services.ledger_audit``."""
        authorize(actor, None, "operate_ledger")
        return audit(self._ledger, self.log_key, self.policy.witnesses)

    # Witnesses.

    def add_cosignatures(self, note: str) -> list[str]:
        """Keep the cosignatures on one of our checkpoints from witnesses we trust.

        Lines of unknown keys, and our own signature, are ignored; a known witness's line that
        does not verify is refused (``cosignature_invalid``), and so is a note with no
        trusted witness's line (``unknown_witness``).
        """
        parsed = parse_note(note)
        checkpoint, _ = open_checkpoint(parsed, self.log_key)
        ours = self._ledger.checkpoint(checkpoint.size)
        if ours is None or ours.root_hash != checkpoint.root_hash:
            raise NotFound(
                f"This log signed no checkpoint of size {checkpoint.size} with that root.",
                code="checkpoint_not_found",
            )
        known = {(w.name, w.key_id): w for w in self.policy.witnesses if w.kind == COSIGNATURE}
        stored = {(c.witness, c.key_id) for c in self._ledger.cosignatures(checkpoint.size)}
        accepted: list[str] = []
        for signature in parsed.signatures:
            witness = known.get((signature.name, signature.key_id))
            if witness is None:
                continue
            timestamp = cosignature_time(signature, witness, checkpoint.text)
            accepted.append(witness.name)
            if (witness.name, signature.key_id.hex()) in stored:
                continue
            self._ledger.add_cosignature(
                LedgerCosignature(
                    tree_size=checkpoint.size,
                    witness=witness.name,
                    key_id=signature.key_id.hex(),
                    line=signature.line,
                    signed_at=datetime.fromtimestamp(timestamp, UTC),
                )
            )
            stored.add((witness.name, signature.key_id.hex()))
        if not accepted:
            raise Forbidden(
                "The note carries no cosignature of a witness this log trusts "
                "(CREDSTACK_LEDGER_WITNESSES).",
                code="unknown_witness",
            )
        self._session.flush()
        return accepted
