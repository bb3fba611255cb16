"""Reads of status lists that a busy verifier makes on every verification: nothing else is
built for them (``Services`` makes a service on first use, and this one needs only the
session)."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from credstack.errors import NotFound
from credstack.store.credentials import CredentialRepository


class StatusListReads:
    def __init__(self, session: Session) -> None:
        self._credentials = CredentialRepository(session)

    def version(self, slug: str, list_id: uuid.UUID | str) -> int:
        """The list's revision, which counts changes of its bits (public, like the list);
        ``NotFound`` if there is no such list."""
        key = list_id if isinstance(list_id, uuid.UUID) else _uuid(list_id)
        version = self._credentials.list_version(slug, key) if key is not None else None
        if version is None:
            raise NotFound(f"{slug!r} has no status list {list_id}.", code="status_list_not_found")
        return version


def _uuid(value: str) -> uuid.UUID | None:
    """The list's UUID, from the id or the URL that ends with it."""
    try:
        return uuid.UUID(value.rstrip("/").rsplit("/", 1)[-1])
    except ValueError:
        return None
