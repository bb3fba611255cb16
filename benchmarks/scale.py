"""``python -m benchmarks.scale``: the server at a million credentials.

1. Fills a database quickly: one organisation, a few credentials issued through the service
   (real, signed), then ``--count`` SYNTHETIC rows written by bulk SQL, not by the signing
   path. A synthetic row is the text of the first real credential with its uuid replaced:
   right in size and shape for the tables and indexes, but its signature no longer matches,
   so it does not verify. They sit in status lists of their own.
2. Starts ``credstack serve --workers 2`` on it and measures, at a fixed offered rate, the
   latency of: the public credential as JSON (random synthetic rows), the public page with
   its live verification (the real credentials), a status list, the admin list of
   credentials (first page and last page), and revocation (distinct real credentials).
3. Reports the database size per credential.

PostgreSQL by default, in a schema of its own that is dropped afterwards (``--keep`` keeps
it); ``--database-url sqlite:///FILE`` for SQLite. Issue 6 asks for p95 under 50 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Engine, insert, select, text

from benchmarks.http import cpu_seconds, serving
from benchmarks.load import Request, run
from credstack.bootstrap import build
from credstack.config import Settings
from credstack.services.actors import Actor
from credstack.services.credentials import IssueRequest
from credstack.status import MIN_LENGTH
from credstack.store.credentials import IssuedCredentialRecord, StatusListRecord
from credstack.store.db import make_engine

OPERATOR = Actor.operator("scale-benchmark")
SLUG = "scale"
POSTGRES = os.environ.get("CREDSTACK_TEST_POSTGRES_URL", "postgresql+psycopg://127.0.0.1:5432/test")
ACHIEVEMENT: dict[str, Any] = {
    "id": "https://badges.example.edu/achievements/data-literacy",
    "type": ["Achievement"],
    "name": "Data literacy",
    "description": "Reads, questions and presents data with care.",
    "criteria": {"narrative": "Passed the final assessment of the twelve-week course."},
}
REAL = 60
BATCH = 50_000
P95_TARGET = 0.050


@contextmanager
def database(url: str | None, keep: bool) -> Iterator[str]:
    """The database URL to fill: the one given, or a fresh PostgreSQL schema."""
    if url is not None:
        yield url
        return
    schema = f"credstack_scale_{uuid.uuid4().hex[:8]}"
    admin = make_engine(POSTGRES)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        options = quote(f"-csearch_path={schema}", safe="")
        yield f"{POSTGRES}{'&' if '?' in POSTGRES else '?'}options={options}"
    finally:
        if keep:
            print(f"kept schema {schema}")
        else:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def fill(settings: Settings, count: int) -> dict[str, Any]:
    """Real credentials through the service, then ``count`` synthetic rows by bulk SQL."""
    platform = build(settings, migrate=True)
    try:
        with platform.unit_of_work() as services:
            org = services.organizations.create(OPERATOR, slug=SLUG, name="Scale University")
            secret = services.tokens.create(OPERATOR, organization=SLUG, role="issuer").secret
        real = []
        for index in range(REAL):
            with platform.unit_of_work() as services:
                record = services.credentials.issue(
                    OPERATOR,
                    SLUG,
                    IssueRequest(
                        recipient=f"did:example:real-{index}",
                        achievement=ACHIEVEMENT,
                        suite="eddsa-jcs-2022",
                    ),
                )
                real.append((record.id, record.text, record.status_list_id))
        template_id, template, first_list = real[0]
        engine = platform.engine
        started = time.perf_counter()
        lists = _synthetic_lists(engine, org.id, first_list, count)
        write = _rows_postgres if engine.dialect.name == "postgresql" else _synthetic_rows
        write(engine, org.id, settings.base_url, template_id, template, lists, count)
        _analyze(engine)
        seconds = time.perf_counter() - started
        print(
            f"filled: {REAL} real + {count:,} synthetic credentials in {seconds:,.0f} s "
            f"({count / max(seconds, 1e-9):,.0f} rows/s, bulk SQL, not signed)",
            flush=True,
        )
        return {
            "secret": secret,
            "real": [str(r[0]) for r in real],
            "list": str(first_list),
            "size": _size(engine, settings.database_url),
        }
    finally:
        platform.close()


def _synthetic_lists(
    engine: Engine, organization_id: uuid.UUID, template_list: uuid.UUID, count: int
) -> list[tuple[uuid.UUID, str]]:
    with engine.begin() as connection:
        bits, url = connection.execute(
            select(StatusListRecord.bits, StatusListRecord.url).where(
                StatusListRecord.id == template_list
            )
        ).one()
        lists = []
        now = datetime.now(UTC)
        for _ in range(-(-count // MIN_LENGTH)):
            list_id = uuid.uuid4()
            lists.append((list_id, url.rsplit("/", 1)[0] + f"/{list_id}"))
        connection.execute(
            insert(StatusListRecord),
            [
                {
                    "id": list_id,
                    "organization_id": organization_id,
                    "purpose": "revocation",
                    "length": MIN_LENGTH,
                    "bits": bits,
                    "url": list_url,
                    "created_at": now,
                    "updated_at": now,
                }
                for list_id, list_url in lists
            ],
        )
    return lists


def _synthetic_rows(
    engine: Engine,
    organization_id: uuid.UUID,
    base_url: str,
    template_id: uuid.UUID,
    template: str,
    lists: list[tuple[uuid.UUID, str]],
    count: int,
) -> None:
    """``count`` rows in batches; each is the template with its own uuid (and list)."""
    start = datetime.now(UTC) - timedelta(days=365)
    done = 0
    while done < count:
        rows = []
        for number in range(done, min(count, done + BATCH)):
            row_id = uuid.uuid4()
            list_id, _ = lists[number // MIN_LENGTH]
            rows.append(
                {
                    "id": row_id,
                    "organization_id": organization_id,
                    "achievement_id": None,
                    "achievement_version": None,
                    "name": ACHIEVEMENT["name"],
                    "recipient_email": None,
                    "recipient_did": f"did:example:learner-{number}",
                    "credential_id": f"{base_url}/credentials/{row_id}",
                    "suite": "eddsa-jcs-2022",
                    "media_type": "application/vc",
                    "text": template.replace(str(template_id), str(row_id)),
                    "status": "active",
                    "status_purpose": "revocation",
                    "status_list_id": list_id,
                    "status_index": number % MIN_LENGTH,
                    "issued_at": start + timedelta(seconds=number * 30),
                }
            )
        with engine.begin() as connection:
            connection.execute(insert(IssuedCredentialRecord), rows)
        done += len(rows)
        print(f"  {done:,} / {count:,}", end="\r", flush=True)
    print()


def _rows_postgres(
    engine: Engine,
    organization_id: uuid.UUID,
    base_url: str,
    template_id: uuid.UUID,
    template: str,
    lists: list[tuple[uuid.UUID, str]],
    count: int,
) -> None:
    """The same rows as ``_synthetic_rows``, generated by PostgreSQL itself."""
    statement = text(
        """
        INSERT INTO issued_credentials (
            id, organization_id, name, recipient_did, credential_id, suite, media_type, text,
            status, status_purpose, status_list_id, status_index, issued_at)
        SELECT g.id, :organization, :name, 'did:example:learner-' || g.n,
            :base || '/credentials/' || g.id, 'eddsa-jcs-2022', 'application/vc',
            replace(:template, :template_id, g.id::text), 'active', 'revocation',
            (CAST(:lists AS uuid[]))[g.n / :length + 1], g.n % :length,
            :start + g.n * interval '30 seconds'
        FROM (SELECT gen_random_uuid() AS id, n
              FROM generate_series(CAST(:first AS integer), CAST(:last AS integer)) AS n) AS g
        """
    )
    start = datetime.now(UTC) - timedelta(days=365)
    for first in range(0, count, BATCH * 4):
        with engine.begin() as connection:
            connection.execute(
                statement,
                {
                    "organization": organization_id,
                    "name": ACHIEVEMENT["name"],
                    "base": base_url,
                    "template": template,
                    "template_id": str(template_id),
                    "lists": [str(list_id) for list_id, _ in lists],
                    "length": MIN_LENGTH,
                    "start": start,
                    "first": first,
                    "last": min(count, first + BATCH * 4) - 1,
                },
            )
        print(f"  {min(count, first + BATCH * 4):,} / {count:,}", end="\r", flush=True)
    print()


def _analyze(engine: Engine) -> None:
    """Statistics for the planner (and PostgreSQL's visibility map), as autovacuum would."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE issued_credentials, status_lists"))
    else:
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))


