"""`maeum schedule import FILE|URL`: what it prints, what it exits with, and that it reads URLs (a loopback server)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import create_engine, func, select
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bots.cli import main
from core.adapters.db.models import BroadcastRow
from tests.servers.loopback import LoopbackServer

SEOUL = ZoneInfo("Asia/Seoul")


def schedule(*rows: tuple[str, int, str]) -> str:
    """A CSV whose slots start `minutes` from now (Seoul time, no offset written)."""
    now = datetime.now(SEOUL).replace(second=0, microsecond=0, tzinfo=None)
    lines = ["channel,start,end,product,price,url"]
    for channel, minutes, product in rows:
        start = now + timedelta(minutes=minutes)
        lines.append(f"{channel},{start.isoformat()},{(start + timedelta(minutes=20)).isoformat()},{product},,")
    return "\n".join(lines) + "\n"


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("SCHEDULE_SAMPLE", "off")
    monkeypatch.chdir(tmp_path)
    return url


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["schedule", "import", *args])


def broadcasts(url: str) -> int:
    engine = create_engine(url)
    with engine.connect() as conn:
        found = int(conn.scalar(select(func.count()).select_from(BroadcastRow)) or 0)
    engine.dispose()
    return found


def test_a_file_with_bad_rows_is_imported_and_they_are_reported_by_line(database: str, tmp_path: Path) -> None:
    good = schedule(("NS홈쇼핑", 30, "종가 포기김치 10kg"), ("GS샵", 40, "국내산 한돈 삼겹살 1kg"))
    file = tmp_path / "slots.csv"
    file.write_text(good + "NS홈쇼핑,언젠가,2026-01-01T00:00,김,,\nGS샵,2026-01-01T10:00,2026-01-01T09:00,김,,\n")
    result = run(str(file))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines()[-1] == "added 2, changed 0, withdrawn 0, bad 2"
    assert "line 4: start is not an ISO 8601 time: '언젠가'" in result.stderr
    assert "line 5: end is not after start" in result.stderr
    assert broadcasts(database) == 2

    again = run(str(file))
    assert again.exit_code == 0 and again.stdout.strip().endswith("added 0, changed 0, withdrawn 0, bad 2")
    file.write_text(schedule(("NS홈쇼핑", 30, "종가 포기김치 10kg"), ("GS샵", 50, "다른 상품")))
    replaced = run(str(file))  # the 40-minute slot is no longer listed within what this import covers
    assert replaced.stdout.strip().endswith("added 1, changed 0, withdrawn 1, bad 0")


def test_an_unreadable_file_or_one_without_a_valid_row_exits_1(database: str, tmp_path: Path) -> None:
    missing = run(str(tmp_path / "nope.csv"))
    assert missing.exit_code == 1 and "cannot read" in missing.stderr and "No such file" in missing.stderr
    (tmp_path / "notes.txt").write_text("hello\nworld\n")
    wrong = run(str(tmp_path / "notes.txt"))
    assert wrong.exit_code == 1 and "the CSV header must name channel,start,end,product,price,url" in wrong.stderr
    (tmp_path / "bad.json").write_text('[{"channel": "NS홈쇼핑"}]')
    empty = run(str(tmp_path / "bad.json"))
    assert empty.exit_code == 1
    assert "line 1: no product" in empty.stderr and "no valid row" in empty.stderr
    assert empty.stdout.strip() == "added 0, changed 0, withdrawn 0, bad 1"
    (tmp_path / "latin1.csv").write_bytes("channel,start,end,product,price,url\nNS,é".encode("latin-1"))
    assert run(str(tmp_path / "latin1.csv")).exit_code == 1


@pytest.fixture
def feed_server() -> Iterator[str]:
    body = schedule(("CJ온스타일", 30, "제주 감귤 5kg"))

    async def csv(request: object) -> Response:
        return PlainTextResponse(body, media_type="text/csv; charset=utf-8")

    async def broken(request: object) -> Response:
        return PlainTextResponse("down", status_code=503)

    server = LoopbackServer(Starlette(routes=[Route("/today.csv", csv), Route("/broken", broken)]), name="feed")
    port = server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def test_a_url_is_read_like_a_file(database: str, feed_server: str) -> None:
    result = run(f"{feed_server}/today.csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().endswith("added 1, changed 0, withdrawn 0, bad 0")
    broken = run(f"{feed_server}/broken")
    assert broken.exit_code == 1 and "HTTP 503" in broken.stderr
