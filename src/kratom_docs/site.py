"""What readers expect of the site: page metadata (description, Open Graph, review dates), a
sitemap, and the stylesheet with the accessibility fixes and the print styles for web pages."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from sphinx.locale import get_translation

from . import review

if TYPE_CHECKING:
    from sphinx.application import Sphinx

HERE = Path(__file__).parent
_ = get_translation("kratom_docs")


SITE_CSS = HERE / "static" / "site" / "kratom-site.css"


def add_static(app: Sphinx) -> None:
    """The site stylesheet, copied into ``_static`` (the config is left as it is)."""
    if app.builder.format != "html" or getattr(app.builder, "prints_only", False):
        return
    from sphinx.util.fileutil import copy_asset_file

    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    copy_asset_file(SITE_CSS, static, force=True)
    app.add_css_file(SITE_CSS.name)


def _meta(attr: str, name: str, content: str) -> str:
    return f'<meta {attr}="{name}" content="{html.escape(content, quote=True)}" />\n'


def add_metadata(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """The page's description (from its front matter) for search engines and, through
    sphinxext-opengraph, for link previews; the review dates, machine-readable; and the other
    language editions of the page (``hreflang``)."""
    meta = app.env.metadata.get(pagename, {}) if doctree is not None else {}
    tags = []
    description = str(meta.get("description", "")).strip()
    if description:
        tags.append(_meta("name", "description", description))
        fields = context.get("meta")
        if isinstance(fields, dict):
            fields["og:description"] = description  # sphinxext-opengraph uses it as it is
    rec = review.get(app.env, pagename) if doctree is not None else None
    if rec:
        tags.append(_meta("name", "dcterms.modified", rec.last_reviewed.isoformat()))
        tags.append(_meta("name", "dcterms.valid", rec.next_review.isoformat()))
    for language in languages(app, pagename):
        if language["absolute"]:
            tags.append(
                f'<link rel="alternate" hreflang="{language["code"]}" '
                f'href="{html.escape(language["absolute"], quote=True)}" />\n'
            )
    context["metatags"] = context.get("metatags", "") + "".join(tags)
    context["kd_languages"] = [lang for lang in languages(app, pagename) if not lang["current"]]


#: How each language names itself in the language switcher.
LANGUAGE_NAMES = {"en": "English", "es": "Español"}


def languages(app: Sphinx, pagename: str) -> list[dict]:
    """Every language edition of a page: code, own name, link from this page, full address.

    The first of ``site_languages`` is the site's root; each other one lives in
    ``<root>/<code>/``, built with the same sources.
    """
    from .config import settings

    codes = settings(app.env).site_languages
    current = app.config.language or "en"
    if len(codes) < 2 or current not in codes or app.builder.format != "html":
        return []
    root = codes[0]
    target = app.builder.get_target_uri(pagename)
    to_root = "../" * target.count("/")
    if current != root:
        to_root += "../"  # from <root>/<code>/ up to <root>/
    base = app.config.html_baseurl.rstrip("/") + "/" if app.config.html_baseurl else ""
    if base and current != root:
        base = base[: -len(f"{current}/")] if base.endswith(f"/{current}/") else base
    found = []
    for code in codes:
        prefix = "" if code == root else f"{code}/"
        found.append(
            {
                "code": code,
                "name": LANGUAGE_NAMES.get(code, code),
                "current": code == current,
                "href": to_root + prefix + target,
                "absolute": base + prefix + target if base else "",
            }
        )
    return found


#: Markup that Sphinx and the theme emit and axe-core rejects, with its accessible form:
#: headings need a level; doc-biblioentry is deprecated (and makes the citation list's
#: children invalid for role="list").
ARIA_FIXES = (
    ('class="caption" role="heading">', 'class="caption" role="heading" aria-level="2">'),
    (' role="doc-biblioentry"', ' role="listitem"'),
)


def fix_aria(markup: str) -> str:
    for old, new in ARIA_FIXES:
        markup = markup.replace(old, new)
    return markup


_TABLE = re.compile(r"<table\b.*?</table>", re.S)
_CAPTION = re.compile(r"<caption\b[^>]*>(.*?)</caption>", re.S)


def scrolling_tables(body: str, label: str) -> str:
    """Wrap each table in a focusable, labelled region that scrolls sideways on a phone
    (WCAG 1.4.10: the page itself never scrolls sideways)."""

    def wrap(match: re.Match) -> str:
        caption = _CAPTION.search(match.group(0))
        name = re.sub(r"<[^>]+>", "", caption.group(1)).strip() if caption else label
        return (
            f'<div class="kd-table-scroll" role="region" tabindex="0" '
            f'aria-label="{html.escape(name, quote=True)}">{match.group(0)}</div>'
        )

    return _TABLE.sub(wrap, body)


def fix_page_aria(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Apply :data:`ARIA_FIXES` to the page body and to the navigation the theme renders."""
    if "body" in context:
        label = str(_("Table (scroll sideways to see all of it)"))
        context["body"] = scrolling_tables(fix_aria(context["body"]), label)
    toctree = context.get("toctree")
    if callable(toctree):
        context["toctree"] = lambda **kwargs: fix_aria(toctree(**kwargs))


