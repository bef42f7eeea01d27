"""Table definitions. Alembic migrations must match these (tests/integration/test_migrations.py checks)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC in, aware UTC out — SQLite would otherwise hand back naive datetimes."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; the Clock gives aware UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    locale: Mapped[str] = mapped_column(String(8))
    timezone: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    consented_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    forget_requested_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    quiet_start: Mapped[int | None] = mapped_column(Integer, nullable=True)  # minutes after local midnight
    quiet_end: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # The platform update that made this person a user (their very first message): handling it again after a crash
    # must say the same things in the same order, the first-message welcome included.
    first_update_key: Mapped[str | None] = mapped_column(String(128), nullable=True)
    # Which linked account pushes go to: the one last written from (set at /link, moved when the person writes from
    # another), or the one chosen with /link primary (pinned). Null: the newest. An id no longer theirs is ignored.
    push_identity_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    push_identity_pinned: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class IdentityRow(Base):
    __tablename__ = "identities"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    platform: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(128))
    display_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ConversationRow(Base):
    __tablename__ = "conversations"
    __table_args__ = (Index("ix_conversations_user_open", "user_id", "closed_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class WorryRow(Base):
    __tablename__ = "worries"
    __table_args__ = (
        Index("ix_worries_user_created", "user_id", "created_at"),
        # the platform update a worry came from: handling that update again finds it instead of adding another
        Index("uq_worries_user_update", "user_id", "update_key", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="SET NULL"), nullable=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    text: Mapped[str | None] = mapped_column(Text, nullable=True)  # ciphertext when a key is set
    crisis: Mapped[bool] = mapped_column(Boolean, default=False)
    answered: Mapped[bool] = mapped_column(Boolean, default=False)
    answered_offline: Mapped[bool] = mapped_column(Boolean, default=False)
    update_key: Mapped[str | None] = mapped_column(String(160), nullable=True)  # platform:event id, when known


class TurnRow(Base):
    __tablename__ = "turns"
    __table_args__ = (Index("ix_turns_conversation", "conversation_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    worry_id: Mapped[int] = mapped_column(ForeignKey("worries.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)  # ciphertext when a key is set
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class FeedbackRow(Base):
    __tablename__ = "feedback"
    __table_args__ = (UniqueConstraint("worry_id", "persona"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    worry_id: Mapped[int] = mapped_column(ForeignKey("worries.id", ondelete="CASCADE"))
    persona: Mapped[str] = mapped_column(String(1))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class LlmUsageRow(Base):
    """Per-call cost records. On /forget the user link is cleared, not the row: the budget must stay true."""

    __tablename__ = "llm_usage"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True)
    worry_id: Mapped[int | None] = mapped_column(ForeignKey("worries.id", ondelete="SET NULL"), nullable=True)
    purpose: Mapped[str] = mapped_column(String(32))
    model: Mapped[str] = mapped_column(String(100))
    tokens_in: Mapped[int] = mapped_column(Integer)
    tokens_out: Mapped[int] = mapped_column(Integer)
    cost_micros: Mapped[int] = mapped_column(BigInteger)  # currency × 1,000,000, exact on every database
    latency_ms: Mapped[int] = mapped_column(Integer)
    ok: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class OutboxRow(Base):
    """A push waiting to be delivered, written in the same transaction as the change that caused it."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "state", "next_attempt_at"),
        Index("ix_outbox_user_kind", "user_id", "kind", "state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=True)
    platform: Mapped[str | None] = mapped_column(String(16), nullable=True)  # set for group/channel pushes
    chat_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    # one of the person's linked accounts (identities.id) when the push is for that one, not the newest
    identity_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    kind: Mapped[str] = mapped_column(String(32))
    document: Mapped[str] = mapped_column(Text)  # JSON push document; ciphertext when a key is set
    due_at: Mapped[datetime] = mapped_column(UtcDateTime())
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime())
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    queued_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    job_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    platform_message_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    blanked_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)  # text gone (retention)


