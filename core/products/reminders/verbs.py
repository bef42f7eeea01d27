"""The reminders product's verbs: what its commands look like typed, pressed or sent as slash commands."""

from __future__ import annotations

from core.commands import Command
from core.errors import UsageError
from core.inbound import Invocation
from core.products.diary import diary_nudge
from core.products.reminders.commands import CancelReminder, ListReminders, SetReminder
from core.registration import Verb, Words


def _remind(inv: Invocation) -> Command:
    args = inv.args
    if not args:
        raise UsageError("remind.usage")
    head = args[0].lower()
    if head in {"diary", "일기"}:
        return diary_nudge(args[1:])
    if head in {"list", "목록"} and len(args) == 1:
        return ListReminders()
    if head in {"cancel", "취소"}:
        number = args[1].removeprefix("#") if len(args) == 2 else ""
        if number.isdecimal() and len(number) < 6 and int(number) > 0:
            return CancelReminder(number=int(number))
        raise UsageError("remind.usage")
    return SetReminder(phrase=inv.rest.strip())  # when and what are told apart by the use case, in the user's zone


VERBS: tuple[Verb, ...] = (
    Verb(
        name="remind",
        parse=_remind,
        usage_key="remind.usage",
        summary_key="remind.summary",
        aliases=("알림",),
        words=Words(key="what", max_length=500),
    ),
)
