"""Secrets at rest: how stored texts are sealed."""

from __future__ import annotations

from typing import Protocol


class Cipher(Protocol):
    def encrypt(self, plain: str) -> str: ...

    def decrypt(self, stored: str) -> str: ...
