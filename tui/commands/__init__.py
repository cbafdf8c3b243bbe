"""Subcommands of `vnettui`. Each module here has `register(subparsers, parents)`, which adds
its parser and sets `handler` to a function `(args, settings) -> int` (the exit code)."""

MODULES: tuple[str, ...] = (
    "tui.commands.sandbox_cmd",
    "tui.commands.list_cmd",
    "tui.commands.peer_cmd",
    "tui.commands.edit_cmd",
    "tui.commands.bulk_cmd",
    "tui.commands.check_cmd",
    "tui.commands.conflicts_cmd",
    "tui.commands.free_cmd",
    "tui.commands.address_cmd",
    "tui.commands.topology_cmd",
)
