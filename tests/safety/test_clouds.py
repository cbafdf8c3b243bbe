"""Each cloud's ARM endpoint and token scope reach every request the backend sends.

The backend is built as for real Azure (not --sandbox): the signed-in credential from
`tui.azure.auth` (azure-identity's class replaced at its seam) and the cloud's endpoint.
The transport records each request, then lets the sandbox answer it as if it were that
cloud's Resource Manager.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar

import azure.identity.aio
import pytest
from azure.core.credentials import AccessToken

from tui.azure import AzureBackend
from tui.azure.connection import make_connection
from tui.sandbox import SandboxTransport
from tui.sandbox.scenarios import reset
from tui.sandbox.transport import SandboxResponse
from tui.settings import Settings


class Scopes:
    """Stands in for DefaultAzureCredential; records the scopes it is asked for."""

    asked: ClassVar[list[tuple[str, ...]]] = []

    def __init__(self, **kwargs: Any) -> None:
        self.kwargs = kwargs

    async def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        Scopes.asked.append(scopes)
        return AccessToken("cloud-token-0123456789", 4_000_000_000)

    async def close(self) -> None:
        return None


class CloudTransport(SandboxTransport):
    """Records the URL as sent, then answers from the sandbox."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, faults={"operation_seconds": 0})
        self.urls: list[str] = []

    async def send(self, request: Any, **kwargs: Any) -> SandboxResponse:
        self.urls.append(str(request.url))
        host = str(request.url).split("/", 3)[2]
        request.url = str(request.url).replace(host, "management.azure.com", 1)
        return await super().send(request, **kwargs)


@pytest.mark.parametrize(
    ("cloud", "arm", "scope"),
    [
        ("public", "https://management.azure.com/", "https://management.azure.com/.default"),
        ("usgov", "https://management.usgovcloudapi.net/",
         "https://management.core.usgovcloudapi.net/.default"),
        ("china", "https://management.chinacloudapi.cn/",
         "https://management.chinacloudapi.cn/.default"),
    ],
)
async def test_every_request_goes_to_the_clouds_endpoint_with_its_scope(
    cloud: str, arm: str, scope: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("VNETTUI_SANDBOX_FAULTS", json.dumps({"operation_seconds": 0}))
    monkeypatch.setattr(azure.identity.aio, "DefaultAzureCredential", Scopes)
    Scopes.asked = []
    path = tmp_path / "sandbox.db"
    reset(path, "az303")
    transport = CloudTransport(path)
    settings = Settings(cloud=cloud)
    connection = make_connection(settings)._replace(transport_factory=lambda: transport)
    async with AzureBackend(settings, connection) as backend:
        inventory = await backend.load_inventory()
    assert {v.name for v in inventory.vnets} == {"vnet1", "vnet2"}
    assert len(transport.urls) > 3
    assert all(url.startswith(arm) for url in transport.urls), transport.urls
    assert Scopes.asked
    assert set(Scopes.asked) == {(scope,)}
