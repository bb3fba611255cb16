"""Demo data: an issuer with EU micro-credentials, a pathway, staff and learners.

``seed`` fills an empty platform once, in the caller's transaction; on a platform that already
has the demo organisation it changes nothing (``credstack demo`` may run on every start).
The passwords are fixed and printed, so that a newcomer can sign in: demo data only, never a
production database.

The achievements meet the ``eu-2022`` quality profile (Annex I of the 2022 Council
Recommendation) and align to ESCO skills; the pathway stacks two of them into a certificate,
which the first learner earns at once. One learner's credential is revoked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from credstack.errors import NotFound
from credstack.model.quality import ECTS, EU_MICROCREDENTIAL_CONTEXT
from credstack.services import Services
from credstack.services.actors import Actor
from credstack.services.issuing import IssueRequest
from credstack.services.pathways import PathwayInput

SLUG: Final = "demo"
OWNER: Final = ("owner@example.org", "demo-owner-password")
ASSESSOR: Final = ("assessor@example.org", "demo-assessor-password")
LEARNERS: Final = (
    ("ada@example.org", "demo-learner-password"),
    ("grace@example.org", "demo-learner-password"),
    ("linus@example.org", "demo-learner-password"),
)
ESCO_SKILLS: Final = {
    "python": (
        "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d",
        "Python (computer programming)",
    ),
    "sql": ("http://data.europa.eu/esco/skill/598de5b0-5b58-4ea7-8058-a4bc4d18c742", "SQL"),
    "ml": (
        "http://data.europa.eu/esco/skill/3a2d5b45-56e4-4f5a-a55a-4a4a65afdc43",
        "machine learning",
    ),
}


@dataclass
class Seeded:
    """What ``seed`` made (or found): the sign-ins and where to look."""

    created: bool
    organization: str
    issuer_did: str
    sign_ins: list[tuple[str, str, str]]  # (who, email, password)
    # (learner, achievement name, URL, status), in the order issued
    credentials: list[tuple[str, str, str, str]] = field(default_factory=list)
    admin_token: str | None = None


def seed(services: Services, actor: Actor) -> Seeded:
    """The demo data, made once: returns ``created=False`` when it is already there."""
    sign_ins = [("owner", *OWNER), ("assessor", *ASSESSOR)]
    sign_ins += [("learner", email, password) for email, password in LEARNERS]
    try:
        existing = services.organizations.get(SLUG)
    except NotFound:
        pass
    else:
        return Seeded(False, SLUG, existing.issuer_did, sign_ins)
    organization = services.organizations.create(
        actor,
        slug=SLUG,
        name="Credstack Demo Academy",
        country="NL",
        locality="Utrecht",
        url="https://www.example.org/",
        email="academy@example.org",
        description="A made-up training provider that shows what Credstack does.",
        accreditation="Internal quality assurance under the ESG 2015 (demo statement).",
    )
    services.users.create(actor, email=OWNER[0], organization=SLUG, role="owner", password=OWNER[1])
    services.users.create(
        actor, email=ASSESSOR[0], organization=SLUG, role="assessor", password=ASSESSOR[1]
    )
    for email, password in LEARNERS:
        services.users.create_learner(actor, email=email, password=password)
    python = _achievement(services, actor, "Python for Data Analysis", "python", 5)
    sql = _achievement(services, actor, "SQL for Analysts", "sql", 5)
    ml = _achievement(services, actor, "Machine Learning Foundations", "ml", 5)
    certificate = _achievement(
        services, actor, "Certificate in Applied Data Analysis", "python", 10, stacked=True
    )
    services.pathways.create(
        actor,
        SLUG,
        PathwayInput(
            name="Applied Data Analysis",
            description="Python and SQL together earn the certificate.",
            achievement_id=certificate,
            requirements={
                "type": "allOf",
                "requirements": [
                    {"type": "achievement", "achievement": python},
                    {"type": "achievement", "achievement": sql},
                ],
            },
        ),
    )
    seeded = Seeded(True, SLUG, organization.issuer_did, sign_ins)
    plan = (
        ("ada@example.org", python),
        ("ada@example.org", sql),  # completes the pathway: the certificate follows
        ("grace@example.org", python),
        ("grace@example.org", ml),
        ("linus@example.org", python),
    )
    issued = [
        services.credentials.issue(
            actor, SLUG, IssueRequest(recipient=learner, achievement_id=achievement)
        )
        for learner, achievement in plan
    ]
    services.credentials.revoke(actor, SLUG, issued[-1].id, "demo: revoked")
    seeded.credentials = [
        (
            record.recipient_email or record.recipient_did or "",
            record.name,
            record.credential_id,
            record.status,
        )
        for record in services.credentials.list(actor, SLUG, limit=50)
    ]
    seeded.admin_token = services.tokens.create(
        actor, organization=SLUG, role="admin", name="demo"
    ).secret
    return seeded


def _achievement(
    services: Services, actor: Actor, name: str, skill: str, ects: int, *, stacked: bool = False
) -> str:
    """A published eu-2022 achievement; returns its public id."""
    view = services.achievements.create(
        actor,
        organization=SLUG,
        achievement=_eu_achievement(name, skill, ects, stacked=stacked),
        profile="eu-2022",
        publish=True,
    )
    return view.record.public_id


def _eu_achievement(name: str, skill: str, ects: int, *, stacked: bool) -> Mapping[str, Any]:
    skill_url, skill_name = ESCO_SKILLS[skill]
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            EU_MICROCREDENTIAL_CONTEXT,
        ],
        "type": ["Achievement"],
        "achievementType": "Certificate" if stacked else "MicroCredential",
        "name": name,
        "description": f"{name}: a demo micro-credential of the Credstack Demo Academy.",
        "criteria": {"narrative": "Passed the final project, assessed against a rubric."},
        "inLanguage": "en",
        "alignment": [
            {
                "type": ["Alignment"],
                "targetName": skill_name,
                "targetUrl": skill_url,
                "targetFramework": "ESCO",
                "targetType": "ceasn:Competency",
            }
        ],
        "learningOutcome": [
            {
                "type": "LearningOutcome",
                "title": f"Applies {skill_name} to a realistic data set.",
                "relatedESCOSkill": [skill_url],
            }
        ],
        "creditPoint": [{"type": "CreditPoint", "framework": ECTS, "point": str(ects)}],
        "volumeOfLearning": f"PT{ects * 25}H",
        "eqfLevel": "http://data.europa.eu/snb/eqf/5",
        "assessment": [{"type": "LearningAssessmentSpecification", "title": "Final project"}],
        "learningMode": ["http://data.europa.eu/snb/learning-assessment/920fbb3cbe"],
        "learningSetting": "http://data.europa.eu/snb/learning-setting/e207a81fc7",
        "qualityAssurance": [
            {
                "type": "Accreditation",
                "title": "Internal quality assurance under the ESG 2015 (demo statement).",
            }
        ],
        "entryRequirement": {"type": "Note", "noteLiteral": {"en": "None."}},
        "supervisionAndIdentityVerification": "Online, identity checked at the final project.",
        "integrationStackabilityOptions": "Counts towards the Certificate in Applied Data Analysis."
        if not stacked
        else "Stacks Python for Data Analysis and SQL for Analysts.",
    }
