"""What a plain request says beside the asking: the diary entry in "일기 쓸래: 오늘은…", the reminder in "10분 뒤에 물
마시라고 알려줘", the week in "지난주 통계".

The asking words go, the rest stays as the person wrote it, with one change Korean needs: a reminder asked as a
quote ("물 마시라고 알려줘", "약 먹으라고") is kept as the thing to do ("물 마시기", "약 먹기"), not as half a sentence.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

_SPACE: Final = re.compile(r"\s+")
_EDGE: Final = " \t:：,.!?~-—·"


def _clean(text: str) -> str:
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


# --- the diary ----------------------------------------------------------------------------------------------------

_DIARY_KO: Final = re.compile(
    r"(?:(?:오늘|이거|오늘\s?하루|오늘\s?있었던\s?일|이\s?내용)\s?(?:을|를|은|는)?\s?)?"
    r"(?:오늘\s?의?\s?|감정\s?)?일기\s?(?:장)?\s?(?:를|에|에다|로|장에|도)?\s?(?:좀\s|하나\s|한\s?편\s)?"
    r"(?:쓸래요?|쓸게요?|쓸께요?|쓰자|쓰고\s?싶어요?|쓰고\s?싶은데|쓰기|써\s?줘요?|써\s?주세요|써\s?줄래요?|써야지|써야겠다|쓸\s?거야"
    r"|작성(?:할래요?|할게요?|해\s?줘|해\s?주세요)?|기록(?:할래요?|할게요?|해\s?줘|해\s?주세요)?|남길래요?|남길게요?|남겨\s?줘요?"
    r"|남겨\s?주세요|저장(?:해\s?줘|해\s?주세요)?|적어\s?줘|적어\s?주세요|열어\s?줘)?\s*[:：.,!]?"
)
_DIARY_EN: Final = re.compile(
    r"(?:dear\s+diary|(?:today'?s\s+|new\s+|a\s+)?(?:diary|journal)(?:\s+entry)?(?:\s+for\s+today)?\s*:"
    r"|(?:please\s+|can\s+i\s+|let\s+me\s+|i\s+want\s+to\s+|i'?d\s+like\s+to\s+)?(?:write|log|add|save|put|start)\s+"
    r"(?:this\s+|a\s+|today'?s\s+)?(?:down\s+)?(?:(?:in|to|into|as)\s+)?(?:my\s+|a\s+)?(?:new\s+)?(?:diary|journal)"
    r"(?:\s+entry)?(?:\s+please)?|i'?d\s+like\s+to\s+journal)\s*[:：,.!]?",
    re.IGNORECASE,
)
# words around a diary request that are no entry: "안녕 일기 쓸래", "write a journal entry for today"
_DIARY_CONTENTLESS: Final = re.compile(
    r"(?:(?:오늘|이거|오늘\s?하루|오늘\s?있었던\s?일|안녕\S*|하이|마음아?|음+|자|그럼|나|저|좋아|오케이|ㅇㅋ|this|today"
    r"|for\s+today|hi|hello|hey|ok|okay|so|well)[\s,.!~]*)*",
    re.IGNORECASE,
)


def diary_entry(text: str) -> tuple[str, bool]:
    """The entry in a diary request, and whether the request opens the message (the surest sign of one).

    "일기 쓸래: 오늘은 좋았다" → ("오늘은 좋았다", True); "일기 쓸래" → ("", True); "오늘 점심 맛있었어 일기로 남겨줘" →
    ("오늘 점심 맛있었어", False)."""
    text = _clean(text)
    for pattern in (_DIARY_KO, _DIARY_EN):
        for found in pattern.finditer(text):
            if found.end() == found.start() or not re.search(r"일기|diary|journal", found.group(), re.IGNORECASE):
                continue
            after = text[found.end() :].strip(_EDGE)
            before = text[: found.start()].strip(_EDGE)
            if after and not _DIARY_CONTENTLESS.fullmatch(after):
                return after, found.start() == 0 or not before
            if before and not _DIARY_CONTENTLESS.fullmatch(before):
                return before, False
            return "", True
    return "", False


# --- reminders ----------------------------------------------------------------------------------------------------

_ASK_TAIL_KO: Final = re.compile(
    r"(?:\s*좀)?\s*(?:"
    r"알려\s?(?:줘요?|주세요|주라|줄래요?|줄\s?수\s?있어\??|주실래요?|줘\s?봐)"
    r"|(?:알림|알람)\s?(?:좀\s)?(?:줘요?|주세요|맞춰\s?(?:줘요?|주세요|줄래요?)|설정\s?(?:해\s?줘|해\s?주세요|해\s?줄래)|부탁해요?|부탁|해\s?줘|해\s?주세요)?"
    r"|리마인드\s?(?:해\s?줘|해\s?주세요|부탁해요?)?"
    r"|깨워\s?(?:줘요?|주세요|줄래요?)"
    r")\s*[.!?~]*$"
)
_ASK_HEAD_KO: Final = re.compile(r"^(?:알림|알람)\s?(?:좀\s)?(?:맞춰\s?줘|설정해\s?줘|부탁해)\s*[:：,.!]?\s*")
_ASK_HEAD_EN: Final = re.compile(
    r"^(?:please\s+|hey\s+)?(?:can\s+you\s+|could\s+you\s+|would\s+you\s+)?(?:please\s+)?"
    r"(?:remind\s+me|set\s+(?:a|an|me\s+a)\s+(?:reminder|alarm)|(?:a\s+)?reminder|alarm|ping\s+me|nudge\s+me"
    r"|wake\s+me(?:\s+up)?|don'?t\s+let\s+me\s+forget)\b\s*[:：,]?\s*",
    re.IGNORECASE,
)
_TAIL_EN: Final = re.compile(r"\s*(?:please|thanks|thank\s+you)?\s*[.!?]*$", re.IGNORECASE)
# the quoted thing to do: "마시라고" → "마시기", "먹으라고" → "먹기", "하라고" → "하기", "있다고" → "있다"
_QUOTE: Final = re.compile(r"(?P<stem>\S+?)(?:으라고|라고)(?=\s|$)")
_SAID: Final = re.compile(r"(?P<stem>\S+다)고(?=\s|$)")


_LEADING_WORDS: Final = re.compile(r"^(?:to|for|that|about)\s+", re.IGNORECASE)


def _as_todo(text: str) -> str:
    text = _QUOTE.sub(lambda m: m["stem"] + "기", text)
    return _SAID.sub(lambda m: m["stem"], text)


def reminder_request(text: str) -> tuple[str, bool]:
    """The reminder in a plain request — when and what, without the asking — and whether the asking words were
    found. "10분 뒤에 물 마시라고 알려줘" → ("10분 뒤에 물 마시기", True); "remind me in 10 minutes to drink water" →
    ("in 10 minutes to drink water", True)."""
    text = _clean(text)
    found = False
    head = _ASK_HEAD_EN.match(text) or _ASK_HEAD_KO.match(text)
    if head is not None:
        text, found = text[head.end() :], True
        text = _TAIL_EN.sub("", text)
    tail = _ASK_TAIL_KO.search(text)
    if tail is not None:
        text, found = text[: tail.start()], True
    return _LEADING_WORDS.sub("", _as_todo(text.strip(_EDGE))), found


_TRAILING_KO: Final = re.compile(r"\s*(?:하라고|라고)$")


def reminder_text(rest: str) -> str:
    """What a reminder says, once its time words are read: "to drink water" → "drink water"."""
    rest = _LEADING_WORDS.sub("", rest.strip(_EDGE))
    return _TRAILING_KO.sub("", rest).strip(_EDGE)


# --- the week of the stats ----------------------------------------------------------------------------------------

_LAST_WEEK: Final = re.compile(r"지난\s?주|저번\s?주|전\s?주|last\s+week|previous\s+week|past\s+week", re.IGNORECASE)


def stats_week(text: str) -> str:
    """The week a stats request names, in the words /stats takes: "last" or "" (this week)."""
    return "last" if _LAST_WEEK.search(text) else ""
