"""Stacking: pathways whose requirement trees turn several credentials into a larger one.

Pure logic, no I/O: ``rules`` reads and writes the requirement tree, ``workload`` reads the
study load an Achievement declares, ``evaluate`` measures a learner's credentials against a
tree, and ``cycles`` finds a stacked achievement that would require itself.
"""

from credstack.pathways.cycles import find_cycle
from credstack.pathways.evaluate import Held, Outcome, Pathway, Progress, evaluate
from credstack.pathways.rules import (
    AchievementRule,
    AllOf,
    InvalidRequirements,
    NOf,
    Requirement,
    WorkloadRule,
    parse_requirements,
    requirements_to_json,
)
from credstack.pathways.workload import Workload, workload_of

__all__ = [
    "AchievementRule",
    "AllOf",
    "Held",
    "InvalidRequirements",
    "NOf",
    "Outcome",
    "Pathway",
    "Progress",
    "Requirement",
    "Workload",
    "WorkloadRule",
    "evaluate",
    "find_cycle",
    "parse_requirements",
    "requirements_to_json",
    "workload_of",
]
