"""The terminal chat loop: lines in, replies out; `/as` and `/group` play other people and rooms."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from bots.terminal.messenger import PLATFORM, PrintingTerminalMessenger, print_published_pushes
from bots.terminal.render import ButtonBoard
from bots.terminal.responder import TerminalResponder
from core.bootstrap import App, bootstrap
from core.domain.values import ChatKind
from core.inbound import ChatRef, IncomingMessage, Sender
from core.settings import Settings
from core.usecases.clock import run_clock


@dataclass
class TerminalSession:
    """Who is speaking and where: the terminal's only state (product state lives in the database)."""

    speaker: str
    group: str | None = None

    @property
    def prompt(self) -> str:
        return f"{self.speaker}@{self.group}> " if self.group else f"{self.speaker}> "

    def chat(self) -> ChatRef:
        if self.group:
            return ChatRef(id=f"group:{self.group}", kind=ChatKind.GROUP, title=self.group)
        return ChatRef(id=f"dm:{self.speaker}", kind=ChatKind.DIRECT)

    def incoming(self, line: str, sequence: int, board: ButtonBoard) -> IncomingMessage:
        sender = Sender(external_id=self.speaker, name=self.speaker)
        action = board.press(line)
        if action is not None:
            return IncomingMessage(
                platform=PLATFORM, chat=self.chat(), sender=sender, action=action, message_id=str(sequence)
            )
        return IncomingMessage(platform=PLATFORM, chat=self.chat(), sender=sender, text=line, message_id=str(sequence))

    def switch(self, line: str) -> str | None:
        """Handle the terminal's own commands; returns a note to print, or None when the line is not one."""
        word, _, rest = line.strip().partition(" ")
        name = rest.strip()
        if word == "/as":
            if not name or len(name) > 64:
                return "usage: /as NAME"
            self.speaker = name
            return f"(now speaking as {name})"
        if word == "/group":
            if not name or len(name) > 64:
                return "usage: /group NAME   (/dm to leave)"
            self.group = name
            return f"(now in group {name})"
        if word == "/dm":
            self.group = None
            return "(back in your direct chat)"
        return None


def wait_seconds(line: str) -> float | None:
    """`/wait SECONDS` (terminal only): let time pass in a script, e.g. until a reminder fires."""
    word, _, rest = line.strip().partition(" ")
    if word != "/wait":
        return None
    try:
        seconds = float(rest)
    except ValueError:
        return -1.0
    return seconds if 0 < seconds <= 3600 else -1.0


async def run_terminal(
    settings: Settings, *, speaker: str, stdin: TextIO, write: Callable[[str], None], interactive: bool, files_dir: Path
) -> None:
    """The whole `maeum chat` process. Without Redis the clock and delivery run here too; with Redis they run
    in `maeum clock` and `maeum worker`, and pushes for terminal users come back over Redis to be printed."""
    stop = asyncio.Event()
    if settings.redis_url:
        app = bootstrap(settings)
        background = print_published_pushes(app.redis, write, stop)
    else:
        app = bootstrap(settings, messengers={PLATFORM: PrintingTerminalMessenger(write)})
        background = run_clock(app.outbox_relay(), stop=stop, periodic=app.housekeeping)
    task = asyncio.create_task(background)
    try:
        await run_chat(app, speaker=speaker, stdin=stdin, write=write, interactive=interactive, files_dir=files_dir)
    finally:
        stop.set()
        await task
        await app.aclose()


async def run_chat(
    app: App,
    *,
    speaker: str,
    stdin: TextIO,
    write: Callable[[str], None],
    interactive: bool,
    files_dir: Path,
) -> None:
    session = TerminalSession(speaker=speaker)
    board = ButtonBoard()
    sequence = 0
    if interactive:
        write("마음 maeum — 고민을 적어 보세요. /help, /as 이름, /group 방이름, Ctrl-D 로 종료\n")
    while True:
        if interactive:
            try:
                line = await asyncio.to_thread(input, session.prompt)
            except EOFError:
                write("\n")
                return
        else:
            raw = await asyncio.to_thread(stdin.readline)
            if raw == "":
                return
            line = raw.rstrip("\n")
            write(f"{session.prompt}{line}\n")
        note = session.switch(line)
        if note is not None:
            write(note + "\n")
            continue
        pause = wait_seconds(line)
        if pause is not None:
            if pause < 0:
                write("usage: /wait SECONDS (at most 3600)\n")
            else:
                await asyncio.sleep(pause)
            continue
        sequence += 1
        incoming = session.incoming(line, sequence, board)
        board.clear()
        responder = TerminalResponder(write, live=interactive, board=board, files_dir=files_dir)
        await app.dispatcher.handle(incoming, responder)
        responder.finish_turn()


def stdout_writer(stream: TextIO = sys.stdout) -> Callable[[str], None]:
    def write(text: str) -> None:
        stream.write(text)
        stream.flush()

    return write
