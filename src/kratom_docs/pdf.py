"""Printing handouts to tagged PDF/UA-1 with WeasyPrint, in parallel, atomically, reproducibly.

At the end of a build every (handout, edition, paper size) whose inputs changed is printed in a
small pool of worker processes (WeasyPrint's start-up is paid once per worker). Each PDF is
checked before it is published: page count, and the disclaimer on every page. It is written to
a temporary file and renamed, so a failed build leaves the previous PDF (or none), never a
truncated one. Unchanged inputs are not printed again.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from importlib import metadata
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.util import logging

from . import __version__, clinic, disclaimer, handouts

if TYPE_CHECKING:
    from sphinx.application import Sphinx

logger = logging.getLogger(__name__)

HERE = Path(__file__).parent
STYLESHEET = HERE / "static" / "handout.css"
FONTS = sorted((HERE / "fonts").glob("*.ttf"))
PAGE_SIZE_CSS = {"letter": "@page { size: letter; }", "a4": "@page { size: A4; }"}


@dataclass(frozen=True)
class Job:
    docname: str
    edition: str
    paper: str
    source: Path
    target: Path
    max_pages: int | None
    disclaimer: str
    digest: str


@dataclass(frozen=True)
class Result:
    job: Job
    pages: int = 0
    size: int = 0
    problems: tuple[str, ...] = ()


def _static_inputs_digest() -> bytes:
    # The engine's version from its metadata: importing WeasyPrint takes half a second, which a
    # build that prints nothing should not pay.
    h = hashlib.sha256()
    for path in [STYLESHEET, *FONTS]:
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    h.update(metadata.version("weasyprint").encode() + __version__.encode())
    return h.digest()


def build_failed(app: Sphinx) -> bool:
    """True when this build already failed (an error, or a warning under -W)."""
    warned = getattr(app, "_warncount", 0) and getattr(app, "_fail_on_warnings", False)
    return bool(app.statuscode or warned)


def target_dir(app: Sphinx, docname: str) -> Path:
    """Where the builder publishes a handout's PDFs."""
    if handouts.prints_only(app):
        info = clinic.get(app)
        return Path(app.outdir) / (f"clinic-{info.slug}" if info else "")
    page = app.builder.get_target_uri(docname)
    return Path(app.outdir) / os.path.dirname(page)


def mirror_dir(app: Sphinx) -> Path | None:
    """The handout folder beside the site (``_build/handouts``) for HTML builds."""
    if handouts.prints_only(app) or not app.config.handout_pdf_dir:
        return None
    return (Path(app.outdir) / app.config.handout_pdf_dir).resolve()


def plan(app: Sphinx) -> list[Job]:
    static = _static_inputs_digest()
    text = disclaimer.get(app.config).short
    jobs = []
    for docname in handouts.handout_docnames(app):
        for edition in handouts.editions(app):
            source = handouts.print_file(app, docname, edition)
            if not source.is_file():
                continue  # no title or no review data: already reported
            page = source.read_bytes()
            for paper in app.config.handout_paper_sizes:
                digest = hashlib.sha256(
                    static + page + paper.encode() + edition.encode()
                ).hexdigest()
                jobs.append(
                    Job(
                        docname=docname,
                        edition=edition,
                        paper=paper,
                        source=source,
                        target=target_dir(app, docname)
                        / handouts.pdf_name(docname, edition, paper),
                        max_pages=app.config.handout_max_pages if edition == "standard" else None,
                        disclaimer=text,
                        digest=digest,
                    )
                )
    return jobs


def render(job: Job) -> Result:
    """Print one PDF (runs in a worker process); publish it only if every check passes."""
    from pypdf import PdfReader
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    stylesheets = [
        CSS(filename=str(STYLESHEET), font_config=fonts),
        CSS(string=PAGE_SIZE_CSS[job.paper], font_config=fonts),
    ]
    document = HTML(filename=str(job.source), base_url=str(job.source.parent)).render(
        stylesheets=stylesheets,
        font_config=fonts,
        pdf_variant="pdf/ua-1",
    )
    data = document.write_pdf(
        pdf_variant="pdf/ua-1",
        pdf_identifier=bytes.fromhex(job.digest[:32]),
    )
    problems = []
    pages = len(document.pages)
    if job.max_pages and pages > job.max_pages:
        problems.append(
            f"prints on {pages} pages at {job.paper} size; a handout must fit {job.max_pages} "
            "(one sheet, both sides): shorten it"
        )
    reader = PdfReader(io.BytesIO(data))
    for number, page in enumerate(reader.pages, start=1):
        if job.disclaimer not in disclaimer.normalise(page.extract_text() or ""):
            problems.append(f"the disclaimer is missing from printed page {number}")
    if problems:
        return Result(job, pages, len(data), tuple(problems))
    _write_atomically(job.target, data)
    return Result(job, pages, len(data))


def _write_atomically(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _copy_atomically(source: Path, target: Path) -> None:
    if target.is_file() and target.read_bytes() == source.read_bytes():
        return
    _write_atomically(target, source.read_bytes())


def _workers(app: Sphinx, count: int) -> int:
    wanted = app.config.handout_workers or os.cpu_count() or 1
    return max(1, min(wanted, count))


def print_handouts(app: Sphinx, exception: Exception | None) -> None:
    """build-finished: print what changed, report problems by handout, publish the rest."""
    if exception or not handouts.wants_print_pages(app):
        return
    if build_failed(app):
        logger.warning(
            "handout PDFs were not printed because the build failed; the previous PDFs are kept",
            type="kratom",
            subtype="handout-skipped",
        )
        return
    manifest_path = handouts.work_dir(app) / "printed.json"
    try:
        manifest = json.loads(manifest_path.read_text())
    except (OSError, ValueError):
        manifest = {}
    jobs = plan(app)
    todo = [j for j in jobs if not j.target.is_file() or manifest.get(str(j.target)) != j.digest]
    results: list[Result] = []
    if todo:
        logger.info("printing %d handout PDF(s)...", len(todo))
        workers = _workers(app, len(todo))
        if workers == 1:
            results = [render(job) for job in todo]
        else:
            # fork: workers start at once, with the parent's modules already imported.
            method = "fork" if sys.platform.startswith("linux") else "spawn"
            with ProcessPoolExecutor(workers, mp_context=get_context(method)) as pool:
                results = list(pool.map(render, todo))
    for result in results:
        job = result.job
        if result.problems:
            manifest.pop(str(job.target), None)
            for problem in result.problems:
                logger.warning(
                    "%s (%s, %s): %s; this PDF was not written",
                    job.target.name,
                    job.edition,
                    job.paper,
                    problem,
                    location=job.docname,
                    type="kratom",
                    subtype="handout-pdf",
                )
        else:
            manifest[str(job.target)] = job.digest
    manifest_path.parent.mkdir(parents=True, exist_ok=True)
    manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True))
    mirror = mirror_dir(app)
    if mirror:
        for job in jobs:
            if job.target.is_file():
                _copy_atomically(job.target, mirror / job.target.name)
    if results:
        logger.info("printed %d handout PDF(s)", sum(1 for r in results if not r.problems))


def setup_pdf(app: Sphinx) -> None:
    app.connect("build-finished", print_handouts, priority=500)
