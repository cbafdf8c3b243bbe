"""The visual vocabulary shared by every pane: how a state, a power state or a mark looks.

Colours are the 16 ANSI names, so they hold up over SSH without COLORTERM (256 colours)
and follow the terminal's palette with the `ansi-dark` theme. Colour is never alone:
every state also has a symbol and a word.
"""

from __future__ import annotations

from functools import lru_cache

from rich.terminal_theme import TerminalTheme
from rich.text import Text

from tui.model import Peering, PeeringState, PowerState
from tui.peering_words import access_words, gateway_words, sync_words

OK_STYLE = "green"
WARN_STYLE = "yellow"
# Problems stand out by weight too: NO_COLOR and 8-colour terminals keep bold.
BAD_STYLE = "bold red"
BUSY_STYLE = "blue"
DIM_STYLE = "dim"

_STATE_LOOK: dict[PeeringState, tuple[str, str]] = {
    PeeringState.CONNECTED: ("●", OK_STYLE),
    PeeringState.INITIATED: ("◐", WARN_STYLE),
    PeeringState.DISCONNECTED: ("✗", BAD_STYLE),
    PeeringState.UNKNOWN: ("?", DIM_STYLE),
}

_POWER_STYLE: dict[PowerState, str] = {
    PowerState.RUNNING: OK_STYLE,
    PowerState.STARTING: BUSY_STYLE,
    PowerState.STOPPING: BUSY_STYLE,
    PowerState.DEALLOCATING: BUSY_STYLE,
    PowerState.STOPPED: BAD_STYLE,
    PowerState.DEALLOCATED: BAD_STYLE,
    PowerState.UNKNOWN: DIM_STYLE,
}


def updating(peering: Peering) -> bool:
    """A write on this link has not settled yet (ARM's provisioningState)."""
    return peering.provisioning_state.lower() not in ("succeeded", "failed", "")


def state_text(peering: Peering) -> Text:
    """`● Connected`, `◐ Initiated`, `✗ Disconnected` or `◌ Updating`, coloured."""
    if updating(peering):
        return Text("◌ Updating", style=BUSY_STYLE)
    symbol, style = _STATE_LOOK[peering.state]
    return Text(f"{symbol} {peering.state.value}", style=style)


def sync_text(peering: Peering) -> Text:
    """The sync level in words, loud only when a sync is needed."""
    return Text(sync_words(peering.sync_level),
                style=WARN_STYLE if peering.needs_sync else DIM_STYLE)


def flags_text(peering: Peering) -> Text:
    """The four settings in words; only what differs from a plain link is loud."""
    words = access_words(peering.flags) + gateway_words(peering.flags)
    text = Text()
    for i, word in enumerate(words):
        if i:
            text.append(" · ", style=DIM_STYLE)
        style = {"access": DIM_STYLE, "no access": BAD_STYLE}.get(word, "")
        text.append(word, style=style)
    return text


def peerings_summary(peerings: tuple[Peering, ...]) -> Text:
    """The VNet pane's ⇄ cell: the count, plus a mark for the worst state among them."""
    if any(p.state == PeeringState.DISCONNECTED for p in peerings):
        mark = ("✗", BAD_STYLE)
    elif any(updating(p) for p in peerings):
        mark = ("◌", BUSY_STYLE)
    elif any(p.state == PeeringState.INITIATED for p in peerings):
        mark = ("◐", WARN_STYLE)
    elif any(p.needs_sync for p in peerings):
        mark = ("⟳", WARN_STYLE)
    else:
        mark = ("●", OK_STYLE) if peerings else ("", "")
    return _summary(len(peerings), *mark)


@lru_cache(maxsize=1024)
def _summary(count: int, mark: str, style: str) -> Text:
    text = Text(str(count))
    if mark:
        text.append(f" {mark}", style=style)
    return text


def power_text(state: PowerState) -> Text:
    return Text(state.value, style=_POWER_STYLE[state])


def plain(value: str | None, style: str = "") -> Text:
    """Remote text (names, messages) as a Text, so `[` and `]` are never read as markup."""
    return Text(value or "", style=style, no_wrap=True, overflow="ellipsis")


@lru_cache(maxsize=4096)
def shared(value: str, style: str = "") -> Text:
    """`plain` for a value many rows repeat (a region, a resource group): one Text for all
    of them. Cells are never changed in place (drawing copies them), so they can be shared;
    10,000 VNet rows then hold about 20,000 Text objects instead of 50,000."""
    return plain(value, style)


def no_colour_theme() -> TerminalTheme:
    """The ANSI palette under NO_COLOR, where Textual draws every colour as a grey of its
    brightness: red and yellow (problems and warnings) become the brightest text on screen
    instead of the faintest, so with their bold and their symbols they still stand out.
    Everything else keeps the usual dark palette's brightness."""
    bright = (255, 255, 255)
    normal = [(26, 26, 26), bright, (152, 224, 36), bright, (157, 101, 255), (244, 0, 95),
              (88, 209, 235), (196, 197, 181)]
    lighter = [(98, 94, 76), bright, (190, 237, 95), bright, (170, 126, 255), (255, 85, 160),
               (122, 223, 244), (248, 248, 242)]
    return TerminalTheme((12, 12, 12), (200, 200, 200), normal, lighter)
