"""The printer's checks, each shown to catch a seeded fault; the PDF checks of the tests too."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from helpers import disclaimer_text, needs_poppler, pdf_problems, task

from kratom_docs import engine

pytestmark = pytest.mark.slow  # every test here prints a PDF


def written(result: dict, t: engine.Task) -> bool:
    return Path(t.pdf).is_file()


@needs_poppler
def test_a_good_handout_is_written_and_passes_every_check(tmp_path):
    t = task(tmp_path, "<p>Short.</p>")
    result = engine.render(t)
    assert result["problems"] == [] and written(result, t)
    assert (
        pdf_problems(Path(t.pdf), disclaimer=disclaimer_text(), paper="letter", max_pages=2) == []
    )


@pytest.mark.parametrize(
    ("body", "kwargs", "expected"),
    [
        ("<p>Short.</p>", {"footer": False}, "the disclaimer is missing from printed page 1"),
        ("<p>Long text.</p>" * 400, {}, "this edition must fit 2: shorten it"),
        (
            '<p style="margin-left: -0.5in">Too close to the edge.</p>',
            {},
            "text is less than 0.5 in from the paper's edge",
        ),
        (  # 0.45 in from the edge (0.75 in margin, 0.1 in inset): inches, not pixels
            '<p style="margin-left: -0.4in">Nearly at the edge.</p>',
            {},
            "text is less than 0.5 in from the paper's edge",
        ),
        (
            '<div style="width: 1in"><p>Unbreakablewordthatisfarwiderthanitsbox</p></div>',
            {},
            "text runs out of its box",
        ),
        (  # the page is full before the list ends: its last items go to page 2
            '<p style="height: 8in">Tall.</p><ol>' + "<li>An action.</li>" * 8 + "</ol>",
            {},
            "page 2 opens with item 2 of a numbered list",
        ),
        ('<p style="colr: red">A typo in a style.</p>', {}, "WeasyPrint: Ignored"),
        pytest.param(
            '<p style="font-family: serif">A system font.</p>',
            {},
            "which is not bundled",
            marks=pytest.mark.skipif(
                not shutil.which("fc-list")
                or not subprocess.run(["fc-list"], capture_output=True, text=True).stdout,
                reason="this machine has no system fonts to fall back on",
            ),
        ),
        ('<img src="missing.png" alt="x">', {}, "refused to load file://"),
    ],
)
def test_each_check_catches_its_seeded_fault(tmp_path, body, kwargs, expected):
    t = task(tmp_path, body, **kwargs)
    result = engine.render(t)
    assert any(expected in p for p in result["problems"]), result["problems"]
    assert not written(result, t)


def test_a_list_that_starts_on_a_new_page_is_not_cut(tmp_path):
    brk = '<div style="break-before: page"></div>'
    t = task(tmp_path, "<p>Page one.</p>" + brk + "<ol>" + "<li>An action.</li>" * 3 + "</ol>")
    result = engine.render(t)
    assert result["problems"] == [] and result["pages"] == 2, result


@needs_poppler
def test_a_footer_taller_than_its_margin_gets_a_deeper_margin(tmp_path):
    from helpers import edge_problems, pdf_lines

    t = task(tmp_path, "<p>Short.</p>" * 3)
    long = "<p>" + "A longer printed notice, as a translation or a clinic may have. " * 12 + "</p>"
    t = dataclasses.replace(t, html=t.html.replace("</div>", long + "</div>", 1))
    result = engine.render(t)
    assert result["problems"] == [] and written(result, t)
    assert edge_problems(pdf_lines(Path(t.pdf))) == []


@needs_poppler
def test_a_page_break_gives_way_when_the_text_would_not_fit_with_it(tmp_path):
    para = "<p>" + "A sentence that fills the page. " * 12 + "</p>"
    brk = '<div class="kd-page-break" aria-hidden="true"></div>'
    fits = task(tmp_path / "fits", para * 2 + brk + para * 2)  # one page without the break
    result = engine.render(fits)
    assert result["problems"] == [] and result["pages"] == 2, result  # the break is kept

    long = task(tmp_path / "long", para * 8 + brk + para * 2)  # 3 pages with it, 2 without
    result = engine.render(long)
    assert result["problems"] == [] and result["pages"] == 2, result


def test_a_footer_that_would_take_the_page_names_the_disclaimer_file(tmp_path):
    t = task(tmp_path, "<p>Short.</p>")
    huge = "<p>" + "A very long notice. " * 400 + "</p>"
    t = dataclasses.replace(t, html=t.html.replace("</div>", huge + "</div>", 1))
    result = engine.render(t)
    assert any("data/disclaimer.yaml" in p for p in result["problems"]), result["problems"]
    assert not written(result, t)


@needs_poppler
@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_paper_sizes(tmp_path, paper):
    t = task(tmp_path, "<p>Short.</p>", paper=paper)
    assert engine.render(t)["problems"] == []
    other = "a4" if paper == "letter" else "letter"
    check = {"disclaimer": disclaimer_text(), "max_pages": 2}
    assert pdf_problems(Path(t.pdf), paper=paper, **check) == []
    assert any("points, not" in p for p in pdf_problems(Path(t.pdf), paper=other, **check))


@needs_poppler
def test_the_pdf_check_catches_each_seeded_fault(tmp_path):
    from weasyprint import HTML

    t = task(tmp_path, "<p>Text.</p>" * 200, max_pages=9)
    assert engine.render(t)["problems"] == []
    good = Path(t.pdf)
    check = dict(disclaimer=disclaimer_text(), paper="letter", max_pages=2)
    assert any("pages (at most 2)" in p for p in pdf_problems(good, **check))

    untagged = tmp_path / "untagged.pdf"
    HTML(string=t.html).write_pdf(untagged)
    problems = pdf_problems(untagged, **{**check, "max_pages": None})
    assert "not tagged (/MarkInfo /Marked)" in problems
    assert "no structure tree" in problems
    assert "title not displayed (DisplayDocTitle)" in problems

    no_footer = tmp_path / "nofooter.pdf"
    HTML(string="<html lang=en><title>T</title><p>x</p></html>").write_pdf(
        no_footer, pdf_variant="pdf/ua-1"
    )
    assert "page 1: no disclaimer" in pdf_problems(no_footer, **check)

    stripped = tmp_path / "no-fonts.pdf"
    with pikepdf.open(good) as doc:
        for page in doc.pages:
            for font in page.Resources.Font.values():
                desc = font.DescendantFonts[0].FontDescriptor
                for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                    if key in desc:
                        del desc[key]
        doc.Root.Lang = pikepdf.String("de")
        doc.attachments["secret.txt"] = b"secret"
        doc.save(stripped)
    problems = pdf_problems(stripped, **{**check, "max_pages": None})
    assert any("is not embedded" in p for p in problems)
    assert "/Lang is 'de', not 'en'" in problems
    assert "has embedded files (attachments)" in problems


def test_a_failed_write_leaves_the_previous_pdf(tmp_path):
    target = tmp_path / "h.pdf"
    target.write_bytes(b"%PDF previous")
    with pytest.raises(TypeError):
        engine.write_atomically(target, "not bytes")  # fails half-way through the write
    assert target.read_bytes() == b"%PDF previous"
    assert [p.name for p in tmp_path.iterdir()] == ["h.pdf"]


def test_the_facts_are_written_after_the_pdf(tmp_path):
    t = task(tmp_path, "<p>Short.</p>")
    engine.render(t)
    assert Path(t.pdf).stat().st_mtime_ns <= Path(t.facts).stat().st_mtime_ns
