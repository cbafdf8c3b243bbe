"""What `/` matches: a name, an address prefix, or an IP address.

A query that parses as an address or network matches by containment (`10.1.0.9` finds the
VNet `10.1.0.0/16` and the VM `10.1.0.9`; `10.1.0.0/24` finds VNets that overlap it); any
other text matches case-insensitively as a substring of names, prefixes and IPs.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=1 << 16)
def _network(text: str) -> Network | None:
    """Parsed once per distinct string: a filter is re-applied to every row per key."""
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None


class Query(NamedTuple):
    """A filter as typed, parsed once: its text, and a network when it is one."""

    text: str
    network: Network | None

    @classmethod
    def parse(cls, text: str) -> Query:
        text = text.strip()
        looks_like_address = any(c.isdigit() for c in text) and ("." in text or ":" in text)
        return cls(text.casefold(), _network(text) if looks_like_address else None)

    @property
    def empty(self) -> bool:
        return not self.text

    def matches(
        self,
        names: Iterable[str] = (),
        prefixes: Iterable[str] = (),
        ips: Iterable[str] = (),
    ) -> bool:
        if self.empty:
            return True
        prefixes, ips = list(prefixes), list(ips)
        if any(self.text in value.casefold() for value in (*names, *prefixes, *ips)):
            return True
        if self.network is None:
            return False
        for prefix in prefixes:
            net = _network(prefix)
            if net is not None and net.version == self.network.version and net.overlaps(
                self.network
            ):
                return True
        for ip in ips:
            net = _network(ip)
            # The same IP version is checked first, as subnet_of requires.
            if net is not None and net.version == self.network.version and net.subnet_of(
                self.network  # type: ignore[arg-type]
            ):
                return True
        return False
