"""The explorer's fixtures (tests/tui) for the check screen's probe tests."""

from tests.tui.conftest import faults, make_app

__all__ = ["faults", "make_app"]
