"""SVG screenshots of the explorer, made from the showcase sandbox by `make screenshots`."""
