"""Recipes and `/similar` end to end, on SQLite and PostgreSQL: the bundle on first use, imports by name (and
`maeum recipes import`), and `/recipe`, `/recipe with`, `/similar` and the watch button through the dispatcher in
Korean and English. The broadcasts and watches belong to the other half of the shopping product: a throwaway
product built from `RECIPE_VERBS` and `build_recipes` stands in for it here, with a fake schedule."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.adapters.crypto import PlainCipher
from core.adapters.db.engine import session_factory
from core.adapters.db.models import RecipeIngredientRow, RecipeRow
from core.adapters.db.uow import SqlAlchemyUnitOfWorkFactory
from core.bootstrap import App, bootstrap
from core.domain.values import UserId
from core.products import registered
from core.products.shopping.recipes import (
    Ingredient,
    RecipeImportReport,
    ensure_sample_recipes,
    import_recipes,
    parse_recipes,
    sample_recipes,
)
from core.products.shopping.recipes_service import SlotView, build_recipes
from core.products.shopping.recipes_verbs import RECIPE_VERBS
from core.products.shopping.shop_catalog import ProductClass, SimilarFinder
from core.registration import Built, Kit, Product
from core.replies import Reply
from core.routing import encode_action
from core.settings import Settings
from core.usecases.context import Context
from tests.fakes import FixedClock, RecordingOpsAlerts, RecordingResponder, ScriptedLanguageModel
from tests.integration.test_diary import press, say

SAMPLE = len(sample_recipes())
TOMORROW_20_20 = datetime(2026, 11, 27, 11, 20, tzinfo=UTC)  # the clock: Thu 26 Nov, 12:00 in Seoul


@dataclass
class FakeSchedule:
    """The broadcasts to come, by the word asked for; remembers what was asked."""

    slots: dict[str, list[SlotView]] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)

    async def for_ingredient(self, name: str, now: datetime, limit: int) -> Sequence[SlotView]:
        self.asked.append(name)
        return [s for s in self.slots.get(name, []) if s.starts_at > now][:limit]


@dataclass
class Watches:
    made: list[tuple[str, UserId]] = field(default_factory=list)

    async def watch(self, name: str, ctx: Context) -> None:
        self.made.append((name, ctx.user.id))
        await ctx.responder.send(Reply.text(f"watching {name}"))


@pytest.fixture
def schedule() -> FakeSchedule:
    pork = SlotView(
        channel="NS홈쇼핑",
        starts_at=TOMORROW_20_20,
        product="국내산 한돈 삼겹살 1kg",
        price=29900,
        url="https://example.test/ns/1",
    )
    return FakeSchedule(slots={"돼지고기": [pork]})


@pytest.fixture
def watches() -> Watches:
    return Watches()


@pytest.fixture
def shop(
    settings: Settings,
    engine: AsyncEngine,
    clock: FixedClock,
    llm: ScriptedLanguageModel,
    schedule: FakeSchedule,
    watches: Watches,
) -> App:
    def build(kit: Kit) -> Built:
        return Built(handlers=build_recipes(kit, schedule, watches.watch))

    # the recipes alone, over a schedule the test writes: the real shopping product (watches, the schedule) aside
    product = Product(name="recipes", verbs=RECIPE_VERBS, build=build)
    others = tuple(p for p in registered() if p.name != "shopping")
    return bootstrap(
        settings, clock=clock, llm=llm, engine=engine, ops=RecordingOpsAlerts(), products=(*others, product)
    )


@pytest.fixture
def uow(engine: AsyncEngine) -> SqlAlchemyUnitOfWorkFactory:
    return SqlAlchemyUnitOfWorkFactory(session_factory(engine), PlainCipher())


async def _count(engine: AsyncEngine, table: type) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(select(func.count()).select_from(table)) or 0)


async def in_language(app: App, locale: str) -> None:
    if locale == "en":
        await say(app, "/lang en")


def _button(reply: RecordingResponder, label_part: str) -> str:
    return next(b.action for b in reply.last.current.buttons if label_part in b.label)


async def test_the_verbs_show_in_help_and_on_every_platforms_menu(shop: App) -> None:
    from bots.discord.slash_commands import build_commands
    from bots.telegram.app import menu
    from core.domain.values import Locale

    help_text = (await say(shop, "/help")).all_text()
    assert "/recipe" in help_text and "/similar" in help_text
    for locale in Locale:
        assert {"recipe", "similar"} <= {command.command for command in menu(shop, locale)}

    async def receive(_: object) -> None:
        return None

    commands = {c.name: c for c in build_commands(shop.verbs, shop.catalog, receive) if c.name in {"recipe", "similar"}}
    assert [str(p.display_name) for p in commands["recipe"].parameters] == ["dish"]
    assert [str(p.display_name) for p in commands["similar"].parameters] == ["product"]


# --- the store -------------------------------------------------------------------------------------------------


async def test_the_bundle_loads_once_and_twice_at_once_adds_it_once(
    uow: SqlAlchemyUnitOfWorkFactory, clock: FixedClock, engine: AsyncEngine
) -> None:
    added = await asyncio.gather(ensure_sample_recipes(uow, clock), ensure_sample_recipes(uow, clock))
    assert sorted(added)[-1] == SAMPLE >= 100
    assert await ensure_sample_recipes(uow, clock) == 0
    assert await _count(engine, RecipeRow) == SAMPLE
    async with uow() as unit:
        stored = await unit.recipes.all()
    first = next(r for r in stored if r.name == "김치찌개")
    assert first.ingredients == sample_recipes()[0].ingredients and first.steps == sample_recipes()[0].steps


async def test_an_import_upserts_by_name_replacing_the_whole_recipe(
    uow: SqlAlchemyUnitOfWorkFactory, clock: FixedClock, engine: AsyncEngine
) -> None:
    first = parse_recipes(
        [
            {"name": "버섯전골", "ingredients": [{"name": "표고버섯", "amount": "3개"}], "steps": ["끓여요."]},
            {"name": "김치 찌개", "ingredients": [{"name": "묵은지", "amount": "1/2포기"}], "steps": ["푹 끓여요."]},
            {"name": "", "ingredients": [], "steps": []},
        ]
    )
    report = await import_recipes(uow, clock, first)  # the bundle goes in first: 김치 찌개 is its 김치찌개
    assert report == RecipeImportReport(added=1, updated=1, bad=1)
    assert report.line() == "added 1, updated 1, bad 1"
    async with uow() as unit:
        count, changed = await unit.recipes.version()
        stored = {r.name: r for r in await unit.recipes.all()}
    assert count == SAMPLE + 1 and changed == clock.now()
    assert stored["김치 찌개"].ingredients == (Ingredient(name="묵은지", amount="1/2포기"),)
    assert stored["김치 찌개"].source == "import" and "김치찌개" not in stored

    clock.advance(minutes=1)
    again = parse_recipes(
        [
            {
                "name": "버섯전골",
                "ingredients": [{"name": "느타리버섯", "amount": "200g"}],
                "steps": ["끓여요.", "먹어요."],
            }
        ]
    )
    assert await import_recipes(uow, clock, again) == RecipeImportReport(added=0, updated=1, bad=0)
    async with uow() as unit:
        assert (await unit.recipes.version())[1] == clock.now()
        mushroom = next(r for r in await unit.recipes.all() if r.name == "버섯전골")
    assert mushroom.ingredients == (Ingredient(name="느타리버섯", amount="200g"),) and len(mushroom.steps) == 2
    total_ingredients = sum(len(r.ingredients) for r in sample_recipes()) - len(sample_recipes()[0].ingredients) + 2
    assert await _count(engine, RecipeIngredientRow) == total_ingredients  # replaced, never piled up


# --- /recipe ---------------------------------------------------------------------------------------------------


async def test_a_typo_finds_the_recipe_with_shop_links_broadcasts_steps_and_watch_buttons(
    shop: App, schedule: FakeSchedule, watches: Watches
) -> None:
    reply = await say(shop, "/recipe 김치찌게")
    text = reply.all_text()
    assert text.startswith("🍲 김치찌개 · 2인분\n‘김치찌게’에 가장 가까운 ‘김치찌개’ 레시피예요.")
    assert "• 돼지고기 200g (앞다리살)\n   🛒 한돈 앞다리살 찌개용 1kg · 15,900원" in text
    assert "• 양념: 고춧가루 1큰술, 다진 마늘 1작은술, 국간장 1큰술, 참기름 1큰술, 물 500ml" in text
    assert "📺 곧 방송해요\n돼지고기: 내일 20:20 NS홈쇼핑 · 국내산 한돈 삼겹살 1kg · 29,900원" in text
    assert "👩‍🍳 만드는 법\n1. 김치와 돼지고기는" in text
    assert "다진 마늘" not in schedule.asked and {"김치", "돼지고기", "두부"} <= set(schedule.asked)
    labels = [b.label for b in reply.last.current.buttons]
    assert labels == ["🔔 김치 방송 알림", "🔔 돼지고기 방송 알림", "🔔 두부 방송 알림"]

    pressed = await press(shop, _button(reply, "돼지고기"))
    assert pressed.all_text() == "watching 돼지고기"
    typed = await say(shop, "/recipe watch 두부")  # the button's typed twin
    assert typed.all_text() == "watching 두부"
    assert [name for name, _ in watches.made] == ["돼지고기", "두부"]


async def test_in_english_the_recipe_names_its_ingredients_and_the_time_in_english(shop: App, watches: Watches) -> None:
    await in_language(shop, "en")
    reply = await say(shop, "/recipe kimchi stw")
    text = reply.all_text()
    assert text.startswith("🍲 Kimchi stew (김치찌개) · serves 2\nThe closest recipe to 'kimchi stw' is")
    assert "• 두부 (tofu) 1/2모\n   🛒 국산콩 부침두부 3모 · ₩5,900" in text
    assert "돼지고기 (pork): tomorrow 20:20 NS홈쇼핑 · 국내산 한돈 삼겹살 1kg · ₩29,900" in text
    assert "👩‍🍳 Steps (in Korean)" in text
    await press(shop, _button(reply, "Alert me: 돼지고기"))
    await say(shop, "/recipe watch pork")  # English is watched by its Korean word: broadcasts sell in Korean
    assert [name for name, _ in watches.made] == ["돼지고기", "돼지고기"]


@pytest.mark.parametrize("locale", ["ko", "en"])
async def test_a_word_in_many_names_lists_them_with_buttons_that_open_each(shop: App, locale: str) -> None:
    await in_language(shop, locale)
    listed = await say(shop, "/recipe 김치")
    assert "김치볶음밥" in listed.all_text() and len(listed.last.current.buttons) == 8
    opened = await press(shop, _button(listed, "김치볶음밥"))
    assert (opened.messages[0].reply.sections[0].title or "").startswith("🍲 ") and "김치볶음밥" in opened.all_text()
    assert (await say(shop, "/recipe open 999999")).all_text() == (
        "그 레시피는 이제 없어요. 이름으로 다시 찾아 주세요. 예: /recipe 김치찌개"
        if locale == "ko"
        else "That recipe is no longer here. Search by name again, for example /recipe kimchi stew"
    )


@pytest.mark.parametrize("locale", ["ko", "en"])
async def test_what_you_have_ranks_recipes_by_how_much_of_it_they_use(shop: App, locale: str) -> None:
    await in_language(shop, locale)
    have = "두부 김치 돼지고기" if locale == "ko" else "tofu kimchi pork"
    reply = await say(shop, f"/recipe with {have}")
    lines = reply.all_text().splitlines()
    assert lines[0] == (
        "🧺 가진 재료로 만들 수 있는 요리 (두부, 김치, 돼지고기)"
        if locale == "ko"
        else "🧺 What you can cook (두부 (tofu), 김치 (kimchi), 돼지고기 (pork))"
    )
    used = "3가지 중 3가지 사용" if locale == "ko" else "uses 3 of your 3"
    assert used in lines[1] and used in lines[2] and used not in lines[5]
    assert "김치찌개" in "".join(lines[1:3]) and "두부김치" in "".join(lines[1:3])
    actions = [b.action for b in reply.last.current.buttons]
    assert actions[-2:] == [encode_action("recipe", "watch", "양파"), encode_action("recipe", "watch", "대파")]
    assert "📺" in (await press(shop, actions[0])).all_text()  # a dish's button opens it


async def test_food_words_asked_as_a_dish_are_read_as_what_you_have(shop: App) -> None:
    reply = await say(shop, "/recipe 두부 김치 돼지고기")
    assert reply.all_text().startswith("🧺 가진 재료로 만들 수 있는 요리")
    unused = await say(shop, "/recipe with 두부 우주선")
    assert "레시피에 쓰이지 않은 재료: 우주선" in unused.all_text()


@pytest.mark.parametrize(
    ("locale", "typed", "says"),
    [
        ("ko", "/recipe", "사용법: /recipe 김치찌개 · /recipe with 두부 김치 돼지고기 (가진 재료로 찾기)"),
        ("en", "/recipe", "Usage: /recipe kimchi stew · /recipe with tofu kimchi pork (what you have)"),
        ("ko", "/recipe with", "가진 재료를 적어 주세요. 예: /recipe with 두부 김치 돼지고기"),
        ("en", "/recipe with  ", "Tell me what you have. For example: /recipe with tofu kimchi pork"),
        ("ko", "/recipe with ,,", "가진 재료를 적어 주세요. 예: /recipe with 두부 김치 돼지고기"),
        ("ko", "/recipe 짬뽕", "‘짬뽕’ 레시피는 아직 없어요."),
        ("en", "/recipe jjamppong", "No recipe called 'jjamppong' yet."),
        ("ko", "/recipe with 우주선", "우주선 — 이 재료로 만들 수 있는 레시피를 찾지 못했어요."),
        ("ko", "/similar", "사용법: /similar 상품이름 · 예: /similar 종가 포기김치 10kg · /similar 삼겹살"),
        ("en", "/similar", "Usage: /similar PRODUCT · for example /similar pork belly · /similar kimchi"),
        ("ko", "/similar 우주선 xyz", "‘우주선 xyz’ 상품은 카탈로그에서 찾지 못했어요."),
        ("en", "/similar spaceship", "I couldn't find 'spaceship' in the catalog."),
    ],
)
async def test_bad_input_gets_a_clear_line_in_the_users_language(shop: App, locale: str, typed: str, says: str) -> None:
    await in_language(shop, locale)
    reply = await say(shop, typed)
    assert reply.all_text().startswith(says), reply.all_text()
    assert "incident" not in reply.all_text().lower()


@pytest.mark.parametrize("locale", ["ko", "en"])
async def test_an_unknown_dish_suggests_the_closest_with_a_button(shop: App, locale: str) -> None:
    await in_language(shop, locale)
    reply = await say(shop, "/recipe 잡체")
    assert reply.all_text() == (
        "‘잡체’ 레시피는 찾지 못했어요. 혹시 ‘잡채’ 찾으셨어요? 버튼을 누르거나 /recipe 잡채 로 열어 보세요."
        if locale == "ko"
        else "I couldn't find '잡체'. Did you mean 'Glass noodles with vegetables (Japchae) (잡채)'? "
        "Tap the button or type /recipe 잡채."
    )
    assert "당면" in (await press(shop, reply.last.current.buttons[0].action)).all_text()


async def test_an_imported_recipe_is_found_at_the_next_request(
    shop: App, uow: SqlAlchemyUnitOfWorkFactory, clock: FixedClock
) -> None:
    assert "찾지 못했어요" in (await say(shop, "/recipe 버섯전골")).all_text()  # also loads the bundle
    clock.advance(seconds=5)
    items = [{"name": "버섯전골", "ingredients": [{"name": "표고버섯", "amount": "3개"}], "steps": ["끓여요."]}]
    await import_recipes(uow, clock, parse_recipes(items))
    reply = await say(shop, "/recipe 버섯전골")
    assert reply.all_text().startswith("🍲 버섯전골\n• 표고버섯 3개\n   🛒 표고버섯 500g · 9,900원")


# --- /similar --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", ["ko", "en"])
async def test_similar_tells_food_from_non_food_and_raw_from_ready(shop: App, locale: str) -> None:
    await in_language(shop, locale)
    fridge = (await say(shop, "/similar 김치냉장고")).all_text()
    kinds = ("🏠 생활·가전 (비식품)", "🍱 완제품") if locale == "ko" else ("🏠 Household", "🍱 Ready-made")
    assert kinds[0] in fridge and kinds[1] not in fridge and "포기김치" not in fridge
    assert "1. 딤채 김치냉장고 스탠드 4도어 · 주방가전 · " in fridge or "1. 뚜껑형 김치냉장고" in fridge

    ribs = await say(shop, "/similar 돼지갈비")
    titles = [s.title for s in ribs.last.current.sections]
    assert titles[1:] == (
        ["🥬 식재료", "🍱 완제품 (바로 먹는 식품)"] if locale == "ko" else ["🥬 Ingredients", "🍱 Ready-made food"]
    )
    raw, ready = (s.body for s in ribs.last.current.sections[1:])
    assert raw.startswith("1. 한돈 돼지갈비 찜용 1kg") and ready.startswith("1. 양념 돼지갈비 2kg")
    assert "양념" not in raw

    kimchi = (await say(shop, "/similar 종가 포기김치 10kg")).all_text()
    note = "카탈로그 상품 ‘종가 포기김치 10kg’ 기준이에요" if locale == "ko" else "catalog product '종가 포기김치 10kg'"
    assert note in kimchi and "1. 전라도 포기김치 5kg" in kimchi and "절임배추" not in kimchi


async def test_the_tiny_real_model_reranks_within_the_class_and_keeps_the_classes_apart(
    tiny_embedding_model: Path,
) -> None:
    from core.adapters.embeddings import SentenceTransformerEmbedder

    finder = SimilarFinder(embedder=SentenceTransformerEmbedder(str(tiny_embedding_model)))
    for query, kind in (("포기김치", ProductClass.FINISHED), ("삼겹살", ProductClass.INGREDIENT)):
        answer = await finder.similar(query)
        assert answer is not None and [g.kind for g in answer.groups] == [kind]
        [group] = answer.groups
        assert query in group.products[0].product.name
        assert {r.product.kind for r in group.products} == {kind}


# --- maeum recipes import --------------------------------------------------------------------------------------


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'm.db'}")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_import_command_prints_its_counts_and_each_bad_item(cli: Path) -> None:
    from click.testing import CliRunner

    from bots.cli import main

    path = cli / "recipes.json"
    items = [
        {"name": "버섯전골", "ingredients": [{"name": "표고버섯", "amount": "3개"}], "steps": ["끓여요."]},
        {"name": "김치찌개", "ingredients": [{"name": "묵은지", "amount": "1/2포기"}], "steps": ["끓여요."]},
        {"name": "빈 요리", "ingredients": [], "steps": ["?"]},
    ]
    path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    runner = CliRunner()
    first = runner.invoke(main, ["recipes", "import", str(path)])
    assert first.exit_code == 0, first.output
    assert first.stdout == "added 1, updated 1, bad 1\n"
    assert first.stderr == 'item 3: no "ingredients" list\n'
    again = runner.invoke(main, ["recipes", "import", str(path)])
    assert again.exit_code == 0 and again.stdout == "added 0, updated 2, bad 1\n"


@pytest.mark.parametrize(
    ("content", "says"),
    [(None, "No such file"), ("<html>", "not JSON"), ('{"name": "김치찌개"}', "not a JSON list of recipes")],
)
def test_the_import_command_exits_1_with_one_line_when_the_file_cannot_be_read(
    cli: Path, content: str | None, says: str
) -> None:
    from click.testing import CliRunner

    from bots.cli import main

    path = cli / "recipes.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(main, ["recipes", "import", str(path)])
    assert result.exit_code == 1 and result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith(f"maeum: cannot read {path}:") and says in line
