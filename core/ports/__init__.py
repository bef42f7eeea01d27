"""The core's ports: small Protocols named for the role they play."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal, Protocol, TypeVar

from pydantic import BaseModel

from core.domain.accounts import CodeTry, IssuedCode
from core.domain.emotion import Emotion
from core.domain.inbox import DeadUpdate, DueUpdate, TakenUpdate
from core.domain.outbox import DeadLetter, NewPush, PushItem, PushState
from core.domain.quiet_hours import QuietHours
from core.domain.records import Feedback, Identity, Note, PointEntry, Turn, UsageRecord, User, Worry
from core.domain.safety import ReadText
from core.domain.schedules import DueSchedule, ScheduleKind
from core.domain.values import ConversationId, Locale, Persona, UserId, WorryId
from core.products.diary.domain import DiaryEntry, Visibility
from core.products.diary.weekly_stats import ChartLabels, WeeklyStats
from core.products.friends.domain import Friend, InviteOutcome
from core.replies import Reply

# --- time -------------------------------------------------------------------------------------


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware UTC."""
        ...


# --- secrets at rest --------------------------------------------------------------------------


class Cipher(Protocol):
    def encrypt(self, plain: str) -> str: ...

    def decrypt(self, stored: str) -> str: ...


# --- the language model -----------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ChatMessage:
    role: Literal["system", "user", "assistant"]
    content: str


@dataclass(frozen=True, kw_only=True)
class ModelCall:
    """One request to a model. `subject` is the user's raw text, kept for offline fallbacks."""

    purpose: str
    messages: tuple[ChatMessage, ...]
    locale: Locale
    subject: str
    persona: Persona | None = None
    max_tokens: int = 700
    gentle: bool = False  # soon after a crisis reply: no generic plan (the offline counselor reads it too)


@dataclass(frozen=True, kw_only=True)
class TextDelta:
    text: str


@dataclass(frozen=True, kw_only=True)
class CallFinished:
    model: str
    tokens_in: int
    tokens_out: int
    latency_ms: int
    offline: bool = False


StreamEvent = TextDelta | CallFinished
SchemaT = TypeVar("SchemaT", bound=BaseModel)
R = TypeVar("R")


class LanguageModel(Protocol):
    @property
    def offline(self) -> bool:
        """True for the built-in scripted counselor (answers are labelled as such)."""
        ...

    def stream(self, call: ModelCall) -> AsyncIterator[StreamEvent]:
        """Yield text deltas, then exactly one CallFinished. Raises LanguageModelUnavailable."""
        ...

    async def complete_json(self, call: ModelCall, schema: type[SchemaT]) -> tuple[SchemaT, CallFinished]:
        """Ask for a JSON object and validate it against `schema`. Raises LanguageModelUnavailable."""
        ...


class CrisisClassifier(Protocol):
    def probability(self, text: ReadText) -> float:
        """P(the writer may be at risk of suicide or self-harm), from the statistical layer of the crisis gate."""
        ...


# --- the conversation the user is in -----------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class MessageRef:
    """A message the bot sent, as the platform adapter knows it (opaque to the core)."""

    id: str


class Responder(Protocol):
    async def send(self, reply: Reply) -> MessageRef: ...

    async def edit(self, ref: MessageRef, reply: Reply, *, final: bool = False) -> None:
        """Replace a sent message; adapters may coalesce non-final edits to respect rate limits."""
        ...

    async def show_typing(self) -> None: ...


# --- operator alerts --------------------------------------------------------------------------


class OpsAlerts(Protocol):
    async def alert(self, event: str, **fields: str | int) -> None:
        """Tell the operator something happened. Never pass user-written text here."""
        ...


# --- short-lived shared locks -----------------------------------------------------------------


class Locks(Protocol):
    def hold(self, key: str, *, ttl_seconds: int, owner: str | None = None) -> AbstractAsyncContextManager[bool]:
        """Try to take `key`; yields False at once if another holder has it. A holder that names an `owner` (the
        platform update being handled) takes the key over from an earlier holder with the same owner: the same
        update handled again after a crash must not wait for the crashed attempt's lock to expire."""
        ...


