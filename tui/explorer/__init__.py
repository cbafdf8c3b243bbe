"""The explorer: a screen over pure state (`state`) and a pure poll policy (`scheduler`)."""