def _size(engine: Engine, url: str) -> int:
    """Bytes the database takes: the SQLite file, or the schema's tables with indexes."""
    if url.startswith("sqlite"):
        with engine.connect() as connection:
            connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        return Path(url.split("///", 1)[1]).stat().st_size
    with engine.connect() as connection:
        size: int = connection.execute(
            text(
                "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind = 'r'"
            )
        ).scalar_one()
    return size


def scenarios(filled: dict[str, Any], count: int) -> dict[str, list[Request]]:
    auth = (("Authorization", f"Bearer {filled['secret']}"),)
    json_accept = (("Accept", "application/json"),)
    html_accept = (("Accept", "text/html"),)
    rng = random.Random(6)
    with_ids = filled["synthetic_ids"]
    last_page = max(0, count + REAL - 50)
    return {
        "public credential, JSON": [
            Request(None, 200, "json", f"/credentials/{rng.choice(with_ids)}", "GET", json_accept)
            for _ in range(500)
        ],
        "public page, live verification": [
            Request(None, 200, "page", f"/credentials/{real}", "GET", html_accept)
            for real in filled["real"]
        ],
        "status list": [Request(None, 200, "list", f"/orgs/{SLUG}/status/{filled['list']}", "GET")],
        "admin list, first page": [
            Request(None, 200, "admin", f"/orgs/{SLUG}/credentials?offset=0&limit=50", "GET", auth)
        ],
        "admin list, last page": [
            Request(
                None,
                200,
                "admin",
                f"/orgs/{SLUG}/credentials?offset={last_page}&limit=50",
                "GET",
                auth,
            )
        ],
        "admin list, last page by cursor": [
            Request(
                None,
                200,
                "admin",
                f"/orgs/{SLUG}/credentials?after={filled['near_end']}&limit=50",
                "GET",
                auth,
            )
        ],
        "revocation": [
            Request(
                b'{"reason": "benchmark"}',
                200,
                "revoke",
                f"/orgs/{SLUG}/credentials/{real}/revoke",
                "POST",
                (*auth, ("Content-Type", "application/json")),
            )
            for real in filled["real"][1:]
        ],
    }


