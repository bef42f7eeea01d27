"""Worry and diary text at rest: Fernet (AES-128-CBC + HMAC) when MAEUM_ENCRYPTION_KEY is set."""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken

PREFIX = "enc1:"


class PlainCipher:
    """No key configured: text is stored as written, but encrypted rows from an earlier key stay unreadable."""

    def encrypt(self, plain: str) -> str:
        return plain

    def decrypt(self, stored: str) -> str:
        if stored.startswith(PREFIX):
            raise ValueError("this row was encrypted; set MAEUM_ENCRYPTION_KEY to read it")
        return stored


class FernetCipher:
    """Prefixed tokens, so rows written before a key was configured still read back as plain text."""

    def __init__(self, key: str) -> None:
        self._fernet = Fernet(key.encode())

    def encrypt(self, plain: str) -> str:
        return PREFIX + self._fernet.encrypt(plain.encode("utf-8")).decode("ascii")

    def decrypt(self, stored: str) -> str:
        if not stored.startswith(PREFIX):
            return stored
        try:
            return self._fernet.decrypt(stored[len(PREFIX) :].encode("ascii")).decode("utf-8")
        except InvalidToken as exc:
            raise ValueError("stored text does not decrypt with MAEUM_ENCRYPTION_KEY") from exc


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")
