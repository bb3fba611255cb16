"""The composition root: ``Settings`` in, a ``Platform`` of engine, key store and services out.

This is the one place that chooses implementations; front doors (CLI, API) call ``build`` and
then work through ``Platform.unit_of_work``.

>>> from credstack.config import Settings
>>> settings = Settings(database_url="sqlite://", secret_key="x" * 32)
>>> platform = build(settings, migrate=True)
>>> with platform.unit_of_work() as services:
...     org = services.organizations.create(Actor.operator(), slug="acme", name="Acme")
>>> org.issuer_did
'did:web:localhost%3A8000:orgs:acme'
>>> platform.close()
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from argon2 import PasswordHasher
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from credstack.adapters.anchor import FileAnchor
from credstack.adapters.evidence_files import FileEvidenceStore
from credstack.adapters.keystore import KeyStore, load_master_secret
from credstack.adapters.mail import OutboxMailer, SmtpMailer
from credstack.adapters.signing_pool import ProcessSigning, default_processes
from credstack.adapters.webhook_sender import HttpWebhookSender
from credstack.config import Settings
from credstack.errors import StorageError
from credstack.jobs.clock import Clock, Duty
from credstack.jobs.inprocess import InProcessDispatcher
from credstack.jobs.queue import AfterCommitQueue, Dispatch
from credstack.jobs.tasks import checkpoint_ledger, purge_expired, requeue_due, run_task
from credstack.ledger.note import COSIGNATURE, ED25519, NoteVerifier
from credstack.services import Services
from credstack.services.achievements import AchievementService
from credstack.services.actors import Actor
from credstack.services.assessments import AssessmentService
from credstack.services.audit import AuditTrail
from credstack.services.bulk import BulkService
from credstack.services.credentials import CredentialService
from credstack.services.dashboard import DashboardService
from credstack.services.exports import ExportService
from credstack.services.imports import ImportService
from credstack.services.learners import LearnerService
from credstack.services.ledger import LedgerPolicy, LedgerService, verifier_keys
from credstack.services.mail import MailService, RetryPolicy
from credstack.services.oauth import OAuthService
from credstack.services.organizations import OrganizationService
from credstack.services.pathways import PathwayService
from credstack.services.ports import NO_QUEUE, EvidenceStore, Mailer, TaskQueue
from credstack.services.purge import PurgePolicy, PurgeService
from credstack.services.records import RecordService
from credstack.services.shares import ShareService
from credstack.services.staff_sessions import StaffSessionService
from credstack.services.status_lists import StatusListReads
from credstack.services.tokens import TokenService
from credstack.services.users import UserService
from credstack.services.wallet import WalletService
from credstack.services.webhooks import WebhookPolicy, WebhookService
from credstack.services.witness import WitnessService
from credstack.store.db import deferred, make_engine, make_session_factory
from credstack.store.migrate import upgrade

__all__ = ["Actor", "Platform", "build"]


@dataclass
class Platform:
    """Everything long-lived: made once per process, shared by every request or command."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    keystore: KeyStore = field(repr=False)
    hasher: PasswordHasher = field(repr=False)
    evidence: EvidenceStore = field(repr=False)
    # Where tasks go once a transaction commits (jobs/); None drops them (tests of services).
    dispatch: Dispatch | None = field(default=None, repr=False)
    ledger_policy: LedgerPolicy = field(init=False, repr=False)
    witnessed_logs: tuple[NoteVerifier, ...] = field(init=False, repr=False)
    mailer: Mailer = field(init=False, repr=False)
    mail_policy: RetryPolicy = field(init=False, repr=False)
    _clock: Clock | None = field(default=None, init=False, repr=False)
    webhook_policy: WebhookPolicy = field(init=False, repr=False)
    webhook_sender: HttpWebhookSender = field(init=False, repr=False)
    signing: ProcessSigning = field(init=False, repr=False)
    _reading_engine: Engine = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._reading_engine = deferred(self.engine)
        # Read once, so that a bad verifier key in the settings fails at start, not per request.
        settings = self.settings
        anchor = settings.ledger_anchor_file
        self.ledger_policy = LedgerPolicy(
            witnesses=verifier_keys(settings.ledger_witnesses, COSIGNATURE, "ledger_witnesses"),
            required_witnesses=settings.ledger_required_witnesses,
            anchor=FileAnchor(anchor) if anchor is not None else None,
        )
        self.witnessed_logs = verifier_keys(
            settings.ledger_witness_for, ED25519, "ledger_witness_for"
        )
        self.mailer = _mailer(settings)
        self.mail_policy = RetryPolicy(
            max_attempts=max(1, settings.mail_max_attempts),
            retry_seconds=max(0.0, settings.mail_retry_seconds),
        )
        self.webhook_policy = WebhookPolicy(
            retry_seconds=settings.webhook_retry_seconds,
            max_attempts=settings.webhook_max_attempts,
            allow_private_network=settings.allow_private_network,
        )
        self.webhook_sender = HttpWebhookSender(allow_private=settings.allow_private_network)
        processes = settings.signing_processes
        if processes is None:
            # On SQLite one process issues a job, and signs with the other cores; on PostgreSQL
            # jobs scale with `credstack worker` processes, which signing processes of their
            # own would only crowd (docs/operations.md).
            processes = 0 if self.uses_postgres else default_processes()
        # Started on the first bulk batch only, so a server that never issues in bulk has none.
        self.signing = ProcessSigning(processes)

    def services(self, session: Session, *, client: str | None = None) -> Services:
        """The services bound to ``session``, each made on first use; whoever made the
        session commits it. ``client`` is the address of the client a request came from
        (limits per address apply to it)."""
        made_queue: list[TaskQueue] = []

        def queue() -> TaskQueue:
            if not made_queue:
                made_queue.append(
                    AfterCommitQueue(session, self.dispatch)
                    if self.dispatch is not None
                    else NO_QUEUE
                )
            return made_queue[0]

        def make(services: Services, name: str) -> object:
            return self._service(services, name, session, queue, client)

        return Services(make)

    def _service(
        self,
        s: Services,
        name: str,
        session: Session,
        queue: Callable[[], TaskQueue],
        client: str | None,
    ) -> object:
        base_url = self.settings.base_url
        match name:
            case "audit":
                return AuditTrail(session)
            case "organizations":
                return OrganizationService(session, self.keystore, base_url, s.audit)
            case "achievements":
                return AchievementService(session, base_url, s.audit)
            case "ledger":
                return LedgerService(session, self.keystore, base_url, s.audit, self.ledger_policy)
            case "credentials" | "pathways" | "webhooks":
                # Pathways and webhooks hear of every issuance and status change.
                credentials = CredentialService(
                    session,
                    base_url,
                    s.audit,
                    s.organizations,
                    s.achievements,
                    queue(),
                    s.ledger,
                    signing=self.signing,
                    mail=s.mail,
                )
                webhooks = WebhookService(
                    session,
                    self.keystore,
                    s.audit,
                    s.organizations,
                    queue(),
                    self.webhook_policy,
                    self.webhook_sender,
                )
                pathways = PathwayService(
                    session, s.audit, s.organizations, s.achievements, credentials, events=webhooks
                )
                credentials.subscribe(pathways)
                credentials.subscribe(webhooks)
                s.credentials, s.pathways, s.webhooks = credentials, pathways, webhooks
                return getattr(s, name)
            case "assessments":
                return AssessmentService(
                    session,
                    base_url,
                    s.audit,
                    s.organizations,
                    s.achievements,
                    s.credentials,
                    self.evidence,
                    events=s.webhooks,
                )
            case "users":
                return UserService(session, s.audit, self.hasher)
            case "mail":
                return MailService(session, self.mailer, queue(), self.mail_policy)
            case "tokens":
                return TokenService(session, s.audit)
            case "oauth":
                return OAuthService(session, s.users)
            case "wallet":
                return WalletService(session)
            case "bulk":
                return BulkService(
                    session, base_url, s.audit, s.organizations, s.achievements, s.credentials,
                    queue(), events=s.webhooks, mail=s.mail,
                )  # fmt: skip
            case "witness":
                return WitnessService(
                    session, self.keystore, base_url, s.audit, self.witnessed_logs
                )
            case "imports":
                return ImportService(session, s.audit, s.pathways)
            case "shares":
                return ShareService(session, s.audit)
            case "exports":
                return ExportService(session, s.audit)
            case "learners":
                return LearnerService(
                    session,
                    s.audit,
                    s.mail,
                    base_url,
                    client=client,
                    client_limit=self.settings.sign_in_client_limit,
                )
            case "staff_sessions":
                return StaffSessionService(session, s.users, s.audit)
            case "dashboard":
                return DashboardService(session, s.organizations)
            case "records":
                return RecordService(session, s.organizations, s.audit)
            case "status_lists":
                return StatusListReads(session)
            case "purge":
                return PurgeService(
                    session, PurgePolicy(timedelta(days=self.settings.outbox_keep_days))
                )
        raise AttributeError(name)  # pragma: no cover - Services asks only for its own names

    def run_task(self, task: str, arguments: Mapping[str, str]) -> None:
        """Run one task here and now (the in-process queue and ``credstack worker`` do)."""
        run_task(self.unit_of_work, task, arguments)

    @property
    def uses_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    def reading_session(self) -> Session:
        """A session for work that mostly reads (``store.db.deferred``)."""
        return self.sessions(bind=self._reading_engine)

    @contextmanager
    def transaction(self, *, read_mostly: bool = False) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back when it raises; a
        refusal of the database's becomes ``StorageError``.

        On SQLite it takes the write lock at its start, so writers wait for each other in
        turn. With ``read_mostly`` (the verifier's reads) it takes no lock until it writes,
        and never waits for a writer (``store.db.deferred``).
        """
        with self.reading_session() if read_mostly else self.sessions() as session:
            try:
                yield session
                session.commit()
            except SQLAlchemyError as exc:
                session.rollback()
                raise StorageError(
                    f"The database refused the change: {type(exc).__name__}.",
                    code="storage_error",
                ) from exc
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def unit_of_work(self, *, read_mostly: bool = False) -> Iterator[Services]:
        """The services of one ``transaction``."""
        with self.transaction(read_mostly=read_mostly) as session:
            yield self.services(session)

    def start_clock(self) -> None:
        """Periodic work in a thread of this process (``credstack serve`` and ``credstack
        worker`` start it; ``close`` stops it): ledger checkpoints when due, the webhook
        attempts and email tries whose retry is due, and the purge (``jobs.clock``)."""
        if self._clock is None:
            self._clock = Clock(self.clock_duties())
            self._clock.start()

    def clock_duties(self) -> list[Duty]:
        settings = self.settings
        period = settings.ledger_checkpoint_seconds
        return [
            Duty(
                "ledger checkpoint",
                period / 4,
                lambda: checkpoint_ledger(self.unit_of_work, str(period)),
            ),
            Duty(
                "due retries",
                settings.retry_sweep_seconds,
                lambda: requeue_due(self.unit_of_work),
                at_start=True,
            ),
            Duty("purge", settings.purge_seconds, lambda: purge_expired(self.unit_of_work)),
        ]

    def close(self) -> None:
        if self._clock is not None:
            self._clock.stop()
            self._clock = None
        close = getattr(self.dispatch, "close", None)
        if close is not None:
            close()
        self.signing.close()
        self.engine.dispose()


def _mailer(settings: Settings) -> Mailer:
    if not settings.smtp_host:
        return OutboxMailer()
    password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
    return SmtpMailer(
        host=settings.smtp_host,
        port=settings.smtp_port,
        sender=settings.mail_from,
        username=settings.smtp_username,
        password=password,
        starttls=settings.smtp_starttls,
    )


def build(settings: Settings, *, migrate: bool = False) -> Platform:
    """The platform for ``settings``; with ``migrate`` the database is upgraded first."""
    engine = make_engine(settings.database_url)
    if migrate:
        upgrade(engine)
    secret = settings.secret_key.get_secret_value() if settings.secret_key else None
    platform = Platform(
        settings=settings,
        engine=engine,
        sessions=make_session_factory(engine),
        keystore=KeyStore(load_master_secret(secret, settings.key_file)),
        hasher=PasswordHasher(),
        evidence=FileEvidenceStore(settings.evidence_dir),
    )
    if platform.uses_postgres:
        # procrastinate is in the [server] extra, like the PostgreSQL driver itself.
        from credstack.jobs.postgres import ProcrastinateDispatcher

        platform.dispatch = ProcrastinateDispatcher(settings.database_url)
    else:
        platform.dispatch = InProcessDispatcher(platform.run_task)
    return platform
