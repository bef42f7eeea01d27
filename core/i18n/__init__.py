"""Message catalogs (gettext .po, read through Babel): Korean by default, English complete.

Messages are looked up by key (the msgid is a stable key such as "worry.usage") and formatted
with `str.format` named parameters. The .po files are compiled in memory on first use, so a
fresh checkout needs no build step and translators edit plain .po files.
"""

from __future__ import annotations

import functools
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog as PoCatalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

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
        return template.format(**params) if params else template


@functools.cache
def catalog() -> Catalog:
    return Catalog()
