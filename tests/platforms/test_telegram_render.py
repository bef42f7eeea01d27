"""Reply → Telegram HTML messages: escaped, within 4,096 UTF-16 units each, the keyboard on the last message."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from telegram import InputFile

from bots.shared.text import utf16_len
from bots.telegram.render import MESSAGE_LIMIT, TelegramMessage, keyboard, render, render_document
from core.replies import Attachment, Button, Reply, Section
from core.routing import encode_action
from tests.servers.telegram_api import parse_html

HELPFUL = Button(label="도움이 됐어요", action=encode_action("helpful", "F", "7"))
NEW = Button(label="새로 시작", action=encode_action("new"))
LONG = Button(label="이 답변이 마음에 와닿았어요 — 고마워요", action=encode_action("helpful", "T", "7"))


def answer(body: str = "a < b & c", *, buttons: tuple[Button, ...] = (HELPFUL,)) -> Reply:
    return Reply(sections=(Section(title="💗 공감 (F)", body=body, note="오프라인 상담사", buttons=buttons),))


def rows(message: TelegramMessage) -> list[list[tuple[str, object]]]:
    assert message.keyboard is not None
    return [[(b.text, b.callback_data) for b in row] for row in message.keyboard.inline_keyboard]


def plain(messages: list[TelegramMessage]) -> list[str]:
    """What the user reads: each message parsed as Telegram parses HTML (raises on malformed HTML)."""
    return [parse_html(m.html)[0] for m in messages]


def test_a_section_is_a_bold_title_an_escaped_body_and_an_italic_note() -> None:
    [message] = render(answer())
    assert message.html == "<b>💗 공감 (F)</b>\na &lt; b &amp; c\n<i>오프라인 상담사</i>"
    assert plain([message]) == ["💗 공감 (F)\na < b & c\n오프라인 상담사"]


def test_titles_and_notes_are_escaped_and_quotes_are_left_alone() -> None:
    reply = Reply(sections=(Section(title="<나> & 너", body='"괜찮아요" 라고 말했어요', note="<i>주의</i>"),))
    [message] = render(reply)
    assert message.html == '<b>&lt;나&gt; &amp; 너</b>\n"괜찮아요" 라고 말했어요\n<i>&lt;i&gt;주의&lt;/i&gt;</i>'


def test_sections_are_separated_by_a_blank_line() -> None:
    reply = Reply(
        sections=(Section(title="💗 공감 (F)", body="힘들었겠어요."), Section(title="🧠 조언 (T)", body="쉬세요."))
    )
    [message] = render(reply)
    assert message.html == "<b>💗 공감 (F)</b>\n힘들었겠어요.\n\n<b>🧠 조언 (T)</b>\n쉬세요."


def test_a_plain_text_reply_has_no_keyboard() -> None:
    [message] = render(Reply.text("안녕하세요"))
    assert message == TelegramMessage(html="안녕하세요", keyboard=None)


def test_buttons_become_callback_buttons_two_short_ones_a_row_and_long_ones_alone() -> None:
    reply = Reply(
        sections=(
            Section(body="첫째", buttons=(HELPFUL, NEW)),
            Section(body="둘째", buttons=(LONG, HELPFUL, Button(label="그만", action=encode_action("help")))),
        )
    )
    [message] = render(reply)
    assert rows(message) == [
        [("도움이 됐어요", "mm:helpful:F:7"), ("새로 시작", "mm:new")],
        [("이 답변이 마음에 와닿았어요 — 고마워요", "mm:helpful:T:7")],
        [("그만", "mm:help")],
    ]
    assert message.keyboard is not None
    assert message.keyboard.to_dict()["inline_keyboard"][0][0] == {
        "text": "도움이 됐어요",
        "callback_data": "mm:helpful:F:7",
    }


def test_callback_data_over_64_bytes_is_refused() -> None:
    with pytest.raises(ValueError, match="64 bytes"):
        keyboard([Button(label="너무 긴 버튼", action="mm:" + "가" * 21)])
    assert keyboard([Button(label="딱 맞는 버튼", action="m" * 64)]) is not None


def test_a_long_body_is_split_into_messages_of_at_most_4096_utf16_units_with_the_keyboard_on_the_last() -> None:
    body = "\n\n".join(
        f"{n}번째 문단: 요즘 마음이 무거워요. 잠도 잘 못 자고 😢 일도 손에 안 잡혀요." * 6 for n in range(60)
    )
    messages = render(answer(body))
    assert len(messages) >= 5
    assert all(utf16_len(m.html) <= MESSAGE_LIMIT for m in messages)
    assert [m.keyboard is not None for m in messages] == [False] * (len(messages) - 1) + [True]
    texts = plain(messages)
    assert texts[0].startswith("💗 공감 (F)\n0번째 문단")
    assert texts[-1].endswith("\n오프라인 상담사")
    assert all(text == text.strip() for text in texts)
    assert all(text.endswith("😢 일도 손에 안 잡혀요.") for text in texts[:-1])  # cut at paragraph ends
    read = re.sub(r"\s+", "", "".join(texts))
    assert read == re.sub(r"\s+", "", "💗 공감 (F)" + body + "오프라인 상담사")


def test_escaping_is_counted_so_a_body_of_ampersands_never_overflows_or_cuts_an_entity() -> None:
    body = "a&b<c>" * 3_000
    messages = render(Reply.text(body))
    assert len(messages) > 1
    assert all(utf16_len(m.html) <= MESSAGE_LIMIT for m in messages)
    assert "".join(plain(messages)) == body  # parse_html refuses a cut "&am" or a stray "<"


def test_emoji_count_as_two_units_and_are_never_cut() -> None:
    family = "👩\u200d👩\u200d👧\u200d👦"
    body = family * 800  # 8,800 UTF-16 units, no whitespace at all
    messages = render(Reply.text(body))
    assert len(messages) == 3
    assert all(utf16_len(m.html) <= MESSAGE_LIMIT for m in messages)
    assert all(m.html.startswith("👩") and m.html.endswith("👦") for m in messages)
    assert "".join(m.html for m in messages) == body


def test_a_long_title_and_note_are_split_inside_their_own_tags() -> None:
    reply = Reply(sections=(Section(title="제목 " * 1_500, body="본문", note="메모 " * 1_500),))
    messages = render(reply)
    assert all(utf16_len(m.html) <= MESSAGE_LIMIT for m in messages)
    for message in messages:
        parse_html(message.html)  # balanced tags in every message


def test_an_empty_reply_renders_nothing_and_buttons_alone_get_a_placeholder_text() -> None:
    assert render(Reply.text("   ")) == []
    [message] = render(Reply.text("", buttons=(HELPFUL,)))
    assert message.html == "…"
    assert rows(message) == [[("도움이 됐어요", "mm:helpful:F:7")]]


def test_a_pending_placeholder_renders_like_the_final_reply() -> None:
    assert render(replace(answer("생각하는 중…"), pending=True)) == render(answer("생각하는 중…"))


def test_an_attachment_becomes_an_upload_with_its_name_and_type() -> None:
    upload = render_document(
        Attachment(filename="마음_기록.json", content=b'{"a": 1}', mime_type="application/json", kind="file")
    )
    assert isinstance(upload, InputFile)
    assert upload.field_tuple == ("마음_기록.json", b'{"a": 1}', "application/json")
