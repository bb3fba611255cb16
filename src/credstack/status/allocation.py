"""Choosing the status list index of a new credential.

Bitstring Status List v1.0, section 2.1 (``statusListIndex``): "Implementations SHOULD assign
indexes randomly, such that inferences — such as the recency of the assignment or the size of
the group — cannot be easily drawn from that position" (also section 6.5, Decoy Values). So an
index is drawn uniformly from the free ones, with a cryptographic generator by default.

Random draws find a free index quickly while the list has room. When many draws in a row hit
used indexes (the list is nearly full), one scan over the list picks uniformly among the free
indexes that remain, so a full list is reported instead of retried forever.

>>> index = allocate({0, 1, 2}, 4)
>>> index
3
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Collection
from random import Random

from credstack.errors import Conflict, InvalidInput

# Draws before the scan: with a tenth of the list free, 32 draws all miss 3% of the time.
DEFAULT_ATTEMPTS = 32

UsedIndexes = Collection[int] | Callable[[int], bool]
"""The indexes already taken: a collection, or a test ``is_used(index)`` (a database lookup)."""


def allocate(
    used: UsedIndexes,
    length: int,
    rng: Random | None = None,
    *,
    attempts: int = DEFAULT_ATTEMPTS,
) -> int:
    """A uniformly random index in ``range(length)`` that ``used`` does not hold.

    ``length`` counts entries (bits divided by ``statusSize``). Raises ``Conflict`` with code
    ``status_list_full`` when every index is taken; the caller then starts a new list.
    ``rng`` defaults to ``secrets.SystemRandom()``.
    """
    if isinstance(length, bool) or not isinstance(length, int) or length < 1:
        raise InvalidInput(
            f"A status list length is a positive number of entries; {length!r} is not.",
            code="invalid_status_list_length",
        )
    generator = rng if rng is not None else secrets.SystemRandom()
    if callable(used):
        is_used = used
    else:
        taken = used
        is_used = taken.__contains__
        # A collection can say at once that nothing is left.
        if len(taken) >= length and all(0 <= i < length for i in taken):
            raise _full(length)
    for _ in range(attempts):
        candidate = generator.randrange(length)
        if not is_used(candidate):
            return candidate
    return _scan(is_used, length, generator)


def _scan(is_used: Callable[[int], bool], length: int, generator: Random) -> int:
    """Reservoir sampling (one pass, constant memory): each free index is equally likely."""
    chosen: int | None = None
    free = 0
    for index in range(length):
        if not is_used(index):
            free += 1
            if generator.randrange(free) == 0:
                chosen = index
    if chosen is None:
        raise _full(length)
    return chosen


def _full(length: int) -> Conflict:
    return Conflict(
        f"Every one of the {length} indexes of this status list is in use; start a new list.",
        code="status_list_full",
    )
