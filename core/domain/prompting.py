"""Prompt hygiene every feature that sends user text to a model follows."""

from __future__ import annotations


def delimit(text: str) -> str:
    """Wrap user text as data; a closing tag inside it cannot end the data block early."""
    cleaned = text.replace("<worry>", "‹worry›").replace("</worry>", "‹/worry›")
    return f"<worry>\n{cleaned}\n</worry>"
