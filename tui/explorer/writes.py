"""The explorer's writes: new peering, delete, sync, edit; each refused, confirmed or run.

Every refusal (read-only, nothing selected) is said where the key was pressed; the ones a
safety rail made are also written to the audit log. A write runs in its own worker with a
progress modal, and both VNets it touched are re-read at once.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual import work

from tui.explorer.keys import WRITE_ACTIONS
from tui.explorer.live import LiveData
from tui.model import Inventory, Peering, ResourceId, VirtualNetwork

if TYPE_CHECKING:
    from tui.peering import Request as PeeringWork

# The peering workflow and its modals are imported when a key first needs them, not on the
# way to the first frame.

log = logging.getLogger(__name__)


def vnets_touched(inventory: Inventory, request: PeeringWork) -> set[str]:
    """Both VNets of the link a peering operation changed (lower-cased ids)."""
    from tui.peering import PeeringRequest, find_peering

    if isinstance(request, PeeringRequest):
        return {str(request.local_vnet_id).casefold(), str(request.remote_vnet_id).casefold()}
    peering = find_peering(inventory, request.peering_id)
    touched = {str(request.peering_id.parent).casefold()}
    if peering is not None:
        touched.add(str(peering.remote_vnet_id).casefold())
    return touched


class Writes(LiveData):
    """p, d, s and e."""

    def refuse_if_read_only(self, action: str, vnet_id: str | None = None) -> bool:
        """`--read-only`, or a subscription the config file marks read-only: say so where the
        key was pressed, write the refusal to the audit log, open nothing."""
        why = self.state.read_only_reason(vnet_id)
        if why is None:
            return False
        self.notify(why, title="Read-only", severity="warning", markup=False)
        record_refusal(action, why, vnet_id)
        return True

    def action_peer(self, remote: VirtualNetwork | None = None) -> None:
        vnet = self.state.selected_vnet
        if vnet is None:
            if not self.refuse_if_read_only("peer"):
                self.notify("Select a VNet to peer from (the VNets pane, key 2).",
                            markup=False)
            return
        if self.refuse_if_read_only("peer", vnet.id):
            return
        from widgets.peering_form import PeeringForm

        form = PeeringForm(self.state.inventory, vnet, remote, confirm=self.state.confirmation,
                           refresh=self.reread_from_arm)

        def chosen(request: PeeringWork | None) -> None:
            # Planned again on what the form checked: the pair as ARM had it.
            if request is not None:
                self.perform(request, form.inventory)

        self.app.push_screen(form, chosen)

    async def reread_from_arm(self, inventory: Inventory,
                              vnet_ids: Sequence[ResourceId]) -> Inventory:
        """These VNets as ARM has them now (the peering form's checks run on this, never
        on a Resource Graph row that may lag)."""
        backend = await self.host.open_backend()
        return await backend.refresh_vnets(inventory, vnet_ids)

    def selected_peering_or_hint(self) -> Peering | None:
        """The link under the cursor in the peerings pane, and only that: a key pressed on a
        VNet row never picks one of its links for the person."""
        if self.focused_pane() == "peerings":
            peering = self.details.selected_peering
            if peering is not None:
                return peering
        vnet = self.state.selected_vnet
        if vnet is None:
            self.notify("Select a VNet, then one of its peerings (key 3).", markup=False)
        elif not vnet.peerings:
            self.notify(f"{vnet.name} has no peerings.", markup=False)
        else:
            self.notify(f"Pick one of {vnet.name}'s peerings first: key 3, then ↑↓.",
                        markup=False)
            self.details.peerings.focus()
        return None

    def writable_peering(self, action: str) -> Peering | None:
        """The selected link, if a write to it may go ahead; otherwise say why and None."""
        if self.settings.read_only and self.refuse_if_read_only(action):
            return None
        peering = self.selected_peering_or_hint()
        if peering is None or self.refuse_if_read_only(action, str(peering.vnet_id)):
            return None
        return peering

    def action_delete_peering(self) -> None:
        peering = self.writable_peering("delete")
        if peering is not None:
            self.delete_link(peering)

    def delete_link(self, peering: Peering) -> None:
        """The delete confirmation for exactly this link."""
        if self.refuse_if_read_only("delete", str(peering.vnet_id)):
            return
        from widgets.peering_confirm import DeletePeeringConfirm

        self.app.push_screen(
            DeletePeeringConfirm(self.state.inventory, peering, confirm=self.state.confirmation),
            self.peering_chosen,
        )

    def action_sync(self) -> None:
        peering = self.writable_peering("sync")
        if peering is not None:
            self.sync_link(peering)

    def sync_link(self, peering: Peering) -> None:
        """Sync exactly this link (whichever side is stale), asking nothing unless a
        production VNet needs its name typed."""
        if self.refuse_if_read_only("sync", str(peering.vnet_id)):
            return
        from tui.peering import SyncRequest, write_targets
        from widgets.production_confirm_screen import ProductionConfirmScreen

        inventory = self.state.inventory
        back = inventory.reverse_of(peering)
        if back is None and inventory.vnet(peering.remote_vnet_id) is not None:
            self.notify(
                f"{peering.name} has no link back from {peering.remote_vnet_id.name}: "
                "there is nothing to sync until it exists. Press p on "
                f"{peering.remote_vnet_id.name} to create it.", markup=False,
            )
            return
        if not peering.needs_sync and not (back and back.needs_sync):
            self.notify(f"{peering.name} is in sync on both sides; nothing to sync.",
                        markup=False)
            return
        # Sync changes nothing but the stale copy of an address space: no form, but a
        # production VNet still needs its name typed first.
        request = SyncRequest(peering.id)
        targets = write_targets(inventory, request)
        if not any(self.state.confirmation(v) for v in targets):
            self.peering_chosen(request)
            return

        def confirmed(ok: bool | None) -> None:
            if ok:
                self.peering_chosen(request)

        question = f"Sync {peering.name} on {peering.vnet_id.name}?"
        self.app.push_screen(
            ProductionConfirmScreen(question, targets, self.state.confirmation), confirmed
        )

    def action_edit_peering(self) -> None:
        peering = self.writable_peering("edit")
        if peering is not None:
            from widgets.peering_edit import PeeringEditForm

            self.app.push_screen(
                PeeringEditForm(self.state.inventory, peering, confirm=self.state.confirmation),
                self.peering_chosen,
            )

    def peering_chosen(self, request: PeeringWork | None) -> None:
        """A peering modal's result: carry it out with progress, then re-read at once."""
        if request is not None:
            self.perform(request)

    @work(group="peering", exit_on_error=False, description="change the peering")
    async def perform(self, request: PeeringWork, inventory: Inventory | None = None) -> None:
        from tui.peering import PollPolicy, perform
        from widgets.peering_progress import PeeringProgress

        backend = await self.host.open_backend()
        inventory = inventory or self.state.inventory
        screen = PeeringProgress.for_request(inventory, request)
        touched = vnets_touched(inventory, request)
        screen.watched_vnets = tuple(sorted(touched))
        await self.app.push_screen(screen)
        try:
            # Links are watched settling at least as often as the panes poll.
            watch = PollPolicy(interval=min(1.0, self.settings.interval))
            outcome = await perform(backend, inventory, request, screen.report, screen.ask,
                                    read_only=self.settings.read_only, poll=watch,
                                    read_only_origin=self.settings.read_only_origin)
        finally:
            # Whatever happened, both VNets are re-read now and watched closely a while.
            self.scheduler.after_write(self.clock(), touched)
        if self.alive() and screen.is_attached:
            screen.finish(outcome.describe(), ok=outcome.ok)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Write keys are dimmed in the footer (None) while writes are off."""
        if action in WRITE_ACTIONS and self.state.read_only_reason(self.state.vnet_key):
            return None
        return True


def record_refusal(action: str, why: str, vnet_id: str | None) -> None:
    """Refusals are on record like writes (the activity view shows both)."""
    from tui import audit  # the log's writer loads when first written to, not at start

    try:
        audit.record_refusal(action, why, [vnet_id] if vnet_id else [], code="ReadOnly",
                             source="explorer")
    except OSError as error:  # an unwritable log must not stop the explorer
        log.warning("refusal not audited: %s", error)
