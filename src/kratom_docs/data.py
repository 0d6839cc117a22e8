"""Loading the project's data files (YAML) with errors that name the file, line and field."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from sphinx.errors import ConfigError
from sphinx.util import logging

logger = logging.getLogger(__name__)


class DataError(ConfigError):
    """A data file that cannot be used; the message names the file and the place."""

    category = "Data error"


def stop(error: ConfigError) -> None:
    """End the build on bad input: the message (file, line, field) and exit status 2.

    Sphinx prints a traceback report for any exception an extension raises; bad input from a
    writer or a clinic is not a crash, so it gets a plain message instead.
    """
    logger.error("%s", error, type="kratom", subtype="input")
    raise SystemExit(2)


def cached(loader: Callable[..., Any], path: Path, *args: Any) -> Any:
    """``loader(path, *args)``, remembered until the file changes (parallel-safe)."""
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        raise DataError(f"{path}: file not found") from None
    return _cached(loader, str(path), mtime, args)


@functools.lru_cache(maxsize=16)
def _cached(loader: Callable[..., Any], path: str, mtime: int, args: tuple) -> Any:
    return loader(Path(path), *args)


def load_yaml(path: Path) -> Any:
    """Parse ``path``; a syntax error names the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(f"{path}: file not found") from None
    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise DataError(f"{where}: invalid YAML: {exc.problem}") from None


def items_with_lines(path: Path) -> list[tuple[dict, int]]:
    """Return a YAML list of mappings with the line each mapping starts on."""
    data = load_yaml(path)
    if not isinstance(data, list):
        raise DataError(f"{path}: expected a list of entries at the top level")
    # Re-compose to learn line numbers without a custom loader.
    node = yaml.compose(path.read_text(encoding="utf-8"))
    lines = [item.start_mark.line + 1 for item in node.value]
    out = []
    for entry, line in zip(data, lines, strict=True):
        if not isinstance(entry, dict):
            raise DataError(f"{path}:{line}: expected a mapping (key: value) for this entry")
        out.append((entry, line))
    return out


def require_fields(
    entry: dict, line: int, path: Path, required: dict[str, type], optional: dict[str, type]
) -> None:
    """Check an entry's keys and types; every problem names file, line and field."""
    for key in entry:
        if key not in required and key not in optional:
            known = ", ".join(sorted({*required, *optional}))
            raise DataError(f"{path}:{line}: unknown field {key!r} (known fields: {known})")
    for key in required:
        if key not in entry or entry[key] in (None, "", []):
            raise DataError(f"{path}:{line}: required field {key!r} is missing or empty")
    for key, kind in {**required, **optional}.items():
        if key in entry and entry[key] is not None and not isinstance(entry[key], kind):
            raise DataError(
                f"{path}:{line}: field {key!r} must be {kind.__name__}, "
                f"not {type(entry[key]).__name__}"
            )
