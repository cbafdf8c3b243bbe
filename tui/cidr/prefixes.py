"""CIDR text to integer intervals, fast and cached: every question below is asked of intervals."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable

from tui.errors import InputError

# IPv6 intervals are shifted past the IPv4 space so one sweep keeps the families apart.
_V6_OFFSET = 1 << 32


def _span(text: str) -> tuple[int, int, int] | None:
    """(start, end, prefix length) of a CIDR block, IPv6 shifted by _V6_OFFSET; None if bad.

    Host bits are masked off (Azure stores canonical prefixes; a stray one still has a
    well-defined block). The fast paths matter: ipaddress costs 6-15 µs a prefix; anything
    unusual (embedded IPv4 in IPv6, odd spacing) goes to ipaddress, which has the last word.
    """
    if not text.isascii():
        return None
    if ":" in text:
        v6 = _v6_span(text)
        if v6 is not None:
            return v6
    parts = text.replace("/", ".").split(".")
    if (
        len(parts) == 5
        and "".join(parts).isdigit()
        and all(p and (p[0] != "0" or p == "0") for p in parts)  # no "", no leading zeros
    ):
        a, b, c, d, length = map(int, parts)
        if a < 256 and b < 256 and c < 256 and d < 256 and length <= 32:
            size = 1 << (32 - length)
            start = ((a << 24) | (b << 16) | (c << 8) | d) & ~(size - 1)
            return start, start + size - 1, length
        return None
    try:
        net = ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None
    if "/" not in text:
        return None  # a bare address is not an address space
    start = int(net.network_address) + (_V6_OFFSET if net.version == 6 else 0)
    return start, start + net.num_addresses - 1, net.prefixlen


# Parsed prefixes by text, as (sort key, end): an inventory refresh re-analyses mostly
# the same strings. The sort key is (start << 8) | length: start first, larger block first.
_PARSED: dict[str, tuple[int, int]] = {}


_PARSED_LIMIT = 1 << 20


def clear_cache() -> None:
    """Forget parsed prefixes (benchmarks use it to time a cold start)."""
    _PARSED.clear()


def _keys_of(texts: list[str]) -> list[tuple[int, int] | None]:
    """(sort key, end) of every prefix, None for a bad one: cached, else parsed in bulk."""
    if len(_PARSED) > _PARSED_LIMIT:
        _PARSED.clear()
    found = list(map(_PARSED.get, texts))
    if None not in found:
        return found
    todo = list(dict.fromkeys(t for t, known in zip(texts, found, strict=True) if not known))
    quads = [t for t in todo if ":" not in t]
    parsed = dict(zip(quads, _quad_batch(quads), strict=True))
    rest = [t for t in todo if ":" in t]
    if None in parsed.values():
        rest += [t for t, key in parsed.items() if key is None]
    for text in rest:
        span = _span(text)
        parsed[text] = ((span[0] << 8) | span[2], span[1]) if span else None
    if None in parsed.values():
        parsed = {t: key for t, key in parsed.items() if key is not None}
    _PARSED.update(parsed)  # type: ignore[arg-type]
    return list(map(_PARSED.get, texts))


_LEADING_ZERO = re.compile(rb"(?:^|[./;])0[0-9]")


def _quad_batch(texts: list[str]) -> list[tuple[int, int] | None]:
    """Parse `a.b.c.d/n` prefixes together: a few whole-batch checks, one split, one int() map.

    Joined with `;` (which no valid prefix holds, and the count proves none does), the
    batch with its digits deleted must read `.../;.../;...`: then every text is four
    numbers and a length, and the split parts line up five per prefix. If any text is odd
    (a sign, a space, a leading zero, an octet over 255), the whole batch is refused and
    the caller parses one by one.
    """
    if not texts:
        return []
    refused: list[tuple[int, int] | None] = [None] * len(texts)
    joined = ";".join(texts)
    if not joined.isascii() or joined.count(";") != len(texts) - 1:
        return refused
    raw = joined.encode("ascii")
    if raw.translate(None, b"0123456789") != b";".join([b".../"] * len(texts)):
        return refused
    parts = joined.replace("/", ".").replace(";", ".").split(".")
    if "" in parts or _LEADING_ZERO.search(raw):
        return refused
    numbers = list(map(int, parts))
    a, b, c, d, lengths = (numbers[i::5] for i in range(5))
    if max(max(a), max(b), max(c), max(d)) > 255 or max(lengths) > 32:
        return refused
    sizes = [1 << (32 - n) for n in lengths]
    starts = [
        ((w << 24) | (x << 16) | (y << 8) | z) & -size
        for w, x, y, z, size in zip(a, b, c, d, sizes, strict=True)
    ]
    keys = [(start << 8) | n for start, n in zip(starts, lengths, strict=True)]
    ends = [start + size - 1 for start, size in zip(starts, sizes, strict=True)]
    return list(zip(keys, ends, strict=True))


_HEX = frozenset("0123456789abcdefABCDEF")


def _v6_span(text: str) -> tuple[int, int, int] | None:
    """The common IPv6 spelling (hex groups, at most one `::`, `/len`); None to fall back."""
    address, slash, length_text = text.partition("/")
    if not slash or not length_text.isdigit() or len(length_text) > 3:
        return None
    head, gap, tail = address.partition("::")
    groups = head.split(":") if head else []
    later = tail.split(":") if tail else []
    missing = 8 - len(groups) - len(later)
    if (missing < 1 if gap else missing != 0) or "" in groups or "" in later:
        return None
    filled = [g.zfill(4) for g in groups] + ["0000"] * missing + [g.zfill(4) for g in later]
    digits = "".join(filled)
    length = int(length_text)
    if len(digits) != 32 or not _HEX.issuperset(digits) or length > 128:
        return None
    size = 1 << (128 - length)
    start = (int(digits, 16) & -size) + _V6_OFFSET
    return start, start + size - 1, length


def _format(start: int, length: int) -> str:
    if start >= _V6_OFFSET:
        return str(ipaddress.IPv6Network((start - _V6_OFFSET, length)))
    return f"{start >> 24}.{(start >> 16) & 255}.{(start >> 8) & 255}.{start & 255}/{length}"


def _sorted_prefixes(prefixes: Iterable[str]) -> tuple[str, ...]:
    def key(text: str) -> tuple[int, int]:
        span = _span(text)
        return (span[0], span[2]) if span else (-1, 0)

    return tuple(sorted(prefixes, key=key))


def _parse_input(text: str, *, ipv4_only: bool = False) -> tuple[int, int, int]:
    """A CIDR typed by a person: strict, with a message that says what is wrong."""
    if not isinstance(text, str) or not text.strip():
        raise InputError(f"not a CIDR range: {text!r} (expected something like 10.0.0.0/16)")
    cleaned = text.strip()
    try:
        net = ipaddress.ip_network(cleaned, strict=False)
    except ValueError:
        raise InputError(
            f"not a CIDR range: {cleaned!r} (expected something like 10.0.0.0/16)"
        ) from None
    if "/" not in cleaned:
        raise InputError(f"{cleaned!r} is an address, not a range: add a prefix length, "
                         f"e.g. {cleaned}/16")
    if ipv4_only and net.version == 6:
        raise InputError(f"{cleaned} is IPv6: free-range search covers IPv4 address spaces only")
    if ipaddress.ip_interface(cleaned).ip != net.network_address:
        raise InputError(f"{cleaned} has host bits set: did you mean {net}?")
    span = _span(str(net))
    assert span is not None
    return span