class InboxRow(Base):
    """A platform update received by webhook, kept before the HTTP answer so a crash loses nothing. States and
    retries: core.domain.inbox."""

    __tablename__ = "inbox"
    __table_args__ = (
        UniqueConstraint("platform", "event_id"),
        Index("ix_inbox_state", "state", "received_at"),
        Index("ix_inbox_due", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    event_id: Mapped[str] = mapped_column(String(128))
    payload: Mapped[str] = mapped_column(Text)  # ciphertext when a key is set: updates carry user text
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    processed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)  # when pending
    last_error: Mapped[str | None] = mapped_column(String(200), nullable=True)  # an exception type, never a message
    replies: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON: refs of the messages sent for it


class LeaseRow(Base):
    """Named leases: only the holder of `clock` runs the clock."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(128))
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())


# --- emotion diary, friends, points --------------------------------------------------------------------------


class DiaryEntryRow(Base):
    """One diary entry. `local_date` is the day in the writer's zone when it was written: streaks, "first entry
    of the day" and weekly stats count days as the writer lived them."""

    __tablename__ = "diary_entries"
    __table_args__ = (
        Index("ix_diary_entries_user_id_desc", "user_id", "id"),
        Index("ix_diary_entries_user_day", "user_id", "local_date"),
        # a unique index rather than a constraint: SQLite adds one to an existing table without rebuilding it
        Index("ix_diary_entries_user_number", "user_id", "number", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # The writer's own count: their first entry is 1. A deleted entry keeps its row, so its number is never reused.
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)  # ciphertext when a key is set
    emotion: Mapped[str] = mapped_column(String(16))
    intensity: Mapped[int] = mapped_column(Integer)
    visibility: Mapped[str] = mapped_column(String(8))  # private | friends
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)  # the AI's comment; ciphertext when a key is set
    crisis: Mapped[bool] = mapped_column(Boolean, default=False)
    local_date: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class FriendInviteRow(Base):
    """A one-time code: accepted once, before it expires."""

    __tablename__ = "friend_invites"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    inviter_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    used_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class FriendshipRow(Base):
    """Two rows per friendship, one each way, so "my friends" is one indexed lookup."""

    __tablename__ = "friendships"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    friend_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class PendingDiaryRow(Base):
    """A diary entry written before its writer agreed to storing text: held for the consent question's answer
    (saved on yes, deleted on no) and never longer than PENDING_DIARY_TTL."""

    __tablename__ = "pending_diary_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)  # ciphertext when a key is set
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class HeldChoiceRow(Base):
    """A text a button stands for, when the text is too long for a button (Telegram's 64 bytes): "일기로 남길까요?"
    holds the entry, "몇 시로 맞출까요?" the reminder at each time offered. Kept for one answer and a day at most."""

    __tablename__ = "held_choices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    verb: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)  # ciphertext when a key is set
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class DiaryCommentRow(Base):
    __tablename__ = "diary_comments"
    __table_args__ = (Index("ix_diary_comments_entry", "entry_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("diary_entries.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)  # ciphertext when a key is set
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class GuestbookNoteRow(Base):
    __tablename__ = "guestbook_notes"
    __table_args__ = (Index("ix_guestbook_notes_owner", "owner_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)  # ciphertext when a key is set
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ScheduleRow(Base):
    """A recurring push in the user's zone (the daily diary nudge, the Monday digest). The clock turns each due
    occurrence into one outbox row (deduplicated by schedule and occurrence) and moves `next_at` on."""

    __tablename__ = "schedules"
    __table_args__ = (UniqueConstraint("user_id", "kind"), Index("ix_schedules_next", "next_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))  # diary_nudge | weekly_digest
    cron: Mapped[str] = mapped_column(String(64))  # in the user's zone, e.g. "30 21 * * *"
    next_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


LedgerId = BigInteger().with_variant(Integer(), "sqlite")  # SQLite auto-numbers only INTEGER PRIMARY KEY


class PointLedgerRow(Base):
    """Every change to a balance, never updated or deleted: the source of truth. Paged newest first by
    (user_id, id), which the index serves as a keyset."""

    __tablename__ = "point_ledger"
    __table_args__ = (
        Index("ix_point_ledger_user_id_desc", "user_id", "id"),
        # an award or a spend for the same thing twice (a retried request) is one row
        UniqueConstraint("user_id", "reason", "ref"),
    )

    id: Mapped[int] = mapped_column(LedgerId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    delta: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(32))  # diary.first_of_day | diary.streak_7 | spend.worry | …
    ref: Mapped[str | None] = mapped_column(String(64), nullable=True)  # what earned or spent it (an entry id…)
    balance_after: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class PointBalanceRow(Base):
    """The ledger's running sum per user, kept in the same transaction as each ledger row, so a spend is one
    conditional UPDATE (`balance >= cost`) that cannot go negative under any number of concurrent spenders."""

    __tablename__ = "point_balances"
    __table_args__ = (CheckConstraint("balance >= 0", name="not_negative"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    balance: Mapped[int] = mapped_column(Integer)


class LinkCodeRow(Base):
    """A one-time code that joins another platform account to this user (`/link`)."""

    __tablename__ = "link_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class CodeTryRow(Base):
    """A /link or /friend accept code someone typed that was not right (or is still being checked): the count in
    the last minutes decides whether they may try again yet. Rows older than the window are of no use."""

    __tablename__ = "code_tries"
    __table_args__ = (Index("ix_code_tries_user_created", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # link | friend
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


# --- book clubs: rooms ---------------------------------------------------------------------------------------


class ClubRoomRow(Base):
    """A group chat made a reading club (`/club start`)."""

    __tablename__ = "club_rooms"
    __table_args__ = (UniqueConstraint("platform", "chat_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(128))
    name: Mapped[str] = mapped_column(String(64))
    timezone: Mapped[str] = mapped_column(String(64))
    leader_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    remind_minutes: Mapped[int] = mapped_column(Integer, default=10)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    locale: Mapped[str] = mapped_column(String(8), server_default="ko")  # its creator's: the room's posts speak it


class ClubMemberRow(Base):
    """A person in a room; the earliest `joined_at` leads when the leader leaves."""

    __tablename__ = "club_members"

    room_id: Mapped[int] = mapped_column(ForeignKey("club_rooms.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    joined_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ReadingQuizRow(Base):
    """A person's taste quiz: where they are and what they answered (JSON); done when `step` is past the last."""

    __tablename__ = "reading_quizzes"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    step: Mapped[int] = mapped_column(Integer)
    answers: Mapped[str] = mapped_column(Text)
    picked: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ClubMeetingRow(Base):
    """A room's meeting; `number` is the room's own and never reused (a cancelled one keeps its row)."""

    __tablename__ = "club_meetings"
    __table_args__ = (
        UniqueConstraint("room_id", "number"),
        Index("ix_club_meetings_room_starts", "room_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("club_rooms.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime())
    reading: Mapped[str] = mapped_column(Text)
    remind_minutes: Mapped[int] = mapped_column(Integer)  # the room's at the time: a later /club remind moves none
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # when its end-of-meeting summary was posted (or found nothing to post): each meeting is summed up once
    summarized_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class ClubMeetingNoteRow(Base):
    """What a member said in the room while a meeting was live: the meeting's log, summed up at its end. Goes with
    the room, and with the person on /forget."""

    __tablename__ = "club_meeting_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("club_meetings.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)  # encrypted at rest when a key is set, like every person's text
    said_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ClubRsvpRow(Base):
    """A member's answer to a meeting: yes | maybe | no (the latest press counts)."""

    __tablename__ = "club_rsvps"
    __table_args__ = (CheckConstraint("answer IN ('yes', 'maybe', 'no')", name="answer"),)

    meeting_id: Mapped[int] = mapped_column(ForeignKey("club_meetings.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    answer: Mapped[str] = mapped_column(String(8))
    at: Mapped[datetime] = mapped_column(UtcDateTime())


# --- book clubs: the catalog


class JsonStrings(TypeDecorator[tuple[str, ...]]):
    """A list of strings kept as JSON text (readable Korean, no escapes): a tuple in, a tuple out. Plain text on
    both databases, so a filter on one element is `LIKE '%"장르"%'` everywhere (see core/adapters/db/books.py)."""

    impl = Text()
    cache_ok = True

    def process_bind_param(self, value: tuple[str, ...] | list[str] | None, dialect: Dialect) -> str | None:
        return None if value is None else json.dumps(list(value), ensure_ascii=False)

    def process_result_value(self, value: str | None, dialect: Dialect) -> tuple[str, ...] | None:
        return None if value is None else tuple(json.loads(value))


class BookRow(Base):
    """A book recommendations may pick (core/products/bookclub/catalog.py). `key` is its stable identity:
    `isbn:<13 digits>` when the ISBN is known, else the sample's slug. Candidates are read by category (or genre)
    most popular first, which the two indexes serve."""

    __tablename__ = "books"
    __table_args__ = (
        Index("ix_books_category_popularity", "category", "popularity"),
        Index("ix_books_popularity", "popularity"),
        CheckConstraint("source IN ('sample', 'import')", name="source"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    isbn13: Mapped[str | None] = mapped_column(String(13), unique=True, nullable=True)
    title: Mapped[str] = mapped_column(Text)
    authors: Mapped[tuple[str, ...]] = mapped_column(JsonStrings())
    category: Mapped[str] = mapped_column(String(100))  # the middle level: 소설/시/희곡, 에세이, 인문학…
    genres: Mapped[tuple[str, ...]] = mapped_column(JsonStrings())
    fiction: Mapped[bool] = mapped_column(Boolean)
    translated: Mapped[bool] = mapped_column(Boolean)
    mood: Mapped[tuple[str, ...]] = mapped_column(JsonStrings())
    pace: Mapped[str | None] = mapped_column(String(16), nullable=True)
    length: Mapped[str | None] = mapped_column(String(16), nullable=True)
    description: Mapped[str] = mapped_column(Text)
    popularity: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(16))  # sample | import
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class BookPickRow(Base):
    """A book recommended to a person (room_id null) or to a room: a room never gets the same book twice."""

    __tablename__ = "book_picks"
    __table_args__ = (
        UniqueConstraint("room_id", "book_id"),
        Index("ix_book_picks_user", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("club_rooms.id", ondelete="CASCADE"), nullable=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


# --- couple mediation (issue 17) -------------------------------------------------------------------------------


class MediationCoupleRow(Base):
    """The two people who mediate in a group chat (the opener of its first session and the first to join it), and
    the name they gave their AI child (null: the default)."""

    __tablename__ = "mediation_couples"
    __table_args__ = (UniqueConstraint("platform", "chat_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(128))
    first_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    second_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    child_name: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class MediationSessionRow(Base):
    """One mediation in a group chat. `open_chat` ("platform:chat_id") is set only while it is open: unique, so a
    chat never has two open at once; `post` is the child's post (JSON, sealed by the cipher) once made."""

    __tablename__ = "mediation_sessions"
    __table_args__ = (
        Index("ix_mediation_sessions_chat", "platform", "chat_id", "opened_at"),
        Index("ix_mediation_sessions_state_expires", "state", "expires_at"),
        CheckConstraint("state IN ('open', 'posted', 'cancelled', 'expired')", name="state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(128))
    chat_title: Mapped[str | None] = mapped_column(String(200), nullable=True)
    couple_id: Mapped[int | None] = mapped_column(
        ForeignKey("mediation_couples.id", ondelete="CASCADE"), nullable=True, index=True
    )
    state: Mapped[str] = mapped_column(String(16))
    locale: Mapped[str] = mapped_column(String(8))
    opened_by: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    open_chat: Mapped[str | None] = mapped_column(String(160), nullable=True, unique=True)
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    post: Mapped[str | None] = mapped_column(Text, nullable=True)


class MediationSideRow(Base):
    """A partner in a session; `text` (sealed by the cipher) is their side, kept only while the session is open."""

    __tablename__ = "mediation_sides"

    session_id: Mapped[int] = mapped_column(ForeignKey("mediation_sessions.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    joined_at: Mapped[datetime] = mapped_column(UtcDateTime())
    text: Mapped[str | None] = mapped_column(Text, nullable=True)
    given_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    quote_ok: Mapped[bool] = mapped_column(Boolean, default=False)
    paused_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


# --- shopping: broadcast watches, schedules and alerts


class WatchRow(Base):
    """A person's watch on a product ("김치"); `number` is theirs and never reused, `key` the words it matches by.
    The embedding is made when the watch is (with EMBEDDING_MODEL set) and kept with the model's name."""

    __tablename__ = "watches"
    __table_args__ = (UniqueConstraint("user_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(100))
    key: Mapped[str] = mapped_column(String(200))
    vector: Mapped[bytes | None] = mapped_column(LargeBinary(), nullable=True)
    vector_model: Mapped[str | None] = mapped_column(String(500), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class WatchSettingsRow(Base):
    """A person's alert lead (minutes before air) and the highest watch number they have had."""

    __tablename__ = "watch_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    lead_minutes: Mapped[int] = mapped_column(Integer)
    last_number: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class BroadcastRow(Base):
    """A home-shopping broadcast, upserted by (channel, start). A slot its source no longer lists is withdrawn, not
    deleted: listed again, it comes back, and alerts already sent for it stay sent."""

    __tablename__ = "broadcasts"
    __table_args__ = (UniqueConstraint("channel", "starts_at"), Index("ix_broadcasts_starts_at", "starts_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(100))
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime())
    product: Mapped[str] = mapped_column(String(300))
    price: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # won
    url: Mapped[str | None] = mapped_column(Text, nullable=True)
    source: Mapped[str] = mapped_column(String(1000))  # a file's absolute path, a URL, or "sample"
    withdrawn_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ScheduleSourceRow(Base):
    """When each schedule source was last read (the feeds are re-read every few minutes, the sample once a day)."""

    __tablename__ = "schedule_sources"

    source: Mapped[str] = mapped_column(String(1000), primary_key=True)
    read_at: Mapped[datetime] = mapped_column(UtcDateTime())


class WatchAlertRow(Base):
    """One alert per (watch, broadcast): pending until due (and out of quiet hours), then sent in one grouped push
    per person, or withdrawn (the slot vanished, the product changed, the watch went) or dropped (the broadcast
    started first). A removed watch leaves its sent alerts (watch_id null), so a broadcast is never told twice."""

    __tablename__ = "watch_alerts"
    __table_args__ = (
        UniqueConstraint("watch_id", "broadcast_id"),
        Index("ix_watch_alerts_state_due", "state", "due_at"),
        CheckConstraint("state IN ('pending', 'sent', 'withdrawn', 'dropped')", name="state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    watch_id: Mapped[int | None] = mapped_column(ForeignKey("watches.id", ondelete="SET NULL"), nullable=True)
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcasts.id", ondelete="CASCADE"), index=True)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime())
    state: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


# --- shopping: recipes (core/products/shopping/recipes.py) — one block, appended whole


class RecipeRow(Base):
    """A recipe `/recipe` finds: bundled or imported. `key` is its identity (the name without spaces or
    punctuation, case folded): an import upserts by it. No person's data: the bundle and imports are shared."""

    __tablename__ = "recipes"
    __table_args__ = (CheckConstraint("source IN ('sample', 'import')", name="source"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str | None] = mapped_column(Text, nullable=True)
    serves: Mapped[int | None] = mapped_column(Integer, nullable=True)
    steps: Mapped[tuple[str, ...]] = mapped_column(JsonStrings())
    source: Mapped[str] = mapped_column(String(16))  # sample | import
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class RecipeIngredientRow(Base):
    """A recipe's ingredient, in the recipe's order (`position` from 1)."""

    __tablename__ = "recipe_ingredients"

    recipe_id: Mapped[int] = mapped_column(ForeignKey("recipes.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    amount: Mapped[str] = mapped_column(Text)


# --- end of the recipes block
