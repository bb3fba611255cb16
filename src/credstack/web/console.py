"""The issuer console (``/console``) and staff sign-in (``/login``): its page routers, and
error pages in place of problem+json under its paths (``staff.install_error_pages``)."""

from __future__ import annotations

from fastapi import FastAPI

from credstack.web.routers import (
    console_achievements,
    console_admin,
    console_assessment_settings,
    console_assessments,
    console_audit,
    console_bulk,
    console_credentials,
    console_home,
    console_pathways,
    console_profile,
    sign_in,
)
from credstack.web.staff import install_error_pages

ROUTERS = (
    sign_in,
    console_home,
    console_achievements,
    console_assessment_settings,
    console_credentials,
    console_bulk,
    console_assessments,
    console_pathways,
    console_admin,
    console_profile,
    console_audit,
)


def install(app: FastAPI) -> None:
    """Include the console's routers; call after ``api.problems.install``."""
    for router in ROUTERS:
        app.include_router(router.router)
    install_error_pages(app)
