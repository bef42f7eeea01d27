"""Helpers every platform adapter shares: text splitting, streaming-edit pacing."""
