"""A peering to a VNet in another tenant carries that tenant's token as an auxiliary header."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tui.azure import AzureBackend
from tui.azure.connection import make_connection
from tui.model import PeeringFlags, PeeringState
from tui.resolve import find_vnet
from tui.sandbox import SandboxTransport
from tui.settings import Settings

AUX = "x-ms-authorization-auxiliary"


class RecordingTransport(SandboxTransport):
    """The sandbox, noting the headers of every write that reaches it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.writes: list[tuple[str, dict[str, str]]] = []

    async def send(self, request: Any, **kwargs: Any) -> Any:
        if request.method in ("PUT", "DELETE"):
            self.writes.append((request.method, dict(request.headers)))
        return await super().send(request, **kwargs)


async def test_auxiliary_token_only_across_tenants(sandbox_path: Path, env: dict[str, str]) -> None:
    transport = RecordingTransport(sandbox_path, faults={"operation_seconds": 0})
    settings = Settings(sandbox=True, sandbox_state=sandbox_path)
    connection = make_connection(settings)._replace(transport_factory=lambda: transport)
    async with AzureBackend(settings, connection) as backend:
        inventory = await backend.load_inventory()
        vnet1, vnet2 = find_vnet(inventory, "vnet1"), find_vnet(inventory, "vnet2")

        await backend.put_peering(vnet1.id, "1and2", vnet2.id, PeeringFlags())
        (method, headers), = transport.writes
        assert method == "PUT"
        assert AUX not in {h.lower() for h in headers}

        transport.writes.clear()
        other_tenant = "72f988bf-0000-4000-8000-000000000001"
        peering = await backend.put_peering(vnet2.id, "2and1", vnet1.id, PeeringFlags(),
                                             remote_tenant=other_tenant)
        assert peering.state is PeeringState.CONNECTED
        (method, headers), = transport.writes
        auxiliary = {k.lower(): v for k, v in headers.items()}[AUX]
        assert auxiliary.startswith("Bearer ")
