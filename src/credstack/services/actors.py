"""Who is acting, and what each role may do.

Roles are ordered owner > admin > issuer > assessor; an action names the least role that may
take it, in the organisation it touches. The platform operator (the ``credstack`` command run
with database access) acts as ``Actor.operator()`` and may do anything.

>>> import uuid
>>> org = uuid.uuid4()
>>> issuer = Actor(kind="token", id="t1", organization_id=org, role="issuer")
>>> authorize(issuer, org, "manage_tokens")
Traceback (most recent call last):
...
credstack.errors.Forbidden: The issuer role may not manage_tokens; it needs admin or above.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Final, Literal, get_args

from credstack.errors import Forbidden, InvalidInput

Role = Literal["owner", "admin", "issuer", "assessor"]
ROLES: Final[tuple[Role, ...]] = get_args(Role)
_RANK: Final[dict[str, int]] = {"owner": 4, "admin": 3, "issuer": 2, "assessor": 1}

Action = Literal[
    "create_organization",
    "update_organization",
    "manage_keys",
    "manage_members",
    "manage_tokens",
    "read_audit",
    "manage_webhooks",
    "issue",
    "assess",
    "operate_ledger",
]
ACTIONS: Final[tuple[Action, ...]] = get_args(Action)
# None: only the platform operator.
REQUIRED_ROLE: Final[dict[Action, Role | None]] = {
    "create_organization": None,
    "update_organization": "admin",
    "manage_keys": "admin",
    "manage_members": "admin",
    "manage_tokens": "admin",
    "read_audit": "admin",
    "manage_webhooks": "admin",
    "issue": "issuer",
    "assess": "assessor",
    # Checkpoints, audits and witnessing concern the whole server, not one organisation.
    "operate_ledger": None,
}


@dataclass(frozen=True)
class Actor:
    """A user or API token acting in one organisation with one role, the operator, or a
    learner signed in to their wallet (no organisation, no role: ``authorize`` refuses it
    everything an organisation's staff may do)."""

    kind: Literal["user", "token", "operator", "learner"]
    id: str
    organization_id: uuid.UUID | None
    role: Role | None

    @classmethod
    def operator(cls, name: str = "cli") -> Actor:
        return cls(kind="operator", id=name, organization_id=None, role=None)

    @property
    def label(self) -> str:
        """How the audit log names the actor: ``user:<id>``, ``token:<id>``, ``operator:cli``."""
        return f"{self.kind}:{self.id}"


def check_role(value: str) -> Role:
    """``value`` as a Role, or ``InvalidInput`` (code ``invalid_role``)."""
    for role in ROLES:
        if value == role:
            return role
    raise InvalidInput(
        f"{value!r} is not a role; use one of {', '.join(ROLES)}.", code="invalid_role"
    )


def outranks(role: Role, other: Role) -> bool:
    """True when ``role`` is ``other`` or above it."""
    return _RANK[role] >= _RANK[other]


def authorize(actor: Actor, organization_id: uuid.UUID | None, action: Action) -> None:
    """Return when ``actor`` may take ``action`` in the organisation; else raise ``Forbidden``."""
    if actor.kind == "operator":
        return
    needed = REQUIRED_ROLE[action]
    if needed is None:
        raise Forbidden(f"Only the platform operator may {action}.", code="operator_only")
    if actor.organization_id is None or actor.organization_id != organization_id:
        raise Forbidden("The actor belongs to another organisation.", code="other_organization")
    if actor.role is None or not outranks(actor.role, needed):
        raise Forbidden(
            f"The {actor.role} role may not {action}; it needs {needed} or above.",
            code="role_too_weak",
        )


def authorize_member(actor: Actor, organization_id: uuid.UUID) -> None:
    """Any role of the organisation (or the operator) may read it; anyone else is refused."""
    if actor.kind != "operator" and actor.organization_id != organization_id:
        raise Forbidden("The actor belongs to another organisation.", code="other_organization")


def authorize_grant(actor: Actor, organization_id: uuid.UUID, role: Role, action: Action) -> None:
    """Like ``authorize``, and the role given away may not be above the actor's own."""
    authorize(actor, organization_id, action)
    if actor.kind != "operator" and actor.role is not None and not outranks(actor.role, role):
        raise Forbidden(
            f"An {actor.role} may not grant the {role} role, which is above its own.",
            code="role_above_own",
        )
