"""Broadcast alerts end to end on both databases: /watch and friends, schedule imports (changes, moves,
cancellations, re-imports), alerts grouped per person through the outbox, quiet hours, the feeds and the sample,
the semantic step, and the account's export, forget and link."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.adapters.db.models import BroadcastRow, OutboxRow, WatchAlertRow, WatchRow, WatchSettingsRow
from core.bootstrap import App, bootstrap
from core.domain.outbox import PushDocument
from core.products.shopping.ingest import ImportReport, ScheduleFeeds, ScheduleIngest
from core.products.shopping.matcher import Matcher, calibrate
from core.products.shopping.sample import CHANNELS
from core.products.shopping.service import AlertSender
from core.settings import Settings
from tests.fakes import FixedClock, RecordingMessenger, ScriptedLanguageModel
from tests.integration.test_account import ask
from tests.integration.test_delivery import run_clock_once
from tests.integration.test_diary import press, say

NOW = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)  # the FixedClock: Thursday 26 November, 12:00 in Seoul
HEADER = "channel,start,end,product,price,url\n"


def row(channel: str, start: str, product: str, *, price: str = "", url: str = "", minutes: int = 20) -> str:
    """A CSV row starting at `start` ("2026-11-26T12:30", Seoul time), `minutes` long."""
    begins = datetime.fromisoformat(start)
    ends = begins + timedelta(minutes=minutes)
    return f'{channel},{begins.isoformat()},{ends.isoformat()},{product},"{price}",{url}\n'


FOUR = HEADER + (
    row("NS홈쇼핑", "2026-11-26T12:05", "종가 포기김치 10kg", price="59900", url="https://example.com/ns")
    + row("GS샵", "2026-11-26T12:07", "국내산 한돈 삼겹살 1kg", price="26,900원", url="https://example.com/gs")
    + row("롯데홈쇼핑", "2026-11-26T12:06", "딤채 김치냉장고", price="1890000")
    + row("홈앤쇼핑", "2026-11-26T12:08", "광천 조미김", price="15900")
)


@pytest.fixture
def messenger() -> RecordingMessenger:
    return RecordingMessenger()


@pytest.fixture
def shop_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"schedule_sample": False})


@pytest.fixture
async def shop(
    shop_settings: Settings,
    engine: AsyncEngine,
    clock: FixedClock,
    llm: ScriptedLanguageModel,
    messenger: RecordingMessenger,
) -> App:
    return bootstrap(shop_settings, clock=clock, llm=llm, engine=engine, messengers={"terminal": messenger})


def ingest(app: App, embedder: object = None) -> ScheduleIngest:
    return ScheduleIngest(uow=app.uow, clock=app.clock, matcher=Matcher(embedder))  # type: ignore[arg-type]


async def load(app: App, text: str, source: str = "feed.csv") -> ImportReport:
    return await ingest(app).import_text(text, source=source)


def step(app: App, kind: type) -> object:
    """The product's clock step whose service is of `kind` (AlertSender, ScheduleFeeds)."""
    return next(s for s in app.housekeeping if isinstance(getattr(s, "__self__", None), kind))


async def send_alerts(app: App) -> int:
    sender = step(app, AlertSender)
    pushes = int(await sender())  # type: ignore[operator]
    await run_clock_once(app)
    return pushes


async def count(engine: AsyncEngine, table: type, **where: object) -> int:
    async with engine.connect() as conn:
        query = select(func.count()).select_from(table)
        for name, value in where.items():
            query = query.where(getattr(table, name) == value)
        return int(await conn.scalar(query) or 0)


async def alert_states(engine: AsyncEngine) -> list[str]:
    async with engine.connect() as conn:
        return list((await conn.scalars(select(WatchAlertRow.state).order_by(WatchAlertRow.id))).all())


# --- the must-show: two watches, four broadcasts, one grouped alert, nothing twice --------------------------------


