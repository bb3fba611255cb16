"""Workload is read from the one property that names its unit."""

from __future__ import annotations

from decimal import Decimal

from credstack.model.quality import ECTS
from credstack.pathways import Workload, workload_of


def test_each_unit_from_its_property() -> None:
    assert workload_of(
        {
            "creditPoint": {"framework": ECTS, "point": "2.5"},
            "volumeOfLearning": "P1DT6H30M",
            "creditsAvailable": 3,
        }
    ) == Workload(Decimal("2.5"), Decimal("30.5"), Decimal("3"))


def test_what_names_no_unit_is_not_counted() -> None:
    assert workload_of({}) == Workload()
    assert (
        workload_of(
            {
                "creditPoint": [{"framework": "https://example.org/other", "point": "5"}],
                "volumeOfLearning": "P2M",  # months have no fixed length
                "creditsAvailable": True,
            }
        )
        == Workload()
    )
    assert workload_of({"volumeOfLearning": "thirty hours", "creditsAvailable": -1}) == Workload()
    assert workload_of({"volumeOfLearning": 30, "creditsAvailable": "many"}) == Workload()
    assert workload_of({"creditPoint": [{"framework": ECTS, "point": "x"}]}) == Workload()
    assert workload_of({"volumeOfLearning": "-PT5H"}) == Workload()


def test_the_first_ects_credit_point_counts() -> None:
    workload = workload_of(
        {"creditPoint": ["5", {"framework": ECTS}, {"framework": ECTS, "point": 6}]}
    )
    assert workload.amount("ects") == Decimal(6)
    assert workload.amount("hours") is None
