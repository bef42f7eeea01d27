"""Slack adapter (slack-bolt) — this package so far holds the push messenger."""
