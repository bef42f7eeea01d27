"""Couple mediation's rules, pure: a session's life and timing, the couple and its child's name, the push keys,
and the two checks every post of the child must pass — it quotes no private side (no run of QUOTE_RUN characters,
spaces ignored, from a side whose partner did not allow quoting) and it takes no side."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Final

from core.domain.values import Locale, UserId

REMIND_AFTER: Final = timedelta(hours=3)  # one reminder to a partner whose side has not come
EXPIRE_AFTER: Final = timedelta(days=1)  # then the session closes politely
# Both sides in but no post this long after the last one (a crash, a failure mid-way): the clock posts it.
STUCK_AFTER: Final = timedelta(minutes=2)
QUOTE_RUN: Final = 8
MAX_SIDE: Final = 1500
MAX_CHILD_NAME: Final = 12
PARTNERS: Final = 2


class State(StrEnum):
    OPEN = "open"  # waiting for the partner to join and for both sides
    POSTED = "posted"  # the child has posted to the group
    CANCELLED = "cancelled"
    EXPIRED = "expired"


@dataclass(frozen=True, kw_only=True)
class Couple:
    """The two people who mediate in one group chat: the opener of its first session and the first to join it."""

    id: int
    platform: str
    chat_id: str
    first_id: UserId
    second_id: UserId
    child_name: str | None  # None: the default (아이 / Ai)
    first_name: str = "?"
    second_name: str = "?"

    @property
    def partners(self) -> tuple[UserId, UserId]:
        return (self.first_id, self.second_id)


@dataclass(frozen=True, kw_only=True)
class SideNote:
    name: str
    summary: str
    need: str


@dataclass(frozen=True, kw_only=True)
class Post:
    """What the child says to the group, in parts (the model's JSON, or the offline reading), and as posted."""

    greeting: str
    first: SideNote
    second: SideNote
    compromise: str
    closing: str
    offline: bool
    text: str = ""  # rendered, as posted

    def to_json(self) -> str:
        data: dict[str, Any] = {
            "greeting": self.greeting,
            "first": vars(self.first),
            "second": vars(self.second),
            "compromise": self.compromise,
            "closing": self.closing,
            "offline": self.offline,
            "text": self.text,
        }
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_json(cls, raw: str) -> Post:
        data = json.loads(raw)
        return cls(
            greeting=data["greeting"],
            first=SideNote(**data["first"]),
            second=SideNote(**data["second"]),
            compromise=data["compromise"],
            closing=data["closing"],
            offline=bool(data["offline"]),
            text=data.get("text", ""),
        )


@dataclass(frozen=True, kw_only=True)
class Session:
    id: int
    platform: str
    chat_id: str
    chat_title: str | None
    couple_id: int | None  # set once the second partner joins
    child_name: str | None  # the couple's, when it has one
    opened_by: UserId
    state: State
    locale: Locale  # the opener's: the language of what the child posts to the group
    opened_at: datetime
    expires_at: datetime
    closed_at: datetime | None = None
    post: Post | None = None


@dataclass(frozen=True, kw_only=True)
class Side:
    """A partner in a session and what they told the child (kept only while the session is open)."""

    session_id: int
    user_id: UserId
    name: str
    joined_at: datetime
    text: str | None
    given_at: datetime | None
    quote_ok: bool
    paused_at: datetime | None  # their side was a crisis: nothing is asked of them until /mediate resume

    @property
    def awaited(self) -> bool:
        return self.given_at is None and self.paused_at is None


# --- push keys: every push of a session starts with session_key, so closing it withdraws what is still unsent ------


def session_key(session_id: int) -> str:
    return f"mediation:{session_id}:"


def ask_key(session_id: int, user_id: UserId, round_: int = 0) -> str:
    return f"{session_key(session_id)}ask:{user_id}:{round_}"


def remind_key(session_id: int, user_id: UserId | None = None) -> str:
    """One partner's reminder; without a partner, the prefix of both. Keys end in ':' because the outbox withdraws
    by prefix: user 12's must not take user 123's with it."""
    return f"{session_key(session_id)}remind:" + (f"{user_id}:" if user_id is not None else "")


def post_key(session_id: int) -> str:
    return f"{session_key(session_id)}post"


def closed_key(session_id: int) -> str:
    return f"{session_key(session_id)}closed"


def reminder_due(asked_at: datetime, expires_at: datetime) -> datetime | None:
    """When a partner asked at `asked_at` is reminded; None when that would fall after the session's end."""
    due = asked_at + REMIND_AFTER
    return due if due < expires_at else None


# --- the child's name -------------------------------------------------------------------------------------------


def clean_child_name(raw: str) -> str | None:
    """A name to call the child by: letters (any script), digits, spaces and a few marks, at most MAX_CHILD_NAME
    characters; None for anything else (a mention, a link, markup)."""
    name = " ".join(unicodedata.normalize("NFC", raw).split())
    if not name or len(name) > MAX_CHILD_NAME:
        return None
    if not all(ch.isalnum() or ch in " -'·" for ch in name) or not any(ch.isalpha() for ch in name):
        return None
    return name


# --- the no-quote check ------------------------------------------------------------------------------------------


def _squeezed(text: str) -> str:
    return "".join(text.split()).casefold()


def quotes(side: str, post: str, *, run: int = QUOTE_RUN) -> bool:
    """True when `post` carries a run of `run` characters of `side`, spaces ignored (and case, for English)."""
    source, target = _squeezed(side), _squeezed(post)
    if len(source) < run or len(target) < run:
        return False
    grams = {source[i : i + run] for i in range(len(source) - run + 1)}
    return any(target[i : i + run] in grams for i in range(len(target) - run + 1))


def quoted_sides(post: str, sides: list[tuple[str, bool]]) -> list[int]:
    """Which sides (text, quoting allowed) the post quotes without leave, by index."""
    return [n for n, (text, allowed) in enumerate(sides) if not allowed and quotes(text, post)]


# --- the taking-sides check --------------------------------------------------------------------------------------

# A verdict on who is right, who is to blame, who should give in. A nearby negation ("누구의 잘못도 아니에요",
# "neither of you is wrong") is not one.
_JUDGING: Final = re.compile(
    r"잘못(?:했|한|이|을|은|인)|탓(?:이|을|으로|이에요|이야)|(?:말|생각|쪽|입장|주장)[이가은는]\s*(?:더\s*)?(?:맞|옳)"
    r"|옳(?:아요|다|은\s*쪽|았)|틀렸|이기적|너무했|욕심|사과(?:해야|하세요|부터)|반성(?:해야|하세요)"
    r"|편을\s*들|편이에요|편일게요|편이야|(?:더|훨씬)\s*(?:잘못|문제)|이겼|양보해야"
    r"|\b(?:is|are|was|were)\s+(?:right|wrong)\b|\bfault\b|\bto blame\b|\bselfish\b|\bunreasonable\b"
    r"|\boverreact|\bshould apologi[sz]e\b|\bowes?\s+\w+\s+an apology\b|\bsides? with\b|\bon \w+'s side\b"
    r"|\bin the wrong\b|\bneeds? to give in\b",
    re.IGNORECASE,
)
_NEGATION: Final = re.compile(r"아니|없|않|\bnot\b|n't\b|\bneither\b|\bnobody\b|\bno one\b|\bnever\b", re.IGNORECASE)
_NEGATION_BEFORE: Final = 24
_NEGATION_AFTER: Final = 14
_LOPSIDED: Final = 3  # one summary this many times longer than the other tells one side more fully
_LOPSIDED_FROM: Final = 60


def takes_sides(post: Post) -> str | None:
    """What in the post judges a partner (for asking the model again), or None when it stays neutral."""
    parts = (post.greeting, post.first.summary, post.first.need, post.second.summary, post.second.need)
    text = "\n".join((*parts, post.compromise, post.closing))
    for found in _JUDGING.finditer(text):
        before = text[max(0, found.start() - _NEGATION_BEFORE) : found.start()]
        after = text[found.end() : found.end() + _NEGATION_AFTER]
        clause_before = re.split(r"[.!?\n]", before)[-1]
        clause_after = re.split(r"[.!?\n]", after)[0]
        if _NEGATION.search(clause_before) or _NEGATION.search(clause_after):
            continue
        return "it judges who is right or to blame, or tells one partner to give in"
    shorter, longer = sorted((len(post.first.summary), len(post.second.summary)))
    if longer >= _LOPSIDED_FROM and shorter * _LOPSIDED < longer:
        return "one partner's side is told far more fully than the other's"
    return None
