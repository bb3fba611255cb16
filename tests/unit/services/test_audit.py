"""What the audit log shows of an entry's detail: never a secret."""

from __future__ import annotations

from credstack.services.audit import HIDDEN, public_detail


def test_secret_names_are_hidden_at_any_depth() -> None:
    shown = public_detail(
        {
            "secret": "whsec_x",
            "clientSecret": "s",
            "token": "cst_x",
            "nested": {"password": "p", "role": "issuer"},
            "list": [{"private_key": "k"}],
        }
    )
    assert shown == {
        "secret": HIDDEN,
        "clientSecret": HIDDEN,
        "token": HIDDEN,
        "nested": {"password": HIDDEN, "role": "issuer"},
        "list": [{"private_key": HIDDEN}],
    }


def test_urls_lose_credentials_query_and_fragment() -> None:
    shown = public_detail(
        {
            "credential": "https://user:pw@badges.example/credentials/1?sig=abc#frag",
            "url": "http://hooks.example:8443/services/T/B/secret",
            "reason": "see https://x.example/a?b=c",  # text, not a URL: kept as written
        }
    )
    assert shown["credential"] == "https://badges.example/credentials/1"
    assert shown["url"] == "http://hooks.example:8443/…"
    assert shown["reason"] == "see https://x.example/a?b=c"


def test_other_values_are_kept() -> None:
    detail = {"fields": ["name", "url"], "rows": 3, "ok": True, "none": None}
    assert public_detail(detail) == detail
