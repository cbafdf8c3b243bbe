"""Textual widgets and modal screens. They import `tui.model` only and post Messages."""
