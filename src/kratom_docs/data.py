"""Loading the project's data files (YAML) with errors that name the file, line and field.

Loaders raise :class:`DataError`; :func:`load_all` (at ``builder-inited``) reports it through
Sphinx's logger, so bad data ends the build with a plain message and nothing printed.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from . import messages

if TYPE_CHECKING:
    from sphinx.application import Sphinx


class DataError(ValueError):
    """A data file that cannot be used; the message names the file and the place."""


def as_text(value: str) -> str:
    """A data field as plain text for MyST: markup characters escaped, lines joined, so that a
    field can never become a directive, a role, raw HTML or a link (the data files are input)."""
    text = " ".join(str(value).split())  # one line: a fence can only open at its start
    for char in "\\`*_[]{}<>|#$":
        text = text.replace(char, "\\" + char)
    text = re.sub(r"^(\d+)([.)])", r"\1\\\2", text)  # "2025. The FDA" is not a list
    return "\\" + text if text[:1] in (":", "~", "+", "-", "=", ">") else text


_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]*")


def require_citation_keys(entry: dict, line: int, path: Path, field: str = "cite") -> None:
    """Bibliography keys only: a key is placed inside a citation role, so one that is not a
    plain name could end the role and start markup."""
    for key in entry.get(field) or []:
        if not isinstance(key, str) or not _KEY.fullmatch(key):
            raise DataError(f"{path}:{line}: field {field!r} holds {key!r}, not a reference key")


def cached(loader: Callable[..., Any], path: Path, *args: Any) -> Any:
    """``loader(path, *args)``, remembered until the file changes (parallel-safe)."""
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        raise DataError(f"{path}: file not found") from None
    return _cached(loader, str(path), mtime, args)


@functools.lru_cache(maxsize=32)
def _cached(loader: Callable[..., Any], path: str, mtime: int, args: tuple) -> Any:
    return loader(Path(path), *args)


_BAD_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


#: The largest data file read (the bibliography is about 0.2 MB): a bigger one is a mistake or
#: an attack, and would keep the build busy for minutes.
MAX_DATA_BYTES = 4 * 1024 * 1024


def read_text(path: Path) -> str:
    """The file as UTF-8 text; bad bytes and control characters are reported by line."""
    try:
        size = path.stat().st_size
        if size > MAX_DATA_BYTES:
            raise DataError(
                f"{path}: is {size / 1024 / 1024:.1f} MB; a data file may be at most "
                f"{MAX_DATA_BYTES // 1024 // 1024} MB"
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise DataError(f"{path}: file not found") from None
    except OSError as error:
        raise DataError(f"{path}: cannot be read ({error.strerror})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise DataError(
            f"{path}:{line}: not UTF-8 text (byte 0x{data[error.start]:02x}); "
            "save the file as UTF-8"
        ) from None
    bad = _BAD_CHARS.search(text)
    if bad:
        line = text[: bad.start()].count("\n") + 1
        raise DataError(
            f"{path}:{line}: contains a control character (U+{ord(bad.group()):04X}); remove it"
        )
    return text


class _StrictLoader(yaml.SafeLoader):
    """Safe YAML without aliases (``*name``, which can multiply a small file into a huge one)
    and without a key given twice in one mapping (the second silently wins)."""

    def compose_node(self, parent, index):  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(
                None, None, "uses an alias (*name); write the value out in full", mark
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):  # type: ignore[override]
        seen: dict[Any, int] = {}
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, (str, int, float, bool)) and key in seen:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"the key {key!r} is given twice (first on line {seen[key]})",
                    key_node.start_mark,
                )
            if isinstance(key, (str, int, float, bool)):
                seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep)


def load_yaml(path: Path) -> Any:
    """Parse ``path``; a syntax error names the file, the line, and where the entry starts."""
    text = read_text(path)
    try:
        return yaml.load(text, Loader=_StrictLoader)
    except yaml.MarkedYAMLError as exc:
        mark, start = exc.problem_mark, exc.context_mark
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        if start is not None and mark is not None and start.line != mark.line:
            where = f"{path}:{start.line + 1}"
            detail = f"{exc.context} (line {start.line + 1}), {exc.problem} (line {mark.line + 1})"
        else:
            detail = f"{exc.problem}"
        raise DataError(f"{where}: invalid YAML: {detail}") from None
    except yaml.YAMLError as exc:
        raise DataError(f"{path}: invalid YAML: {exc}") from None
    except RecursionError:
        raise DataError(f"{path}: invalid YAML: lists or mappings nested too deeply") from None


def items_with_lines(path: Path) -> list[tuple[dict, int]]:
    """Return a YAML list of mappings with the line each mapping starts on."""
    data = load_yaml(path)
    if not isinstance(data, list):
        raise DataError(f"{path}:1: expected a list of entries at the top level")
    node = yaml.compose(read_text(path))
    lines = [item.start_mark.line + 1 for item in node.value]
    out = []
    for entry, line in zip(data, lines, strict=True):
        if not isinstance(entry, dict):
            raise DataError(f"{path}:{line}: expected a mapping (key: value) for this entry")
        out.append((entry, line))
    return out


def require_fields(
    entry: dict, line: int, path: Path, required: dict[str, Any], optional: dict[str, Any]
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
            names = kind if isinstance(kind, tuple) else (kind,)
            raise DataError(
                f"{path}:{line}: field {key!r} must be {' or '.join(k.__name__ for k in names)}, "
                f"not {type(entry[key]).__name__}"
            )


def load_all(app: Sphinx) -> None:
    """builder-inited: read every data file once; bad data is reported, nothing printed."""
    from . import claims, config, disclaimer, facts, helplines

    for module in (disclaimer, claims, helplines, facts):
        try:
            module.get(app.env)
        except DataError as error:
            messages.error(str(error), "data")
            config.mark_unusable(app.env)


def loaded(get: Callable[[Any], Any], env: Any, default: Any) -> Any:
    """``get(env)``, or ``default`` when the file is unusable (reported at builder-inited)."""
    try:
        return get(env)
    except DataError:
        return default


def page_text(message: str) -> str:
    """Text a directive writes into a page: English, carried into other languages by the
    page's own catalog (``locales/<lang>/LC_MESSAGES/<page>.po``) like any paragraph of it."""
    return message
