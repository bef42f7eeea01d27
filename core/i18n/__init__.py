"""Message catalogs (gettext .po, read through Babel): Korean by default, English complete.

Messages are looked up by key (the msgid is a stable key such as "worry.usage") and formatted
with `str.format` named parameters. A Korean particle goes in the format spec — `{id:은}`,
`{zone:으로}`, `{time:이에요}` — and is chosen by the sound the value ends with (core.domain.particles):
"#3은", "#2는", "Asia/Seoul로". Other specs keep their `str.format` meaning. The .po files are
compiled in memory on first use, so a fresh checkout needs no build step and translators edit plain
.po files.
"""

from __future__ import annotations

import functools
import string
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale as BabelLocale
from babel.dates import format_skeleton
from babel.messages.catalog import Catalog as PoCatalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from core.domain.particles import pair_for, with_josa
from core.domain.values import DEFAULT_LOCALE, Locale

LOCALES_DIR = Path(__file__).parent / "locales"
DOMAIN = "maeum"


def po_path(locale: Locale) -> Path:
    return LOCALES_DIR / locale.value / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(locale: Locale) -> PoCatalog:
    with po_path(locale).open("rb") as handle:
        return read_po(handle, locale=locale.value, domain=DOMAIN)


def _compile(locale: Locale) -> Translations:
    buffer = BytesIO()
    write_mo(buffer, read_catalog(locale))
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


def counted(key: str, count: int) -> str:
    """The key of a message about `count` things: "KEY.one" for exactly one ("1 entry", not "1 entries"), else KEY.
    Only messages that need it have a ".one" twin (in both catalogs; Korean's reads the same)."""
    return f"{key}.one" if count == 1 else key


class _ParticleFormatter(string.Formatter):
    """`{name:은}` formats the value followed by the particle that fits it; any other spec as str.format."""

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec and pair_for(format_spec) is not None:
            return with_josa(format(value), format_spec)
        return str(super().format_field(value, format_spec))


_FORMATTER = _ParticleFormatter()


class Catalog:
    """All locales, compiled once per process."""

    def __init__(self) -> None:
        self._translations = {locale: _compile(locale) for locale in Locale}

    def keys(self, locale: Locale) -> frozenset[str]:
        """Every message key this locale's catalog has its own text for."""
        return frozenset(str(message.id) for message in read_catalog(locale) if message.id and message.string)

    def text(self, locale: Locale, key: str, /, **params: object) -> str:
        template = self._translations[locale].gettext(key)
        if template == key and locale is not DEFAULT_LOCALE:
            template = self._translations[DEFAULT_LOCALE].gettext(key)
        return _FORMATTER.vformat(template, (), params) if params else template


def format_moment(moment: datetime, *, zone: ZoneInfo, locale: Locale, now: datetime) -> str:
    """A local date and time as people read them: "12월 4일 (금) 오전 8:00" / "Fri, Dec 4, 8:00 AM" (the year
    too when it is not this year's)."""
    local = moment.astimezone(zone)
    this_year = now.astimezone(zone).year == local.year
    day = format_skeleton("MMMEd" if this_year else "yMMMEd", local, locale=locale.value)
    clock = format_skeleton("hm", local, locale=locale.value)
    joined = BabelLocale.parse(locale.value).datetime_formats["medium"]  # "{1} {0}"; English "{1}, {0}"
    return str(joined).format(clock, day)


@functools.cache
def catalog() -> Catalog:
    return Catalog()
