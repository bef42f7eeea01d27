"""Users and the platform identities linked to them, as the repositories hand them back (frozen values)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.domain.quiet_hours import QuietHours
from core.domain.values import Locale, UserId


@dataclass(frozen=True, kw_only=True)
class User:
    id: UserId
    locale: Locale
    timezone: str
    created_at: datetime
    consented_at: datetime | None = None
    forget_requested_at: datetime | None = None
    quiet_hours: QuietHours | None = None
    first_update_key: str | None = None  # the platform update that made them a user (their first message)
    push_identity_id: int | None = None  # the linked account pushes go to (None: the newest)
    push_pinned: bool = False  # chosen with /link primary; else it follows the account last written from
    arrived_via: int | None = None  # read by identity: the account this message came from

    @property
    def consented(self) -> bool:
        return self.consented_at is not None


@dataclass(frozen=True, kw_only=True)
class Identity:
    id: int
    user_id: UserId
    platform: str
    external_id: str
    display_name: str
    created_at: datetime
