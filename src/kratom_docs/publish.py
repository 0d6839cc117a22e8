"""Publishing: the last step of a build, and only of a build that passed every check.

The printed PDFs wait in the cache (see :mod:`.printer`). When the whole build has finished
without a warning or an error (the HTML disclaimer check included), each planned PDF is copied
to its place next to its handout page and to ``_build/handouts``, atomically, unless the
published file is already byte for byte the same. PDFs whose handout, edition or paper size is
no longer planned are removed, so clinics never print a sheet the sources no longer make.
A failed build publishes nothing and keeps the PDFs of the last good build.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.util import logging

from . import messages
from .engine import stage
from .plan import PAPERS, plan, prints_only
from .printer import Printed, printed

if TYPE_CHECKING:
    from sphinx.application import Sphinx

    from .plan import Job

logger = logging.getLogger(__name__)

#: Files this extension publishes (and may therefore prune).
OURS = re.compile(rf"^[\w.-]+-({'|'.join(PAPERS)})\.pdf$")
ZIP_NAME = "kratom-handouts.zip"
#: For each folder it publishes into, the names of the files this extension put there (kept in
#: the doctree folder, so the published folders hold nothing else): only those are ever
#: removed, so a folder shared with other files (``handout_pdf_dir``) keeps them.
MANIFESTS = Path("kratom_docs") / "published"
#: A file being written beside its place (see :func:`.engine.stage`), left by a killed build.
STAGED = re.compile(rf"^\.(?:[\w.-]+-(?:{'|'.join(PAPERS)})\.pdf|{re.escape(ZIP_NAME)})\..+\.part$")


def _manifest_file(app: Sphinx, folder: Path) -> Path:
    key = hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:20]
    return Path(app.doctreedir) / MANIFESTS / f"{key}.txt"


def _manifest(app: Sphinx, folder: Path) -> set[str]:
    try:
        lines = _manifest_file(app, folder).read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return set()
    return {name for name in lines[1:] if OURS.match(name) or name == ZIP_NAME}


def _write_manifest(app: Sphinx, folder: Path, names: set[str]) -> None:
    path = _manifest_file(app, folder)
    if not names:
        path.unlink(missing_ok=True)
        return
    data = "\n".join([str(folder.resolve()), *sorted(names)]).encode() + b"\n"
    if not _same(path, data):
        os.replace(stage(path, data), path)


def _remove_staged(folder: Path) -> None:
    """Temporary files of a build that was killed while publishing never stay published."""
    if folder.is_dir():
        for path in folder.iterdir():
            if STAGED.match(path.name) and path.is_file():
                path.unlink(missing_ok=True)


def zip_bytes(app: Sphinx, results: dict[Job, Printed]) -> bytes:
    """Every planned PDF in one reproducible ZIP (fixed dates, order and permissions)."""
    from .config import settings

    stamp = settings(app.env).date.timetuple()[:6]
    stamp = max(stamp, (1980, 1, 1, 0, 0, 0))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for job in sorted(results, key=lambda j: j.filename):
            info = zipfile.ZipInfo(job.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, results[job].pdf.read_bytes())
    return out.getvalue()


def zip_target(app: Sphinx) -> Path | None:
    """Where the whole set is published (the download page links it), if anywhere."""
    the_plan = plan(app)
    if the_plan is None or prints_only(app) or not the_plan.jobs:
        return None
    from .config import settings

    return Path(app.outdir) / settings(app.env).handout_dir / ZIP_NAME


def _same(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def publish(app: Sphinx, exception: Exception | None) -> None:
    """build-finished (last): publish the PDFs of a build that passed, prune the rest."""
    the_plan, results = plan(app), printed(app)
    if the_plan is None or results is None:
        return
    if exception or messages.build_failed(app):
        logger.info(
            "handout PDFs were not published because the build failed; the PDFs of "
            "the last good build are kept"
        )
        return
    incomplete = [
        job.filename for job in the_plan.jobs if job not in results or results[job].problems
    ]
    if incomplete:  # reported already (a handout without a title, say)
        logger.info("handout PDFs were not published: %s not printed", ", ".join(incomplete))
        return
    # All or nothing: every new file is first written beside its place; only when all of them
    # are on disk are they renamed into place. A full disk or a read-only folder publishes
    # nothing, and the last good set stays whole.
    staged: list[tuple[Path, Path]] = []
    current: Path | None = None
    archive = zip_target(app)
    for folder in {*the_plan.folders, *([archive.parent] if archive else [])}:
        _remove_staged(folder)
    try:
        for job in the_plan.jobs:
            data = results[job].pdf.read_bytes()
            for target in (job.target, job.mirror):
                if target is not None and not _same(target, data):
                    current = target
                    staged.append((stage(target, data), target))
        if archive is not None:
            data = zip_bytes(app, results)
            if not _same(archive, data):
                current = archive
                staged.append((stage(archive, data), archive))
        renamed = 0
        for tmp, target in staged:
            current = target
            os.replace(tmp, target)
            renamed += 1
    except OSError as error:
        for tmp, _target in staged:
            tmp.unlink(missing_ok=True)
        done = locals().get("renamed", 0)
        kept = (
            "nothing was published, the last good PDFs are kept"
            if not done
            else f"only {done} file(s) were replaced; fix the folder and build again"
        )
        messages.error(
            f"could not publish the handout PDFs: {error.filename or current}: "
            f"{error.strerror or error}; {kept}",
            "output",
        )
        app.statuscode = app.statuscode or 1
        return
    count = sum(1 for _tmp, target in staged if target.suffix == ".pdf")
    removed = prune(app)
    if not the_plan.jobs:
        return
    where = the_plan.clinic_folder or (the_plan.jobs[0].mirror or the_plan.jobs[0].target).parent
    if count or removed:
        logger.info(
            "published %d handout PDF(s) to %s%s",
            count,
            where,
            f"; removed {removed} no longer made" if removed else "",
        )
    app.kratom_published = where  # type: ignore[attr-defined]


def prune(app: Sphinx) -> int:
    """Remove our PDFs that the plan no longer makes (a deleted handout, a dropped size)."""
    the_plan = plan(app)
    if the_plan is None:
        return 0
    wanted = {job.target for job in the_plan.jobs} | {
        job.mirror for job in the_plan.jobs if job.mirror
    }
    archive = zip_target(app)
    removed = 0
    for folder in the_plan.folders:
        if not folder.is_dir():
            continue
        for name in _manifest(app, folder):
            path = folder / name
            if OURS.match(name) and path not in wanted and path.is_file():
                try:
                    path.unlink()
                    removed += 1
                except OSError:
                    pass
        mine = {p.name for p in wanted if p.parent == folder and p.is_file()}
        if archive is not None and archive.parent == folder and archive.is_file():
            mine.add(ZIP_NAME)
        try:
            _write_manifest(app, folder, mine)
        except OSError:
            pass
    if archive is not None and archive.parent not in the_plan.folders:
        try:
            _write_manifest(app, archive.parent, _manifest(app, archive.parent) | {ZIP_NAME})
        except OSError:
            pass
    return removed


def withdraw(app: Sphinx, exception: Exception | None) -> None:
    """build-finished: a site built without PDFs must not keep those of an earlier build."""
    import shutil

    from sphinx.builders.html import StandaloneHTMLBuilder

    from .config import settings
    from .plan import handout_docnames, mirror_folder, page_folder

    builder = app.builder
    if (
        plan(app) is not None
        or prints_only(app)
        or exception
        or messages.build_failed(app)
        or not isinstance(builder, StandaloneHTMLBuilder)
        or builder.name not in {"html", "dirhtml"}
    ):
        return
    folders = {page_folder(app, d) for d in handout_docnames(app.env)}
    if (mirror := mirror_folder(app)) is not None:
        folders.add(mirror)
    for folder in folders:
        if folder.is_dir():
            for name in _manifest(app, folder):
                if OURS.match(name):
                    (folder / name).unlink(missing_ok=True)
            _manifest_file(app, folder).unlink(missing_ok=True)
            _remove_staged(folder)
    handouts = Path(app.outdir) / settings(app.env).handout_dir
    Path(builder.get_outfilename(f"{settings(app.env).handout_dir}/download")).unlink(
        missing_ok=True
    )
    (handouts / ZIP_NAME).unlink(missing_ok=True)
    shutil.rmtree(handouts / "thumbnails", ignore_errors=True)


def setup_publish(app: Sphinx) -> None:
    app.connect("build-finished", publish, priority=990)
    app.connect("build-finished", withdraw, priority=990)
