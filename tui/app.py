"""The app shell: theme, keymap, the backend, signing in, and reporting errors.

Everything the person explores lives on its default screen, `tui.explorer.ExplorerScreen`.
The app holds what outlives a screen: the backend (opened in a worker after the first
frame, so the SDK import never delays it), the sign-in and device-code screens, and the
one place where errors become notifications or, for a bug, a clean non-zero exit with the
traceback in the log file.
"""

from __future__ import annotations

from tui import imports_paused  # noqa: F401 first: no collections while the modules below import

# isort: split

import asyncio
import contextlib
import dataclasses
import gc
import importlib
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import App, SystemCommand
from textual.screen import Screen

from tui import collector, memory, textual_private
from tui.errors import AuthError, VnettuiError
from tui.explorer.screen import ExplorerScreen
from tui.settings import Settings
from widgets.style import no_colour_theme

if TYPE_CHECKING:
    from textual.command import Provider

    from tui.azure.auth import DeviceCodePrompt
    from tui.explorer.cloud import Cloud
    from widgets.activity_screen import ActivityScreen
    from widgets.check_screen import CheckScreen
    from widgets.conflicts_screen import ConflictsScreen
    from widgets.device_code_screen import DeviceCodeScreen
    from widgets.palette import JumpTarget
    from widgets.signin_screen import Choice

# Modals are imported where they are opened: nothing but the explorer before the first frame.

collector.resume()

log = logging.getLogger(__name__)


def default_theme() -> str:
    """Textual's dark theme: every state also carries a symbol and a word, so it reads in
    256 colours too (SSH drops COLORTERM). `ansi-dark`, the terminal's own palette, is one
    `ctrl+p` "theme" away, or the `theme` setting."""
    return "textual-dark"


def _jump_provider() -> type[Provider]:
    """The palette's VNet/VM jumps, imported when the palette first opens."""
    from widgets.palette import JumpProvider

    return JumpProvider


def _import_backend(settings: Settings) -> Any:
    """`tui.azure`, with what opening it for `settings` imports (off the event loop)."""
    azure = importlib.import_module("tui.azure")
    azure.prepare(settings)
    return azure


