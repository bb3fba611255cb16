"""Settings of the platform service, read from the environment (prefix ``CREDSTACK_``).

Nothing here runs at import: ``Settings()`` reads the environment when a front door asks.

>>> settings = Settings(database_url="sqlite:///:memory:", base_url="https://badges.example.edu/")
>>> settings.base_url
'https://badges.example.edu'
>>> settings.secret_key is None
True
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """What ``bootstrap.build`` needs; each field is ``CREDSTACK_<NAME>`` in the environment."""

    model_config = SettingsConfigDict(env_prefix="CREDSTACK_", extra="ignore")

    # A SQLite file by default, so one command runs the platform; postgresql+psycopg://... in
    # production.
    database_url: str = "sqlite:///./credstack.db"
    # The public URL that ids, links and did:web names are made from.
    base_url: str = "http://127.0.0.1:8000"
    # The master key that encrypts signing keys at rest; without it, ``key_file`` is used and
    # created (mode 0600) on first run. SecretStr keeps it out of every repr and log line.
    secret_key: SecretStr | None = None
    key_file: Path = Path("credstack-secret.key")
    # Where submitted evidence files are kept (created on first upload, mode 0700).
    evidence_dir: Path = Path("credstack-evidence")
    # The TrueType fonts of PDF certificates and PNG badges (docs/baking.md): Debian's
    # fonts-dejavu-core, which the Makefile installs.
    font_dir: Path = Path("/usr/share/fonts/truetype/dejavu")
    # Let did:web and status-list fetches reach loopback and private addresses (tests only).
    allow_private_network: bool = False
    # Transparency ledger (docs/ledger.md). Witnesses whose cosignatures this log accepts, as
    # C2SP verifier keys (a JSON list in the environment), and how many a verification here
    # requires; the logs this server witnesses (their verifier keys); where checkpoints are
    # anchored (a file that each new checkpoint's digest is appended to), if anywhere.
    ledger_witnesses: list[str] = []
    ledger_required_witnesses: int = 0
    ledger_witness_for: list[str] = []
    ledger_anchor_file: Path | None = None
    # Email (docs/wallet.md). Without an SMTP host, messages stay in the outbox table, which
    # `credstack outbox` reads. STARTTLS is on unless turned off (for a relay on loopback).
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = True
    mail_from: str = "Credstack <no-reply@localhost>"
    # A failed delivery is tried again after mail_retry_seconds, doubling each time, up to
    # mail_max_attempts tries in all (30 s, 1, 2, 4 minutes by default).
    mail_max_attempts: int = 5
    mail_retry_seconds: float = 30.0
    # How often each server and worker process signs a checkpoint when the log grew (seconds;
    # all of them together sign at most one per period); 0 leaves it to the CLI and bulk jobs.
    ledger_checkpoint_seconds: float = Field(default=60.0, ge=0)
    # Webhook deliveries (docs/webhooks.md): the first retry after this many seconds, each next
    # one after twice the wait before, and how many attempts in all before a delivery fails.
    webhook_retry_seconds: float = Field(default=30.0, gt=0)
    webhook_max_attempts: int = Field(default=6, ge=1, le=20)
    # How often each server and worker looks for webhook attempts and email tries whose retry
    # is due (the database keeps them, so a restart loses none; docs/operations.md).
    retry_sweep_seconds: float = Field(default=10.0, gt=0)
    # Processes that sign bulk batches beside the one running the job (docs/operations.md);
    # unset: on SQLite one per further core (at most four), on PostgreSQL none (run more
    # workers); 0 signs in the job's own process.
    signing_processes: int | None = Field(default=None, ge=0, le=64)
    # How often each server and worker purges expired links, ended sessions and old outbox
    # rows (0: only `credstack purge`), and how many days finished outbox messages and webhook
    # deliveries are kept (docs/operations.md).
    purge_seconds: float = Field(default=3600.0, ge=0)
    outbox_keep_days: int = Field(default=30, ge=1)
    # Wallet sign-in links asked for from one client address per 15 minutes (docs/wallet.md).
    sign_in_client_limit: int = Field(default=20, ge=1)

    @field_validator("base_url")
    @classmethod
    def _check_base_url(cls, value: str) -> str:
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("base_url must be an http(s) URL such as https://badges.example.edu")
        if parts.query or parts.fragment:
            raise ValueError("base_url must not carry a query or fragment")
        return value.strip().rstrip("/")

    @field_validator("secret_key")
    @classmethod
    def _check_secret_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 32:
            raise ValueError("secret_key must have at least 32 characters")
        return value
