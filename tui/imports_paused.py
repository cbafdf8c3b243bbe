"""Imported first by `tui.app`: no cyclic collections while the app's modules import
(`tui.collector`; the app resumes them after its imports)."""

from tui import collector

collector.hold()
