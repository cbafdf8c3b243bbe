"""The whole network: the topology screen (t) and many peerings in one move (H connects
spokes to the selected hub, D disconnects them, M peers a set of VNets with each other),
with the usual checks, progress and audit.

The topology screen and the bulk progress are live modals: polling goes on behind them and
their content follows each re-read (`refresh_network_modal`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work

from tui.explorer.analysis import Analysis
from tui.model import ResourceId

if TYPE_CHECKING:
    from collections.abc import Sequence

    from tui.model import VirtualNetwork
    from tui.peering import DisconnectRequest, HubRequest, MeshRequest
    from widgets.topology_screen import TopologyResult


class Network(Analysis):
    """t, H, D and M."""

    def action_topology(self) -> None:
        vnet = self.state.selected_vnet
        if vnet is None:
            self.notify("Select a VNet to see its network (the VNets pane, key 2).",
                        markup=False)
            return
        from tui.topology import build_topology
        from widgets.topology_screen import TopologyScreen

        topology = build_topology(self.state.inventory, vnet.id)
        self.app.push_screen(TopologyScreen(topology, cursor=vnet.id.casefold()),
                             self.topology_chosen)

    def refresh_live_modal(self) -> None:
        super().refresh_live_modal()
        if self.app.screen is self:
            return  # nothing open over the explorer: no import of the topology on a load
        from widgets.topology_screen import TopologyScreen

        if isinstance(self.app.screen, TopologyScreen):
            self.app.screen.update_from(self.state.inventory)

    def topology_chosen(self, result: TopologyResult | None) -> None:
        """enter selects the VNet here; p, d, s act on the link under the cursor."""
        if result is None:
            return
        from widgets.topology_screen import TopologyAction

        inventory = self.state.inventory
        if result.action is TopologyAction.SELECT:
            self.jump_to_vnet(result.vnet_key, remember=True)
        elif result.action is TopologyAction.PEER:
            local = result.local_vnet_key or result.vnet_key
            if self.jump_to_vnet(local, remember=True):
                self.action_peer(inventory.vnet(result.remote_vnet_key))
        elif result.peering_id is not None:
            from tui.peering import find_peering

            peering = find_peering(inventory, result.peering_id)
            if peering is None or not self.select_peering(result.peering_id):
                self.notify(f"{result.peering_id.name} is no longer loaded.", markup=False)
            elif result.action is TopologyAction.DELETE:
                self.delete_link(peering)
            else:
                self.sync_link(peering)

    def select_peering(self, peering_id: ResourceId) -> bool:
        """Put the cursor on that link in the peerings pane, as if the person had."""
        if not self.jump_to_vnet(str(peering_id.parent).casefold(), remember=True):
            return False
        self.details.peerings.focus()
        return self.details.peerings.select_key(str(peering_id).casefold())

    # --- hub and spoke ---------------------------------------------------------------

    def action_connect_spokes(self) -> None:
        hub = self.state.selected_vnet
        if hub is None:
            self.notify("Select the hub VNet first (the VNets pane, key 2).", markup=False)
            return
        if self.refuse_if_read_only("connect spokes", hub.id):
            return
        from widgets.hub_form import HubForm

        self.app.push_screen(HubForm(self.state.inventory, hub), self.bulk_chosen)

    def action_mesh(self, vnets: Sequence[VirtualNetwork] = ()) -> None:
        """The mesh form, the selected VNet (or `vnets`, from `:mesh a b c`) ticked."""
        if self.refuse_if_read_only("peer VNets as a mesh"):
            return
        from widgets.mesh_form import MeshForm

        selected = self.state.selected_vnet
        ticked = list(vnets) or ([selected] if selected is not None else [])
        self.app.push_screen(MeshForm(self.state.inventory, ticked), self.bulk_chosen)

    def action_disconnect_spokes(self) -> None:
        hub = self.state.selected_vnet
        if hub is None or not hub.peerings:
            self.notify("Select a hub with peerings first.", markup=False)
            return
        if self.refuse_if_read_only("disconnect spokes", hub.id):
            return
        from widgets.disconnect_confirm import DisconnectSpokesConfirm

        self.app.push_screen(DisconnectSpokesConfirm(self.state.inventory, hub),
                             self.bulk_chosen)

    def bulk_chosen(self, request: HubRequest | MeshRequest | DisconnectRequest | None
                    ) -> None:
        if request is not None:
            self.perform_bulk(request)

    @work(group="peering", exit_on_error=False, description="change the spokes")
    async def perform_bulk(self, request: HubRequest | MeshRequest | DisconnectRequest
                           ) -> None:
        from tui.peering import DisconnectRequest, perform_bulk, plan_disconnect, plan_hub_request
        from widgets.bulk_progress import BulkProgressScreen

        backend = await self.host.open_backend()
        inventory = self.state.inventory
        if isinstance(request, DisconnectRequest):
            screen = BulkProgressScreen.for_disconnect(plan_disconnect(inventory, request))
        else:
            screen = BulkProgressScreen.for_plan(plan_hub_request(inventory, request))
        await self.app.push_screen(screen)
        try:
            outcome = await perform_bulk(
                backend, inventory, request, screen.report, screen.ask,
                read_only=self.settings.read_only,
                read_only_origin=self.settings.read_only_origin,
            )
        finally:
            self.scheduler.after_write(self.clock(), screen.watched_vnets)
        if self.alive() and screen.is_attached:
            screen.finish(outcome.describe(), ok=outcome.ok)
