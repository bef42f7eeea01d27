"""Reply → Discord messages: F and T as two embeds, plain content for one-liners, every limit kept, nothing lost."""

from __future__ import annotations

import discord

from bots.discord.render import (
    COLOR_FEELING,
    COLOR_THINKING,
    CONTENT_LIMIT,
    DESCRIPTION_LIMIT,
    EMBED_TOTAL_LIMIT,
    EMBEDS_PER_MESSAGE,
    render,
)
from bots.discord.responder import edit_kwargs, send_kwargs
from core.replies import Attachment, Button, Reply, Section
from core.routing import encode_action

HELPFUL_F = Button(label="도움이 됐어요", action=encode_action("helpful", "F", "7"))
HELPFUL_T = Button(label="도움이 됐어요", action=encode_action("helpful", "T", "7"))


def dual(f_body: str = "많이 힘드셨겠어요.", t_body: str = "1. 잠들기 전 화면을 끄세요.") -> Reply:
    return Reply(
        sections=(
            Section(title="💗 공감 (F)", body=f_body, note="오프라인 상담사", buttons=(HELPFUL_F,)),
            Section(title="🧠 조언 (T)", body=t_body, buttons=(HELPFUL_T,)),
        )
    )


def descriptions(messages: list) -> str:
    return "".join(e.description for m in messages for e in m.embeds)


def test_feeling_and_thinking_are_two_labelled_embeds_with_their_buttons() -> None:
    [message] = render(dual())
    assert [e.title for e in message.embeds] == ["💗 공감 (F)", "🧠 조언 (T)"]
    assert [e.color for e in message.embeds] == [COLOR_FEELING, COLOR_THINKING]
    assert message.embeds[0].footer == "오프라인 상담사"
    assert [[b.action for b in row] for row in message.rows] == [["mm:helpful:F:7"], ["mm:helpful:T:7"]]
    assert message.content is None


def test_a_one_line_answer_is_plain_content() -> None:
    [message] = render(Reply.text("사용법: /worry <고민>"))
    assert message.content == "사용법: /worry <고민>"
    assert message.embeds == ()


def test_long_content_is_split_at_2000_characters_without_losing_anything() -> None:
    body = ("가나다라마바사 " * 700).strip()
    messages = render(Reply.text(body))
    assert len(messages) == 3
    assert all(m.content is not None and len(m.content) <= CONTENT_LIMIT for m in messages)
    assert "".join(m.content or "" for m in messages).replace(" ", "") == body.replace(" ", "")


def test_a_long_answer_continues_in_more_embeds_and_messages_within_every_limit() -> None:
    f_body = "공감 " * 3_000  # 9,000 characters: three embeds
    t_body = "👩‍👩‍👧‍👦 조언 " * 1_500
    messages = render(dual(f_body, t_body))
    assert len(messages) > 1
    for message in messages:
        assert len(message.embeds) <= EMBEDS_PER_MESSAGE
        assert sum(e.size for e in message.embeds) <= EMBED_TOTAL_LIMIT
        assert all(len(e.description) <= DESCRIPTION_LIMIT for e in message.embeds)
    titles = [e.title for m in messages for e in m.embeds if e.title]
    assert titles == ["💗 공감 (F)", "🧠 조언 (T)"]  # a continuation does not repeat the title
    assert descriptions(messages).replace(" ", "") == (f_body + t_body).replace(" ", "")
    assert "\u200d" not in "".join(e.description[:1] for m in messages for e in m.embeds)  # no family torn apart
    # each section's buttons ride on the message that holds its end
    assert [b.action for b in messages[-1].rows[-1]] == ["mm:helpful:T:7"]


def test_attachments_go_with_the_last_message() -> None:
    export = Attachment(filename="maeum-export.json", content=b"{}", mime_type="application/json")
    reply = Reply(sections=(Section(title="내보내기", body="파일을 보냈어요."),), attachments=(export,))
    [message] = render(reply)
    kwargs, _ = send_kwargs(message)
    [file] = kwargs["files"]
    assert isinstance(file, discord.File)
    assert file.filename == "maeum-export.json"


def test_discord_objects_carry_the_embeds_and_the_buttons_custom_ids() -> None:
    [message] = render(dual())
    kwargs, view = send_kwargs(message)
    assert [e.to_dict()["title"] for e in kwargs["embeds"]] == ["💗 공감 (F)", "🧠 조언 (T)"]
    assert view is not None
    rows = view.to_components()
    assert [c["custom_id"] for row in rows for c in row["components"]] == ["mm:helpful:F:7", "mm:helpful:T:7"]
    view.stop()
    edit, edit_view = edit_kwargs(message)
    assert edit["content"] is None  # an edit clears what the placeholder showed
    assert edit_view is not None
    edit_view.stop()


def test_labels_and_custom_ids_over_discord_limits_are_clipped_or_left_out() -> None:
    long_label = Button(label="아" * 100, action=encode_action("new"))
    too_long_id = Button(label="x", action="mm:" + "x" * 120)
    [message] = render(Reply.text("본문", buttons=(long_label, too_long_id)))
    [[button]] = message.rows
    assert len(button.label) <= 80
    assert button.label.endswith("…")
