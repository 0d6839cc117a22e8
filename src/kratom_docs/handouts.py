"""Handouts on the site: page breaks, the download box, the download page, the handouts builder.

Each handout is an ordinary page of the site. When Sphinx writes it, its body (Sphinx's own
HTML) is kept for the printer (:mod:`.printer`), and the page offers the PDFs the print plan
(:mod:`.plan`) names. After every page is written the printer prints what changed; the
download page, written next, lists every PDF with its page count and size.
"""

from __future__ import annotations

import posixpath
import re
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from docutils import nodes
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.locale import get_translation
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from . import messages, printer, review
from .config import settings
from .plan import handout_docnames, is_handout, plan, prints_pdfs
from .publish import ZIP_NAME, zip_bytes, zip_target

if TYPE_CHECKING:
    from sphinx.application import Sphinx

logger = logging.getLogger(__name__)
_ = get_translation("kratom_docs")

HERE = Path(__file__).parent


def download_pagename(app: Sphinx) -> str:
    return f"{settings(app.env).handout_dir}/download"


# -- handout pages ------------------------------------------------------------------------------


def on_page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any
) -> None:
    """Keep a handout's body for the printer and offer its PDFs on the page."""
    context["kd_downloads"] = None
    if doctree is None or not is_handout(app.env, pagename) or not prints_pdfs(app):
        return
    try:
        printer.store_body(app, pagename, context.get("body", ""))
    except OSError as error:
        messages.error(
            f"could not keep the page for printing: {error}", "output", location=pagename
        )
    the_plan = plan(app)
    if the_plan is not None:
        context["kd_downloads"] = {
            "items": [
                {"href": job.href, "label": job.label} for job in the_plan.for_handout(pagename)
            ],
            "all": app.builder.get_relative_uri(pagename, download_pagename(app)),
        }


def check_title(app: Sphinx, doctree: nodes.document) -> None:
    """A handout must open with a '# Title' heading: it titles the PDF and the web page."""
    docname = app.env.docname
    if is_handout(app.env, docname) and not any(
        isinstance(child, nodes.section) for child in doctree.children
    ):
        messages.warn(
            "handout has no title: start it with a '# Title' heading; no PDF is printed",
            "handout",
            location=(docname, 1),
        )


def check_steps(app: Sphinx, doctree: nodes.document) -> None:
    """Each step of a ``{.kd-steps}`` list starts with its drawing, which has alt text.

    On paper the drawing is set beside the step's words; a step without one would leave a
    gap where the reader expects a picture of what to do.
    """
    for listing in doctree.findall(nodes.enumerated_list):
        if "kd-steps" not in listing["classes"]:
            continue
        for item in listing.children:
            paras = [c for c in item.children if isinstance(c, nodes.paragraph)]
            first = paras[0].children[0] if paras and paras[0].children else None
            if not isinstance(first, nodes.image) or not first.get("alt", "").strip():
                messages.warn(
                    "a step of a step list must start with its drawing, with alt text: "
                    "![what it shows](figures/....svg){.kd-step-picture}",
                    "handout",
                    location=paras[0] if paras else item,
                )


# -- page breaks and the link to the download page ----------------------------------------------


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


class download_link(nodes.General, nodes.Element):
    """A link to the download page, resolved when the page is written."""


