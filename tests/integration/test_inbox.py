"""The inbox: webhook updates are kept before the HTTP answer, handled once, and recovered after a crash."""

from __future__ import annotations

from datetime import timedelta

from core.bootstrap import App
from tests.fakes import FixedClock


async def test_the_same_update_twice_is_accepted_once(app: App, clock: FixedClock) -> None:
    async with app.uow() as uow:
        first = await uow.inbox.accept(
            platform="telegram", event_id="1001", payload='{"update_id": 1001}', now=clock.now()
        )
        again = await uow.inbox.accept(
            platform="telegram", event_id="1001", payload='{"update_id": 1001}', now=clock.now()
        )
        other_platform = await uow.inbox.accept(platform="slack", event_id="1001", payload="{}", now=clock.now())
        await uow.commit()
    assert first is not None and again is None and other_platform is not None


async def test_an_update_is_taken_once_and_its_payload_dropped_when_done(app: App, clock: FixedClock) -> None:
    async with app.uow() as uow:
        inbox_id = await uow.inbox.accept(platform="slack", event_id="Ev1", payload='{"text": "고민"}', now=clock.now())
        await uow.commit()
    assert inbox_id is not None
    lease = clock.now() + timedelta(seconds=30)
    async with app.uow() as uow:
        assert await uow.inbox.take(inbox_id, now=clock.now(), lease_until=lease) == ("slack", '{"text": "고민"}')
        assert await uow.inbox.take(inbox_id, now=clock.now(), lease_until=lease) is None  # already being handled
        await uow.inbox.done(inbox_id, now=clock.now())
        await uow.commit()
    clock.advance(minutes=5)
    async with app.uow() as uow:
        assert await uow.inbox.unfinished(platform="slack", received_before=clock.now()) == []
        assert await uow.inbox.take(inbox_id, now=clock.now(), lease_until=clock.now()) is None


async def test_a_crash_after_the_answer_leaves_the_update_to_be_processed_again(app: App, clock: FixedClock) -> None:
    async with app.uow() as uow:
        inbox_id = await uow.inbox.accept(platform="discord", event_id="i-9", payload="{}", now=clock.now())
        assert inbox_id is not None
        await uow.inbox.take(inbox_id, now=clock.now(), lease_until=clock.now() + timedelta(seconds=30))
        await uow.commit()  # … and the process dies before `done`
    clock.advance(seconds=31)
    async with app.uow() as uow:
        assert await uow.inbox.unfinished(platform="discord", received_before=clock.now()) == [inbox_id]
        assert await uow.inbox.unfinished(platform="telegram", received_before=clock.now()) == []
        assert await uow.inbox.take(inbox_id, now=clock.now(), lease_until=clock.now() + timedelta(seconds=30))
        await uow.commit()
