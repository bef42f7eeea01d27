"""Calendar arithmetic in a user's zone; everything going in and out is aware UTC."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def start_of_local_day(now: datetime, tz: ZoneInfo) -> datetime:
    local = now.astimezone(tz)
    return datetime.combine(local.date(), time(0), tzinfo=tz).astimezone(UTC)


def start_of_local_month(now: datetime, tz: ZoneInfo) -> datetime:
    local = now.astimezone(tz)
    return datetime(local.year, local.month, 1, tzinfo=tz).astimezone(UTC)


# What people type for a zone besides its IANA name: Korean city and country names, common abbreviations. A city
# in English ("London", "new york") is found from the IANA names themselves. Abbreviations that name several
# zones (CST, IST in Europe or India…) are left out rather than guessed.
_ALIASES: Final = {
    "서울": "Asia/Seoul", "한국": "Asia/Seoul", "대한민국": "Asia/Seoul", "kst": "Asia/Seoul", "korea": "Asia/Seoul",
    "부산": "Asia/Seoul", "도쿄": "Asia/Tokyo", "일본": "Asia/Tokyo", "jst": "Asia/Tokyo", "japan": "Asia/Tokyo",
    "오사카": "Asia/Tokyo", "베이징": "Asia/Shanghai", "상하이": "Asia/Shanghai", "중국": "Asia/Shanghai",
    "china": "Asia/Shanghai", "beijing": "Asia/Shanghai", "홍콩": "Asia/Hong_Kong", "타이베이": "Asia/Taipei",
    "대만": "Asia/Taipei", "싱가포르": "Asia/Singapore", "방콕": "Asia/Bangkok", "태국": "Asia/Bangkok",
    "하노이": "Asia/Ho_Chi_Minh", "호치민": "Asia/Ho_Chi_Minh", "베트남": "Asia/Ho_Chi_Minh",
    "vietnam": "Asia/Ho_Chi_Minh", "hanoi": "Asia/Ho_Chi_Minh", "마닐라": "Asia/Manila", "필리핀": "Asia/Manila",
    "자카르타": "Asia/Jakarta", "인도": "Asia/Kolkata", "india": "Asia/Kolkata", "뭄바이": "Asia/Kolkata",
    "델리": "Asia/Kolkata", "mumbai": "Asia/Kolkata", "delhi": "Asia/Kolkata", "두바이": "Asia/Dubai",
    "런던": "Europe/London", "영국": "Europe/London", "uk": "Europe/London", "gmt": "Europe/London",
    "bst": "Europe/London", "파리": "Europe/Paris", "프랑스": "Europe/Paris", "베를린": "Europe/Berlin",
    "독일": "Europe/Berlin", "프랑크푸르트": "Europe/Berlin", "frankfurt": "Europe/Berlin",
    "암스테르담": "Europe/Amsterdam", "마드리드": "Europe/Madrid", "로마": "Europe/Rome", "모스크바": "Europe/Moscow",
    "cet": "Europe/Paris", "cest": "Europe/Paris", "뉴욕": "America/New_York", "nyc": "America/New_York",
    "보스턴": "America/New_York", "boston": "America/New_York", "워싱턴": "America/New_York",
    "est": "America/New_York", "edt": "America/New_York", "et": "America/New_York", "시카고": "America/Chicago",
    "la": "America/Los_Angeles", "엘에이": "America/Los_Angeles", "로스앤젤레스": "America/Los_Angeles",
    "샌프란시스코": "America/Los_Angeles", "san francisco": "America/Los_Angeles", "seattle": "America/Los_Angeles",
    "시애틀": "America/Los_Angeles", "pst": "America/Los_Angeles", "pdt": "America/Los_Angeles",
    "pt": "America/Los_Angeles", "밴쿠버": "America/Vancouver", "토론토": "America/Toronto",
    "하와이": "Pacific/Honolulu", "hawaii": "Pacific/Honolulu", "시드니": "Australia/Sydney",
    "호주": "Australia/Sydney", "멜버른": "Australia/Melbourne", "오클랜드": "Pacific/Auckland",
    "뉴질랜드": "Pacific/Auckland", "상파울루": "America/Sao_Paulo", "멕시코시티": "America/Mexico_City",
    "utc": "UTC", "협정세계시": "UTC",
}  # fmt: skip


def parse_timezone(text: str) -> str | None:
    """A zone as the user typed it: an IANA name (any case), a city ("서울", "London", "new york"), a country or a
    common abbreviation ("KST"); None when it is none of those."""
    candidate = " ".join(text.split())
    if not candidate or len(candidate) > 64 or candidate.startswith(("/", ".")) or ".." in candidate:
        return None
    names = available_timezones()
    if candidate in names:
        return candidate
    lowered = candidate.lower()
    by_lower = {n.lower(): n for n in names}
    found = by_lower.get(lowered) or _ALIASES.get(lowered) or _ALIASES.get(lowered.replace(" ", ""))
    if found is None and "/" not in lowered:
        city = "/" + lowered.replace(" ", "_")
        cities = sorted(n for n in names if n.lower().endswith(city) and not n.startswith(("Etc/", "SystemV/")))
        found = cities[0] if cities else None
    if found is None:
        return None
    try:
        ZoneInfo(found)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return found
