"""What a product is: the one registration that says everything it adds to maeum.

A product (counseling, the diary, book clubs…) declares its verbs (with the words they take, for the platforms
that declare them), how it is built from the shared services, the handler of each of its commands, its clock
steps, and its part of a person's account (export, forget, link, home). The composition root, `/help`, the
platforms' menus and the account read these registrations; none keeps a list of its own, so a product added
to `core/products/__init__.py` is everywhere at once, and one that forgets a part fails a test.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from core.commands import Command
from core.domain.values import ChatKind, UserId
from core.inbound import IncomingMessage, Invocation

if TYPE_CHECKING:
    from core.domain.users import User
    from core.i18n import Catalog
    from core.ports import (
        ChartRenderer,
        Clock,
        Embedder,
        ImageModel,
        LanguageModel,
        Locks,
        OpsAlerts,
        Presence,
        UnitOfWork,
        UnitOfWorkFactory,
    )
    from core.routing import VerbTable
    from core.usecases.choices import Choices
    from core.usecases.code_guard import CodeGuard
    from core.usecases.context import Context
    from core.usecases.model_budget import ModelBudget
    from core.usecases.safety_gate import SafetyGate

BOTH = frozenset({ChatKind.DIRECT, ChatKind.GROUP})
DIRECT = frozenset({ChatKind.DIRECT})

Handler = Callable[[Any, "Context"], Awaitable[None]]
Step = Callable[[], Awaitable[object]]  # a clock step: run by the leading clock every few seconds
ConsentHook = Callable[[bool, "Context"], Awaitable[None]]  # told whether the person agreed to storing text


@dataclass(frozen=True, kw_only=True)
class Words:
    """The words a verb takes after its name, for platforms that declare them up front (Discord's options).
    `key` names the catalog texts `discord.option.<key>` (the option's name) and `….description`."""

    key: str
    required: bool = True
    choices: tuple[tuple[str, str], ...] = ()  # (shown name, value)
    max_length: int | None = None


@dataclass(frozen=True, kw_only=True)
class Verb:
    name: str
    parse: Callable[[Invocation], Command]
    usage_key: str
    summary_key: str
    where: frozenset[ChatKind] = BOTH
    listed: bool = True  # shown in /help and platform menus; button-only verbs are not
    aliases: tuple[str, ...] = ()
    words: Words | None = None  # None: the verb takes nothing after it (on platforms that declare options)


HomeLine = tuple[str, Mapping[str, object]]  # a catalog key and its parameters


@dataclass(frozen=True, kw_only=True)
class AccountPart:
    """A product's part of a person's account. Every table holding a person's data is covered by `export`
    (what `/export` hands over), `forget` (what `/forget` deletes) and `fold` (what `/link` moves from the
    account that joins to the one it joins); `home` adds to `/home`'s summary of the last seven days."""

    tables: tuple[str, ...] = ()
    export: Callable[[UnitOfWork, User], Awaitable[Mapping[str, Any]]] | None = None
    forget: Callable[[UnitOfWork, UserId], Awaitable[None]] | None = None
    fold: Callable[[UnitOfWork, UserId, UserId], Awaitable[None]] | None = None
    home: Callable[[UnitOfWork, User, datetime], Awaitable[Sequence[HomeLine]]] | None = None


@dataclass(frozen=True, kw_only=True)
class Kit:
    """The shared services every product is built from."""

    uow: UnitOfWorkFactory
    clock: Clock
    catalog: Catalog
    llm: LanguageModel
    fallback: LanguageModel  # the offline counselor
    locks: Locks
    gate: SafetyGate
    budget: ModelBudget
    ops: OpsAlerts
    chart: ChartRenderer
    code_guard: CodeGuard  # wrong-code pauses and daily code limits (/link, /friend accept)
    settings: Any  # core.settings.Settings: the products read their own settings from it
    encrypted_at_rest: bool
    verbs: VerbTable  # every registered verb (for /help)
    products: tuple[Product, ...]  # every registered product (for the account's parts)
    presence: Presence  # who is where right now (a book club's live meeting): Redis when configured, else here
    # Filled while the products are built, in order: read when a consent answer comes, never copied.
    consent_hooks: Sequence[ConsentHook] = field(default_factory=list)
    # Text embeddings (EMBEDDING_MODEL); None = match and rank lexically. The model loads on first use.
    embedder: Embedder | None = None
    # An image model (LLM_IMAGE_MODEL on the model's endpoint); None = no pictures, text stands in.
    images: ImageModel | None = None
    # Questions back to the person whose buttons stand for more text than a button holds ("몇 시로 맞출까요?").
    choices: Choices | None = None


@dataclass(frozen=True, kw_only=True)
class Listener:
    """Plain text (no verb) a product claims before anything else reads it: in a direct chat, an answer it awaits
    from this person (a side in a mediation); in a group, talk not addressed to the bot that it keeps while it
    listens (a book club's live meeting). `claim` answers the command to run, or None to let the text go on; it
    runs before the sender is looked up (group talk from strangers must cost nothing), so it reads the identity
    from the message itself. Words addressed to the bot meet the safety gate before any listener: when they are a
    crisis the gate answers, and `crisis` (if given) is told with the command it would have run, so the product
    can act on it (a mediation pauses for that partner). Group talk nobody addressed is the product's to screen
    (`gate.screen_privately`)."""

    where: frozenset[ChatKind]
    claim: Callable[[IncomingMessage, str], Awaitable[Command | None]]
    crisis: Callable[[Command, Context], Awaitable[None]] | None = None


@dataclass(frozen=True, kw_only=True)
class Built:
    handlers: Mapping[type[Command], Handler]
    clock_steps: tuple[Step, ...] = ()
    consent_hooks: tuple[ConsentHook, ...] = ()
    listeners: tuple[Listener, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Product:
    name: str
    verbs: tuple[Verb, ...]
    build: Callable[[Kit], Built]
    account: AccountPart = AccountPart()
    # The verb a direct message without one is, the message its words ("worry": one product). Small talk, lone
    # numbers and plain requests for other verbs are understood before it (core/usecases/talk.py).
    plain_text: str | None = None
