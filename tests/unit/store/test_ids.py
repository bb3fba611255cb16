"""Time-ordered ids: RFC 9562 version 7, each larger than the one before, and unique."""

from __future__ import annotations

import time
import uuid

from credstack.store.ids import time_ordered_id


def test_ids_are_version_7_plain_uuids_that_grow_with_time() -> None:
    first = time_ordered_id()
    time.sleep(0.002)
    ids = [time_ordered_id() for _ in range(10_000)]
    assert type(first) is uuid.UUID
    assert {i.version for i in ids} == {7}
    assert {i.variant for i in ids} == {uuid.RFC_4122}
    assert ids == sorted(ids)  # in the order made, within the same millisecond too
    assert len(set(ids)) == len(ids)
    assert first < ids[0]
    # The first 48 bits are the Unix time in milliseconds.
    assert abs((ids[0].int >> 80) - time.time() * 1000) < 60_000
    # As text too: the hex strings a SQLite index holds sort the same way.
    assert [str(i) for i in ids] == sorted(str(i) for i in ids)