class DownloadLinkDirective(SphinxDirective):
    """``{handout-download-link}``: "Download every handout" (when the build prints PDFs)."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        return [download_link()]


def resolve_download_links(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    for node in list(doctree.findall(download_link)):
        if not prints_pdfs(app) or plan(app) is None or getattr(app.builder, "prints_only", False):
            node.parent.remove(node)
            continue
        uri = app.builder.get_relative_uri(docname, download_pagename(app))
        para = nodes.paragraph(classes=["kd-download-all"])
        para += nodes.reference(
            "",
            _("Download every handout: all editions, sizes and a ZIP file of the whole set"),
            refuri=uri,
            internal=True,
        )
        node.replace_self(para)


# -- fill-in boxes: ruled lines on paper, form fields in the PDF ---------------------------------


class fill_field(nodes.General, nodes.Element):
    """A blank to fill in, named by the paragraph before it (its label)."""


def visit_fill_field_html(self, node: fill_field) -> None:
    label = node.parent[0]
    text = " ".join(label.astext().split()).rstrip(":")
    ref = label["ids"][0] if label["ids"] else ""
    attrs = f'name="{node["name"]}" title="{_escape(text)}" aria-labelledby="{ref}"'
    if node.get("long"):
        self.body.append(f'<textarea class="kd-blank kd-blank-long" rows="4" {attrs}></textarea>')
    else:
        self.body.append(f'<input type="text" class="kd-blank" {attrs}>')
    raise nodes.SkipNode


def _escape(text: str) -> str:
    import html

    return html.escape(text, quote=True)


class FillInDirective(SphinxDirective):
    """``{fill-in} Title``: a box of blanks, one per line of content (``+`` marks a long one).

    On paper each blank is a ruled line; in the PDF it is also a form field, so it can be
    typed in any PDF viewer and then printed.
    """

    required_arguments = 1
    final_argument_whitespace = True
    has_content = True

    def run(self) -> list[nodes.Node]:
        box = nodes.container(classes=["kd-fill-in"])
        # Source and line on each text node make it a message for the translations (Sphinx
        # extracts and translates only text it can place in a source file).
        title = nodes.paragraph(self.arguments[0], self.arguments[0], classes=["kd-fill-in-title"])
        self.set_source_info(title)
        box += title
        base = self.env.docname.replace("/", "-")
        serial = self.env.new_serialno("kd-fill-in")
        for number, line in enumerate(line for line in self.content if line.strip()):
            long = line.lstrip().startswith("+")
            text = line.lstrip().lstrip("+").strip()
            field = nodes.container(classes=["kd-field"] + (["kd-field-long"] if long else []))
            label = nodes.paragraph(text, text, ids=[f"{base}-fill-{serial}-{number}"])
            label.source, label.line = self.get_source_info()
            label.line += number + 1
            field += label
            field += fill_field(name=f"{base}-{serial}-{number}", long=long)
            box += field
        return [box]


# -- the sources line of a handout -----------------------------------------------------------------


class sources_summary(nodes.General, nodes.Element):
    """Filled in when the page is resolved, from the references the page cites."""


class SourcesDirective(SphinxDirective):
    """``{sources}``: who the facts come from, in names a patient knows, and where the full,
    linked list is. Handouts may cite only peer-reviewed or government sources."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        return [sources_summary()]


def cited_keys(doctree: nodes.document, known: Iterable[str]) -> list[str]:
    """The bibliography keys a resolved page cites, in order of first use.

    A footnote's id is its key made into a docutils id (``hhs_overdose_response`` becomes
    ``footcite-hhs-overdose-response``), so ids are matched against the known keys' ids.
    """
    by_id = {nodes.make_id(f"footcite-{key}"): key for key in known}
    keys: list[str] = []
    for node in doctree.findall(nodes.Element):
        for node_id in node.get("ids", []):
            key = by_id.get(node_id)
            if key is not None and key not in keys:
                keys.append(key)
    return keys


#: How many agencies a handout's sources line names; the others are counted.
SOURCES_NAMED = 2


