"""Sphinx extension for the kratom patient-education site and its printable handouts."""

from __future__ import annotations

import hashlib
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx

try:
    __version__ = metadata.version("kratom-docs")  # one place: pyproject.toml
except metadata.PackageNotFoundError:  # pragma: no cover - run from an uninstalled checkout
    __version__ = "0+unknown"


def code_version(folder: Path = Path(__file__).parent) -> int:
    """A number that changes whenever the extension's code changes. Sphinx stores it with the
    environment and reads every page again when it differs, so what the directives write into
    the pages (and the translation catalogs) never comes from older code."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*.py")):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return int(digest.hexdigest()[:12], 16)


def setup(app: Sphinx) -> dict:
    from .extension import setup_extension

    setup_extension(app)
    return {
        "version": __version__,
        "env_version": code_version(),
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
