"""Handout pages: their print HTML, their download links, and the ``handouts`` builder.

Each handout is an ordinary page of the site. When Sphinx writes it, the page body (Sphinx's
own HTML) also goes through the print template ``templates/handout.html`` into a work folder,
one file per edition (standard, large print). :mod:`.pdf` then prints those files with
WeasyPrint at the end of the build.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

import jinja2
from docutils import nodes
from markupsafe import Markup
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.locale import get_translation
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from . import __version__, clinic, disclaimer, review

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)
_ = get_translation("kratom_docs")

HERE = Path(__file__).parent
TEMPLATE = HERE / "templates" / "handout.html"

#: Editions of every handout: name -> suffix of the PDF file name.
EDITIONS = {"standard": "", "large-print": "-large-print"}


# -- which documents are handouts ------------------------------------------------------------


def is_handout(app: Sphinx, docname: str) -> bool:
    prefix = app.config.handout_dir.strip("/") + "/"
    return docname.startswith(prefix) and posixpath.basename(docname) != "index"


def handout_docnames(app: Sphinx, env: BuildEnvironment | None = None) -> list[str]:
    env = env or app.env
    return sorted(d for d in env.found_docs if is_handout(app, d))


def editions(app: Sphinx) -> list[str]:
    return ["standard", "large-print"] if app.config.handout_large_print else ["standard"]


def pdf_name(docname: str, edition: str, paper: str) -> str:
    return f"{posixpath.basename(docname)}{EDITIONS[edition]}-{paper}.pdf"


# -- the work folder ---------------------------------------------------------------------------


def variant(app: Sphinx) -> str:
    """Name of this build's flavour of print pages (generic, or one clinic's)."""
    info = clinic.get(app)
    return f"{app.builder.name}-{info.slug if info else 'generic'}"


def work_dir(app: Sphinx) -> Path:
    # Beside the pickled doctrees: build state, never part of a published output folder.
    return Path(app.doctreedir) / "handout-work" / variant(app)


def print_file(app: Sphinx, docname: str, edition: str) -> Path:
    return work_dir(app) / f"{docname}.{edition}.html"


def fingerprint(app: Sphinx) -> str:
    """What the print pages depend on besides the page body; a change rewrites them all."""
    info = clinic.get(app)
    parts = [
        TEMPLATE.read_bytes(),
        __version__.encode(),
        (app.config.html_baseurl or "").encode(),
        (app.config.release or "").encode(),
        (app.config.language or "en").encode(),
        disclaimer.get(app.config).short.encode(),
        repr(info).encode(),
        repr(editions(app)).encode(),
        os.environ.get("SOURCE_DATE_EPOCH", "").encode(),  # the date stamped into the PDFs
    ]
    return hashlib.sha256(b"\0".join(parts)).hexdigest()


def outdated_print_pages(app: Sphinx, env, added, changed, removed) -> list[str]:
    """Ask Sphinx to rewrite handouts whose print pages are missing or were made differently."""
    if not wants_print_pages(app):
        return []
    stamp = work_dir(app) / "fingerprint"
    current = fingerprint(app)
    stale = not stamp.is_file() or stamp.read_text() != current
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(current)
    return [
        d for d in handout_docnames(app, env)
        if stale or any(not print_file(app, d, e).is_file() for e in editions(app))
    ]


def prints_only(app: Sphinx) -> bool:
    """True for the ``handouts`` builder, which writes PDFs and no web pages."""
    return getattr(app.builder, "prints_only", False)


def wants_print_pages(app: Sphinx) -> bool:
    builder = app.builder
    if prints_only(app):
        return True
    return (
        builder.format == "html"
        and isinstance(builder, StandaloneHTMLBuilder)
        and builder.name in {"html", "dirhtml"}
        and app.config.handout_pdf
    )


# -- print HTML --------------------------------------------------------------------------------

_HREF = re.compile(r'(<a\b[^>]*?)\shref="([^"]*)"')


def absolute_links(body: str, page_url: str | None) -> str:
    """Point relative links at the site (or drop them when the site has no base URL)."""

    def fix(match: re.Match) -> str:
        start, href = match.group(1), match.group(2)
        if urlsplit(href).scheme or href.startswith("#"):
            return match.group(0)
        if page_url:
            return f'{start} href="{urljoin(page_url, href)}"'
        return start  # an <a> without href is plain text in the PDF

    return _HREF.sub(fix, body)


@dataclass(frozen=True)
class QRCode:
    url: str
    label: str
    data_uri: str


def qr_code(url: str) -> QRCode:
    import segno

    code = segno.make(url, error="m")
    data_uri = code.svg_data_uri(scale=4, border=2, dark="#000", light="#fff", nl=False)
    label = url.split("://", 1)[-1]
    return QRCode(url=url, label=label, data_uri=data_uri)


def _jinja() -> jinja2.Environment:
    loader = jinja2.FileSystemLoader(str(TEMPLATE.parent))
    return jinja2.Environment(loader=loader, autoescape=True, keep_trailing_newline=True)


def page_url(app: Sphinx, docname: str) -> str | None:
    base = app.config.html_baseurl
    if not base:
        return None
    return base.rstrip("/") + "/" + app.builder.get_target_uri(docname)


def build_date(app: Sphinx, docname: str) -> str:
    """The date stamped into the PDF: SOURCE_DATE_EPOCH if set, else the last review date."""
    import datetime as dt

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    rec = review.get(app.env, docname)
    day = rec.last_reviewed if rec else dt.date(2000, 1, 1)
    return f"{day.isoformat()}T00:00:00Z"


def write_print_pages(app: Sphinx, docname: str, body: str) -> None:
    """Render the handout's body through the print template, one file per edition."""
    env = app.env
    title_node = env.titles.get(docname)
    title = title_node.astext().strip() if title_node else ""
    if not title or title == "<no title>":
        return  # reported when the handout was read (check_title)
    rec = review.get(env, docname)
    if rec is None:
        return  # review.check already reported the missing front matter
    url = page_url(app, docname)
    info = clinic.get(app)
    meta = env.metadata.get(docname, {})
    template = _jinja().get_template(TEMPLATE.name)
    release = app.config.release or app.config.version or ""
    labels = {
        "your_clinic": _("Your clinic"),
        "phone": _("Phone"),
        "online": _("Read this online:"),
        "qr_alt": _("QR code that opens this handout's web page"),
    }
    for edition in editions(app):
        html = template.render(
            language=app.config.language or "en",
            title=title,
            description=str(meta.get("description", "")),
            publisher=app.config.handout_publisher or app.config.author or "",
            version=__version__,
            version_label=_("Version %s.") % release if release else "",
            date=build_date(app, docname),
            edition=edition,
            disclaimer=disclaimer.get(app.config).short,
            review=rec,
            clinic=info,
            qr=qr_code(url) if url else None,
            labels=labels,
            body=Markup(absolute_links(body, url)),
        )
        target = print_file(app, docname, edition)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".tmp")
        tmp.write_text(html, encoding="utf-8")
        tmp.replace(target)


