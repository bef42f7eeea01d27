"""Every message exists in Korean and English, with the same placeholders."""

from __future__ import annotations

import re
import string

import pytest

from core.domain.particles import pair_for
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


_RAW_PAIR = re.compile(r"\((?:은|는|이|가|을|를|으|과|와|아|야|예요|이에요|이라)\)")


def test_korean_messages_choose_their_particles_instead_of_leaving_both() -> None:
    raw = {key: text for key, text in messages(Locale.KO).items() if _RAW_PAIR.search(text)}
    assert raw == {}, "write {name:은}, {name:으로} … instead of 은(는), (으)로"


@pytest.mark.parametrize("locale", list(Locale))
def test_every_format_spec_is_a_particle_in_korean_and_there_are_none_in_english(locale: Locale) -> None:
    specs = {
        (key, spec)
        for key, text in messages(locale).items()
        for _, name, spec, _ in string.Formatter().parse(text)
        if name is not None and spec
    }
    if locale is Locale.EN:
        assert specs == set()
    else:
        assert specs and all(pair_for(spec) is not None for _, spec in specs), specs


def test_every_message_formats_with_its_placeholders_filled() -> None:
    for locale in Locale:
        for key, text in messages(locale).items():
            values = dict.fromkeys(placeholders(text), "3")
            assert "{" not in catalog().text(locale, key, **values).replace("{{", ""), key
