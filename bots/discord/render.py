"""Reply → Discord messages: embeds for titled parts (💗 공감 (F) and 🧠 조언 (T) as two embeds), plain content for
a one-line answer, buttons as components; every message within Discord's limits.

Limits (Discord counts characters): message content 2,000; an embed's title 256, description 4,096, footer 2,048;
at most 10 embeds and 6,000 embed characters in one message; 5 action rows of 5 buttons; a label 80 and a custom
id 100 characters. A body longer than one embed continues in the next embed (its title is not repeated); when the
next embed would break a message's 10-embed or 6,000-character budget, it starts a new message. Cuts follow
`bots.shared.text.split_text` (blank line, newline, whitespace, else a grapheme boundary), so nothing is cut
mid-character and nothing is lost.

A section's buttons ride on the message holding the end of that section, one action row per section.
The custom id of a button is its encoded action (`mm:verb:args`, at most 64 bytes — see core.routing): the state
lives in the id, so a press is understood after a restart (see bots.discord.app, ActionButton).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bots.shared.text import split_text
from core.replies import Attachment, Button, Reply, Section

__all__ = [
    "CONTENT_LIMIT",
    "DESCRIPTION_LIMIT",
    "EMBEDS_PER_MESSAGE",
    "EMBED_TOTAL_LIMIT",
    "DiscordMessage",
    "EmbedPart",
    "render",
]

CONTENT_LIMIT = 2_000
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4_096
FOOTER_LIMIT = 2_048
EMBEDS_PER_MESSAGE = 10
EMBED_TOTAL_LIMIT = 6_000
ROWS_PER_MESSAGE = 5
BUTTONS_PER_ROW = 5
LABEL_LIMIT = 80
CUSTOM_ID_LIMIT = 100

COLOR_FEELING = 0xF06292  # 💗 공감 (F)
COLOR_THINKING = 0x4F8EF7  # 🧠 조언 (T)
COLOR_DEFAULT = 0x9C7CF4  # maeum's own


@dataclass(frozen=True)
class EmbedPart:
    description: str
    title: str | None = None
    footer: str | None = None
    color: int = COLOR_DEFAULT

    @property
    def size(self) -> int:
        return len(self.title or "") + len(self.description) + len(self.footer or "")


@dataclass(frozen=True)
class DiscordMessage:
    """One message: `content` or `embeds` (never both here), and rows of buttons (label, custom id)."""

    content: str | None = None
    embeds: tuple[EmbedPart, ...] = ()
    rows: tuple[tuple[Button, ...], ...] = ()
    attachments: tuple[Attachment, ...] = field(default=())


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else split_text(text, limit - 1)[0].rstrip() + "…"


def _color(title: str | None) -> int:
    if title and "💗" in title:
        return COLOR_FEELING
    if title and "🧠" in title:
        return COLOR_THINKING
    return COLOR_DEFAULT


def _rows(buttons: tuple[Button, ...]) -> list[tuple[Button, ...]]:
    kept = [
        Button(label=_clip(b.label, LABEL_LIMIT), action=b.action) for b in buttons if len(b.action) <= CUSTOM_ID_LIMIT
    ]
    return [tuple(kept[i : i + BUTTONS_PER_ROW]) for i in range(0, len(kept), BUTTONS_PER_ROW)]


def _section_embeds(section: Section) -> list[EmbedPart]:
    title = _clip(section.title, TITLE_LIMIT) if section.title else None
    footer = _clip(section.note, FOOTER_LIMIT) if section.note else None
    color = _color(section.title)
    # title and footer count towards the 6,000 characters an embed (and its message) may hold
    room = min(DESCRIPTION_LIMIT, EMBED_TOTAL_LIMIT - len(title or "") - len(footer or ""))
    pieces = split_text(section.body, room) or ["\u200b" if not (title or footer) else ""]
    embeds = []
    for index, piece in enumerate(pieces):
        last = index == len(pieces) - 1
        embeds.append(
            EmbedPart(
                description=piece.strip() or ("\u200b" if not (title and index == 0) else ""),
                title=title if index == 0 else None,
                footer=footer if last else None,
                color=color,
            )
        )
    return embeds


def _as_content(reply: Reply) -> bool:
    """A single untitled part without a note reads best as a plain message."""
    return len(reply.sections) == 1 and not reply.sections[0].title and not reply.sections[0].note


def render(reply: Reply) -> list[DiscordMessage]:
    """The messages that show `reply`, in order; attachments go with the last one. Never empty."""
    if not reply.sections:
        return [DiscordMessage(content="\u200b", attachments=reply.attachments)]
    messages: list[DiscordMessage] = []
    if _as_content(reply):
        section = reply.sections[0]
        pieces = [p.strip() for p in split_text(section.body, CONTENT_LIMIT)] or ["\u200b"]
        pieces = [p or "\u200b" for p in pieces]
        messages = [DiscordMessage(content=p) for p in pieces]
        messages[-1] = DiscordMessage(content=pieces[-1], rows=tuple(_rows(section.buttons)))
    else:
        embeds: list[EmbedPart] = []
        rows: list[tuple[Button, ...]] = []
        size = 0

        def close() -> None:
            nonlocal embeds, rows, size
            if embeds:
                messages.append(DiscordMessage(embeds=tuple(embeds), rows=tuple(rows)))
            embeds, rows, size = [], [], 0

        for section in reply.sections:
            section_rows = _rows(section.buttons)[:ROWS_PER_MESSAGE]
            if rows and len(rows) + len(section_rows) > ROWS_PER_MESSAGE:
                close()
            for embed in _section_embeds(section):
                if len(embeds) == EMBEDS_PER_MESSAGE or size + embed.size > EMBED_TOTAL_LIMIT:
                    close()
                embeds.append(embed)
                size += embed.size
            rows.extend(section_rows)  # on the message that holds the end of the section
        close()
    last = messages[-1]
    messages[-1] = DiscordMessage(
        content=last.content, embeds=last.embeds, rows=last.rows, attachments=reply.attachments
    )
    return messages
