"""One of each thing the tests share: a loopback server, the rule for what counts as a page,
a PDF text extractor (poppler's, not the one the build uses), and the PDF and HTML checks.

Each check returns a list of problems (empty: the output passes), so a test can show that the
check itself catches a seeded fault.
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import os
import shutil
import subprocess
import threading
from contextlib import contextmanager
from pathlib import Path

import pikepdf
import pytest
import yaml

from kratom_docs import engine
from kratom_docs.disclaimer import normalise
from kratom_docs.fetcher import FetchPolicy, file_url

REPO = Path(__file__).resolve().parent.parent
PAPER_POINTS = {"letter": (612, 792), "a4": (595, 842)}


def fast_first(cases) -> list:
    """Parameters for a test that builds once per case: the fast loop (``-m "not slow"``) runs the
    first case, ``make test`` runs them all. A case may be a tuple of several parameters."""
    return [
        pytest.param(
            *(case if isinstance(case, tuple) else (case,)),
            marks=() if i == 0 else pytest.mark.slow,
        )
        for i, case in enumerate(cases)
    ]


needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="needs Debian's poppler-utils (pdftotext, pdftoppm)"
)


# -- what counts as a page -------------------------------------------------------------------


def html_pages(folder: Path) -> list[Path]:
    """Every HTML page a reader can open: not the theme's assets or Sphinx's own folders."""
    return sorted(
        p
        for p in folder.rglob("*.html")
        if not any(part.startswith(("_", ".")) for part in p.relative_to(folder).parts[:-1])
    )


def handout_sources(repo: Path = REPO) -> list[Path]:
    return sorted(
        p for p in (repo / "handouts").glob("*.md") if p.stem not in {"index", "download"}
    )


def reader_sources(repo: Path = REPO) -> list[Path]:
    return [repo / "index.md", *sorted((repo / "docs").glob("*.md"))]


def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])


# -- a loopback server ---------------------------------------------------------------------------


class Recorder(http.server.SimpleHTTPRequestHandler):
    """Serves a folder (or nothing) on 127.0.0.1, and remembers every request it got."""

    requests: list[str]

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        self.server.requests.append(self.path)  # type: ignore[attr-defined]
        if self.server.folder is None:  # type: ignore[attr-defined]
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(b"\x89PNG\r\n\x1a\n")
            return
        super().do_GET()

    do_HEAD = do_GET


@contextmanager
def loopback(folder: Path | None = None):
    """``with loopback(folder) as (base_url, requests)``: a server on 127.0.0.1."""
    handler = functools.partial(Recorder, directory=str(folder or REPO))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.requests = []  # type: ignore[attr-defined]
    server.folder = folder  # type: ignore[attr-defined]
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/", server.requests  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()


# -- text -----------------------------------------------------------------------------------------


def disclaimer_text(language: str = "en", repo: Path = REPO) -> str:
    """The short disclaimer, read from its one source."""
    data = yaml.safe_load((repo / "data" / "disclaimer.yaml").read_text(encoding="utf-8"))
    return normalise(data[language]["short"])


def html_text(path: Path) -> str:
    from bs4 import BeautifulSoup

    return normalise(BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").get_text(" "))


def pdf_page_texts(path: Path) -> list[str]:
    """Each page's text, extracted by poppler (the build itself uses pypdf)."""
    with pikepdf.open(path) as pdf:
        count = len(pdf.pages)
    texts = []
    for number in range(1, count + 1):
        out = subprocess.run(
            ["pdftotext", "-f", str(number), "-l", str(number), str(path), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        texts.append(normalise(out))
    return texts


# -- checks ---------------------------------------------------------------------------------------


def html_disclaimer_problems(pages: list[Path], disclaimer: str) -> list[str]:
    return [f"{page.name}: no disclaimer" for page in pages if disclaimer not in html_text(page)]


def pdf_problems(
    path: Path, *, disclaimer: str, paper: str, max_pages: int | None, language: str = "en"
) -> list[str]:
    """Everything a printed handout must be: tagged, titled, right size, fonts in, disclaimer."""
    problems = []
    with pikepdf.open(path) as pdf:
        root = pdf.Root
        if not bool(root.get("/MarkInfo", {}).get("/Marked", False)):
            problems.append("not tagged (/MarkInfo /Marked)")
        if "/StructTreeRoot" not in root:
            problems.append("no structure tree")
        lang = str(root.get("/Lang", ""))
        if not lang.startswith(language):
            problems.append(f"/Lang is {lang!r}, not {language!r}")
        if not bool(root.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False)):
            problems.append("title not displayed (DisplayDocTitle)")
        title = str(pdf.docinfo.get("/Title", "")) if pdf.docinfo else ""
        if not title.strip():
            problems.append("no /Title")
        with pdf.open_metadata() as meta:
            if meta.get("pdfuaid:part") != "1":
                problems.append("no PDF/UA-1 identification in XMP")
        if "/Outlines" not in root:
            problems.append("no bookmarks")
        if max_pages and len(pdf.pages) > max_pages:
            problems.append(f"{len(pdf.pages)} pages (at most {max_pages})")
        if "/Names" in root and "/EmbeddedFiles" in root.Names:
            problems.append("has embedded files (attachments)")
        want = PAPER_POINTS[paper]
        for number, page in enumerate(pdf.pages, start=1):
            box = [float(v) for v in page.MediaBox]
            size = (round(box[2] - box[0]), round(box[3] - box[1]))
            if size != want:
                problems.append(f"page {number} is {size} points, not {paper} {want}")
            for annot in page.get("/Annots", []):
                if annot.get("/Subtype") == "/FileAttachment":
                    problems.append(f"page {number}: a file attachment")
            fonts = page.Resources.get("/Font", {})
            for name, font in fonts.items():
                descendants = font.get("/DescendantFonts")
                desc = (descendants[0] if descendants else font).get("/FontDescriptor", {})
                if not any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    problems.append(f"page {number}: font {name} is not embedded")
    for number, text in enumerate(pdf_page_texts(path), start=1):
        if disclaimer not in text:
            problems.append(f"page {number}: no disclaimer")
    return problems


def tree_of(folder: Path, suffix: str = ".pdf") -> dict[str, bytes]:
    """Every file with ``suffix`` below ``folder``, by relative path: for byte comparisons."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob(f"*{suffix}"))
        if p.is_file()
    }


def structure(path: Path) -> list[tuple[str, str | None]]:
    """The tagged structure of a PDF, in order: (role, alternate text) per element."""
    found: list[tuple[str, str | None]] = []

    def walk(node) -> None:
        if isinstance(node, pikepdf.Dictionary):
            role = node.get("/S")
            if role is not None:
                alt = node.get("/Alt")
                found.append((str(role), str(alt) if alt is not None else None))
            if "/K" in node:
                walk(node.K)
        elif isinstance(node, pikepdf.Array):
            for child in node:
                walk(child)

    with pikepdf.open(path) as pdf:
        if "/StructTreeRoot" in pdf.Root:
            walk(pdf.Root.StructTreeRoot.get("/K"))
    return found


def published_pdfs(out: Path) -> list[Path]:
    """PDFs a clinic could print: in the site and in ``handouts/`` (not the build's cache)."""
    return sorted(p for p in out.rglob("*.pdf") if "doctrees" not in p.relative_to(out).parts)


# -- print tasks for the engine's unit tests ---------------------------------------------------

HERE = Path(engine.__file__).parent
FOOTER = '<div class="running-footer"><p class="footer-disclaimer">{}</p></div>'


def task(
    tmp_path: Path,
    body: str,
    *,
    policy: FetchPolicy | None = None,
    max_pages: int = 2,
    footer: bool = True,
    paper: str = "letter",
) -> engine.Task:
    head = FOOTER.format(disclaimer_text()) if footer else ""
    html = (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>T</title>'
        f"</head><body>{head}<main><h1>T</h1>{body}</main></body></html>"
    )
    digest = hashlib.sha256(html.encode()).hexdigest()
    site = tmp_path / "site" / "handouts" / "t.html"
    return engine.Task(
        digest=digest,
        name="t.pdf",
        html=html,
        base_url=file_url(site),
        paper_css="@page { size: %s; }" % ("A4" if paper == "a4" else "letter"),
        max_pages=max_pages,
        disclaimer=disclaimer_text(),
        policy=policy or FetchPolicy(folders=(str(HERE / "fonts"), str(HERE / "static"))),
        pdf=str(tmp_path / "cache" / f"{digest}.pdf"),
        facts=str(tmp_path / "cache" / "f.json"),
    )


# -- print measures (pdfminer.six, a third extractor) ------------------------------------------


def pdf_lines(path: Path) -> list[dict]:
    """Every text line of a PDF: page, box (points, origin bottom-left), text, character sizes."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTChar, LTTextContainer, LTTextLine

    lines = []

    def walk(item, number: int, width: float, height: float) -> None:
        if isinstance(item, LTTextLine):
            chars = [c for c in item if isinstance(c, LTChar) and c.get_text().strip()]
            if chars:
                lines.append(
                    {
                        "page": number,
                        "x0": item.x0,
                        "y0": item.y0,
                        "x1": item.x1,
                        "y1": item.y1,
                        "text": item.get_text().strip(),
                        "sizes": [round(c.size, 1) for c in chars],
                        "width": width,
                        "height": height,
                    }
                )
            return
        if isinstance(item, LTTextContainer) or hasattr(item, "__iter__"):
            for child in item:
                walk(child, number, width, height)

    for number, page in enumerate(extract_pages(str(path), laparams=LAParams()), start=1):
        walk(page, number, page.width, page.height)
    return lines


def edge_problems(lines: list[dict], margin: float = 36.0) -> list[str]:
    """Text closer than ``margin`` points (0.5 in) to a paper edge."""
    return [
        f"page {ln['page']}: {ln['text'][:40]!r} is {min(ln['x0'], ln['y0'], ln['width'] - ln['x1'], ln['height'] - ln['y1']):.0f} pt from an edge"
        for ln in lines
        if min(ln["x0"], ln["y0"], ln["width"] - ln["x1"], ln["height"] - ln["y1"]) < margin - 0.5
    ]


#: Debian's chromium, run so that it contacts no host of its own accord.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser"):
        if found := shutil.which(name):
            return found
    return None


def skip_without_browser(reason: str) -> None:
    """Skip a browser test with ``reason``, or fail it where CI sets KRATOM_DOCS_REQUIRE_BROWSER."""
    if os.environ.get("KRATOM_DOCS_REQUIRE_BROWSER"):
        pytest.fail(f"{reason} (KRATOM_DOCS_REQUIRE_BROWSER is set: the browser tests must run)")
    pytest.skip(reason)
