"""Operator alerts: every ERROR record becomes an alert, grouped by fingerprint so a storm is one post.

Alerts never carry user text: only the logger, the message *template*, arguments that look like ids or
numbers, the exception *type* and the stack frames (file, line, function) — never an exception's message,
which may quote SQL parameters or user input.
"""

from __future__ import annotations

import contextvars
import hashlib
import json
import logging
import queue
import re
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Final

logger = logging.getLogger("maeum.ops")

REPO_ROOT = Path(__file__).resolve().parents[2]
_IN_APP = tuple(str(REPO_ROOT / package) for package in ("core", "bots", "jobs"))
_SAFE_ARG = re.compile(r"^[A-Za-z0-9_.:/@#=+-]{1,64}$")
GROUP_WINDOW_SECONDS = 600

# Set while an alert is being posted: whatever that logs must not raise another alert.
posting_alert: contextvars.ContextVar[bool] = contextvars.ContextVar("posting_alert", default=False)


events_logger = logging.getLogger("maeum.events")


class LoggingOpsAlerts:
    """The OpsAlerts port for events that are not errors (a crisis gate fired): a WARNING record marked
    `ops_alert`, which the handler below sends to the ops channel like an ERROR when one is configured."""

    async def alert(self, event: str, **fields: str | int) -> None:
        names = sorted(fields)
        template = "ops event %s: " + " ".join(f"{name}=%s" for name in names)
        # Grouped by the event's fields too (user, platform, reason): one person's crisis never folds into
        # another's count. The fields are ids and codes, never user text.
        group = "|".join(f"{name}={fields[name]}" for name in names)
        events_logger.warning(
            template, event, *(fields[name] for name in names), extra={"ops_alert": True, "ops_group": group}
        )


@dataclass(frozen=True, kw_only=True)
class AlertEvent:
    fingerprint: str
    component: str
    logger: str
    level: str
    template: str
    args: tuple[str, ...]
    exception: str | None
    frames: tuple[str, ...]
    incident: str | None
    at: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AlertEvent:
        return cls(**{**data, "args": tuple(data["args"]), "frames": tuple(data["frames"])})


def _safe_args(args: Any) -> tuple[str, ...]:
    values = args if isinstance(args, tuple) else (args,) if args else ()
    shown = []
    for value in values:
        if isinstance(value, bool | int | float):
            shown.append(str(value))
        elif isinstance(value, str) and _SAFE_ARG.match(value):
            shown.append(value)
        else:
            shown.append("‹redacted›")
    return tuple(shown)


def _frames(record: logging.LogRecord) -> tuple[str, ...]:
    if record.exc_info and record.exc_info[2] is not None:
        summary = traceback.extract_tb(record.exc_info[2])
    else:
        summary = traceback.StackSummary.from_list([(record.pathname, record.lineno, record.funcName, None)])
    shown = []
    for frame in summary:
        path = Path(frame.filename)
        in_app = str(path).startswith(_IN_APP)
        name = str(path.relative_to(REPO_ROOT)) if in_app else path.name
        shown.append(f"{'' if in_app else '~'}{name}:{frame.lineno} in {frame.name}")
    return tuple(shown[-12:])


# Loggers whose messages we wrote. A library's message may quote whatever a stranger sent (slack_bolt logs a
# failed request's body and headers), so for any other logger only its name and the exception type go out.
_OUR_LOGGERS: Final = ("core", "bots", "jobs", "maeum")
_THIRD_PARTY_TEMPLATE: Final = "‹message of a third-party logger, withheld›"


def _ours(logger_name: str) -> bool:
    return logger_name.split(".", 1)[0] in _OUR_LOGGERS


def alert_event(record: logging.LogRecord, *, component: str) -> AlertEvent:
    exception = record.exc_info[0].__name__ if record.exc_info and record.exc_info[0] else None
    ours = _ours(record.name)
    frames = _frames(record)
    in_app = [f for f in frames if not f.startswith("~")]
    top = in_app[-1].rsplit(":", 1)[0] + ":" + in_app[-1].rsplit(" in ", 1)[1] if in_app else ""
    template = str(record.msg)[:300] if ours else _THIRD_PARTY_TEMPLATE
    basis = "|".join((record.name, exception or template, top, str(getattr(record, "ops_group", ""))))
    return AlertEvent(
        fingerprint=hashlib.sha1(basis.encode(), usedforsecurity=False).hexdigest()[:16],
        component=component,
        logger=record.name,
        level=record.levelname,
        template=template,
        args=_safe_args(record.args) if ours else (),
        exception=exception,
        frames=frames,
        incident=getattr(record, "incident", None),
        at=record.created,
    )


