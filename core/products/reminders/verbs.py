"""The reminders product's verbs: what its commands look like typed, pressed or sent as slash commands."""

from __future__ import annotations

from core.commands import Command
from core.errors import UsageError
from core.inbound import Invocation
from core.products.diary import diary_nudge
from core.products.reminders.commands import CancelReminder, ListReminders, SetReminder
from core.registration import Verb, Words

_MERIDIEM = {"오전", "오후", "am", "pm"}


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
        if len(args) == 2 and args[1].isdecimal() and len(args[1]) < 6 and 0 < int(args[1]) < 10_000:
            return CancelReminder(position=int(args[1]))
        raise UsageError("remind.usage")
    taken = 2 if head in _MERIDIEM and len(args) > 1 else 1
    when = "".join(args[:taken])
    text = inv.rest.split(None, taken)[taken].strip() if len(inv.rest.split(None, taken)) > taken else ""
    if not text:
        raise UsageError("remind.usage")
    return SetReminder(when=when, text=text)


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
