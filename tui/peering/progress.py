"""The events a running operation reports, so the modal and the CLI can show each step as it
happens.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from tui.model import Peering
from tui.peering.plan import PlannedLink


class Stage(enum.StrEnum):
    SENDING = "sending"
    RETRYING = "retrying"
    DONE = "done"
    FAILED = "failed"
    STATE = "state"  # a re-read showed a link's state
    DELETING = "deleting"
    DELETED = "deleted"
    SYNCING = "syncing"
    INFO = "info"


@dataclass(frozen=True)
class ProgressEvent:
    stage: Stage
    message: str
    link: PlannedLink | None = None
    peering: Peering | None = None


ProgressCallback = Callable[[ProgressEvent], None]


def _emit(on_progress: ProgressCallback | None, event: ProgressEvent) -> None:
    if on_progress is not None:
        on_progress(event)
