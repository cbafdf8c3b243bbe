"""The explorer screen: the panes, their keys, selection and filters.

It owns everything the person sees at the top level; the app around it only signs in,
holds the backend and reports errors. Modals post their messages to the app, which hands
them here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, ClassVar, TypeVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container

from tui.errors import VnettuiError
from tui.explorer.addresses import Addresses
from tui.explorer.base import PANE_ORDER
from tui.explorer.keys import KEYS, TABLE_KEYS, WRITE_ACTIONS, bindings
from tui.explorer.state import ALL_KEY
from tui.explorer.writes import record_refusal
from tui.model import VirtualNetwork
from tui.settings import Settings
from widgets.details_pane import DetailsPane
from widgets.footer import Footer
from widgets.header import StatusHeader
from widgets.resource_table import ResourceTable
from widgets.subscriptions_pane import SubscriptionsPane
from widgets.vms_pane import VmsPane
from widgets.vnets_pane import VnetsPane

if TYPE_CHECKING:
    from tui.explorer.commands import Command
    from widgets.command_bar import CommandBar
    from widgets.describe_screen import DescribeScreen
    from widgets.filter_bar import FilterBar
    from widgets.help_screen import HelpEntry
    from widgets.palette import JumpTarget
    from widgets.typing_bar import TypingBar

BarT = TypeVar("BarT", bound="TypingBar")

FILTER_LABELS = {"subs": "subscriptions", "vnets": "VNets", "vms": "VMs"}


class ExplorerScreen(Addresses):
    """Subscriptions | VNets | details (subnets, peerings, VMs) | VMs, kept live."""

    BINDINGS: ClassVar[list[BindingType]] = list(bindings())
    # Focused as the panes mount: focusing it after the first layout restyles it again.
    AUTO_FOCUS = "#vnets"

    def __init__(self, settings: Settings, clock: Callable[[], float]) -> None:
        super().__init__(settings, clock)
        self._resumed = False
        self._bars: list[TypingBar] = []  # the `/` and `:` bars, once mounted

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        """The first resume comes straight after the panes mounted, each styled as it
        mounted: Textual would style every node (with the panes' component classes, ~50)
        again before the first frame. Later resumes (a modal closed) restyle as usual.
        Runs before Screen's own handler (handlers are called subclass first)."""
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False

    def compose(self) -> ComposeResult:
        # The width's breakpoint class now, before the panes exist: Textual sets it on the
        # first resize, which would restyle every pane after their first layout.
        width = self.app.size.width
        breakpoints = sorted(self.app.HORIZONTAL_BREAKPOINTS or ())
        fits = [name for least, name in breakpoints if width >= least]
        self.add_class(*fits[-1:])
        yield StatusHeader(self.header_info(), id="header")
        with Container(id="main"):
            yield SubscriptionsPane(id="subs")
            yield VnetsPane(id="vnets")
            yield DetailsPane(id="details")
            yield VmsPane(id="vms")
        # The `/` and `:` bars are mounted when first opened (filter_bar, command_bar).
        yield Footer()

    def on_mount(self) -> None:
        if not self.alive():
            return  # the app closed before the screen was up
        self.render_subscriptions()
        self.update_header()
        self.start_live()

    def on_resize(self) -> None:
        self.update_header()

    def on_descendant_focus(self) -> None:
        """The breadcrumbs name the peering while the peerings pane has the focus."""
        self.update_header()

    # --- selection ---------------------------------------------------------------------

    @on(ResourceTable.RowHighlighted, "#subs")
    def _sub_highlighted(self, event: ResourceTable.RowHighlighted) -> None:
        if self.state.select_subscription(event.key):
            self.render_vnets(flash=False)
            self.vnets_pane.move_cursor(row=0)

    @on(ResourceTable.RowHighlighted, "#vnets")
    def _vnet_highlighted(self, event: ResourceTable.RowHighlighted) -> None:
        if event.key == self.state.vnet_key:
            return
        self.follow_vnet_cursor(flash=False)
        # The VNet the cursor rests on is re-read a moment later, not after up to a whole
        # interval; while the cursor keeps moving the poll waits (no reads per keypress).
        self.scheduler.cursor_moved(self.clock())

    @on(ResourceTable.RowHighlighted, "#peerings")
    def _peering_highlighted(self) -> None:
        """The breadcrumbs name the peering under the cursor at once: `s` pressed within
        the age timer's second must not open its progress over a stale trail."""
        self.update_header()

    @on(ResourceTable.RowSelected, "#subs")
    def _sub_selected(self) -> None:
        self.vnets_pane.focus()

    @on(ResourceTable.RowSelected, "#vnets")
    def _vnet_selected(self) -> None:
        if self.details.peerings.display:
            self.details.peerings.focus()
        else:
            self.vms_pane.focus()

    @on(ResourceTable.RowSelected, "#peerings")
    def _peering_selected(self) -> None:
        peering = self.details.selected_peering
        if peering is not None and not self.jump_to_vnet(peering.remote_vnet_id.casefold(),
                                                         remember=True):
            self.notify(
                f"{peering.remote_vnet_id.name} is not loaded (another subscription or "
                "tenant).", severity="warning", markup=False,
            )

    # --- the palette: jump to any VNet or VM, run any action ---------------------------

    def jump_targets(self) -> Sequence[JumpTarget]:
        from widgets.palette import JumpTarget

        inv = self.state.inventory
        name = self.state.subscription_name
        targets = [
            JumpTarget("VNet", v.name, f"{v.resource_group} · {name(v.subscription_id)}",
                       v.id.casefold())
            for v in inv.vnets
        ]
        targets += [
            JumpTarget("VM", vm.name, f"{vm.private_ip or 'no IP'} · {vm.resource_group}",
                       vm.id.casefold())
            for vm in inv.vms
        ]
        return targets

    def jump_to(self, target: JumpTarget) -> None:
        found = (self.jump_to_vnet(target.key) if target.kind == "VNet"
                 else self.jump_to_vm(target.key))
        if not found:
            self.notify(f"{target.name} is no longer loaded.", severity="warning", markup=False)

    def palette_commands(self) -> Iterator[tuple[str, str, str]]:
        """(title, help, action) for every explorer action worth a palette entry."""
        for key in KEYS:
            if key.action.startswith(("focus_pane", "app.")) or key.action in (
                "go_back", "help"
            ):
                continue
            keys = ", ".join(self.app.get_key_display(b) for b in self._bindings_for(key.action))
            yield f"{key.group}: {key.long}", f"key {keys}" if keys else "", key.action

    def _bindings_for(self, action: str) -> list[Binding]:
        return [a.binding for a in self.active_bindings.values() if a.binding.action == action]

    async def run_palette_action(self, action: str) -> None:
        if action in WRITE_ACTIONS and self.refuse_if_read_only(action, self.state.vnet_key):
            return
        await self.run_action(action)

    # --- filtering ---------------------------------------------------------------------

    def typed_ahead(self, event: events.Key) -> bool:
        """Type `event` into the open bar if it reached the app through another widget
        while the bar had the focus (typed before the focus moved to it)."""
        for bar in self._bars:
            if bar.came_elsewhere(event):
                bar.retype(event)
                return True
        return False

    async def filter_bar(self) -> FilterBar:
        from widgets.filter_bar import FilterBar

        found = next((b for b in self._bars if isinstance(b, FilterBar)), None)
        return found or await self._mount_bar(FilterBar(id="filter"))

    async def command_bar(self) -> CommandBar:
        from widgets.command_bar import CommandBar

        found = next((b for b in self._bars if isinstance(b, CommandBar)), None)
        return found or await self._mount_bar(CommandBar(self.complete_command, id="command"))

    async def _mount_bar(self, bar: BarT) -> BarT:
        """The `/` and `:` bars are imported and mounted the first time they open: two
        inputs in the first frame (their classes made, their CSS parsed, ten nodes styled)
        cost ~8 ms of every start, for keys many sessions never press. Their messages
        come to handlers named after them (no decorator needs the classes sooner)."""
        self._bars.append(bar)
        await self.mount(bar, before=self.query_one(Footer))
        return bar

    async def action_filter(self) -> None:
        name = self.focused_pane() or "vnets"
        if name == "peerings":
            name = "vnets"
        (await self.filter_bar()).open(name, FILTER_LABELS[name],
                                        self.state.filters.get(name, ""))
        self.mark_filter(name, self.state.filters.get(name, ""), typing=True)

    def on_filter_bar_filter_changed(self, event: FilterBar.FilterChanged) -> None:
        self.set_filter(event.target, event.text, typing=True)

    def on_filter_bar_filter_closed(self, event: FilterBar.FilterClosed) -> None:
        if event.cleared:
            self.set_filter(event.target, "")
        else:
            self.mark_filter(event.target, self.state.filters.get(event.target, ""))
        if event.target:
            self.pane(event.target).focus()

    # --- navigation --------------------------------------------------------------------

    def action_go_back(self) -> None:
        name = self.focused_pane()
        if name is None:
            return
        if self.state.filters.get(name):
            self.set_filter(name, "")
            return
        if name in ("vnets", "peerings") and self.history:
            # Back to the VNet a jump (enter on a peering, the palette) came from.
            self.jump_to_vnet(self.history.pop())
            return
        if name == "vms":
            self.vnets_pane.focus()
        elif name != PANE_ORDER[0]:
            self.pane(PANE_ORDER[PANE_ORDER.index(name) - 1]).focus()

    def action_focus_pane(self, name: str) -> None:
        if name == "peerings" and not self.details.peerings.display:
            self.notify("This VNet has no peerings.", markup=False)
            return
        self.pane(name).focus()

    # --- command mode ------------------------------------------------------------------

    async def action_command(self) -> None:
        (await self.command_bar()).open()

    def complete_command(self, line: str) -> str | None:
        from tui.explorer.commands import complete

        inv = self.state.inventory
        return complete(line, [v.name for v in inv.vnets], [vm.name for vm in inv.vms],
                        [s.name for s in inv.subscriptions])

    def on_command_bar_closed(self) -> None:
        self.vnets_pane.focus()

    async def on_command_bar_entered(self, event: CommandBar.Entered) -> None:
        self.vnets_pane.focus()
        from tui.explorer.commands import parse

        command = parse(event.line)
        if isinstance(command, str):
            self.notify(command, title="Command", severity="warning", markup=False)
            return
        await self.run_command(command)

    async def run_command(self, command: Command) -> None:
        """Carry out a parsed `:` command with the same actions the keys use."""
        name, args = command.name, command.args
        panes = {"vnets": "vnets", "vms": "vms", "peerings": "peerings"}
        if name in panes:
            self.action_focus_pane(panes[name])
        elif name == "subs":
            self.choose_subscription(" ".join(args))
        elif name == "filter":
            self.vnets_pane.focus()
            self.set_filter("vnets", " ".join(args))
        elif name == "peer":
            remote = self.vnet_named(args[0]) if args else None
            if args and remote is None:
                self.notify(f"No VNet named {args[0]}.", markup=False)
                return
            self.action_peer(remote)
        elif name == "check":
            self.check_from(*args)
        elif name == "quit":
            self.app.exit()
        elif name in ("address", "syncall"):
            await self.run_action("address_space" if name == "address" else "sync_all")
        elif name == "mesh" and args:
            found = [self.vnet_named(a) for a in args]
            missing = [a for a, v in zip(args, found, strict=True) if v is None]
            if missing:
                self.notify(f"No VNet named {', '.join(missing)}.", markup=False)
                return
            self.action_mesh([v for v in found if v is not None])
        elif name in ("hub", "disconnect"):
            await self.run_action("connect_spokes" if name == "hub" else "disconnect_spokes")
        else:
            await self.run_action(name)

    def vnet_named(self, name: str) -> VirtualNetwork | None:
        wanted = name.casefold()
        found = [v for v in self.state.inventory.vnets
                 if wanted in (v.name.casefold(), v.id.casefold())]
        return found[0] if len(found) == 1 else None

    def choose_subscription(self, name: str) -> None:
        if not name:
            key = ALL_KEY
        else:
            wanted = name.casefold()
            subs = [s for s in self.state.inventory.subscriptions
                    if s.name.casefold().startswith(wanted) or s.id.casefold() == wanted]
            if len(subs) != 1:
                found = ", ".join(s.name for s in subs) or "none"
                self.notify(f"Subscriptions matching {name!r}: {found}.", markup=False)
                return
            key = subs[0].id.casefold()
        self.subs_pane.select_key(key)
        self.vnets_pane.focus()

    def check_from(self, source: str, destination: str, port: str = "80") -> None:
        wanted = source.casefold()
        vms = [vm for vm in self.state.inventory.vms if vm.name.casefold() == wanted]
        if len(vms) != 1:
            self.notify(f"No single VM named {source} ({len(vms)} found).", markup=False)
            return
        self.jump_to_vm(vms[0].id.casefold())
        from widgets.check_screen import CheckScreen

        self.app.push_screen(CheckScreen(vms[0], self.state.inventory.vms, destination,
                                         int(port)), self.check_closed)

    def action_refresh(self) -> None:
        if not self.start_load():
            self.notify("Already refreshing.", markup=False)

    def action_help(self) -> None:
        from widgets.help_screen import HelpScreen

        self.app.push_screen(HelpScreen(self.help_entries()))

    def help_entries(self) -> list[HelpEntry]:
        """Keys as bound now (a user keymap included), grouped as KEYS groups them."""
        from widgets.help_screen import HelpEntry

        bound: dict[str, list[str]] = {}
        for key, active in self.active_bindings.items():
            bound.setdefault(active.binding.action, []).append(
                self.app.get_key_display(active.binding) if key == active.binding.key else key
            )
        entries = [HelpEntry("Navigation", keys, text) for keys, text in TABLE_KEYS]
        for group in ("Navigation", "Peerings", "Analysis", "General"):
            for spec in KEYS:
                if spec.group != group or not bound.get(spec.action):
                    continue
                keys = " / ".join(dict.fromkeys(bound[spec.action]))
                entries.append(HelpEntry(group, keys, spec.long))
        entries.append(HelpEntry("General", "ctrl+p", "Command palette: any action, any VNet"))
        entries.append(HelpEntry("Check screen", "n", "Probe with Network Watcher"))
        entries.append(HelpEntry("Check screen", "p", "Peer the two VNets it names"))
        entries.append(HelpEntry("Conflicts", "p", "Peer the row's VNet by subnets with the "
                                 "one it overlaps (the form pre-filled)"))
        entries.append(HelpEntry("Conflicts", "f", "Free ranges of a prefix length"))
        return entries

    def selected_resource_id(self) -> str | None:
        """The id of what the focused pane has selected (original casing)."""
        name = self.focused_pane() or "vnets"
        key = self.pane(name).selected_key
        if key is None:
            return None
        state = self.state
        if name == "subs":
            status = state.statuses.get(key)
            return f"/subscriptions/{status.subscription.id}" if status else None
        if name == "peerings":
            peering = self.details.selected_peering
            return str(peering.id) if peering else None
        item = state.inventory.vm(key) if name == "vms" else state.inventory.vnet(key)
        return str(item.id) if item else None

    def action_describe(self) -> None:
        """The selection as ARM returns it, read fresh."""
        resource_id = self.selected_resource_id()
        if resource_id is None or (resource_id.startswith("/subscriptions/") and \
                resource_id.count("/") == 2):
            self.notify("Select a VNet, a peering or a VM to describe.", markup=False)
            return
        from widgets.describe_screen import DescribeScreen

        kind = {"peerings": "Peering", "vms": "VM"}.get(self.focused_pane() or "", "VNet")
        screen = DescribeScreen(resource_id, kind, resource_id.rsplit("/", 1)[-1])
        self.app.push_screen(screen)
        self.read_description(screen)

    @work(group="describe", exclusive=True, exit_on_error=False,
          description="read the resource from ARM")
    async def read_description(self, screen: DescribeScreen) -> None:
        try:
            backend = await self.host.open_backend()
            body = await backend.get_resource_json(screen.resource_id)
        except VnettuiError as error:
            if screen.is_attached:
                screen.fail(str(error))
            return
        if screen.is_attached:
            screen.show(body)

    def action_copy_id(self) -> None:
        resource_id = self.selected_resource_id()
        if resource_id is None:
            self.notify("Nothing selected to copy.", markup=False)
            return
        self.app.copy_to_clipboard(resource_id)
        self.notify(resource_id, title="Copied", markup=False)

    def on_key(self, event: events.Key) -> None:
        """A dimmed write key is not silent: pressing it says why nothing happens."""
        active = self.active_bindings.get(event.key)
        if active is None or active.enabled or active.binding.action not in WRITE_ACTIONS:
            return
        why = self.state.read_only_reason(self.state.vnet_key)
        if why is not None:
            self.notify(why, title="Read-only", severity="warning", markup=False)
            record_refusal(active.binding.action, why, self.state.vnet_key)