def _slack_escaped(text: str) -> str:
    """Slack's own escaping: no <!channel>, <@user> or <url|label> can come out of a value, and no code span ends."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("`", "ʼ")


def alert_text(event: AlertEvent, *, count: int = 1) -> str:
    """Slack mrkdwn. Every value is escaped, and is either ours or passed through the safe-argument filter."""
    e = _slack_escaped
    lines = [f":rotating_light: *{e(event.level)}* in `{e(event.component)}` — `{e(event.logger)}`"]
    where = e(event.frames[-1]) if event.frames else "?"
    lines.append(f"{'`' + e(event.exception) + '` at ' if event.exception else ''}`{where}`")
    if event.incident:
        lines.append(f"incident `{e(event.incident)}`")
    shown_args = f"  ({', '.join(e(a) for a in event.args)})" if event.args else ""
    lines.append(f"message: `{e(event.template)}`{shown_args}")
    if count > 1:
        lines.append(f"*repeated {count} times* in the last {GROUP_WINDOW_SECONDS // 60} minutes")
    lines.append("```" + "\n".join(e(frame) for frame in event.frames) + "```")
    return "\n".join(lines)


MAX_DIGEST_ALERTS = 25  # alerts in one digest post; more wait for the next one (a second later)
_DIGEST_TEXT_BUDGET = 12_000  # characters: well inside Slack's 40,000 for a message's text


def digest_text(events: list[AlertEvent]) -> str:
    """Several distinct alerts that waited for the ops channel's pace, as one post: each in a few lines (where,
    what, the message template and its safe arguments, the innermost frame), escaped as `alert_text` escapes."""
    e = _slack_escaped
    lines = [f":rotating_light: *{len(events)} alerts* at once"]
    for n, event in enumerate(events, start=1):
        where = e(event.frames[-1]) if event.frames else "?"
        what = f"`{e(event.exception)}` at " if event.exception else ""
        shown_args = f"  ({', '.join(e(a) for a in event.args)})" if event.args else ""
        incident = f" · incident `{e(event.incident)}`" if event.incident else ""
        entry = (
            f"*{n}.* *{e(event.level)}* in `{e(event.component)}` — `{e(event.logger)}`{incident}\n"
            f"{what}`{where}`\nmessage: `{e(event.template)}`{shown_args}"
        )
        if sum(len(line) + 1 for line in lines) + len(entry) > _DIGEST_TEXT_BUDGET:
            lines.append(f"… and {len(events) - n + 1} more (see the worker logs)")
            break
        lines.append(entry)
    return "\n".join(lines)


class AlertSink:
    def submit(self, event: AlertEvent) -> None:
        raise NotImplementedError


class OpsAlertHandler(logging.Handler):
    """Turns ERROR records into alert events. Never raises, never blocks on the network, never loops."""

    def __init__(self, sink: AlertSink, *, component: str) -> None:
        super().__init__(level=logging.WARNING)
        self._sink = sink
        self._component = component
        self._local = threading.local()

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno < logging.ERROR and not getattr(record, "ops_alert", False):
            return
        if posting_alert.get() or getattr(self._local, "busy", False) or record.name.startswith("maeum.ops"):
            return
        self._local.busy = True
        try:
            self._sink.submit(alert_event(record, component=self._component))
        except Exception:  # noqa: BLE001 — an alert failure must not raise, nor log at ERROR (no loop)
            logger.warning("ops alert could not be queued", exc_info=False)
        finally:
            self._local.busy = False


WAITING_ALERTS = "maeum:alerts:waiting"  # fingerprints of alerts not yet posted, oldest first


class RedisAlertSink(AlertSink):
    """Groups in Redis (shared by every process): the first event of a fingerprint in a window joins the list of
    alerts waiting to be posted (oldest first) and enqueues a job that posts what waits; repeats only count, and the
    clock folds the count into the post."""

    def __init__(self, redis: Any, *, enqueue: Callable[[str, dict[str, Any], str], None]) -> None:
        self._redis = redis
        self._enqueue = enqueue

    def submit(self, event: AlertEvent) -> None:
        key = f"maeum:alert:{event.fingerprint}"
        pipe = self._redis.pipeline()
        pipe.hsetnx(key, "first_at", event.at)
        pipe.hincrby(key, "count", 1)
        pipe.expire(key, GROUP_WINDOW_SECONDS, nx=True)
        pipe.sadd("maeum:alerts:open", event.fingerprint)
        first, _count, _, _ = pipe.execute()
        if first:
            pipe = self._redis.pipeline()
            pipe.hset(key, "event", json.dumps(event.to_dict(), ensure_ascii=False))
            pipe.rpush(WAITING_ALERTS, event.fingerprint)
            pipe.execute()
            self._enqueue("jobs.alerts.post_alerts", {}, f"alert-{event.fingerprint}-{int(event.at)}")


class InProcessAlertSink(AlertSink):
    """No Redis: group in memory and post from a background thread — the first alert at once, then at most one post
    per `pace_seconds`: the distinct alerts that arrived meanwhile go together as one digest (`digest`; one by one
    through `post` when none is given), and repeats are folded into their post's count every `fold_every`."""

    def __init__(
        self,
        post: Callable[[AlertEvent, int, str | None], str | None],
        *,
        digest: Callable[[list[AlertEvent]], None] | None = None,
        fold_every: float = 5.0,
        pace_seconds: float = 1.0,
    ) -> None:
        self._post = post
        self._digest = digest
        self._fold_every = fold_every
        self._pace = pace_seconds
        self._events: queue.Queue[AlertEvent] = queue.Queue(maxsize=10_000)
        self._groups: dict[str, list[Any]] = {}  # fingerprint → [event, count, posted_count, ts, first_at]
        self._waiting: list[str] = []  # fingerprints to post, oldest first
        self._failures = 0
        self._thread = threading.Thread(target=self._run, name="ops-alerts", daemon=True)
        self._thread.start()

    def submit(self, event: AlertEvent) -> None:
        self._events.put_nowait(event)

    def _run(self) -> None:
        next_fold = time.monotonic() + self._fold_every
        next_post = 0.0
        while True:
            now = time.monotonic()
            wake = min(next_fold, next_post) if self._waiting else next_fold
            try:
                event: AlertEvent | None = self._events.get(timeout=max(0.01, wake - now))
            except queue.Empty:
                event = None
            while event is not None:  # take everything already queued, so it joins this post
                self._take(event)
                try:
                    event = self._events.get_nowait()
                except queue.Empty:
                    event = None
            if self._waiting and time.monotonic() >= next_post:
                self._post_waiting()
                next_post = time.monotonic() + self._pace
            if time.monotonic() >= next_fold:
                self._fold()
                next_fold = time.monotonic() + self._fold_every

    def _take(self, event: AlertEvent) -> None:
        group = self._groups.get(event.fingerprint)
        if group is None or time.monotonic() - group[4] > GROUP_WINDOW_SECONDS:
            self._groups[event.fingerprint] = [event, 1, 1, None, time.monotonic()]
            self._waiting.append(event.fingerprint)
        else:
            group[1] += 1

    def _post_waiting(self) -> None:
        chosen = self._waiting[:MAX_DIGEST_ALERTS] if self._digest is not None else self._waiting[:1]
        groups = [self._groups[fingerprint] for fingerprint in chosen]
        token = posting_alert.set(True)
        try:
            if len(groups) == 1:
                groups[0][3] = self._post(groups[0][0], 1, None)
            else:
                assert self._digest is not None
                self._digest([group[0] for group in groups])
                for group in groups:
                    group[3] = ""  # a digest is not rewritten: a repeat count goes as a post of its own
        except Exception:  # noqa: BLE001 — tried again at the next pace, a few times, then given up (logged)
            self._failures += 1
            if self._failures < 3:
                return
            logger.warning("ops alert could not be posted; %s alert(s) given up", len(chosen))
        finally:
            posting_alert.reset(token)
        self._failures = 0
        del self._waiting[: len(chosen)]

    def _fold(self) -> None:
        for group in self._groups.values():
            event, count, posted, ts, _ = group
            if count > posted and group[0].fingerprint not in self._waiting:
                token = posting_alert.set(True)
                try:
                    self._post(event, count, ts or "")
                    group[2] = count
                except Exception:  # noqa: BLE001
                    logger.warning("ops alert fold could not be posted")
                finally:
                    posting_alert.reset(token)
