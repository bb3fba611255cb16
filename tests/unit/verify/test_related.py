"""relatedResource digests (VC Data Model 2.0 section 5.3)."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import base58
import pytest

from credstack.errors import ResolutionError
from credstack.jsonld.loader import context_bytes
from credstack.verify.related import check_related_resources
from credstack.verify.report import VerificationReport

V2 = "https://www.w3.org/ns/credentials/v2"
IMAGE = "https://example.org/badge.png"
IMAGE_BYTES = b"\x89PNG not really"


class Fetcher:
    """A port fake: serves fixed bytes, fails for anything else."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files
        self.calls: list[str] = []

    def fetch_bytes(self, url: str) -> bytes:
        self.calls.append(url)
        if url not in self.files:
            raise ResolutionError(f"{url} is not reachable", code="unreachable")
        return self.files[url]


def sri(data: bytes, algorithm: str = "sha384") -> str:
    return f"{algorithm}-" + base64.b64encode(hashlib.new(algorithm, data).digest()).decode()


def multibase_sha256(data: bytes) -> str:
    return "z" + base58.b58encode(bytes([0x12, 0x20]) + hashlib.sha256(data).digest()).decode()


def run(entries: Any, fetcher: Fetcher | None = None) -> VerificationReport:
    report = VerificationReport()
    check_related_resources({"relatedResource": entries}, report, fetcher)
    return report


def test_matching_digests_of_a_bundled_context_pass_silently() -> None:
    data = context_bytes(V2)
    report = run([{"id": V2, "digestSRI": sri(data), "digestMultibase": multibase_sha256(data)}])
    assert report.checks == []


@pytest.mark.parametrize("algorithm", ["sha256", "sha384", "sha512"])
def test_each_sri_algorithm(algorithm: str) -> None:
    assert run([{"id": V2, "digestSRI": sri(context_bytes(V2), algorithm)}]).checks == []


def test_a_changed_resource_fails() -> None:
    report = run([{"id": V2, "digestSRI": sri(b"something else")}])
    assert [c.code for c in report.failures] == ["related_resource_digest_mismatch"]


def test_one_wrong_digest_of_two_fails() -> None:
    data = context_bytes(V2)
    entry = {"id": V2, "digestSRI": sri(data), "digestMultibase": multibase_sha256(b"x")}
    assert [c.code for c in run([entry]).failures] == ["related_resource_digest_mismatch"]


def test_a_repeated_id_fails() -> None:
    data = context_bytes(V2)
    entry = {"id": V2, "digestSRI": sri(data)}
    assert [c.code for c in run([entry, dict(entry)]).failures] == ["duplicate_related_resource"]


@pytest.mark.parametrize(
    "entry",
    [
        {"digestSRI": "sha384-AAAA"},
        {"id": V2},
        {"id": V2, "digestSRI": "md5-AAAA"},
        {"id": V2, "digestSRI": "sha384-not base64!"},
        {"id": V2, "digestMultibase": "z1111"},
    ],
)
def test_unreadable_entries_fail(entry: dict[str, str]) -> None:
    assert [c.code for c in run([entry]).failures] == ["invalid_related_resource"]


def test_other_resources_go_through_the_fetcher() -> None:
    fetcher = Fetcher({IMAGE: IMAGE_BYTES})
    assert run({"id": IMAGE, "digestSRI": sri(IMAGE_BYTES)}, fetcher).checks == []
    assert fetcher.calls == [IMAGE]
    changed = run({"id": IMAGE, "digestSRI": sri(b"old")}, fetcher)
    assert [c.code for c in changed.failures] == ["related_resource_digest_mismatch"]


def test_an_unreachable_resource_fails_and_no_fetcher_only_warns() -> None:
    missing = run({"id": "https://example.org/gone", "digestSRI": sri(b"")}, Fetcher({}))
    assert [c.code for c in missing.failures] == ["related_resource_unavailable"]
    offline = run({"id": IMAGE, "digestSRI": sri(IMAGE_BYTES)})
    assert [c.code for c in offline.warnings] == ["related_resource_unchecked"]
    assert offline.valid


def test_a_multihash_of_the_wrong_length_is_unreadable() -> None:
    data = context_bytes(V2)
    short = (
        "z" + base58.b58encode(bytes([0x12, 0x10]) + hashlib.sha256(data).digest()[:16]).decode()
    )
    assert [c.code for c in run([{"id": V2, "digestMultibase": short}]).failures] == [
        "invalid_related_resource"
    ]


def test_a_digest_that_is_not_a_string_is_unreadable() -> None:
    assert [c.code for c in run([{"id": V2, "digestSRI": 42}]).failures] == [
        "invalid_related_resource"
    ]
