"""The only code that talks to Azure: SDK clients in, `tui.model` objects out."""
