"""Book picks: three books from the catalog for a reader or a room; the model's answer is checked, never trusted."""

from __future__ import annotations

import json
import re

from sqlalchemy.ext.asyncio import AsyncEngine

from core.adapters.offline_counselor import OfflineCounselor
from core.bootstrap import App, bootstrap
from core.ports import ModelCall
from core.products.bookclub.quiz import QUESTIONS, Progress
from core.settings import Settings
from tests.fakes import FixedClock, RecordingOpsAlerts, ScriptedLanguageModel
from tests.integration.test_bookclub_rooms import in_group
from tests.integration.test_diary import say

MYSTERY_READER = {
    "genres": ("mystery", "korean"),
    "fiction": ("fiction",),
    "mood": ("tense",),
    "pace": ("fast",),
    "length": ("any",),
    "origin": ("any",),
    "when": ("bedtime",),
    "era": ("both",),
    "why": ("fun",),
    "company": ("discuss",),
}
LINE = re.compile(r"^(\d)\. 《(.+?)》 — (.+?): (.+)$", re.MULTILINE)


async def finished_quiz(app: App, user: str, answers: dict[str, tuple[str, ...]] = MYSTERY_READER) -> None:
    await say(app, "/start", user=user)
    async with app.uow() as uow:
        found = await uow.users.by_identity("terminal", user)
        assert found is not None
        await uow.quizzes.save(found.id, Progress(step=len(QUESTIONS), answers=answers), now=app.clock.now())
        await uow.commit()


def candidate_ids(call: ModelCall) -> list[int]:
    data = call.messages[1].content  # the request: the reader and the candidates, delimited as data
    payload = json.loads(data.split("\n", 1)[1].rsplit("\n", 1)[0])
    return [book["id"] for book in payload["candidates"]]


def app_with(settings: Settings, engine: AsyncEngine, clock: FixedClock, llm: object) -> App:
    return bootstrap(settings, clock=clock, llm=llm, engine=engine, ops=RecordingOpsAlerts())  # type: ignore[arg-type]


async def titles_in_catalog(app: App, titles: list[str]) -> bool:
    async with app.uow() as uow:
        known = {book.title for book in await uow.books.texts()}
    return all(title in known for title in titles)


async def test_offline_the_ranked_list_answers_with_template_reasons(
    settings: Settings, engine: AsyncEngine, clock: FixedClock
) -> None:
    app = app_with(settings, engine, clock, OfflineCounselor())
    assert "/quiz" in (await say(app, "/recommend", user="민지")).all_text()  # no taste yet: the quiz first
    await finished_quiz(app, "민지")
    text = (await say(app, "/recommend", user="민지")).all_text()
    lines = LINE.findall(text)
    assert [n for n, *_ in lines] == ["1", "2", "3"], text
    assert await titles_in_catalog(app, [title for _, title, _, _ in lines])
    assert any("추리/미스터리" in reason or "한국소설" in reason for *_, reason in lines)


async def test_the_models_three_picks_are_used_when_they_are_candidates(
    settings: Settings, engine: AsyncEngine, clock: FixedClock
) -> None:
    def picks(call: ModelCall) -> str:
        ids = candidate_ids(call)
        return json.dumps({"picks": [{"id": i, "reason": f"모델이 고른 이유 {n}"} for n, i in enumerate(ids[:3])]})

    app = app_with(settings, engine, clock, ScriptedLanguageModel(picks))
    await finished_quiz(app, "민지")
    text = (await say(app, "/recommend", user="민지")).all_text()
    assert [reason for *_, reason in LINE.findall(text)] == [
        "모델이 고른 이유 0",
        "모델이 고른 이유 1",
        "모델이 고른 이유 2",
    ]


async def test_an_id_outside_the_candidates_is_rejected_and_the_ranked_list_stands_in(
    settings: Settings, engine: AsyncEngine, clock: FixedClock
) -> None:
    def outside(call: ModelCall) -> str:
        ids = candidate_ids(call)
        return json.dumps(
            {"picks": [{"id": ids[0], "reason": "a"}, {"id": ids[1], "reason": "b"}, {"id": 999999, "reason": "c"}]}
        )

    llm = ScriptedLanguageModel(outside)
    app = app_with(settings, engine, clock, llm)
    await finished_quiz(app, "민지")
    text = (await say(app, "/recommend", user="민지")).all_text()
    reasons = [reason for *_, reason in LINE.findall(text)]
    assert len(reasons) == 3 and "c" not in reasons and "a" not in reasons  # the template reasons of the ranked list
    assert len(llm.calls) == 2  # asked once more, saying what was wrong


async def test_prose_instead_of_json_is_rejected_and_the_ranked_list_stands_in(
    settings: Settings, engine: AsyncEngine, clock: FixedClock
) -> None:
    app = app_with(
        settings, engine, clock, ScriptedLanguageModel(lambda call: "이 책들을 추천해요: 소년이 온다, 채식주의자")
    )
    await finished_quiz(app, "민지")
    text = (await say(app, "/recommend", user="민지")).all_text()
    assert len(LINE.findall(text)) == 3 and "이 책들을 추천해요" not in text


async def test_a_room_gets_everyones_taste_and_never_the_same_book_twice(
    settings: Settings, engine: AsyncEngine, clock: FixedClock
) -> None:
    app = app_with(settings, engine, clock, OfflineCounselor())
    await in_group(app, "/club start 책벌레", "민지")
    assert "퀴즈를 마친 멤버가 없어요" in (await in_group(app, "/club recommend", "민지")).all_text()
    await in_group(app, "/club join", "준호")
    await finished_quiz(app, "민지")
    await finished_quiz(app, "준호", {**MYSTERY_READER, "genres": ("sf",), "mood": ("warm",)})
    first = (await in_group(app, "/club recommend", "준호")).all_text()
    assert "멤버 2명의 취향" in first
    second = (await in_group(app, "/club recommend", "민지")).all_text()
    titles = [title for _, title, _, _ in LINE.findall(first) + LINE.findall(second)]
    assert len(titles) == 6 and len(set(titles)) == 6
    assert "멤버가 아니에요" in (await in_group(app, "/club recommend", "지나가던사람")).all_text()