class VnetTuiApp(App[int]):
    """The vnettui explorer."""

    # Absolute, so subclasses defined elsewhere still find it.
    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "vnettui"
    COMMANDS = App.COMMANDS | {_jump_provider}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide"), (140, "-wider"), (170, "-xwide")]  # noqa: RUF012

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Callable[[], float] = time.monotonic,
        keymap: dict[str, str] | None = None,
    ) -> None:
        super().__init__()
        # What is imported by now (Textual, the shell) lives as long as the app: the
        # collector need not scan it again (a full collection during start-up was ~30 ms).
        gc.freeze()
        # Nor scan the widgets, styles and strips of the first frame, nor the SDK's modules,
        # as they are made (~30 young collections before the frame, ~2.5 ms): collections
        # resume when the backend is open.
        self._until_first_frame = contextlib.ExitStack()
        self._until_first_frame.enter_context(collector.paused())
        self.settings = settings
        self.clock = clock
        self.backend: Cloud | None = None
        self.crash: BaseException | None = None  # a bug that ended the app (tui.commands)
        wanted = settings.theme or default_theme()
        self._theme_problem = ""
        if wanted not in self.available_themes:
            # A typo in the config file must not stop the explorer: say so once it is up.
            self._theme_problem = (
                f"Unknown theme {wanted!r}; using {default_theme()}. Themes: "
                + ", ".join(sorted(self.available_themes))
            )
            wanted = default_theme()
        self.theme = wanted
        if self.no_color:
            self.ansi_theme_dark = no_colour_theme()
        # The config file's [keymap], then any given here (binding id -> keys).
        if settings.keymap or keymap:
            self.set_keymap({**settings.keymap, **(keymap or {})})
        self._device_code: DeviceCodeScreen | None = None  # shown while signing in
        self._explorer = ExplorerScreen(settings, clock)

    def get_default_screen(self) -> Screen[None]:
        return self._explorer

    @property
    def explorer(self) -> ExplorerScreen:
        return self._explorer

    def on_key(self, event: events.Key) -> None:
        """Keys typed straight after `/` or `:` in one read (pasted, or fast over SSH) went
        to the pane that had the focus; they are typed into the bar instead of running
        as keys (widgets/typing_bar.py). Runs before App's own key handling."""
        if self.screen is self._explorer and self._explorer.typed_ahead(event):
            event.prevent_default()
            event.stop()

    def on_mount(self) -> None:
        if self._theme_problem:
            self.notify(self._theme_problem, title="Theme", severity="warning", markup=False)

    async def on_unmount(self) -> None:
        self._until_first_frame.close()  # the app ended before its backend opened
        if self.backend is not None:
            backend, self.backend = self.backend, None
            try:
                await backend.close()
            except Exception:
                log.exception("closing the backend")

    # --- the backend -------------------------------------------------------------------

    async def open_backend(self) -> Cloud:
        if self.backend is None:
            # Before the first worker thread: a load's page buffers go back to the system.
            # Not earlier: loading ctypes was ~2 ms of the first frame.
            memory.keep_big_buffers_apart()
            # Imported in a thread, so the first frame never waits for the SDK.
            azure = await asyncio.to_thread(_import_backend, self.settings)
            gc.freeze()  # likewise the SDK's modules, and the first frame's widgets
            if self.backend is None:
                backend: Cloud = azure.open_backend(
                    self.settings, device_code=self._show_device_code
                )
                self.backend = backend
        # Collections resume once the first frame and the SDK's imports are made and frozen
        # (the explorer opens the backend after its first frame).
        self._until_first_frame.close()
        return self.backend

    async def reopen(self, settings: Settings) -> None:
        """Close the backend and forget what it loaded, then load anew with `settings`
        (the sandbox instead of Azure, another way to sign in, or simply again)."""
        old, self.backend = self.backend, None
        if old is not None:
            try:
                await old.close()
            except Exception:
                log.exception("closing the backend")
        self.settings = settings
        self.explorer.restart(settings)

    # --- signing in --------------------------------------------------------------------

    def _show_device_code(self, prompt: DeviceCodePrompt) -> None:
        """The backend's device-code handler: the URL and code in a modal, never printed
        over the screen. It is called on the event loop but outside the app's context (a
        plain loop callback from the sign-in thread), so the work is posted to the app."""
        self.call_later(self._push_device_code, prompt)

    def _push_device_code(self, prompt: DeviceCodePrompt) -> None:
        from widgets.device_code_screen import DeviceCodeScreen

        self._close_device_code(signed_in=False)  # a newer code replaces an older one
        screen = DeviceCodeScreen(prompt.url, prompt.code, prompt.expires_on)
        self._device_code = screen
        self.push_screen(screen)

    def signed_in(self) -> None:
        self._close_device_code(signed_in=True)

    def _close_device_code(self, *, signed_in: bool) -> None:
        screen, self._device_code = self._device_code, None
        if screen is None or screen not in self.screen_stack:
            return  # never shown, or closed by the person (esc)
        screen.pop_until_active()
        if signed_in:
            screen.signed_in()
        else:
            screen.dismiss(False)

    def show_sign_in(self, error: BaseException) -> None:
        """Signing in failed: say what was tried and offer the ways forward."""
        from widgets.signin_screen import SignInScreen

        self._close_device_code(signed_in=False)
        log.warning("sign-in failed: %s", error)
        if isinstance(self.screen, SignInScreen):
            return
        message = error.message if isinstance(error, VnettuiError) else str(error)
        code = error.code if isinstance(error, VnettuiError) else ""
        self.push_screen(
            SignInScreen(message, code=code, device_code=self.settings.auth == "device-code"),
            self._sign_in_chosen,
        )

    def _sign_in_chosen(self, choice: Choice | None) -> None:
        if choice == "quit":
            self.exit(AuthError.exit_code)
            return
        if choice == "sandbox":
            settings = dataclasses.replace(self.settings, sandbox=True)
        elif choice == "device-code":
            settings = dataclasses.replace(self.settings, sandbox=False, auth="device-code")
        else:
            settings = self.settings
        self.run_worker(self.reopen(settings), name="reopen", group="reopen",
                        exit_on_error=False, description="open the backend")

    # --- modals speak to the explorer through the app ------------------------------------

    # (Handlers by name, so the modules of these screens load only when one opens.)

    def on_check_screen_changed(self, event: CheckScreen.Changed) -> None:
        from widgets.check_screen import CheckScreen

        if isinstance(self.screen, CheckScreen):
            self.explorer.answer_check(self.screen)

    def on_check_screen_probe_requested(self, event: CheckScreen.ProbeRequested) -> None:
        from widgets.check_screen import CheckScreen

        if isinstance(self.screen, CheckScreen):
            self.explorer.request_probe(self.screen, event.request)

    def on_conflicts_screen_free_range_requested(
        self, event: ConflictsScreen.FreeRangeRequested
    ) -> None:
        from widgets.conflicts_screen import ConflictsScreen

        if isinstance(self.screen, ConflictsScreen):
            self.explorer.free_range(self.screen, event.prefix_length, event.within,
                                     event.peerable)

    def on_activity_screen_refresh_requested(
        self, event: ActivityScreen.RefreshRequested
    ) -> None:
        from widgets.activity_screen import ActivityScreen

        if isinstance(self.screen, ActivityScreen):
            self.explorer.refresh_activity(self.screen)

    # The palette's "jump to VNet/VM by name" (widgets.palette.Jumpable).
    def jump_targets(self) -> Sequence[JumpTarget]:
        return self.explorer.jump_targets()

    def jump_to(self, target: JumpTarget) -> None:
        self.explorer.jump_to(target)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        explorer = self.explorer
        for title, help_text, action in explorer.palette_commands():
            yield SystemCommand(
                title, help_text,
                lambda action=action: explorer.run_palette_action(action),
            )

    # --- errors ------------------------------------------------------------------------

    def report_error(self, error: BaseException, *, title: str = "Error") -> None:
        """A readable notification (never markup, never a traceback); details to the log."""
        if isinstance(error, VnettuiError):
            message = str(error)
            log.warning("%s: %s", title, message)
        else:
            message = f"Unexpected error: {type(error).__name__}: {error}"
            log.error("%s", title, exc_info=error)
        self.notify(message, title=title, severity="error", markup=False, timeout=10)

    def on_crash(self, error: BaseException) -> None:
        """A bug reached the top: log the traceback (never printed over the terminal, and
        never with local variables, which may hold tokens) and end with a non-zero code."""
        if self.crash is None:
            self.crash = error
        log.critical("the explorer stopped on an unexpected error", exc_info=error)


textual_private.on_uncaught_exception(VnetTuiApp, VnetTuiApp.on_crash)
