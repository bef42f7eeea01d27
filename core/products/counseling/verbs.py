"""The counseling product's verbs: what its commands look like typed, pressed or sent as slash commands."""

from __future__ import annotations

from core.commands import Command
from core.domain.values import Persona, WorryId
from core.errors import UsageError
from core.inbound import Invocation
from core.products.counseling.commands import AskWorry, MarkHelpful, StartNewConversation
from core.registration import Verb, Words
from core.routing import no_args


def _worry(inv: Invocation) -> Command:
    if not inv.rest.strip():
        raise UsageError("worry.usage")
    return AskWorry(text=inv.rest.strip())


def _helpful(inv: Invocation) -> Command:
    if len(inv.args) == 2 and inv.args[0] in {"F", "T"} and inv.args[1].isdecimal() and len(inv.args[1]) < 19:
        return MarkHelpful(persona=Persona(inv.args[0]), worry_id=WorryId(int(inv.args[1])))
    raise UsageError("action.expired")


VERBS: tuple[Verb, ...] = (
    Verb(
        name="worry",
        parse=_worry,
        usage_key="worry.usage",
        summary_key="worry.summary",
        aliases=("고민",),
        words=Words(key="text", max_length=2_000),
    ),
    Verb(
        name="new",
        parse=no_args(StartNewConversation()),
        usage_key="new.usage",
        summary_key="new.summary",
        aliases=("새로",),
    ),
    Verb(name="helpful", parse=_helpful, usage_key="action.expired", summary_key="helpful.summary", listed=False),
)
