"""Broadcast watches and alerts (`Watches`), and the home-shopping schedule they are matched against
(`Broadcasts`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from core.domain.users import User
from core.domain.values import UserId
from core.products.shopping.domain import Alert, AlertState, Broadcast, DueAlert, Watch, WatchVector
from core.products.shopping.schedule import Slot, StoredSlot


class Watches(Protocol):
    async def of_user(self, user_id: UserId) -> list[Watch]:
        """A person's watches, by number."""
        ...

    async def add(self, user_id: UserId, *, text: str, key: str, now: datetime) -> Watch:
        """A new watch with the person's next number (one more than any they have had)."""
        ...

    async def remove(self, user_id: UserId, number: int) -> Watch | None:
        """Delete the watch and withdraw its pending alerts; its sent alerts stay (so nothing is sent twice)."""
        ...

    async def all(self) -> list[Watch]:
        """Every watch (matching an import against them)."""
        ...

    async def vectors(self, model: str) -> list[WatchVector]:
        """The kept embeddings made by `model`."""
        ...

    async def set_vector(self, watch_id: int, *, model: str, vector: bytes) -> None: ...

    async def lead_minutes(self, user_id: UserId) -> int:
        """The person's lead (the default when they set none)."""
        ...

    async def leads(self, user_ids: Sequence[UserId]) -> dict[UserId, int]:
        """The leads of those who set one."""
        ...

    async def set_lead(self, user_id: UserId, minutes: int, *, now: datetime) -> None: ...

    async def alerts_for(self, broadcast_ids: Sequence[int]) -> list[Alert]: ...

    async def alerts_of(self, user_id: UserId, *, states: Sequence[AlertState] | None = None) -> list[Alert]: ...

    async def add_alerts(self, alerts: Sequence[tuple[UserId, int, int, datetime]], *, now: datetime) -> int:
        """New pending alerts, each (user, watch, broadcast, due); a (watch, broadcast) already there is left as it
        is. Returns how many were added."""
        ...

    async def set_alerts(
        self, ids: Sequence[int], state: AlertState, *, due_at: datetime | None = None, now: datetime
    ) -> None: ...

    async def reschedule(self, moves: Sequence[tuple[int, datetime]]) -> None:
        """Pending alerts (id, new due time): a moved broadcast or a new lead."""
        ...

    async def withdraw_for(self, broadcast_ids: Sequence[int], *, now: datetime) -> int:
        """Withdraw the pending alerts of these broadcasts; how many."""
        ...

    async def due(self, *, now: datetime, limit: int) -> list[DueAlert]:
        """Pending alerts due by `now`, with their broadcasts, oldest first."""
        ...

    async def told(self, user_ids: Sequence[UserId], broadcast_ids: Sequence[int]) -> set[tuple[UserId, int]]:
        """Of these people and broadcasts, the (person, broadcast) pairs an alert was already sent for (through any
        watch)."""
        ...

    async def recipients(self, user_ids: Sequence[UserId]) -> dict[UserId, User]:
        """These people as alerts need them (language, zone, quiet hours), in one read."""
        ...

    async def forget_user(self, user_id: UserId) -> None: ...

    async def fold_user(self, source: UserId, target: UserId) -> None:
        """`source`'s watches (renumbered after `target`'s; one `target` has already is dropped), alerts and lead
        move to `target`."""
        ...


class Broadcasts(Protocol):
    async def starting_between(self, starts: datetime, before: datetime) -> list[StoredSlot]:
        """Every stored slot (withdrawn ones too) starting in [starts, before)."""
        ...

    async def insert(self, slots: Sequence[Slot], *, source: str, now: datetime) -> None: ...

    async def update(self, broadcast_id: int, slot: Slot, *, source: str, now: datetime) -> None:
        """Rewrite a slot (it may move, and a withdrawn one comes back)."""
        ...

    async def withdraw(self, ids: Sequence[int], *, now: datetime) -> None: ...

    async def upcoming(self, *, now: datetime, starts_before: datetime | None = None) -> list[Broadcast]:
        """Broadcasts not withdrawn that start after `now` (and before `starts_before`), soonest first."""
        ...

    async def get_many(self, ids: Sequence[int]) -> list[Broadcast]: ...

    async def purge(self, *, started_before: datetime) -> int:
        """Delete broadcasts that started before then, and their alerts; how many broadcasts."""
        ...

    async def read_at(self, source: str) -> datetime | None:
        """When the source was last imported (None: never)."""
        ...

    async def mark_read(self, source: str, *, now: datetime) -> None: ...
