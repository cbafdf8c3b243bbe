"""`vnettui`: argument parsing, subcommand dispatch and exit codes.

Exit codes (DESIGN.md): 0 ok; 1 a negative verdict (conflicts found, not reachable);
2 bad input or a refused action; 3 a cloud or auth error, including a partial result.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from tui import __version__, notices, redact
from tui.commands import MODULES
from tui.config import interval_problem, load_config, merge, tenant_problem
from tui.errors import InputError, VnettuiError
from tui.resolve import checked
from tui.settings import INVENTORY_SOURCES, Settings, state_dir

EXIT_OK, EXIT_NEGATIVE, EXIT_INPUT, EXIT_CLOUD = 0, 1, 2, 3

AUTH_METHODS = ("default", "cli", "device-code", "browser", "env", "managed-identity")
CLOUDS = ("public", "usgov", "china")


class Parser(argparse.ArgumentParser):
    """An option error leads with the one line saying what is wrong; a short usage line
    follows (the full usage, with every global option, buries the error)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n{self.short_usage()}\n")

    def short_usage(self) -> str:
        words = [self.prog, "[options]"]
        for action in self._actions:
            if action.option_strings or action.help == argparse.SUPPRESS:
                continue
            if action.metavar:
                word = str(action.metavar)
            elif action.choices:
                word = "{" + ",".join(map(str, action.choices)) + "}"
            else:
                word = action.dest.upper()
            words.append(f"[{word}]" if action.nargs in ("?", "*") else word)
        return f"usage: {' '.join(words)}  (--help for more)"


def _interval(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    problem = interval_problem(value)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return value


_GROUP_ID = re.compile(r"[A-Za-z0-9_().-]{1,90}")


def management_group_problem(group: str) -> str | None:
    """Why a management group id cannot be one (Azure: up to 90 letters, digits, `-`,
    `_`, `(`, `)` and `.`), or None."""
    if not group:
        return "it is empty"
    if not _GROUP_ID.fullmatch(group) or group.endswith("."):
        return ("a management group id has up to 90 letters, digits, '-', '_', '(', ')' "
                "and '.' (not at the end)")
    return None


def global_options(suppress: bool) -> argparse.ArgumentParser:
    """The GLOBAL options, accepted before or after the subcommand.

    The copy attached to subcommands uses SUPPRESS defaults, so a value given before the
    subcommand is not overwritten by the subparser's default.
    """
    parser = Parser(add_help=False)
    default = argparse.SUPPRESS if suppress else None
    g = parser.add_argument_group("global options")
    g.add_argument("--sandbox", action="store_true", default=default or False,
                   help="use the sandbox cloud instead of Azure")
    g.add_argument("--sandbox-state", type=Path, metavar="PATH", default=default,
                   help="sandbox file (default: $VNETTUI_SANDBOX_STATE or the XDG state dir)")
    g.add_argument("--subscription", action="append", metavar="ID_OR_NAME", default=default,
                   help="only this subscription (repeatable)")
    g.add_argument("--management-group", action="append", metavar="ID", default=default,
                   help="only the subscriptions under this management group (repeatable; "
                        "needs Resource Graph)")
    g.add_argument("--inventory", choices=INVENTORY_SOURCES, default=default,
                   help="read the inventory through Resource Graph (graph), ARM per "
                        "subscription (arm), or graph when it can be used (auto, default)")
    g.add_argument("--read-only", action="store_true", default=default or False,
                   help="never send a write")
    # auth, cloud and interval default to None so the config file can fill them in
    # (tui.config.merge); settings_from applies the built-in defaults after that.
    g.add_argument("--auth", choices=AUTH_METHODS, default=default,
                   help="how to sign in (default: az login, env, managed identity...)")
    g.add_argument("--tenant", metavar="ID", default=default, help="sign in to this tenant")
    g.add_argument("--cloud", choices=CLOUDS, default=default, help="Azure cloud")
    g.add_argument("--interval", type=_interval, metavar="SECONDS",
                   default=default, help="live refresh interval, 1-3600 (default 5)")
    g.add_argument("--config", type=Path, metavar="PATH", default=default,
                   help="config file (default: the XDG config dir)")
    g.add_argument("--no-mouse", action="store_true", default=default or False,
                   help="leave the mouse to the terminal, so text can be selected")
    g.add_argument("--no-cache", action="store_true", default=default or False,
                   help="explorer: do not paint the last inventory at start, nor save it")
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="vnettui", parents=[global_options(suppress=False)],
        description="Explore Azure virtual networks, peerings, overlaps and reachability.",
    )
    parser.add_argument("--version", action="version", version=f"vnettui {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    parents = [global_options(suppress=True)]
    for name in MODULES:
        importlib.import_module(name).register(subparsers, parents)
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    """The command line over the config file (InputError naming the line if it is bad)."""
    given = {name for name in ("auth", "tenant", "cloud", "interval")
             if getattr(args, name, None) is not None}
    for ref in args.subscription or ():
        checked(ref, "--subscription")
    groups = tuple(dict.fromkeys(g.strip() for g in args.management_group or ()))
    for group in groups:
        if problem := management_group_problem(group):
            raise InputError(f"--management-group {group!r}: {problem}")
    if args.tenant is not None and (problem := tenant_problem(args.tenant)):
        raise InputError(f"--tenant: {problem}")
    cli = Settings(
        sandbox=bool(args.sandbox),
        sandbox_state=args.sandbox_state,
        subscriptions=tuple(args.subscription or ()),
        inventory=args.inventory or "auto",
        management_groups=groups,
        read_only=bool(args.read_only),
        auth=args.auth or "default",
        tenant=args.tenant,
        cloud=args.cloud or "public",
        interval=args.interval or 5.0,
        config_path=args.config,
        mouse=not args.no_mouse,
        cache=not args.no_cache,
    )
    return merge(load_config(args.config), cli, given)


def setup_logging() -> Path | None:
    """Log to a file under the XDG state dir; never to the terminal (it would corrupt the TUI)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    try:
        directory = state_dir()
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / "vnettui.log"
        file_handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        root.addHandler(logging.NullHandler())
        return None
    file_handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    root.addHandler(file_handler)
    redact.install(root)  # tokens, auth headers and secrets never reach the file
    root.setLevel(logging.INFO)
    # The SDK's HTTP logging policy logs headers at INFO; keep it to warnings.
    logging.getLogger("azure").setLevel(logging.WARNING)
    return path


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    setup_logging()
    handler = getattr(args, "handler", None)
    if handler is not None:
        notices.to_stderr()  # a command says on stderr when it waits; the explorer cannot
    try:
        settings = settings_from(args)
        if handler is None:
            from tui.commands.explore import run_explorer

            return run_explorer(settings)
        code: int = handler(args, settings)
        return code
    except VnettuiError as error:
        print(f"vnettui: {redact.redact(str(error))}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader (`head`, `less`) stopped reading: it has what it wanted. Point stdout
        # at devnull so the interpreter's last flush does not fail again on the way out.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
