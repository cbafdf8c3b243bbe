"""`AzureBackend`: the one object through which vnettui reads and writes Azure.

Built in layers, one concern a module: `clients` (the SDK clients and their lifetime),
`reads` (inventory and single reads), `writes` (peerings and address spaces); the Network
Watcher check is here. All go through the same clients, so credential, retry and
transport are shared.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.azure.error_map import azure_errors
from tui.azure.writes import PeeringWrites
from tui.errors import CloudError
from tui.model import ResourceId, rid

if TYPE_CHECKING:
    from tui.probe import ProbeResult


class AzureBackend(PeeringWrites):
    """Reads inventory and manages peerings. Use as `async with open_backend(s) as b:`."""

    # Network Watcher: a read-only POST (the guard lets it through with --read-only).

    async def find_network_watcher(self, subscription_id: str, location: str) -> ResourceId:
        """The subscription's Network Watcher for a region, or NotFoundError saying so."""
        from tui.azure import watcher  # with tui.probe: only `check --probe` needs them

        await self._ready()
        with azure_errors():
            found = [w.as_dict() async for w in
                     self.network(subscription_id).network_watchers.list_all()]
        return watcher.choose_watcher(found, location, subscription_id)

    async def probe_connectivity(
        self, source_vm_id: str, destination: str, port: int, protocol: str = "tcp",
        *, location: str | None = None,
    ) -> ProbeResult:
        """Network Watcher's connectivity check from a VM to a VM id or an IP address.

        `location` is the source VM's region when the caller knows it (else the VM is
        read). The check runs as a long-running operation, awaited to its end. A source VM
        without the Network Watcher agent is a CloudError saying what to install.
        """
        from tui.azure import watcher

        await self._ready()
        source = rid(source_vm_id)
        body = watcher.parameters(source, destination, port, protocol)
        sub = source.subscription_id
        if location is None:
            with azure_errors():
                vm = await self.compute(sub).virtual_machines.get(
                    source.resource_group, source.name
                )
            location = str(vm.location)
        watcher_id = await self.find_network_watcher(sub, location)
        from azure.mgmt.network.models import ConnectivityParameters

        try:
            with azure_errors():
                poller = await self.network(sub).network_watchers.begin_check_connectivity(
                    watcher_id.resource_group, watcher_id.name, ConnectivityParameters(body)
                )
                info = await poller.result()
        except CloudError as error:
            raise watcher.explain(error, source.name) from None
        return watcher.result_from_json(info.as_dict(), watcher_id, body["protocol"])
