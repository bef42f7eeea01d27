"""One-time codes people type on another device (/link, /friend accept): short, unambiguous when read aloud."""

from __future__ import annotations

import secrets
from typing import Final

CODE_ALPHABET: Final = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed without doubt
CODE_LENGTH: Final = 8


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(typed: str) -> str | None:
    """What a person typed ("abcd-efgh", "ABCD EFGH") as a code, or None when it cannot be one."""
    code = "".join(ch for ch in typed.upper() if ch not in "- ")
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return None
    return code


def show_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"
