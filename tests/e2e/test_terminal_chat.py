"""`maeum chat` as a new user runs it: a real process, stdin piped, SQLite in a fresh folder."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

MAEUM = [sys.executable, "-m", "bots.cli"]
REPO = Path(__file__).resolve().parents[2]


def chat(lines: list[str], cwd: Path, *args: str, env: dict[str, str] | None = None) -> str:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("LLM_", "DATABASE_URL", "REDIS_URL"))}
    environment["PYTHONPATH"] = str(REPO)
    environment.update(env or {})
    done = subprocess.run(
        [*MAEUM, "chat", *args],
        input="".join(line + "\n" for line in lines),
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environment,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    return done.stdout


def test_a_piped_worry_gets_f_and_t_parts_offline(tmp_path: Path) -> None:
    out = chat(["요즘 잠이 안 와요"], tmp_path)
    assert "💗 공감 (F)" in out
    assert "🧠 조언 (T)" in out
    assert out.count("오프라인 상담 모드") == 1  # the label once per answer, not under each part
    assert "잠 못 드는 밤" in out  # the offline counselor says the person's words back
    assert out.index("💗 공감 (F)") < out.index("🧠 조언 (T)")
    assert (tmp_path / "maeum.db").exists()


def test_people_and_groups_are_played_in_one_terminal_and_buttons_are_numbers(tmp_path: Path) -> None:
    out = chat(
        ["/start", "1", "/as 준호", "/lang en", "/group 독서모임", "오늘 날씨 좋다", "/help", "/dm", "/export"],
        tmp_path,
        "--as",
        "민지",
    )
    assert "민지> /start" in out
    assert "[1] ✅ 동의해요" in out
    assert "고마워요. 이제 고민과 답변을 저장" in out
    assert "준호> /lang en" in out and "Language set to English." in out
    assert "준호@독서모임> 오늘 날씨 좋다\n준호@독서모임> /help" in out  # group small talk is not answered
    assert "How to use maeum" in out
    exported = next((tmp_path / "maeum-files").glob("maeum-export-*.json"))
    data = json.loads(exported.read_text())
    assert data["identities"][0]["external_id"] == "준호"


@pytest.mark.parametrize("line", ["", "   ", "/tz Mars/Base", "/nope"])
def test_bad_lines_get_usage_not_a_crash(tmp_path: Path, line: str) -> None:
    out = chat([line, "/lang"], tmp_path)
    assert "지금 언어는 한국어" in out  # the session goes on after the bad line


def test_a_bad_setting_stops_with_a_message_naming_it(tmp_path: Path) -> None:
    done = subprocess.run(
        [*MAEUM, "chat"],
        input="",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO), "DAILY_FREE_WORRIES": "many"},
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "DAILY_FREE_WORRIES" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_reminder_fires_in_the_chat_without_redis(tmp_path: Path) -> None:
    out = chat(["/remind 1s 물 마시기", "/wait 3", "/remind list"], tmp_path, "--as", "민지")
    assert "⏰" in out and "알려 드릴게요: 물 마시기" in out
    assert "📨 → 민지: ⏰ 알림\n물 마시기" in out
    assert "예약된 알림이 없어요" in out  # delivered, so no longer pending


class LiveChat:
    """`maeum chat` kept running, for a conversation whose next line depends on an answer (an invite code)."""

    def __init__(self, cwd: Path, *args: str) -> None:
        environment = {k: v for k, v in os.environ.items() if not k.startswith(("LLM_", "DATABASE_URL", "REDIS_URL"))}
        environment["PYTHONPATH"] = str(REPO)
        self._process = subprocess.Popen(
            [*MAEUM, "chat", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=cwd,
            env=environment,
            bufsize=1,
        )
        self._lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self._process.stdout is not None
        for line in self._process.stdout:
            self._lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self._lines)

    def send(self, line: str) -> None:
        assert self._process.stdin is not None
        self._process.stdin.write(line + "\n")
        self._process.stdin.flush()

    def wait_for(self, pattern: str, *, after: int = 0, timeout: float = 30.0) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while (match := re.compile(pattern).search(self.output, after)) is None:
            assert time.monotonic() < deadline, f"no {pattern!r} in:\n{self.output}"
            time.sleep(0.05)
        return match

    def close(self) -> str:
        assert self._process.stdin is not None
        self._process.stdin.close()
        self._process.wait(timeout=60)
        return self.output


def test_two_people_become_friends_share_an_entry_and_are_told_of_each_comment(tmp_path: Path) -> None:
    live = LiveChat(tmp_path, "--as", "minji")
    try:
        live.send("/friend invite")
        code = live.wait_for(r"friend accept ([A-Z2-9]{4}-[A-Z2-9]{4})").group(1)
        live.send("/as junho")
        live.send(f"/friend accept {code}")
        live.wait_for(r"📨 → minji: 🤝")  # the inviter is told, through the outbox and the in-process clock
        live.send("/as minji")
        live.send("/diary 발표를 무사히 끝내서 정말 기쁘다")
        live.wait_for(r"\[1\] ✅ 동의해요")  # a diary is kept only with consent: asked, the entry held meanwhile
        live.send("1")
        live.wait_for(r"고마워요(.|\n)*일기를 적었어요(.|\n)*\[1\] 👥 친구에게 공개")  # saved on the answer
        live.send("1")  # the button
        live.wait_for(r"📨 → junho: 👥 친구의 새 일기")
        live.send("/as junho")
        live.send("/comment minji 1 축하해!")
        live.wait_for(r"📨 → minji: 💬 새 댓글\n.*축하해!")
    finally:
        out = live.close()
    assert out.count("📨 → junho: 👥 친구의 새 일기") == 1
    assert "Traceback" not in out


def test_a_stated_plan_gets_the_crisis_reply_and_the_terminal_shows_no_log_lines(tmp_path: Path) -> None:
    out = chat(["이따 밤에 한강 가서 뛰어내릴 거야"], tmp_path)
    assert "109" in out and "1577-0199" in out
    assert "💗" not in out and "🧠" not in out
    assert "WARNING" not in out and "reason=" not in out
    assert "crisis_gate" in (tmp_path / "maeum-chat.log").read_text(encoding="utf-8")


def test_a_couple_is_mediated_and_the_childs_post_reaches_the_group_once_in_its_own_words(tmp_path: Path) -> None:
    minsu, jieun = "주말마다 약속을 잡는데 지은이는 늘 피곤하대", "평일에 야근이 많아서 주말엔 쉬고 싶어"
    script = ["/group 우리", "/as 민수", "/mediate", "/as 지은", "/mediate join", "/as 민수", "/dm", f"/side {minsu}"]
    out = chat([*script, "/as 지은", "/dm", f"/side {jieun}", "/wait 5"], tmp_path)
    assert out.count("📨 → #우리: ") == 1
    assert "📨 → 민수: 👶 마음 중재" in out and "📨 → 지은: 👶 마음 중재" in out  # the DM asks
    post = out[out.index("📨 → #우리: ") :]
    assert "💙 민수님 이야기" in post and "💛 지은님 이야기" in post and "🤝 이렇게 해 보면 어때요?" in post
    squeezed = "".join(post.split())
    for side in (minsu, jieun):
        words = "".join(side.split())
        assert not any(words[i : i + 8] in squeezed for i in range(len(words) - 7)), side


def test_small_talk_costs_no_worry_and_a_plain_reminder_is_set_in_the_terminal(tmp_path: Path) -> None:
    out = chat(
        ["안녕", "고마워", "ㅠㅠ", "1", "10분 뒤에 물 마시라고 알려줘", "/remind list"], tmp_path, "--as", "민지"
    )
    assert "공감 (F)" not in out  # none of the four was taken for a worry
    assert "숫자만 보내 주셨어요" in out
    assert "알려 드릴게요: 물 마시기" in out
    listed = out.split("민지> /remind list", 1)[1]
    assert re.search(r"#1 · .+ — 물 마시기", listed)