def _sample_ids(url: str, count: int) -> list[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            ids = connection.execute(
                select(IssuedCredentialRecord.id)
                .where(IssuedCredentialRecord.recipient_did.like("did:example:learner-%"))
                .limit(20_000)
            ).scalars()
            sample = [str(i) for i in ids]
    finally:
        engine.dispose()
    return sample or ["00000000-0000-4000-8000-000000000000"] * count


def _near_end(url: str, total: int) -> str:
    """The id 50 credentials before the last: where the last page starts after."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            found = connection.execute(
                select(IssuedCredentialRecord.id)
                .order_by(IssuedCredentialRecord.issued_at, IssuedCredentialRecord.id)
                .offset(max(0, total - 51))
                .limit(1)
            ).scalar_one()
    finally:
        engine.dispose()
    return str(found)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scale", description=__doc__)
    parser.add_argument("--count", type=int, default=1_000_000, help="synthetic rows (1e6)")
    parser.add_argument("--database-url", help="default: a fresh PostgreSQL schema")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL schema")
    parser.add_argument("--rate", type=float, default=40.0, help="offered requests/s (40)")
    parser.add_argument("--seconds", type=float, default=10.0, help="per endpoint (10)")
    parser.add_argument("--port", type=int, default=8766)
    arguments = parser.parse_args(argv)
    with (
        tempfile.TemporaryDirectory() as folder,
        database(arguments.database_url, arguments.keep) as url,
    ):
        base_url = f"http://127.0.0.1:{arguments.port}"
        env = {
            "CREDSTACK_DATABASE_URL": url,
            "CREDSTACK_KEY_FILE": f"{folder}/secret.key",
            "CREDSTACK_BASE_URL": base_url,
        }
        settings = Settings(database_url=url, key_file=Path(env["CREDSTACK_KEY_FILE"]),
                            base_url=base_url)  # fmt: skip
        filled = fill(settings, arguments.count)
        filled["synthetic_ids"] = _sample_ids(url, arguments.count)
        total = arguments.count + REAL
        filled["near_end"] = _near_end(url, total)
        print(
            f"database: {url.split(':', 1)[0]}, {total:,} credentials, "
            f"{filled['size'] / 2**20:,.0f} MiB, {filled['size'] / total:,.0f} bytes per credential"
        )
        print(f"load average: {', '.join(f'{v:.1f}' for v in os.getloadavg())}")
        print(f"{'endpoint':<34}{'rate/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
              f"{'errors':>8}{'CPU ms/req':>11}  p95 < 50 ms")  # fmt: skip
        with serving(env, arguments.port, 2) as (served, pid):
            for name, requests in scenarios(filled, arguments.count).items():
                seconds = arguments.seconds
                if name == "revocation":  # each credential is revoked once
                    seconds = min(seconds, len(requests) / arguments.rate)
                spent = cpu_seconds(pid)
                outcome = run(served, requests, rate=arguments.rate, seconds=seconds, threads=16)
                # The server's own CPU per answer: what the code costs, whatever the load.
                per_request = (cpu_seconds(pid) - spent) / max(1, len(outcome.latencies))
                p95 = outcome.percentile(0.95)
                print(
                    f"{name:<34}{arguments.rate:>8,.0f}{outcome.percentile(0.5) * 1000:>8.1f}"
                    f"{p95 * 1000:>8.1f}{outcome.percentile(0.99) * 1000:>8.1f}"
                    f"{outcome.error_count:>8}{per_request * 1000:>11.2f}"
                    f"  {'yes' if p95 < P95_TARGET else 'NO'}",
                    flush=True,
                )
                for kind, number in sorted(outcome.errors.items()):
                    print(f"  error: {kind} x{number}")
    print(json.dumps({"note": "wallet API: not in Credstack yet, so not measured"}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
