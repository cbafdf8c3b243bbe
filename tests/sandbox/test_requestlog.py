"""The request log and `vnettui sandbox stats`: what a command sent, counted per kind."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from azure.core.exceptions import HttpResponseError, ServiceResponseError

from tests.sandbox.conftest import network_client
from tui.cli import main
from tui.sandbox.requestlog import path_kind, read


@pytest.mark.parametrize(("method", "url", "kind"), [
    ("get", "https://management.azure.com/subscriptions?api-version=2022-12-01",
     "GET /subscriptions"),
    ("GET", "/subscriptions/s1/providers/Microsoft.Network/virtualNetworks?api-version=x",
     "GET /subscriptions/{}/providers/Microsoft.Network/virtualNetworks"),
    ("PUT", "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/"
     "v1/virtualNetworkPeerings/p1",
     "PUT /subscriptions/{}/resourceGroups/{}/providers/Microsoft.Network/virtualNetworks/{}/"
     "virtualNetworkPeerings/{}"),
    ("GET", "/subscriptions/s1/providers/Microsoft.Network/locations/westeurope/operations/o1",
     "GET /subscriptions/{}/providers/Microsoft.Network/locations/{}/operations/{}"),
    ("POST", "/providers/Microsoft.ResourceGraph/resources?api-version=2021-03-01",
     "POST /providers/Microsoft.ResourceGraph/resources"),
    ("POST", "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/"
     "vm1/start", "POST /subscriptions/{}/resourceGroups/{}/providers/Microsoft.Compute/"
     "virtualMachines/{}/start"),
])
def test_requests_of_one_kind_count_together(method: str, url: str, kind: str) -> None:
    assert path_kind(method, url) == kind


async def test_the_transport_logs_every_request_with_its_status(az303: Path,
                                                                tmp_path: Path) -> None:
    log = tmp_path / "requests.jsonl"
    async with network_client(az303, retry_total=0, log=log,
                              faults={"operation_seconds": 0, "throttle_every": 3,
                                      "drop_every": 4}) as net:
        for n in range(1, 6):
            if n in (3, 4):  # the 3rd is throttled, the 4th dropped: logged all the same
                with pytest.raises((HttpResponseError, ServiceResponseError)):
                    await net.virtual_networks.get("rg-peering", "vnet1")
            else:
                await net.virtual_networks.get("rg-peering", "vnet1")
    lines = log.read_text().splitlines()
    stats = read(lines)
    assert stats.total == 5
    assert stats.kinds == {"GET /subscriptions/{}/resourceGroups/{}/providers/"
                           "Microsoft.Network/virtualNetworks/{}": 5}
    assert stats.statuses == {200: 3, 429: 1, 0: 1}
    assert all(json.loads(line)["ms"] >= 0 for line in lines)


def test_stats_counts_per_kind(tmp_path: Path, az303: Path, monkeypatch: pytest.MonkeyPatch,
                               capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "requests.jsonl"
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("VNETTUI_SANDBOX_FAULTS", '{"operation_seconds": 0}')
    monkeypatch.setenv("VNETTUI_SANDBOX_LOG", str(log))
    assert main(["--sandbox", "--sandbox-state", str(az303), "list", "subscriptions"]) == 0
    capsys.readouterr()
    with log.open("a") as more:
        more.write("not a record\n")
    assert main(["sandbox", "stats", "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["kinds"] == {"GET /subscriptions": found["total"]}
    assert found["skippedLines"] == 1
    assert main(["sandbox", "stats", "--log", str(log)]) == 0
    assert "GET /subscriptions" in capsys.readouterr().out
    monkeypatch.delenv("VNETTUI_SANDBOX_LOG")
    assert main(["sandbox", "stats"]) == 2
    assert "VNETTUI_SANDBOX_LOG" in capsys.readouterr().err
