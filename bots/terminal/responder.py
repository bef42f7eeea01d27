"""The terminal's Responder: prints replies in the order they were sent, streaming the oldest open one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bots.terminal.render import ButtonBoard, render_complete, section_footer
from core.ports import MessageRef
from core.replies import Reply


@dataclass
class _Shown:
    reply: Reply
    complete: bool
    header_printed: bool = False
    body_printed: str = ""
    attachments_saved: list[str] = field(default_factory=list)


class TerminalResponder:
    """`live` (a terminal) prints text as it streams; otherwise each reply prints once, finished."""

    def __init__(self, write: Callable[[str], None], *, live: bool, board: ButtonBoard, files_dir: Path) -> None:
        self._write = write
        self._live = live
        self._board = board
        self._files_dir = files_dir
        self._shown: dict[str, _Shown] = {}
        self._order: list[str] = []
        self._next_id = 0

    async def send(self, reply: Reply) -> MessageRef:
        self._next_id += 1
        ref = MessageRef(id=str(self._next_id))
        self._shown[ref.id] = _Shown(reply=reply, complete=not reply.pending)
        self._order.append(ref.id)
        self._pump()
        return ref

    async def edit(self, ref: MessageRef, reply: Reply, *, final: bool = False) -> None:
        shown = self._shown.get(ref.id)
        if shown is None:
            return
        shown.reply = reply
        shown.complete = shown.complete or final or not reply.pending
        self._pump()

    async def show_typing(self) -> None:
        return None

    def finish_turn(self) -> None:
        """The dispatcher returned: whatever is still open is as finished as it will get."""
        for shown in self._shown.values():
            shown.complete = True
        self._pump(flush=True)

    def _pump(self, *, flush: bool = False) -> None:
        if not (self._live or flush):
            return
        while self._order:
            shown = self._shown[self._order[0]]
            if not shown.complete:
                if self._live:
                    self._stream_open(shown)
                return
            self._print_rest(shown)
            del self._shown[self._order.pop(0)]

    def _stream_open(self, shown: _Shown) -> None:
        section = shown.reply.sections[0]
        if not shown.header_printed:
            if section.title:
                self._write(section.title + "\n")
            shown.header_printed = True
        body = section.body
        if _is_placeholder(body) and not shown.body_printed:
            return
        if body.startswith(shown.body_printed) and len(body) > len(shown.body_printed):
            self._write(body[len(shown.body_printed) :])
            shown.body_printed = body

    def _print_rest(self, shown: _Shown) -> None:
        numbers = self._board.number(shown.reply.buttons)
        if not shown.header_printed:
            for line in render_complete(shown.reply, numbers):
                self._write(line + "\n")
        else:
            # The first section was streamed: finish its body, then print the rest whole.
            first, *others = shown.reply.sections
            if first.body.startswith(shown.body_printed):
                self._write(first.body[len(shown.body_printed) :] + "\n")
            else:
                self._write("\n" + first.body + "\n")
            for line in section_footer(first, numbers):
                self._write(line + "\n")
            for line in render_complete(Reply(sections=tuple(others)), numbers):
                self._write(line + "\n")
        for attachment in shown.reply.attachments:
            self._files_dir.mkdir(parents=True, exist_ok=True)
            path = self._files_dir / attachment.filename
            path.write_bytes(attachment.content)
            self._write(f"📎 {path}\n")


def _is_placeholder(body: str) -> bool:
    return body.strip() in {"", "…", "..."}
