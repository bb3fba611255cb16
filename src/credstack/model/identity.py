"""Recipient identities: salted hashes of an email address (OB 3.0 IdentityObject, IdentityHash).

OB 3.0 appendix "Derived types", IdentityHash: the algorithm name, a ``$``, and the hexadecimal
hash of the identifier with the salt appended, both UTF-8 encoded; ``sha256`` and ``md5`` are
the two algorithms, and the hex may be upper or lower case. The specification's own example:

>>> hash_identity("a@example.com", "Kosher")
'sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399'
>>> identity = identity_object_for_email(" A@Example.com ", salt="Kosher")
>>> identity.identity_hash == hash_identity("a@example.com", "Kosher")
True
>>> matches_identity(identity, "a@example.com")
True
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from credstack.model.credential import IdentityObject

_SALT_BYTES = 16


def hash_identity(value: str, salt: str) -> str:
    """``sha256$`` and the hex SHA-256 of ``value + salt`` (UTF-8), as OB 3.0 defines it."""
    return "sha256$" + hashlib.sha256((value + salt).encode("utf-8")).hexdigest()


def normalize_email(email: str) -> str:
    """Trim and lower-case an address before hashing it.

    A hash cannot be normalised after the fact, so issuer and verifier must agree before it:
    the domain is case-insensitive (RFC 5321 section 2.4), and although the local part may
    formally be case-sensitive, no mail provider treats it so and people type it either way.
    Surrounding spaces come from copying an address out of a form or a spreadsheet.
    """
    return email.strip().lower()


def identity_object_for_email(email: str, salt: str | None = None) -> IdentityObject:
    """A hashed ``emailAddress`` IdentityObject; a random 128-bit salt unless one is given.

    The salt stops anyone who holds the credential from confirming a guessed address by hashing
    a list of candidates; it is stored beside the hash, so it is not a secret.
    """
    salt = secrets.token_hex(_SALT_BYTES) if salt is None else salt
    return IdentityObject.from_json(
        {
            "type": "IdentityObject",  # a single IRI, as a string: what the JSON Schema wants
            "hashed": True,
            "identityHash": hash_identity(normalize_email(email), salt),
            "identityType": "emailAddress",
            "salt": salt,
        }
    )


def matches_identity(identity: IdentityObject, value: str) -> bool:
    """Whether ``value`` is the identity the object names (hashed or plain text).

    Email addresses are compared normalised (see ``normalize_email``); the address exactly as
    given is tried too, for issuers that hashed it without normalising. Hash comparisons run in
    constant time. An unknown algorithm matches nothing.
    """
    candidates = [value]
    if identity.identity_type == "emailAddress" and normalize_email(value) != value:
        candidates.append(normalize_email(value))
    if not identity.hashed:
        return any(_same(identity.identity_hash, c) for c in candidates)
    algorithm, separator, expected = identity.identity_hash.partition("$")
    if not separator or algorithm.lower() not in ("sha256", "md5"):
        return False
    salt = identity.salt or ""
    found = False
    for candidate in candidates:
        data = (candidate + salt).encode("utf-8")
        if algorithm.lower() == "sha256":
            digest = hashlib.sha256(data).hexdigest()
        else:
            # OB 3.0 still lists MD5 for hashes that older issuers made; only compared, never made.
            digest = hashlib.md5(data, usedforsecurity=False).hexdigest()
        found |= _same(digest, expected.lower())
    return found


def _same(left: str, right: str) -> bool:
    # compare_digest takes str only when ASCII; identities may be names in any script.
    return hmac.compare_digest(left.encode("utf-8"), right.encode("utf-8"))
