"""Evidence policies and what they let through: kinds, counts, sizes, types and content."""

from __future__ import annotations

from typing import Any

import pytest

from credstack.assessment import EvidenceItem, check_evidence, parse_policy, policy_to_json
from credstack.errors import InvalidInput

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PDF = b"%PDF-1.7\n" + b"x" * 32


def test_policy_reads_and_writes_back() -> None:
    data = {
        "text": False,
        "url": True,
        "fileTypes": ["application/pdf", "Image/PNG", "image/png"],
        "maxFileBytes": 1000,
        "maxItems": 3,
    }
    policy = parse_policy(data)
    assert policy.file_types == ("application/pdf", "image/png")
    assert policy.kinds == ("url", "file")
    assert parse_policy(policy_to_json(policy)) == policy
    assert parse_policy({}).kinds == ("text", "url")


@pytest.mark.parametrize(
    "data",
    [
        [],
        {"fileTypes": "application/pdf", "maxFileBytes": 10},
        {"fileTypes": ["pdf"], "maxFileBytes": 10},
        {"fileTypes": ["application/pdf"]},
        {"maxFileBytes": -1},
        {"maxItems": 0},
        {"maxItems": True},
        {"text": False, "url": False},
    ],
)
def test_bad_policies(data: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_policy(data)
    assert caught.value.code == "invalid_evidence_policy"


POLICY = parse_policy(
    {"fileTypes": ["application/pdf", "image/png", "text/plain"], "maxFileBytes": 100}
)


def file(content: bytes, media_type: str, name: str = "work") -> EvidenceItem:
    return EvidenceItem("file", name=name, media_type=media_type, content=content)


def test_good_evidence_passes() -> None:
    check_evidence(
        POLICY,
        [
            EvidenceItem("text", text="My essay."),
            EvidenceItem("url", url="https://example.org/repo"),
            file(PDF, "application/pdf"),
            file(PNG, "image/png"),
        ],
    )
    check_evidence(POLICY, [file("héllo".encode(), "text/plain")])


@pytest.mark.parametrize(
    ("items", "code"),
    [
        ([], "no_evidence"),
        ([EvidenceItem("text", text="x")] * 6, "too_much_evidence"),
        ([EvidenceItem("text", text=" ")], "invalid_evidence"),
        ([EvidenceItem("url", url="http://example.org")], "invalid_evidence"),
        ([file(PDF, "application/zip")], "file_type_not_allowed"),
        ([file(b"", "application/pdf")], "invalid_evidence"),
        ([file(PDF * 10, "application/pdf")], "file_too_large"),
        ([file(PDF, "application/pdf", name="../etc/passwd")], "invalid_evidence"),
        ([file(PNG, "application/pdf")], "file_content_mismatch"),
        ([file(b"\xff\xfe\x00", "text/plain")], "file_content_mismatch"),
    ],
)
def test_bad_evidence_is_refused(items: list[EvidenceItem], code: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_evidence(POLICY, items)
    assert caught.value.code == code


def test_kinds_the_policy_does_not_accept() -> None:
    files_only = parse_policy(
        {"text": False, "url": False, "fileTypes": ["application/pdf"], "maxFileBytes": 10}
    )
    with pytest.raises(InvalidInput, match="does not accept text evidence; it accepts file"):
        check_evidence(files_only, [EvidenceItem("text", text="hi")])
    no_files = parse_policy({})
    with pytest.raises(InvalidInput, match="does not accept file"):
        check_evidence(no_files, [file(PDF, "application/pdf")])
