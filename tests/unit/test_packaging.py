"""The generic top-level names (core, bots, jobs) must be this repository's, not another installed package."""

from __future__ import annotations

from pathlib import Path

import bots
import core
import jobs

REPO = Path(__file__).resolve().parents[2]


def test_top_level_packages_resolve_to_this_repository() -> None:
    for package in (core, bots, jobs):
        assert package.__file__ is not None
        assert Path(package.__file__).resolve().parent.parent == REPO, package.__name__


def test_the_catalogs_ship_with_the_package() -> None:
    for locale in ("ko", "en"):
        assert (REPO / "core" / "i18n" / "locales" / locale / "LC_MESSAGES" / "maeum.po").is_file()
