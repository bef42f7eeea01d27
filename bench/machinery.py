"""What every delivery benchmark needs: a private PostgreSQL schema and Redis database, subprocesses that
die with the benchmark, and a check that nothing else on the machine was using the CPU meanwhile."""

from __future__ import annotations

import contextlib
import ctypes
import os
import secrets
import signal
import subprocess
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from sqlalchemy import text

from core.adapters.db.engine import create_sync_engine
from core.adapters.db.migrate import upgrade

REPO = Path(__file__).resolve().parents[1]
POSTGRES_URL = os.environ.get("MAEUM_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
CLK_TCK = os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def private_schema() -> Iterator[str]:
    schema = f"maeum_bench_{secrets.token_hex(5)}"
    admin = create_sync_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
        upgrade(url=url)
        yield url
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextlib.contextmanager
def private_redis(url: str) -> Iterator[str]:
    from redis import Redis

    client = Redis.from_url(url)
    client.flushdb()
    try:
        yield url
    finally:
        client.flushdb()
        client.close()


def _die_with_parent() -> None:
    """In the child, before exec: SIGKILL when this benchmark dies, however it dies."""
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


class ForeignLoad:
    """CPU used meanwhile by processes outside this benchmark — not it, its subprocesses, PostgreSQL or Redis (which
    serve it) — sampled from /proc every half second. Another test run on the machine distorts the figures; this
    says so."""

    SHARED = frozenset({"postgres", "redis-server"})

    def __init__(self) -> None:
        self.seconds = 0.0
        self.elapsed = 0.0
        self.by_name: Counter[str] = Counter()
        self._stop = threading.Event()
        self._last: dict[int, float] = {}
        self._thread = threading.Thread(target=self._run, name="foreign-load", daemon=True)

    @staticmethod
    def _processes() -> dict[int, tuple[int, str, float]]:
        found = {}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                raw = Path(f"/proc/{entry.name}/stat").read_text()
            except OSError:
                continue
            fields = raw[raw.rfind(")") + 2 :].split()
            name = raw[raw.find("(") + 1 : raw.rfind(")")]
            found[int(entry.name)] = (int(fields[1]), name, (int(fields[11]) + int(fields[12])) / CLK_TCK)
        return found

    def _sample(self, *, count: bool) -> None:
        processes = self._processes()
        children: dict[int, list[int]] = {}
        for pid, (ppid, _, _) in processes.items():
            children.setdefault(ppid, []).append(pid)
        mine, todo = set(), [os.getpid()]
        while todo:
            pid = todo.pop()
            mine.add(pid)
            todo.extend(children.get(pid, []))
        last, self._last = self._last, {}
        for pid, (_, name, cpu) in processes.items():
            if pid in mine or name in self.SHARED:
                continue
            self._last[pid] = cpu
            if count:
                used = cpu - last.get(pid, 0.0)
                if used > 0:
                    self.seconds += used
                    self.by_name[name] += used

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            self._sample(count=True)

    def __enter__(self) -> ForeignLoad:
        self._sample(count=False)
        self._started = time.monotonic()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample(count=True)
        self.elapsed = time.monotonic() - self._started

    @property
    def cores(self) -> float:
        return self.seconds / self.elapsed if self.elapsed else 0.0

    def describe(self) -> str:
        top = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in self.by_name.most_common(3) if seconds >= 1)
        return f"{self.cores:.2f} cores" + (f" ({top})" if top else "")


class Processes:
    """Subprocesses started by this benchmark; `close()` kills each one (and its process group) by id."""

    def __init__(self) -> None:
        self.started: list[tuple[subprocess.Popen[bytes], IO[bytes]]] = []

    def start(self, args: list[str], env: dict[str, str], *, cwd: Path = REPO) -> subprocess.Popen[bytes]:
        log = tempfile.TemporaryFile()  # noqa: SIM115 — kept open for the process, closed in close()
        process = subprocess.Popen(
            args,
            env=env,
            cwd=cwd,
            stdout=subprocess.DEVNULL,
            stderr=log,
            start_new_session=True,  # its own process group: forked horses die with it
            preexec_fn=_die_with_parent,  # noqa: PLW1509 — only prctl, no locks
        )
        self.started.append((process, log))
        return process

    def stderr_tail(self, process: subprocess.Popen[bytes], size: int = 2000) -> str:
        for started, log in self.started:
            if started is process:
                log.seek(0)
                return log.read().decode(errors="replace")[-size:]
        return ""

    def close(self) -> None:
        for process, log in self.started:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
            process.wait()
            log.close()
        self.started.clear()


def wait_for_workers(redis_url: str, processes: Processes, started: list[Any], *, queue: str = "maeum") -> None:
    """Until every started `maeum worker` has registered with RQ (or one died at start: its stderr says why)."""
    from redis import Redis
    from rq import Queue, Worker

    connection = Redis.from_url(redis_url)
    deadline = time.monotonic() + 60
    try:
        while Worker.count(queue=Queue(queue, connection=connection)) < len(started):
            for process in started:
                if process.poll() is not None:
                    raise RuntimeError(f"a worker exited at start:\n{processes.stderr_tail(process)}")
            if time.monotonic() > deadline:
                raise RuntimeError("the workers did not register within 60 s")
            time.sleep(0.05)
        time.sleep(0.5)  # let them settle into their blocking dequeue: startup CPU is not counted
    finally:
        connection.close()


def cpu_by_part(worker_pids: list[int]) -> dict[str, float]:
    """CPU seconds so far of the parts of the road on this machine: the workers, this benchmark process (the clock
    and the fake platform server), PostgreSQL and Redis (every process of that name, its reaped children included),
    to say where a message's machine CPU goes."""
    parts = {"workers": 0.0, "bench (clock + fake server)": 0.0, "postgres": 0.0, "redis": 0.0}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            raw = Path(f"/proc/{entry.name}/stat").read_text()
        except OSError:
            continue
        pid = int(entry.name)
        name = raw[raw.find("(") + 1 : raw.rfind(")")]
        fields = raw[raw.rfind(")") + 2 :].split()
        used = sum(int(fields[i]) for i in (11, 12, 13, 14)) / CLK_TCK
        if pid in worker_pids:
            parts["workers"] += used
        elif pid == os.getpid():
            parts["bench (clock + fake server)"] += used
        elif name == "postgres":
            parts["postgres"] += used
        elif name == "redis-server":
            parts["redis"] += used
    return parts
