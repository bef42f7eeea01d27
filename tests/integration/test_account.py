"""Start and consent, language, time zone, export and forget — and bad input — on both databases."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.adapters.db.models import Base, FeedbackRow, IdentityRow, LlmUsageRow, UserRow, WorryRow
from core.bootstrap import App
from core.inbound import Invocation
from tests.conftest import dm
from tests.fakes import FixedClock, RecordingResponder


async def ask(app: App, text: str | None = None, **kwargs: object) -> RecordingResponder:
    responder = RecordingResponder()
    await app.dispatcher.handle(dm(text, **kwargs), responder)  # type: ignore[arg-type]
    return responder


async def press(app: App, action: str, user: str = "u1") -> RecordingResponder:
    _, verb, *args = action.split(":")
    responder = RecordingResponder()
    await app.dispatcher.handle(dm(invocation=Invocation(verb=verb, args=tuple(args)), user=user), responder)
    return responder


async def test_start_explains_storage_and_consent_button_records_consent(app: App, engine: AsyncEngine) -> None:
    start = await ask(app, "/start")
    assert "저장하는 것" in start.all_text()
    agree = next(b for b in start.last.current.buttons if b.action.endswith(":yes"))
    await press(app, agree.action)
    async with engine.connect() as conn:
        assert await conn.scalar(select(UserRow.consented_at)) is not None
    again = await ask(app, "/start")
    assert "동의하셨어요" in again.all_text()


async def test_withdrawing_consent_erases_kept_worry_text(app: App, engine: AsyncEngine) -> None:
    await ask(app, "/consent yes")
    await ask(app, "기억해 줄 고민")
    await ask(app, "/consent no")
    await ask(app, "/consent withdraw")  # the confirm button's twin
    async with engine.connect() as conn:
        assert await conn.scalar(select(func.count()).select_from(WorryRow).where(WorryRow.text.is_not(None))) == 0


async def test_locale_comes_from_the_platform_on_first_contact(app: App) -> None:
    assert "Usage" in (await ask(app, "/lang xx", locale="en-GB", user="brit")).all_text()
    assert "사용법" in (await ask(app, "/lang xx", locale="fr-FR", user="french")).all_text()


async def test_lang_switches_the_language_of_every_later_reply(app: App) -> None:
    assert "English" in (await ask(app, "/lang en")).all_text()
    assert "Tell me what's on your mind" in (await ask(app, "/worry")).all_text()
    assert "한국어" in (await ask(app, "/lang KO")).all_text()


async def test_tz_accepts_iana_names_in_any_case_and_shows_local_time(app: App, clock: FixedClock) -> None:
    changed = await ask(app, "/tz america/new_york")
    assert "America/New_York" in changed.all_text()
    assert "2026-11-25 22:00" in changed.all_text()  # 03:00 UTC
    assert "America/New_York" in (await ask(app, "/tz")).all_text()


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("/tz 서울", "Asia/Seoul"),
        ("/tz KST", "Asia/Seoul"),
        ("/tz Seoul", "Asia/Seoul"),
        ("/tz London", "Europe/London"),
        ("/시간대 런던", "Europe/London"),
        ("/tz new york", "America/New_York"),
        ("/timezone 도쿄", "Asia/Tokyo"),
    ],
)
async def test_tz_takes_cities_countries_and_abbreviations_in_either_language(
    app: App, engine: AsyncEngine, typed: str, zone: str
) -> None:
    await ask(app, "/tz UTC")
    assert zone in (await ask(app, typed)).all_text()
    async with engine.connect() as conn:
        assert await conn.scalar(select(UserRow.timezone)) == zone


async def test_the_korean_names_of_the_account_verbs_work_and_help_shows_them(app: App) -> None:
    shown = (await ask(app, "/도움말")).all_text()
    assert "/help (/도움말 · /도움)" in shown and "/tz (/시간대)" in shown and "/lang (/언어)" in shown
    assert "English" in (await ask(app, "/언어 en")).all_text()
    english = (await ask(app, "/help")).all_text()
    assert "/tz (/timezone)" in english and "도움말" not in english
    assert "maeum" in (await ask(app, "/시작")).all_text().lower()


@pytest.mark.parametrize("value", ["Mars/Olympus", "../../etc/passwd", "Asia/Seoul extra", "+09:00", "/"])
async def test_malformed_tz_gets_the_usage_line_and_changes_nothing(app: App, engine: AsyncEngine, value: str) -> None:
    reply = await ask(app, f"/tz {value}")
    assert "사용법: /tz" in reply.all_text()
    async with engine.connect() as conn:
        assert await conn.scalar(select(UserRow.timezone)) == "Asia/Seoul"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "고민을 적어 주세요"),
        ("   \n\t ", "고민을 적어 주세요"),
        ("\x00\x07\x1b", "고민을 적어 주세요"),
        ("/worry", "고민을 적어 주세요"),
        ("/lang jp", "사용법: /lang"),
        ("/frobnicate now", "모르는 명령"),
    ],
)
async def test_bad_input_gets_a_short_usage_line_and_stores_nothing(
    app: App, engine: AsyncEngine, text: str, expected: str
) -> None:
    reply = await ask(app, text)
    assert len(reply.messages) == 1
    assert expected in reply.all_text()
    assert "Traceback" not in reply.all_text()
    async with engine.connect() as conn:
        assert await conn.scalar(select(func.count()).select_from(WorryRow)) == 0


async def test_hundred_thousand_characters_get_the_limit_message_and_nothing_is_stored(
    app: App, engine: AsyncEngine
) -> None:
    reply = await ask(app, "가" * 100_000)
    assert "너무 길어요" in reply.all_text() and "4,000" in reply.all_text()
    assert reply.last.current.ephemeral
    async with engine.connect() as conn:
        assert await conn.scalar(select(func.count()).select_from(WorryRow)) == 0


async def test_control_characters_are_removed_before_the_worry_is_kept(app: App, engine: AsyncEngine) -> None:
    await ask(app, "/consent yes")
    await ask(app, "잠이\x00 안\u202e 와요\x1b")
    async with engine.connect() as conn:
        assert await conn.scalar(select(WorryRow.text)) == "잠이 안 와요"


async def test_export_returns_the_users_data_as_json(app: App) -> None:
    await ask(app, "/consent yes")
    await ask(app, "내보낼 고민")
    export = await ask(app, "/export")
    (attachment,) = export.last.current.attachments
    assert attachment.mime_type == "application/json" and attachment.filename.endswith(".json")
    data = json.loads(attachment.content)
    assert data["user"]["language"] == "ko"
    assert [w["text"] for w in data["worries"]] == ["내보낼 고민"]
    assert {t["role"] for t in data["conversation_turns"]} == {"user", "F", "T"}
    assert len(data["llm_usage"]) == 2
    assert data["identities"][0]["platform"] == "terminal"


async def test_export_of_one_user_never_contains_another(app: App) -> None:
    await ask(app, "/consent yes", user="alice")
    await ask(app, "앨리스의 비밀", user="alice")
    export = await ask(app, "/export", user="bob")
    data = json.loads(export.last.current.attachments[0].content)
    assert data["worries"] == [] and "앨리스" not in export.last.current.attachments[0].content.decode()


async def test_forget_needs_the_confirm_button_then_deletes_everything(app: App, engine: AsyncEngine) -> None:
    await ask(app, "/consent yes")
    helped = await ask(app, "지울 고민")
    await press(app, helped.messages[0].current.buttons[0].action)
    await ask(app, "/consent yes", user="keeper")
    await ask(app, "남을 고민", user="keeper")

    question = await ask(app, "/forget")
    cancel, confirm = sorted(question.last.current.buttons, key=lambda b: b.action.endswith(":yes"))
    await press(app, cancel.action)
    async with engine.connect() as conn:
        assert await conn.scalar(select(func.count()).select_from(UserRow)) == 2

    await ask(app, "/forget")
    done = await press(app, confirm.action)
    assert "지웠어요" in done.all_text()
    async with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            if "user_id" in table.c:
                rows = await conn.scalar(
                    select(func.count()).select_from(table).where(table.c.user_id.is_not(None), table.c.user_id != 2)
                )
                assert rows == 0, table.name
        assert await conn.scalar(select(func.count()).select_from(IdentityRow)) == 1
        assert await conn.scalar(select(func.count()).select_from(FeedbackRow)) == 0
        # usage stays for the budget, with no link to the forgotten user
        assert (
            await conn.scalar(select(func.count()).select_from(LlmUsageRow).where(LlmUsageRow.user_id.is_(None))) == 2
        )


async def test_forget_confirmation_expires_after_ten_minutes(app: App, clock: FixedClock, engine: AsyncEngine) -> None:
    question = await ask(app, "/forget")
    confirm = next(b for b in question.last.current.buttons if b.action.endswith(":yes"))
    clock.advance(minutes=11)
    assert "시간이 지났어요" in (await press(app, confirm.action)).all_text()
    async with engine.connect() as conn:
        assert await conn.scalar(select(func.count()).select_from(UserRow)) == 1


async def test_help_lists_the_verbs_in_the_users_language(app: App) -> None:
    ko = (await ask(app, "/help")).all_text()
    assert "/worry" in ko and "/forget" in ko and "/consent" not in ko
    en = (await ask(app, "/help", locale="en", user="en")).all_text()
    assert "Share a worry" in en


async def test_an_internal_failure_gets_an_apology_with_an_incident_id(
    app: App, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(*_args: object) -> None:
        raise RuntimeError("boom")

    from core.products.account.commands import ShowHelp

    app.dispatcher._handlers[ShowHelp] = broken
    reply = await ask(app, "/help")
    text = reply.all_text()
    assert "사고 번호" in text and "boom" not in text and "Traceback" not in text
    incident = text.split("사고 번호 ")[1].rstrip(")")
    assert any(incident in r.getMessage() and r.levelname == "ERROR" for r in caplog.records)


async def test_an_undecodable_button_gets_the_expired_notice(app: App) -> None:
    from core.inbound import IncomingMessage

    base = dm("x")
    responder = RecordingResponder()
    await app.dispatcher.handle(
        IncomingMessage(platform=base.platform, chat=base.chat, sender=base.sender, action="mm:nope:1"), responder
    )
    assert "더 이상 쓸 수 없어요" in responder.all_text()


async def test_a_sticker_in_a_direct_chat_asks_for_text_and_in_a_group_is_ignored(app: App) -> None:
    from dataclasses import replace

    from tests.conftest import group

    direct = RecordingResponder()
    await app.dispatcher.handle(replace(dm(None), non_text=True), direct)
    assert "글로 적어 주시면" in direct.all_text()
    in_group = RecordingResponder()
    await app.dispatcher.handle(replace(group("x"), text=None, non_text=True), in_group)
    assert in_group.messages == []


async def test_a_second_create_of_one_identity_says_identity_taken(app: App) -> None:
    from core.domain.values import Locale
    from core.ports import IdentityTaken

    async with app.uow() as uow:
        await uow.users.create(
            platform="discord",
            external_id="42",
            display_name="a",
            locale=Locale.KO,
            timezone="Asia/Seoul",
            now=app.clock.now(),
        )
        await uow.commit()
    with pytest.raises(IdentityTaken):
        async with app.uow() as uow:
            await uow.users.create(
                platform="discord",
                external_id="42",
                display_name="b",
                locale=Locale.EN,
                timezone="UTC",
                now=app.clock.now(),
            )


async def test_first_messages_arriving_together_make_one_user_and_all_are_answered(
    app: App, engine: AsyncEngine
) -> None:
    import asyncio

    answers = await asyncio.gather(*(ask(app, "/help", user="twin") for _ in range(5)))
    assert all("마음 사용법" in answer.all_text() for answer in answers)
    async with engine.connect() as conn:
        assert await conn.scalar(select(func.count()).select_from(IdentityRow)) == 1


async def test_link_joins_a_second_platform_account_to_the_same_diary_and_points(app: App, engine: AsyncEngine) -> None:
    await ask(app, "/consent yes", user="tg-minji", platform="telegram")
    await ask(app, "/diary 텔레그램에서 쓴 일기", user="tg-minji", platform="telegram")
    made = await ask(app, "/link", user="tg-minji", platform="telegram")
    code = re.search(r"[A-Z2-9]{4}-[A-Z2-9]{4}", made.all_text())
    assert code is not None
    await ask(app, "요즘 잠이 안 와요", user="dc-minji", platform="discord")  # a worry first: it moves along
    assert "사용법: /link" in (await ask(app, "/link 12", user="dc-minji", platform="discord")).all_text()
    joined = await ask(app, f"/link {code.group()}", user="dc-minji", platform="discord")
    assert "연결됐어요" in joined.all_text() and "디스코드, 텔레그램" in joined.all_text()
    assert "텔레그램에서 쓴 일기" in (await ask(app, "/diaries", user="dc-minji", platform="discord")).all_text()
    assert "이미 쓰였거나" in (await ask(app, f"/link {code.group()}", user="x", platform="slack")).all_text()
    async with engine.connect() as conn:
        assert await conn.scalar(select(func.count()).select_from(UserRow)) == 2  # minji, and "x"
        assert await conn.scalar(select(func.count()).select_from(WorryRow)) == 1


async def test_an_account_with_its_own_diary_is_not_folded_away(app: App, engine: AsyncEngine) -> None:
    made = await ask(app, "/link", user="a", platform="telegram")
    code = re.search(r"[A-Z2-9]{4}-[A-Z2-9]{4}", made.all_text())
    assert code is not None
    await ask(app, "/consent yes", user="b", platform="slack")
    await ask(app, "/diary 내 일기", user="b", platform="slack")
    refused = await ask(app, f"/link {code.group()}", user="b", platform="slack")
    assert "합칠 수 없어요" in refused.all_text()
    assert "같은 계정" in (await ask(app, f"/link {code.group()}", user="a", platform="telegram")).all_text()