# --- persistence ------------------------------------------------------------------------------


class IdentityTaken(Exception):
    """A user with this platform identity was created meanwhile (two first messages at once); read it instead."""


class Users(Protocol):
    async def by_identity(self, platform: str, external_id: str) -> User | None: ...

    async def create(
        self, *, platform: str, external_id: str, display_name: str, locale: Locale, timezone: str, now: datetime
    ) -> User:
        """A new user with this identity; IdentityTaken when another transaction created it first."""
        ...

    async def get(self, user_id: UserId, *, for_update: bool = False) -> User | None: ...

    async def set_locale(self, user_id: UserId, locale: Locale) -> None: ...

    async def set_timezone(self, user_id: UserId, timezone: str) -> None: ...

    async def set_consent(self, user_id: UserId, consented_at: datetime | None) -> None: ...

    async def set_quiet_hours(self, user_id: UserId, quiet: QuietHours | None) -> None: ...

    async def create_link_code(self, user_id: UserId, *, code: str, now: datetime, expires_at: datetime) -> None: ...

    async def take_link_code(self, code: str, *, now: datetime) -> UserId | None: ...

    async def link_codes_since(self, user_id: UserId, since: datetime) -> int:
        """Link codes the user made since `since` (the daily limit)."""
        ...

    async def link_codes_of(self, user_id: UserId) -> list[IssuedCode]: ...

    async def detach_identity(self, identity_id: int, *, now: datetime) -> UserId:
        """Move one linked account out to a new user of its own; that user's id."""
        ...

    async def has_own_records(self, user_id: UserId) -> bool: ...

    async def fold_into(self, source: UserId, target: UserId) -> None: ...

    async def set_forget_requested(self, user_id: UserId, at: datetime | None) -> None: ...

    async def identities(self, user_id: UserId) -> list[Identity]: ...

    async def delete_user(self, user_id: UserId) -> None:
        """The user row and what the account itself holds; the products delete their own rows first."""
        ...

    async def ids_after(self, after: int, *, limit: int) -> list[UserId]:
        """User ids in order, for paging through everyone (announcements)."""
        ...


class Counseling(Protocol):
    async def current_conversation(self, user_id: UserId) -> ConversationId | None: ...

    async def open_conversation(self, user_id: UserId, now: datetime) -> ConversationId: ...

    async def close_conversations(self, user_id: UserId, now: datetime) -> int: ...

    async def add_worry(
        self,
        *,
        user_id: UserId,
        conversation_id: ConversationId | None,
        text: str | None,
        crisis: bool,
        now: datetime,
        update_key: str | None = None,
    ) -> WorryId: ...

    async def worry_for_update(self, user_id: UserId, update_key: str) -> Worry | None:
        """The worry the platform update `update_key` recorded, if any: handling that update again goes on with it."""
        ...

    async def mark_answered(self, worry_id: WorryId, *, offline: bool) -> None: ...

    async def count_worries_since(self, user_id: UserId, since: datetime) -> int:
        """Worries that count against the quota (crisis texts and worries answered offline never do)."""
        ...

    async def add_turn(
        self, *, conversation_id: ConversationId, worry_id: WorryId, role: str, text: str, now: datetime
    ) -> None: ...

    async def recent_turns(self, conversation_id: ConversationId, *, worries: int) -> list[Turn]:
        """Turns of the last `worries` worries of a conversation, oldest first."""
        ...

    async def get_worry(self, worry_id: WorryId) -> Worry | None: ...

    async def last_crisis_at(self, user_id: UserId) -> datetime | None:
        """When the crisis gate last answered this user, if ever."""
        ...

    async def mark_crisis(self, worry_id: WorryId) -> None:
        """A worry found to be a crisis after it was recorded: its text and turns are dropped."""
        ...

    async def add_feedback(self, *, user_id: UserId, worry_id: WorryId, persona: Persona, now: datetime) -> bool:
        """Record "this helped"; False when already recorded."""
        ...

    async def worries_of(self, user_id: UserId) -> list[Worry]: ...

    async def turns_of(self, user_id: UserId) -> list[Turn]: ...

    async def feedback_of(self, user_id: UserId) -> list[Feedback]: ...

    async def redact_texts(self, user_id: UserId) -> None:
        """Drop every stored worry and answer text of a user (consent withdrawn); counts stay."""
        ...

    async def forget_user(self, user_id: UserId) -> None:
        """Delete what this holds of a person (/forget)."""
        ...

    async def fold_user(self, source: UserId, target: UserId) -> None:
        """An account joins another (/link): what this holds of `source` moves to `target` (or goes)."""
        ...


