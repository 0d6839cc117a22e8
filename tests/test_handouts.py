"""Patient handouts: reading level, print design, QR code, clinic co-branding and its errors."""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
from pathlib import Path

import pymupdf
import pytest
from bs4 import BeautifulSoup
from checks import pdf_page_texts
from conftest import BASE_URL, REPO, run_sphinx

from kratom_docs import clinic

HANDOUTS = sorted(p.stem for p in (REPO / "handouts").glob("*.md") if p.name != "index.md")


# -- reading level ----------------------------------------------------------------------------


def handout_body(page: Path) -> str:
    """The handout's own text: no footer, sources, help-line box, headings or page chrome.

    Every list item and paragraph ends a sentence, so bullets are not merged into one long one.
    """
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    main = soup.select_one('div[itemprop="articleBody"]')
    for drop in main.select("section#sources, .kd-helplines, h1, h2, h3, .admonition-title, "
                            ".headerlink"):
        drop.decompose()
    sentences = []
    for block in main.find_all(["p", "li"]):
        if block.find(["p", "li"]):
            continue  # the inner blocks are counted
        text = " ".join(block.get_text(" ").split())
        text = re.sub(r"\s+([.,;:!?])", r"\1", text)
        if text:
            sentences.append(text if text[-1] in ".!?" else text + ".")
    return " ".join(sentences)


@pytest.mark.parametrize("handout", HANDOUTS)
def test_reading_level(site, textstat, handout):
    body = handout_body(site.html / "handouts" / f"{handout}.html")
    assert len(body.split()) > 150
    assert textstat.flesch_kincaid_grade(body) <= 6.0
    assert textstat.smog_index(body) <= 8.0
    assert textstat.flesch_reading_ease(body) >= 70
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", body) if s]
    lengths = [len(s.split()) for s in sentences]
    assert statistics.mean(lengths) <= 15
    assert max(lengths) <= 25


def test_reading_level_check_catches_hard_text(textstat):
    hard = ("Mitragynine undergoes extensive hepatic biotransformation predominantly mediated by "
            "cytochrome P450 isoenzymes, generating pharmacologically consequential metabolites. ")
    assert textstat.flesch_kincaid_grade(hard * 5) > 6


@pytest.mark.parametrize("handout", HANDOUTS)
def test_structure_for_plain_language(site, handout):
    page = site.html / "handouts" / f"{handout}.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    main = soup.select_one('div[itemprop="articleBody"]')
    assert main.select_one(".key-message"), "no main-message box"
    for link in main.select(".headerlink"):
        link.decompose()
    headings = [h.get_text(" ").strip() for h in main.find_all("h2")]
    questions = [h for h in headings if h.endswith("?")]
    assert len(questions) >= len(headings) - 1, headings  # all but "Sources" are questions
    assert any(h.lower().startswith("what can you do") for h in headings)
    for listing in main.find_all(["ul", "ol"]):
        assert len(listing.find_all("li", recursive=False)) <= 7


# -- print design -----------------------------------------------------------------------------


def spans(pdf: Path):
    with pymupdf.open(pdf) as doc:
        for number, page in enumerate(doc, start=1):
            for block in page.get_text("dict")["blocks"]:
                for line in block.get("lines", []):
                    for span in line["spans"]:
                        if span["text"].strip():
                            yield number, span


@pytest.mark.parametrize("handout", HANDOUTS)
@pytest.mark.parametrize(("edition", "body_size"), [("", 12), ("-large-print", 18)])
def test_type_sizes_and_black_text(site, handout, edition, body_size):
    pdf = site.handouts / f"{handout}{edition}-letter.pdf"
    found = list(spans(pdf))
    sizes = [round(s["size"], 1) for _, s in found]
    assert min(sizes) >= 8, "nothing under 8 pt"
    weighted = [round(s["size"], 1) for _, s in found for _ in s["text"]]
    assert statistics.median(weighted) >= body_size
    headings = [s for _, s in found if s["flags"] & 16 and s["size"] >= 14]  # bold, 14 pt+
    assert headings, "headings are 14 pt or larger"
    # black text on white: contrast 21:1, and nothing changes in grayscale
    assert {s["color"] for _, s in found} == {0}


