"""Operator announcements: one push per known user, through the outbox, paced per platform at delivery."""

from __future__ import annotations

import hashlib

from core.domain.outbox import NewPush, PushDocument
from core.ports import Clock, UnitOfWorkFactory

KIND = "announcement"
PAGE = 500
MAX_TEXT = 3000


class AnnouncementService:
    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def announce(self, text: str, *, announcement_id: str | None = None) -> int:
        """Queue `text` for everyone; returns how many pushes were added. Running it again with the same
        text (or id) adds nothing: each (announcement, user) push has its own dedupe key."""
        text = text.strip()
        if not text or len(text) > MAX_TEXT:
            raise ValueError(f"an announcement needs 1 to {MAX_TEXT} characters")
        key = announcement_id or hashlib.sha256(text.encode()).hexdigest()[:16]
        now = self._clock.now()
        added, after = 0, 0
        while True:
            async with self._uow() as uow:
                ids = await uow.users.ids_after(after, limit=PAGE)
                for user_id in ids:
                    added += await uow.outbox.add(
                        NewPush(
                            dedupe_key=f"announce:{key}:{user_id}",
                            kind=KIND,
                            document=PushDocument(key="announce.body", title_key="announce.title", text=text),
                            due_at=now,
                            user_id=user_id,
                        ),
                        now=now,
                    )
                await uow.commit()
            if len(ids) < PAGE:
                return added
            after = ids[-1]
