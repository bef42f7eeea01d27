"""Reading plain messages: the shipped intent set, measured on its held-out part, and the words of a request."""

from __future__ import annotations

import pytest

from core.adapters.intent_corpus import shipped_examples, shipped_intent_model
from core.domain.intents import (
    REQUESTS,
    SMALL_TALK,
    Intent,
    Tone,
    diary_entry,
    evaluate,
    reaction_tone,
    read_intent,
    reminder_request,
    reminder_text,
    stats_week,
    variant,
)

# What the reading must do on messages it was not built from (BENCHMARKS.md, "Intents").
MIN_ACCURACY = 0.9
MAX_SMALL_TALK_AS_WORRY = 0.02


def test_the_shipped_set_is_large_bilingual_and_its_held_out_part_is_apart() -> None:
    train, heldout = shipped_examples("train"), shipped_examples("heldout")
    assert len(train) + len(heldout) >= 300
    assert {e.text for e in train}.isdisjoint({e.text for e in heldout})
    for part in (train, heldout):
        assert {e.lang for e in part} == {"ko", "en"}
        assert {e.intent for e in part} == set(Intent)
    for intent in set(Intent) - {Intent.NUMBER}:  # a lone number is a rule; a few examples show it
        assert sum(e.intent is intent for e in heldout) >= 20, intent


def test_held_out_accuracy_is_at_least_ninety_percent_per_intent_and_small_talk_is_rarely_a_worry() -> None:
    scores = evaluate(shipped_intent_model(), shipped_examples("heldout"))
    low = {i.value: round(scores.accuracy(i), 3) for i in Intent if scores.accuracy(i) < MIN_ACCURACY}
    assert low == {}, [(e.text, e.intent.value, got.value) for e, got in scores.mistakes]
    assert scores.small_talk_as_worry_rate <= MAX_SMALL_TALK_AS_WORRY


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("안녕", Intent.GREETING),
        ("고마워", Intent.THANKS),
        ("ㅠㅠ", Intent.REACTION),
        ("1", Intent.NUMBER),
        ("#3", Intent.NUMBER),
        ("2번", Intent.NUMBER),
        ("👍", Intent.REACTION),
        ("ㄱㅅ", Intent.THANKS),
        ("ok", Intent.REACTION),
        ("잘 자", Intent.BYE),
        ("일기 쓸래: 오늘은 친구랑 카페에 갔다", Intent.DIARY),
        ("10분 뒤에 물 마시라고 알려줘", Intent.REMIND),
        ("remind me in 10 minutes to drink water", Intent.REMIND),
        ("이번 주 통계", Intent.STATS),
        ("이번 주 통계 보여줘", Intent.STATS),
        ("친구 초대할래", Intent.INVITE),
        ("invite a friend", Intent.INVITE),
        ("포인트 얼마야", Intent.POINTS),
        ("what can you do", Intent.HELP),
    ],
)
def test_the_examples_people_give_are_read_surely(text: str, intent: Intent) -> None:
    reading = read_intent(text, shipped_intent_model())
    assert (reading.intent, reading.sure) == (intent, True)


@pytest.mark.parametrize(
    "text",
    [
        "너무 슬퍼 ㅠㅠ",  # a reaction beside a feeling only colours it
        "ㅠㅠ 오늘 진짜 힘들었어",
        "not okay",
        "괜찮지 않아",
        "고마워할 줄 모르는 동료 때문에 지쳐",  # small talk words inside a worry
        "친구한테 안녕이라고 인사했는데 무시당했어",
        "i can't sleep at night",
        "통계학 시험을 망쳤어",  # a verb's words telling, not asking
        "엄마가 내 일기를 몰래 읽었어",
        "친구를 초대했는데 아무도 안 왔어",
        "알람을 맞춰도 아침에 못 일어나요",
        "my friend never invites me anywhere",
        "포인트 때문에 친구랑 다퉜어",
        "고민 3",
    ],
)
def test_a_worry_holding_small_talk_or_a_verbs_words_is_still_a_worry(text: str) -> None:
    assert read_intent(text, shipped_intent_model()).intent is Intent.WORRY


