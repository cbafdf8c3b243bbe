"""The fast prefix parsers agree with ipaddress on every spelling, good or bad."""

from __future__ import annotations

import ipaddress

from hypothesis import example, given
from hypothesis import strategies as st

from tui import cidr


def _v6(value: int, length: int, exploded: bool) -> str:
    address = ipaddress.IPv6Address(value)
    return f"{address.exploded if exploded else address}/{length}"


ODD = st.text(alphabet="0123456789abcdefABCDEF.:/; _+x%", max_size=24)
DIGITS = st.text(alphabet="0123456789", max_size=4)
DOTTED = st.builds("{}.{}.{}.{}/{}".format, DIGITS, DIGITS, DIGITS, DIGITS, DIGITS)
WELL_FORMED = st.one_of(
    st.tuples(st.integers(0, 2**32 - 1), st.integers(0, 32)).map(
        lambda t: f"{ipaddress.IPv4Address(t[0])}/{t[1]}"
    ),
    st.builds(_v6, st.integers(0, 2**128 - 1), st.integers(0, 128), st.booleans()),
)


def _expected(text: str) -> tuple[int, int] | None:
    if "/" not in text:
        return None
    try:
        net = ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None
    start = int(net.network_address) + (1 << 32 if net.version == 6 else 0)
    return (start << 8) | net.prefixlen, start + net.num_addresses - 1


@given(st.lists(st.one_of(WELL_FORMED, DOTTED, ODD), max_size=12))
@example(["010.0.0.0/8", "10.0.0.0/08", "10.0.0.0/255.0.0.0", "1.2.3.4/33", "256.0.0.0/8"])
@example(["::ffff:10.0.0.0/104", "FD00:0000::/48", "fd00::1::/64", "fd00:12345::/32", "::/0"])
@example(["10.0", "0.0/8.1.2.3.4/9", "10.0.0.0/8;1.2.3.4/9", "1.2.3.4 /9", "+1.2.3.4/9"])
@example(["10..0.0/8", "10.0.0.0/", "/8", "..../", "1.2.3.4/5/6", "1_0.0.0.0/8"])
def test_bulk_and_single_parsing_match_ipaddress(texts: list[str]) -> None:
    cidr.clear_cache()
    assert cidr._keys_of(texts) == [_expected(t) for t in texts]
    for text in texts:
        span = cidr._span(text)
        expected = _expected(text)
        assert (span and ((span[0] << 8) | span[2], span[1])) == expected
