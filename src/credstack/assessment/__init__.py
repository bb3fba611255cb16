"""Assessment: rubrics and decisions, evidence policies, and automated awards.

Pure logic, no I/O: ``rubric`` reads rubrics, scores an assessment and decides pass or fail;
``evidence`` checks what a learner submits against what the achievement accepts; ``automated``
decides a score from an LMS by the Achievement's resultDescription.
"""

from credstack.assessment.automated import Judgement, judge
from credstack.assessment.evidence import (
    EvidenceItem,
    EvidencePolicy,
    check_evidence,
    parse_policy,
    policy_to_json,
)
from credstack.assessment.rubric import (
    Criterion,
    Decision,
    InvalidRubric,
    Level,
    Rubric,
    Score,
    decide,
    parse_rubric,
    rubric_to_json,
    score,
)

__all__ = [
    "Criterion",
    "Decision",
    "EvidenceItem",
    "EvidencePolicy",
    "InvalidRubric",
    "Judgement",
    "Level",
    "Rubric",
    "Score",
    "check_evidence",
    "decide",
    "judge",
    "parse_policy",
    "parse_rubric",
    "policy_to_json",
    "rubric_to_json",
    "score",
]
