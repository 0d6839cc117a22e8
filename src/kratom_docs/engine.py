"""Printing one PDF with WeasyPrint (tagged PDF/UA-1), and every check a printed handout needs.

:func:`render` runs in a printing process. It prints one :class:`Task` through the project's
URL fetcher, checks the result, and writes it into the content-addressed cache: the PDF (only
when it passed), a page-1 thumbnail, then the facts (page count, size, problems) last, so a
facts file never exists without its PDF. What WeasyPrint logs is kept as a problem too: a
missing image or font fails the build instead of vanishing from the paper.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import itertools
import json
import logging
import os
import sys
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from . import __version__, continued
from .fetcher import FetchPolicy, make_fetcher

HERE = Path(__file__).parent
STYLESHEET = HERE / "static" / "handout.css"
FONTS = tuple(sorted((HERE / "fonts").glob("*.ttf")))
#: The most of a page the running footer may take before the handout is refused.
FOOTER_SHARE = 0.3
#: The one font family of the handouts (the files in ``fonts/``).
BUNDLED_FAMILY = "Atkinson Hyperlegible"
#: No text closer to a paper edge than this: 0.5 in, in CSS pixels (WeasyPrint lays out in
#: 96 px to the inch). Many office printers cannot print nearer the edge.
EDGE = 0.5 * 96


@dataclass(frozen=True)
class Task:
    digest: str
    name: str
    html: str
    base_url: str
    paper_css: str
    max_pages: int
    disclaimer: str
    policy: FetchPolicy
    pdf: str
    facts: str
    thumbnail: str | None = None


def static_digest() -> bytes:
    """The inputs every PDF shares: stylesheet, fonts, engine version, this extension."""
    h = hashlib.sha256()
    for path in (STYLESHEET, *FONTS):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    h.update(metadata.version("weasyprint").encode() + b"\0" + __version__.encode())
    h.update(Path(__file__).read_bytes())  # the checks shape the verdict
    h.update(Path(continued.__file__).read_bytes())  # and the repeated headings the layout
    return h.digest()


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = " ".join(record.getMessage().split())
        if text not in self.messages:
            self.messages.append(text)


def _layout_problems(document) -> list[str]:
    """Text closer than 0.5 in to an edge, or wider than the box it sits in."""
    from weasyprint.formatting_structure import boxes

    problems: list[str] = []

    def walk(box, container, number: int, width: float, height: float) -> None:
        if isinstance(box, boxes.BlockContainerBox) and not isinstance(box, boxes.LineBox):
            container = box
        if isinstance(box, boxes.TextBox) and box.text.strip():
            left, top = box.position_x, box.position_y
            right, bottom = left + box.width, top + box.height
            text = " ".join(box.text.split())[:40]
            if (
                left < EDGE - 0.5
                or right > width - EDGE + 0.5
                or top < EDGE - 0.5
                or bottom > height - EDGE + 0.5
            ):
                problems.append(
                    f"page {number}: text is less than 0.5 in from the paper's edge: {text!r}"
                )
            if container is not None:
                limit = container.content_box_x() + container.width
                if right > limit + 1:
                    problems.append(f"page {number}: text runs out of its box: {text!r}")
        for child in getattr(box, "children", ()):
            walk(child, container, number, width, height)

    for number, page in enumerate(document.pages, start=1):
        walk(page._page_box, None, number, page.width, page.height)
    return list(dict.fromkeys(problems))


def _split_list_problems(document) -> list[str]:
    """Pages that open with a later item of a numbered list begun on the page before.

    Each item is kept whole (``break-inside: avoid``), but a list can still be cut between two
    items: a clinic's taller masthead or a longer translation can push the last action ("Call
    911") or a naloxone step over to the next page, away from the rest.
    """
    problems = []
    for number, page in enumerate(document.pages[1:], start=2):
        chain = continued.first_line(page._page_box, []) or []
        for parent, child in itertools.pairwise(chain):
            items = [item for item in parent if item.tag == "li"] if parent.tag == "ol" else []
            if child in items and items.index(child) > 0:
                problems.append(
                    f"page {number} opens with item {items.index(child) + 1} of a numbered "
                    "list: the list is cut in two; shorten the text before it"
                )
    return problems


def _footer_margin(document) -> float | None:
    """The bottom margin (CSS px) the running footer needs, when it is taller than its margin.

    The footer (disclaimer, review line, page number) sits in the page's bottom margin, which
    CSS cannot size to its content. A longer disclaimer, a translation or a clinic's own text
    can make it taller: the handout is then laid out again with a margin that fits it.
    """
    from weasyprint.formatting_structure import boxes

    needed = 0.0
    for page in document.pages:
        for box in page._page_box.children:
            if not (isinstance(box, boxes.MarginBox) and box.at_keyword == "@bottom-center"):
                continue
            if not box.children:
                continue
            bottom = max(child.position_y + child.margin_height() for child in box.children)
            overflow = bottom - (page.height - EDGE)
            if overflow > 0.5:
                needed = max(needed, page.height - box.position_y + overflow + 2)
    return needed or None


def _font_problems(data: bytes) -> list[str]:
    """Every font in the PDF must be one of the bundled ones: a font the system happens to have
    (a style or an SVG that names another family) would print differently on every machine."""
    from pypdf import PdfReader

    def resolved(value):
        return value.get_object() if hasattr(value, "get_object") else value

    family = BUNDLED_FAMILY.replace(" ", "").lower()
    names: set[str] = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        resources = [resolved(page.get("/Resources", {}))]
        while resources:
            res = resources.pop()
            for font in resolved(res.get("/Font", {})).values():
                names.add(str(resolved(font).get("/BaseFont", "")).lstrip("/"))
            for xobject in resolved(res.get("/XObject", {})).values():
                xobject = resolved(xobject)
                if "/Resources" in xobject:
                    resources.append(resolved(xobject["/Resources"]))
    problems = []
    for name in sorted(names):
        plain = name.split("+", 1)[-1].replace("-", "").replace("_", "").lower()
        if not plain.startswith(family):
            problems.append(
                f"uses the font {name.split('+', 1)[-1]!r}, which is not bundled; "
                "use the font family 'Atkinson Hyperlegible'"
            )
    return problems


def _disclaimer_problems(data: bytes, text: str) -> list[str]:
    from pypdf import PdfReader

    from .disclaimer import normalise

    problems = []
    for number, page in enumerate(PdfReader(io.BytesIO(data)).pages, start=1):
        if text not in normalise(page.extract_text() or ""):
            problems.append(f"the disclaimer is missing from printed page {number}")
    return problems


def _thumbnail(data: bytes, target: str) -> None:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        page = document[0]
        image = page.render(scale=160 / page.get_width()).to_pil().convert("L")
        out = io.BytesIO()
        image.save(out, format="PNG", optimize=True)
    finally:
        document.close()
    write_atomically(Path(target), out.getvalue())


def stage(target: Path, data: bytes) -> Path:
    """Write ``data`` to a temporary file beside ``target`` and flush it to disk; the caller
    renames it into place (or removes it). A failure leaves no temporary file behind."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def write_atomically(target: Path, data: bytes) -> None:
    """Write to a temporary file beside ``target``, flush it to disk, then rename it."""
    tmp = stage(target, data)
    try:
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def render(task: Task) -> dict:
    """Print, check and cache one PDF; returns its facts (also written to ``task.facts``)."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    log = _Collect()
    wp_logger = logging.getLogger("weasyprint")
    wp_logger.addHandler(log)
    problems: list[str] = []
    pages, size = 0, 0
    try:
        fetcher = make_fetcher(task.policy)
        fonts = FontConfiguration()
        stylesheets = [
            CSS(filename=str(STYLESHEET), url_fetcher=fetcher, font_config=fonts),
            CSS(string=task.paper_css, url_fetcher=fetcher, font_config=fonts),
        ]
        options = {"pdf_variant": "pdf/ua-1", "pdf_forms": True}
        html = HTML(string=task.html, base_url=task.base_url, url_fetcher=fetcher)
        document = html.render(stylesheets=stylesheets, font_config=fonts, **options)
        margin = _footer_margin(document)
        height = document.pages[0].height if document.pages else 0
        if margin and margin > FOOTER_SHARE * height:
            problems.append(
                f"the footer (the short disclaimer and the review line) needs "
                f"{margin / 96:.1f} in of the page's {height / 96:.1f} in; shorten the 'short' "
                "text in the disclaimer file (data/disclaimer.yaml)"
            )
            margin = None
        if margin:
            fit = f"margin-bottom: {margin:.1f}px;"
            stylesheets.append(
                CSS(string=f"@page {{ {fit} }} @page large-print {{ {fit} }}", font_config=fonts)
            )
            document = html.render(stylesheets=stylesheets, font_config=fonts, **options)
        if len(document.pages) > task.max_pages and "kd-page-break" in task.html:
            # A page break is where the writer would like the next page to begin. When the
            # text does not fit with it (a longer translation, a clinic's longer footer), the
            # handout flows on without it before it is refused for its length.
            stylesheets.append(
                CSS(string=".kd-page-break { break-before: auto; }", font_config=fonts)
            )
            document = html.render(stylesheets=stylesheets, font_config=fonts, **options)
        for _ in range(3):  # a repeated heading can move a later page break: look again
            points = continued.openings(document)
            root = html.etree_element
            marked = continued.mark(root, points, continued.label_of(root)) if points else None
            if marked is None:
                break
            again = HTML(string=marked, base_url=task.base_url, url_fetcher=fetcher)
            laid = again.render(stylesheets=stylesheets, font_config=fonts, **options)
            if len(laid.pages) > len(document.pages):  # never longer for it
                break
            html, document = again, laid
        pages = len(document.pages)
        if document.metadata.attachments or any(
            link[0] == "attachment" for page in document.pages for link in page.links
        ):
            problems.append("it asks to attach a file to the PDF; handouts carry no attachments")
        problems += _layout_problems(document)
        problems += _split_list_problems(document)
        if pages > task.max_pages:
            problems.append(
                f"prints on {pages} pages; this edition must fit {task.max_pages}: shorten it"
            )
        data = document.write_pdf(pdf_identifier=bytes.fromhex(task.digest[:32]), **options)
        size = len(data)
        problems += _disclaimer_problems(data, task.disclaimer)
        problems += _font_problems(data)
        problems += [
            f"refused to load {url}: handouts may only use the project's own files"
            for url in fetcher.refused
        ]
        refused = tuple(fetcher.refused)
        problems += [
            f"WeasyPrint: {m}" for m in log.messages if not any(url in m for url in refused)
        ]
        del document, fonts
        if not problems:
            write_atomically(Path(task.pdf), data)
            if task.thumbnail:
                _thumbnail(data, task.thumbnail)
        else:  # kept apart, never published: for a writer to look at
            write_atomically(Path(task.pdf).with_suffix(".failed.pdf"), data)
    except Exception as exc:  # a print that fails is a problem of this PDF, not a crash
        problems.append(f"printing failed: {type(exc).__name__}: {exc}")
    finally:
        wp_logger.removeHandler(log)
    facts = {"pages": pages, "size": size, "problems": problems}
    with contextlib.suppress(OSError):
        write_atomically(Path(task.facts), json.dumps(facts, sort_keys=True).encode())
    return facts


def _init_worker(scratch: str) -> None:
    # WeasyPrint copies fonts into a temporary folder that a worker's abrupt exit never
    # removes; keep them in a folder the parent deletes after the pool.
    tempfile.tempdir = scratch
    os.environ["TMPDIR"] = scratch
    # A worker must not outlive its build (killed, say, by the out-of-memory killer): it dies
    # with its parent, and it never holds the build lock, which it inherited when forked.
    from . import buildlock

    if buildlock.LOCK_FD is not None:
        with contextlib.suppress(OSError):
            os.close(buildlock.LOCK_FD)
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        with contextlib.suppress(OSError, AttributeError):
            PR_SET_PDEATHSIG = 1
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() == 1:  # the build died before this line
            os._exit(1)


def _load_or(task: Task, failed: dict) -> dict:
    """A task's facts if its worker wrote them, else ``failed`` (written in their place)."""
    with contextlib.suppress(OSError, ValueError):
        facts = json.loads(Path(task.facts).read_text(encoding="utf-8"))
        if isinstance(facts, dict) and (facts.get("problems") or Path(task.pdf).is_file()):
            return facts
    with contextlib.suppress(OSError):
        write_atomically(Path(task.facts), json.dumps(failed, sort_keys=True).encode())
    return failed


def render_all(tasks: list[Task], workers: int, scratch: Path) -> list[dict]:
    """Print ``tasks``, in ``workers`` processes when there are several."""
    import shutil
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool
    from multiprocessing import get_context

    scratch.mkdir(parents=True, exist_ok=True)
    try:
        if workers <= 1 or len(tasks) == 1:
            old = tempfile.tempdir
            tempfile.tempdir = str(scratch)
            try:
                return [render(task) for task in tasks]
            finally:
                tempfile.tempdir = old
        # fork: workers start at once, with the parent's modules already imported.
        method = "fork" if sys.platform.startswith("linux") else "spawn"
        try:
            with ProcessPoolExecutor(
                min(workers, len(tasks)),
                mp_context=get_context(method),
                initializer=_init_worker,
                initargs=(str(scratch),),
            ) as pool:
                return list(pool.map(render, tasks))
        except BrokenProcessPool:  # a worker was killed: what it had not finished is a problem
            stopped = "printing failed: a print worker stopped before it finished (was it killed?)"
            return [
                _load_or(task, {"pages": 0, "size": 0, "problems": [stopped]}) for task in tasks
            ]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