class Usage(Protocol):
    async def record(self, usage: UsageRecord) -> None: ...

    async def totals(self) -> dict[str, float]:
        """calls, tokens_in, tokens_out, cost, latency_seconds over all time (for /metrics)."""
        ...

    async def cost_since(self, since: datetime) -> Decimal: ...

    async def user_cost_since(self, user_id: UserId, since: datetime) -> Decimal:
        """What one person's model calls cost since `since`, safety-gate calls left out."""
        ...

    async def user_calls_since(self, user_id: UserId, since: datetime) -> int:
        """Model calls one person caused since `since`: offline answers and safety-gate calls left out."""
        ...

    async def of_user(self, user_id: UserId) -> list[UsageRecord]: ...


class Outbox(Protocol):
    async def add(self, push: NewPush, *, now: datetime, revive_withdrawn: bool = False) -> bool: ...

    async def claim_due(self, *, now: datetime, limit: int, job_id: str) -> list[tuple[int, str | None]]: ...

    async def set_job(self, ids: list[int], job_id: str) -> None: ...

    async def queued_jobs(self, *, queued_before: datetime) -> dict[str, list[int]]: ...

    async def touch_job(self, job_id: str, *, now: datetime) -> None: ...

    async def release(self, ids: list[int], *, now: datetime) -> int: ...

    async def release_expired_leases(self, *, now: datetime) -> int: ...

    async def take_for_sending(self, push_id: int, *, now: datetime, lease_until: datetime) -> PushItem | None: ...

    async def finish(
        self, push_id: int, state: PushState, *, now: datetime, message_id: str | None = None, error: str | None = None
    ) -> None: ...

    async def retry_at(self, push_id: int, at: datetime, *, error: str, count_attempt: bool = True) -> None: ...

    async def pending_of(self, user_id: UserId, kind: str) -> list[PushItem]: ...

    async def all_of(self, user_id: UserId, kind: str) -> list[PushItem]:
        """Every push of this kind to the user, whatever its state (for their export)."""
        ...

    async def cancel(self, push_id: int) -> bool: ...

    async def withdraw(self, key_prefix: str) -> int:
        """Cancel unsent pushes whose dedupe key starts with `key_prefix` and blank the text of all of them."""
        ...

    async def count_by_state(self) -> dict[str, int]: ...

    async def dead_letters(self, *, limit: int) -> list[DeadLetter]: ...

    async def revive(self, ids: list[int] | None, *, now: datetime) -> int:
        """Dead letters (these, or all when None) go back to pending with fresh attempts; returns how many."""
        ...

    async def blank_finished(self, *, before: datetime, now: datetime, limit: int) -> int:
        """Blank the documents of up to `limit` finished pushes (sent, dead, unreachable, cancelled) that finished
        before `before`; returns how many. Blanked dead letters are not sent again."""
        ...


class Leases(Protocol):
    async def acquire(self, name: str, *, holder: str, now: datetime, ttl: timedelta) -> bool: ...

    async def release(self, name: str, *, holder: str) -> None: ...


