"""Users and their roles in organisations; passwords hashed with argon2id."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, field

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from credstack.errors import Conflict, Forbidden, InvalidInput, NotFound
from credstack.services import validation
from credstack.services.actors import (
    Actor,
    Role,
    authorize,
    authorize_grant,
    check_role,
    outranks,
)
from credstack.services.audit import AuditTrail
from credstack.store.models import Membership, Organization, User
from credstack.store.organizations import OrganizationRepository
from credstack.store.users import UserRepository

MIN_PASSWORD_LENGTH = 12


@dataclass(frozen=True)
class CreatedUser:
    """The user, their new membership, and the password made for them (shown once)."""

    user: User
    membership: Membership
    generated_password: str | None = field(default=None, repr=False)


class UserService:
    def __init__(self, session: Session, audit: AuditTrail, hasher: PasswordHasher) -> None:
        self._session = session
        self._audit = audit
        self._hasher = hasher
        self._users = UserRepository(session)
        self._organizations = OrganizationRepository(session)

    def create(
        self,
        actor: Actor,
        *,
        email: str,
        organization: str,
        role: str,
        password: str | None = None,
    ) -> CreatedUser:
        """Give ``email`` a role in ``organization``, creating the user when new.

        Without ``password`` a new user gets a generated one, returned once. An existing user
        keeps their password; giving one for them is refused (``user_exists``).
        """
        email = validation.email(email)
        granted: Role = check_role(role)
        org = self._organizations.by_slug(organization)
        if org is None:
            raise NotFound(
                f"No organisation has the slug {organization!r}.", code="organization_not_found"
            )
        authorize_grant(actor, org.id, granted, "manage_members")
        user = self._users.by_email(email)
        generated: str | None = None
        if user is None:
            if password is None:
                generated = password = secrets.token_urlsafe(18)
            _check_password(password)
            user = self._users.add(User(email=email, password_hash=self._hasher.hash(password)))
        elif password is not None:
            raise Conflict(
                f"{email} already has an account; they keep their password.", code="user_exists"
            )
        elif self._users.membership(user.id, org.id) is not None:
            raise _already_member(email, organization)
        self._session.flush()
        membership = Membership(user_id=user.id, organization_id=org.id, role=granted)
        try:
            with self._session.begin_nested():
                self._users.add_membership(membership)
                self._session.flush()
        except IntegrityError as exc:
            raise _already_member(email, organization) from exc
        self._audit.record(actor, org.id, "member.added", f"user:{user.id}", {"role": granted})
        return CreatedUser(user, membership, generated)

    def members(
        self, actor: Actor, *, organization: str, offset: int = 0, limit: int = 50
    ) -> list[tuple[User, Membership]]:
        """A page of the organisation's members and their roles, by email (admin or above)."""
        validation.page(offset, limit)
        org = self._organization(organization)
        authorize(actor, org.id, "manage_members")
        return self._users.members(org.id, offset=offset, limit=limit)

    def change_role(
        self, actor: Actor, *, organization: str, user_id: uuid.UUID, role: str
    ) -> tuple[User, Membership]:
        """Give a member another role: neither the old nor the new may be above the actor's."""
        granted: Role = check_role(role)
        org = self._organization(organization)
        authorize_grant(actor, org.id, granted, "manage_members")
        user, membership = self._member(org, user_id)
        _may_touch(actor, membership)
        if membership.role == granted:
            return user, membership
        if membership.role == "owner":
            self._keep_an_owner(org, membership)
        before = membership.role
        membership.role = granted
        self._session.flush()
        self._audit.record(
            actor, org.id, "member.role_changed", f"user:{user.id}", {"from": before, "to": granted}
        )
        return user, membership

    def remove(self, actor: Actor, *, organization: str, user_id: uuid.UUID) -> None:
        """Take a member out of the organisation (the user account stays)."""
        org = self._organization(organization)
        authorize(actor, org.id, "manage_members")
        user, membership = self._member(org, user_id)
        _may_touch(actor, membership)
        if membership.role == "owner":
            self._keep_an_owner(org, membership)
        self._users.remove_membership(membership)
        self._session.flush()
        self._audit.record(
            actor, org.id, "member.removed", f"user:{user.id}", {"role": membership.role}
        )

    def _organization(self, slug: str) -> Organization:
        org = self._organizations.by_slug(slug)
        if org is None:
            raise NotFound(f"No organisation has the slug {slug!r}.", code="organization_not_found")
        return org

    def _member(self, org: Organization, user_id: uuid.UUID) -> tuple[User, Membership]:
        user = self._users.by_id(user_id)
        membership = self._users.membership(user_id, org.id) if user is not None else None
        if user is None or membership is None:
            raise NotFound(f"{org.slug!r} has no member {user_id}.", code="member_not_found")
        return user, membership

    def _keep_an_owner(self, org: Organization, leaving: Membership) -> None:
        # The owners' rows are locked, so two owners leaving at once cannot both pass the check
        # (on PostgreSQL; SQLite runs one writer at a time anyway).
        if len(self._users.lock_role(org.id, "owner")) <= 1:
            raise Conflict(
                f"{org.slug!r} would have no owner left; make someone else owner first.",
                code="last_owner",
            )

    def create_learner(
        self, actor: Actor, *, email: str, password: str | None = None
    ) -> tuple[User, str | None]:
        """A user with no organisation role: a learner, who signs in to the Open Badges API.

        Only the platform operator creates learners; returns the user and the generated
        password (shown once) when none was given.
        """
        if actor.kind != "operator":
            raise Forbidden("Only the platform operator may create learners.", code="operator_only")
        email = validation.email(email)
        if self._users.by_email(email) is not None:
            raise Conflict(f"{email} already has an account.", code="user_exists")
        generated: str | None = None
        if password is None:
            generated = password = secrets.token_urlsafe(18)
        _check_password(password)
        user = self._users.add(User(email=email, password_hash=self._hasher.hash(password)))
        self._session.flush()
        self._audit.record(actor, None, "learner.created", f"user:{user.id}")
        return user, generated

    def authenticate(self, email: str, password: str) -> User:
        """The user whose password this is; ``Forbidden`` (``invalid_credentials``) otherwise."""
        user = self._users.by_email(email.strip())
        if user is None:
            # As slow as checking a password, so the answer does not tell which emails exist.
            self._hasher.hash(password)
            raise _bad_credentials()
        try:
            self._hasher.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError) as exc:
            raise _bad_credentials() from exc
        if self._hasher.check_needs_rehash(user.password_hash):
            user.password_hash = self._hasher.hash(password)
            self._session.flush()
        return user

    def actor_for(self, user: User, organization: str) -> Actor:
        """The user acting in ``organization`` with their role there."""
        org = self._organizations.by_slug(organization)
        membership = self._users.membership(user.id, org.id) if org else None
        if org is None or membership is None:
            raise Forbidden(
                f"{user.email} is not a member of {organization!r}.", code="not_a_member"
            )
        return Actor(
            kind="user", id=str(user.id), organization_id=org.id, role=check_role(membership.role)
        )


def _may_touch(actor: Actor, membership: Membership) -> None:
    """An admin may not change or remove an owner: only a peer or someone above may."""
    if actor.kind == "operator" or actor.role is None:
        return
    if not outranks(actor.role, check_role(membership.role)):
        raise Forbidden(
            f"An {actor.role} may not change a member whose role ({membership.role}) is "
            "above its own.",
            code="role_above_own",
        )


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            f"A password needs at least {MIN_PASSWORD_LENGTH} characters.", code="weak_password"
        )


def _already_member(email: str, organization: str) -> Conflict:
    return Conflict(f"{email} is already a member of {organization!r}.", code="already_member")


def _bad_credentials() -> Forbidden:
    return Forbidden("The email address or password is wrong.", code="invalid_credentials")
