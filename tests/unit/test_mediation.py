"""Couple mediation's pure rules: the no-quote check, the taking-sides check, reading a side, the child's name, and
the offline post (which must pass the no-quote check whatever the sides say)."""

from __future__ import annotations

import pytest

from core.domain.emotion import Emotion
from core.domain.values import Locale, UserId
from core.i18n import catalog
from core.products.mediation.domain import (
    Post,
    SideNote,
    clean_child_name,
    quoted_sides,
    quotes,
    remind_key,
    session_key,
    takes_sides,
)
from core.products.mediation.post import BARE_POST, Say, Told, offline_post
from core.products.mediation.reading import Topic, read_side


def say_in(locale: Locale) -> Say:
    def say(key: str, /, **params: object) -> str:
        return catalog().text(locale, key, **params)

    return say


def test_a_run_of_eight_characters_is_a_quote_spaces_and_case_ignored() -> None:
    side = "주말마다 약속을 잡는데 지은이는 늘 피곤하대"
    assert quotes(side, "그는 주말 마다약속을 잡는 사람")  # 주말마다약속을잡 (8), spaces moved
    assert not quotes(side, "주말마다 약속을 세워요")  # 주말마다약속을 is 7
    assert quotes("I work late ALL week", "you work late all the time")  # worklate, case ignored
    assert not quotes("short", "short")  # a side shorter than a run cannot be quoted
    assert quoted_sides("he said: work late all", [("I work late all week", False), ("work late all", True)]) == [0]


@pytest.mark.parametrize(
    "judging",
    [
        "민수님 말이 맞아요.",
        "지은님이 잘못했어요.",
        "이건 민수님 탓이에요.",
        "지은님이 먼저 사과해야 해요.",
        "Minsu is right about this.",
        "It is Jieun's fault.",
        "Jieun should apologize first.",
    ],
)
def test_a_verdict_in_any_part_of_the_post_takes_a_side(judging: str) -> None:
    assert takes_sides(_post(compromise=judging)) is not None


@pytest.mark.parametrize(
    "neutral",
    ["누구의 잘못도 아니에요.", "누구 탓도 아니에요.", "Neither of you is wrong.", "It's nobody's fault."],
)
def test_a_denied_verdict_is_neutral(neutral: str) -> None:
    assert takes_sides(_post(closing=neutral)) is None


def test_one_side_told_far_more_fully_than_the_other_takes_a_side() -> None:
    long = "민수님은 주말마다 계획을 세우고 기다렸는데 매번 미뤄져서 많이 서운했고 혼자라고 느꼈대요. " * 2
    assert takes_sides(_post(first=SideNote(name="민수", summary=long, need="함께"))) is not None


def _post(**changes: object) -> Post:
    base = {
        "greeting": "안녕하세요.",
        "first": SideNote(name="민수", summary="민수님은 함께하는 시간이 줄어 서운했대요.", need="함께하고 싶은 마음"),
        "second": SideNote(name="지은", summary="지은님은 평일 일로 많이 지쳐 있대요.", need="쉬고 싶은 마음"),
        "compromise": "토요일은 쉬고 일요일 오후는 같이 보내요.",
        "closing": "두 분 다 좋아요.",
        "offline": False,
    }
    return Post(**(base | changes))  # type: ignore[arg-type]


def test_a_side_is_read_for_its_topics_wish_and_own_feeling_not_the_reported_ones() -> None:
    minsu = read_side("주말마다 약속을 잡는데 지은이는 늘 피곤하대")
    assert minsu.topics == (Topic.TOGETHER,) and minsu.feeling is None  # 피곤하대 is hers, reported
    jieun = read_side("평일에 야근이 많아서 주말엔 쉬고 싶어")
    assert jieun.topics == (Topic.WORK, Topic.REST) and jieun.wish is Topic.REST and jieun.main is Topic.REST
    assert jieun.feeling is Emotion.TIREDNESS
    english = read_side("Every weekend I make plans and she always says she is too tired")
    assert english.topics == (Topic.TOGETHER,)
    assert read_side("I work late all week so on weekends I just want to rest").wish is Topic.REST
    assert read_side("그냥 요즘 좀 그래").main is None


def test_a_childs_name_is_a_short_plain_name() -> None:
    assert clean_child_name("  하늘 ") == "하늘"
    assert clean_child_name("Sky Blue") == "Sky Blue"
    for bad in ("", "<b>하늘</b>", "@everyone", "https://x.y", "1234", "아주아주아주긴아이이름이에요"):
        assert clean_child_name(bad) is None, bad


@pytest.mark.parametrize("locale", list(Locale))
def test_the_offline_post_is_built_from_both_sides_and_quotes_neither(locale: Locale) -> None:
    sides = (
        Told(name="민수", text="설거지를 맨날 나만 해서 너무 화가 나", quote_ok=False),
        Told(name="지은", text="연락이 너무 없어서 불안해. 회사 일이 바쁜 건 알지만", quote_ok=False),
    )
    post = offline_post(sides, child="하늘", say=say_in(locale))
    assert post.offline and "민수" in post.text and "지은" in post.text
    assert quoted_sides(post.text, [(s.text, False) for s in sides]) == []
    assert takes_sides(post) is None


def test_an_offline_post_never_quotes_even_a_side_that_holds_its_own_phrasing() -> None:
    say = say_in(Locale.KO)
    greeting = say("mediation.offline.greeting", child="아이")
    need = say("mediation.need.together")
    sides = (
        Told(name="민수", text=f"{greeting} {need} 약속", quote_ok=False),  # a side that copies the child's words
        Told(name="지은", text=say("mediation.offline.closing") + " " + say("mediation.topic.general"), quote_ok=False),
    )
    post = offline_post(sides, child="아이", say=say)
    assert quoted_sides(post.text, [(s.text, False) for s in sides]) == []
    assert post.text == BARE_POST or "민수" in post.text


def test_push_keys_withdraw_by_prefix_without_taking_a_neighbours() -> None:
    assert not remind_key(1, UserId(123)).startswith(remind_key(1, UserId(12)))
    assert not session_key(10).startswith(session_key(1)) and remind_key(1, UserId(12)).startswith(remind_key(1))
