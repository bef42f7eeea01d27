"""Book clubs' part of a person's account: the rooms they are in (and lead), their RSVPs, what they said in live
meetings, and their taste quiz. Meetings belong to the room: on /forget the ones a person set up are credited to the
room's leader."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.domain.users import User
from core.domain.values import UserId
from core.ports import UnitOfWork
from core.products.bookclub.meetings import dm_key, keys_of
from core.registration import AccountPart


async def export(uow: UnitOfWork, user: User) -> Mapping[str, Any]:
    return {
        "book_clubs": [
            {
                "room": room.name,
                "platform": room.platform,
                "joined_at": member.joined_at.isoformat(),
                "leader": room.leader_id == user.id,
            }
            for room, member in await uow.clubs.rooms_of(user.id)
        ],
        "book_picks": [
            {"book": book_id, "reason": reason, "at": at.isoformat()}
            for book_id, reason, at in await uow.clubs.picks(user_id=user.id)
        ],
        "meeting_rsvps": [
            {
                "room": room_name,
                "meeting": meeting.number,
                "starts_at": meeting.starts_at.isoformat(),
                "reading": meeting.reading,
                "answer": answer.value,
                "at": at.isoformat(),
            }
            for room_name, meeting, answer, at in await uow.clubs.answers_of(user.id)
        ],
        "meeting_log": [
            {"room": room_name, "meeting": number, "said": note.text, "at": note.said_at.isoformat()}
            for room_name, number, note in await uow.clubs.notes_of(user.id)
        ],
        "taste_quiz": (
            {"step": quiz.step, "answers": {k: list(v) for k, v in quiz.answers.items()}}
            if (quiz := await uow.quizzes.get(user.id)) is not None
            else None
        ),
    }


async def forget(uow: UnitOfWork, user_id: UserId) -> None:
    # What the rooms scheduled goes first, while the meetings it is keyed by are still there: the person's own
    # reminders, and every post of a room that closes with them (its last member).
    for room, _ in await uow.clubs.rooms_of(user_id):
        closing = room.leader_id == user_id and len(await uow.clubs.members(room.id)) == 1
        for meeting in await uow.clubs.meetings(room.id):
            await uow.outbox.withdraw(
                keys_of(room.id, meeting.number) if closing else dm_key(room.id, meeting.number, user_id)
            )
    await uow.clubs.forget_user(user_id)
    await uow.quizzes.forget_user(user_id)


async def fold(uow: UnitOfWork, source: UserId, target: UserId) -> None:
    await uow.clubs.fold_user(source, target)
    await uow.quizzes.fold_user(source, target)


ACCOUNT = AccountPart(
    tables=(
        "club_rooms",
        "club_members",
        "club_meetings",
        "club_rsvps",
        "reading_quizzes",
        "book_picks",
        "club_meeting_notes",
    ),
    export=export,
    forget=forget,
    fold=fold,
)
