"""The explorer's fixtures (tests/tui) for the check screen's probe tests."""

from tests.tui.conftest import make_app

__all__ = ["make_app"]
