"""The print plan: which PDFs this build makes, where they go, and how pages link to them.

One frozen :class:`PrintPlan` is made per build, once the sources are read (``env-updated``).
Every part that deals with PDFs reads it: the download box on each handout page, the printer
(:mod:`.printer`), publishing and pruning (:mod:`.publish`), the download page and the tests.
When two places must agree (a PDF's path and the link to it, the editions, the paper sizes),
they agree because both read the same :class:`Job`.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.locale import get_translation

from . import messages
from .config import settings

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

_ = get_translation("kratom_docs")


@dataclass(frozen=True)
class Edition:
    name: str
    suffix: str
    max_pages: int


@dataclass(frozen=True)
class Paper:
    name: str
    css: str
    points: tuple[int, int]


#: Both papers get the same 6.4 in measure (about 70 characters of 13 pt body text per line);
#: the large-print edition has margins of its own (handout.css).
PAPERS = {
    "letter": Paper("letter", "@page { size: letter; margin: 0.55in 1.05in 1.55in; }", (612, 792)),
    "a4": Paper("a4", "@page { size: A4; margin: 0.55in 0.935in 1.55in; }", (595, 842)),
}


@dataclass(frozen=True)
class Job:
    """One PDF: a handout in one edition on one paper size."""

    docname: str
    edition: Edition
    paper: Paper
    filename: str
    #: The link from the handout's web page (relative to it).
    href: str
    #: Where the builder publishes it.
    target: Path
    #: The second copy beside the site (``_build/handouts``), if any.
    mirror: Path | None

    @property
    def label(self) -> str:
        size = {"letter": _("US Letter"), "a4": _("A4")}[self.paper.name]
        if self.edition.name == "standard":
            return _("%s, one sheet printed on both sides (PDF)") % size
        return _("Large print, %(size)s, up to %(sheets)d sheets (PDF)") % {
            "size": size,
            "sheets": (self.edition.max_pages + 1) // 2,
        }


@dataclass(frozen=True)
class PrintPlan:
    handouts: tuple[str, ...]
    editions: tuple[Edition, ...]
    papers: tuple[Paper, ...]
    jobs: tuple[Job, ...]
    #: Folders this builder publishes PDFs into (pruned of PDFs that are no longer planned).
    folders: tuple[Path, ...]
    #: The clinic's folder in a co-branded build, else None.
    clinic_folder: Path | None

    def for_handout(self, docname: str) -> tuple[Job, ...]:
        return tuple(job for job in self.jobs if job.docname == docname)


def prints_only(app: Sphinx) -> bool:
    """True for the ``handouts`` builder, which writes PDFs and no web pages."""
    return bool(getattr(app.builder, "prints_only", False))


def prints_pdfs(app: Sphinx) -> bool:
    """Whether this build prints handouts: the handouts builder, or html/dirhtml with PDFs."""
    if prints_only(app):
        return True
    builder = app.builder
    from sphinx.builders.html import StandaloneHTMLBuilder

    return (
        builder.format == "html"
        and isinstance(builder, StandaloneHTMLBuilder)
        and builder.name in {"html", "dirhtml"}
        and settings(app.env).handout_pdf
    )


def is_handout(env: BuildEnvironment, docname: str) -> bool:
    prefix = settings(env).handout_dir + "/"
    return docname.startswith(prefix) and posixpath.basename(docname) not in {"index", "download"}


def handout_docnames(env: BuildEnvironment) -> tuple[str, ...]:
    return tuple(sorted(d for d in env.found_docs if is_handout(env, d)))


def editions(env: BuildEnvironment) -> tuple[Edition, ...]:
    s = settings(env)
    standard = Edition("standard", "", s.max_pages)
    if not s.large_print:
        return (standard,)
    return standard, Edition("large-print", "-large-print", s.large_print_max_pages)


def page_folder(app: Sphinx, docname: str) -> Path:
    """The folder of a page in the output (dirhtml: the page's own folder)."""
    uri = app.builder.get_target_uri(docname)
    return Path(app.outdir) / (uri.rstrip("/") if uri.endswith("/") else posixpath.dirname(uri))


def mirror_folder(app: Sphinx) -> Path | None:
    """The folder beside the site that also receives the PDFs (``_build/handouts``)."""
    s = settings(app.env)
    return (Path(app.outdir) / s.pdf_dir).resolve() if s.pdf_dir and not prints_only(app) else None


def make_plan(app: Sphinx) -> PrintPlan:
    env, s = app.env, settings(app.env)
    outdir = Path(app.outdir)
    clinic_folder = None
    if prints_only(app) and s.clinic:
        clinic_folder = outdir / f"clinic-{s.clinic.slug}"
    mirror = mirror_folder(app)
    from .translation import translated_build, untranslated

    if not (Path(app.srcdir) / s.handout_dir).is_dir():
        messages.warn(
            f"handout_dir {s.handout_dir!r} is not a folder of the sources, so no handout is "
            "printed; check the option (nothing already published is removed)",
            "config",
        )
    elif not handout_docnames(env):
        messages.warn(
            f"handout_dir {s.handout_dir!r} holds no handout page, so none is printed; check "
            "the option (nothing already published is removed)",
            "config",
        )
    handouts = tuple(
        d for d in handout_docnames(env) if not (translated_build(app) and untranslated(env, d))
    )
    papers = tuple(PAPERS[name] for name in s.paper_sizes)
    jobs, seen = [], {}
    for docname in handouts:
        base = posixpath.basename(docname)
        if base in seen:
            messages.error(
                f"two handouts print to the same file names: {seen[base]} and "
                f"{docname}; rename one",
                "handout",
                location=docname,
            )
            continue
        seen[base] = docname
        folder = clinic_folder or (outdir if prints_only(app) else page_folder(app, docname))
        for edition in editions(env):
            for paper in papers:
                filename = f"{base}{edition.suffix}-{paper.name}.pdf"
                jobs.append(
                    Job(
                        docname=docname,
                        edition=edition,
                        paper=paper,
                        filename=filename,
                        href=filename,
                        target=folder / filename,
                        mirror=mirror / filename if mirror else None,
                    )
                )
    folders = {job.target.parent for job in jobs} | ({mirror} if mirror else set())
    if clinic_folder:
        folders.add(clinic_folder)
    elif prints_only(app):
        folders.add(outdir)
    return PrintPlan(
        handouts=tuple(seen.values()),
        editions=editions(env),
        papers=papers,
        jobs=tuple(jobs),
        folders=tuple(sorted(folders)),
        clinic_folder=clinic_folder,
    )


def on_env_updated(app: Sphinx, env: BuildEnvironment) -> list[str]:
    app.kratom_plan = make_plan(app) if prints_pdfs(app) else None  # type: ignore[attr-defined]
    return []


def plan(app: Sphinx) -> PrintPlan | None:
    """This build's print plan (None when the build prints no PDFs)."""
    return getattr(app, "kratom_plan", None)


def setup_plan(app: Sphinx) -> None:
    app.connect("env-updated", on_env_updated, priority=100)
