"""Streaming edits are coalesced to the platform's pace; the newest text and the final edit always land."""

from __future__ import annotations

import asyncio

from bots.shared.streaming import ThrottledResponder
from core.replies import Reply
from tests.fakes import RecordingResponder


class VirtualTime:
    """A clock only the test moves: sleepers wake when `advance` passes their deadline."""

    def __init__(self) -> None:
        self.t = 0.0
        self._sleepers: list[tuple[float, asyncio.Future[None]]] = []

    def now(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._sleepers.append((self.t + seconds, future))
        await future

    async def advance(self, seconds: float) -> None:
        self.t += seconds
        for deadline, future in list(self._sleepers):
            if deadline <= self.t + 1e-9:
                self._sleepers.remove((deadline, future))
                future.set_result(None)
        for _ in range(5):
            await asyncio.sleep(0)

    async def until_done(self, task: asyncio.Task[None]) -> None:
        while not task.done():
            await self.advance(0.1)
        await task


async def test_many_fast_edits_become_few_and_the_final_text_lands() -> None:
    time = VirtualTime()
    inner = RecordingResponder()
    throttled = ThrottledResponder(inner, interval=1.0, now=time.now, sleep=time.sleep)
    ref = await throttled.send(Reply.text("…"))
    for n in range(1, 101):  # a model streaming 100 chunks in 2 virtual seconds
        await throttled.edit(ref, Reply.text("x" * n))
        await time.advance(0.02)
    await time.until_done(asyncio.create_task(throttled.edit(ref, Reply.text("done"), final=True)))
    edits = inner.messages[0].edits
    assert edits[-1].plain_text == "done" and inner.messages[0].final
    assert len(edits) <= 4  # at most one a second, plus the final
    assert [e.plain_text for e in edits[:-1]] == sorted((e.plain_text for e in edits[:-1]), key=len)


async def test_the_first_edit_is_shown_without_waiting() -> None:
    time = VirtualTime()
    inner = RecordingResponder()
    throttled = ThrottledResponder(inner, interval=1.0, now=time.now, sleep=time.sleep)
    ref = await throttled.send(Reply.text("…"))
    await time.advance(1.5)  # the model took a while to start
    await throttled.edit(ref, Reply.text("first words"))
    await time.advance(0)
    assert inner.messages[0].edits[0].plain_text == "first words"


async def test_edits_in_two_messages_are_paced_independently() -> None:
    time = VirtualTime()
    inner = RecordingResponder()
    throttled = ThrottledResponder(inner, interval=1.0, now=time.now, sleep=time.sleep)
    first, second = await throttled.send(Reply.text("F")), await throttled.send(Reply.text("T"))
    both = asyncio.gather(
        throttled.edit(first, Reply.text("F done"), final=True),
        throttled.edit(second, Reply.text("T done"), final=True),
    )
    await time.advance(1.0)  # one interval is enough for both: each message has its own pace
    await both
    assert [m.current.plain_text for m in inner.messages] == ["F done", "T done"]
