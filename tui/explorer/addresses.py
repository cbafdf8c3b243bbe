"""Address space from the explorer: `A` grows or trims the selected VNet's space and syncs
every link that then needs it; `S` syncs every link in view that is not in sync.

Both end in the progress window, with the explorer behind it kept live, and both go
through the same read-only, production and partial-inventory rules as every write.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work

from tui.explorer.network import Network

if TYPE_CHECKING:
    from tui.address import AddressChange, SyncAllRequest


class Addresses(Network):
    """A and S."""

    def action_address_space(self) -> None:
        vnet = self.state.selected_vnet
        if vnet is None:
            self.notify("Select a VNet first (the VNets pane, key 2).", markup=False)
            return
        if self.refuse_if_read_only("address space", vnet.id):
            return
        from widgets.address_space_screen import AddressSpaceScreen

        self.app.push_screen(
            AddressSpaceScreen(self.state.inventory, vnet, confirm=self.state.confirmation),
            self.address_chosen,
        )

    def address_chosen(self, change: AddressChange | None) -> None:
        if change is not None:
            self.perform_address(change)

    def action_sync_all(self) -> None:
        if self.refuse_if_read_only("sync all"):
            return
        from tui.address import SyncAllRequest, plan_sync_all
        from widgets.sync_all_confirm import SyncAllConfirm

        vnets = self.state.vnets_in_view()
        plan = plan_sync_all(self.state.inventory, vnets)
        request = SyncAllRequest(tuple(v.id for v in vnets))

        def confirmed(ok: bool | None) -> None:
            if ok:
                self.perform_address(request)

        self.app.push_screen(SyncAllConfirm(plan), confirmed)

    @work(group="peering", exit_on_error=False, description="change the address space")
    async def perform_address(self, change: AddressChange | SyncAllRequest) -> None:
        from tui.address import describe_work, perform_address, vnets_touched, work_title
        from widgets.peering_progress import PeeringProgress

        backend = await self.host.open_backend()
        inventory = self.state.inventory
        screen = PeeringProgress(work_title(inventory, change), describe_work(inventory, change))
        touched = {str(v).casefold() for v in vnets_touched(inventory, change)}
        screen.watched_vnets = tuple(sorted(touched))
        await self.app.push_screen(screen)
        try:
            outcome = await perform_address(
                backend, inventory, change, screen.report,  # type: ignore[arg-type]
                read_only=self.settings.read_only,
                read_only_origin=self.settings.read_only_origin,
            )
        finally:
            self.scheduler.after_write(self.clock(), touched)
        if self.alive() and screen.is_attached:
            screen.finish(outcome.describe(), ok=outcome.ok)
