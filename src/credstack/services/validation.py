"""Checks of plain input shared by the services; each failure has a stable code."""

from __future__ import annotations

import re
import uuid
from typing import Final
from urllib.parse import urlsplit

import pycountry

from credstack.errors import InvalidInput

MAX_PAGE: Final = 500

_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


def slug(value: str) -> str:
    if not _SLUG.match(value):
        raise InvalidInput(
            f"{value!r} is not a valid slug: use 1 to 63 lower-case letters, digits and inner "
            "hyphens (for example acme-academy).",
            code="invalid_slug",
        )
    return value


def email(value: str) -> str:
    cleaned = value.strip().lower()
    if len(cleaned) > 320 or not _EMAIL.match(cleaned):
        raise InvalidInput(f"{value!r} is not an email address.", code="invalid_email")
    return cleaned


def country(value: str) -> str:
    """An ISO 3166-1 alpha-2 code that is assigned (pycountry's table, not just two letters)."""
    cleaned = value.strip().upper()
    if not _COUNTRY.match(cleaned) or pycountry.countries.get(alpha_2=cleaned) is None:
        raise InvalidInput(
            f"{value!r} is not an ISO 3166-1 alpha-2 country code (for example NL).",
            code="invalid_country",
        )
    return cleaned


def http_url(value: str) -> str:
    cleaned = value.strip()
    parts = urlsplit(cleaned)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(cleaned) > 2048:
        raise InvalidInput(f"{value!r} is not an http(s) URL.", code="invalid_url")
    return cleaned


def text(value: str, *, field: str, max_length: int) -> str:
    cleaned = value.strip()
    if not cleaned or len(cleaned) > max_length:
        raise InvalidInput(
            f"The {field} must have 1 to {max_length} characters.", code=f"invalid_{field}"
        )
    return cleaned


def country_name(code: str) -> str:
    """The English short name of an assigned alpha-2 code: ``NL`` is ``Netherlands``."""
    found = pycountry.countries.get(alpha_2=code)
    return str(found.name) if found is not None else code


def optional_text(value: str, *, field: str, max_length: int) -> str | None:
    """``value`` stripped, or None when it is blank (clearing the field)."""
    cleaned = value.strip()
    if len(cleaned) > max_length:
        raise InvalidInput(
            f"The {field} must have at most {max_length} characters.", code=f"invalid_{field}"
        )
    return cleaned or None


def page(offset: int, limit: int) -> None:
    """Refuse a page that is not ``offset >= 0`` and ``1 <= limit <= MAX_PAGE``."""
    if offset < 0 or not 1 <= limit <= MAX_PAGE:
        raise InvalidInput(
            f"Paging needs offset >= 0 and 1 <= limit <= {MAX_PAGE}.", code="invalid_paging"
        )


def uuid_or_none(value: uuid.UUID | str) -> uuid.UUID | None:
    """``value`` as a UUID, or None when it is not one (the caller answers not found)."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(value)
    except ValueError:
        return None
