"""Commands: what a user asked for, parsed and validated, as frozen values. Each product declares its own in
`core/products/<name>/commands.py`; this is what they all are."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class Command:
    pass