class Inbox(Protocol):
    """Platform updates, kept before the platform is answered (core.domain.inbox for states and retries)."""

    async def accept(
        self, *, platform: str, event_id: str, payload: str, now: datetime, due_at: datetime | None = None
    ) -> int | None: ...

    async def claim(self, inbox_id: int, *, now: datetime, lease_until: datetime) -> TakenUpdate | None: ...

    async def take(self, inbox_id: int, *, now: datetime, lease_until: datetime) -> tuple[str, str] | None: ...

    async def renew(self, inbox_id: int, *, attempt: int, lease_until: datetime) -> bool: ...

    async def record_replies(self, inbox_id: int, *, attempt: int, replies: Sequence[str]) -> bool: ...

    async def done(self, inbox_id: int, *, now: datetime, attempt: int | None = None) -> bool: ...

    async def retry_later(self, inbox_id: int, *, attempt: int, at: datetime, error: str) -> bool: ...

    async def bury(self, inbox_id: int, *, attempt: int, now: datetime, error: str) -> bool: ...

    async def due(
        self, *, platform: str, now: datetime, fresh_too: bool = False, limit: int = 100
    ) -> list[DueUpdate]: ...

    async def unfinished(self, *, platform: str, received_before: datetime, limit: int = 100) -> list[int]: ...

    async def purge_processed(self, *, before: datetime, limit: int) -> int:
        """Delete up to `limit` rows handled (or given up on) before `before`; returns how many."""
        ...

    async def dead_updates(self, *, limit: int) -> list[DeadUpdate]: ...

    async def revive(self, ids: list[int] | None, *, now: datetime) -> int:
        """Dead updates (these, or all when None) go back to pending with fresh attempts; returns how many."""
        ...


class Points(Protocol):
    """The point ledger (the source of truth) and each user's balance, kept in step in one transaction."""

    async def balance(self, user_id: UserId) -> int: ...

    async def earn(self, user_id: UserId, amount: int, *, reason: str, ref: str, now: datetime) -> PointEntry | None:
        """Add `amount` (> 0); None when this (reason, ref) was already awarded: an award is never doubled."""
        ...

    async def spend(self, user_id: UserId, amount: int, *, reason: str, ref: str, now: datetime) -> PointEntry | None:
        """Take `amount` (> 0) atomically if the balance covers it; None when it does not. Concurrent spends never
        take more than the balance. The same (reason, ref) again returns the first entry and takes nothing."""
        ...

    async def spent(self, user_id: UserId, *, reason: str, ref: str) -> PointEntry | None:
        """The spend recorded for (reason, ref), if any."""
        ...

    async def log(self, user_id: UserId, *, before_id: int | None = None, limit: int = 10) -> list[PointEntry]:
        """Newest first, entries with id < `before_id` (keyset paging: as fast on page 1,000 as on page 1)."""
        ...

    async def forget_user(self, user_id: UserId) -> None:
        """Delete what this holds of a person (/forget)."""
        ...

    async def fold_user(self, source: UserId, target: UserId) -> None:
        """An account joins another (/link): what this holds of `source` moves to `target` (or goes)."""
        ...


