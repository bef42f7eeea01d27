"""The verb table turns text, slash commands and buttons into Commands — or a usage error."""

from __future__ import annotations

import pytest

from core.domain.emotion import Emotion
from core.domain.values import ChatKind, Locale, Persona, UserId
from core.errors import UsageError
from core.inbound import Invocation
from core.products import registered
from core.products.account.commands import SetLanguage, SetTimezone, Start
from core.products.counseling.commands import AskWorry, MarkHelpful
from core.products.diary.commands import ChangeEntry, CommentOnEntry, EntryRef, ListDiaries, SetDiaryNudge
from core.products.friends.commands import ShowGuestbook, WriteGuestbook
from core.products.reminders.commands import CancelReminder, ListReminders, SetReminder
from core.routing import VerbTable, encode_action, parse_text

TABLE = VerbTable(verb for product in registered() for verb in product.verbs)
VERBS = TABLE.verbs
decode_action = TABLE.decode_action
to_command = TABLE.to_command


def command(text: str, kind: ChatKind = ChatKind.DIRECT) -> object:
    invocation = parse_text(text)
    assert invocation is not None
    return to_command(invocation, kind)


def test_plain_text_is_not_a_command() -> None:
    assert parse_text("요즘 잠이 안 와요") is None


def test_worry_keeps_the_whole_text_after_the_verb() -> None:
    assert command("/worry  요즘   잠이\n안 와요 ") == AskWorry(text="요즘   잠이\n안 와요")


def test_bot_mention_suffix_and_case_are_ignored() -> None:
    assert command("/LANG@maeum_bot EN") == SetLanguage(locale=Locale.EN)


def test_korean_alias_reaches_the_same_verb() -> None:
    assert command("/고민 회사가 힘들어요") == AskWorry(text="회사가 힘들어요")


def test_start_passes_the_deep_link_payload() -> None:
    assert command("/start link-ABC123") == Start(payload="link-ABC123")


def test_tz_without_argument_shows_the_current_zone() -> None:
    assert command("/tz") == SetTimezone(zone=None)


@pytest.mark.parametrize("text", ["/lang de", "/tz Nowhere/City", "/worry", "/worry    ", "/nope"])
def test_bad_arguments_raise_a_usage_error(text: str) -> None:
    with pytest.raises(UsageError):
        command(text)


def test_direct_only_verbs_are_refused_in_groups() -> None:
    with pytest.raises(UsageError) as error:
        command("/export", ChatKind.GROUP)
    assert error.value.key == "direct_only"


def test_actions_round_trip_and_fit_telegram_callback_data() -> None:
    action = encode_action("helpful", "T", "9" * 18)
    assert len(action.encode()) <= 64
    invocation = decode_action(action)
    assert to_command(invocation, ChatKind.DIRECT) == MarkHelpful(persona=Persona.T, worry_id=int("9" * 18))  # type: ignore[arg-type]


@pytest.mark.parametrize("data", ["", "garbage", "mm:", "mm:nope:1", "xx:helpful:F:1"])
def test_undecodable_action_ids_are_expired_buttons(data: str) -> None:
    with pytest.raises(UsageError) as error:
        decode_action(data)
    assert error.value.key == "action.expired"


def test_tampered_helpful_action_is_refused() -> None:
    with pytest.raises(UsageError):
        to_command(Invocation(verb="helpful", args=("X", "1")), ChatKind.DIRECT)


def test_every_verb_has_a_unique_name() -> None:
    names = [n for v in VERBS for n in (v.name, *v.aliases)]
    assert len(names) == len(set(names))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/remind 내일 아침 8시 약 먹기", SetReminder(phrase="내일 아침 8시 약 먹기")),
        ("/remind 약 먹기  내일 8시 ", SetReminder(phrase="약 먹기  내일 8시")),  # the use case reads when, and where
        ("/알림 10분 뒤에 물 마시기", SetReminder(phrase="10분 뒤에 물 마시기")),
        ("/remind list", ListReminders()),
        ("/remind cancel 3", CancelReminder(number=3)),
        ("/remind 취소 #12", CancelReminder(number=12)),
        ("/remind diary 21:30", SetDiaryNudge(hour=21, minute=30)),
        ("/remind diary 오후 9시 30분", SetDiaryNudge(hour=21, minute=30)),
        ("/remind 일기 9pm", SetDiaryNudge(hour=21, minute=0)),
        ("/remind diary off", SetDiaryNudge(hour=None)),
    ],
)
def test_remind_passes_the_phrase_and_reads_daily_times(text: str, expected: object) -> None:
    assert command(text) == expected


