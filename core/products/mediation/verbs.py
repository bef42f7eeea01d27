"""Mediation's verbs: `/mediate` (open, join, name, cancel, resume, comic) in the group, `/side` in a direct chat."""

from __future__ import annotations

from core.commands import Command
from core.errors import UsageError
from core.inbound import Invocation
from core.products.mediation.commands import (
    AllowQuote,
    CancelMediation,
    DrawComic,
    GiveSide,
    JoinMediation,
    NameChild,
    OpenMediation,
    ResumeMediation,
)
from core.registration import BOTH, Verb, Words

_JOIN = {"join", "참여", "참가"}
_NAME = {"name", "이름"}
_CANCEL = {"cancel", "취소", "그만"}
_RESUME = {"resume", "재개", "계속"}
_COMIC = {"comic", "만화", "네컷"}
_QUOTE = {"quote", "인용"}
_YES = {"yes", "허락", "ok", "네"}
_NO = {"no", "거절", "아니요"}


def _mediate(inv: Invocation) -> Command:
    if not inv.args:
        return OpenMediation()
    head, rest = inv.args[0].lower(), inv.rest.split(None, 1)[1].strip() if len(inv.args) > 1 else ""
    if head in _NAME:
        if not rest:
            raise UsageError("mediation.name_usage")
        return NameChild(name=rest)
    if rest:
        raise UsageError("mediation.usage")
    if head in _JOIN:
        return JoinMediation()
    if head in _CANCEL:
        return CancelMediation()
    if head in _RESUME:
        return ResumeMediation()
    if head in _COMIC:
        return DrawComic()
    raise UsageError("mediation.usage")


def _side(inv: Invocation) -> Command:
    words = [word.lower() for word in inv.args]
    if (
        len(words) == 3
        and words[0] in _QUOTE
        and words[1] in _YES | _NO
        and words[2].isdecimal()
        and len(words[2]) < 19
    ):
        return AllowQuote(allowed=words[1] in _YES, session_id=int(words[2]))  # a button under a /side reply
    if len(words) == 2 and words[0] in _QUOTE and words[1] in _YES | _NO:  # its typed twin
        return AllowQuote(allowed=words[1] in _YES)
    return GiveSide(text=inv.rest)  # empty: the handler says what a side is


VERBS: tuple[Verb, ...] = (
    Verb(
        name="mediate",
        parse=_mediate,
        usage_key="mediation.usage",
        summary_key="mediation.summary",
        where=BOTH,  # in a direct chat: cancel and resume; the rest answers where to go
        aliases=("중재", "화해"),
        words=Words(key="mediate_args", required=False, max_length=40),
    ),
    Verb(
        name="side",
        parse=_side,
        usage_key="mediation.side_usage",
        summary_key="mediation.side_summary",
        where=BOTH,  # typed in the group it gets its own answer: a side belongs in the direct chat
        aliases=("내이야기", "입장"),
        words=Words(key="side_text", required=False, max_length=1500),
    ),
)