@pytest.mark.parametrize("handout", HANDOUTS)
def test_footer_on_every_page(site, handout):
    for paper in ("letter", "a4"):
        texts = pdf_page_texts(site.handouts / f"{handout}-{paper}.pdf")
        for number, text in enumerate(texts, start=1):
            assert f"Page {number} of {len(texts)}" in text
            assert "Last reviewed: 2026-11-26. Next review due: 2027-05-26." in text
            assert "Not yet reviewed by a clinician." in text
            assert "Version 0.1.0." in text


@pytest.mark.parametrize("handout", HANDOUTS)
def test_page_one_holds_the_message_and_the_actions(site, handout):
    first, *rest = pdf_page_texts(site.handouts / f"{handout}-letter.pdf")
    assert "The main message" in first
    assert "What can you do?" in first
    assert "Get help now" in first
    assert "Sources" in " ".join(rest)


# -- QR code ----------------------------------------------------------------------------------


def decode_qr(pdf: Path, tmp_path: Path) -> list[str]:
    import zxingcpp
    from PIL import Image

    png = tmp_path / "page"
    subprocess.run(["pdftoppm", "-r", "200", "-f", "1", "-l", "1", "-png", str(pdf), str(png)],
                   check=True)
    image = Image.open(next(tmp_path.glob("page*.png")))
    return [r.text for r in zxingcpp.read_barcodes(image)]


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils (pdftoppm)")
@pytest.mark.parametrize("handout", HANDOUTS)
def test_qr_code_opens_the_handout_page(site, tmp_path, handout):
    pdf = site.handouts / f"{handout}-letter.pdf"
    assert decode_qr(pdf, tmp_path) == [f"{BASE_URL}handouts/{handout}.html"]
    printed = pdf_page_texts(pdf)[0].replace(" ", "")  # the short address wraps over lines
    assert f"kratom-docs.example.org/en/latest/handouts/{handout}.html" in printed


def test_no_qr_code_without_a_base_url(project_copy, tmp_path):
    proc = run_sphinx(project_copy, tmp_path / "out", "handouts")
    assert proc.returncode == 0, proc.stderr
    pdf = tmp_path / "out" / "handouts" / "sample-letter.pdf"
    with pymupdf.open(pdf) as doc:
        assert doc[0].get_images() == []
        assert "Read this online" not in doc[0].get_text()
        assert not [link for link in doc[0].get_links()
                    if link.get("uri", "").startswith("http")]


# -- clinic co-branding -----------------------------------------------------------------------


def write_clinic(folder: Path, body: str) -> Path:
    path = folder / "clinic.toml"
    path.write_text(body)
    return path


GOOD = '[clinic]\nname = "Hill <b>Clinic</b> & Co"\nphone = "555-0100"\n' \
       'address = "1 Main St"\nwebsite = "https://hill.example.org"\nlogo = "logo.png"\n'


def test_clinic_handouts_carry_the_clinic_and_leave_generic_ones_alone(project_copy, tmp_path):
    out = tmp_path / "out"
    assert run_sphinx(project_copy, out, "handouts").returncode == 0
    generic = out / "handouts" / "sample-letter.pdf"
    before = generic.read_bytes()
    from PIL import Image

    Image.new("RGB", (120, 40), "black").save(tmp_path / "logo.png")
    toml = write_clinic(tmp_path, GOOD)
    sources = {p: p.read_bytes() for p in project_copy.rglob("*") if p.is_file()}
    proc = run_sphinx(project_copy, out, "handouts", "-D", f"handout_clinic={toml}")
    assert proc.returncode == 0, proc.stderr
    branded = out / "handouts" / "clinic-hill-b-clinic-b-co" / "sample-letter.pdf"
    first = pdf_page_texts(branded)[0]
    assert "Hill <b>Clinic</b> & Co" in first  # markup in the name prints literally
    assert "555-0100" in first and "1 Main St" in first and "hill.example.org" in first
    assert "Your clinic:" not in first
    with pymupdf.open(branded) as doc:
        assert len(doc[0].get_images()) == 1  # the logo
    assert generic.read_bytes() == before
    assert {p: p.read_bytes() for p in project_copy.rglob("*") if p.is_file()} == sources


