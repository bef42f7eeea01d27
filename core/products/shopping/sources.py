"""Where schedules come from: a file path or an http(s) URL (`maeum schedule import`, `SCHEDULE_FEEDS`).

Reading is blocking I/O with the standard library (a file, or urllib with a timeout and a size cap), run in a worker
thread by the async callers; nothing here is imported into the event loop's hot path.
"""

from __future__ import annotations

import asyncio
import urllib.error
import urllib.request
from pathlib import Path
from typing import Final

TIMEOUT_SECONDS: Final = 20.0
MAX_BYTES: Final = 50 * 1024 * 1024


class UnreadableSource(OSError):
    """The file or URL could not be read (the reason is the message)."""


def is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def source_name(source: str) -> str:
    """How a source is known between imports: a URL as given, a file by its absolute path (so "./a.csv" and the
    same file named in SCHEDULE_FEEDS are one source)."""
    return source if is_url(source) else str(Path(source).expanduser().resolve())


def _decode(raw: bytes, charset: str | None) -> str:
    try:
        return raw.decode(charset or "utf-8-sig")
    except (UnicodeDecodeError, LookupError):
        raise UnreadableSource("not UTF-8 text") from None


def read_source(source: str) -> str:
    """The text of a schedule file or URL (blocking). Raises UnreadableSource."""
    if is_url(source):
        request = urllib.request.Request(source, headers={"User-Agent": "maeum-schedule/1"})  # noqa: S310 — http(s) only
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                raw = response.read(MAX_BYTES + 1)
                charset = response.headers.get_content_charset()
        except urllib.error.HTTPError as error:
            raise UnreadableSource(f"HTTP {error.code}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", None) or error
            raise UnreadableSource(str(reason)) from None
        if len(raw) > MAX_BYTES:
            raise UnreadableSource(f"larger than {MAX_BYTES // (1024 * 1024)} MB")
        return _decode(raw, charset)
    path = Path(source).expanduser()
    try:
        if path.stat().st_size > MAX_BYTES:
            raise UnreadableSource(f"larger than {MAX_BYTES // (1024 * 1024)} MB")
        return _decode(path.read_bytes(), None)
    except UnreadableSource:
        raise
    except OSError as error:
        raise UnreadableSource(error.strerror or type(error).__name__) from None


async def read_source_async(source: str) -> str:
    return await asyncio.to_thread(read_source, source)
