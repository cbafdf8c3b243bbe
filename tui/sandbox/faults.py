"""The fault profile: latency, throttling, errors, dropped connections, hung requests,
forbidden subscriptions and failing writes, so clients can be tested against a misbehaving cloud.

Set by the `faults=` argument of `SandboxTransport` or, when that is absent, by the JSON
object in `$VNETTUI_SANDBOX_FAULTS`. Every key is optional.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from typing import Any, NamedTuple

ENV = "VNETTUI_SANDBOX_FAULTS"
MAX_GRAPH_LAG_SECONDS = 3600.0  # store.HISTORY_SECONDS keeps that much history


class FaultProfile(NamedTuple):
    """The faults the sandbox plays (`VNETTUI_SANDBOX_FAULTS`).

    A named tuple, not a frozen dataclass: every sandbox transport imports it, and making
    a frozen dataclass of this size compiles its methods from source (~1 ms).
    """

    latency_ms: float = 0.0  # added to every request
    # Added to requests whose path contains one of `slow_paths`: one side of a two-sided
    # write answers later than the other, as on a real cloud (the fault suite kills `peer`
    # between the two answers).
    slow_paths: tuple[str, ...] = ()
    slow_ms: float = 0.0
    throttle_every: int = 0  # every Nth request answers 429 with Retry-After: 1
    error_every: int = 0  # every Nth request answers `error_status`
    error_status: int = 503
    drop_every: int = 0  # every Nth request fails as a dropped connection
    # Every Nth request gets no answer: after `hang_seconds` it fails as the SDK's own
    # transport fails when its read timeout expires (ServiceResponseTimeoutError).
    hang_every: int = 0
    hang_seconds: float = 2.0
    forbidden_subscriptions: tuple[str, ...] = ()  # ids or display names -> 403
    fail_writes: tuple[str, ...] = ()  # id substrings whose PUT/DELETE operation ends Failed
    fail_deletes: tuple[str, ...] = ()  # id substrings whose DELETE (only) ends Failed
    operation_seconds: float = 1.0  # how long a write stays in progress
    graph_quota: int = 15  # Resource Graph queries allowed per window (then 429)
    graph_quota_seconds: float = 5.0  # the quota's window
    graph_lag_seconds: float = 0.0  # how far Resource Graph's index trails ARM
    # The largest Resource Graph answer, in bytes (Azure's 16 MiB; a larger page is refused
    # with ResponsePayloadTooLarge).
    graph_max_payload: int = 16 * 2**20

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> FaultProfile:
        known = set(cls._fields)
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(
                f"unknown fault profile key(s) {', '.join(unknown)}; "
                f"known: {', '.join(sorted(known))}"
            )
        values: dict[str, Any] = {}
        for name, value in data.items():
            if name in ("forbidden_subscriptions", "fail_writes", "fail_deletes", "slow_paths"):
                if isinstance(value, str):
                    value = [value]
                if not isinstance(value, list | tuple) or not all(
                    isinstance(v, str) for v in value
                ):
                    raise ValueError(f"fault profile {name} must be a list of strings")
                values[name] = tuple(value)
            elif name in ("latency_ms", "operation_seconds", "graph_quota_seconds",
                          "graph_lag_seconds", "hang_seconds", "slow_ms"):
                if isinstance(value, bool) or not isinstance(value, int | float) or not (
                    0 <= value < math.inf
                ):
                    raise ValueError(f"fault profile {name} must be a number >= 0")
                values[name] = float(value)
            else:
                if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                    raise ValueError(f"fault profile {name} must be a whole number >= 0")
                values[name] = value
        if "error_status" in values and not 400 <= values["error_status"] <= 599:
            raise ValueError("fault profile error_status must be an HTTP error status")
        if values.get("graph_quota", 1) < 1:
            raise ValueError("fault profile graph_quota must be a whole number >= 1")
        if values.get("graph_max_payload", 1024) < 1024:
            raise ValueError("fault profile graph_max_payload must be a whole number >= 1024")
        if values.get("graph_quota_seconds", 1.0) <= 0:
            raise ValueError("fault profile graph_quota_seconds must be a number > 0")
        if values.get("graph_lag_seconds", 0.0) > MAX_GRAPH_LAG_SECONDS:
            raise ValueError(f"fault profile graph_lag_seconds must be at most "
                             f"{MAX_GRAPH_LAG_SECONDS:.0f}")
        return cls(**values)

    @classmethod
    def from_env(cls) -> FaultProfile:
        text = os.environ.get(ENV, "").strip()
        if not text:
            return cls()
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise ValueError(f"${ENV} is not valid JSON: {error}") from None
        if not isinstance(data, dict):
            raise ValueError(f"${ENV} must be a JSON object")
        return cls.from_mapping(data)

    @classmethod
    def resolve(cls, faults: FaultProfile | Mapping[str, Any] | None) -> FaultProfile:
        """The argument when given (tests stay independent of the shell), else the env."""
        if faults is None:
            return cls.from_env()
        if isinstance(faults, FaultProfile):
            return faults
        return cls.from_mapping(faults)

    def delay_of(self, path: str) -> float:
        """Seconds to wait before answering a request for `path`."""
        extra = self.slow_ms if any(s and s.lower() in path.lower() for s in self.slow_paths) \
            else 0.0
        return (self.latency_ms + extra) / 1000

    def fails_write(self, resource_id: str, *, delete: bool = False) -> bool:
        """Whether the profile fails this write (a DELETE also by `fail_deletes`, so a
        rollback can fail after the PUT it undoes went through)."""
        lowered = resource_id.lower()
        wanted = self.fail_writes + self.fail_deletes if delete else self.fail_writes
        return any(s.lower() in lowered for s in wanted if s)