async def test_one_grouped_alert_lists_the_matching_broadcasts_and_a_reimport_sends_nothing_again(
    shop: App, messenger: RecordingMessenger, engine: AsyncEngine
) -> None:
    assert "아직 잡힌 방송은 없어요" in (await say(shop, "/watch 김치", user="민지")).all_text()
    await say(shop, "/watch 삼겹살", user="민지")
    report = await load(shop, FOUR)
    assert report.line() == "added 4, changed 0, withdrawn 0, bad 0"
    assert report.alerts == 2

    assert await send_alerts(shop) == 1
    ((recipient, reply, _),) = messenger.pushed
    text = reply.plain_text
    assert recipient.user_external_id == "민지"
    assert reply.sections[0].title == "🛒 곧 방송해요"
    assert "📺 NS홈쇼핑 · 11월 26일 (목) 오후 12:05 (5분 뒤)" in text
    assert "🛒 종가 포기김치 10kg · 59,900원" in text and "🔗 https://example.com/ns" in text
    assert "🛒 국내산 한돈 삼겹살 1kg · 26,900원" in text
    assert text.index("종가 포기김치") < text.index("한돈 삼겹살")  # soonest first
    assert "김치냉장고" not in text and "조미김" not in text

    again = await load(shop, FOUR)
    assert again.line() == "added 0, changed 0, withdrawn 0, bad 0"
    assert await send_alerts(shop) == 0
    assert len(messenger.pushed) == 1


async def test_watch_answers_with_the_upcoming_matches_and_alerts_them_at_once_when_air_is_near(
    shop: App, messenger: RecordingMessenger, clock: FixedClock
) -> None:
    await load(shop, FOUR + row("CJ온스타일", "2026-11-27T20:00", "비비고 포기배추김치 3.3kg", price="32900"))
    answer = (await say(shop, "/watch 김치", user="민지")).all_text()
    assert "‘김치’를 지켜볼게요 (#1). 방송 10분 전에 알려 드릴게요." in answer
    assert "• 11월 26일 (목) 오후 12:05 · NS홈쇼핑 — 종가 포기김치 10kg · 59,900원" in answer
    assert "• 11월 27일 (금) 오후 8:00 · CJ온스타일 — 비비고 포기배추김치 3.3kg · 32,900원" in answer
    assert "김치냉장고" not in answer and "조미김" not in answer
    assert await send_alerts(shop) == 1  # the 12:05 one at once: its ten minutes have begun
    clock.set(datetime(2026, 11, 27, 10, 49, tzinfo=UTC))  # 19:49 the next day
    assert await send_alerts(shop) == 0
    clock.advance(minutes=1)  # 19:50: ten minutes before
    assert await send_alerts(shop) == 1
    assert "비비고 포기배추김치" in messenger.texts[-1]


async def test_watches_list_unwatch_keeps_numbers_and_usage_lines(shop: App, engine: AsyncEngine) -> None:
    assert "지켜보는 상품이 없어요" in (await say(shop, "/watches")).all_text()
    await load(shop, FOUR)
    await say(shop, "/watch 김치")
    await say(shop, "/관심 삼겹살")  # the Korean alias
    await say(shop, "/watch 감귤")
    listed = (await say(shop, "/watches")).all_text()
    assert "지켜보는 상품이에요 (3/50) · 방송 10분 전에 알려 드려요" in listed
    assert "#1 김치 — 다음 방송: 11월 26일 (목) 오후 12:05 NS홈쇼핑" in listed and "#3 감귤" in listed
    assert "이미 지켜보고 있어요 (#1)" in (await say(shop, "/watch  김치 ")).all_text()
    assert "이제 ‘삼겹살’은 알려 드리지 않을게요 (#2)" in (await say(shop, "/unwatch 2")).all_text()
    assert "#2 관심 상품은 없어요" in (await say(shop, "/unwatch 2")).all_text()
    assert "(#4)" in (await say(shop, "/watch 사과")).all_text()  # numbers are never reused
    assert "(#5)" in (await say(shop, "/watch 삼겹살")).all_text()
    assert "#3 감귤" in (await say(shop, "/watch list")).all_text()
    assert "(#3)" in (await say(shop, "/watch remove 3")).all_text()
    for bad in ("/unwatch", "/unwatch 0", "/unwatch x", "/unwatch 1 2"):
        assert "사용법: /unwatch 번호" in (await say(shop, bad)).all_text(), bad
    assert "어떤 상품인지 알아보지 못했어요" in (await say(shop, "/watch 10kg")).all_text()
    assert "60자까지" in (await say(shop, "/watch " + "김치" * 40)).all_text()
    assert "1분 전부터 1440분" in (await say(shop, "/watch lead 0m")).all_text()
    assert "1분 전부터 1440분" in (await say(shop, "/watch lead 언젠가")).all_text()
    assert "1분 전부터 1440분" in (await say(shop, "/watch lead")).all_text()
    assert await count(engine, WatchRow) == 3  # 김치, 사과, 삼겹살


