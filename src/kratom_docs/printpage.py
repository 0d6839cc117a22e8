"""The print page of a handout: Sphinx's own HTML of the page body, in the print template.

The page is made in memory at print time from the stored body (see :mod:`.handouts`) and the
build's current inputs (disclaimer, review dates, clinic, date, QR code), so nothing it depends
on can go stale. Its bytes, with everything else that shapes the PDF, make the PDF's digest.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

import jinja2
from markupsafe import Markup
from sphinx.locale import get_translation

from . import __version__, disclaimer, review
from .config import settings
from .fetcher import file_url, generated_url

if TYPE_CHECKING:
    from sphinx.application import Sphinx

    from .plan import Edition

_ = get_translation("kratom_docs")

HERE = Path(__file__).parent
TEMPLATE = HERE / "templates" / "handout.html"

_HREF = re.compile(r'(<a\b[^>]*?)\shref="([^"]*)"')


def absolute_links(body: str, page_url: str | None) -> str:
    """Point relative links at the site (or make them plain text when it has no address)."""

    def fix(match: re.Match) -> str:
        start, href = match.group(1), match.group(2)
        if urlsplit(href).scheme or href.startswith("#"):
            return match.group(0)
        if page_url:
            return f'{start} href="{urljoin(page_url, href)}"'
        return start  # an <a> without href is plain text in the PDF

    return _HREF.sub(fix, body)


#: Words that must not break across lines on paper ("7-" / "OH" reads as two things).
_UNBREAKABLE = re.compile(r"(?<![\w-])(7-OH|7-hydroxymitragynine|1-800-\d{3}-\d{4})(?![\w-])")
_TEXT = re.compile(r">([^<]+)<")


_FULL_HELPLINES = re.compile(r'<div class="kd-helplines docutils container">.*?</div>\n?', re.S)
_COMPACT_HELPLINES = re.compile(
    r'<div class="kd-helplines kd-helplines-compact docutils container">.*?</div>\n?', re.S
)
_MAIN_MESSAGE = re.compile(r'<div class="key-message admonition">.*?</div>\n?', re.S)


def helplines_at_the_end(body: str) -> tuple[str, str]:
    """Large print: page 1 has room only for the short help-line box, which goes right after the
    main message so that it is on page 1 however long the actions are (a translation may be
    longer); the full one, which says what each line is for, is taken out to go to the end of
    the handout, after the sources and the QR code. Returns the body and the full box."""
    match = _FULL_HELPLINES.search(body)
    if match is None:
        return body, ""
    box = match.group(0).replace('class="kd-helplines ', 'class="kd-helplines kd-helplines-end ', 1)
    body = body[: match.start()] + body[match.end() :]
    compact, main = _COMPACT_HELPLINES.search(body), _MAIN_MESSAGE.search(body)
    if compact and main and main.end() <= compact.start():
        body = (
            body[: main.end()]
            + compact.group(0)
            + body[main.end() : compact.start()]
            + body[compact.end() :]
        )
    return body, box


def keep_together(body: str) -> str:
    """Wrap the words that must stay on one line in a no-wrap span (text only, never tags)."""

    def text(match: re.Match) -> str:
        inner = _UNBREAKABLE.sub(r'<span class="kd-nowrap">\1</span>', match.group(1))
        return f">{inner}<"

    return _TEXT.sub(text, body)


@dataclass(frozen=True)
class QRCode:
    url: str
    label: str
    svg: bytes

    @property
    def lines(self) -> tuple[str, ...]:
        """The printed address in two whole parts (host, then path), never broken inside."""
        host, _, path = self.label.partition("/")
        return (host, "/" + path) if path else (host,)


def qr_code(url: str) -> QRCode:
    import segno

    out = io.BytesIO()
    segno.make(url, error="m").save(
        out, kind="svg", scale=4, border=2, dark="#000", light="#fff", xmldecl=False
    )
    return QRCode(url=url, label=url.split("://", 1)[-1], svg=out.getvalue())


@dataclass(frozen=True)
class PrintPage:
    docname: str
    edition: str
    html: str
    #: The page's address inside the built site; relative URLs resolve against it.
    base_url: str
    #: ``kd:`` resources this page uses -> (MIME type, bytes).
    generated: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    #: The site's image paths this page may load -> their source files.
    images: dict[str, str] = field(default_factory=dict)


def public_url(app: Sphinx, docname: str) -> str | None:
    """The handout's printed address: its short redirect page on the public site."""
    base = app.config.html_baseurl
    if not base:
        return None
    from .shortlinks import short_path

    return base.rstrip("/") + "/" + short_path(app, docname)


