"""Verification: ``check`` returns a report of named checks; ``verify`` raises on failure.

>>> from credstack.verify import check
>>> report = check('{"@context": ["https://www.w3.org/ns/credentials/v2"]}')
>>> report.valid
False
"""

from credstack.verify.pipeline import check, verify
from credstack.verify.report import Check, VerificationReport

__all__ = ["Check", "VerificationReport", "check", "verify"]
