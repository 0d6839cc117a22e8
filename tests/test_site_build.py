"""The real project, built as ``make`` builds it: every page and every PDF page is checked."""

from __future__ import annotations

import re

import pytest
from conftest import BASE_URL, REPO, run_sphinx
from helpers import (
    disclaimer_text,
    front_matter,
    handout_sources,
    html_disclaimer_problems,
    pdf_problems,
)

pytestmark = pytest.mark.slow

HANDOUTS = [p.stem for p in handout_sources()]
PAPERS = ("letter", "a4")
EDITIONS = {"": 2, "-large-print": 4}  # suffix -> page limit


def test_build_has_no_warnings(site):
    assert site.process.returncode == 0, site.process.stderr[-5000:]
    assert "WARNING" not in site.process.stderr, site.process.stderr[-5000:]
    assert "ERROR" not in site.process.stderr


def test_every_html_page_carries_the_disclaimer(site):
    pages = site.pages()
    assert len(pages) >= 10
    assert html_disclaimer_problems(pages, disclaimer_text()) == []


def test_every_handout_has_every_pdf(site):
    assert len(HANDOUTS) >= 2
    expected = {f"{h}{e}-{p}.pdf" for h in HANDOUTS for e in EDITIONS for p in PAPERS}
    assert {p.name for p in site.pdfs()} == expected
    # the same files are published inside the site, next to each handout page
    for pdf in site.pdfs():
        assert (site.html / "handouts" / pdf.name).read_bytes() == pdf.read_bytes()


@pytest.mark.parametrize("handout", HANDOUTS)
@pytest.mark.parametrize("paper", PAPERS)
@pytest.mark.parametrize("edition", EDITIONS)
def test_every_pdf_page_passes(site, handout, paper, edition):
    pdf = site.handouts / f"{handout}{edition}-{paper}.pdf"
    assert (
        pdf_problems(pdf, disclaimer=disclaimer_text(), paper=paper, max_pages=EDITIONS[edition])
        == []
    )


def test_handout_pages_offer_their_pdfs(site):
    for handout in HANDOUTS:
        page = (site.html / "handouts" / f"{handout}.html").read_text()
        links = set(re.findall(r'href="([^"]+\.pdf)"', page))
        assert links == {f"{handout}{e}-{p}.pdf" for e in EDITIONS for p in PAPERS}
        for link in links:
            assert (site.html / "handouts" / link).is_file()


def test_two_clean_builds_give_identical_pdfs(site, tmp_path):
    """A second, independent build (the handouts builder) prints the same bytes."""
    proc = run_sphinx(REPO, tmp_path, "handouts", env={"KRATOM_DOCS_BASE_URL": BASE_URL})
    assert proc.returncode == 0, proc.stderr[-3000:]
    again = sorted((tmp_path / "handouts").glob("*.pdf"))
    assert [p.name for p in again] == [p.name for p in site.pdfs()]
    for first, second in zip(site.pdfs(), again, strict=True):
        assert first.read_bytes() == second.read_bytes(), first.name
    assert {p.suffix for p in (tmp_path / "handouts").iterdir()} == {".pdf"}


def test_what_readers_expect_of_a_site(site):
    """Search, a sitemap, Open Graph metadata, a 404 page, a print stylesheet, downloads."""
    assert (site.html / "search.html").is_file() and (site.html / "searchindex.js").is_file()
    sitemap = (site.html / "sitemap.xml").read_text()
    for page in ("index.html", "docs/hair-loss.html", "handouts/stopping-kratom.html"):
        assert f"<loc>{BASE_URL}{page}</loc>" in sitemap
    page = (site.html / "docs" / "hair-loss.html").read_text()
    assert '<meta property="og:title" content="' in page
    assert '<meta name="description" content="' in page
    reviewed = front_matter(REPO / "docs" / "hair-loss.md")["last_reviewed"]
    assert f'<meta name="dcterms.modified" content="{reviewed.isoformat()}"' in page
    assert "Page not found" in (site.html / "404.html").read_text()
    css = next((site.html / "_static").glob("kratom-site.css")).read_text()
    assert "@media print" in css
    downloads = (site.html / "handouts" / "download.html").read_text()
    for handout in HANDOUTS:
        assert f"{handout}-letter.pdf" in downloads
    assert (site.html / "handouts" / "kratom-handouts.zip").is_file()
    for handout in HANDOUTS:
        short = front_matter(REPO / "handouts" / f"{handout}.md").get("short_link", handout)
        redirect = (site.html / "h" / short / "index.html").read_text()
        assert f"../../handouts/{handout}.html" in redirect


def test_every_page_links_to_report_a_problem(site):
    from conftest import PROJECT_URL

    for page in site.pages():
        if page.name in {"404.html"}:
            continue
        assert f'href="{PROJECT_URL}/issues/new?title=' in page.read_text(), page.name


@pytest.mark.parametrize("handout", HANDOUTS)
def test_every_english_handout_carries_the_spanish_tagline(site, handout):
    from helpers import pdf_page_texts

    from kratom_docs.printpage import TAGLINES

    for edition in EDITIONS:
        pages = pdf_page_texts(site.handouts / f"{handout}{edition}-letter.pdf")
        assert " ".join(TAGLINES["es"].split()) in " ".join(" ".join(pages).split())
