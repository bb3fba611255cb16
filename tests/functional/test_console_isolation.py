"""The console's tenant isolation, on SQLite and PostgreSQL: every console form that names
something (an achievement, a credential, a submission, a pathway, a member, a key, a token, an
organisation), posted by the owner of another organisation with a valid session and CSRF token,
is refused (403 or 404) and changes nothing stored.

The API's matrix (test_api_isolation.py) is about API tokens; console forms take a session
instead, and are listed here. ``test_every_console_form_is_listed`` keeps the list whole.
"""

from __future__ import annotations

import base64
import zlib
from collections.abc import Callable
from typing import Any, Final

from credstack.bootstrap import Platform
from tests.functional.console import browser, csrf, make_member, sign_in
from tests.functional.test_api_isolation import CONSOLE_PATHS, World, mutating_routes, snapshot

# The world fixture, re-exported so that pytest finds it in this module.
from tests.functional.test_api_isolation import world as world

Form = dict[str, Any]
# As the preview packs the file for "Start issuing": compressed, then base64.
CSV = base64.b64encode(zlib.compress(b"recipient\nz@x.org\n")).decode()
# (method, path) -> the forms that name the target organisation's things.
MATRIX: Final[dict[tuple[str, str], Callable[[World], list[tuple[str, Form]]]]] = {
    ("POST", "/console/organization"): lambda w: [
        ("/console/organization", {"organization": w.slug})
    ],
    ("POST", "/console/achievements/{achievement_id}"): lambda w: [
        (
            f"/console/achievements/{w.draft}",
            {"name": "Taken", "description": "x", "criteria": "x", "action": action},
        )
        for action in ("save", "publish", "archive", "check")
    ],
    ("POST", "/console/achievements/{achievement_id}/checklist"): lambda w: [
        (f"/console/achievements/{w.draft}/checklist", {"name": "Taken", "ects": "5"})
    ],
    ("POST", "/console/achievements/{achievement_id}/assessment"): lambda w: [
        (
            f"/console/achievements/{w.achievement}/assessment",
            {
                "prompt": "Taken.",
                "c0_name": "C",
                "c0_l0_name": "OK",
                "c0_l0_points": "1",
                "pass_threshold": "1",
                "evidence_text": "on",
                "action": action,
            },
        )
        for action in ("save", "more")
    ],
    ("POST", "/console/issue"): lambda w: [
        ("/console/issue", {"achievement_id": w.achievement, "recipient": "z@x.org"})
    ],
    ("POST", "/console/credentials/{credential_id}/status"): lambda w: [
        (f"/console/credentials/{w.credential}/status", {"change": change, "reason": "x"})
        for change in ("revoke", "suspend", "unsuspend")
    ],
    ("POST", "/console/bulk/preview"): lambda w: [
        ("/console/bulk/preview", {"achievement_id": w.achievement})
    ],
    ("POST", "/console/bulk"): lambda w: [
        ("/console/bulk", {"achievement_id": w.achievement, "filename": "c.csv", "content": CSV})
    ],
    ("POST", "/console/assessments/{submission_id}"): lambda w: [
        (f"/console/assessments/{w.submission}", {"level:argument": "strong"})
    ],
    ("POST", "/console/pathways/{pathway_id}"): lambda w: [
        (f"/console/pathways/{w.pathway}", {"action": "archive"}),
        (
            f"/console/pathways/{w.pathway}",
            {"name": "Taken", "achievement_id": w.achievement, "requirements": "{}"},
        ),
    ],
    ("POST", "/console/pathways/{pathway_id}/awards/{award_id}"): lambda w: [
        (f"/console/pathways/{w.review_pathway}/awards/{w.review_award}", {"decision": decision})
        for decision in ("keep", "revoke")
    ],
    ("POST", "/console/staff/{user_id}"): lambda w: [
        (f"/console/staff/{w.member}", {"change": "role", "role": "assessor"}),
        (f"/console/staff/{w.member}", {"change": "remove"}),
    ],
    ("POST", "/console/keys"): lambda w: [
        ("/console/keys", {"change": "retire", "key_id": w.p256_key})
    ],
    ("POST", "/console/tokens/{token_id}/revoke"): lambda w: [
        (f"/console/tokens/{w.token}/revoke", {})
    ],
}
# Console forms that name nothing of any organisation: they act in the signed-in one only.
OWN_ONLY: Final = {
    ("POST", "/login"): "signs in: no organisation yet (test_console_sign_in.py)",
    ("POST", "/logout"): "ends the caller's own session",
    ("POST", "/console/achievements/new"): "creates in the signed-in organisation",
    ("POST", "/console/achievements/new/checklist"): "computes the EU checklist of the posted "
    "fields against the signed-in organisation's profile; stores nothing",
    ("POST", "/console/pathways/new"): "creates in the signed-in organisation; a foreign "
    "achievement in its tree is refused by PathwayService (test_api_pathways.py)",
    ("POST", "/console/staff"): "adds a member to the signed-in organisation",
    ("POST", "/console/profile"): "edits the signed-in organisation's own profile",
    ("POST", "/console/tokens"): "creates a token of the signed-in organisation",
}


def test_every_console_form_is_listed() -> None:
    console = {route for route in mutating_routes() if route[1].startswith(CONSOLE_PATHS)}
    assert console == set(MATRIX) | set(OWN_ONLY)


def test_forms_naming_another_organisations_things_are_refused(
    api_platform: Platform, world: World
) -> None:
    # One world for every form (building one takes seconds); the failure names the form.
    owner = make_member(api_platform, world.other, "owner")
    with browser(api_platform) as stranger:
        assert sign_in(stranger, owner).status_code == 303
        token = csrf(stranger.get("/console"))
        before = snapshot(api_platform)
        for endpoint in sorted(MATRIX):
            for url, form in MATRIX[endpoint](world):
                files = {"file": ("c.csv", b"recipient\nz@x.org\n", "text/csv")}
                answer = stranger.post(
                    url,
                    data={**form, "csrf_token": token},
                    files=files if url.endswith("/preview") else None,
                    follow_redirects=False,
                )
                assert answer.status_code in (403, 404), (endpoint, form, answer.text)
                assert "text/html" in answer.headers["content-type"]
        assert snapshot(api_platform) == before
