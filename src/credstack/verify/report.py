"""The verification report: named checks, each with an outcome, a stable code and a sentence.

>>> from credstack.verify.report import Check, VerificationReport
>>> report = VerificationReport(checks=[Check("parse", "passed", "ok", "The input is JSON.")])
>>> report.valid
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Outcome = Literal["passed", "failed", "skipped", "warning"]

# The checks every report lists, in the order they run (DESIGN.md, "issue.py, verify/").
CHECK_NAMES = ("parse", "context", "structure", "schema", "proof", "validity", "status", "issuer")


@dataclass(frozen=True)
class Check:
    """One named check: ``outcome`` and ``code`` are stable; ``message`` is for people."""

    name: str
    outcome: Outcome
    code: str
    message: str
    spec: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "outcome": self.outcome,
            "code": self.code,
            "message": self.message,
        }
        if self.spec:
            data["spec"] = self.spec
        return data


@dataclass
class VerificationReport:
    """What was checked and how it went; ``children`` holds the credentials of a presentation."""

    checks: list[Check] = field(default_factory=list)
    format: str = "unknown"
    credential_id: str | None = None
    issuer_id: str | None = None
    types: list[str] = field(default_factory=list)
    document: dict[str, Any] | None = None
    children: list[VerificationReport] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        """True when no check failed here or in any credential of a presentation."""
        return all(c.outcome != "failed" for c in self.checks) and all(
            child.valid for child in self.children
        )

    @property
    def failures(self) -> list[Check]:
        return [c for c in self.checks if c.outcome == "failed"]

    @property
    def warnings(self) -> list[Check]:
        return [c for c in self.checks if c.outcome == "warning"]

    def add(
        self, name: str, outcome: Outcome, code: str, message: str, spec: str | None = None
    ) -> Check:
        check = Check(name, outcome, code, message, spec)
        self.checks.append(check)
        return check

    def check(self, name: str) -> list[Check]:
        """The entries of one named check."""
        return [c for c in self.checks if c.name == name]

    def codes(self) -> set[str]:
        """Every code in this report and its children, for tests and filters."""
        found = {c.code for c in self.checks}
        for child in self.children:
            found |= child.codes()
        return found

    def to_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "format": self.format,
            "credentialId": self.credential_id,
            "issuer": self.issuer_id,
            "type": self.types,
            "checks": [c.to_dict() for c in self.checks],
            "credentials": [child.to_dict() for child in self.children],
        }
