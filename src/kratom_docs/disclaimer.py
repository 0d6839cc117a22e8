"""The required disclaimer: loaded from its one data file, placed on every page, and checked.

The short text goes into every HTML page (through the ``document`` block of the layout
template) and into every printed handout page (a running footer, see :mod:`.handouts`). After
an HTML build every written page is read back; a page without it fails the build by name.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from .data import DataError, cached, load_yaml

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

logger = logging.getLogger(__name__)

#: The class of the element that carries the disclaimer in every HTML page.
HTML_CLASS = "kd-disclaimer"


@dataclass(frozen=True)
class Disclaimer:
    short: str
    full: str

    @property
    def short_html(self) -> str:
        return (
            f'<aside class="{HTML_CLASS}" role="note" aria-label="Disclaimer">'
            f"<p>{html.escape(self.short)}</p></aside>"
        )


def normalise(text: str) -> str:
    """Collapse whitespace and unify dashes and quotes, for comparing extracted text."""
    text = text.replace("\u2010", "-").replace("\u2011", "-").replace("\u2013", "-")
    text = text.replace("\u2019", "'").replace("\u00ad", "")
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"-\s+(?=\d)", "-", text)  # a line may wrap inside a phone number


def load(path: Path, language: str) -> Disclaimer:
    data = load_yaml(path)
    if not isinstance(data, dict):
        raise DataError(f"{path}: expected one entry per language (e.g. 'en:')")
    entry = data.get(language)
    if entry is None:
        raise DataError(
            f"{path}: no disclaimer for language {language!r} "
            f"(languages in the file: {', '.join(sorted(data))})"
        )
    for key in ("short", "full"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise DataError(f"{path}: {language}.{key} is missing or empty")
    return Disclaimer(short=normalise(entry["short"]), full=entry["full"].strip())


def get(config: Config) -> Disclaimer:
    """The disclaimer for this build's language."""
    return cached(load, Path(config.disclaimer_file), config.language or "en")


class DisclaimerDirective(SphinxDirective):
    """Render the full disclaimer (for the About page)."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        self.env.note_dependency(self.config.disclaimer_file)
        container = nodes.container(classes=["kd-disclaimer-full"])
        for para in get(self.config).full.split("\n\n"):
            container += nodes.paragraph(text=" ".join(para.split()))
        return [container]


def add_to_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    context["kd_disclaimer_html"] = get(app.config).short_html


def check_pages(app: Sphinx, exception: Exception | None) -> None:
    """Fail the build, naming the page, when a written HTML page lacks the disclaimer."""
    if exception or app.builder.format != "html" or getattr(app.builder, "prints_only", False):
        return
    marker = get(app.config).short_html
    outdir = Path(app.outdir)
    missing = []
    for page in sorted(outdir.rglob("*.html")):
        if any(part.startswith(("_", ".")) for part in page.relative_to(outdir).parts[:-1]):
            continue  # _static, _sources, .doctrees: not pages
        if marker not in page.read_text(encoding="utf-8", errors="replace"):
            missing.append(page.relative_to(outdir).as_posix())
    for name in missing:
        logger.error(
            "the required disclaimer could not be placed on page %s", name,
            type="kratom", subtype="disclaimer",
        )
    if missing:
        app.statuscode = 1


def setup_disclaimer(app: Sphinx) -> None:
    app.add_directive("disclaimer", DisclaimerDirective)
    app.connect("html-page-context", add_to_context)
    app.connect("build-finished", check_pages, priority=900)