def add_report_link(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """ "Report a problem with this page": a new issue, with the page's title and address."""
    from urllib.parse import quote

    from .config import settings

    project = settings(app.env).project_url
    context["kd_report_url"] = ""
    if not project or ("github.com/" not in project and "gitlab.com/" not in project):
        return
    title = html.unescape(context.get("title") or pagename).replace("<", "").strip()
    base = app.config.html_baseurl
    address = (base.rstrip("/") + "/" + app.builder.get_target_uri(pagename)) if base else pagename
    query = (
        "title="
        + quote(str(_("Problem on page: %s")) % title)
        + "&body="
        + quote(
            str(_("Page: %s")) % address
            + "\n\n"
            + str(_("What is wrong or unclear (and your source, if you have one):"))
            + "\n"
        )
    )
    context["kd_report_url"] = f"{project}/issues/new?{query}"


def write_sitemap(app: Sphinx, exception: Exception | None) -> None:
    """sitemap.xml for search engines, when the site's public address is known.

    Written here rather than by sphinx-sitemap (2.9): that extension takes ``lastmod`` only from
    git history, not from the pages' review dates, and builds every alternate address as
    ``<base><lang>/<page>``, while this site keeps English at its root and lists a translation
    only where the page is translated.
    """
    builder = app.builder
    if exception or builder.name not in {"html", "dirhtml"} or not app.config.html_baseurl:
        return
    base = app.config.html_baseurl.rstrip("/") + "/"
    rows = []
    for docname in sorted(app.env.found_docs):
        rec = review.get(app.env, docname)
        lastmod = f"<lastmod>{rec.last_reviewed.isoformat()}</lastmod>" if rec else ""
        url = escape(base + builder.get_target_uri(docname))
        alternates = "".join(
            f'<xhtml:link rel="alternate" hreflang="{lang["code"]}" '
            f'href="{escape(lang["absolute"])}"/>'
            for lang in languages(app, docname)
        )
        rows.append(f"  <url><loc>{url}</loc>{lastmod}{alternates}</url>")
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n' + "\n".join(rows) + "\n</urlset>\n"
    )
    Path(app.outdir, "sitemap.xml").write_text(text, encoding="utf-8")


def setup_site(app: Sphinx) -> None:
    app.connect("builder-inited", add_static)
    app.connect("html-page-context", add_metadata, priority=400)  # before sphinxext-opengraph
    app.connect("html-page-context", fix_page_aria)
    app.connect("html-page-context", add_report_link)
    app.connect("build-finished", write_sitemap)
