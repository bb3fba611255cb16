"""Use cases: plain arguments and an actor in, permission checks, one transaction.

Services ``flush()`` and never commit; ``bootstrap.Platform.unit_of_work`` commits or rolls back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

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
from credstack.services.purge import PurgeService
from credstack.services.records import RecordService
from credstack.services.shares import ShareService
from credstack.services.staff_sessions import StaffSessionService
from credstack.services.status_lists import StatusListReads
from credstack.services.tokens import TokenService
from credstack.services.users import UserService
from credstack.services.wallet import WalletService
from credstack.services.webhooks import WebhookService
from credstack.services.witness import WitnessService


class Services:
    """The services bound to one session (one unit of work), each made when first used: a
    request that needs one service (a verification reads one row) does not build twenty.

    ``make(services, name)`` builds the service called ``name``; it may set others on
    ``services`` too (services that subscribe to each other are made together).
    """

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
    status_lists: StatusListReads
    purge: PurgeService

    def __init__(self, make: Callable[[Services, str], object]) -> None:
        self._make = make

    def __getattr__(self, name: str) -> Any:
        # Only called for what is not set yet: after the first use a service is an attribute.
        if name not in _NAMES:
            raise AttributeError(name)
        made = self._make(self, name)
        return self.__dict__.setdefault(name, made)


_NAMES: Final = frozenset(Services.__annotations__)