async def test_a_person_may_watch_fifty_products(shop: App) -> None:
    for n in range(50):
        await say(shop, f"/watch {chr(0xAC00 + 7 * n)}{chr(0xAC00 + 13 * n + 5)}")
    assert "50개까지" in (await say(shop, "/watch 하나더")).all_text()


async def test_english_replies_and_an_english_word(shop: App, messenger: RecordingMessenger) -> None:
    await say(shop, "/lang en", user="alex")
    await load(shop, FOUR)
    answer = (await say(shop, "/watch pork belly", user="alex")).all_text()
    assert "👀 Watching ‘pork belly’ (#1). You'll hear from me 10 minutes before it airs." in answer
    assert "GS샵 — 국내산 한돈 삼겹살 1kg · ₩26,900" in answer
    assert "Done: you'll be told 30 minutes before air." in (await say(shop, "/watch lead 30m", user="alex")).all_text()
    assert await send_alerts(shop) == 1
    (text,) = messenger.texts
    assert "Something you watch is about to air!" in text and "(in 7 min)" in text and "₩26,900" in text


# --- schedule changes ---------------------------------------------------------------------------------------------


async def test_a_moved_slot_moves_its_alert_and_a_vanished_one_withdraws_it(
    shop: App, messenger: RecordingMessenger, engine: AsyncEngine, clock: FixedClock
) -> None:
    day = row("KT알파쇼핑", "2026-11-26T19:00", "사과") + row("KT알파쇼핑", "2026-11-26T23:00", "배")  # what it covers
    first = HEADER + (
        day
        + row("NS홈쇼핑", "2026-11-26T20:00", "종가 포기김치 10kg")
        + row("GS샵", "2026-11-26T21:00", "광천 조미김")
        + row("GS샵", "2026-11-26T22:00", "비비고 포기배추김치 3.3kg")
    )
    await say(shop, "/watch 김치")
    await load(shop, first)
    assert await alert_states(engine) == ["pending", "pending"]
    # The 20:00 kimchi moves to 20:40; the 22:00 one is cancelled; a price changes on the 21:00 slot.
    second = HEADER + (
        day
        + row("NS홈쇼핑", "2026-11-26T20:40", "종가 포기김치 10kg")
        + row("GS샵", "2026-11-26T21:00", "광천 조미김", price="9900")
    )
    report = await load(shop, second)
    assert report.line() == "added 0, changed 2, withdrawn 1, bad 0"
    assert await alert_states(engine) == ["pending", "withdrawn"]
    clock.set(datetime(2026, 11, 26, 10, 50, tzinfo=UTC))  # 19:50: the old time's alert would be due now
    assert await send_alerts(shop) == 0
    clock.set(datetime(2026, 11, 26, 11, 30, tzinfo=UTC))  # 20:30: ten minutes before the new time
    assert await send_alerts(shop) == 1
    assert "오후 8:40" in messenger.texts[0] and "22:00" not in messenger.texts[0]


async def test_a_slot_listed_again_comes_back_and_a_changed_product_moves_the_match(
    shop: App, engine: AsyncEngine
) -> None:
    await say(shop, "/watch 김치")
    await say(shop, "/watch 삼겹살", user="준호")
    day = HEADER + row("NS홈쇼핑", "2026-11-26T19:00", "사과") + row("NS홈쇼핑", "2026-11-26T21:00", "한라봉")
    one = day + row("NS홈쇼핑", "2026-11-26T20:00", "종가 포기김치 10kg")
    await load(shop, one)
    await load(shop, day)  # the kimchi slot vanishes
    assert await alert_states(engine) == ["withdrawn"]
    await load(shop, one)  # and is listed again
    assert await alert_states(engine) == ["pending"]
    changed = day + row("NS홈쇼핑", "2026-11-26T20:00", "한돈 삼겹살 1kg")
    assert (await load(shop, changed)).line() == "added 0, changed 1, withdrawn 0, bad 0"
    assert await alert_states(engine) == ["withdrawn", "pending"]  # 민지's kimchi gone, 준호's pork belly made


async def test_only_the_same_source_within_what_it_covers_withdraws(shop: App, engine: AsyncEngine) -> None:
    await say(shop, "/watch 김치")
    await load(shop, HEADER + row("NS홈쇼핑", "2026-11-26T20:00", "종가 포기김치 10kg"), source="a.csv")
    await load(
        shop, HEADER + row("GS샵", "2026-11-26T19:00", "사과") + row("GS샵", "2026-11-26T21:00", "배"), source="b.csv"
    )
    await load(shop, HEADER + row("GS샵", "2026-11-26T19:00", "사과"), source="a.csv")  # covers only 19:00–19:20
    assert await alert_states(engine) == ["pending"]
    assert await count(engine, BroadcastRow) == 3


