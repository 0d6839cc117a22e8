"""Checks over built outputs. Each returns a list of problems (empty: the output passes), so a
test can show that the check itself catches a seeded fault."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import yaml
from pypdf import PdfReader

from kratom_docs.disclaimer import normalise

REPO = Path(__file__).resolve().parent.parent
PAPER_POINTS = {"letter": (612, 792), "a4": (595, 842)}




def disclaimer_text(language: str = "en") -> str:
    """The short disclaimer, read from its one source."""
    data = yaml.safe_load((REPO / "data" / "disclaimer.yaml").read_text())
    return normalise(data[language]["short"])


def html_text(path: Path) -> str:
    from bs4 import BeautifulSoup

    return normalise(BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").get_text(" "))


def html_disclaimer_problems(pages: list[Path], disclaimer: str) -> list[str]:
    problems = []
    for page in pages:
        if disclaimer not in html_text(page):
            problems.append(f"{page.name}: no disclaimer")
    return problems


def pdf_page_texts(path: Path) -> list[str]:
    return [normalise(p.extract_text() or "") for p in PdfReader(path).pages]


def pdf_problems(path: Path, *, disclaimer: str, paper: str, max_pages: int | None,
                 language: str = "en") -> list[str]:
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
        want = PAPER_POINTS[paper]
        for number, page in enumerate(pdf.pages, start=1):
            box = [float(v) for v in page.MediaBox]
            size = (round(box[2] - box[0]), round(box[3] - box[1]))
            if size != want:
                problems.append(f"page {number} is {size} points, not {paper} {want}")
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
