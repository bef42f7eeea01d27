"""Products register themselves in one place: whatever a product forgets to provide fails here, and a product
added with one line is everywhere at once (help, menus, export, forget)."""

from __future__ import annotations

import inspect
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    Table,
    Text,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncEngine

from bots.discord.slash_commands import build_commands
from bots.telegram.app import menu
from core.adapters.db.engine import create_sync_engine
from core.adapters.db.models import Base
from core.bootstrap import App, bootstrap
from core.commands import Command
from core.domain.users import User
from core.domain.values import ChatKind, Locale, UserId
from core.i18n import catalog
from core.inbound import IncomingMessage, Invocation
from core.ports import Cipher, UnitOfWork
from core.products import registered
from core.registration import DIRECT, AccountPart, Built, Kit, Listener, Product, Verb, Words
from core.replies import Reply
from core.settings import Settings
from core.usecases.context import Context
from tests.conftest import group
from tests.fakes import FixedClock, RecordingOpsAlerts, RecordingResponder, ScriptedLanguageModel
from tests.integration.test_diary import press, say

# --- the checks that make forgetting impossible ------------------------------------------------------------------


def _commands_of(product: Product) -> set[type[Command]]:
    module = __import__(f"core.products.{product.name}.commands", fromlist=["_"])
    return {
        value
        for value in vars(module).values()
        if inspect.isclass(value) and issubclass(value, Command) and value is not Command
    }


def test_every_command_a_product_declares_has_a_handler(app: App) -> None:
    for product in registered():
        declared = _commands_of(product)
        assert declared, product.name
        assert declared <= app.handled, (product.name, declared - app.handled)


def test_every_verb_has_usage_summary_and_platform_names_in_both_catalogs() -> None:
    for locale in Locale:
        known = set(catalog().keys(locale))
        for product in registered():
            for verb in product.verbs:
                needed = {verb.usage_key, verb.summary_key}
                if verb.listed:
                    needed.add(f"discord.name.{verb.name}")
                if verb.words is not None:
                    needed |= {f"discord.option.{verb.words.key}", f"discord.option.{verb.words.key}.description"}
                assert needed <= known, (locale, product.name, verb.name, needed - known)


def _user_tables(metadata: MetaData) -> set[str]:
    """Tables with a column pointing at a user: they hold someone's data."""
    return {
        table.name
        for table in metadata.sorted_tables
        if table.name == "users" or any(fk.column.table.name == "users" for fk in table.foreign_keys)
    }


def _uncovered(products: tuple[Product, ...], tables: set[str]) -> list[str]:
    owners: dict[str, list[str]] = {}
    for product in products:
        for table in product.account.tables:
            owners.setdefault(table, []).append(product.name)
    problems = [f"{t}: no product covers it" for t in sorted(tables - set(owners))]
    problems += [f"{t}: claimed by {names}" for t, names in owners.items() if len(names) > 1]
    for product in products:
        part = product.account
        if part.tables and None in (part.export, part.forget, part.fold):
            problems.append(f"{product.name}: holds {part.tables} without export, forget and link (fold)")
    return problems


def test_every_table_holding_user_data_is_covered_by_export_forget_and_link() -> None:
    assert _uncovered(registered(), _user_tables(Base.metadata)) == []


def test_the_check_finds_a_table_nobody_covers() -> None:
    metadata = MetaData()
    Table("users", metadata, Column("id", Integer, primary_key=True))
    Table("secrets", metadata, Column("id", Integer, primary_key=True), Column("owner", ForeignKey("users.id")))
    half = Product(name="half", verbs=(), build=lambda kit: Built(handlers={}), account=AccountPart(tables=("users",)))
    assert _uncovered((half,), _user_tables(metadata)) == [
        "secrets: no product covers it",
        "half: holds ('users',) without export, forget and link (fold)",
    ]


