"""A small bundled list of skills to align achievements to: the ESCO skill groups and
transversal skills, and O*NET skills and occupations.

ESCO (the European Skills, Competences, Qualifications and Occupations classification, v1.1)
names its groups by code under ``http://data.europa.eu/esco/skill/``: S1-S8 (skills) and T1-T6
(transversal skills and competences). O*NET 28 names skills by content-model element id (2.A:
basic skills, 2.B: cross-functional skills) and occupations by O*NET-SOC code. Nothing is
fetched: a finer alignment (a single ESCO skill) is a URL the issuer can type into the form.

>>> [skill.code for skill in search("programming")]
['2.B.3.e']
>>> find("http://data.europa.eu/esco/skill/S5").name
'working with computers'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

ESCO: Final = "ESCO"
ONET: Final = "O*NET"


@dataclass(frozen=True)
class Skill:
    framework: str
    code: str
    name: str
    url: str

    def alignment(self) -> dict[str, Any]:
        """The OB 3.0 Alignment (B.1.5) to this skill."""
        return {
            "type": ["Alignment"],
            "targetName": self.name,
            "targetUrl": self.url,
            "targetCode": self.code,
            "targetFramework": self.framework,
            "targetType": "ceasn:Competency",
        }


def _esco(code: str, name: str) -> Skill:
    return Skill(ESCO, code, name, f"http://data.europa.eu/esco/skill/{code}")


def _onet_skill(code: str, name: str) -> Skill:
    return Skill(ONET, code, name, f"https://www.onetonline.org/find/descriptor/result/{code}")


def _onet_occupation(code: str, name: str) -> Skill:
    return Skill(ONET, code, name, f"https://www.onetonline.org/link/summary/{code}")


SKILLS: Final = (
    _esco("S1", "communication, collaboration and creativity"),
    _esco("S2", "information skills"),
    _esco("S3", "assisting and caring"),
    _esco("S4", "management skills"),
    _esco("S5", "working with computers"),
    _esco("S6", "handling and moving"),
    _esco("S7", "constructing"),
    _esco("S8", "working with machinery and specialised equipment"),
    _esco("T1", "core skills and competences"),
    _esco("T2", "thinking skills and competences"),
    _esco("T3", "self-management skills and competences"),
    _esco("T4", "social and communication skills and competences"),
    _esco("T5", "physical and manual skills and competences"),
    _esco("T6", "life skills and competences"),
    _onet_skill("2.A.1.a", "Reading Comprehension"),
    _onet_skill("2.A.1.b", "Active Listening"),
    _onet_skill("2.A.1.c", "Writing"),
    _onet_skill("2.A.1.d", "Speaking"),
    _onet_skill("2.A.1.e", "Mathematics"),
    _onet_skill("2.A.1.f", "Science"),
    _onet_skill("2.A.2.a", "Critical Thinking"),
    _onet_skill("2.A.2.b", "Active Learning"),
    _onet_skill("2.A.2.c", "Learning Strategies"),
    _onet_skill("2.A.2.d", "Monitoring"),
    _onet_skill("2.B.1.a", "Social Perceptiveness"),
    _onet_skill("2.B.1.b", "Coordination"),
    _onet_skill("2.B.1.c", "Persuasion"),
    _onet_skill("2.B.1.d", "Negotiation"),
    _onet_skill("2.B.1.e", "Instructing"),
    _onet_skill("2.B.1.f", "Service Orientation"),
    _onet_skill("2.B.2.i", "Complex Problem Solving"),
    _onet_skill("2.B.3.a", "Operations Analysis"),
    _onet_skill("2.B.3.b", "Technology Design"),
    _onet_skill("2.B.3.e", "Programming"),
    _onet_skill("2.B.4.e", "Judgment and Decision Making"),
    _onet_skill("2.B.4.g", "Systems Analysis"),
    _onet_skill("2.B.5.a", "Time Management"),
    _onet_occupation("15-1252.00", "Software Developers"),
    _onet_occupation("15-1254.00", "Web Developers"),
    _onet_occupation("15-2051.00", "Data Scientists"),
    _onet_occupation("15-1212.00", "Information Security Analysts"),
    _onet_occupation("13-2011.00", "Accountants and Auditors"),
    _onet_occupation("29-1141.00", "Registered Nurses"),
    _onet_occupation("47-2111.00", "Electricians"),
    _onet_occupation("43-4051.00", "Customer Service Representatives"),
)
_BY_URL: Final = {skill.url: skill for skill in SKILLS}


def find(url: str) -> Skill | None:
    return _BY_URL.get(url)


def search(query: str) -> list[Skill]:
    """The skills whose name, code or framework contains every word of ``query``."""
    words = query.lower().split()
    return [
        skill
        for skill in SKILLS
        if all(w in f"{skill.framework} {skill.code} {skill.name}".lower() for w in words)
    ]