class Diary(Protocol):
    """Diary entries, their comments and guestbook notes. Deleted entries are never returned."""

    async def add(
        self,
        *,
        user_id: UserId,
        text: str,
        emotion: Emotion,
        intensity: int,
        visibility: Visibility,
        local_date: date,
        now: datetime,
    ) -> DiaryEntry: ...

    async def set_comment(self, entry_id: int, comment: str) -> None: ...

    async def get(self, entry_id: int) -> DiaryEntry | None: ...

    async def set_visibility(self, entry_id: int, *, owner: UserId, visibility: Visibility) -> bool: ...

    async def delete(self, entry_id: int, *, owner: UserId, now: datetime) -> bool: ...

    async def page(
        self, owners: list[UserId], *, before_id: int | None, limit: int, friends_only: bool = False
    ) -> list[DiaryEntry]: ...

    async def count_on(self, user_id: UserId, day: date) -> int: ...

    async def days(self, user_id: UserId, *, since: date) -> set[date]: ...

    async def moods_between(self, user_id: UserId, first: date, last: date) -> list[tuple[date, Emotion, int]]: ...

    async def add_comment(self, *, entry_id: int, author_id: UserId, text: str, now: datetime) -> int: ...

    async def comments(self, entry_id: int, *, limit: int = 20) -> list[Note]: ...

    async def add_guestbook_note(self, *, owner_id: UserId, author_id: UserId, text: str, now: datetime) -> int: ...

    async def guestbook(self, owner_id: UserId, *, limit: int = 10) -> list[Note]: ...

    async def entries_of(self, user_id: UserId) -> list[DiaryEntry]: ...

    async def hold_pending(self, *, user_id: UserId, text: str, now: datetime) -> int:
        """Hold an entry written before consent; returns how many the person has held now."""
        ...

    async def take_pending(self, user_id: UserId, *, since: datetime) -> list[str]:
        """Remove every held entry of a person; the texts of those held since `since`, oldest first."""
        ...

    async def pending_of(self, user_id: UserId) -> list[tuple[str, datetime]]: ...

    async def purge_pending(self, *, before: datetime) -> int: ...

    async def written_by(self, author_id: UserId) -> tuple[list[Note], list[Note]]: ...

    async def forget_user(self, user_id: UserId) -> None:
        """Delete what this holds of a person (/forget)."""
        ...

    async def fold_user(self, source: UserId, target: UserId) -> None:
        """An account joins another (/link): what this holds of `source` moves to `target` (or goes)."""
        ...


class Friends(Protocol):
    async def create_invite(self, *, inviter: UserId, code: str, now: datetime, expires_at: datetime) -> None: ...

    async def invites_made(self, inviter: UserId) -> list[dict[str, str | None]]: ...

    async def invites_since(self, inviter: UserId, since: datetime) -> int: ...

    async def redeem(self, code: str, *, user: UserId, now: datetime) -> tuple[InviteOutcome, UserId | None]: ...

    async def are_friends(self, a: UserId, b: UserId) -> bool: ...

    async def ids(self, user: UserId) -> list[UserId]: ...

    async def list(self, user: UserId) -> list[Friend]: ...

    async def remove(self, a: UserId, b: UserId) -> bool: ...

    async def forget_user(self, user_id: UserId) -> None:
        """Delete what this holds of a person (/forget)."""
        ...

    async def fold_user(self, source: UserId, target: UserId) -> None:
        """An account joins another (/link): what this holds of `source` moves to `target` (or goes)."""
        ...


class CodeTries(Protocol):
    """/link and /friend accept codes typed that were not right (or are still being checked)."""

    async def add(self, user_id: UserId, *, kind: str, now: datetime) -> int: ...

    async def since(self, user_id: UserId, since: datetime) -> list[datetime]: ...

    async def remove(self, try_id: int) -> None: ...

    async def prune(self, user_id: UserId, *, before: datetime) -> None: ...

    async def of_user(self, user_id: UserId) -> list[CodeTry]: ...


class Schedules(Protocol):
    """Recurring pushes (one per user and kind)."""

    async def put(
        self, *, user_id: UserId, kind: ScheduleKind, cron: str, next_at: datetime, now: datetime
    ) -> None: ...

    async def ensure(
        self, *, user_id: UserId, kind: ScheduleKind, cron: str, next_at: datetime, now: datetime
    ) -> None: ...

    async def remove(self, *, user_id: UserId, kind: ScheduleKind) -> bool: ...

    async def get(self, *, user_id: UserId, kind: ScheduleKind) -> tuple[str, datetime] | None: ...

    async def due(self, *, now: datetime, limit: int) -> list[DueSchedule]: ...

    async def advance(self, schedule_id: int, *, from_: datetime, to: datetime) -> bool: ...

    async def forget_user(self, user_id: UserId) -> None:
        """Delete what this holds of a person (/forget)."""
        ...

    async def fold_user(self, source: UserId, target: UserId) -> None:
        """An account joins another (/link): what this holds of `source` moves to `target` (or goes)."""
        ...


