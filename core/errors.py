"""Errors carry a message key and parameters; core.dispatch maps them to the user's language."""

from __future__ import annotations


class MaeumError(Exception):
    """An expected failure the user should hear about in their own language."""

    def __init__(self, key: str, /, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


class UsageError(MaeumError):
    """A command was given the wrong arguments; the reply is the verb's usage line."""


class LimitExceeded(MaeumError):
    """Input too large, quota used up, budget spent."""


class NotFound(MaeumError):
    pass


class LanguageModelUnavailable(Exception):
    """The LLM endpoint failed after its retries; callers fall back, never go silent."""


class SettingsError(Exception):
    """Configuration is invalid; the message names every bad variable in plain words."""