def test_every_intent_is_small_talk_a_request_or_neither() -> None:
    assert SMALL_TALK.isdisjoint(REQUESTS)
    assert set(Intent) - SMALL_TALK - REQUESTS == {Intent.NUMBER, Intent.WORRY}


@pytest.mark.parametrize(
    ("text", "tone"),
    [
        ("ㅠㅠ", Tone.SAD),
        ("😭", Tone.SAD),
        ("ㅋㅋㅋ", Tone.LAUGH),
        ("lol", Tone.LAUGH),
        ("헐", Tone.WOW),
        ("ok", Tone.OK),
    ],
)
def test_a_reaction_is_answered_in_its_own_key(text: str, tone: Tone) -> None:
    assert reaction_tone(text) is tone


def test_the_reply_varies_across_messages_but_not_for_the_same_words() -> None:
    picks = {variant(text, 4) for text in ("안녕", "안녕하세요", "하이", "hello", "hi", "반가워", "좋은 아침")}
    assert len(picks) > 1 and picks <= {1, 2, 3, 4}
    assert variant("안녕", 4) == variant("안녕", 4) == variant("  안녕 ", 4)


@pytest.mark.parametrize(
    ("text", "entry", "opens"),
    [
        ("일기 쓸래: 오늘은 친구랑 카페에 갔다", "오늘은 친구랑 카페에 갔다", True),
        ("일기 쓸래", "", True),
        ("오늘 일기: 아침에 늦잠을 잤다", "아침에 늦잠을 잤다", True),
        ("일기로 남겨줘 동생이랑 영화 봤어", "동생이랑 영화 봤어", True),
        ("오늘 점심 맛있었어 일기로 남겨줘", "오늘 점심 맛있었어", False),
        ("diary: had a nice walk today", "had a nice walk today", True),
        ("dear diary, today was long", "today was long", True),
        ("write a journal entry for today", "", True),
        ("안녕 일기 쓸래", "", True),  # a greeting before the asking is no entry
    ],
)
def test_a_diary_request_keeps_the_entry_and_drops_the_asking(text: str, entry: str, opens: bool) -> None:
    assert diary_entry(text) == (entry, opens)


@pytest.mark.parametrize(
    ("text", "content"),
    [
        ("10분 뒤에 물 마시라고 알려줘", "10분 뒤에 물 마시기"),
        ("내일 아침 8시에 약 먹으라고 알려줘", "내일 아침 8시에 약 먹기"),
        ("저녁 7시에 엄마한테 전화하라고 알려 줘", "저녁 7시에 엄마한테 전화하기"),
        ("물 마시라고 10분 뒤에 알려줘", "물 마시기 10분 뒤에"),
        ("오후 3시에 회의 알림", "오후 3시에 회의"),
        ("알람 맞춰줘 내일 아침 6시", "내일 아침 6시"),
        ("알림 맞춰줘", ""),
        ("remind me in 10 minutes to drink water", "in 10 minutes to drink water"),
        ("remind me to call mom at 7pm", "call mom at 7pm"),
        ("can you set a reminder for 6pm", "6pm"),
        ("don't let me forget to buy milk at 5pm", "buy milk at 5pm"),
    ],
)
def test_a_reminder_request_keeps_when_and_what_as_a_thing_to_do(text: str, content: str) -> None:
    assert reminder_request(text) == (content, True)


def test_what_a_reminder_says_loses_the_words_that_only_joined_it() -> None:
    assert reminder_text("to drink water") == "drink water"
    assert reminder_text("물 마시기") == "물 마시기"


def test_the_stats_week_is_this_one_unless_the_last_is_named() -> None:
    assert stats_week("이번 주 통계") == ""
    assert stats_week("지난주 통계 보여줘") == "last"
    assert stats_week("last week's stats") == "last"
