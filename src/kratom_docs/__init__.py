"""Sphinx extension for the kratom patient-education site and its printable handouts."""

from __future__ import annotations

from importlib import metadata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx

try:
    __version__ = metadata.version("kratom-docs")  # one place: pyproject.toml
except metadata.PackageNotFoundError:  # pragma: no cover - run from an uninstalled checkout
    __version__ = "0+unknown"


def setup(app: Sphinx) -> dict:
    from .extension import setup_extension

    setup_extension(app)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
