"""The one exception root of Credstack.

Every error has a stable ``code`` that front doors map to HTTP statuses or exit codes, and a
message a person can act on. Third-party exceptions are wrapped with ``raise ... from exc``.

>>> from credstack.errors import UnknownContext
>>> err = UnknownContext("https://example.org/ctx")
>>> err.code
'unknown_context'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from credstack.verify.report import VerificationReport


class Error(Exception):
    """Root of every error Credstack raises on purpose."""

    code: str = "error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return self.message


class InvalidInput(Error):
    """The caller gave something we cannot accept."""

    code = "invalid_input"


class MalformedCredential(InvalidInput):
    """The text is not a well-formed credential (bad JSON, wrong shape, too big, too deep)."""

    code = "malformed_credential"


class UnknownContext(InvalidInput):
    """A JSON-LD context that is not bundled; we never fetch contexts."""

    code = "unknown_context"

    def __init__(self, url: str) -> None:
        super().__init__(
            f"The JSON-LD context {url!r} is not one of the contexts bundled with Credstack; "
            "contexts are never fetched from the network. Use a published context "
            "(for example https://www.w3.org/ns/credentials/v2).",
        )
        self.url = url


class UndefinedTerm(InvalidInput):
    """A term or type not defined by any context: it would silently go unsigned."""

    code = "undefined_term"


class InvalidJsonLd(InvalidInput):
    """The document or one of its contexts is not valid JSON-LD 1.1."""

    code = "invalid_jsonld"


class UnsupportedCryptosuite(InvalidInput):
    """A proof type or cryptosuite that Credstack does not implement."""

    code = "unsupported_cryptosuite"


class VerificationFailed(Error):
    """A credential did not verify; ``report`` says which checks failed and why."""

    code = "verification_failed"

    def __init__(
        self, report: VerificationReport, *, code: str | None = None, message: str | None = None
    ) -> None:
        """The first failed check gives the code and message, unless they are given."""
        failed = [c for c in report.checks if c.outcome == "failed"]
        first = failed[0] if failed else None
        default = first.message if first else "The credential did not verify."
        super().__init__(message or default, code=code or (first.code if first else None))
        self.report = report


class NotFound(Error):
    code = "not_found"


class Conflict(Error):
    code = "conflict"


class Forbidden(Error):
    code = "forbidden"


class TooManyRequests(Error):
    """The caller asked too often; ``retry_after`` is how many seconds to wait."""

    code = "too_many_requests"

    def __init__(self, message: str, *, retry_after: int, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.retry_after = retry_after


class DeliveryFailed(Error):
    """A message could not be handed to the mail server; ``permanent`` when trying again
    cannot help (the server refused the address for good)."""

    code = "delivery_failed"

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class KeyManagementError(Error):
    """A key cannot be generated, read, decrypted or used."""

    code = "key_error"


class ResolutionError(Error):
    """A DID or verification method cannot be resolved."""

    code = "resolution_error"


class StorageError(Error):
    code = "storage_error"


class ConfigurationError(Error):
    code = "configuration_error"


class InvalidJwt(InvalidInput):
    """A VC-JWT that is malformed, uses a refused algorithm, or does not verify; see ``code``."""

    code = "invalid_jwt"


class InvalidBulkFile(InvalidInput):
    """A bulk issuance file with bad rows; ``problems`` lists each one with its line."""

    code = "invalid_bulk_file"

    def __init__(self, message: str, problems: list[tuple[int, str]]) -> None:
        super().__init__(message)
        self.problems = problems


class LedgerError(InvalidInput):
    """A Merkle proof, checkpoint, signed note or cosignature that is malformed or does not
    verify; ``code`` says which."""

    code = "ledger_invalid"
