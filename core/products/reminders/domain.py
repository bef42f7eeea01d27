"""A reminder's own number: given once, per person, and never changed by what happens to the others.

When is read by core.domain.time_phrases. The number lives in the push's dedupe key, `remind:{user}:{n}`
(unique, so two reminders written at once cannot share one: the second takes the next number), and is read
back from it — no column of its own. A new reminder takes one more than the highest number the person's
reminders have ever had, sent and cancelled ones included, so "/remind cancel 3" after #1 went out still
means the one shown as 3.

Two kinds of reminder carry no number of their own: those written before numbers existed (a random key) and,
after /link folded one account into another, the folded account's reminders whose number the person already
uses. They are shown under their push id — unique and stable, if long (a new number steps over it); the rest keep
the number they had.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from core.domain.outbox import PushItem

MAX_TEXT: Final = 500

_KEY: Final = re.compile(r"^remind:(?P<user>\d+):(?P<n>\d{1,9})$")


def reminder_key(user_id: int, number: int) -> str:
    return f"remind:{user_id}:{number}"


def _from_key(dedupe_key: str) -> tuple[int, int] | None:
    found = _KEY.match(dedupe_key)
    return (int(found["user"]), int(found["n"])) if found else None


def reminder_numbers(items: Iterable[PushItem], *, user_id: int) -> dict[int, int]:
    """Push id → the number the person sees, for all their reminders (any state)."""
    numbers: dict[int, int] = {}
    others: list[tuple[int, int | None]] = []
    for item in sorted(items, key=lambda i: i.id):
        keyed = _from_key(item.dedupe_key)
        if keyed is not None and keyed[0] == user_id:
            numbers[item.id] = keyed[1]
        else:
            others.append((item.id, keyed[1] if keyed else None))
    taken = set(numbers.values())
    for push_id, number in others:
        if number is not None and number not in taken:
            numbers[push_id] = number
            taken.add(number)
        else:
            numbers[push_id] = push_id
    return numbers


def next_reminder_number(items: Iterable[PushItem], *, user_id: int) -> int:
    """One more than the highest number the person's reminders have had, stepping over a push id that one of them
    is shown under."""
    items = list(items)
    shown = set(reminder_numbers(items, user_id=user_id).values())
    number = 1 + max((keyed[1] for item in items if (keyed := _from_key(item.dedupe_key))), default=0)
    while number in shown:
        number += 1
    return number
