"""Reading what a worry is about: its topic, a second one it names on its own, and the person's words for it."""

from __future__ import annotations

import pytest

from core.domain.worry_topics import Topic, WorryTopic, read_worry


@pytest.mark.parametrize(
    ("text", "topic", "phrase", "who"),
    [
        ("다음 주 기말고사인데 너무 불안해서 공부가 손에 안 잡혀", Topic.STUDY, "기말고사", None),
        ("엄마가 암 진단을 받았어", Topic.ILLNESS, "암 진단", "엄마"),
        ("아빠가 입원하셨어", Topic.ILLNESS, "입원", "아빠"),
        ("3년 사귄 여자친구랑 헤어졌어", Topic.BREAKUP, "이별", "여자친구"),
        ("이번 달 월세를 낼 돈이 없어", Topic.MONEY, "월세", None),
        ("요즘 너무 외로워", Topic.LONELINESS, "외로움", None),
        ("요즘 잠이 안 와요", Topic.SLEEP, "잠 못 드는 밤", None),
        ("팀장님 때문에 화가 나요", Topic.WORK, "팀장님", "팀장님"),
        ("할머니가 돌아가셨어요", Topic.GRIEF, None, "할머니"),
        ("강아지가 무지개다리를 건넜어", Topic.GRIEF, None, "강아지"),
        ("자존감이 바닥이다", Topic.SELF_WORTH, "바닥난 자존감", None),
        ("나는 왜 이렇게 한심할까", Topic.SELF_WORTH, "한심하다는 생각", None),
        ("친구랑 싸웠어", Topic.FRIENDS, "친구", "친구"),
        ("진로를 못 정하겠어", Topic.FUTURE, "진로", None),
        ("허리가 너무 아파", Topic.HEALTH, "허리", None),
        ("남자친구랑 자꾸 싸워요", Topic.LOVE, "남자친구", "남자친구"),
        ("엄마랑 싸웠어", Topic.FAMILY, "엄마", "엄마"),
        ("형편이 어려워서 걱정이야", Topic.MONEY, "형편", None),
        ("이사를 가야 할지 고민이에요", Topic.GENERAL, "이사", None),
        ("I have finals next week and I'm so stressed I can't focus", Topic.STUDY, "finals", None),
        ("My mom was just diagnosed with cancer", Topic.ILLNESS, "cancer diagnosis", "your mom"),
        ("My dad is in the hospital", Topic.ILLNESS, "hospital stay", "your dad"),
        ("My girlfriend broke up with me", Topic.BREAKUP, "the breakup", "your girlfriend"),
        ("I can't afford this month's rent", Topic.MONEY, "your rent", None),
        ("I've been feeling so lonely lately", Topic.LONELINESS, "loneliness", None),
        ("I can't sleep at night", Topic.SLEEP, "sleepless nights", None),
        ("My boss yelled at me", Topic.WORK, "your boss", "your boss"),
        ("My grandpa passed away", Topic.GRIEF, None, "your grandpa"),
        ("I feel worthless", Topic.SELF_WORTH, "feeling worthless", None),
        ("My self-esteem is so low", Topic.SELF_WORTH, "low self-esteem", None),
    ],
)
def test_topic_and_the_persons_words(text: str, topic: Topic, phrase: str | None, who: str | None) -> None:
    read = read_worry(text)

    assert (read.topic, read.phrase, read.who) == (topic, phrase, who)


def test_a_cause_comes_first_and_what_it_causes_second() -> None:
    read = read_worry("시험 때문에 잠이 안 와")

    assert (read.topic, read.secondary) == (Topic.STUDY, Topic.SLEEP)


@pytest.mark.parametrize(
    "text",
    ["엄마가 암 진단을 받았어", "3년 사귄 여자친구랑 헤어졌어", "My girlfriend broke up with me after three years"],
)
def test_the_people_in_a_situation_are_not_a_second_worry(text: str) -> None:
    assert read_worry(text).secondary is None


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("형편없는 하루", Topic.MONEY),  # 형편 as a word of its own: still money, but not "형" the brother
        ("딸기 먹고 싶다", Topic.GENERAL),  # not 딸
        ("돈가스 먹었어", Topic.GENERAL),  # not 돈
        ("My girlfriend broke up with me", Topic.BREAKUP),  # "broke up" is not being broke
    ],
)
def test_words_inside_other_words_do_not_count(text: str, topic: Topic) -> None:
    assert read_worry(text).topic is topic


def test_nothing_recognised_is_general_and_an_empty_text_too() -> None:
    assert read_worry("") == WorryTopic(topic=Topic.GENERAL)
    assert read_worry("Should I move to a new city?").topic is Topic.GENERAL


def test_reading_is_deterministic() -> None:
    text = "엄마가 암 진단을 받아서 요즘 잠이 안 와"

    assert {read_worry(text) for _ in range(5)} == {read_worry(text)}
