"""Small server-rendered pages for people: an issuer's profile and an achievement.

Every value is escaped; links are only written for http(s) URLs, which the services checked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from html import escape
from typing import Any
from urllib.parse import quote

_HEAD = (
    "<!doctype html><html lang=en><meta charset=utf-8>"
    "<meta name=viewport content='width=device-width, initial-scale=1'>"
)


def _link(url: str, text: str | None = None) -> str:
    if not url.startswith(("https://", "http://")):
        return escape(text or url)
    return f'<a href="{escape(url)}" rel="nofollow">{escape(text or url)}</a>'


def _rows(rows: Iterable[tuple[str, str]]) -> str:
    cells = "".join(f"<tr><th>{escape(label)}</th><td>{value}</td></tr>" for label, value in rows)
    return f"<table>{cells}</table>" if cells else ""


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def profile_page(profile: Mapping[str, Any], slug: str) -> str:
    """The issuer Profile (as ``profiles.public_profile`` makes it) as a page."""
    name = escape(_text(profile.get("name")))
    rows: list[tuple[str, str]] = [("Issuer id (DID)", f"<code>{escape(profile['id'])}</code>")]
    if url := _text(profile.get("url")):
        rows.append(("Web site", _link(url)))
    if email := _text(profile.get("email")):
        rows.append(("Contact", escape(email)))
    address = profile.get("address")
    if isinstance(address, Mapping):
        parts = [
            _text(address.get(key))
            for key in (
                "streetAddress",
                "postalCode",
                "addressLocality",
                "addressRegion",
                "addressCountry",
            )
        ]
        rows.append(("Address", escape(", ".join(part for part in parts if part))))
    for statement in profile.get("qualityAssurance", []):
        title = escape(_text(statement.get("title")))
        homepage = _text(statement.get("homepage"))
        rows.append(("Quality assurance", f"{title} {_link(homepage) if homepage else ''}"))
    image = profile.get("image")
    logo = ""
    if isinstance(image, Mapping) and _text(image.get("id")).startswith("https://"):
        logo = f'<img src="{escape(image["id"])}" alt="" width=96>'
    description = escape(_text(profile.get("description")))
    did_document = f"/orgs/{escape(slug)}/did.json"
    return (
        f"{_HEAD}<title>{name}</title>{logo}<h1>{name}</h1><p>{description}</p>"
        f"{_rows(rows)}<p>Credentials signed by this issuer verify against its "
        f'<a href="{did_document}">DID document</a>.</p>'
    )


def achievement_page(achievement: Mapping[str, Any]) -> str:
    """An OB 3.0 Achievement (its JSON) as a page."""
    name = escape(_text(achievement.get("name")))
    rows: list[tuple[str, str]] = []
    kind = _text(achievement.get("achievementType"))
    if kind:
        rows.append(("Type", escape(kind)))
    criteria = achievement.get("criteria")
    if isinstance(criteria, Mapping):
        if narrative := _text(criteria.get("narrative")):
            rows.append(("Criteria", escape(narrative)))
        if criteria_id := _text(criteria.get("id")):
            rows.append(("Criteria page", _link(criteria_id)))
    creator = achievement.get("creator")
    if isinstance(creator, Mapping) and (creator_name := _text(creator.get("name"))):
        rows.append(("Issuer", escape(creator_name)))
    credits_available = achievement.get("creditsAvailable")
    if isinstance(credits_available, int | float):
        rows.append(("Credits", escape(str(credits_available))))
    skills = [
        _link(_text(a.get("targetUrl")), _text(a.get("targetName")))
        for a in achievement.get("alignment", [])
        if isinstance(a, Mapping)
    ]
    if skills:
        rows.append(("Aligned to", ", ".join(skills)))
    return (
        f"{_HEAD}<title>{name}</title><h1>{name}</h1>"
        f"<p>{escape(_text(achievement.get('description')))}</p>{_rows(rows)}"
        f"<p><code>{escape(_text(achievement.get('id')))}</code></p>"
    )


def wants_html(accept: str) -> bool:
    """True when the client asks for a page rather than JSON (a browser's Accept header)."""
    machine = ("application/json", "application/ld+json")
    return "text/html" in accept and not any(kind in accept for kind in machine)


def share_page(
    credentials: Iterable[Mapping[str, Any]], *, label: str | None, base_path: str, base_url: str
) -> str:
    """A public share: each credential's achievement, issuer and dates, and a link to the
    credential exactly as issued (``{base_path}/credentials/{n}``)."""
    title = escape(label or "Shared credentials")
    sections = []
    for index, document in enumerate(credentials):
        subject = document.get("credentialSubject")
        achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
        achievement = achievement if isinstance(achievement, Mapping) else {}
        issuer = document.get("issuer")
        issuer_name = (
            _text(issuer.get("name")) or _text(issuer.get("id"))
            if isinstance(issuer, Mapping)
            else _text(issuer)
        )
        rows = [
            ("Issuer", escape(issuer_name)),
            ("Valid from", escape(_text(document.get("validFrom")))),
        ]
        if until := _text(document.get("validUntil")):
            rows.append(("Valid until", escape(until)))
        if credential_id := _text(document.get("id")):
            rows.append(("Credential id", f"<code>{escape(credential_id)}</code>"))
        name = escape(_text(achievement.get("name")) or "Credential")
        sections.append(
            f"<section><h2>{name}</h2><p>{escape(_text(achievement.get('description')))}</p>"
            f'{_rows(rows)}<p><a href="{escape(base_path)}/credentials/{index}">'
            "The credential as issued</a>, to check with any verifier, or "
            f'<a href="/verify?url={quote(f"{base_url}{base_path}/credentials/{index}", safe="")}">'
            "verify it here</a>.</p></section>"
        )
    return f"{_HEAD}<title>{title}</title><h1>{title}</h1>{''.join(sections)}"
