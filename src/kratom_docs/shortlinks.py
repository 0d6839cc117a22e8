"""Short, stable printed addresses for handouts: ``<site>/h/basics/`` redirects to the page.

The QR code and the printed address on each handout use the short address, so they stay
short enough to type and keep working if the page moves. The short name comes from the
handout's front matter (``short_link: basics``), else from its file name.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from sphinx.locale import get_translation

from . import messages
from .plan import handout_docnames

if TYPE_CHECKING:
    from sphinx.application import Sphinx

_ = get_translation("kratom_docs")
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,30}$")


def short_name(app: Sphinx, docname: str) -> str:
    value = str(app.env.metadata.get(docname, {}).get("short_link", "")).strip()
    if value and _NAME.match(value):
        return value
    return posixpath.basename(docname)


def short_path(app: Sphinx, docname: str) -> str:
    return f"h/{short_name(app, docname)}/"


def check(app: Sphinx, env) -> list[str]:
    """env-updated: short names are valid and unique."""
    seen: dict[str, str] = {}
    for docname in handout_docnames(env):
        value = str(env.metadata.get(docname, {}).get("short_link", "")).strip()
        if value and not _NAME.match(value):
            messages.warn(
                f"short_link {value!r} must be lower-case letters, digits and hyphens (at most 31)",
                "handout",
                location=(docname, 1),
            )
        name = short_name(app, docname)
        if name in seen:
            messages.warn(
                f"short_link {name!r} is also used by {seen[name]}",
                "handout",
                location=(docname, 1),
            )
        seen[name] = docname
    return []


def redirect_pages(app: Sphinx) -> Iterator[tuple[str, dict, str]]:
    """html-collect-pages: one small page per handout that sends the reader on to it."""
    if app.builder.format != "html" or getattr(app.builder, "prints_only", False):
        return
    for docname in handout_docnames(app.env):
        pagename = f"h/{short_name(app, docname)}/index"
        target = app.builder.get_relative_uri(pagename, docname)
        title = app.env.titles[docname].astext() if docname in app.env.titles else docname
        body = (
            f'<h1>{html.escape(title)}</h1><p><a href="{html.escape(target)}">'
            + html.escape(_("Open the handout page"))
            + "</a></p>"
        )
        meta = (
            f'<meta http-equiv="refresh" content="0; url={html.escape(target)}" />\n'
            '<meta name="robots" content="noindex" />\n'
        )
        yield (
            pagename,
            {"title": title, "body": body, "metatags": meta, "display_toc": False},
            "page.html",
        )


def setup_shortlinks(app: Sphinx) -> None:
    app.connect("env-updated", check)
    app.connect("html-collect-pages", redirect_pages)
