"""A question back to the person, answered with a button: "일기로 남길까요?", "몇 시로 맞출까요?".

A button carries at most 64 bytes (Telegram's callback data): too little for the entry or the reminder it stands
for. So the text is held in the database and the button carries its number, `mm:<verb>:~<id>`; pressing it runs
that verb on the text, as if the person had typed it. One question is open per person at a time: asking a new
one, or answering one, lets the held texts go; a day later they are gone anyway.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Final

from core.domain.values import UserId
from core.errors import UsageError
from core.inbound import Invocation
from core.ports import Clock, UnitOfWorkFactory
from core.replies import Button
from core.routing import encode_action
from core.usecases.context import Context

HELD_FOR: Final = timedelta(hours=24)
_MARK: Final = "~"


@dataclass(frozen=True, kw_only=True)
class Choice:
    """One answer: its button's label, and the verb it runs — on `text` (held) or on `args` (carried)."""

    label: str
    verb: str
    text: str = ""
    args: tuple[str, ...] = ()


def stands_for_held_text(invocation: Invocation) -> bool:
    return len(invocation.args) == 1 and invocation.args[0].startswith(_MARK) and invocation.args[0][1:].isdecimal()


class Choices:
    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def offer(self, ctx: Context, choices: Sequence[Choice]) -> tuple[Button, ...]:
        """The buttons of a question back to the person; what they stand for is held until one is pressed."""
        buttons: list[Button] = []
        async with self._uow() as uow:
            await uow.choices.drop_all(ctx.user.id)
            for choice in choices:
                if choice.text:
                    held = await uow.choices.hold(
                        ctx.user.id, verb=choice.verb, text=choice.text, now=self._clock.now()
                    )
                    action = encode_action(choice.verb, f"{_MARK}{held}")
                else:
                    action = encode_action(choice.verb, *choice.args)
                buttons.append(Button(label=choice.label, action=action))
            await uow.commit()
        return tuple(buttons)

    async def restore(self, invocation: Invocation, user_id: UserId) -> Invocation:
        """A pressed button that stands for a held text, as the verb on that text; any other as it is."""
        if not stands_for_held_text(invocation):
            return invocation
        async with self._uow() as uow:
            taken = await uow.choices.take(user_id, int(invocation.args[0][1:]), since=self._clock.now() - HELD_FOR)
            await uow.commit()
        if taken is None or taken.verb != invocation.verb:
            raise UsageError("action.expired")  # answered before, or asked too long ago, or not this person's
        return Invocation(verb=taken.verb, args=tuple(taken.text.split()), rest=taken.text)

    async def purge(self) -> int:
        """Let go of the texts of questions nobody answered (a clock step)."""
        async with self._uow() as uow:
            purged = await uow.choices.purge(before=self._clock.now() - HELD_FOR)
            await uow.commit()
        return purged
