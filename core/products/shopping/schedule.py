"""Home-shopping schedules: reading a file (CSV or JSON) into slots, and planning what an import changes (pure).

The format (SPEC §5): CSV whose header names the columns `channel,start,end,product,price,url` (in any order;
other columns are ignored), or JSON, a list of objects with those keys. `start` and `end` are ISO 8601; a time
without an offset is Asia/Seoul's. `price` is in won and may be empty ("39900", "39,900", "39,900원"); `url` may be
empty, else http(s).

A bad row (no channel or product, a time that does not read, an end not after its start, a price that is not a
number…) is reported with its line and left out; it never stops the others. A row with the same channel and start
as an earlier one is bad too: one slot is one broadcast.

An import of a source (a file path, a URL, or the bundled sample) is planned against what is stored
(`plan_import`): slots are upserted by (channel, start); a stored slot of the same source that is still to come,
whose start lies within the time the import covers (its earliest start to its latest end) and that the import no
longer lists, has vanished — unless the import lists the same product on the same channel at a new time, which
is the same broadcast moved. Vanished slots are withdrawn (their pending alerts with them), not deleted: if a later
import lists one again it comes back and its alerts with it, and an alert sent once is never sent again.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

from core.products.shopping.matching import normalize

SCHEDULE_ZONE: Final = ZoneInfo("Asia/Seoul")
COLUMNS: Final = ("channel", "start", "end", "product", "price", "url")
MAX_CHANNEL: Final = 100
MAX_PRODUCT: Final = 300
MAX_URL: Final = 1000
MAX_PRICE: Final = 1_000_000_000
MAX_LENGTH: Final = timedelta(hours=24)


class UnreadableSchedule(ValueError):
    """The text is neither a CSV with the schedule's header nor a JSON list."""


@dataclass(frozen=True)
class _RowError:
    """A CSV row that could not be split into the header's fields, and why."""

    reason: str


@dataclass(frozen=True, kw_only=True)
class Slot:
    """One broadcast as a schedule lists it (times aware UTC)."""

    channel: str
    starts_at: datetime
    ends_at: datetime
    product: str
    price: int | None = None
    url: str | None = None

    @property
    def key(self) -> tuple[str, datetime]:
        return (self.channel, self.starts_at)

    def same_as(self, other: Slot) -> bool:
        return (self.ends_at, self.product, self.price, self.url) == (
            other.ends_at,
            other.product,
            other.price,
            other.url,
        )


@dataclass(frozen=True, kw_only=True)
class BadRow:
    line: int
    reason: str


@dataclass(frozen=True, kw_only=True)
class ParsedSchedule:
    slots: tuple[Slot, ...]
    bad: tuple[BadRow, ...] = ()


class _Bad(ValueError):
    pass


def _text(row: dict[str, Any], name: str, limit: int, *, required: bool) -> str | None:
    value = row.get(name)
    if value is None:
        value = ""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise _Bad(f"{name} is not text")
    text = " ".join(str(value).split())
    if not text:
        if required:
            raise _Bad(f"no {name}")
        return None
    if len(text) > limit:
        raise _Bad(f"{name} longer than {limit} characters")
    return text


def read_time(value: object, name: str) -> datetime:
    """An ISO 8601 time; without an offset it is Asia/Seoul's. Aware UTC out."""
    if not isinstance(value, str) or not value.strip():
        raise _Bad(f"no {name} time")
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise _Bad(f"{name} is not an ISO 8601 time: {value.strip()[:40]!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=SCHEDULE_ZONE)
    return moment.astimezone(UTC)


def read_price(value: object) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise _Bad("price is not a number of won")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str):
        digits = value.strip().removesuffix("원").strip().replace(",", "")
        if not digits.isdecimal():
            raise _Bad(f"price is not a number of won: {value.strip()[:20]!r}")
        number = int(digits)
    else:
        raise _Bad("price is not a number of won")
    if not 0 <= number <= MAX_PRICE:
        raise _Bad("price out of range")
    return number


def _slot(row: object) -> Slot:
    if isinstance(row, _RowError):
        raise _Bad(row.reason)
    if not isinstance(row, dict):
        raise _Bad("not an object")
    channel = _text(row, "channel", MAX_CHANNEL, required=True)
    product = _text(row, "product", MAX_PRODUCT, required=True)
    starts_at = read_time(row.get("start"), "start")
    ends_at = read_time(row.get("end"), "end")
    if ends_at <= starts_at:
        raise _Bad("end is not after start")
    if ends_at - starts_at > MAX_LENGTH:
        raise _Bad("longer than 24 hours")
    url = _text(row, "url", MAX_URL, required=False)
    if url is not None and not url.lower().startswith(("http://", "https://")):
        raise _Bad("url is not http(s)")
    assert channel is not None
    assert product is not None
    return Slot(
        channel=channel,
        starts_at=starts_at,
        ends_at=ends_at,
        product=product,
        price=read_price(row.get("price")),
        url=url,
    )


def _collect(rows: Iterable[tuple[int, object]]) -> ParsedSchedule:
    slots: list[Slot] = []
    bad: list[BadRow] = []
    seen: dict[tuple[str, datetime], int] = {}
    for line, row in rows:
        try:
            slot = _slot(row)
        except _Bad as error:
            bad.append(BadRow(line=line, reason=str(error)))
            continue
        if slot.key in seen:
            bad.append(BadRow(line=line, reason=f"same channel and start as line {seen[slot.key]}"))
            continue
        seen[slot.key] = line
        slots.append(slot)
    return ParsedSchedule(slots=tuple(slots), bad=tuple(bad))


