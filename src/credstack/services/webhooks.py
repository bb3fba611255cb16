"""Webhooks for integrators: an organisation's endpoints, and signed deliveries with retries.

An organisation admin registers an endpoint (an https URL, or http to loopback where private
addresses are allowed) and the events it wants; its signing secret (Standard Webhooks form,
``whsec_`` and base64) is shown once and kept sealed under the master key. The service listens
to credentials (``CredentialListener``): each issue and status change makes one delivery per
endpoint that asked for the event, in the same transaction, and enqueues a ``deliver_webhook``
task that runs once it commits. A delivery is signed as Standard Webhooks 1.0 asks
(``webhook-id``, ``webhook-timestamp``, ``webhook-signature: v1,<base64 HMAC-SHA256 of
"id.timestamp.body">``), sent through the guarded HTTP sender, and tried again after
``retry_seconds``, twice that, four times that... until it is delivered (a 2xx answer) or has
failed ``max_attempts`` times (status ``failed``). The delivery row keeps when its next attempt
is due: each server's and worker's clock enqueues the due ones (``requeue_due``), so a restart
loses no retry, and an attempt that is not due (a second copy of the task) sends nothing.
"""

from __future__ import annotations

import base64
import builtins
import hashlib
import hmac
import ipaddress
import json
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from credstack.errors import Error, InvalidInput, NotFound
from credstack.services.actors import Actor, authorize
from credstack.services.audit import AuditTrail
from credstack.services.organizations import OrganizationService
from credstack.services.ports import NO_QUEUE, SecretVault, TaskQueue, WebhookSender
from credstack.store.credentials import IssuedCredentialRecord
from credstack.store.models import Organization
from credstack.store.webhooks import WebhookDelivery, WebhookEndpoint, WebhookRepository

EVENTS: Final = (
    "credential.issued",
    "credential.revoked",
    "credential.suspended",
    "credential.reinstated",
    "bulk.completed",
    "pathway.awarded",
    "assessment.decided",
)
PING: Final = "webhook.ping"
# The ledger's and the audit log's names for status changes, as the webhook events name them.
_STATUS_EVENTS: Final = {
    "credential.revoked": "credential.revoked",
    "credential.suspended": "credential.suspended",
    "credential.unsuspended": "credential.reinstated",
}
MAX_ENDPOINTS: Final = 20
# Due attempts enqueued per look of the clock; the rest are found by the next one.
DUE_BATCH: Final = 500
MAX_PAGE: Final = 200


@dataclass(frozen=True)
class WebhookPolicy:
    """How deliveries are tried: the first retry after ``retry_seconds``, each next one after
    twice the wait before, ``max_attempts`` in all; private addresses only for tests."""

    retry_seconds: float = 30.0
    max_attempts: int = 6
    allow_private_network: bool = False