def test_a_named_job_resolves() -> None:
    from core.adapters.queue import DELIVERY_JOB

    module_name, _, function = DELIVERY_JOB.rpartition(".")
    module = __import__(module_name, fromlist=[function])
    assert callable(getattr(module, function))


# --- a throwaway product, registered with one line -----------------------------------------------------------

MEMOS_METADATA = MetaData()
MEMOS = Table(
    "memos",
    MEMOS_METADATA,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, nullable=False),  # no foreign key: the throwaway table lives beside the real schema
    Column("text", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)


@dataclass(frozen=True, kw_only=True)
class WriteMemo(Command):
    text: str


class SqlMemos:
    def __init__(self, session: Any, cipher: Cipher) -> None:
        self._session = session
        self._cipher = cipher

    async def add(self, user_id: UserId, text: str, now: datetime) -> None:
        await self._session.execute(
            insert(MEMOS).values(user_id=user_id, text=self._cipher.encrypt(text), created_at=now)
        )

    async def of(self, user_id: UserId) -> list[str]:
        rows = await self._session.scalars(select(MEMOS.c.text).where(MEMOS.c.user_id == user_id))
        return [self._cipher.decrypt(text) for text in rows]

    async def forget(self, user_id: UserId) -> None:
        await self._session.execute(delete(MEMOS).where(MEMOS.c.user_id == user_id))

    async def fold(self, source: UserId, target: UserId) -> None:
        await self._session.execute(update(MEMOS).where(MEMOS.c.user_id == source).values(user_id=target))


def _build_memo(kit: Kit) -> Built:
    async def write(command: WriteMemo, ctx: Context) -> None:
        async with kit.uow() as uow:
            await uow.repository(SqlMemos).add(ctx.user.id, command.text, kit.clock.now())
            await uow.commit()
        await ctx.responder.send(Reply.text("📝"))

    return Built(handlers={WriteMemo: write})


async def _export(uow: UnitOfWork, user: User) -> Mapping[str, Any]:
    return {"memos": await uow.repository(SqlMemos).of(user.id)}


async def _forget(uow: UnitOfWork, user_id: UserId) -> None:
    await uow.repository(SqlMemos).forget(user_id)


async def _fold(uow: UnitOfWork, source: UserId, target: UserId) -> None:
    await uow.repository(SqlMemos).fold(source, target)


MEMO = Product(
    name="memo",
    verbs=(
        Verb(
            name="memo",
            parse=lambda inv: WriteMemo(text=inv.rest),
            usage_key="memo.usage",
            summary_key="memo.summary",
            words=Words(key="text", max_length=200),
        ),
    ),
    build=_build_memo,
    account=AccountPart(tables=("memos",), export=_export, forget=_forget, fold=_fold),
)


@pytest.fixture
def memo_table(database: str) -> Iterator[None]:
    engine = create_sync_engine(database)
    MEMOS_METADATA.create_all(engine)
    try:
        yield
    finally:
        MEMOS_METADATA.drop_all(engine)
        engine.dispose()


@pytest.mark.usefixtures("memo_table")
async def test_a_product_registered_with_one_line_is_in_help_menus_export_and_forget(
    settings: Settings, engine: AsyncEngine, clock: FixedClock, llm: ScriptedLanguageModel
) -> None:
    app = bootstrap(
        settings, clock=clock, llm=llm, engine=engine, ops=RecordingOpsAlerts(), products=(*registered(), MEMO)
    )

    assert "/memo" in (await say(app, "/help")).all_text()
    await say(app, "/lang en")
    assert "/memo" in (await say(app, "/help")).all_text()
    for locale in Locale:
        assert "memo" in [command.command for command in menu(app, locale)]

    async def receive(_: Any) -> None:
        return None

    [discord_memo] = [c for c in build_commands(app.verbs, app.catalog, receive) if c.name == "memo"]
    assert [str(p.display_name) for p in discord_memo.parameters] == [
        app.catalog.text(Locale.EN, "discord.option.text")
    ]

    await say(app, "/memo 우유 사기")
    (attachment,) = (await say(app, "/export")).last.current.attachments
    assert json.loads(attachment.content)["memos"] == ["우유 사기"]

    forget = await say(app, "/forget")
    confirm = next(b for b in forget.last.current.buttons if b.action.endswith(":yes"))
    await press(app, confirm.action)
    async with engine.connect() as conn:
        assert await conn.scalar(select(func.count()).select_from(MEMOS)) == 0

    assert _uncovered((*registered(), MEMO), _user_tables(Base.metadata) | {"memos"}) == []