def resolve_sources(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    from .printpage import public_url
    from .references import entries

    placeholders = list(doctree.findall(sources_summary))
    if not placeholders and not is_handout(app.env, docname):
        return
    known = entries(app)
    cited = [known[k] for k in cited_keys(doctree, known)]
    if is_handout(app.env, docname):
        for entry in cited:
            if entry.kind not in ("peer-reviewed", "government"):
                messages.warn(
                    f"a handout may cite only peer-reviewed or government sources; "
                    f"{entry.key!r} is {entry.kind or 'of no kind'}",
                    "handout",
                    location=(docname, None),
                )
            elif entry.fields.get("copy", "").strip():
                messages.warn(
                    f"a handout may not rest on a source seen only as a copy; {entry.key!r} "
                    "has a 'copy' field",
                    "handout",
                    location=(docname, None),
                )
    agencies = list(
        dict.fromkeys(
            e.fields.get("agency", "").strip()
            for e in cited
            if e.kind == "government" and e.fields.get("agency")
        )
    )
    studies = sum(1 for e in cited if e.kind == "peer-reviewed")
    # A few recognisable names, in the order the handout first cites them; the rest counted.
    # The names are written as the bibliography has them (in English), so a handout in another
    # language counts them all rather than print English words.
    named = SOURCES_NAMED if (app.config.language or "en").startswith("en") else 0
    parts = agencies[:named]
    others = len(agencies) - len(parts)
    if others and not parts:
        parts.append(
            str(_("%d government agencies") % others if others > 1 else _("1 government agency"))
        )
    elif others:
        parts.append(
            str(
                _("%d other government agencies") % others
                if others > 1
                else _("1 other government agency")
            )
        )
    if studies:
        parts.append(
            str(
                _("%d studies in medical journals") % studies
                if studies > 1
                else _("1 study in a medical journal")
            )
        )
    where = public_url(app, docname)
    for node in placeholders:
        # One sentence per part: large print may carry a part to the next page, never half one.
        para = nodes.paragraph(classes=["kd-sources"])
        if parts:
            para += nodes.inline(text="; ".join(parts) + ".", classes=["kd-sources-part"])
            para += nodes.Text(" ")
        where_part = nodes.inline(classes=["kd-sources-part"])
        where_part += nodes.Text(
            str(_("Every source, with links, is listed on this handout's web page"))
        )
        if where:  # the address on one line: broken at its hyphen it reads as two words
            address = nodes.inline(classes=["kd-sources-address"])
            address += nodes.Text(": ")
            address += nodes.inline(text=where.split("://", 1)[-1], classes=["kd-nowrap"])
            where_part += address
        where_part += nodes.Text(".")
        maker = re.sub(r"^The ", "the ", app.config.author)  # mid-sentence
        if maker == "the kratom-docs contributors":  # this project's own name, translated
            maker = str(_("the kratom-docs contributors"))
        para += nodes.inline(
            text=str(_("Made by %s, with no advertising and no industry funding.")) % maker,
            classes=["kd-sources-part"],
        )
        # Where the sources are comes last: in large print the QR code follows it.
        para += nodes.Text(" ")
        para += where_part
        node.replace_self(para)


# -- the download page --------------------------------------------------------------------------


def _jinja() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(HERE / "templates")), autoescape=True
    )


def _size(size: int) -> str:
    return _("%d KB") % max(1, round(size / 1024))


def download_page(app: Sphinx) -> Iterator[tuple[str, dict, str]]:
    """html-collect-pages: print the plan, then write the page that lists what was printed."""
    if not prints_pdfs(app) or plan(app) is None:
        return
    results = printer.run(app)
    the_plan = plan(app)
    pagename = download_pagename(app)
    rows = []
    for docname in the_plan.handouts:
        jobs = [job for job in the_plan.for_handout(docname) if job in results]
        if not jobs:
            continue
        thumb = next((results[j].thumbnail for j in jobs if results[j].thumbnail), None)
        record = review.get(app.env, docname)
        rows.append(
            {
                "title": app.env.titles[docname].astext(),
                "page": app.builder.get_relative_uri(pagename, docname),
                "thumbnail": f"thumbnails/{posixpath.basename(docname)}.png" if thumb else "",
                "reviewed": review.in_words(record.last_reviewed, app.config.language)
                if record
                else "",
                "files": [
                    {
                        "href": posixpath.relpath(
                            posixpath.join(
                                posixpath.dirname(app.builder.get_target_uri(docname)), job.href
                            ),
                            posixpath.dirname(pagename),
                        ),
                        "label": job.label,
                        "pages": results[job].pages,
                        "size": _size(results[job].size),
                    }
                    for job in jobs
                ],
            }
        )
    archive = zip_target(app)
    complete = all(job in results and not results[job].problems for job in the_plan.jobs)
    body = (
        _jinja()
        .get_template("downloads.html")
        .render(
            rows=rows,
            zip_name=ZIP_NAME if archive and complete else "",
            zip_size=_size(len(zip_bytes(app, results))) if archive and complete else "",
            count=len(the_plan.jobs),
            _=_,
        )
    )
    app.kratom_thumbnails = {  # type: ignore[attr-defined]
        row_thumb: source for row_thumb, source in _thumbnail_targets(app, results)
    }
    yield (
        pagename,
        {"title": _("Download the handouts"), "body": body, "display_toc": False},
        "page.html",
    )