@pytest.mark.parametrize(("body", "message"), [
    ('[clinic]\nphone = "1"\n', r"clinic\.toml: \[clinic\] name: required field is missing"),
    ('[clinic]\nname = "A"\n', r"clinic\.toml: \[clinic\] phone: required field is missing"),
    ('[clinic]\nname = "A"\nphone = "1"\nfax = "2"\n',
     r"clinic\.toml: \[clinic\] unknown key\(s\) \['fax'\]"),
    ('[clinic]\nname = "A\nphone = "1"\n', r"clinic\.toml: malformed TOML: .*line 2"),
    ('[clinic]\nname = "A"\nphone = "1"\nwebsite = "http://a.example"\n',
     r"clinic\.toml: \[clinic\] website: must start with https://"),
    ('[clinic]\nname = "A"\nphone = "1"\nlogo = "nope.png"\n',
     r"clinic\.toml: \[clinic\] logo: file not found"),
    ('[clinic]\nname = "A"\nphone = "1"\nlogo = "clinic.toml"\n',
     r"clinic\.toml: \[clinic\] logo: clinic\.toml must be a PNG or SVG file"),
    ('[clinic]\nname = "A"\nphone = "1"\nlogo = "fake.png"\n',
     r"clinic\.toml: \[clinic\] logo: fake\.png is not a PNG image"),
    ('[clinic]\nname = ""\nphone = "1"\n',
     r"clinic\.toml: \[clinic\] name: required field is empty"),
    ('[clinic]\nname = 5\nphone = "1"\n', r"clinic\.toml: \[clinic\] name: must be a text string"),
])
def test_clinic_file_errors_name_the_file_and_field(tmp_path, body, message):
    (tmp_path / "fake.png").write_text("not a png")
    with pytest.raises(clinic.ClinicError, match=message):
        clinic.load(write_clinic(tmp_path, body))


def test_a_bad_clinic_file_stops_the_build_without_a_traceback(project_copy, tmp_path):
    toml = write_clinic(tmp_path, '[clinic]\nname = "A"\n')
    proc = run_sphinx(project_copy, tmp_path / "out", "handouts", "-D", f"handout_clinic={toml}")
    assert proc.returncode != 0
    assert "clinic.toml: [clinic] phone: required field is missing" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert not list((tmp_path / "out").rglob("*.pdf"))


def test_make_handouts_with_clinic(tmp_path):
    """The README's command, on a copy of the repository's example."""
    proc = subprocess.run(
        ["make", "-s", "handouts", f"CLINIC={REPO / 'examples/clinic.toml'}",
         f"BUILDDIR={tmp_path / '_build'}"],
        cwd=REPO, capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stderr
    folder = tmp_path / "_build" / "handouts" / "clinic-riverside-family-health-center"
    pdfs = sorted(p.name for p in folder.glob("*.pdf"))
    assert len(pdfs) == 4 * len(HANDOUTS)
    assert "Riverside Family Health Center" in pdf_page_texts(folder / pdfs[0])[0]


def test_clinic_file_checker_command(tmp_path):
    import sys

    good = subprocess.run([sys.executable, "-m", "kratom_docs.clinic",
                           str(REPO / "examples/clinic.toml")], capture_output=True, text=True)
    assert good.returncode == 0 and "OK" in good.stdout
    bad = write_clinic(tmp_path, '[clinic]\nname = "A"\nphone = "1"\nwebsite = "http://x"\n')
    proc = subprocess.run([sys.executable, "-m", "kratom_docs.clinic", str(bad)],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "clinic.toml: [clinic] website: must start with https://" in proc.stderr
    assert "Traceback" not in proc.stderr
