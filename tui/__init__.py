"""vnettui: a keyboard-driven terminal explorer for Azure virtual networking."""

__version__ = "0.1.0"
