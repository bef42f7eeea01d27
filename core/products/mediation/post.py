"""The child's post to the group: rendered from its parts (the model's, or the offline reading of both sides), and
checked — no private side quoted without leave, no side taken.

The offline post is built from what each side is about, how its partner seems to feel and what they ask for (see
reading.py), in the catalog's own words; it must pass the same no-quote check as the model's. When a side happens
to hold the catalog's own phrasing, a plainer version is tried, and as a last resort the lines carrying a quoted run
are left out, so the post never carries one."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Final, Protocol

from core.products.mediation.domain import Post, SideNote, quoted_sides
from core.products.mediation.reading import SideReading, Topic, read_side


class Say(Protocol):
    """A catalog text in the session's language."""

    def __call__(self, key: str, /, **params: object) -> str: ...


@dataclass(frozen=True, kw_only=True)
class Told:
    """A partner's side as the post is composed from it."""

    name: str
    text: str
    quote_ok: bool


GENERAL: Final = "general"
BARE_POST: Final = "👶 🤝 💛"  # shorter than any quoted run: what is left when every line had to go

# A partner's side without a clear feeling of their own: the feeling the topic usually carries.
_FEELING_OF_TOPIC: Final = {
    Topic.TOGETHER: "sadness",
    Topic.REST: "tiredness",
    Topic.WORK: "tiredness",
    Topic.CHORES: "anger",
    Topic.MONEY: "anxiety",
    Topic.CONTACT: "anxiety",
    Topic.FAMILY: "heavy",
    Topic.FRIENDS: "sadness",
    Topic.SCREENS: "sadness",
}
_BUSY: Final = frozenset({Topic.REST, Topic.WORK})
_BLANK_LINES: Final = re.compile(r"\n{3,}")


def render(post: Post, *, child: str, say: Say) -> str:
    text = say(
        "mediation.post",
        child=child,
        greeting=post.greeting,
        first=post.first.name,
        first_summary=post.first.summary,
        first_need=post.first.need,
        second=post.second.name,
        second_summary=post.second.summary,
        second_need=post.second.need,
        compromise=post.compromise,
        closing=post.closing,
    )
    return _BLANK_LINES.sub("\n\n", text).strip()  # a part left out leaves no hole


def problems_with(post: Post, sides: tuple[Told, Told]) -> list[int]:
    """The sides (by index) the rendered post quotes without leave."""
    return quoted_sides(post.text, [(side.text, side.quote_ok) for side in sides])


def _topic_phrase(reading: SideReading, say: Say, *, plain: bool) -> str:
    topics = () if plain else reading.topics[:2]
    if not topics:
        return say("mediation.topic.general")
    if len(topics) == 1:
        return say(f"mediation.topic.{topics[0]}")
    return say(
        "mediation.offline.two_topics", a=say(f"mediation.topic.{topics[0]}"), b=say(f"mediation.topic.{topics[1]}")
    )


def _summary(name: str, reading: SideReading, say: Say, *, plain: bool) -> str:
    if reading.feeling is not None:
        feeling = reading.feeling.value
    else:
        feeling = _FEELING_OF_TOPIC[reading.main] if reading.main is not None else "mixed"
    return say(
        "mediation.offline.summary",
        name=name,
        topics=_topic_phrase(reading, say, plain=plain),
        feeling=say(f"mediation.feeling.{feeling}"),
    )


def _compromise(first: tuple[Told, Topic | None], second: tuple[Told, Topic | None], say: Say) -> str:
    """One concrete thing to try that answers both needs: a fitting pair's own, else the two needs' small steps."""
    (a, need_a), (b, need_b) = first, second
    pair = {need_a, need_b}
    for one, other, need_one, need_other in ((a, b, need_a, need_b), (b, a, need_b, need_a)):
        if need_one is Topic.TOGETHER and need_other in _BUSY:
            return say("mediation.compromise.together_rest", a=one.name, b=other.name)
        if need_one is Topic.CHORES and need_other in _BUSY:
            return say("mediation.compromise.chores_busy", a=one.name, b=other.name)
        if need_one is Topic.CONTACT and need_other in _BUSY:
            return say("mediation.compromise.contact_busy", a=one.name, b=other.name)
        if need_one is Topic.TOGETHER and need_other in (Topic.FRIENDS, Topic.SCREENS):
            return say(f"mediation.compromise.together_{need_other}", a=one.name, b=other.name)
    if len(pair) == 1:
        return say("mediation.compromise.same", step=say(f"mediation.step.{need_a or GENERAL}"))
    return say(
        "mediation.compromise.two_steps",
        a=a.name,
        b=b.name,
        step_a=say(f"mediation.step.{need_a or GENERAL}"),
        step_b=say(f"mediation.step.{need_b or GENERAL}"),
    )


def _offline(sides: tuple[Told, Told], *, child: str, say: Say, plain: bool) -> Post:
    readings = tuple(read_side(side.text) for side in sides)
    needs = tuple(None if plain else reading.main for reading in readings)
    notes = tuple(
        SideNote(
            name=side.name,
            summary=_summary(side.name, reading, say, plain=plain),
            need=say(f"mediation.need.{need or GENERAL}"),
        )
        for side, reading, need in zip(sides, readings, needs, strict=True)
    )
    post = Post(
        greeting=say("mediation.offline.greeting", child=child),
        first=notes[0],
        second=notes[1],
        compromise=_compromise((sides[0], needs[0]), (sides[1], needs[1]), say),
        closing=say("mediation.offline.closing"),
        offline=True,
    )
    return replace(post, text=render(post, child=child, say=say))


def offline_post(sides: tuple[Told, Told], *, child: str, say: Say) -> Post:
    """The scripted post, built from both sides; it never quotes either. A part that happens to repeat a side (a
    side may share a phrase with the catalog's words) gives way to its plainer form, or is left out."""
    post = _offline(sides, child=child, say=say, plain=False)
    if not problems_with(post, sides):
        return post
    told = [(side.text, side.quote_ok) for side in sides]
    plain = _offline(sides, child=child, say=say, plain=True)

    def part(full: str, plainer: str) -> str:
        return next((text for text in (full, plainer) if not quoted_sides(text, told)), "")

    def note(full: SideNote, plainer: SideNote) -> SideNote:
        return SideNote(name=full.name, summary=part(full.summary, plainer.summary), need=part(full.need, plainer.need))

    post = Post(
        greeting=part(post.greeting, ""),
        first=note(post.first, plain.first),
        second=note(post.second, plain.second),
        compromise=part(post.compromise, plain.compromise),
        closing=part(post.closing, ""),
        offline=True,
    )
    post = replace(post, text=render(post, child=child, say=say))
    if not problems_with(post, sides):
        return post
    kept = [line for line in post.text.split("\n") if not quoted_sides(line, told)]
    while kept and quoted_sides("\n".join(kept), told):  # a run across two lines (spaces, newlines ignored)
        kept.pop()
    return replace(post, text=_BLANK_LINES.sub("\n\n", "\n".join(kept)).strip() or BARE_POST)
