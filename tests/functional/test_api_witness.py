"""Two Credstack servers in one test: B witnesses A's log over HTTP (checking consistency
before it cosigns), A keeps B's cosignatures, and A's verifier policy requires one witness."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from credstack.adapters.ledger_client import HttpLogClient
from credstack.app import create_app
from credstack.bootstrap import Platform, build
from credstack.config import Settings
from credstack.errors import Conflict, Forbidden
from credstack.ledger import Checkpoint, NoteVerifier, open_checkpoint, sign_note, witnessed_by
from credstack.services.actors import Actor
from credstack.services.issuing import IssueRequest
from tests.functional.conftest import ACHIEVEMENT
from tests.integration.databases import DATABASES, postgres_schema

OPERATOR = Actor.operator("test")
A_URL = "https://a.example"
B_URL = "https://b.example"


@pytest.fixture(params=DATABASES)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """A maker of database URLs, one per server name, on SQLite files or PostgreSQL schemas."""
    if request.param == "sqlite":
        yield lambda name: f"sqlite:///{tmp_path / name}.db"
        return
    with postgres_schema() as a_url, postgres_schema() as b_url:
        yield {"a": a_url, "b": b_url}.__getitem__


@contextmanager
def server(url: str, base: str, secret: str, **ledger: Any) -> Iterator[Platform]:
    settings = Settings(
        database_url=url, base_url=base, secret_key=secret, key_file=Path("unused"), **ledger
    )
    platform = build(settings, migrate=True)
    try:
        yield platform
    finally:
        platform.close()


def issue_one(platform: Platform, recipient: str) -> str:
    with platform.unit_of_work() as services:
        return services.credentials.issue(
            OPERATOR,
            "acme",
            IssueRequest(recipient=recipient, achievement_id=None, achievement=ACHIEVEMENT),
        ).text


def test_b_witnesses_a_and_a_requires_one_witness(database: Callable[[str], str]) -> None:
    a_secret, b_secret = (
        "server-a-master-secret-0123456789abcdef",
        "server-b-master-secret-0123456789abcdef",
    )
    with server(database("b"), B_URL, b_secret) as b, b.unit_of_work() as services:
        b_witness = services.witness.cosigner().verifier.vkey
    with (
        server(
            database("a"),
            A_URL,
            a_secret,
            ledger_witnesses=[b_witness],
            ledger_required_witnesses=1,
        ) as a,
        TestClient(create_app(platform=a), base_url=A_URL) as a_http,
    ):
        with a.unit_of_work() as services:
            services.organizations.create(OPERATOR, slug="acme", name="Acme")
            a_log = services.ledger.log_key.vkey
        text = issue_one(a, "one@example.com")
        with a.unit_of_work() as services:
            services.ledger.checkpoint(OPERATOR)
        before = a_http.post("/verify", content=text).json()
        (check,) = [c for c in before["checks"] if c["name"] == "ledger"]
        assert (before["valid"], check["code"]) == (False, "witnesses_missing")

        with server(database("b"), B_URL, b_secret, ledger_witness_for=[a_log]) as b:
            log = HttpLogClient(A_URL, client=a_http)
            with b.unit_of_work() as services:
                first, _ = services.witness.witness(OPERATOR, log)
            after = a_http.post("/verify", content=text).json()
            assert after["valid"], after
            (check,) = [c for c in after["checks"] if c["name"] == "ledger"]
            assert "cosigned by b.example/witness" in check["message"]
            published = a_http.get("/ledger/checkpoint").text
            opened, note = open_checkpoint(published, NoteVerifier.from_vkey(a_log))
            assert witnessed_by(note, [NoteVerifier.from_vkey(b_witness)]) == ["b.example/witness"]

            # The log grows: B needs, and checks, a consistency proof from what it saw.
            issue_one(a, "two@example.com")
            issue_one(a, "three@example.com")
            with a.unit_of_work() as services:
                services.ledger.checkpoint(OPERATOR)
            with b.unit_of_work() as services:
                second, _ = services.witness.witness(OPERATOR, log)
            assert second.size == first.size + 2

            # A fork: a checkpoint signed by A's key whose tree does not extend what B saw.
            with a.unit_of_work() as services:
                signer = services.ledger.signer()
            fork = Checkpoint(opened.origin, second.size + 1, bytes(32))
            with b.unit_of_work() as services:
                with pytest.raises(Conflict) as caught:
                    services.witness.cosign(OPERATOR, sign_note(fork.text, signer), [bytes(32)])
                assert caught.value.code == "log_inconsistent"
                rollback = Checkpoint(opened.origin, 1, bytes(32))
                with pytest.raises(Conflict) as caught:
                    services.witness.cosign(OPERATOR, sign_note(rollback.text, signer), [])
                assert caught.value.code == "checkpoint_rollback"
                stranger = Checkpoint("c.example/ledger", 1, bytes(32))
                with pytest.raises(Forbidden) as caught:
                    services.witness.cosign(OPERATOR, sign_note(stranger.text, signer), [])
                assert caught.value.code == "log_not_witnessed"
        with a.unit_of_work() as services:
            assert services.ledger.audit(OPERATOR).cosignatures == 2