def test_two_products_cannot_take_the_same_verb_or_command(settings: Settings) -> None:
    twin = Product(name="twin", verbs=MEMO.verbs, build=MEMO.build)
    with pytest.raises(ValueError, match="registered twice"):
        bootstrap(settings, products=(*registered(), MEMO, twin))
    other = Product(name="other", verbs=(), build=_build_memo)
    with pytest.raises(ValueError, match="two handlers"):
        bootstrap(settings, products=(*registered(), MEMO, other))


def test_parse_gets_the_words_after_the_verb() -> None:
    [verb] = MEMO.verbs
    assert verb.parse(Invocation(verb="memo", rest="우유")) == WriteMemo(text="우유")


def test_a_job_in_a_process_that_gave_it_no_messengers_fails_instead_of_dropping_pushes(
    monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    import asyncio

    import jobs.runtime

    monkeypatch.setattr(jobs.runtime, "_messengers", None)  # a worker started without `maeum worker`

    async def run() -> None:
        await jobs.runtime.with_app(lambda app: app.delivery.deliver([1], None), settings=settings)

    with pytest.raises(RuntimeError, match="assemble_jobs"):
        asyncio.run(run())


# --- listeners: plain text a product claims before anything else reads it -------------------------------------


@dataclass(frozen=True)
class Overheard(Command):
    text: str


def _build_listening(kit: Kit) -> Built:
    heard: list[str] = []

    async def overheard(command: Overheard, ctx: Context) -> None:
        heard.append(command.text)
        await ctx.responder.send(Reply.text(f"heard {command.text}"))

    async def in_groups(incoming: IncomingMessage, text: str) -> Command | None:
        return Overheard(text=text) if "책" in text else None

    async def awaited(incoming: IncomingMessage, text: str) -> Command | None:
        return Overheard(text=text) if text.startswith("답:") else None

    return Built(
        handlers={Overheard: overheard},
        listeners=(Listener(where=frozenset({ChatKind.GROUP}), claim=in_groups), Listener(where=DIRECT, claim=awaited)),
    )


LISTENING = Product(name="listening", verbs=(), build=_build_listening)


async def test_a_listener_claims_group_talk_and_awaited_answers_and_lets_the_rest_go_on(
    settings: Settings, engine: AsyncEngine, clock: FixedClock, llm: ScriptedLanguageModel
) -> None:
    app = bootstrap(
        settings, clock=clock, llm=llm, engine=engine, ops=RecordingOpsAlerts(), products=(*registered(), LISTENING)
    )
    claimed = RecordingResponder()
    await app.dispatcher.handle(group("이 책 좋다", user="민지"), claimed)
    assert claimed.all_text() == "heard 이 책 좋다"
    ignored = RecordingResponder()
    await app.dispatcher.handle(group("점심 뭐 먹지", user="민지"), ignored)
    assert ignored.messages == []  # group talk nobody listens to stays unanswered, as before
    assert (await say(app, "답: 토요일")).texts[-1] == "heard 답: 토요일"
    # a verb is never claimed, and other direct text still goes on to counseling
    assert "heard" not in (await say(app, "/help")).all_text()
    assert "heard" not in (await say(app, "요즘 잠을 못 자")).all_text()
