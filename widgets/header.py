"""The one-line header: where the data comes from, counts, conflicts, badges, data age."""

from __future__ import annotations

from typing import NamedTuple

from rich.text import Text
from textual.widgets import Static

from widgets.style import BAD_STYLE, DIM_STYLE, OK_STYLE, WARN_STYLE, plain


class HeaderInfo(NamedTuple):
    """What the header shows; equal infos are not drawn again."""

    source: str  # "sandbox" or the tenant
    subscriptions: int = 0
    vnets: int = 0
    vms: int = 0
    conflicts: int | None = None  # VNets whose space overlaps another's; None: not known
    read_only: bool = False
    age: str = ""  # "updated 3s ago"; empty while nothing is loaded
    activity: str = ""  # "loading AZ-303 Lab…", "refreshing…"
    rate: int | None = None  # requests sent in the last minute; None before any backend
    throttled: bool = False  # Azure answered 429 within the last minute
    failed: int = 0  # subscriptions that could not be read
    compact: bool = False  # a narrow terminal: shorter words, so the data age still fits
    trail: str = ""  # breadcrumbs: "AZ-303 Lab › vnet1 › 1and2"


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def header_text(info: HeaderInfo) -> Text:
    sep = Text(" · ", style=DIM_STYLE)
    text = Text() if info.compact else Text.assemble(Text("vnettui", style="bold"), sep)
    text.append_text(plain(info.source))
    if info.trail:
        text.append_text(sep)
        text.append_text(plain(info.trail, "bold"))
    # Narrow, with a trail to show: the counts give way (the panes show them).
    parts = [] if info.compact and info.trail else [
        Text(_count(info.subscriptions, "sub" if info.compact else "subscription")),
        Text(_count(info.vnets, "VNet")),
        Text(_count(info.vms, "VM")),
    ]
    if info.conflicts is not None:
        style = BAD_STYLE if info.conflicts else OK_STYLE
        words = f"{info.conflicts} overlapping" if info.conflicts else "no overlaps"
        parts.append(Text(words, style=style))
    if info.failed:
        parts.append(Text(f"{info.failed} unreadable", style=BAD_STYLE))
    for part in parts:
        text.append_text(sep)
        text.append_text(part)
    if info.read_only:
        text.append(" ")
        text.append(" READ-ONLY ", style=f"bold reverse {WARN_STYLE}")
    if info.activity:
        if info.age.startswith("cached"):  # what is shown is the last run's, say how old
            text.append_text(sep)
            text.append(info.age, style=WARN_STYLE)
        text.append_text(sep)
        text.append_text(plain(info.activity, WARN_STYLE))
    elif info.age:
        text.append_text(sep)
        age = info.age.removeprefix("updated ") if info.compact else info.age
        text.append(age, style=DIM_STYLE)
    if info.rate is not None:  # the read quota being burnt, always in sight
        text.append_text(sep)
        text.append(f"{info.rate:,}/min" if info.compact else f"{info.rate:,} req/min",
                    style=DIM_STYLE)
    if info.throttled:
        text.append_text(sep)
        text.append("throttled", style=f"bold {WARN_STYLE}")
    return text


def age_text(seconds: float) -> str:
    """`updated just now`, `updated 42s ago`, `updated 3m ago`, `updated 2h ago`."""
    if seconds < 2:
        return "updated just now"
    if seconds < 90:
        return f"updated {int(seconds)}s ago"
    if seconds < 90 * 60:
        return f"updated {int(seconds // 60)}m ago"
    return f"updated {int(seconds // 3600)}h ago"


class StatusHeader(Static):
    """Shows a HeaderInfo; the app sets it whenever counts, activity or age change."""

    def __init__(self, info: HeaderInfo | None = None, *, id: str | None = None) -> None:
        self.info = info or HeaderInfo(source="")
        super().__init__(header_text(self.info) if info else "", id=id)

    def show(self, info: HeaderInfo) -> None:
        if info != self.info:
            self.info = info
            # One line as wide as the screen whatever it says: a repaint, never a layout
            # of the whole screen (several per load, and one a second for the age).
            self.update(header_text(info), layout=False)
