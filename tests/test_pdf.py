"""Printing handouts: the guards in the renderer, the output checks, and incremental rebuilds."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pikepdf
import pytest
from checks import disclaimer_text, pdf_problems
from conftest import run_sphinx

from kratom_docs import pdf

FOOTER = '<div class="running-footer"><p class="footer-disclaimer">{}</p></div>'


def make_job(tmp_path: Path, body: str, *, footer: bool = True, paper: str = "letter",
             max_pages: int | None = 2) -> pdf.Job:
    source = tmp_path / "print.html"
    head = FOOTER.format(disclaimer_text()) if footer else ""
    source.write_text(
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>T</title></head>'
        f"<body>{head}<main><h1>T</h1>{body}</main></body></html>"
    )
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    return pdf.Job(docname="handouts/t", edition="standard", paper=paper, source=source,
                   target=tmp_path / "out" / "t.pdf", max_pages=max_pages,
                   disclaimer=disclaimer_text(), digest=digest)


def test_a_good_handout_is_written_and_passes_every_check(tmp_path):
    job = make_job(tmp_path, "<p>Short.</p>")
    result = pdf.render(job)
    assert result.problems == ()
    assert pdf_problems(job.target, disclaimer=disclaimer_text(), paper="letter",
                        max_pages=2) == []


def test_a_printed_page_without_the_disclaimer_is_never_written(tmp_path):
    """Seeded fault: the print page lacks the running footer."""
    job = make_job(tmp_path, "<p>Short.</p>", footer=False)
    result = pdf.render(job)
    assert "the disclaimer is missing from printed page 1" in result.problems
    assert not job.target.exists()


def test_an_overflowing_handout_is_reported_and_not_written(tmp_path):
    job = make_job(tmp_path, "<p>Long text.</p>" * 400)
    result = pdf.render(job)
    assert result.pages > 2
    assert any("a handout must fit 2" in p for p in result.problems)
    assert not job.target.exists()


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_paper_sizes(tmp_path, paper):
    job = make_job(tmp_path, "<p>Short.</p>", paper=paper)
    assert pdf.render(job).problems == ()
    other = "a4" if paper == "letter" else "letter"
    assert pdf_problems(job.target, disclaimer=disclaimer_text(), paper=paper, max_pages=2) == []
    assert any("points, not" in p for p in pdf_problems(
        job.target, disclaimer=disclaimer_text(), paper=other, max_pages=2))


def test_the_pdf_check_catches_each_seeded_fault(tmp_path):
    from weasyprint import HTML

    job = make_job(tmp_path, "<p>Text.</p>" * 200, max_pages=None)
    assert pdf.render(job).problems == ()
    good = job.target
    check = dict(disclaimer=disclaimer_text(), paper="letter", max_pages=2)
    assert any("pages (at most 2)" in p for p in pdf_problems(good, **check))

    untagged = tmp_path / "untagged.pdf"
    HTML(filename=str(job.source)).write_pdf(untagged)
    problems = pdf_problems(untagged, **{**check, "max_pages": None})
    assert "not tagged (/MarkInfo /Marked)" in problems
    assert "no structure tree" in problems
    assert "title not displayed (DisplayDocTitle)" in problems

    (tmp_path / "nf").mkdir()
    no_footer = make_job(tmp_path / "nf", "<p>Text.</p>", footer=False)
    HTML(filename=str(no_footer.source)).write_pdf(
        tmp_path / "nofooter.pdf", pdf_variant="pdf/ua-1")
    assert "page 1: no disclaimer" in pdf_problems(tmp_path / "nofooter.pdf", **check)

    stripped = tmp_path / "no-fonts.pdf"
    with pikepdf.open(good) as doc:
        for page in doc.pages:
            for font in page.Resources.Font.values():
                desc = font.DescendantFonts[0].FontDescriptor
                for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                    if key in desc:
                        del desc[key]
        doc.Root.Lang = pikepdf.String("de")
        doc.save(stripped)
    problems = pdf_problems(stripped, **{**check, "max_pages": None})
    assert any("is not embedded" in p for p in problems)
    assert "/Lang is 'de', not 'en'" in problems


def test_a_failed_write_leaves_the_previous_pdf(tmp_path):
    target = tmp_path / "h.pdf"
    target.write_bytes(b"%PDF previous")
    with pytest.raises(TypeError):
        pdf._write_atomically(target, "not bytes")  # fails half-way through the write
    assert target.read_bytes() == b"%PDF previous"
    assert [p.name for p in tmp_path.iterdir()] == ["h.pdf"]


def test_editing_one_handout_reprints_only_its_pdfs(project_copy, tmp_path):
    out = tmp_path / "out"
    first = run_sphinx(project_copy, out)
    assert first.returncode == 0, first.stderr
    pdfs = {p.name: p for p in (out / "handouts").glob("*.pdf")}
    assert set(pdfs) == {"sample-letter.pdf", "other-letter.pdf"}
    stamps = {name: os.stat(p).st_mtime_ns for name, p in pdfs.items()}

    again = run_sphinx(project_copy, out)  # nothing changed: nothing printed
    assert again.returncode == 0, again.stderr
    assert "printing" not in again.stdout
    assert {n: os.stat(p).st_mtime_ns for n, p in pdfs.items()} == stamps

    page = project_copy / "handouts" / "other.md"
    page.write_text(page.read_text() + "\nOne more sentence.\n")
    edited = run_sphinx(project_copy, out)
    assert edited.returncode == 0, edited.stderr
    assert "printing 1 handout PDF(s)" in edited.stdout
    assert os.stat(pdfs["sample-letter.pdf"]).st_mtime_ns == stamps["sample-letter.pdf"]
    assert os.stat(pdfs["other-letter.pdf"]).st_mtime_ns != stamps["other-letter.pdf"]


def test_an_incremental_build_gives_the_same_bytes_as_a_clean_one(project_copy, tmp_path):
    """After a new commit (a new SOURCE_DATE_EPOCH), `make` equals a clean build."""
    later = {"SOURCE_DATE_EPOCH": "1800000000"}
    assert run_sphinx(project_copy, tmp_path / "inc").returncode == 0
    assert run_sphinx(project_copy, tmp_path / "inc", env=later).returncode == 0
    assert run_sphinx(project_copy, tmp_path / "clean", env=later).returncode == 0
    for name in ("sample-letter.pdf", "other-letter.pdf"):
        incremental = (tmp_path / "inc" / "handouts" / name).read_bytes()
        assert incremental == (tmp_path / "clean" / "handouts" / name).read_bytes()
