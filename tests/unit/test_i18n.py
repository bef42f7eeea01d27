"""Every message exists in Korean and English, with the same placeholders."""

from __future__ import annotations

import re
import string

import pytest

from core.domain.values import Locale
from core.i18n import catalog, read_catalog
from core.products import registered


def messages(locale: Locale) -> dict[str, str]:
    return {m.id: m.string for m in read_catalog(locale) if m.id}  # type: ignore[misc]


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_both_catalogs_have_the_same_keys_and_none_is_empty() -> None:
    ko, en = messages(Locale.KO), messages(Locale.EN)
    assert set(ko) == set(en)
    assert all(ko.values()) and all(en.values())


def test_placeholders_match_between_languages() -> None:
    ko, en = messages(Locale.KO), messages(Locale.EN)
    assert {k: placeholders(v) for k, v in ko.items()} == {k: placeholders(v) for k, v in en.items()}


def test_every_verb_has_its_summary_and_usage_in_both_languages() -> None:
    for locale in Locale:
        keys = set(messages(locale))
        for verb in (verb for product in registered() for verb in product.verbs):
            assert verb.summary_key in keys, (locale, verb.name)
            assert verb.usage_key in keys, (locale, verb.name)


@pytest.mark.parametrize("locale", list(Locale))
def test_english_has_no_hangul_and_korean_is_korean(locale: Locale) -> None:
    hangul = re.compile(r"[가-힣]")
    texts = messages(locale).values()
    if locale is Locale.EN:
        assert not any(hangul.search(t) for t in texts)
    else:
        assert sum(bool(hangul.search(t)) for t in texts) > len(texts) * 0.8


def test_formatting_fills_named_parameters() -> None:
    assert "5회" in catalog().text(Locale.KO, "worry.over_quota", limit=5, cost=20, balance=0)
    assert "5 free" in catalog().text(Locale.EN, "worry.over_quota", limit=5, cost=20, balance=0)
