"""Reply → Telegram messages in HTML parse mode, each within Telegram's 4,096-character limit.

A section is its title in <b>…</b>, its body, and its note in <i>…</i>, one per line; sections are separated by a
blank line. Every text is escaped with `html.escape(..., quote=False)` (Telegram's HTML needs &lt; &gt; &amp;).

Splitting happens on the plain text, with the escaped length as the measure, before wrapping: so a cut can never
fall inside an entity (&amp;) or a tag, and every message is at most 4,096 UTF-16 code units *as sent* (Telegram
counts the text after parsing, which is never longer). A body continues in the next message when it does not fit;
cuts follow `bots.shared.text.split_text` (blank line, newline, whitespace, else a grapheme boundary). Whitespace at a
cut is dropped, as Telegram would trim it anyway.

All buttons of all sections go, as one inline keyboard, on the LAST message: one button a row, or two short ones
side by side. A button's callback data is its action id (at most 64 bytes, see core.routing.encode_action).
`Reply.pending` changes nothing here: a placeholder renders like any reply.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile

from bots.shared.text import next_cut, utf16_len
from core.replies import Attachment, Button, Reply

__all__ = [
    "CALLBACK_DATA_MAX_BYTES",
    "MESSAGE_LIMIT",
    "TelegramMessage",
    "escape",
    "escaped_len",
    "keyboard",
    "render",
    "render_document",
]

MESSAGE_LIMIT = 4_096  # UTF-16 code units in a message's text
CALLBACK_DATA_MAX_BYTES = 64
SHORT_LABEL_WIDTH = 16  # display columns (a Hangul syllable or an emoji is 2): two such buttons share a row
_MIN_TAIL = MESSAGE_LIMIT // 4  # less room than this left in a message: start the next text in a new one
_EMPTY_WITH_BUTTONS = "…"  # Telegram needs some text to carry a keyboard


@dataclass(frozen=True)
class TelegramMessage:
    """One sendMessage: `html` for parse_mode="HTML", and the inline keyboard (only ever on the last message)."""

    html: str
    keyboard: InlineKeyboardMarkup | None = None


def escape(text: str) -> str:
    return html.escape(text, quote=False)


def escaped_len(text: str) -> int:
    """UTF-16 length of `text` once escaped: what it costs in a message."""
    return utf16_len(escape(text))


class _Packer:
    """Fills messages with wrapped text fragments, continuing a fragment in the next message when it must."""

    def __init__(self) -> None:
        self.messages: list[str] = []
        self._current = ""

    def add(self, text: str, *, separator: str, opening: str = "", closing: str = "") -> None:
        overhead = utf16_len(opening) + utf16_len(closing)
        text = text.strip()
        while text:
            joint = separator if self._current else ""
            budget = MESSAGE_LIMIT - utf16_len(self._current) - utf16_len(joint) - overhead
            if escaped_len(text) <= budget:
                self._current += f"{joint}{opening}{escape(text)}{closing}"
                return
            if self._current and budget < _MIN_TAIL:
                self.flush()
                continue
            cut = next_cut(text, 0, budget, measure=escaped_len)
            head, text = text[:cut].rstrip(), text[cut:].lstrip()
            if head:
                self._current += f"{joint}{opening}{escape(head)}{closing}"
            self.flush()

    def flush(self) -> None:
        if self._current:
            self.messages.append(self._current)
        self._current = ""


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in ("W", "F") else 1 for char in text)


def _button(button: Button) -> InlineKeyboardButton:
    size = len(button.action.encode())
    if not 1 <= size <= CALLBACK_DATA_MAX_BYTES:
        raise ValueError(f"callback data must be 1 to {CALLBACK_DATA_MAX_BYTES} bytes, got {size}: {button.action!r}")
    label = " ".join(button.label.split()) or "•"
    return InlineKeyboardButton(text=label, callback_data=button.action)


def keyboard(buttons: Iterable[Button]) -> InlineKeyboardMarkup | None:
    """An inline keyboard: one button a row, two short ones side by side; a repeated action is shown once.
    Raises ValueError for an action over 64 bytes (Telegram would answer BUTTON_DATA_INVALID)."""
    rows: list[list[InlineKeyboardButton]] = []
    waiting: InlineKeyboardButton | None = None  # a short button looking for a short neighbour
    seen: set[str] = set()
    for button in buttons:
        if button.action in seen:
            continue
        seen.add(button.action)
        made = _button(button)
        if _display_width(made.text) <= SHORT_LABEL_WIDTH:
            if waiting is None:
                waiting = made
            else:
                rows.append([waiting, made])
                waiting = None
            continue
        if waiting is not None:
            rows.append([waiting])
            waiting = None
        rows.append([made])
    if waiting is not None:
        rows.append([waiting])
    return InlineKeyboardMarkup(rows) if rows else None


def render(reply: Reply) -> list[TelegramMessage]:
    """The reply as HTML messages of at most 4,096 UTF-16 units each; the keyboard rides on the last one.
    A reply with no text and no buttons renders as no messages."""
    packer = _Packer()
    for section in reply.sections:
        separator = "\n\n"  # before the first part of a section; "\n" between its parts
        title = " ".join((section.title or "").split())
        if title:
            packer.add(title, separator=separator, opening="<b>", closing="</b>")
            separator = "\n"
        if section.body.strip():
            packer.add(section.body, separator=separator)
            separator = "\n"
        if section.note and section.note.strip():
            packer.add(section.note, separator=separator, opening="<i>", closing="</i>")
    packer.flush()
    texts = packer.messages
    markup = keyboard(reply.buttons)
    if not texts:
        if markup is None:
            return []
        texts = [_EMPTY_WITH_BUTTONS]
    return [TelegramMessage(html=text) for text in texts[:-1]] + [TelegramMessage(html=texts[-1], keyboard=markup)]


def render_document(attachment: Attachment) -> InputFile:
    """An attachment as an upload for send_document or send_photo, with its own file name and MIME type."""
    upload = InputFile(attachment.content, filename=attachment.filename)
    upload.mimetype = attachment.mime_type or upload.mimetype
    return upload
