"""The verb table: text, slash commands and button actions all become Commands here. The verbs themselves come
from the products' registrations (`core/products/`); this module reads them, never lists them."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from core.commands import Command
from core.domain.values import ChatKind
from core.errors import UsageError
from core.inbound import Invocation
from core.registration import Verb

ACTION_PREFIX = "mm"
ACTION_MAX_BYTES = 64  # Telegram callback_data; Slack and Discord allow more

_COMMAND = re.compile(r"^/(?P<verb>[^\s@]+)(?:@(?P<bot>\S+))?(?P<rest>.*)$", re.DOTALL)


def no_args(command: Command) -> Callable[[Invocation], Command]:
    return lambda _inv: command


def cursor(inv: Invocation) -> int | None:
    """The keyset cursor a "more" button carries (an id); typed words are ignored."""
    if inv.args and inv.args[0].isdecimal() and len(inv.args[0]) < 19:
        return int(inv.args[0])
    return None


def number(word: str, usage: str) -> int:
    """A typed number ("3" or "#3"), else the usage line `usage`."""
    word = word.removeprefix("#")
    if not word.isdecimal() or len(word) > 18:
        raise UsageError(usage)
    return int(word)


class VerbTable:
    """Every verb of the registered products, by name and alias; a name taken twice is a mistake at start."""

    def __init__(self, verbs: Iterable[Verb]) -> None:
        self.verbs = tuple(verbs)
        self._by_name: dict[str, Verb] = {}
        for verb in self.verbs:
            for name in (verb.name, *verb.aliases):
                if name.lower() in self._by_name:
                    raise ValueError(f"the verb name {name!r} is registered twice")
                self._by_name[name.lower()] = verb

    def listed(self) -> tuple[Verb, ...]:
        return tuple(v for v in self.verbs if v.listed)

    def lookup(self, name: str) -> Verb | None:
        return self._by_name.get(name.lower())

    def to_command(self, inv: Invocation, chat_kind: ChatKind) -> Command:
        verb = self.lookup(inv.verb)
        if verb is None:
            raise UsageError("unknown_verb", verb=inv.verb[:32])
        if chat_kind not in verb.where:
            raise UsageError("direct_only", verb=verb.name)
        return verb.parse(inv)

    def decode_action(self, data: str) -> Invocation:
        """A button's action id back into an Invocation; anything unrecognised is an expired button."""
        parts = data.split(":")
        if len(parts) < 2 or parts[0] != ACTION_PREFIX or self.lookup(parts[1]) is None:
            raise UsageError("action.expired")
        return Invocation(verb=parts[1], args=tuple(parts[2:]), rest=" ".join(parts[2:]))


def parse_text(text: str) -> Invocation | None:
    """ "/verb@bot a b" → Invocation; plain text → None."""
    match = _COMMAND.match(text.strip())
    if match is None:
        return None
    rest = match.group("rest").strip()
    return Invocation(verb=match.group("verb").lower(), args=tuple(rest.split()), rest=rest)


def encode_action(verb: str, *args: str) -> str:
    encoded = ":".join((ACTION_PREFIX, verb, *args))
    if len(encoded.encode()) > ACTION_MAX_BYTES:
        raise ValueError(f"action id over {ACTION_MAX_BYTES} bytes: {verb}")
    return encoded
