"""The terminal shows streamed parts in order: the oldest open message streams, later ones wait whole."""

from __future__ import annotations

from pathlib import Path

from bots.terminal.messenger import recipient_name
from bots.terminal.render import ButtonBoard
from bots.terminal.responder import TerminalResponder
from core.ports import Recipient
from core.replies import Attachment, Button, Reply, Section


def part(title: str, body: str, *, pending: bool = True, buttons: tuple[Button, ...] = ()) -> Reply:
    return Reply(sections=(Section(title=title, body=body, buttons=buttons),), pending=pending)


async def test_live_mode_streams_the_first_part_and_prints_the_second_after_it(tmp_path: Path) -> None:
    out: list[str] = []
    board = ButtonBoard()
    responder = TerminalResponder(out.append, live=True, board=board, files_dir=tmp_path)
    f = await responder.send(part("F", "…"))
    t = await responder.send(part("T", "…"))
    assert "".join(out) == "F\n"  # the placeholder itself is not printed

    await responder.edit(f, part("F", "안녕"))
    await responder.edit(t, part("T", "첫 단계"))  # T waits: F is still streaming
    await responder.edit(f, part("F", "안녕하세요"))
    assert "".join(out) == "F\n안녕하세요"

    await responder.edit(
        t, part("T", "첫 단계 둘", pending=False, buttons=(Button(label="도움", action="mm:x:T"),)), final=True
    )
    await responder.edit(
        f, part("F", "안녕하세요.", pending=False, buttons=(Button(label="도움", action="mm:x:F"),)), final=True
    )
    assert "".join(out) == "F\n안녕하세요.\n  [1] 도움\nT\n첫 단계 둘\n  [2] 도움\n"
    assert board.press("2") == "mm:x:T"
    assert board.press("3") is None


async def test_piped_mode_prints_each_reply_once_finished_at_the_end_of_the_turn(tmp_path: Path) -> None:
    out: list[str] = []
    responder = TerminalResponder(out.append, live=False, board=ButtonBoard(), files_dir=tmp_path)
    ref = await responder.send(part("F", "…"))
    await responder.edit(ref, part("F", "부분"))
    assert out == []
    await responder.edit(ref, part("F", "부분 완성"), final=True)
    await responder.send(Reply.text("다음"))
    responder.finish_turn()
    assert "".join(out) == "F\n부분 완성\n다음\n"


async def test_files_are_saved_and_their_path_printed(tmp_path: Path) -> None:
    out: list[str] = []
    responder = TerminalResponder(out.append, live=False, board=ButtonBoard(), files_dir=tmp_path / "files")
    await responder.send(
        Reply(
            sections=(Section(body="여기요"),),
            attachments=(Attachment(filename="x.json", content=b"{}", mime_type="application/json"),),
        )
    )
    responder.finish_turn()
    assert (tmp_path / "files" / "x.json").read_bytes() == b"{}"
    assert f"📎 {tmp_path / 'files' / 'x.json'}" in "".join(out)


def test_a_push_to_a_group_prints_as_its_name_and_a_person_by_theirs() -> None:
    assert recipient_name(Recipient(platform="terminal", chat_id="group:독서모임")) == "#독서모임"
    assert recipient_name(Recipient(platform="terminal", user_external_id="준호")) == "준호"
