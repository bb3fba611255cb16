"""Status lists remembered across verifications (``VerifiedLists``): verified once per content,
the validity window read again on every use, any change checked afresh."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from credstack.proofs.resolver import KeyResolver, StaticFetcher, VerificationMethod
from credstack.status.credential import status_list_entry
from credstack.verify.list_cache import VerifiedLists
from credstack.verify.report import VerificationReport
from credstack.verify.status import CheckedList, StatusLists, check_status
from tests.unit.verify.test_status import KEY, LIST, NOW, credential, method, signed_list


class CountingResolver(KeyResolver):
    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def resolve(self, vm_id: str, *, purpose: str | None = None) -> VerificationMethod:
        self.calls += 1
        return super().resolve(vm_id, purpose=purpose)


def status_of(
    document: dict[str, Any],
    served: dict[str, Any],
    cache: VerifiedLists[CheckedList],
    resolver: KeyResolver,
    now: datetime = NOW,
) -> list[tuple[str, str]]:
    report = VerificationReport()
    lists = StatusLists(StaticFetcher({LIST: served}), resolver, now, cache)
    check_status(document, report, lists, signers=[method(KEY)])
    return [(c.outcome, c.code) for c in report.check("status")]


def test_a_list_is_verified_once_then_read_from_the_cache() -> None:
    cache: VerifiedLists[CheckedList] = VerifiedLists()
    resolver = CountingResolver()
    revoked = credential(status_list_entry(LIST, 3))
    active = credential(status_list_entry(LIST, 4))
    served = signed_list([3])
    assert status_of(revoked, served, cache, resolver) == [("failed", "revoked")]
    assert status_of(active, served, cache, resolver) == [("passed", "ok")]
    assert resolver.calls == 1  # the second verification did not check the signature again


def test_a_changed_list_is_checked_afresh() -> None:
    cache: VerifiedLists[CheckedList] = VerifiedLists()
    resolver = CountingResolver()
    document = credential(status_list_entry(LIST, 4))
    assert status_of(document, signed_list([3]), cache, resolver) == [("passed", "ok")]
    assert status_of(document, signed_list([3, 4]), cache, resolver) == [("failed", "revoked")]
    tampered = signed_list([3])
    tampered["credentialSubject"]["encodedList"] = signed_list([3, 4])["credentialSubject"][
        "encodedList"
    ]
    assert status_of(document, tampered, cache, resolver) == [("failed", "status_list_unverified")]
    assert resolver.calls == 3


def test_the_window_is_read_on_every_use() -> None:
    cache: VerifiedLists[CheckedList] = VerifiedLists()
    served = signed_list([], validUntil="2026-06-01T00:00:00Z")
    document = credential(status_list_entry(LIST, 4))
    resolver = CountingResolver()
    assert status_of(document, served, cache, resolver) == [("passed", "ok")]
    later = datetime(2026, 7, 1, tzinfo=UTC)
    assert status_of(document, served, cache, resolver, later) == [
        ("failed", "status_list_expired")
    ]
    assert resolver.calls == 1  # expired, as remembered: not verified again


def test_lists_with_expiring_proofs_or_no_json_form_are_not_cached() -> None:
    cache: VerifiedLists[CheckedList] = VerifiedLists()
    assert cache.key(LIST, {"proof": {"expires": "2030-01-01T00:00:00Z"}}) is None
    assert cache.key(LIST, {"proof": [{"expires": "2030-01-01T00:00:00Z"}]}) is None
    assert cache.key(LIST, {"n": float("nan")}) is None
    assert cache.key(LIST, {"a": 1}) != cache.key(LIST, {"a": 2})


def test_the_cache_is_bounded_and_keeps_the_recently_used() -> None:
    cache: VerifiedLists[str] = VerifiedLists(maxsize=2)
    one, two, three = ((f"u{i}", bytes([i])) for i in range(3))
    cache.put(one, "one")
    cache.put(two, "two")
    assert cache.get(one) == "one"  # one is now the most recently used
    cache.put(three, "three")
    assert (cache.get(one), cache.get(two), cache.get(three)) == ("one", None, "three")
