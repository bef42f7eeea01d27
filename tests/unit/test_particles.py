"""Korean particles follow the sound a word ends with, and catalog messages choose them the same way."""

from __future__ import annotations

import pytest

from core.domain.particles import final_sound, josa, with_josa
from core.domain.values import Locale
from core.i18n import catalog


@pytest.mark.parametrize(
    ("word", "spec", "expected"),
    [
        ("책", "은", "책은"),
        ("사과", "은", "사과는"),
        ("사과", "은/는", "사과는"),
        ("사과", "는", "사과는"),
        ("물", "을", "물을"),
        ("사과", "을", "사과를"),
        ("친구", "이", "친구가"),
        ("동생", "이", "동생이"),
        ("엄마", "과", "엄마와"),
        ("민준", "아", "민준아"),
        ("서울", "으로", "서울로"),  # ㄹ takes 로
        ("길", "으로", "길로"),
        ("부산", "으로", "부산으로"),
        ("집", "으로", "집으로"),
        ("학교", "으로", "학교로"),
        ("연필", "이에요", "연필이에요"),
        ("사과", "이에요", "사과예요"),
        ("ㅋㅋ", "이야", "ㅋㅋ이야"),
        ("ㅠㅠ", "이야", "ㅠㅠ야"),
        # numbers, read in Korean
        ("3", "은", "3은"),  # 삼
        ("2", "은", "2는"),  # 이
        ("#3", "은", "#3은"),
        ("#12", "은", "#12는"),  # 십이
        ("1", "으로", "1로"),  # 일: ㄹ
        ("6", "으로", "6으로"),  # 육
        ("7", "을", "7을"),  # 칠
        ("9", "을", "9를"),  # 구
        ("0", "이", "0이"),  # 영
        ("10", "은", "10은"),  # 십
        ("20", "이", "20이"),  # 이십
        ("100", "이", "100이"),  # 백
        ("1,000", "이", "1,000이"),  # 천
        ("10000", "이", "10000이"),  # 만
        ("2000000000000", "이", "2000000000000가"),  # 이조
        ("3.5", "이에요", "3.5예요"),  # 삼 점 오
        ("10:15", "이에요", "10:15이에요"),  # …십오 분
        ("2026-12-03 10:00", "이에요", "2026-12-03 10:00예요"),  # …열 시
        ("오전 9:00", "은", "오전 9:00는"),
        # Latin letters: acronyms spelled, words as Korean borrows them
        ("Asia/Seoul", "으로", "Asia/Seoul로"),
        ("America/New_York", "으로", "America/New_York으로"),
        ("Europe/London", "으로", "Europe/London으로"),
        ("Europe/Paris", "으로", "Europe/Paris로"),
        ("Asia/Tokyo", "이에요", "Asia/Tokyo예요"),
        ("UTC", "으로", "UTC로"),  # 유티씨
        ("URL", "이", "URL이"),  # 유알엘
        ("F", "은", "F는"),  # 에프
        ("(F)", "은", "(F)는"),  # the brackets are not read
        ("M", "이", "M이"),  # 엠
        ("ABC123", "이라고", "ABC123이라고"),
        ("ABCD2K", "이라고", "ABCD2K라고"),
        ("diary", "은", "diary는"),
        ("Slack", "이", "Slack이"),
        ("Discord", "으로", "Discord로"),
        ("app", "을", "app을"),
        ("Google", "으로", "Google로"),
        ("8pm", "은", "8pm은"),  # 피엠
        ("8am", "은", "8am은"),
        # when it cannot be told, both forms
        ("😀", "은", "😀은(는)"),
        ("😀", "으로", "😀(으)로"),
        ("", "이", "이(가)"),
        ("東京", "이라고", "東京(이)라고"),
    ],
)
def test_the_particle_follows_the_final_sound(word: str, spec: str, expected: str) -> None:
    assert with_josa(word, spec) == expected


def test_final_sounds_are_vowel_rieul_or_another_consonant() -> None:
    assert (final_sound("사과"), final_sound("서울"), final_sound("책") not in (0, 8, None)) == (0, 8, True)
    assert final_sound("🙂") is None


def test_an_unknown_particle_is_an_error_not_a_guess() -> None:
    with pytest.raises(ValueError, match="not a particle"):
        josa("사과", "의")


def test_catalog_messages_choose_particles_by_the_value() -> None:
    ko = catalog()
    assert ko.text(Locale.KO, "entry.already_private", id=3) == "#3은 이미 나만 볼 수 있어요."
    assert ko.text(Locale.KO, "entry.already_private", id=2) == "#2는 이미 나만 볼 수 있어요."
    changed = ko.text(Locale.KO, "tz.changed", zone="Asia/Seoul", time="2026-12-03 10:15")
    assert changed == "시간대를 Asia/Seoul로 바꿨어요. 지금 그곳은 2026-12-03 10:15이에요."
    changed = ko.text(Locale.KO, "tz.changed", zone="America/New_York", time="2026-12-03 10:00")
    assert changed == "시간대를 America/New_York으로 바꿨어요. 지금 그곳은 2026-12-03 10:00예요."
    assert ko.text(Locale.KO, "unknown_verb", verb="frobnicate") == "/frobnicate는 모르는 명령이에요."
    assert ko.text(Locale.EN, "entry.already_private", id=3) == "Entry #3 is already private."
