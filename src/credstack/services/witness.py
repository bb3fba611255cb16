"""This server as a witness of other Credstack logs (c2sp.org/tlog-cosignature).

A witness cosigns a log's checkpoint only after checking that it extends every checkpoint of
that log it cosigned before: a consistency proof from the largest one it saw, or the same root
for the same size. So a log that showed one history to some verifiers and another to others
(a split view), or rewrote its past, cannot collect cosignatures for both. The first
checkpoint seen of a log is taken as it is (trust on first use) and recorded.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from credstack.errors import Conflict, Forbidden, LedgerError
from credstack.ledger import Checkpoint, Cosigner, NoteVerifier, open_checkpoint, parse_note
from credstack.ledger.note import Signature
from credstack.ledger.proofs import verify_consistency
from credstack.proofs.keys import generate_key
from credstack.services.actors import Actor, authorize
from credstack.services.audit import AuditTrail
from credstack.services.ledger import ledger_origin
from credstack.services.ports import KeyVault, LogClient
from credstack.store.ledger import LedgerKey, LedgerRepository, WitnessedLog


class WitnessService:
    def __init__(
        self,
        session: Session,
        vault: KeyVault,
        base_url: str,
        audit: AuditTrail,
        logs: tuple[NoteVerifier, ...] = (),
    ) -> None:
        self._session = session
        self._vault = vault
        self._audit = audit
        self.name = ledger_origin(base_url, "witness")
        self._logs = {log.name: log for log in logs}
        self._ledger = LedgerRepository(session)

    def cosigner(self) -> Cosigner:
        """This server's witness key (type 0x04), made and sealed on first use."""
        stored = self._ledger.key("witness")
        if stored is None:
            fresh = generate_key("ed25519")
            stored = LedgerKey(
                id=uuid.uuid4(), purpose="witness", name=self.name, public_key=fresh.public_key.raw
            )
            stored.encrypted_private_key = self._vault.seal(fresh, key_id=str(stored.id))
            self._ledger.add_key(stored)
            self._session.flush()
            return Cosigner(stored.name, stored.public_key, fresh.sign)
        private = self._vault.unseal(stored.encrypted_private_key, key_id=str(stored.id))
        return Cosigner(stored.name, stored.public_key, private.sign)

    def cosign(self, actor: Actor, note: str, proof: list[bytes]) -> Signature:
        """Cosign ``note`` (a checkpoint of a log we witness) once it is consistent with the
        largest checkpoint of that log we cosigned; ``proof`` leads from that one to it."""
        authorize(actor, None, "operate_ledger")
        parsed = parse_note(note)
        origin = Checkpoint.from_text(parsed.text).origin
        log = self._logs.get(origin)
        if log is None:
            raise Forbidden(
                f"This server does not witness the log {origin!r}; add its verifier key to "
                "CREDSTACK_LEDGER_WITNESS_FOR.",
                code="log_not_witnessed",
            )
        checkpoint, _ = open_checkpoint(parsed, log)
        seen = self._ledger.witnessed(origin)
        if seen is not None:
            self._check_extends(seen, checkpoint, proof)
            seen.tree_size, seen.root_hash = checkpoint.size, checkpoint.root_hash
            seen.updated_at = datetime.now(UTC)
        else:
            self._ledger.add_witnessed(
                WitnessedLog(
                    origin=origin, tree_size=checkpoint.size, root_hash=checkpoint.root_hash
                )
            )
        signature = self.cosigner().cosign(checkpoint, int(datetime.now(UTC).timestamp()))
        self._session.flush()
        self._audit.record(actor, None, "ledger.cosigned", f"{origin}@{checkpoint.size}")
        return signature

    def witness(self, actor: Actor, log: LogClient) -> tuple[Checkpoint, Signature]:
        """Fetch a log's latest checkpoint and the proof from what we saw, cosign, and hand
        the cosignature back to the log."""
        authorize(actor, None, "operate_ledger")
        note = log.checkpoint()
        checkpoint = Checkpoint.from_text(parse_note(note).text)
        seen = self._ledger.witnessed(checkpoint.origin)
        proof: list[bytes] = []
        if seen is not None and 0 < seen.tree_size < checkpoint.size:
            proof = log.consistency(seen.tree_size, checkpoint.size)
        signature = self.cosign(actor, note, proof)
        log.submit_cosignature(str(parse_note(note).with_signatures([signature])))
        return checkpoint, signature

    @staticmethod
    def _check_extends(seen: WitnessedLog, checkpoint: Checkpoint, proof: list[bytes]) -> None:
        if checkpoint.size < seen.tree_size:
            raise Conflict(
                f"The log shows {checkpoint.size} leaves, fewer than the {seen.tree_size} this "
                "witness already cosigned: it would roll back.",
                code="checkpoint_rollback",
            )
        try:
            if seen.tree_size == 0:
                return
            verify_consistency(
                seen.tree_size, checkpoint.size, proof, bytes(seen.root_hash), checkpoint.root_hash
            )
        except LedgerError as exc:
            raise Conflict(
                f"The checkpoint of size {checkpoint.size} does not extend the one of size "
                f"{seen.tree_size} this witness cosigned ({exc.message}); not cosigning.",
                code="log_inconsistent",
            ) from exc