@dataclass(frozen=True)
class CreatedEndpoint:
    endpoint: WebhookEndpoint
    secret: str  # shown once


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` value (Standard Webhooks 1.0, "Signature scheme").

    The example of the specification's reference libraries:

    >>> secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    >>> sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, b'{"test": 2432232314}')
    'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='
    """
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


class WebhookService:
    def __init__(
        self,
        session: Session,
        vault: SecretVault,
        audit: AuditTrail,
        organizations: OrganizationService,
        queue: TaskQueue = NO_QUEUE,
        policy: WebhookPolicy | None = None,
        sender: WebhookSender | None = None,
    ) -> None:
        self._session = session
        self._vault = vault
        self._audit = audit
        self._organizations = organizations
        self._queue = queue
        self.policy = policy or WebhookPolicy()
        self._sender = sender
        self._webhooks = WebhookRepository(session)
        # Endpoints per organisation, read once per unit of work: a bulk batch issues many.
        self._endpoints: dict[uuid.UUID, builtins.list[WebhookEndpoint]] = {}

    # Endpoints: an organisation admin's.

    def create(
        self,
        actor: Actor,
        slug: str,
        url: str,
        events: builtins.list[str],
        description: str | None = None,
    ) -> CreatedEndpoint:
        org = self._organizations.get(slug)
        authorize(actor, org.id, "manage_webhooks")
        self._check_url(url)
        unknown = sorted(set(events) - set(EVENTS))
        if not events or unknown:
            raise InvalidInput(
                f"events must name at least one of {', '.join(EVENTS)}"
                + (f"; unknown: {', '.join(unknown)}." if unknown else "."),
                code="invalid_webhook_events",
            )
        if self._webhooks.count(org.id) >= MAX_ENDPOINTS:
            raise InvalidInput(
                f"An organisation has at most {MAX_ENDPOINTS} webhook endpoints; delete one.",
                code="too_many_webhooks",
            )
        secret = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
        endpoint = WebhookEndpoint(
            id=uuid.uuid4(),
            organization_id=org.id,
            url=url,
            events=sorted(set(events)),
            description=(description or "").strip()[:500] or None,
            created_at=datetime.now(UTC),
        )
        endpoint.sealed_secret = self._vault.seal_secret(
            secret.encode(), purpose=f"webhook:{endpoint.id}"
        )
        self._webhooks.add(endpoint)
        self._audit.record(actor, org.id, "webhook.created", str(endpoint.id), {"url": url})
        self._session.flush()
        self._endpoints.pop(org.id, None)
        return CreatedEndpoint(endpoint, secret)

    def list(self, actor: Actor, slug: str) -> builtins.list[WebhookEndpoint]:
        org = self._organizations.get(slug)
        authorize(actor, org.id, "manage_webhooks")
        return self._webhooks.endpoints(org.id)

    def delete(self, actor: Actor, slug: str, endpoint_id: str) -> None:
        endpoint, org = self._owned(actor, slug, endpoint_id)
        self._webhooks.delete(endpoint)
        self._audit.record(actor, org.id, "webhook.deleted", str(endpoint.id), {})
        self._session.flush()
        self._endpoints.pop(org.id, None)

    def ping(self, actor: Actor, slug: str, endpoint_id: str) -> WebhookDelivery:
        """Send a ``webhook.ping`` event to the endpoint (as a task, with retries)."""
        endpoint, org = self._owned(actor, slug, endpoint_id)
        return self._deliver_later(endpoint, PING, {"organization": org.slug})

    def deliveries(
        self, actor: Actor, slug: str, endpoint_id: str, *, offset: int = 0, limit: int = 50
    ) -> builtins.list[WebhookDelivery]:
        """The endpoint's deliveries, newest first, with their status and attempts."""
        if offset < 0 or not 1 <= limit <= MAX_PAGE:
            raise InvalidInput(
                f"Paging needs offset >= 0 and 1 <= limit <= {MAX_PAGE}.", code="invalid_paging"
            )
        endpoint, _ = self._owned(actor, slug, endpoint_id)
        return self._webhooks.deliveries(endpoint.id, offset=offset, limit=limit)

    # The CredentialListener port: told of each issue and status change, in its transaction.

    def issuing(self, organization: Organization, recipient: str) -> None:
        return None

    def listens(self, organization: Organization) -> bool:
        return any("credential.issued" in e.events for e in self._endpoints_of(organization.id))

    def issued(self, record: IssuedCredentialRecord) -> None:
        self._announce(record, "credential.issued")

    def status_changed(self, record: IssuedCredentialRecord, action: str) -> None:
        event = _STATUS_EVENTS.get(action)
        if event is not None:
            self._announce(record, event)

    def _announce(self, record: IssuedCredentialRecord, event: str) -> None:
        data = {
            "credential": record.credential_id,
            "id": str(record.id),
            "achievementId": str(record.achievement_id) if record.achievement_id else None,
            "status": record.status,
        }
        self.publish(record.organization_id, event, data)

    # The EventPublisher port: bulk jobs, pathways and assessments announce through it.

    def publish(self, organization_id: uuid.UUID, event: str, data: Mapping[str, object]) -> None:
        """One delivery per endpoint of the organisation that asked for ``event``, written in
        the caller's transaction; each is sent by a task once it commits."""
        for endpoint in self._endpoints_of(organization_id):
            if event in endpoint.events:
                self._deliver_later(endpoint, event, dict(data))

    def _endpoints_of(self, organization_id: uuid.UUID) -> builtins.list[WebhookEndpoint]:
        endpoints = self._endpoints.get(organization_id)
        if endpoints is None:
            endpoints = self._webhooks.endpoints(organization_id)
            self._endpoints[organization_id] = endpoints
        return endpoints

    def _deliver_later(
        self, endpoint: WebhookEndpoint, event: str, data: dict[str, Any]
    ) -> WebhookDelivery:
        now = datetime.now(UTC)
        body = {"type": event, "timestamp": now.strftime("%Y-%m-%dT%H:%M:%SZ"), "data": data}
        delivery = WebhookDelivery(
            id=uuid.uuid4(),
            endpoint_id=endpoint.id,
            event=event,
            body=json.dumps(body, separators=(",", ":"), ensure_ascii=False),
            status="pending",
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
        self._webhooks.add(delivery)
        self._queue.enqueue("deliver_webhook", delivery_id=str(delivery.id))
        return delivery

    # The task side: one attempt of one delivery.

    def attempt(self, delivery_id: str) -> WebhookDelivery | None:
        """Send a pending delivery once; schedule the next try or mark it failed. None when
        there is nothing to send (delivered, failed, or its endpoint deleted)."""
        delivery = self._webhooks.delivery(_uuid(delivery_id, "webhook_delivery"), lock=True)
        if delivery is None or delivery.status != "pending":
            return None
        due = delivery.next_attempt_at
        if due is not None and due > datetime.now(UTC):
            # A copy of the task ahead of its time (the clock's and the retry's own, or one
            # that waited for the row lock while another attempt ran): the due one sends.
            return None
        endpoint = self._webhooks.endpoint(delivery.endpoint_id)
        assert endpoint is not None  # a foreign key, deleted with it
        secret = self._vault.unseal_secret(
            endpoint.sealed_secret, purpose=f"webhook:{endpoint.id}"
        ).decode()
        timestamp = int(datetime.now(UTC).timestamp())
        message_id = f"msg_{delivery.id.hex}"
        body = delivery.body.encode()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "Credstack-Webhooks/1",
            "webhook-id": message_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": sign(secret, message_id, timestamp, body),
        }
        delivery.attempts += 1
        now = datetime.now(UTC)
        try:
            self._check_url(endpoint.url)
            status = self._sender_or_fail().post(endpoint.url, body, headers)
        except Error as exc:
            delivery.last_status_code, delivery.last_error = None, exc.message[:500]
        else:
            delivery.last_status_code = status
            delivery.last_error = None if 200 <= status < 300 else f"HTTP {status}"
            if 200 <= status < 300:
                delivery.status, delivery.delivered_at, delivery.next_attempt_at = (
                    "delivered",
                    now,
                    None,
                )
        if delivery.status == "pending":
            if delivery.attempts >= self.policy.max_attempts:
                delivery.status, delivery.next_attempt_at = "failed", None
            else:
                wait = self.policy.retry_seconds * 2 ** (delivery.attempts - 1)
                delivery.next_attempt_at = now + timedelta(seconds=wait)
                self._queue.enqueue_in(wait, "deliver_webhook", delivery_id=str(delivery.id))
        self._session.flush()
        return delivery

    def requeue_due(self) -> int:
        """Enqueue the pending deliveries whose next attempt is due (the clock of each server
        and worker asks; a retry's own task died with a restarted process); how many."""
        due = self._webhooks.due(datetime.now(UTC), DUE_BATCH)
        for delivery_id in due:
            self._queue.enqueue("deliver_webhook", delivery_id=str(delivery_id))
        return len(due)

    def retry_later(self, delivery_id: str) -> bool:
        """Enqueue a pending delivery again after the first retry wait (its attempt could not
        be recorded); False if it is no longer pending."""
        delivery = self._webhooks.delivery(_uuid(delivery_id, "webhook_delivery"))
        if delivery is None or delivery.status != "pending":
            return False
        self._queue.enqueue_in(
            self.policy.retry_seconds, "deliver_webhook", delivery_id=str(delivery.id)
        )
        return True

    def _sender_or_fail(self) -> WebhookSender:
        if self._sender is None:  # pragma: no cover - bootstrap always gives one
            raise InvalidInput("This platform sends no webhooks.", code="webhooks_disabled")
        return self._sender

    def _check_url(self, url: str) -> None:
        """https, or http to a loopback address where private addresses are allowed (tests);
        the sender checks the addresses the host resolves to on every attempt."""
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 - raises ValueError for a bad port
        except ValueError as exc:
            raise InvalidInput(f"{url[:100]!r} is not a URL.", code="invalid_webhook_url") from exc
        host = parts.hostname or ""
        if len(url) > 2048 or not host or parts.username or parts.password or parts.fragment:
            raise InvalidInput(
                "A webhook URL is an absolute https URL with a host and no credentials or "
                "fragment, at most 2048 characters.",
                code="invalid_webhook_url",
            )
        if parts.scheme == "https":
            return
        if parts.scheme == "http" and self.policy.allow_private_network and _loopback(host):
            return
        raise InvalidInput(
            "A webhook URL must use https (plain http only to a loopback address, and only "
            "where CREDSTACK_ALLOW_PRIVATE_NETWORK is set).",
            code="invalid_webhook_url",
        )

    def _owned(
        self, actor: Actor, slug: str, endpoint_id: str
    ) -> tuple[WebhookEndpoint, Organization]:
        org = self._organizations.get(slug)
        authorize(actor, org.id, "manage_webhooks")
        endpoint = self._webhooks.endpoint(_uuid(endpoint_id, "webhook"))
        if endpoint is None or endpoint.organization_id != org.id:
            raise NotFound(f"{slug!r} has no webhook {endpoint_id}.", code="webhook_not_found")
        return endpoint, org


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _uuid(value: str, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError as exc:
        raise NotFound(
            f"No {what.replace('_', ' ')} {value[:60]}.", code=f"{what}_not_found"
        ) from exc