def page_url(app: Sphinx, docname: str) -> str | None:
    base = app.config.html_baseurl
    if not base:
        return None
    return base.rstrip("/") + "/" + app.builder.get_target_uri(docname)


def _jinja() -> jinja2.Environment:
    loader = jinja2.FileSystemLoader(str(TEMPLATE.parent))
    return jinja2.Environment(loader=loader, autoescape=True, keep_trailing_newline=True)


def labels() -> dict[str, str]:
    return {
        "your_clinic": _("Your clinic"),
        "phone": _("Phone"),
        "clinic_phone": _("Your clinic's phone number"),
        "online": _("Read this online and see all sources:"),
        "qr_alt": _("QR code that opens this handout's web page"),
        "page": _("Page"),
        "of": _("of"),
        "disclaimer": _("Disclaimer"),
        # after a heading repeated at the top of a page that opens in the middle of its section
        "continued": _("(continued)"),
    }


#: One line in each other language of the site, printed on the handouts of the first language:
#: a reader of that language learns that the sheet exists in it (a language-access tagline).
TAGLINES = {
    "es": "Si habla español: esta hoja también está en español. Pídala en su clínica.",
}


def taglines(app: Sphinx) -> list[tuple[str, str]]:
    """(language, line) for the handouts of the site's first language; none for the others."""
    languages = settings(app.env).site_languages
    if not languages or (app.config.language or "en") != languages[0]:
        return []
    return [(code, TAGLINES[code]) for code in languages[1:] if code in TAGLINES]


def image_files(app: Sphinx, docname: str) -> dict[str, str]:
    """The site images of ``docname``: their path in the output folder -> their source file."""
    outdir, srcdir = Path(app.outdir), Path(app.srcdir)
    found = {}
    for source, (docnames, unique) in app.env.images.items():
        if docname in docnames:
            found[str(outdir / "_images" / unique)] = str(srcdir / source)
    return found


def render(app: Sphinx, docname: str, edition: Edition, body: str) -> PrintPage:
    """The print page of one handout in one edition."""
    env, s = app.env, settings(app.env)
    title_node = env.titles.get(docname)
    title = title_node.astext().strip() if title_node else ""
    record = review.get(env, docname)
    url = page_url(app, docname)
    short = public_url(app, docname)
    generated: dict[str, tuple[str, bytes]] = {}
    qr = qr_code(short) if short else None
    if qr:
        generated[generated_url("qr.svg")] = ("image/svg+xml", qr.svg)
    edition_body, end_box = (
        helplines_at_the_end(body) if edition.name == "large-print" else (body, "")
    )
    info = s.clinic if getattr(app.builder, "prints_only", False) else None
    logo_url = ""
    if info and info.logo:
        logo_url = generated_url(f"clinic-logo.{info.logo.extension}")
        generated[logo_url] = (info.logo.mime, info.logo.data)
    meta = env.metadata.get(docname, {})
    release = app.config.release or app.config.version or ""
    html = (
        _jinja()
        .get_template(TEMPLATE.name)
        .render(
            language=app.config.language or "en",
            title=title,
            description=str(meta.get("description", "")),
            publisher=s.publisher,
            version=__version__,
            version_label=_("Version %s.") % release if release else "",
            date=s.date.strftime("%Y-%m-%dT%H:%M:%SZ"),
            edition=edition.name,
            disclaimer=disclaimer.get(env).short,
            review=record,
            overdue=review.overdue(env, docname),
            clinic=info,
            logo_url=logo_url,
            qr=qr,
            qr_url=generated_url("qr.svg") if qr else "",
            labels=labels(),
            taglines=taglines(app),
            body=Markup(keep_together(absolute_links(edition_body, url))),
            end_box=Markup(keep_together(absolute_links(end_box, url))),
        )
    )
    uri = app.builder.get_target_uri(docname)
    if not uri or uri.endswith("/"):
        uri += "index.html"  # dirhtml: the page is the folder's index.html
    base = file_url(Path(app.outdir) / uri)
    return PrintPage(
        docname=docname,
        edition=edition.name,
        html=html,
        base_url=base,
        generated=generated,
        images=image_files(app, docname),
    )
