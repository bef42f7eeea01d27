"""Outbound infrastructure behind the core's ports."""
