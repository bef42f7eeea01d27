"""Book-club rooms, their members, and each person's taste quiz."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from core.domain.values import Locale, UserId
from core.products.bookclub.meetings import Answer, Meeting, Note
from core.products.bookclub.quiz import Progress
from core.products.bookclub.rooms import Member, Room


class Clubs(Protocol):
    async def room_in(self, platform: str, chat_id: str) -> Room | None:
        """The room this group chat is, if it is one."""
        ...

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
        """A new room with its leader as first member; None when the chat is a room already (a race)."""
        ...

    async def members(self, room_id: int) -> list[Member]:
        """Oldest member first."""
        ...

    async def join(self, room_id: int, user_id: UserId, *, now: datetime) -> bool:
        """False when already a member."""
        ...

    async def leave(self, room_id: int, user_id: UserId) -> bool: ...

    async def set_leader(self, room_id: int, user_id: UserId) -> None: ...

    async def step_out(self, room: Room, user_id: UserId) -> UserId | None:
        """A member leaves; when it is the leader, the longest-standing member leads (returned) or, with nobody
        left, the room closes (None)."""
        ...

    async def close(self, room_id: int) -> None:
        """Delete the room and everything of it (its last member left)."""
        ...

    async def rooms_of(self, user_id: UserId) -> list[tuple[Room, Member]]: ...

    async def add_pick(
        self, *, room_id: int | None, user_id: UserId | None, book_id: int, reason: str, now: datetime
    ) -> bool:
        """Store a recommended book; False when the room had it already (a room never gets a book twice)."""
        ...

    async def picks(
        self, *, room_id: int | None = None, user_id: UserId | None = None
    ) -> list[tuple[int, str, datetime]]:
        """(book id, reason, when) of a room's picks, or of a person's own, newest first."""
        ...

    async def set_remind_minutes(self, room_id: int, minutes: int) -> None: ...

    async def meetings(self, room_id: int, *, ending_after: datetime | None = None) -> list[Meeting]:
        """The room's meetings not cancelled (those still to end after `ending_after`, when given), soonest first."""
        ...

    async def meeting(self, room_id: int, number: int) -> Meeting | None: ...

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
        """A new meeting with the room's next number (one more than any it ever had: numbers are never reused)."""
        ...

    async def move_meeting(self, meeting_id: int, *, starts_at: datetime, ends_at: datetime) -> None: ...

    async def live_meeting(self, room_id: int, *, now: datetime) -> Meeting | None:
        """The meeting under way at `now` (started, not ended, not cancelled), if any."""
        ...

    async def add_note(self, meeting_id: int, user_id: UserId, text: str, *, now: datetime) -> None:
        """Keep what a member said in the room while the meeting was live."""
        ...

    async def notes(self, meeting_id: int) -> list[Note]:
        """A meeting's log, oldest first."""
        ...

    async def notes_of(self, user_id: UserId) -> list[tuple[str, int, Note]]:
        """(room name, meeting number, note) of everything a person said in meetings, for /export."""
        ...

    async def ended_unsummarized(self, *, now: datetime, since: datetime) -> list[tuple[Room, Meeting]]:
        """Meetings that ended in (since, now] and have had no summary yet (cancelled ones have none)."""
        ...

    async def mark_summarized(self, meeting_id: int, *, now: datetime) -> bool:
        """False when another run summed it up first."""
        ...

    async def cancel_meeting(self, meeting_id: int, *, now: datetime) -> bool:
        """False when it was cancelled already."""
        ...

    async def answer(self, meeting_id: int, user_id: UserId, answer: Answer, *, now: datetime) -> Answer | None:
        """Store a member's RSVP (the latest counts); the answer it replaced, if any."""
        ...

    async def answers(self, meeting_id: int) -> dict[UserId, Answer]: ...

    async def answers_of(self, user_id: UserId) -> list[tuple[str, Meeting, Answer, datetime]]:
        """A person's RSVPs: (room name, meeting, answer, when answered), for /export."""
        ...

    async def forget_user(self, user_id: UserId) -> None:
        """/forget: leave every room (leaders hand over to the longest-standing member; empty rooms close), delete
        the person's own picks and RSVPs; the meetings they set up stay the room's, credited to its leader."""
        ...

    async def fold_user(self, source: UserId, target: UserId) -> None:
        """/link: `source`'s memberships become `target`'s (a room both are in keeps the earlier join), and so do
        its RSVPs (where both answered, `target`'s stays) and the meetings it set up."""
        ...


class Quizzes(Protocol):
    """Each person's taste quiz (one per person, whatever the platform)."""

    async def get(self, user_id: UserId) -> Progress | None: ...

    async def save(self, user_id: UserId, progress: Progress, *, now: datetime) -> None: ...

    async def forget_user(self, user_id: UserId) -> None: ...

    async def fold_user(self, source: UserId, target: UserId) -> None:
        """/link: the joining account's quiz is kept only when the account it joins has none."""
        ...
