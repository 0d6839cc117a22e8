"""The real project, built as ``make`` builds it: every page and every PDF page is checked."""

from __future__ import annotations

import re

import pytest
from checks import disclaimer_text, html_disclaimer_problems, pdf_problems
from conftest import REPO, run_sphinx

HANDOUTS = sorted(
    p.stem for p in (REPO / "handouts").glob("*.md") if p.name != "index.md"
)
PAPERS = ("letter", "a4")
EDITIONS = {"": 2, "-large-print": None}  # suffix -> page limit


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
        published = site.html / "handouts" / pdf.name
        assert published.read_bytes() == pdf.read_bytes()


@pytest.mark.parametrize("handout", HANDOUTS)
@pytest.mark.parametrize("paper", PAPERS)
@pytest.mark.parametrize("edition", EDITIONS)
def test_every_pdf_page_passes(site, handout, paper, edition):
    pdf = site.handouts / f"{handout}{edition}-{paper}.pdf"
    problems = pdf_problems(
        pdf, disclaimer=disclaimer_text(), paper=paper, max_pages=EDITIONS[edition]
    )
    assert problems == []


def test_handout_pages_offer_their_pdfs(site):
    for handout in HANDOUTS:
        page = (site.html / "handouts" / f"{handout}.html").read_text()
        links = set(re.findall(r'href="([^"]+\.pdf)"', page))
        assert links == {f"{handout}{e}-{p}.pdf" for e in EDITIONS for p in PAPERS}
        for link in links:
            assert (site.html / "handouts" / link).is_file()


def test_two_clean_builds_give_identical_pdfs(site, tmp_path):
    """A second, independent build (the handouts builder) prints the same bytes."""
    from conftest import BASE_URL

    proc = run_sphinx(REPO, tmp_path, "handouts", env={"KRATOM_DOCS_BASE_URL": BASE_URL})
    assert proc.returncode == 0, proc.stderr[-3000:]
    again = sorted((tmp_path / "handouts").glob("*.pdf"))
    assert [p.name for p in again] == [p.name for p in site.pdfs()]
    for first, second in zip(site.pdfs(), again, strict=True):
        assert first.read_bytes() == second.read_bytes(), first.name


def test_what_readers_expect_of_a_site(site):
    """Search, a sitemap, Open Graph metadata, a 404 page, a print stylesheet."""
    from conftest import BASE_URL

    assert (site.html / "search.html").is_file() and (site.html / "searchindex.js").is_file()
    sitemap = (site.html / "sitemap.xml").read_text()
    for page in ("index.html", "docs/hair-loss.html", "handouts/stopping-kratom.html"):
        assert f"<loc>{BASE_URL}{page}</loc>" in sitemap
    page = (site.html / "docs" / "hair-loss.html").read_text()
    assert '<meta property="og:title" content="Kratom and hair loss' in page
    assert '<meta name="description" content="' in page
    assert '<meta name="dcterms.modified" content="2026-11-26"' in page
    not_found = (site.html / "404.html").read_text()
    assert "Page not found" in not_found
    css = next((site.html / "_static").glob("kratom-site.css")).read_text()
    assert "@media print" in css


def test_the_handouts_builder_writes_only_pdfs(tmp_path):
    proc = run_sphinx(REPO, tmp_path, "handouts")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert {p.suffix for p in (tmp_path / "handouts").iterdir()} == {".pdf"}