async def test_alerts_for_a_broadcast_that_started_are_dropped_not_sent(
    shop: App, messenger: RecordingMessenger, engine: AsyncEngine, clock: FixedClock
) -> None:
    await say(shop, "/watch 김치")
    await load(shop, FOUR)
    clock.advance(minutes=6)  # the clock was down: 12:06, the 12:05 broadcast has started
    assert await send_alerts(shop) == 0
    assert messenger.pushed == [] and await alert_states(engine) == ["dropped"]


# --- quiet hours --------------------------------------------------------------------------------------------------


async def test_an_alert_in_quiet_hours_waits_for_their_end_and_is_dropped_if_air_came_first(
    shop: App, messenger: RecordingMessenger, engine: AsyncEngine, clock: FixedClock
) -> None:
    await say(shop, "/quiet 23:00-08:00")
    await say(shop, "/watch 김치")
    await say(shop, "/watch 삼겹살")
    night = HEADER + (
        row("NS홈쇼핑", "2026-11-27T07:30", "종가 포기김치 10kg")  # airs in the quiet hours
        + row("GS샵", "2026-11-27T08:05", "국내산 한돈 삼겹살 1kg")  # due 07:55, in them; airs after
    )
    await load(shop, night)
    clock.set(datetime(2026, 11, 26, 22, 20, tzinfo=UTC))  # 07:20 Seoul: the kimchi alert is due, but quiet
    assert await send_alerts(shop) == 0
    clock.set(datetime(2026, 11, 26, 22, 58, tzinfo=UTC))  # 07:58: both due, still quiet
    assert await send_alerts(shop) == 0
    clock.set(datetime(2026, 11, 26, 23, 0, tzinfo=UTC))  # 08:00: the quiet hours end
    assert await send_alerts(shop) == 1
    (text,) = messenger.texts
    assert "한돈 삼겹살" in text and "포기김치" not in text
    assert await alert_states(engine) == ["dropped", "sent"]


async def test_a_new_lead_moves_pending_alerts(shop: App, messenger: RecordingMessenger, clock: FixedClock) -> None:
    await say(shop, "/watch 김치")
    await load(shop, HEADER + row("NS홈쇼핑", "2026-11-26T20:00", "종가 포기김치 10kg"))
    assert "이제 방송 60분 전에" in (await say(shop, "/watch lead 1시간")).all_text()
    clock.set(datetime(2026, 11, 26, 10, 0, tzinfo=UTC))  # 19:00
    assert await send_alerts(shop) == 1
    assert "(60분 뒤)" in messenger.texts[0]


async def test_two_watches_on_one_broadcast_make_one_line_and_a_rewatch_is_not_told_again(
    shop: App, messenger: RecordingMessenger
) -> None:
    await say(shop, "/watch 김치")
    await say(shop, "/watch 포기김치")
    await load(shop, FOUR)
    assert await send_alerts(shop) == 1
    (text,) = messenger.texts
    assert text.count("종가 포기김치") == 1 and "👀 김치, 포기김치" in text
    await say(shop, "/unwatch 1")
    await say(shop, "/watch 김치")
    assert await send_alerts(shop) == 0  # that broadcast was told already


# --- the feeds and the sample -------------------------------------------------------------------------------------