def on_page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any
) -> None:
    """For handout pages of the site: write the print pages and offer the PDFs."""
    if doctree is None or not is_handout(app, pagename) or not wants_print_pages(app):
        context["kd_downloads"] = None
        return
    write_print_pages(app, pagename, context.get("body", ""))
    sizes = {"letter": _("US Letter size"), "a4": _("A4 size")}
    items = []
    for edition in editions(app):
        for paper in app.config.handout_paper_sizes:
            label = sizes[paper] if edition == "standard" else _("Large print, %s") % sizes[paper]
            items.append({"href": pdf_name(pagename, edition, paper), "label": label + " (PDF)"})
    context["kd_downloads"] = items


def check_title(app: Sphinx, doctree: nodes.document) -> None:
    """A handout must open with a '# Title' heading: it titles the PDF and the web page."""
    docname = app.env.docname
    if is_handout(app, docname) and not any(
        isinstance(child, nodes.section) for child in doctree.children
    ):
        logger.warning(
            "handout has no title: start it with a '# Title' heading; no PDF is printed",
            location=(docname, 1), type="kratom", subtype="handout-title",
        )


# -- page breaks ------------------------------------------------------------------------------


class page_break(nodes.General, nodes.Element):
    """Where page 2 of a printed handout starts; invisible on the web."""


def visit_page_break_html(self, node: page_break) -> None:
    self.body.append('<div class="kd-page-break" aria-hidden="true"></div>')
    raise nodes.SkipNode


def skip_node(self, node: nodes.Node) -> None:
    raise nodes.SkipNode


class PageBreakDirective(SphinxDirective):
    has_content = False

    def run(self) -> list[nodes.Node]:
        return [page_break()]


# -- the handouts builder ----------------------------------------------------------------------


class HandoutsBuilder(StandaloneHTMLBuilder):
    """Print the handouts only: no site pages, just the PDFs (``make handouts``)."""

    name = "handouts"
    prints_only = True
    epilog = "The handout PDFs are in %(outdir)s."
    search = False
    use_index = False

    def get_outdated_docs(self):
        # Every handout is written; unchanged ones are not printed again (see pdf.py).
        return handout_docnames(self.app, self.env)

    def write_documents(self, docnames) -> None:
        super().write_documents({d for d in docnames if is_handout(self.app, d)})

    def handle_page(self, pagename, addctx, templatename="page.html", *, outfilename=None,
                    event_arg=None) -> None:
        if event_arg is not None and is_handout(self.app, pagename):
            write_print_pages(self.app, pagename, addctx.get("body", ""))

    def copy_assets(self) -> None:
        pass

    def finish(self) -> None:
        # Other extensions (sphinxcontrib-jquery) drop web assets into every HTML builder's
        # output; this folder is for PDFs only.
        for name in ("_static", "_sources"):
            shutil.rmtree(Path(self.outdir) / name, ignore_errors=True)


def setup_handouts(app: Sphinx) -> None:
    app.add_node(
        page_break,
        html=(visit_page_break_html, None),
        latex=(skip_node, None),
        text=(skip_node, None),
        man=(skip_node, None),
        texinfo=(skip_node, None),
    )
    app.add_directive("page-break", PageBreakDirective)
    app.add_builder(HandoutsBuilder)
    app.connect("html-page-context", on_page_context)
    app.connect("env-get-outdated", outdated_print_pages)
    app.connect("doctree-read", check_title)
