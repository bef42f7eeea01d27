"""Couple mediation's couples, sessions and the partners' sides."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from core.domain.values import Locale, UserId
from core.products.mediation.domain import Couple, Post, Session, Side, State


class Mediations(Protocol):
    async def couple_in(self, platform: str, chat_id: str) -> Couple | None:
        """The couple who mediate in this group chat, once one has formed (with their names)."""
        ...

    async def create_couple(
        self, *, platform: str, chat_id: str, first: UserId, second: UserId, now: datetime
    ) -> Couple | None:
        """None when the chat has a couple already (formed a moment ago)."""
        ...

    async def name_child(self, couple_id: int, name: str) -> None: ...

    async def open_in(self, platform: str, chat_id: str) -> Session | None:
        """The chat's open session, if any (a chat has at most one)."""
        ...

    async def open_session(
        self,
        *,
        platform: str,
        chat_id: str,
        chat_title: str | None,
        couple_id: int | None,
        locale: Locale,
        opener: UserId,
        now: datetime,
        expires_at: datetime,
    ) -> Session | None:
        """A new open session with its opener as first partner; None when the chat has one open already."""
        ...

    async def get(self, session_id: int) -> Session | None: ...

    async def join(self, session_id: int, user_id: UserId, *, couple_id: int, now: datetime) -> bool:
        """The second partner joins (the session now belongs to the couple); False when already in."""
        ...

    async def sides(self, session_id: int) -> list[Side]:
        """The session's partners, the opener first, with their sides (texts decrypted) while it is open."""
        ...

    async def awaiting(self, platform: str, external_id: str) -> int | None:
        """The open session waiting for this platform account's side (newest first), for plain direct messages."""
        ...

    async def current_of(self, user_id: UserId) -> tuple[Session, Side] | None:
        """The person's open session and their place in it: the newest awaiting their side, else the newest."""
        ...

    async def give_side(self, session_id: int, user_id: UserId, text: str, *, now: datetime) -> None: ...

    async def allow_quote(self, session_id: int, user_id: UserId, allowed: bool) -> None: ...

    async def pause(self, session_id: int, user_id: UserId, *, now: datetime) -> None: ...

    async def resume(self, session_id: int, user_id: UserId) -> None: ...

    async def close(self, session_id: int, state: State, *, now: datetime, post: Post | None = None) -> bool:
        """An open session ends (posted, cancelled, expired): its sides' texts go. False when it was not open."""
        ...

    async def due_to_expire(self, *, now: datetime) -> list[Session]: ...

    async def stuck(self, *, given_before: datetime) -> list[Session]:
        """Open sessions whose two sides were both in before `given_before` but nothing was posted."""
        ...

    async def latest_posted(self, platform: str, chat_id: str) -> Session | None: ...

    async def sessions_of(self, user_id: UserId) -> list[tuple[Session, Side]]:
        """Every session the person took part in, oldest first (for /export)."""
        ...

    async def couples_of(self, user_id: UserId) -> list[Couple]:
        """The couples the person is in (for /export)."""
        ...

    async def forget_user(self, user_id: UserId) -> list[int]:
        """/forget: the couples the person is in and every session they took part in go; the session ids."""
        ...

    async def fold_user(self, source: UserId, target: UserId) -> None:
        """/link: `source`'s places in couples and sessions become `target`'s (a couple or session that would hold
        the same person twice keeps `target`'s place alone)."""
        ...
