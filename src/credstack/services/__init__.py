"""Use cases: plain arguments and an actor in, permission checks, one transaction.

Services ``flush()`` and never commit; ``bootstrap.Platform.unit_of_work`` commits or rolls back.
"""

from __future__ import annotations

from dataclasses import dataclass

from credstack.services.achievements import AchievementService
from credstack.services.assessments import AssessmentService
from credstack.services.audit import AuditTrail
from credstack.services.bulk import BulkService
from credstack.services.credentials import CredentialService
from credstack.services.dashboard import DashboardService
from credstack.services.exports import ExportService
from credstack.services.imports import ImportService
from credstack.services.learners import LearnerService
from credstack.services.ledger import LedgerService
from credstack.services.mail import MailService
from credstack.services.oauth import OAuthService
from credstack.services.organizations import OrganizationService
from credstack.services.pathways import PathwayService
from credstack.services.records import RecordService
from credstack.services.shares import ShareService
from credstack.services.staff_sessions import StaffSessionService
from credstack.services.tokens import TokenService
from credstack.services.users import UserService
from credstack.services.wallet import WalletService
from credstack.services.webhooks import WebhookService
from credstack.services.witness import WitnessService


@dataclass(frozen=True)
class Services:
    """The services bound to one session (one unit of work)."""

    organizations: OrganizationService
    users: UserService
    tokens: TokenService
    audit: AuditTrail
    achievements: AchievementService
    credentials: CredentialService
    pathways: PathwayService
    assessments: AssessmentService
    oauth: OAuthService
    wallet: WalletService
    bulk: BulkService
    ledger: LedgerService
    witness: WitnessService
    imports: ImportService
    shares: ShareService
    exports: ExportService
    mail: MailService
    learners: LearnerService
    staff_sessions: StaffSessionService
    dashboard: DashboardService
    webhooks: WebhookService
    records: RecordService
