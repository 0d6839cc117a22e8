"""The required disclaimer: loaded from its one data file, placed on every page, and checked.

The short text goes into every HTML page (through the ``document`` block of the layout
template) and into every printed handout page (a running footer, see the print template).
Every page depends on the disclaimer file, so editing it writes every page again. After an
HTML build the written pages are read back; a page without it fails the build by name, before
any PDF is published.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.locale import get_translation
from sphinx.util.docutils import SphinxDirective

from . import messages
from .config import settings
from .data import DataError, cached, load_yaml, loaded

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

_ = get_translation("kratom_docs")

#: The class of the element that carries the disclaimer in every HTML page.
HTML_CLASS = "kd-disclaimer"


@dataclass(frozen=True)
class Disclaimer:
    short: str
    full: str

    def short_html(self, label: str = "Disclaimer") -> str:
        return (
            f'<aside class="{HTML_CLASS}" role="note" aria-label="{html.escape(label)}">'
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
        raise DataError(f"{path}:1: expected one entry per language (e.g. 'en:')")
    entry = data.get(language)
    if entry is None:
        raise DataError(
            f"{path}: no disclaimer for language {language!r} "
            f"(languages in the file: {', '.join(sorted(map(str, data)))})"
        )
    if not isinstance(entry, dict):
        raise DataError(
            f"{path}: {language}: must hold the keys 'short' and 'full', "
            f"not a {type(entry).__name__}"
        )
    for key in ("short", "full"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise DataError(f"{path}: {language}.{key} is missing or empty")
    return Disclaimer(short=normalise(entry["short"]), full=entry["full"].strip())


def get(env: BuildEnvironment) -> Disclaimer:
    """The disclaimer for this build's language."""
    return cached(load, settings(env).disclaimer_file, env.config.language or "en")


class DisclaimerDirective(SphinxDirective):
    """Render the full disclaimer (for the About page)."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        container = nodes.container(classes=["kd-disclaimer-full"])
        for para in loaded(get, self.env, Disclaimer("", "")).full.split("\n\n"):
            container += nodes.paragraph(text=" ".join(para.split()))
        return [container]


def depend(app: Sphinx, doctree: nodes.document) -> None:
    """doctree-read: every page carries the disclaimer, so every page depends on its file."""
    app.env.note_dependency(str(settings(app.env).disclaimer_file))


def add_to_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    text = loaded(get, app.env, None)
    context["kd_disclaimer_html"] = text.short_html(_("Disclaimer")) if text else ""
    written = getattr(app, "kratom_written", None)
    if written is None:
        written = app.kratom_written = set()  # type: ignore[attr-defined]
    written.add(pagename)


def check_pages(app: Sphinx, exception: Exception | None) -> None:
    """Fail the build, naming the page, when a written HTML page lacks the disclaimer."""
    if exception or app.builder.format != "html" or getattr(app.builder, "prints_only", False):
        return
    text = loaded(get, app.env, None)
    if text is None:
        return  # the unusable file was reported
    marker = text.short_html(_("Disclaimer"))
    builder = app.builder
    pages = set(getattr(app, "kratom_written", set())) | set(app.env.found_docs)
    for pagename in sorted(pages):
        path = Path(builder.get_outfilename(pagename))
        try:
            page = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue  # not written by this builder (an excluded page, say)
        if marker not in page:
            messages.error(
                f"the required disclaimer could not be placed on page "
                f"{path.relative_to(app.outdir).as_posix()}",
                "disclaimer",
            )
            app.statuscode = 1


def setup_disclaimer(app: Sphinx) -> None:
    app.add_directive("disclaimer", DisclaimerDirective)
    app.connect("doctree-read", depend)
    app.connect("html-page-context", add_to_context)
    app.connect("build-finished", check_pages, priority=900)
