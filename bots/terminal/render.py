"""Reply → terminal text. Buttons degrade to numbered choices that the user answers by number."""

from __future__ import annotations

from core.replies import Button, Reply, Section


def section_header(section: Section) -> str:
    return section.title or ""


def section_footer(section: Section, numbers: dict[str, int]) -> list[str]:
    lines: list[str] = []
    if section.note:
        lines.append(f"  ({section.note})")
    lines.extend(f"  [{numbers[b.action]}] {b.label}" for b in section.buttons if b.action in numbers)
    return lines


def render_complete(reply: Reply, numbers: dict[str, int]) -> list[str]:
    lines: list[str] = []
    for section in reply.sections:
        if section.title:
            lines.append(section.title)
        if section.body:
            lines.append(section.body)
        lines.extend(section_footer(section, numbers))
    return lines


class ButtonBoard:
    """The buttons shown since the user last spoke, numbered 1..n in the order they appeared."""

    def __init__(self) -> None:
        self._actions: list[str] = []

    def clear(self) -> None:
        self._actions.clear()

    def number(self, buttons: tuple[Button, ...]) -> dict[str, int]:
        for button in buttons:
            if button.action not in self._actions:
                self._actions.append(button.action)
        return {action: index + 1 for index, action in enumerate(self._actions)}

    def press(self, text: str) -> str | None:
        """The action behind a typed number, if the line is one."""
        stripped = text.strip()
        if not stripped.isdigit():
            return None
        index = int(stripped) - 1
        return self._actions[index] if 0 <= index < len(self._actions) else None
