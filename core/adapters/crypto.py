"""Worry and diary text at rest: Fernet (AES-128-CBC + HMAC) when MAEUM_ENCRYPTION_KEY is set.

Whether a stored value is ciphertext is decided by how it was written, never by what a user typed: ciphertext is
`enc1:` + a Fernet token, and plain text that happens to begin with `enc1:` (or with the escape itself) is stored
behind an escape. Rows written before the escape existed still read back: a value is ciphertext only when what
follows `enc1:` has a Fernet token's shape.
"""

from __future__ import annotations

import re
from typing import Final

from cryptography.fernet import Fernet, InvalidToken

PREFIX: Final = "enc1:"
ESCAPE: Final = "raw1:"  # plain text that would otherwise look like ciphertext
_FERNET_TOKEN: Final = re.compile(r"gAAAAA[A-Za-z0-9_\-]+=*")


def _escaped(plain: str) -> str:
    return ESCAPE + plain if plain.startswith((PREFIX, ESCAPE)) else plain


def _ciphertext(stored: str) -> str | None:
    """The Fernet token inside `stored`, or None when `stored` is plain text."""
    if stored.startswith(PREFIX) and _FERNET_TOKEN.fullmatch(stored[len(PREFIX) :]):
        return stored[len(PREFIX) :]
    return None


def _plain(stored: str) -> str:
    return stored[len(ESCAPE) :] if stored.startswith(ESCAPE) else stored


class PlainCipher:
    """No key configured: text is stored as written, but encrypted rows from an earlier key stay unreadable."""

    def encrypt(self, plain: str) -> str:
        return _escaped(plain)

    def decrypt(self, stored: str) -> str:
        if _ciphertext(stored) is not None:
            raise ValueError("this row was encrypted; set MAEUM_ENCRYPTION_KEY to read it")
        return _plain(stored)


class FernetCipher:
    """Prefixed tokens, so rows written before a key was configured still read back as plain text."""

    def __init__(self, key: str) -> None:
        self._fernet = Fernet(key.encode())

    def encrypt(self, plain: str) -> str:
        return PREFIX + self._fernet.encrypt(plain.encode("utf-8")).decode("ascii")

    def decrypt(self, stored: str) -> str:
        token = _ciphertext(stored)
        if token is None:
            return _plain(stored)
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except InvalidToken as exc:
            raise ValueError("stored text does not decrypt with MAEUM_ENCRYPTION_KEY") from exc


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")