class UnitOfWork(Protocol):
    """One transaction: nothing is stored unless `commit()` is called."""

    @property
    def users(self) -> Users: ...

    @property
    def counseling(self) -> Counseling: ...

    @property
    def usage(self) -> Usage: ...

    @property
    def outbox(self) -> Outbox: ...

    @property
    def leases(self) -> Leases: ...

    @property
    def inbox(self) -> Inbox: ...

    @property
    def points(self) -> Points: ...

    @property
    def diary(self) -> Diary: ...

    @property
    def friends(self) -> Friends: ...

    @property
    def schedules(self) -> Schedules: ...

    @property
    def code_tries(self) -> CodeTries: ...

    async def __aenter__(self) -> UnitOfWork: ...

    async def __aexit__(self, *exc: object) -> None: ...

    def repository(self, build: Callable[[Any, Cipher], R]) -> R:
        """A product's own repository on this unit of work (`build(session, cipher)`; what the session is belongs
        to the adapter that builds it, `core/adapters/db/<product>.py`)."""
        ...

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self) -> UnitOfWork: ...


class ChartRenderer(Protocol):
    def render_weekly(self, stats: WeeklyStats, labels: ChartLabels) -> bytes:
        """The week as a PNG; every piece of text comes in `labels` (already in the user's language)."""
        ...


# --- pushes: delivery through a platform's REST API ---------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Recipient:
    """Where a push goes on one platform: a person's direct chat (user_id set) or a group chat."""

    platform: str
    chat_id: str | None = None  # a group or channel, or a known DM channel
    user_external_id: str | None = None  # a person, when the DM channel must be opened first
    display_name: str = ""


class RetryLater(Exception):
    """The platform asked to slow down (429) or is briefly unavailable; try again after `after` seconds."""

    def __init__(self, after: float, reason: str = "rate limited") -> None:
        super().__init__(reason)
        self.after = after
        self.reason = reason


class RecipientUnreachable(Exception):
    """The bot is blocked, the chat is gone, the account is inactive: retrying will not help."""


class Messenger(Protocol):
    """Pushes a Reply to a recipient through one platform's REST API (used by delivery workers)."""

    platform: str

    async def push(self, recipient: Recipient, reply: Reply, *, idempotency_key: str) -> str:
        """Send and return the platform's message id. Raises RetryLater or RecipientUnreachable;
        any other exception is a transient failure retried with backoff."""
        ...


class Pacer(Protocol):
    """Shared rate limiting: how long to wait before one more message may go to `keys`."""

    async def reserve(self, keys: Sequence[tuple[str, float, float]]) -> float:
        """Each key is (name, rate per second, burst). Takes the next free slot on every key and returns the
        seconds until it (0 = go now); the caller sleeps that long and sends without asking again."""
        ...

    async def hold_off(self, name: str, seconds: float) -> None:
        """Nobody sends to `name` for `seconds` (a platform's retry-after)."""
        ...


class JobQueue(Protocol):
    """Hands batches of due pushes to workers: RQ when REDIS_URL is set, else tasks in this process."""

    async def enqueue_delivery(self, ids: Sequence[int], *, job_id: str) -> bool:
        """False when a job with this id already exists (nothing is enqueued twice). The job runs
        `DeliveryService.deliver(ids, job_id=job_id)`."""
        ...

    async def statuses(self, job_ids: Sequence[str]) -> dict[str, str]:
        """Each job's state: "waiting", "running", or "gone" (lost with Redis, failed, or finished)."""
        ...

    def depth(self) -> int:
        """Jobs waiting (for the backlog alert and /metrics)."""
        ...


class Metrics(Protocol):
    """Counters shared by every process (Redis) or kept in this one; /metrics reads them."""

    async def count(self, name: str, label: str, amount: int = 1) -> None: ...

    async def read(self, name: str) -> dict[str, int]: ...
