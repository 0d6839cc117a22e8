"""Printing the plan: print pages, digests, the PDF cache, and the problems found.

The printer runs once per build, after Sphinx has written every page (the download page lists
what it printed). For each :class:`~.plan.Job` it makes the print page, computes the job's
digest over everything that shapes the PDF or its verdict, and looks the digest up in a
content-addressed cache in the doctree folder. Only digests not in the cache are printed, in
one pool of printing processes. PDFs are published later, by :mod:`.publish`, and only when
the whole build passed.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.util import logging

from . import disclaimer, engine, messages, review
from .config import settings
from .engine import Task, write_atomically
from .fetcher import FetchPolicy
from .plan import Job, PrintPlan, plan
from .printpage import render as render_page

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)

HERE = Path(__file__).parent
#: Cached PDFs not used by any build for this long are deleted.
CACHE_DAYS = 7


@dataclass(frozen=True)
class Printed:
    job: Job
    digest: str
    pdf: Path
    pages: int
    size: int
    problems: tuple[str, ...]
    thumbnail: Path | None


def work_dir(app: Sphinx) -> Path:
    """The extension's build state, beside the pickled doctrees (never in a published folder)."""
    return Path(app.doctreedir) / "kratom_docs"


# -- the page bodies, as Sphinx wrote them ------------------------------------------------------


def body_file(app: Sphinx, docname: str) -> Path:
    return work_dir(app) / "bodies" / app.builder.name / f"{docname}.html"


def store_body(app: Sphinx, docname: str, body: str) -> None:
    write_atomically(body_file(app, docname), body.encode("utf-8"))


