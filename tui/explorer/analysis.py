"""Questions the explorer answers: can this VM reach that one (and does Network Watcher
agree), which address spaces overlap and which ranges are free, what was written."""

from __future__ import annotations

import asyncio
import ipaddress
import logging
from typing import TYPE_CHECKING

from textual import work

from tui.errors import VnettuiError
from tui.explorer.writes import Writes
from tui.model import VirtualMachine, VirtualNetwork

if TYPE_CHECKING:
    from tui import reach
    from widgets.activity_screen import ActivityScreen
    from widgets.check_screen import CheckRequest, CheckResult, CheckScreen
    from widgets.conflicts_screen import ConflictEntry, ConflictsScreen, SubnetPeerChoice

# The checks, the audit reader and their screens load when first asked for.

log = logging.getLogger(__name__)


def is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def check_result(verdict: reach.Verdict, pair: tuple[VirtualNetwork, VirtualNetwork] | None = None,
                 ) -> CheckResult:
    """The verdict in the check screen's terms: each hop, its mark, its reason or fix; and
    when the fix is a peering ("press p [on X]") between the two VNets, which way round."""
    from widgets.check_screen import CheckResult, CheckStep

    steps = [CheckStep(step.status.value, step.text, step.hint) for step in verdict.steps]
    return CheckResult(verdict.question, verdict.answer, tuple(steps),
                       peer=peer_fix(verdict, pair))


def peer_fix(verdict: reach.Verdict, pair: tuple[VirtualNetwork, VirtualNetwork] | None,
             ) -> tuple[str, str] | None:
    """(local, remote) VNet ids for the verdict's "press p" fix, if it has one."""
    reason = verdict.reason
    if pair is None or reason is None or "press p" not in reason.hint:
        return None
    source, destination = pair
    owner = reason.hint.rsplit("press p", 1)[1].removeprefix(" on ").strip()
    names = {destination.name, f"{destination.resource_group}/{destination.name}"}
    local, remote = (destination, source) if owner in names else (source, destination)
    return str(local.id), str(remote.id)