async def test_feeds_are_read_every_few_minutes_and_an_unreadable_one_is_logged(
    shop_settings: Settings,
    engine: AsyncEngine,
    clock: FixedClock,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    feed = tmp_path / "feed.csv"
    feed.write_text(FOUR, encoding="utf-8")
    missing = tmp_path / "missing.json"
    settings = shop_settings.model_copy(
        update={"schedule_feeds": [str(feed), str(missing)], "schedule_feeds_minutes": 5}
    )
    app = bootstrap(settings, clock=clock, engine=engine)
    refresh = step(app, ScheduleFeeds)
    with caplog.at_level(logging.ERROR):
        assert await refresh() == 2  # type: ignore[operator]
    assert await count(engine, BroadcastRow) == 4
    assert any("missing.json could not be read" in r.getMessage() for r in caplog.records)
    feed.write_text(HEADER + row("NS홈쇼핑", "2026-11-26T12:05", "종가 포기김치 10kg"), encoding="utf-8")
    clock.advance(minutes=4)
    assert await refresh() == 0  # type: ignore[operator]
    clock.advance(minutes=1)
    assert await refresh() == 2  # type: ignore[operator]
    assert await count(engine, BroadcastRow, withdrawn_at=None) == 1


async def test_the_sample_loads_on_first_run_and_again_the_next_day(
    settings: Settings, engine: AsyncEngine, clock: FixedClock
) -> None:
    app = bootstrap(settings, clock=clock, engine=engine)
    refresh = step(app, ScheduleFeeds)
    assert await refresh() == 1  # type: ignore[operator]
    loaded = await count(engine, BroadcastRow)
    assert loaded == len(CHANNELS) * 3 * 36
    assert await refresh() == 0  # type: ignore[operator]
    clock.advance(days=1)
    assert await refresh() == 1  # type: ignore[operator]
    assert await count(engine, BroadcastRow, withdrawn_at=None) == loaded + len(CHANNELS) * 3 * 24
    off = bootstrap(settings.model_copy(update={"schedule_sample": False}), clock=clock, engine=engine)
    assert await step(off, ScheduleFeeds)() == 0  # type: ignore[operator]


# --- the semantic step --------------------------------------------------------------------------------------------


class SynonymEmbedder:
    """An embedder that knows a few equivalences (포기김치 is a 배추김치, 러닝화 a 운동화, 홍삼정 a 홍삼) and nothing
    else: each other text gets a direction of its own."""

    name = "synonym-test-model"
    SAME = ({"배추김치", "포기김치", "포기배추김치"}, {"운동화", "러닝화"}, {"홍삼", "홍삼정"}, {"김치", "김치냉장고"})

    def __init__(self) -> None:
        self._rows: dict[str, int] = {}

    async def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        rows = np.zeros((len(texts), 512), dtype=np.float32)
        for i, text in enumerate(texts):
            group = next((min(g) for g in self.SAME if text in g), text)
            rows[i, self._rows.setdefault(group, len(self._rows) % 512)] = 1.0
        return rows


async def test_the_semantic_step_adds_what_lexical_misses_and_never_overrules_it(
    shop: App, engine: AsyncEngine
) -> None:
    calibration = await calibrate(SynonymEmbedder())  # type: ignore[arg-type]
    assert calibration.threshold == 1.0
    assert calibration.combined.recall > calibration.lexical.recall
    assert calibration.combined.precision >= calibration.lexical.precision

    embedder = SynonymEmbedder()
    app = bootstrap(shop.settings, clock=shop.clock, engine=shop.engine, embedder=embedder)  # type: ignore[arg-type]
    await say(app, "/watch 배추김치")
    await say(app, "/watch 김치", user="준호")
    await ingest(app, embedder).import_text(FOUR, source="feed.csv")
    async with engine.connect() as conn:
        watched = dict((await conn.execute(select(WatchRow.key, WatchRow.vector_model))).all())
        rows = (await conn.execute(select(WatchAlertRow.user_id, BroadcastRow.product).join(BroadcastRow))).all()
    assert watched == {"배추김치": "synonym-test-model", "김치": "synonym-test-model"}
    assert sorted(product for _, product in rows) == ["종가 포기김치 10kg", "종가 포기김치 10kg"]  # never the fridge


async def test_a_failing_embedder_leaves_matching_lexical(shop: App) -> None:
    from tests.embedding_model import FailingEmbedder

    app = bootstrap(shop.settings, clock=shop.clock, engine=shop.engine, embedder=FailingEmbedder())  # type: ignore[arg-type]
    await load(app, FOUR)
    assert "종가 포기김치" in (await say(app, "/watch 김치")).all_text()


async def test_the_tiny_real_model_loads_and_matching_still_works(shop: App, tiny_embedding_model: Path) -> None:
    from core.adapters.embeddings import SentenceTransformerEmbedder

    embedder = SentenceTransformerEmbedder(str(tiny_embedding_model))
    calibration = await calibrate(embedder)
    assert calibration.combined.f1 >= calibration.lexical.f1  # a model that does not help is not used
    app = bootstrap(shop.settings, clock=shop.clock, engine=shop.engine, embedder=embedder)
    await ingest(app, embedder).import_text(FOUR, source="feed.csv")
    answer = (await say(app, "/watch 김치")).all_text()
    assert "종가 포기김치" in answer and "김치냉장고" not in answer


# --- the account --------------------------------------------------------------------------------------------------


async def test_export_forget_and_link_cover_watches_alerts_and_the_lead(shop: App, engine: AsyncEngine) -> None:
    await load(shop, FOUR)
    await say(shop, "/watch 김치", user="민지")
    await say(shop, "/watch lead 30m", user="민지")
    await say(shop, "/watch 김치", user="준호")
    (attachment,) = (await say(shop, "/export", user="민지")).last.current.attachments
    data = json.loads(attachment.content)
    assert data["watches"] == [{"number": 1, "text": "김치", "created_at": "2026-11-26T03:00:00+00:00"}]
    assert data["watch_lead_minutes"] == 30
    assert [(a["product"], a["state"]) for a in data["watch_alerts"]] == [("종가 포기김치 10kg", "pending")]
    assert "관심 상품 1개 · 기다리는 방송 알림 1개" in (await say(shop, "/home", user="민지")).all_text()

    forget = await say(shop, "/forget", user="준호")
    await press(shop, next(b.action for b in forget.last.current.buttons if b.action.endswith(":yes")), user="준호")
    assert await count(engine, WatchRow) == 1 and await count(engine, WatchAlertRow) == 1

    # 민지 links a Discord account that watches 김치 (again) and 삼겹살: one 김치 watch, 삼겹살 renumbered after hers
    await ask(shop, "/watch 김치", user="dc-minji", platform="discord")
    await ask(shop, "/watch 삼겹살", user="dc-minji", platform="discord")
    made = await say(shop, "/link", user="민지")
    code = re.search(r"[A-Z2-9]{4}-[A-Z2-9]{4}", made.all_text())
    assert code is not None
    assert "연결됐어요" in (await ask(shop, f"/link {code.group()}", user="dc-minji", platform="discord")).all_text()
    listed = (await say(shop, "/watches", user="민지")).all_text()
    assert "#1 김치" in listed and "#2 삼겹살" in listed and "방송 30분 전에" in listed
    assert await count(engine, WatchRow) == 2 and await count(engine, WatchSettingsRow) == 1


async def test_an_alert_is_a_push_of_its_own_kind_with_a_dedupe_key(shop: App, engine: AsyncEngine) -> None:
    await say(shop, "/watch 김치")
    await load(shop, FOUR)
    await step(shop, AlertSender)()  # type: ignore[operator]
    async with engine.connect() as conn:
        kind, key, document = (
            await conn.execute(select(OutboxRow.kind, OutboxRow.dedupe_key, OutboxRow.document))
        ).one()
    assert kind == "alert" and key.startswith("watch-alert:")
    assert PushDocument.from_json(document).params["count"] == 1


async def test_help_lists_the_watch_verbs(shop: App) -> None:
    text = (await say(shop, "/help")).all_text()
    assert "/watch" in text and "/watches" in text and "/unwatch" in text


async def test_watches_are_kept_to_direct_chats(shop: App) -> None:
    from tests.integration.test_bookclub_rooms import in_group

    assert "1:1" in (await in_group(shop, "/watch 김치", "민지")).all_text()


async def test_broadcasts_aired_past_the_retention_go_with_their_alerts(
    shop: App, engine: AsyncEngine, clock: FixedClock
) -> None:
    await say(shop, "/watch 김치")
    await load(shop, FOUR)
    refresh = step(shop, ScheduleFeeds)
    await refresh()  # type: ignore[operator]
    assert await count(engine, BroadcastRow) == 4
    clock.advance(days=31)
    await refresh()  # type: ignore[operator]
    assert await count(engine, BroadcastRow) == 0 and await count(engine, WatchAlertRow) == 0
    assert await count(engine, WatchRow) == 1


# --- recipes over the real schedule: a recipe's ingredient shows its broadcasts, and its button watches it ----------


async def test_a_recipe_links_its_ingredients_to_the_imported_broadcasts_and_its_button_makes_a_real_watch(
    shop: App, engine: AsyncEngine
) -> None:
    await load(shop, FOUR)
    recipe = await say(shop, "/recipe 김치찌개")
    text = recipe.all_text()
    assert "국내산 한돈 삼겹살 1kg" in text and "GS샵" in text  # 돼지고기 takes 삼겹살, as a watch of it would
    assert "종가 포기김치 10kg" in text and "딤채 김치냉장고" not in text and "광천 조미김" not in text
    button = next(b for b in recipe.last.current.buttons if "돼지고기" in b.label)
    watched = await press(shop, button.action)
    assert "돼지고기" in watched.all_text()
    assert await count(engine, WatchRow) == 1
    assert "돼지고기" in (await say(shop, "/watches")).all_text()
