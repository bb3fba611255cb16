"""``credstack ledger audit``: recompute the whole tree from the stored leaves and hold it
against the stored hashes and every signed checkpoint.

What each check catches, with the first bad leaf index it reports:

- a leaf index missing from the sequence (a deleted row, or one moved to another index);
- a leaf whose bytes do not hash to the hash stored for it when it was appended (a changed
  row, or two rows swapped), and a stored interior node that differs from the recomputed one;
- a checkpoint whose signature fails, whose text differs from its columns, or whose root is
  not the recomputed root at its size (then every stored hash was rewritten too, and only the
  signatures tell: the first bad index is at or after the previous good checkpoint's size);
- two consecutive checkpoints without a consistency proof between them, and a stored
  cosignature that does not verify for a trusted witness.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from credstack.errors import LedgerError
from credstack.ledger import MemoryTree, leaf_hash, open_checkpoint, root
from credstack.ledger.checkpoint import cosignature_time
from credstack.ledger.merkle import consistency_proof
from credstack.ledger.note import COSIGNATURE, NoteVerifier, parse_note
from credstack.ledger.proofs import verify_consistency
from credstack.store.ledger import LedgerRepository


@dataclass(frozen=True)
class Finding:
    """One problem. ``index`` is the first bad leaf when ``exact``; else the first leaf that
    may be bad (a signed root differs, but every stored hash was rewritten to match)."""

    code: str
    message: str
    index: int | None = None
    exact: bool = True


@dataclass
class AuditReport:
    size: int = 0
    leaves: int = 0
    checkpoints: int = 0
    cosignatures: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def first_bad_index(self) -> int | None:
        exact = [f.index for f in self.findings if f.index is not None and f.exact]
        bounds = [f.index for f in self.findings if f.index is not None]
        return min(exact or bounds) if bounds else None

    def to_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "size": self.size,
            "leaves": self.leaves,
            "checkpoints": self.checkpoints,
            "cosignatures": self.cosignatures,
            "firstBadIndex": self.first_bad_index,
            "findings": [
                {"code": f.code, "message": f.message, "index": f.index, "exact": f.exact}
                for f in self.findings
            ],
        }


def audit(
    repository: LedgerRepository, log: NoteVerifier, witnesses: Sequence[NoteVerifier]
) -> AuditReport:
    """The findings of a full audit; the caller checks that the actor may run it."""
    report = AuditReport(size=repository.size())
    tree = _recompute(repository, report)
    _check_nodes(repository, tree, report)
    _check_checkpoints(repository, tree, report, log, witnesses)
    return report


class _Cursor:
    """Reads an ordered stream of (index, hash) only as far as each lookup needs."""

    def __init__(self, stream: Iterator[tuple[int, bytes]]) -> None:
        self._stream = stream
        self._head = next(stream, None)

    def at(self, position: int) -> bytes | None:
        while self._head is not None and self._head[0] < position:
            self._head = next(self._stream, None)
        if self._head is not None and self._head[0] == position:
            return self._head[1]
        return None


def _recompute(repository: LedgerRepository, report: AuditReport) -> MemoryTree:
    tree = MemoryTree()
    stored = _Cursor(repository.stored_nodes(0))
    missing_reported = False
    for position, (index, data) in enumerate(repository.leaves()):
        if index != position and not missing_reported:
            report.findings.append(
                Finding(
                    "leaf_missing",
                    f"Leaf {position} is missing: the next stored leaf is {index}.",
                    position,
                )
            )
            missing_reported = True
        computed = leaf_hash(data)
        expected = stored.at(position)
        if expected != computed:
            report.findings.append(
                Finding(
                    "leaf_changed",
                    f"Leaf {position} does not hash to the hash stored when it was appended: "
                    "its bytes were changed or it was moved.",
                    position,
                )
            )
        tree.append(computed)
    report.leaves = tree.size
    if tree.size != report.size:
        report.findings.append(
            Finding(
                "leaf_count_mismatch",
                f"The log's head says {report.size} leaves, the table holds {tree.size}.",
                min(tree.size, report.size),
            )
        )
    return tree


def _check_nodes(repository: LedgerRepository, tree: MemoryTree, report: AuditReport) -> None:
    """Stored interior hashes against the recomputed ones; a changed leaf already explains
    every node above it, so this looks only when the leaves are sound."""
    if report.findings:
        return
    for level in range(1, len(tree.levels)):
        for index, value in repository.stored_nodes(level):
            if index >= len(tree.levels[level]) or tree.levels[level][index] != value:
                report.findings.append(
                    Finding(
                        "node_changed",
                        f"The stored hash of leaves {index << level} to "
                        f"{((index + 1) << level) - 1} differs from the recomputed one.",
                        index << level,
                        exact=False,
                    )
                )
                break


def _check_checkpoints(
    repository: LedgerRepository,
    tree: MemoryTree,
    report: AuditReport,
    log: NoteVerifier,
    trusted: Sequence[NoteVerifier],
) -> None:
    witnesses = {(w.name, w.key_id): w for w in trusted if w.kind == COSIGNATURE}
    previous: tuple[int, bytes] | None = None
    for row in repository.checkpoints():
        report.checkpoints += 1
        after = previous[0] if previous else 0
        try:
            checkpoint, _ = open_checkpoint(row.note, log)
        except LedgerError as exc:
            report.findings.append(
                Finding(
                    "checkpoint_signature_invalid",
                    f"The checkpoint of size {row.tree_size}: {exc.message}",
                    after,
                    exact=False,
                )
            )
            continue
        if (checkpoint.size, checkpoint.root_hash) != (row.tree_size, bytes(row.root_hash)):
            report.findings.append(
                Finding(
                    "checkpoint_row_changed",
                    f"The checkpoint row of size {row.tree_size} differs from its signed note.",
                    after,
                    exact=False,
                )
            )
        if checkpoint.size > tree.size or root(checkpoint.size, tree) != checkpoint.root_hash:
            report.findings.append(
                Finding(
                    "checkpoint_root_mismatch",
                    f"The leaves in the database do not give the root signed at size "
                    f"{checkpoint.size}: a leaf at or after {after} was changed, removed or "
                    "reordered.",
                    after,
                    exact=False,
                )
            )
        if previous is not None and 0 < previous[0] <= checkpoint.size <= tree.size:
            try:
                proof = consistency_proof(previous[0], checkpoint.size, tree)
                verify_consistency(
                    previous[0], checkpoint.size, proof, previous[1], checkpoint.root_hash
                )
            except LedgerError:
                report.findings.append(
                    Finding(
                        "checkpoints_inconsistent",
                        f"The checkpoints of sizes {previous[0]} and {checkpoint.size} are not "
                        "consistent: the log was rewritten between them.",
                        previous[0],
                        exact=False,
                    )
                )
        for cosignature in repository.cosignatures(row.tree_size):
            report.cosignatures += 1
            _check_cosignature(cosignature.line, witnesses, checkpoint.text, report, after)
        previous = (checkpoint.size, checkpoint.root_hash)


def _check_cosignature(
    line: str,
    witnesses: dict[tuple[str, bytes], NoteVerifier],
    text: str,
    report: AuditReport,
    at: int,
) -> None:
    try:
        (signature,) = parse_note(text + "\n" + line).signatures
        witness = witnesses.get((signature.name, signature.key_id))
        if witness is not None:
            cosignature_time(signature, witness, text)
    except (LedgerError, ValueError):
        report.findings.append(
            Finding(
                "cosignature_invalid",
                f"A stored cosignature does not verify: {line!r}",
                at,
                exact=False,
            )
        )
