"""How the command line shows a verification report to a person."""

from __future__ import annotations

from credstack.verify.report import VerificationReport

_MARKS = {"passed": "ok  ", "failed": "FAIL", "warning": "warn", "skipped": "skip"}


def render_report(report: VerificationReport, indent: str = "") -> str:
    lines = []
    verdict = "VALID" if report.valid else "INVALID"
    kind = next((t for t in report.types if t != "VerifiableCredential"), "credential")
    lines.append(f"{indent}{verdict}: {kind} {report.credential_id or ''}".rstrip())
    if report.issuer_id:
        lines.append(f"{indent}  issuer: {report.issuer_id}")
    for check in report.checks:
        lines.append(
            f"{indent}  [{_MARKS[check.outcome]}] {check.name:<9} {check.code}: {check.message}"
        )
    for number, child in enumerate(report.children, start=1):
        lines.append(f"{indent}  credential {number}:")
        lines.append(render_report(child, indent + "    "))
    return "\n".join(lines)
