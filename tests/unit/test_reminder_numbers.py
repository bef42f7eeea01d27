"""A reminder keeps the number it was given, whatever happens to the others — even after /link folds two
accounts' reminders together."""

from __future__ import annotations

from datetime import UTC, datetime

from core.domain.outbox import PushDocument, PushItem, PushState
from core.products.reminders.domain import next_reminder_number, reminder_key, reminder_numbers


def push(push_id: int, key: str, state: PushState = PushState.PENDING) -> PushItem:
    return PushItem(
        id=push_id,
        dedupe_key=key,
        kind="reminder",
        document=PushDocument(key="remind.fire", text=f"#{push_id}"),
        due_at=datetime(2026, 12, 3, tzinfo=UTC),
        state=state,
        attempts=0,
        user_id=7,
        platform=None,
        chat_id=None,
    )


def test_numbers_come_from_the_key_and_the_next_one_is_above_every_number_ever_given() -> None:
    items = [push(10, reminder_key(7, 1), PushState.SENT), push(11, reminder_key(7, 2)), push(12, reminder_key(7, 3))]
    assert reminder_numbers(items, user_id=7) == {10: 1, 11: 2, 12: 3}
    assert next_reminder_number(items, user_id=7) == 4
    assert next_reminder_number([], user_id=7) == 1


def test_reminders_folded_in_by_a_link_keep_their_number_unless_it_is_taken() -> None:
    mine = [push(10, reminder_key(7, 1)), push(30, reminder_key(7, 2))]
    folded = [push(20, reminder_key(9, 1)), push(25, reminder_key(9, 5))]  # account 9 was folded into 7
    numbers = reminder_numbers(mine + folded, user_id=7)
    assert numbers == {10: 1, 30: 2, 20: 20, 25: 5}  # 1 was taken: shown under its push id
    assert next_reminder_number(mine + folded, user_id=7) == 6
    later = [*mine, *folded, push(40, reminder_key(7, 6))]
    assert reminder_numbers(later, user_id=7) == {**numbers, 40: 6}  # nobody's number moved


def test_reminders_from_before_numbers_are_shown_under_their_push_id() -> None:
    items = [push(3, "remind:7:0123456789abcdef0123456789abcdef"), push(4, reminder_key(7, 1))]
    assert reminder_numbers(items, user_id=7) == {3: 3, 4: 1}
    assert next_reminder_number(items, user_id=7) == 2
    items.append(push(5, reminder_key(7, 2)))
    assert next_reminder_number(items, user_id=7) == 4  # 3 is the old one's: stepped over
