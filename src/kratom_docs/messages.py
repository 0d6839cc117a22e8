"""Warnings of the extension: their types, one way to report them, and who warned.

Every message the extension logs has the type ``kratom`` and one of the subtypes in
:class:`Subtype`, so a user can silence one (``suppress_warnings = ["kratom.link"]``).

Sphinx re-reads only documents that changed, so a warning from an unchanged document would
not come back on the next build and a second ``make`` would pass where the first failed.
:class:`WarningTracker` sees every warning that is not suppressed, remembers which documents
it came from (in the doctree folder, after the build), and :func:`still_warning` hands those
documents back to Sphinx as outdated until they build without a warning.
"""

from __future__ import annotations

import contextlib
import json
import logging as std_logging
import os
import re
import tempfile
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.util import logging

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)


class Subtype(str, Enum):
    """Warning subtypes (``kratom.<value>``), each with what it reports."""

    CONFIG = "config"
    DATA = "data"
    CLINIC = "clinic"
    SOURCE = "source"
    LINK = "link"
    BIB = "bib"
    REVIEW = "review"
    REVIEW_OVERDUE = "review-overdue"
    FACT_OVERDUE = "fact-overdue"
    HANDOUT = "handout"
    PRINT = "print"
    DISCLAIMER = "disclaimer"
    OUTPUT = "output"
    TRANSLATION = "translation"

    @property
    def help(self) -> str:
        return _HELP[self]


_HELP = {
    Subtype.CONFIG: "an option in conf.py (or -D) that cannot be used",
    Subtype.DATA: "a data file (claims, help lines, facts, disclaimer) that cannot be used",
    Subtype.CLINIC: "a clinic file or logo that cannot be used",
    Subtype.SOURCE: "a source that loads or reads something from outside the project, or "
    "an unclosed fence",
    Subtype.LINK: "an external link against the link policy",
    Subtype.BIB: "a bibliography entry without a usable address, or incomplete",
    Subtype.REVIEW: "review dates missing, malformed or too far apart",
    Subtype.REVIEW_OVERDUE: "a page past its next review date",
    Subtype.FACT_OVERDUE: "a time-sensitive fact past its re-check date",
    Subtype.HANDOUT: "a handout without a title or review dates",
    Subtype.PRINT: "a handout PDF that failed a check (pages, disclaimer, layout, a refused "
    "fetch, a missing image or font)",
    Subtype.DISCLAIMER: "a written page without the required disclaimer",
    Subtype.OUTPUT: "an output file that could not be written",
    Subtype.TRANSLATION: "a handout with messages not yet translated (not printed in that "
    "language)",
}


def warn(message: str, subtype: Subtype | str, location: Any = None) -> None:
    logger.warning(message, location=location, type="kratom", subtype=Subtype(subtype).value)


def error(message: str, subtype: Subtype | str, location: Any = None) -> None:
    logger.error(message, location=location, type="kratom", subtype=Subtype(subtype).value)


# -- who warned ---------------------------------------------------------------------------------


class WarningTracker(std_logging.Filter):
    """A filter on Sphinx's warning handler: counts warnings and notes where they came from.

    It runs after Sphinx's own filters, so suppressed warnings are not counted and the
    location is already a ``path:line`` string.
    """

    def __init__(self) -> None:
        super().__init__()
        self.count = 0
        self.paths: set[str] = set()

    def filter(self, record: std_logging.LogRecord) -> bool:
        self.count += 1
        location = getattr(record, "location", None)
        if isinstance(location, str) and location:
            self.paths.add(re.sub(r":\d+$", "", location))
        return True


def _warning_handler() -> std_logging.Handler | None:
    for handler in std_logging.getLogger(logging.NAMESPACE).handlers:
        if isinstance(handler, logging.WarningStreamHandler):
            return handler
    return None


def install(app: Sphinx, config: Any = None) -> None:
    """config-inited: start counting this build's warnings."""
    tracker = WarningTracker()
    handler = _warning_handler()
    if handler is not None:
        handler.addFilter(tracker)
    app.kratom_warnings = tracker  # type: ignore[attr-defined]


def warning_count(app: Sphinx) -> int:
    tracker = getattr(app, "kratom_warnings", None)
    return tracker.count if tracker else 0


def build_failed(app: Sphinx) -> bool:
    """True once this build has a warning or an error: then nothing is published."""
    return bool(warning_count(app) or app.statuscode)


def _state_file(app: Sphinx) -> Path:
    return Path(app.doctreedir) / "kratom_docs" / "warned.json"


def write_json_atomically(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(data, out, indent=1, sort_keys=True)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def still_warning(app: Sphinx, env: BuildEnvironment, added, changed, removed) -> list[str]:
    """env-get-outdated: documents that warned last time are read again."""
    try:
        names = json.loads(_state_file(app).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return sorted(set(names) & env.found_docs) if isinstance(names, list) else []


def remember(app: Sphinx, exception: Exception | None) -> None:
    """build-finished: note which documents warned, and stop counting."""
    tracker = getattr(app, "kratom_warnings", None)
    if tracker is None:
        return
    handler = _warning_handler()
    if handler is not None:
        handler.removeFilter(tracker)
    docnames = set()
    for path in tracker.paths:
        with contextlib.suppress(Exception):
            if (docname := app.env.path2doc(path)) is not None:
                docnames.add(docname)
    with contextlib.suppress(OSError):
        write_json_atomically(_state_file(app), sorted(docnames))


def setup_messages(app: Sphinx) -> None:
    app.connect("config-inited", install, priority=1)
    app.connect("env-get-outdated", still_warning)
    app.connect("build-finished", remember, priority=1000)