def missing_bodies(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """env-get-updated: handouts whose body this builder has not stored are written again."""
    from .plan import handout_docnames, prints_pdfs

    if not prints_pdfs(app):
        return []
    return [d for d in handout_docnames(env) if not body_file(app, d).is_file()]


# -- printing -------------------------------------------------------------------------------------


def _digest(static: bytes, job: Job, html: str, page, text: str) -> str:
    h = hashlib.sha256(static)
    for part in (
        job.paper.name,
        job.paper.css,
        job.edition.name,
        str(job.edition.max_pages),
        text,
        html,
    ):
        h.update(b"\0" + part.encode("utf-8"))
    for url, (mime, data) in sorted(page.generated.items()):
        h.update(b"\0" + url.encode() + mime.encode() + data)
    for path, source in sorted(page.images.items()):
        try:
            data = Path(source).read_bytes()
        except OSError:
            data = b"missing"
        h.update(b"\0" + Path(path).name.encode() + data)  # not the output folder's path
    return h.hexdigest()


def _policy(app: Sphinx, page) -> FetchPolicy:
    return FetchPolicy(
        folders=(str(HERE / "fonts"), str(HERE / "static")),
        files=dict(page.images),
        source_root=str(Path(app.srcdir)),
        generated=dict(page.generated),
    )


def _printable(app: Sphinx, docname: str) -> bool:
    env = app.env
    title = env.titles.get(docname)
    return bool(
        title
        and title.astext().strip() not in ("", "<no title>")
        and review.get(env, docname) is not None
    )


def print_plan(app: Sphinx) -> dict[Job, Printed]:
    """Print what the plan needs and the cache lacks; report every PDF's problems."""
    the_plan: PrintPlan | None = plan(app)
    if the_plan is None:
        return {}
    s = settings(app.env)
    if not s.usable:
        logger.info("handout PDFs are not printed: fix the problems reported above first")
        return {}
    cache = work_dir(app) / "pdf"
    static = engine.static_digest()
    text = disclaimer.get(app.env).short
    first_paper = the_plan.papers[0].name if the_plan.papers else ""
    tasks, chosen = [], []
    for docname in the_plan.handouts:
        if not _printable(app, docname):
            continue  # reported when the handout was read
        try:
            body = body_file(app, docname).read_text(encoding="utf-8")
        except OSError:
            messages.error(
                "the handout's page was not written in this build; run the build again",
                "print",
                location=docname,
            )
            continue
        pages = {}
        for job in the_plan.for_handout(docname):
            page = pages.get(job.edition.name)
            if page is None:
                page = pages[job.edition.name] = render_page(app, docname, job.edition, body)
            digest = _digest(static, job, page.html, page, text)
            thumb = (
                cache / f"{digest}.png"
                if job.edition.name == "standard" and job.paper.name == first_paper
                else None
            )
            chosen.append((job, digest, thumb))
            facts = cache / f"{digest}.json"
            # Only a print that passed is reused: a failure may come from the machine (a full
            # disk, a missing module) rather than the sources, so it is tried again.
            if (
                _passed(facts)
                and (cache / f"{digest}.pdf").is_file()
                and (thumb is None or thumb.is_file())
            ):
                continue
            tasks.append(
                Task(
                    digest=digest,
                    name=job.filename,
                    html=page.html,
                    base_url=page.base_url,
                    paper_css=job.paper.css,
                    max_pages=job.edition.max_pages,
                    disclaimer=text,
                    policy=_policy(app, page),
                    pdf=str(cache / f"{digest}.pdf"),
                    facts=str(facts),
                    thumbnail=str(thumb) if thumb else None,
                )
            )
    _remove_stale_scratch(work_dir(app))
    if tasks:
        logger.info("printing %d handout PDF(s)...", len(tasks))
        workers = s.workers or os.cpu_count() or 1
        engine.render_all(tasks, workers, work_dir(app) / f"tmp-{os.getpid()}")
    printed = {}
    for job, digest, thumb in chosen:
        facts = _load_facts(cache / f"{digest}.json")
        result = Printed(
            job=job,
            digest=digest,
            pdf=cache / f"{digest}.pdf",
            pages=facts.get("pages", 0),
            size=facts.get("size", 0),
            problems=tuple(facts.get("problems", ["it was not printed"])),
            thumbnail=thumb if thumb and thumb.is_file() else None,
        )
        for problem in result.problems:
            messages.warn(
                f"{job.filename}: {problem}; this PDF is not published",
                "print",
                location=job.docname,
            )
        failed = result.pdf.with_suffix(".failed.pdf")
        if result.problems and failed.is_file():
            logger.info("the failed print of %s is kept for a look: %s", job.filename, failed)
        printed[job] = result
    if tasks:
        logger.info("printed %d handout PDF(s)", len(tasks))
    _prune_cache(cache, {digest for _, digest, _ in chosen})
    return printed


def _remove_stale_scratch(folder: Path) -> None:
    """The scratch folder of a build that was killed (its process is gone) is removed."""
    import shutil

    for scratch in folder.glob("tmp-*") if folder.is_dir() else ():
        pid = scratch.name[4:]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists() and int(pid) != os.getpid():
            shutil.rmtree(scratch, ignore_errors=True)


def _passed(facts: Path) -> bool:
    return not _load_facts(facts).get("problems", ["unreadable"])


def _load_facts(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _prune_cache(cache: Path, used: set[str]) -> None:
    now = time.time()
    if not cache.is_dir():
        return
    for path in cache.iterdir():
        digest = path.name.split(".", 1)[0]
        try:
            if digest in used:
                os.utime(path, (now, now))
            elif now - path.stat().st_mtime > CACHE_DAYS * 86400 or path.name.startswith("."):
                path.unlink()
        except OSError:
            pass


def printed(app: Sphinx) -> dict[Job, Printed] | None:
    return getattr(app, "kratom_printed", None)


def run(app: Sphinx) -> dict[Job, Printed]:
    """Print once per build; the download page and publishing read the result."""
    result = printed(app)
    if result is None:
        result = app.kratom_printed = print_plan(app)  # type: ignore[attr-defined]
    return result
