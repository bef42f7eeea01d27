"""Broadcast alerts' verbs: `/watch`, `/watches`, `/unwatch`."""

from __future__ import annotations

from core.commands import Command
from core.errors import UsageError
from core.inbound import Invocation
from core.products.shopping.commands import ListWatches, SetWatchLead, Unwatch, WatchProduct
from core.registration import DIRECT, Verb, Words

_LEAD = {"lead", "미리"}
_LIST = {"list", "목록"}
_REMOVE = {"remove", "cancel", "삭제", "취소", "해제"}


def _number(word: str, usage: str) -> int:
    word = word.removeprefix("#")
    if not word.isdecimal() or len(word) > 6 or int(word) == 0:
        raise UsageError(usage)
    return int(word)


def _watch(inv: Invocation) -> Command:
    if not inv.args:
        return ListWatches()
    head, rest = inv.args[0].lower(), inv.rest.split(None, 1)[1].strip() if len(inv.args) > 1 else ""
    if head in _LEAD:
        if not rest:
            raise UsageError("watch.lead_usage")
        return SetWatchLead(length=rest)
    if head in _LIST and not rest:
        return ListWatches()
    if head in _REMOVE and len(inv.args) == 2:
        return Unwatch(number=_number(inv.args[1], "unwatch.usage"))
    return WatchProduct(text=inv.rest.strip())


def _unwatch(inv: Invocation) -> Command:
    if len(inv.args) != 1:
        raise UsageError("unwatch.usage")
    return Unwatch(number=_number(inv.args[0], "unwatch.usage"))


VERBS: tuple[Verb, ...] = (
    Verb(
        name="watch",
        parse=_watch,
        usage_key="watch.usage",
        summary_key="watch.summary",
        where=DIRECT,  # a person's watches and alerts are their own: not listed in a group
        aliases=("관심",),
        words=Words(key="watch_what", required=False, max_length=100),
    ),
    Verb(
        name="watches",
        parse=lambda inv: ListWatches(),
        usage_key="watches.usage",
        summary_key="watches.summary",
        where=DIRECT,
        aliases=("관심목록",),
    ),
    Verb(
        name="unwatch",
        parse=_unwatch,
        usage_key="unwatch.usage",
        summary_key="unwatch.summary",
        where=DIRECT,
        aliases=("관심해제",),
        words=Words(key="watch_number", max_length=8),
    ),
)