def _thumbnail_targets(app: Sphinx, results) -> Iterator[tuple[Path, Path]]:
    folder = Path(app.outdir) / settings(app.env).handout_dir / "thumbnails"
    for job, result in results.items():
        if result.thumbnail:
            yield folder / f"{posixpath.basename(job.docname)}.png", result.thumbnail


def publish_thumbnails(app: Sphinx, exception: Exception | None) -> None:
    targets = getattr(app, "kratom_thumbnails", None)
    if not targets or exception or messages.build_failed(app):
        return
    for target, source in targets.items():
        try:
            data = source.read_bytes()
            if not target.is_file() or target.read_bytes() != data:
                from .engine import write_atomically

                write_atomically(target, data)
        except OSError as error:
            messages.error(f"could not publish {target}: {error}", "output")


# -- the handouts builder -------------------------------------------------------------------------


class HandoutsBuilder(StandaloneHTMLBuilder):
    """Print the handouts only: no site pages, just the PDFs (``make handouts``)."""

    name = "handouts"
    prints_only = True
    search = False
    use_index = False

    @property
    def epilog(self) -> str:  # type: ignore[override]
        where = getattr(self._app, "kratom_published", None) or self.outdir
        return (_("The handout PDFs are in %s.") % where).replace("%", "%%")

    def get_outdated_docs(self):
        # Every handout's body is made again (cheap); a PDF is printed only when its digest
        # is not in the cache.
        return list(handout_docnames(self.env))

    def write_documents(self, docnames) -> None:
        super().write_documents({d for d in docnames if is_handout(self.env, d)})

    def handle_page(
        self, pagename, addctx, templatename="page.html", *, outfilename=None, event_arg=None
    ) -> None:
        if event_arg is not None and is_handout(self.env, pagename):
            try:
                printer.store_body(self._app, pagename, addctx.get("body", ""))
            except OSError as error:
                messages.error(
                    f"could not keep the page for printing: {error}", "output", location=pagename
                )

    def copy_assets(self) -> None:
        pass

    def finish(self) -> None:
        printer.run(self._app)
        # Other extensions (sphinxcontrib-jquery) drop web assets into every HTML builder's
        # output; this folder is for PDFs only.
        for name in ("_static", "_sources", "_images"):
            shutil.rmtree(Path(self.outdir) / name, ignore_errors=True)


def setup_handouts(app: Sphinx) -> None:
    # HTML only: every other writer skips these nodes.
    no_visit = (skip_node, None)
    others = {name: no_visit for name in ("latex", "text", "man", "texinfo")}
    app.add_node(page_break, html=(visit_page_break_html, None), **others)
    app.add_node(download_link, html=no_visit, **others)
    app.add_node(fill_field, html=(visit_fill_field_html, None), **others)
    app.add_node(sources_summary, html=no_visit, **others)
    app.add_directive("fill-in", FillInDirective)
    app.add_directive("sources", SourcesDirective)
    app.connect("doctree-resolved", resolve_sources)
    app.add_directive("page-break", PageBreakDirective)
    app.add_directive("handout-download-link", DownloadLinkDirective)
    app.add_builder(HandoutsBuilder)
    app.connect("html-page-context", on_page_context)
    app.connect("doctree-read", check_title)
    app.connect("doctree-read", check_steps)
    app.connect("doctree-resolved", resolve_download_links)
    app.connect("env-get-updated", lambda app, env: printer.missing_bodies(app, env))
    app.connect("html-collect-pages", download_page, priority=400)
    app.connect("build-finished", publish_thumbnails, priority=991)
