"""Free-range search over merged intervals, and the checks on a request before any inventory
is read.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Literal

from tui.cidr.prefixes import _format, _parse_input
from tui.errors import InputError

RFC1918: tuple[str, ...] = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")


_MAX_COUNT = 10_000


def check_free_request(
    prefix_length: int,
    *,
    count: int = 5,
    within: str | Sequence[str] | None = None,
    peerable_with: str | None = None,
    avoid: Literal["all", "peering"] = "all",
) -> list[tuple[int, int, int]]:
    """Validate a free-range request before any inventory is read; the parsed ranges.

    Raises InputError with a message that says what is wrong (see `free_blocks`).
    """
    if isinstance(prefix_length, bool) or not isinstance(prefix_length, int) or not (
        0 <= prefix_length <= 32
    ):
        raise InputError(
            f"prefix length must be a whole number from 0 to 32, not {prefix_length!r}"
        )
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= _MAX_COUNT:
        raise InputError(f"count must be a whole number from 1 to {_MAX_COUNT}, not {count!r}")
    if avoid not in ("all", "peering"):
        raise InputError(f"avoid must be 'all' or 'peering', not {avoid!r}")
    if avoid == "peering" and peerable_with is None:
        raise InputError("avoid='peering' needs a VNet to peer with (peerable_with)")
    if within is None:
        texts = list(RFC1918)
    else:
        texts = [within] if isinstance(within, str) else list(within)
    if not texts:
        raise InputError("give at least one range to search within")
    containers = [_parse_input(t, ipv4_only=True) for t in texts]
    if all(c[2] > prefix_length for c in containers):
        names = ", ".join(_format(c[0], c[2]) for c in containers)
        raise InputError(f"a /{prefix_length} block does not fit in {names}")
    return containers


def _free_blocks(
    containers: list[tuple[int, int, int]],
    used: list[tuple[int, int]],
    prefix_length: int,
    count: int,
) -> tuple[str, ...]:
    fitting = [c for c in containers if c[2] <= prefix_length]  # others cannot hold one
    # Merge the containers (overlapping ranges must not yield a block twice).
    merged: list[list[int]] = []
    for start, end, _ in sorted(fitting):
        if merged and start <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    used_merged: list[list[int]] = []
    for start, end in sorted(used):
        if used_merged and start <= used_merged[-1][1] + 1:
            used_merged[-1][1] = max(used_merged[-1][1], end)
        else:
            used_merged.append([start, end])

    size = 1 << (32 - prefix_length)
    holes: list[tuple[int, int]] = []  # (block length, start) of maximal free aligned blocks
    i = 0
    for c_start, c_end in merged:
        while i < len(used_merged) and used_merged[i][1] < c_start:
            i += 1
        cursor, j = c_start, i
        while cursor <= c_end:
            if j < len(used_merged) and used_merged[j][0] <= c_end:
                gap_end = min(c_end, used_merged[j][0] - 1)
                next_cursor = used_merged[j][1] + 1
                j += 1
            else:
                gap_end, next_cursor = c_end, c_end + 1
            holes.extend(_aligned_blocks(cursor, gap_end, size))
            cursor = max(cursor, next_cursor)
    holes.sort(key=lambda h: (-h[0], h[1]))
    found: list[str] = []
    for length, start in holes:
        for block in range(start, start + (1 << (32 - length)), size):
            found.append(_format(block, prefix_length))
            if len(found) == count:
                return tuple(found)
    return tuple(found)


def _aligned_blocks(start: int, end: int, min_size: int) -> Iterator[tuple[int, int]]:
    """The maximal aligned blocks covering [start, end] that hold at least `min_size`."""
    while start <= end:
        size = start & -start if start else 1 << 32
        while start + size - 1 > end:
            size >>= 1
        if size >= min_size:
            yield 32 - size.bit_length() + 1, start
        start += size
