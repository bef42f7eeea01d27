"""The generic top-level names (core, bots, jobs) must be this repository's, not another installed package."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path
from typing import Any

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

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


# Issue 13, item 16: installs follow a lock of exact versions with hashes; pyproject.toml keeps the ranges.

LOCK = REPO / "requirements.lock"
_PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s\\;]+)")


def _locked() -> dict[str, tuple[Version, list[str]]]:
    """Name (normalised) → (pinned version, the sha256 hashes listed under it)."""
    pins: dict[str, tuple[Version, list[str]]] = {}
    current: list[str] | None = None
    for line in LOCK.read_text().splitlines():
        if match := _PIN.match(line):
            current = []
            pins[canonicalize_name(match["name"])] = (Version(match["version"]), current)
        elif line.startswith(" ") and "--hash=sha256:" in line and current is not None:
            current.append(line.split("--hash=sha256:")[1].rstrip(" \\"))
        elif line.strip() and not line.lstrip().startswith("#"):
            raise AssertionError(f"a line the lock should not have: {line!r}")
    return pins


def _pyproject() -> dict[str, Any]:
    with (REPO / "pyproject.toml").open("rb") as file:
        return tomllib.load(file)


def test_k16_the_lock_pins_every_dependency_within_its_pyproject_range_with_hashes() -> None:
    pins = _locked()
    project = _pyproject()
    declared = [
        *project["project"]["dependencies"],
        *project["project"]["optional-dependencies"]["dev"],
        *project["build-system"]["requires"],  # `make install` builds maeum with the locked backend
    ]
    for text in declared:
        requirement = Requirement(text)
        assert not any(spec.operator == "==" for spec in requirement.specifier), f"pyproject keeps ranges: {text}"
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is not in requirements.lock: run `make lock`"
        version, _ = pins[name]
        assert requirement.specifier.contains(version, prereleases=True), f"{name}=={version} is outside {text}"
        for extra in requirement.extras:  # sqlalchemy[asyncio] → greenlet, psycopg[binary] → psycopg-binary
            for needed in _requirements_of(name, extra=extra):
                assert canonicalize_name(needed.name) in pins, f"{needed.name} ({text}) is not in the lock"
    for name, (version, hashes) in pins.items():
        assert hashes, f"{name}=={version} has no hash"
        assert all(re.fullmatch(r"[0-9a-f]{64}", digest) for digest in hashes), name


def test_k16_torch_stays_outside_the_lock_but_its_own_dependencies_are_pinned() -> None:
    pins = _locked()
    assert "torch" not in pins
    for needed in _requirements_of("torch", extra=None):
        name = canonicalize_name(needed.name)
        assert name in pins, f"torch needs {needed.name}, which the lock does not pin"
        assert needed.specifier.contains(pins[name][0], prereleases=True), f"torch needs {needed}"


def test_k16_make_installs_from_the_lock_and_documents_how_to_refresh_it() -> None:
    makefile = (REPO / "Makefile").read_text()
    stamp_rule = next(line for line in makefile.splitlines() if line.startswith("$(STAMP):"))
    assert "$(LOCK)" in stamp_rule, "a changed lock must reinstall"
    assert "LOCK := requirements.lock" in makefile
    assert "--require-hashes -r $(LOCK)" in makefile
    assert "TORCH := torch==2.13.0" in makefile
    assert "--no-deps $(TORCH)" in makefile, "torch alone: the lock, not torch, chooses its dependencies' versions"
    assert "--no-deps --no-build-isolation -e ." in makefile, "maeum's own install must not resolve anything anew"
    assert re.search(r"^lock:", makefile, re.MULTILINE)
    readme = (REPO / "README.md").read_text()
    assert "make lock" in readme
    assert "requirements.lock" in readme


def _requirements_of(name: str, *, extra: str | None) -> list[Requirement]:
    """What the installed distribution `name` requires on this machine (with `extra`, only what the extra adds)."""
    found = []
    for text in metadata.requires(name) or []:
        requirement = Requirement(text)
        marker = requirement.marker
        without_extra = marker is None or marker.evaluate({"extra": ""})
        if extra is None:
            wanted = without_extra
        else:
            wanted = marker is not None and marker.evaluate({"extra": extra}) and not without_extra
        if wanted:
            found.append(requirement)
    return found
