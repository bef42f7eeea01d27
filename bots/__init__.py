"""Inbound platform adapters: they translate platform traffic to and from the core, and decide nothing."""
