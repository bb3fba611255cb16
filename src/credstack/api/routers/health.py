"""``GET /health``: the process answers (for load balancers and ``credstack serve`` tests)."""

from __future__ import annotations

from fastapi import APIRouter

from credstack.api.schemas import HealthPublic

router = APIRouter(tags=["health"])


@router.get("/health")
def health() -> HealthPublic:
    return HealthPublic()
