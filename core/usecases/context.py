"""What every use case receives about the conversation it serves."""

from __future__ import annotations

from dataclasses import dataclass

from core.domain.users import User
from core.domain.values import Locale
from core.i18n import Catalog
from core.inbound import IncomingMessage
from core.ports import MessageRef, Responder
from core.replies import Button, Reply


@dataclass(frozen=True, kw_only=True)
class Context:
    user: User
    incoming: IncomingMessage
    responder: Responder
    catalog: Catalog

    @property
    def locale(self) -> Locale:
        return self.user.locale

    def t(self, key: str, /, **params: object) -> str:
        return self.catalog.text(self.user.locale, key, **params)

    async def say(self, key: str, /, *, buttons: tuple[Button, ...] = (), **params: object) -> MessageRef:
        return await self.responder.send(Reply.text(self.t(key, **params), buttons=buttons))