def _object_lines(text: str) -> list[int]:
    """The line each top-level element of a JSON list starts on (for "line N" in reports)."""
    lines: list[int] = []
    depth, in_string, escaped, line = 0, False, False, 1
    expecting = False
    for ch in text:
        if ch == "\n":
            line += 1
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
            continue
        if depth == 1 and expecting and not ch.isspace():
            lines.append(line)
            expecting = False
        if ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth == 1:
                expecting = True
        elif ch in "]}":
            depth -= 1
        elif ch == "," and depth == 1:
            expecting = True
    return lines


def parse_json(text: str) -> ParsedSchedule:
    try:
        data = json.loads(text)
    except ValueError as error:
        raise UnreadableSchedule(f"not valid JSON ({error})") from None
    if not isinstance(data, list):
        raise UnreadableSchedule("JSON must be a list of objects with channel, start, end, product, price, url")
    lines = _object_lines(text)
    return _collect((lines[i] if i < len(lines) else i + 1, row) for i, row in enumerate(data))


def parse_csv(text: str) -> ParsedSchedule:
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise UnreadableSchedule("empty file") from None
    except csv.Error as error:
        raise UnreadableSchedule(f"not CSV ({error})") from None
    names = [name.strip().lower().lstrip("\ufeff") for name in header]
    missing = [column for column in COLUMNS if column not in names]
    if missing:
        raise UnreadableSchedule(f"the CSV header must name {','.join(COLUMNS)} (missing: {', '.join(missing)})")

    def rows() -> Iterable[tuple[int, object]]:
        line = reader.line_num + 1
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                yield line, _RowError(f"not CSV ({error})")
                line = reader.line_num + 1
                continue
            if any(value.strip() for value in values):
                if len(values) != len(names):
                    yield line, _RowError(f"{len(values)} fields, the header has {len(names)}")
                else:
                    yield line, dict(zip(names, values, strict=True))
            line = reader.line_num + 1

    return _collect(rows())


def parse_schedule(text: str) -> ParsedSchedule:
    """Read a schedule file's text, JSON (a list) or CSV (with the header). Raises UnreadableSchedule when it is
    neither; bad rows are returned, not raised."""
    stripped = text.lstrip("\ufeff").lstrip()
    return parse_json(stripped) if stripped.startswith("[") else parse_csv(text.lstrip("\ufeff"))


# --- what an import changes ----------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class StoredSlot:
    """A stored broadcast, as planning reads it."""

    id: int
    slot: Slot
    source: str
    withdrawn: bool = False


@dataclass(frozen=True, kw_only=True)
class ImportPlan:
    inserts: tuple[Slot, ...] = ()
    updates: tuple[tuple[int, Slot], ...] = ()  # changed, moved, revived, or only taken over by this source
    withdraws: tuple[int, ...] = ()
    added: int = 0
    changed: int = 0

    @property
    def withdrawn(self) -> int:
        return len(self.withdraws)


@dataclass(frozen=True, kw_only=True)
class Coverage:
    """The time an import speaks for: from its earliest start to its latest end."""

    starts: datetime
    ends: datetime


def coverage(slots: Sequence[Slot]) -> Coverage | None:
    if not slots:
        return None
    return Coverage(starts=min(s.starts_at for s in slots), ends=max(s.ends_at for s in slots))


def _product_key(product: str) -> str:
    return " ".join(normalize(product).split())


def _pair_moves(vanished: list[StoredSlot], new: list[Slot]) -> tuple[list[tuple[StoredSlot, Slot]], set[int]]:
    """A vanished slot and a new one with the same channel and product are one broadcast moved (the nearest new
    time wins). Returns the pairs and the indexes of the new slots they use."""
    pairs: list[tuple[StoredSlot, Slot]] = []
    used: set[int] = set()
    for gone in sorted(vanished, key=lambda s: s.slot.starts_at):
        options = [
            (abs((slot.starts_at - gone.slot.starts_at).total_seconds()), i)
            for i, slot in enumerate(new)
            if i not in used
            and slot.channel == gone.slot.channel
            and _product_key(slot.product) == _product_key(gone.slot.product)
        ]
        if options:
            _, chosen = min(options)
            used.add(chosen)
            pairs.append((gone, new[chosen]))
    return pairs, used


def plan_import(stored: Iterable[StoredSlot], slots: Sequence[Slot], *, source: str, now: datetime) -> ImportPlan:
    """What importing `slots` from `source` changes, given the stored slots whose start lies within the import's
    coverage (others are not looked at)."""
    covered = coverage(slots)
    if covered is None:
        return ImportPlan()
    by_key = {s.slot.key: s for s in stored}
    listed = {slot.key for slot in slots}
    vanished = [
        s
        for s in by_key.values()
        if s.source == source
        and not s.withdrawn
        and s.slot.starts_at > now
        and covered.starts <= s.slot.starts_at < covered.ends
        and s.slot.key not in listed
    ]
    new = [slot for slot in slots if slot.key not in by_key]
    moves, moved = _pair_moves(vanished, new)
    moved_ids = {gone.id for gone, _ in moves}
    updates: list[tuple[int, Slot]] = [(gone.id, slot) for gone, slot in moves]
    changed = len(moves)  # a move is a change, not an addition
    inserts = [slot for i, slot in enumerate(new) if i not in moved]
    added = len(inserts)
    for slot in slots:
        existing = by_key.get(slot.key)
        if existing is None:
            continue
        if existing.withdrawn:
            added += 1  # listed again: it comes back
            updates.append((existing.id, slot))
        elif not existing.slot.same_as(slot):
            changed += 1
            updates.append((existing.id, slot))
        elif existing.source != source:
            updates.append((existing.id, slot))  # the same slot, now this source's to keep
    withdraws = tuple(s.id for s in vanished if s.id not in moved_ids)
    return ImportPlan(inserts=tuple(inserts), updates=tuple(updates), withdraws=withdraws, added=added, changed=changed)
