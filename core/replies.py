"""The platform-neutral reply document; each platform's renderer turns it into its native look."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal


@dataclass(frozen=True, kw_only=True)
class Button:
    label: str
    action: str  # an encoded action id, see core.routing.encode_action


@dataclass(frozen=True, kw_only=True)
class Section:
    """A labelled part of a reply (e.g. 💗 공감 (F)); body is plain text."""

    body: str
    title: str | None = None
    buttons: tuple[Button, ...] = ()
    note: str | None = None  # small print under the body, e.g. "offline counselor"


@dataclass(frozen=True, kw_only=True)
class Attachment:
    filename: str
    content: bytes
    mime_type: str
    kind: Literal["file", "image"] = "file"


@dataclass(frozen=True, kw_only=True)
class Reply:
    sections: tuple[Section, ...]
    attachments: tuple[Attachment, ...] = ()
    ephemeral: bool = False  # only the asker should see it, where the platform allows
    pending: bool = False  # a placeholder that edits will turn into the answer (streaming)

    @classmethod
    def text(cls, body: str, *, buttons: tuple[Button, ...] = (), title: str | None = None) -> Reply:
        return cls(sections=(Section(body=body, title=title, buttons=buttons),))

    @property
    def plain_text(self) -> str:
        parts: list[str] = []
        for section in self.sections:
            if section.title:
                parts.append(section.title)
            parts.append(section.body)
            if section.note:
                parts.append(section.note)
        return "\n".join(p for p in parts if p)

    @property
    def buttons(self) -> tuple[Button, ...]:
        return tuple(b for s in self.sections for b in s.buttons)

    def with_body(self, body: str, index: int = 0) -> Reply:
        sections = list(self.sections)
        sections[index] = replace(sections[index], body=body)
        return replace(self, sections=tuple(sections))
