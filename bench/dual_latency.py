"""Dual counseling latency: sequential F-then-T vs maeum's concurrent dual vs the slower answer alone.

Runs a local OpenAI-compatible server that streams tokens at a fixed pace (F: 48 chunks, T: 50 chunks,
20 ms apart, so T alone takes ~1.0 s), then measures, in one run and through the real `openai` client:

  (a) sequential: F streamed to the end, then T          → expected ≈ F + T
  (b) dual:       one worry through maeum's dispatcher     → expected ≈ max(F, T) + database work
  (c) slower:     T alone                                  → the floor for (b)

and the delay from the model's first token leaving the server to the first text the user sees (the
responder receiving its first non-placeholder edit). Usage: .venv/bin/python bench/dual_latency.py [--rounds N]
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.adapters.db.migrate import upgrade
from core.adapters.llm import OpenAILanguageModel
from core.bootstrap import bootstrap
from core.domain.values import ChatKind, Locale, Persona
from core.inbound import ChatRef, IncomingMessage, Sender
from core.ports import ChatMessage, MessageRef, ModelCall
from core.products.counseling.prompts import build_prompt
from core.replies import Reply
from core.settings import Settings
from tests.servers.openai_compatible import FakeOpenAIServer, RecordedRequest
from tests.servers.openai_compatible import Reply as Scripted

CHUNK_DELAY = 0.02
CHUNKS = {Persona.F: 48, Persona.T: 50}


def pace(request: RecordedRequest) -> Scripted:
    persona = Persona.F if "(F)" in request.system_prompt else Persona.T
    return Scripted(chunks=[f"{persona.value}{i} " for i in range(CHUNKS[persona])], chunk_delay=CHUNK_DELAY)


def model_call(persona: Persona) -> ModelCall:
    prompt = build_prompt(persona=persona, locale=Locale.KO, history=(), worry="요즘 잠이 안 와요")
    return ModelCall(
        purpose=f"counsel.{persona.value}",
        messages=tuple(ChatMessage(role=m.role, content=m.content) for m in prompt),  # type: ignore[arg-type]
        locale=Locale.KO,
        subject="요즘 잠이 안 와요",
        persona=persona,
    )


async def drain(model: OpenAILanguageModel, persona: Persona) -> None:
    async for _ in model.stream(model_call(persona)):
        pass


class TimingResponder:
    """Notes when each message first shows real text."""

    def __init__(self) -> None:
        self.first_text_at: dict[str, float] = {}
        self._count = 0

    async def send(self, reply: Reply) -> MessageRef:
        self._count += 1
        return MessageRef(id=str(self._count))

    async def edit(self, ref: MessageRef, reply: Reply, *, final: bool = False) -> None:
        if reply.sections[0].body.strip() not in {"", "…"}:
            self.first_text_at.setdefault(ref.id, time.monotonic())

    async def show_typing(self) -> None:
        return None


async def run(rounds: int) -> None:
    with FakeOpenAIServer(pace) as server, tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        upgrade(url=url)
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            database_url=url,
            llm_base_url=server.base_url,
            llm_api_key="bench",
            daily_free_worries=10_000,
        )
        app = bootstrap(settings)
        model = app.llm
        assert isinstance(model, OpenAILanguageModel)
        sequential, dual, slower, first_text = [], [], [], []
        for n in range(rounds):
            started = time.monotonic()
            await drain(model, Persona.T)
            slower.append(time.monotonic() - started)

            started = time.monotonic()
            await drain(model, Persona.F)
            await drain(model, Persona.T)
            sequential.append(time.monotonic() - started)

            responder = TimingResponder()
            seen = len(server.requests)
            incoming = IncomingMessage(
                platform="bench",
                chat=ChatRef(id="dm:b", kind=ChatKind.DIRECT),
                sender=Sender(external_id="bench", name="bench"),
                text=f"요즘 잠이 안 와요 {n}",
            )
            started = time.monotonic()
            await app.dispatcher.handle(incoming, responder)
            dual.append(time.monotonic() - started)
            requests = server.requests[seen:]
            firsts = sorted(r.first_content_at for r in requests if r.first_content_at is not None)
            shown = sorted(responder.first_text_at.values())
            first_text.extend(s - f for s, f in zip(shown, firsts, strict=True))
        await app.aclose()

    a, b, c = statistics.median(sequential), statistics.median(dual), statistics.median(slower)
    print(f"machine: {platform.machine()} · {platform.processor() or 'cpu'} · Python {platform.python_version()}")
    chunks = f"F {CHUNKS[Persona.F]} chunks, T {CHUNKS[Persona.T]} chunks, {CHUNK_DELAY * 1000:.0f} ms apart"
    print(f"rounds: {rounds}; {chunks}")
    print(f"(a) sequential F then T : {a * 1000:7.1f} ms (median)")
    print(f"(b) maeum dual          : {b * 1000:7.1f} ms (median)")
    print(f"(c) slower answer alone : {c * 1000:7.1f} ms (median)")
    print(f"(b)/(c) = {b / c:.3f}   (a)/(c) = {a / c:.3f}")
    ms = sorted(x * 1000 for x in first_text)
    print(f"first model token → first text shown: median {statistics.median(ms):.1f} ms, max {ms[-1]:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=10)
    asyncio.run(run(parser.parse_args().rounds))


if __name__ == "__main__":
    main()