@pytest.mark.parametrize(
    "text",
    ["/remind", "/remind cancel", "/remind cancel 0", "/remind cancel x", "/remind diary 25:00", "/remind diary 9시쯤"],
)
def test_bad_remind_arguments_get_a_usage_line(text: str) -> None:
    with pytest.raises(UsageError) as error:
        command(text)
    assert error.value.key in {"remind.usage", "remind.diary_usage"}


# Issue 18: /entry N mood FEELING [1-5] corrects a diary entry's feeling.


@pytest.mark.parametrize(
    ("line", "emotion", "intensity"),
    [
        ("/entry 3 mood 슬픔 3", Emotion.SADNESS, 3),
        ("/entry #3 기분 우울", Emotion.SADNESS, None),
        ("/entry 3 감정 피곤 5", Emotion.TIREDNESS, 5),
        ("/entry 3 mood happy 1", Emotion.JOY, 1),
        ("/entry 3 mood Calm", Emotion.CALM, None),
    ],
)
def test_entry_mood_names_the_feeling_and_an_optional_intensity(
    line: str, emotion: Emotion, intensity: int | None
) -> None:
    parsed = command(line)

    assert parsed == ChangeEntry(entry=EntryRef(number=3), change="mood", emotion=emotion, intensity=intensity)


@pytest.mark.parametrize(
    "line",
    ["/entry 3 mood", "/entry 3 mood 배고픔", "/entry 3 mood 슬픔 6", "/entry 3 mood 슬픔 0", "/entry x mood 슬픔"],
)
def test_a_bad_entry_mood_gets_its_usage_line(line: str) -> None:
    with pytest.raises(UsageError) as raised:
        command(line)

    assert raised.value.key == "entry.mood_usage"


# Issue 18: diary numbers are each person's own, so a friend's entry is named by the friend and their number.

MINJIS_3 = EntryRef(number=3, friend="민지")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("/entry 3", ChangeEntry(entry=EntryRef(number=3), change="show")),
        ("/entry #3 delete 확인", ChangeEntry(entry=EntryRef(number=3), change="delete_confirmed")),
        ("/entry 민지 3", ChangeEntry(entry=EntryRef(number=3, friend="민지"), change="show")),
        ("/entry Kim  Minji #12 show", ChangeEntry(entry=EntryRef(number=12, friend="Kim Minji"), change="show")),
        ("/entry @2 3", ChangeEntry(entry=EntryRef(number=3, friend_position=2), change="show")),
        (
            "/entry 민지 3 mood 슬픔",
            ChangeEntry(entry=EntryRef(number=3, friend="민지"), change="mood", emotion=Emotion.SADNESS),
        ),
        ("/comment 3 5점 만점에 5점!", CommentOnEntry(entry=EntryRef(number=3), text="5점 만점에 5점!")),
        (
            "/comment 민지 3 멋지다\n정말로",
            CommentOnEntry(entry=EntryRef(number=3, friend="민지"), text="멋지다\n정말로"),
        ),
        ("/comment Kim Minji #3 great 2", CommentOnEntry(entry=EntryRef(number=3, friend="Kim Minji"), text="great 2")),
        ("/diaries 6", ListDiaries(before_number=6)),
        ("/guestbook", ShowGuestbook()),
        ("/guestbook 2 힘내!", WriteGuestbook(position=2, text="힘내!")),
        ("/guestbook @2 힘내!", WriteGuestbook(position=2, text="힘내!")),
        ("/guestbook Kim Minji 힘내 3번!", WriteGuestbook(text="Kim Minji 힘내 3번!")),
    ],
)
def test_an_entry_is_named_by_its_number_or_a_friends_name_and_number(line: str, expected: object) -> None:
    assert command(line) == expected


def test_a_button_names_a_friends_entry_by_user_id() -> None:
    pressed = to_command(decode_action(encode_action("entry", "~17", "3")), ChatKind.DIRECT)

    assert pressed == ChangeEntry(entry=EntryRef(number=3, owner=UserId(17)), change="show")


@pytest.mark.parametrize(
    ("line", "usage"),
    [
        ("/entry 민지", "entry.usage"),
        ("/entry delete 3", "entry.usage"),
        ("/entry 3 share", "entry.usage"),
        ("/comment 민지 멋지다", "comment.usage"),
        ("/comment 민지 3", "comment.usage"),
        ("/comment 3", "comment.usage"),
        ("/guestbook 민지", "guestbook.usage"),
        ("/guestbook ² 안녕", "guestbook.usage"),
    ],
)
def test_an_entry_or_friend_not_named_gets_the_usage_line(line: str, usage: str) -> None:
    with pytest.raises(UsageError) as raised:
        command(line)

    assert raised.value.key == usage
