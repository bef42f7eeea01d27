"""Book-club rooms, members and taste quizzes (SQLAlchemy): see core.ports.Clubs and Quizzes."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.adapters.db.models import (
    BookPickRow,
    ClubMeetingNoteRow,
    ClubMeetingRow,
    ClubMemberRow,
    ClubRoomRow,
    ClubRsvpRow,
    ReadingQuizRow,
)
from core.adapters.db.sql import dialect_insert
from core.adapters.db.users import display_name_of
from core.domain.values import Locale, UserId, locale_from_platform
from core.ports.crypto import Cipher
from core.products.bookclub.meetings import Answer, Meeting, Note
from core.products.bookclub.quiz import Progress
from core.products.bookclub.rooms import Member, Room, next_leader


def _room(row: ClubRoomRow) -> Room:
    return Room(
        id=row.id,
        platform=row.platform,
        chat_id=row.chat_id,
        name=row.name,
        timezone=row.timezone,
        leader_id=UserId(row.leader_id),
        remind_minutes=row.remind_minutes,
        created_at=row.created_at,
        locale=locale_from_platform(row.locale),
    )


def _meeting(row: ClubMeetingRow) -> Meeting:
    return Meeting(
        id=row.id,
        room_id=row.room_id,
        number=row.number,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        reading=row.reading,
        remind_minutes=row.remind_minutes,
        created_by=UserId(row.created_by),
        cancelled_at=row.cancelled_at,
    )


_NUMBER_TRIES = 20  # numbers taken by meetings written at the same moment


class SqlAlchemyClubs:
    def __init__(self, session: AsyncSession, cipher: Cipher) -> None:
        self._session = session
        self._cipher = cipher  # a meeting's log is people's own words: encrypted at rest like the diary

    async def room_in(self, platform: str, chat_id: str) -> Room | None:
        row = await self._session.scalar(
            select(ClubRoomRow).where(ClubRoomRow.platform == platform, ClubRoomRow.chat_id == chat_id)
        )
        return _room(row) if row is not None else None

    async def create(
        self,
        *,
        platform: str,
        chat_id: str,
        name: str,
        timezone: str,
        locale: Locale,
        leader: UserId,
        now: datetime,
    ) -> Room | None:
        row = ClubRoomRow(
            platform=platform,
            chat_id=chat_id,
            name=name,
            timezone=timezone,
            locale=locale.value,
            leader_id=leader,
            created_at=now,
        )
        try:
            async with self._session.begin_nested():
                self._session.add(row)
                await self._session.flush()
        except IntegrityError:
            return None
        self._session.add(ClubMemberRow(room_id=row.id, user_id=leader, joined_at=now))
        await self._session.flush()
        return _room(row)

    async def members(self, room_id: int) -> list[Member]:
        rows = await self._session.execute(
            select(ClubMemberRow.user_id, ClubMemberRow.joined_at, display_name_of(ClubMemberRow.user_id))  # type: ignore[call-overload]
            .where(ClubMemberRow.room_id == room_id)
            .order_by(ClubMemberRow.joined_at, ClubMemberRow.user_id)
        )
        return [Member(user_id=UserId(u), name=name or "?", joined_at=at) for u, at, name in rows]

    async def join(self, room_id: int, user_id: UserId, *, now: datetime) -> bool:
        result = await self._session.execute(
            dialect_insert(self._session, ClubMemberRow)
            .values(room_id=room_id, user_id=user_id, joined_at=now)
            .on_conflict_do_nothing(index_elements=["room_id", "user_id"])
            .returning(ClubMemberRow.user_id)
        )
        return result.scalar_one_or_none() is not None

    async def leave(self, room_id: int, user_id: UserId) -> bool:
        result = await self._session.execute(
            delete(ClubMemberRow).where(ClubMemberRow.room_id == room_id, ClubMemberRow.user_id == user_id)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def set_leader(self, room_id: int, user_id: UserId) -> None:
        await self._session.execute(update(ClubRoomRow).where(ClubRoomRow.id == room_id).values(leader_id=user_id))

    async def close(self, room_id: int) -> None:
        meetings = select(ClubMeetingRow.id).where(ClubMeetingRow.room_id == room_id)
        await self._session.execute(delete(ClubRsvpRow).where(ClubRsvpRow.meeting_id.in_(meetings)))
        await self._session.execute(delete(ClubMeetingNoteRow).where(ClubMeetingNoteRow.meeting_id.in_(meetings)))
        await self._session.execute(delete(ClubMeetingRow).where(ClubMeetingRow.room_id == room_id))
        await self._session.execute(delete(BookPickRow).where(BookPickRow.room_id == room_id))
        await self._session.execute(delete(ClubMemberRow).where(ClubMemberRow.room_id == room_id))
        await self._session.execute(delete(ClubRoomRow).where(ClubRoomRow.id == room_id))

    async def rooms_of(self, user_id: UserId) -> list[tuple[Room, Member]]:
        rows = await self._session.execute(
            select(ClubRoomRow, ClubMemberRow.joined_at)
            .join(ClubMemberRow, ClubMemberRow.room_id == ClubRoomRow.id)
            .where(ClubMemberRow.user_id == user_id)
            .order_by(ClubRoomRow.id)
        )
        return [(_room(room), Member(user_id=user_id, name="", joined_at=at)) for room, at in rows]

    async def add_pick(
        self, *, room_id: int | None, user_id: UserId | None, book_id: int, reason: str, now: datetime
    ) -> bool:
        if room_id is not None:
            result = await self._session.execute(
                dialect_insert(self._session, BookPickRow)
                .values(room_id=room_id, user_id=user_id, book_id=book_id, reason=reason, created_at=now)
                .on_conflict_do_nothing(index_elements=["room_id", "book_id"])
                .returning(BookPickRow.id)
            )
            return result.scalar_one_or_none() is not None
        self._session.add(BookPickRow(room_id=None, user_id=user_id, book_id=book_id, reason=reason, created_at=now))
        await self._session.flush()
        return True

    async def picks(
        self, *, room_id: int | None = None, user_id: UserId | None = None
    ) -> list[tuple[int, str, datetime]]:
        where = (
            BookPickRow.room_id == room_id
            if room_id is not None
            else and_(BookPickRow.room_id.is_(None), BookPickRow.user_id == user_id)
        )
        rows = await self._session.execute(
            select(BookPickRow.book_id, BookPickRow.reason, BookPickRow.created_at)
            .where(where)
            .order_by(BookPickRow.id.desc())
        )
        return [(book_id, reason, at) for book_id, reason, at in rows]

    async def set_remind_minutes(self, room_id: int, minutes: int) -> None:
        await self._session.execute(update(ClubRoomRow).where(ClubRoomRow.id == room_id).values(remind_minutes=minutes))

    async def meetings(self, room_id: int, *, ending_after: datetime | None = None) -> list[Meeting]:
        query = select(ClubMeetingRow).where(ClubMeetingRow.room_id == room_id, ClubMeetingRow.cancelled_at.is_(None))
        if ending_after is not None:
            query = query.where(ClubMeetingRow.ends_at > ending_after)
        rows = await self._session.scalars(query.order_by(ClubMeetingRow.starts_at, ClubMeetingRow.number))
        return [_meeting(row) for row in rows]

    async def meeting(self, room_id: int, number: int) -> Meeting | None:
        row = await self._session.scalar(
            select(ClubMeetingRow).where(ClubMeetingRow.room_id == room_id, ClubMeetingRow.number == number)
        )
        return _meeting(row) if row is not None else None

    async def add_meeting(
        self,
        *,
        room_id: int,
        starts_at: datetime,
        ends_at: datetime,
        reading: str,
        remind_minutes: int,
        created_by: UserId,
        now: datetime,
    ) -> Meeting:
        for _ in range(_NUMBER_TRIES):
            highest = await self._session.scalar(
                select(func.max(ClubMeetingRow.number)).where(ClubMeetingRow.room_id == room_id)
            )
            row = ClubMeetingRow(
                room_id=room_id,
                number=(highest or 0) + 1,
                starts_at=starts_at,
                ends_at=ends_at,
                reading=reading,
                remind_minutes=remind_minutes,
                created_by=created_by,
                created_at=now,
            )
            try:
                async with self._session.begin_nested():
                    self._session.add(row)
                    await self._session.flush()
            except IntegrityError:
                continue  # another meeting took that number a moment ago
            return _meeting(row)
        raise RuntimeError("no free meeting number")

    async def move_meeting(self, meeting_id: int, *, starts_at: datetime, ends_at: datetime) -> None:
        await self._session.execute(
            update(ClubMeetingRow).where(ClubMeetingRow.id == meeting_id).values(starts_at=starts_at, ends_at=ends_at)
        )

    async def live_meeting(self, room_id: int, *, now: datetime) -> Meeting | None:
        row = await self._session.scalar(
            select(ClubMeetingRow)
            .where(
                ClubMeetingRow.room_id == room_id,
                ClubMeetingRow.cancelled_at.is_(None),
                ClubMeetingRow.starts_at <= now,
                ClubMeetingRow.ends_at > now,
            )
            .order_by(ClubMeetingRow.starts_at)
            .limit(1)
        )
        return _meeting(row) if row is not None else None

    async def add_note(self, meeting_id: int, user_id: UserId, text: str, *, now: datetime) -> None:
        self._session.add(
            ClubMeetingNoteRow(meeting_id=meeting_id, user_id=user_id, text=self._cipher.encrypt(text), said_at=now)
        )
        await self._session.flush()

    async def notes(self, meeting_id: int) -> list[Note]:
        rows = await self._session.scalars(
            select(ClubMeetingNoteRow)
            .where(ClubMeetingNoteRow.meeting_id == meeting_id)
            .order_by(ClubMeetingNoteRow.said_at, ClubMeetingNoteRow.id)
        )
        return [
            Note(user_id=UserId(row.user_id), text=self._cipher.decrypt(row.text), said_at=row.said_at) for row in rows
        ]

    async def notes_of(self, user_id: UserId) -> list[tuple[str, int, Note]]:
        rows = await self._session.execute(
            select(ClubRoomRow.name, ClubMeetingRow.number, ClubMeetingNoteRow)
            .join(ClubMeetingRow, ClubMeetingRow.id == ClubMeetingNoteRow.meeting_id)
            .join(ClubRoomRow, ClubRoomRow.id == ClubMeetingRow.room_id)
            .where(ClubMeetingNoteRow.user_id == user_id)
            .order_by(ClubMeetingNoteRow.said_at, ClubMeetingNoteRow.id)
        )
        return [
            (name, number, Note(user_id=user_id, text=self._cipher.decrypt(row.text), said_at=row.said_at))
            for name, number, row in rows
        ]

    async def ended_unsummarized(self, *, now: datetime, since: datetime) -> list[tuple[Room, Meeting]]:
        rows = await self._session.execute(
            select(ClubRoomRow, ClubMeetingRow)
            .join(ClubRoomRow, ClubRoomRow.id == ClubMeetingRow.room_id)
            .where(
                ClubMeetingRow.cancelled_at.is_(None),
                ClubMeetingRow.summarized_at.is_(None),
                ClubMeetingRow.ends_at <= now,
                ClubMeetingRow.ends_at > since,
            )
            .order_by(ClubMeetingRow.ends_at)
        )
        return [(_room(room), _meeting(meeting)) for room, meeting in rows]

    async def mark_summarized(self, meeting_id: int, *, now: datetime) -> bool:
        result = await self._session.execute(
            update(ClubMeetingRow)
            .where(ClubMeetingRow.id == meeting_id, ClubMeetingRow.summarized_at.is_(None))
            .values(summarized_at=now)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def cancel_meeting(self, meeting_id: int, *, now: datetime) -> bool:
        result = await self._session.execute(
            update(ClubMeetingRow)
            .where(ClubMeetingRow.id == meeting_id, ClubMeetingRow.cancelled_at.is_(None))
            .values(cancelled_at=now)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def answer(self, meeting_id: int, user_id: UserId, answer: Answer, *, now: datetime) -> Answer | None:
        before = await self._session.scalar(
            select(ClubRsvpRow.answer).where(ClubRsvpRow.meeting_id == meeting_id, ClubRsvpRow.user_id == user_id)
        )
        await self._session.execute(
            dialect_insert(self._session, ClubRsvpRow)
            .values(meeting_id=meeting_id, user_id=user_id, answer=answer.value, at=now)
            .on_conflict_do_update(index_elements=["meeting_id", "user_id"], set_={"answer": answer.value, "at": now})
        )
        return Answer(before) if before is not None else None

    async def answers(self, meeting_id: int) -> dict[UserId, Answer]:
        rows = await self._session.execute(
            select(ClubRsvpRow.user_id, ClubRsvpRow.answer).where(ClubRsvpRow.meeting_id == meeting_id)
        )
        return {UserId(user): Answer(answer) for user, answer in rows}

    async def answers_of(self, user_id: UserId) -> list[tuple[str, Meeting, Answer, datetime]]:
        rows = await self._session.execute(
            select(ClubRoomRow.name, ClubMeetingRow, ClubRsvpRow.answer, ClubRsvpRow.at)
            .join(ClubMeetingRow, ClubMeetingRow.id == ClubRsvpRow.meeting_id)
            .join(ClubRoomRow, ClubRoomRow.id == ClubMeetingRow.room_id)
            .where(ClubRsvpRow.user_id == user_id)
            .order_by(ClubMeetingRow.starts_at)
        )
        return [(name, _meeting(row), Answer(answer), at) for name, row, answer, at in rows]

    async def forget_user(self, user_id: UserId) -> None:
        await self._session.execute(
            delete(BookPickRow).where(BookPickRow.user_id == user_id, BookPickRow.room_id.is_(None))
        )
        await self._session.execute(
            update(BookPickRow).where(BookPickRow.user_id == user_id).values(user_id=None)  # a room's picks stay
        )
        await self._session.execute(delete(ClubRsvpRow).where(ClubRsvpRow.user_id == user_id))
        await self._session.execute(delete(ClubMeetingNoteRow).where(ClubMeetingNoteRow.user_id == user_id))
        for room, _ in await self.rooms_of(user_id):
            await self.step_out(room, user_id)
        leader = select(ClubRoomRow.leader_id).where(ClubRoomRow.id == ClubMeetingRow.room_id).scalar_subquery()
        await self._session.execute(  # the meetings they set up are the room's: credited to its leader now
            update(ClubMeetingRow).where(ClubMeetingRow.created_by == user_id).values(created_by=leader)
        )
        await self._session.execute(delete(ClubMeetingRow).where(ClubMeetingRow.created_by == user_id))  # no room left

    async def fold_user(self, source: UserId, target: UserId) -> None:
        await self._session.execute(update(BookPickRow).where(BookPickRow.user_id == source).values(user_id=target))
        await self._session.execute(
            update(ClubMeetingRow).where(ClubMeetingRow.created_by == source).values(created_by=target)
        )
        answered = select(ClubRsvpRow.meeting_id).where(ClubRsvpRow.user_id == target)
        await self._session.execute(  # where both answered, the account joined keeps its own answer
            delete(ClubRsvpRow).where(ClubRsvpRow.user_id == source, ClubRsvpRow.meeting_id.in_(answered))
        )
        await self._session.execute(update(ClubRsvpRow).where(ClubRsvpRow.user_id == source).values(user_id=target))
        await self._session.execute(
            update(ClubMeetingNoteRow).where(ClubMeetingNoteRow.user_id == source).values(user_id=target)
        )
        for room, member in await self.rooms_of(source):
            both = await self._session.scalar(
                select(ClubMemberRow.joined_at).where(
                    and_(ClubMemberRow.room_id == room.id, ClubMemberRow.user_id == target)
                )
            )
            await self.leave(room.id, source)
            if both is None:
                await self.join(room.id, target, now=member.joined_at)
            elif member.joined_at < both:
                await self._session.execute(
                    update(ClubMemberRow)
                    .where(ClubMemberRow.room_id == room.id, ClubMemberRow.user_id == target)
                    .values(joined_at=member.joined_at)
                )
            if room.leader_id == source:
                await self.set_leader(room.id, target)

    async def step_out(self, room: Room, user_id: UserId) -> UserId | None:
        members = await self.members(room.id)
        await self.leave(room.id, user_id)
        if room.leader_id != user_id:
            return None
        heir = next_leader(members, leaving=user_id)
        if heir is None:
            await self.close(room.id)
        else:
            await self.set_leader(room.id, heir)
        return heir


class SqlAlchemyQuizzes:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, user_id: UserId) -> Progress | None:
        row = await self._session.get(ReadingQuizRow, user_id, populate_existing=True)
        if row is None:
            return None
        answers = {key: tuple(values) for key, values in json.loads(row.answers).items()}
        return Progress(step=row.step, answers=answers, picked=tuple(json.loads(row.picked)))

    async def save(self, user_id: UserId, progress: Progress, *, now: datetime) -> None:
        values = {
            "step": progress.step,
            "answers": json.dumps({k: list(v) for k, v in progress.answers.items()}, ensure_ascii=False),
            "picked": json.dumps(list(progress.picked), ensure_ascii=False),
            "updated_at": now,
        }
        await self._session.execute(
            dialect_insert(self._session, ReadingQuizRow)
            .values(user_id=user_id, **values)
            .on_conflict_do_update(index_elements=["user_id"], set_=values)
        )

    async def forget_user(self, user_id: UserId) -> None:
        await self._session.execute(delete(ReadingQuizRow).where(ReadingQuizRow.user_id == user_id))

    async def fold_user(self, source: UserId, target: UserId) -> None:
        if await self._session.get(ReadingQuizRow, target) is None:
            await self._session.execute(
                update(ReadingQuizRow).where(ReadingQuizRow.user_id == source).values(user_id=target)
            )
        else:
            await self.forget_user(source)
