"""The only code that talks to Azure: the async SDK clients, mapped to `tui.model`."""