class Analysis(Writes):
    """c (check and probe), x (conflicts and free ranges), a (activity)."""

    def action_check(self) -> None:
        key = self.vms_pane.selected_key
        source = self.state.inventory.vm(key) if key else None
        if source is None:
            self.notify("Select a VM to check from (the VMs pane, key 4).", markup=False)
            return
        from widgets.check_screen import CheckScreen

        self.app.push_screen(CheckScreen(source, self.state.inventory.vms),
                             self.check_closed)

    def check_closed(self, pair: tuple[str, str] | None) -> None:
        """The check screen's `p`: the peering form for the two VNets the verdict names,
        the remote filled in."""
        if pair is None:
            return
        local = self.state.inventory.vnet(pair[0])
        if local is not None and self.jump_to_vnet(local.id.casefold()):
            self.action_peer(self.state.inventory.vnet(pair[1]))

    def refresh_live_modal(self) -> None:
        if self.app.screen is self:
            return  # nothing open over the explorer: no import of the check screen
        from widgets.check_screen import CheckScreen

        screen = self.app.screen
        if isinstance(screen, CheckScreen):
            self.answer_check(screen)

    def answer_check(self, screen: CheckScreen) -> None:
        """Compute the verdict from what is loaded (again after every peering re-read)."""
        from tui import reach

        request = screen.request
        if request is None:
            return
        inv = self.state.inventory
        source = inv.vm(request.source_key)
        if source is None:
            screen.show_result(f"{screen.source.name} is no longer loaded.")
            return
        destination = self.destination(request.destination)
        if isinstance(destination, str) and not is_ip(destination):
            screen.show_result(destination)
            return
        try:
            verdict = reach.check(inv, source, destination, request.port, request.protocol)
        except ValueError as error:
            screen.show_result(str(error))
            return
        dest_vm = destination if isinstance(destination, VirtualMachine) else None
        screen.watched_vnets = tuple(
            str(v) for v in (source.vnet_id, dest_vm.vnet_id if dest_vm else None) if v
        )
        dest_vnet = inv.vnet(dest_vm.vnet_id) if dest_vm and dest_vm.vnet_id else None
        source_vnet = inv.vnet(source.vnet_id) if source.vnet_id else None
        pair = (source_vnet, dest_vnet) if source_vnet and dest_vnet else None
        screen.show_result(check_result(verdict, pair))

    def request_probe(self, screen: CheckScreen, request: CheckRequest) -> None:
        self.run_probe(screen, request)

    @work(name="probe", group="probe", exit_on_error=False,
          description="Network Watcher probe")
    async def run_probe(self, screen: CheckScreen, request: CheckRequest) -> None:
        """Network Watcher's check for the screen's question, compared with our verdict;
        any failure is shown in place of the answer."""
        from tui import probe, reach

        inv = self.state.inventory
        source = inv.vm(request.source_key)
        destination = self.destination(request.destination)
        if source is None or (isinstance(destination, str) and not is_ip(destination)):
            screen.show_probe(request, destination if isinstance(destination, str)
                              else f"{screen.source.name} is no longer loaded.")
            return
        target = destination.id if isinstance(destination, VirtualMachine) else destination
        try:
            backend = await self.host.open_backend()
            result = await backend.probe_connectivity(
                source.id, target, request.port, request.protocol, location=source.location
            )
        except VnettuiError as error:
            screen.show_probe(request, str(error))
            return
        except Exception as error:  # shown in place; the log has the rest
            log.exception("Network Watcher probe")
            screen.show_probe(request, f"unexpected {type(error).__name__}; see the log.")
            return
        # Compared with our verdict as it stands now, on what is loaded now.
        try:
            verdict = reach.check(self.state.inventory, source, destination, request.port,
                                  request.protocol)
        except ValueError:
            screen.show_probe(request, result)
            return
        screen.show_probe(
            request, result, probe.agreement(verdict.reachable, verdict.conclusive, result),
            probe.disagrees(verdict.reachable, verdict.conclusive, result),
        )

    def destination(self, text: str) -> VirtualMachine | str:
        """A VM by name (or id), else the text itself when it is an IP address, else a
        sentence saying what is wrong."""
        if is_ip(text):
            return text
        wanted = text.casefold()
        found = [vm for vm in self.state.inventory.vms
                 if wanted in (vm.name.casefold(), vm.id.casefold())]
        if len(found) == 1:
            return found[0]
        if found:
            where = ", ".join(f"{vm.resource_group}/{vm.name}" for vm in found)
            return f"{len(found)} VMs are named {text}: {where}. Type the id instead."
        return f"No VM named {text}; type a VM name or a private IP address."

    # --- conflicts and free ranges -----------------------------------------------------

    def action_conflicts(self) -> None:
        self.open_conflicts()

    @work(group="conflicts", exclusive=True, exit_on_error=False,
          description="list the conflicts")
    async def open_conflicts(self) -> None:
        # A big estate has tens of thousands of overlapping pairs: group them off the loop.
        entries = await asyncio.to_thread(self.conflict_entries)
        from widgets.conflicts_screen import ConflictsScreen

        if self.alive():
            self.app.push_screen(ConflictsScreen(entries), callback=self.conflict_chosen)

    def conflict_entries(self) -> list[ConflictEntry]:
        from tui.peering.subnets import subnet_route
        from widgets.conflicts_screen import ConflictEntry

        state = self.state
        entries = []
        for number, group in enumerate(state.address_index.groups, start=1):
            for vnet in group.vnets:
                partners = [o.other(vnet.id) for o in group.overlaps if vnet.id in o.ids]
                others = [
                    f"{', '.join(o.overlapping_ranges)} with {o.other(vnet.id).name}"
                    for o in group.overlaps
                    if vnet.id in o.ids
                ]
                # The first VNet it overlaps that subnet peering can connect it to; a few
                # tried at most (a big estate's groups are large).
                routes = [(p, subnet_route(vnet, p)) for p in partners[:5]]
                peer, route = next(((p, r) for p, r in routes if r.possible),
                                   routes[0] if routes else (None, None))
                entries.append(ConflictEntry(
                    number, vnet.id.casefold(), vnet.name,
                    state.subscription_name(vnet.subscription_id),
                    vnet.resource_group, vnet.address_prefixes, "; ".join(others),
                    route.describe(vnet.name, peer.name) if route and peer else "",
                    peer.id.casefold() if route and peer and route.possible else None,
                ))
        return entries

    def conflict_chosen(self, choice: str | SubnetPeerChoice | None) -> None:
        if isinstance(choice, str):
            self.jump_to_vnet(choice)
        elif choice is not None:
            self.peer_by_subnets(choice.local, choice.remote)

    def action_peer_subnets(self) -> None:
        """P: the selected VNet and one it overlaps, in the peering form by subnets."""
        vnet = self.state.selected_vnet
        if vnet is None:
            self.notify("Select a VNet that overlaps another (x lists them).", markup=False)
            return
        from tui.peering.subnets import subnet_route

        partners = [o.other(vnet.id) for o in self.state.address_index.overlapping(vnet.id)]
        if not partners:
            self.notify(f"{vnet.name} overlaps no loaded VNet: p peers it whole.",
                        markup=False)
            return
        routes = [(p, subnet_route(vnet, p)) for p in partners]
        peer, route = next(((p, r) for p, r in routes if r.possible), routes[0])
        if not route.possible:
            self.notify(f"{vnet.name} and {peer.name}: {route.describe(vnet.name, peer.name)}.",
                        severity="warning", markup=False)
            return
        self.peer_by_subnets(vnet.id.casefold(), peer.id.casefold())

    def peer_by_subnets(self, local_key: str, remote_key: str) -> None:
        """The peering form from `local_key` to `remote_key`, "peer only these subnets"
        ticked with the subnets that overlap nothing on the other side."""
        inventory = self.state.inventory
        local, remote = inventory.vnet(local_key), inventory.vnet(remote_key)
        if local is None or remote is None or not self.jump_to_vnet(local_key, remember=True):
            self.notify("That VNet is no longer loaded; press r.", markup=False)
            return
        if self.refuse_if_read_only("peer", local.id):
            return
        from tui.peering.subnets import subnet_route
        from widgets.peering_form import PeeringForm

        self.app.push_screen(
            PeeringForm(inventory, local, remote, confirm=self.state.confirmation,
                        subnets=subnet_route(local, remote).selection()),
            self.peering_chosen,
        )

    def free_range(self, screen: ConflictsScreen, prefix_length: int,
                   within: tuple[str, ...] = (), peerable: str | None = None) -> None:
        """Free blocks as `vnettui free` finds them, on what is loaded."""
        hub_id: str | None = None
        if peerable is not None:
            found = [v for v in self.state.inventory.vnets
                     if v.name.casefold() == peerable.casefold()]
            if len(found) != 1:
                screen.show_free(prefix_length, f"{len(found)} loaded VNets are named "
                                 f"{peerable}; name one VNet to stay peerable with.")
                return
            hub_id = str(found[0].id)
        try:
            blocks = self.state.address_index.free_blocks(
                prefix_length, count=5, within=list(within) or None, peerable_with=hub_id)
        except (ValueError, VnettuiError) as error:
            screen.show_free(prefix_length, str(error))
            return
        screen.show_free(prefix_length, list(blocks))

    # --- activity ----------------------------------------------------------------------

    def action_activity(self) -> None:
        self.open_activity()

    @work(group="activity", exclusive=True, exit_on_error=False,
          description="read the activity log")
    async def open_activity(self) -> None:
        from tui import audit
        from widgets.activity_screen import ActivityScreen

        entries = await asyncio.to_thread(audit.read_audit)
        if self.alive():
            self.app.push_screen(ActivityScreen(entries, source=str(audit.audit_path())))

    @work(group="activity-refresh", exclusive=True, exit_on_error=False,
          description="re-read the activity log")
    async def refresh_activity(self, screen: ActivityScreen) -> None:
        from tui import audit

        entries = await asyncio.to_thread(audit.read_audit)
        if screen.is_attached:
            screen.show(entries)
