"""Patient handouts as patients and clinics get them: reading level, structure, print measures.

Every handout and every edition is found from the sources; nothing here names a date, a version
or a page. Each measure is a function returning problems, shown to catch a seeded fault.
"""

from __future__ import annotations

import re
import statistics
import subprocess
from pathlib import Path

import pikepdf
import pytest
from bs4 import BeautifulSoup
from conftest import BASE_URL, REPO, run_sphinx, warnings_of
from helpers import (
    edge_problems,
    fast_first,
    front_matter,
    handout_sources,
    needs_poppler,
    pdf_lines,
    pdf_page_texts,
    structure,
)

from kratom_docs.clinic import Clinic, load

HANDOUTS = [p.stem for p in handout_sources()]
EDITIONS = {"": (2, 10.0, 13.0), "-large-print": (4, 14.0, 18.0)}  # pages, smallest, body
PAPERS = ("letter", "a4")
PDFS = [(h, e, p) for h in HANDOUTS for e in EDITIONS for p in PAPERS]

#: Reading level (CONTRIBUTING.md). SMOG is defined on 30 sentences: a shorter body is flagged.
LIMITS = {
    "fkgl": 6.0,
    "smog": 8.0,
    "fre": 70.0,
    "mean": 15,
    "longest": 25,
    "sentence_grade": 12.0,
    "min_sentences": 30,
}


# -- reading level --------------------------------------------------------------------------------


def reading_problems(name: str, sentences: list[str], ts) -> list[str]:
    body = " ".join(sentences)
    problems = []
    if len(sentences) < LIMITS["min_sentences"]:
        problems.append(f"{name}: {len(sentences)} sentences; SMOG needs at least 30")
    for label, value, ok in (
        ("Flesch-Kincaid grade", ts.flesch_kincaid_grade(body), lambda v: v <= LIMITS["fkgl"]),
        ("SMOG", ts.smog_index(body), lambda v: v <= LIMITS["smog"]),
        ("Flesch Reading Ease", ts.flesch_reading_ease(body), lambda v: v >= LIMITS["fre"]),
    ):
        if not ok(value):
            problems.append(f"{name}: {label} is {value:.1f}")
    lengths = [len(s.split()) for s in sentences]
    if lengths and statistics.mean(lengths) > LIMITS["mean"]:
        problems.append(f"{name}: sentences average {statistics.mean(lengths):.1f} words")
    for sentence, words in zip(sentences, lengths, strict=True):
        if words > LIMITS["longest"]:
            problems.append(f"{name}: {words} words: {sentence!r}")
        elif words >= 8 and ts.flesch_kincaid_grade(sentence) > LIMITS["sentence_grade"]:
            problems.append(f"{name}: grade {ts.flesch_kincaid_grade(sentence):.0f}: {sentence!r}")
    return problems


@pytest.mark.slow
@pytest.mark.parametrize("handout", HANDOUTS)
def test_reading_level_of_each_handout_and_each_sentence(site, textstat, handout):
    from readability import sentences

    page = site.html / "handouts" / f"{handout}.html"
    assert reading_problems(f"handouts/{handout}.md", sentences(page), textstat) == []


def test_the_reading_check_catches_a_hard_sentence_and_a_short_page(textstat):
    easy = ["You can stop kratom." for _ in range(40)]
    assert reading_problems("x", easy, textstat) == []
    hard = [
        *easy,
        "Mitragynine undergoes extensive hepatic biotransformation predominantly "
        "mediated by cytochrome isoenzymes.",
    ]
    assert any("grade" in p and "Mitragynine" in p for p in reading_problems("x", hard, textstat))
    assert any("SMOG needs at least 30" in p for p in reading_problems("x", easy[:5], textstat))


# -- structure of the web page --------------------------------------------------------------------


def structure_problems(page: Path) -> list[str]:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    main = soup.select_one('div[itemprop="articleBody"]')
    for link in main.select(".headerlink"):
        link.decompose()
    problems = []
    for selector, what in (
        (".key-message", "a main-message box"),
        (".key-points", "a key-points box"),
        (".kd-fill-in", "a fill-in tool"),
        (".kd-helplines", "the help lines"),
        (".kd-sources", "a sources line"),
        ("figure", "a visual"),
    ):
        if not main.select_one(selector):
            problems.append(f"no {what}")
    headings = [h.get_text(" ").strip() for h in main.find_all("h2")]
    questions = [h for h in headings if h.endswith("?")]
    if len(questions) < len(headings) - 1:  # all but "Sources" are questions
        problems.append(f"headings that are not questions: {headings}")
    if not any(h.lower().startswith("what can you do") for h in headings):
        problems.append("no 'What can you do?' section")
    points = main.select(".key-points li")
    if main.select_one(".key-points") and not 3 <= len(points) <= 5:
        problems.append(f"{len(points)} key points (3 to 5)")
    for listing in main.find_all(["ul", "ol"]):
        items = listing.find_all("li", recursive=False)
        if len(items) > 7:
            problems.append(f"a list of {len(items)} items")
        if listing.find_parent(class_="kd-helplines"):
            continue
        following = listing.find_next_sibling()
        for item in items:
            text = " ".join(item.get_text(" ").split())
            if item is items[-1] and following and "kd-steps" in following.get("class", []):
                if text.endswith(":"):
                    continue  # an action that introduces its steps
            if text and not text.endswith((".", "?", "!")):
                problems.append(f"a bullet without a full stop: {text[:50]!r}")
    # Every sheet that tells the reader to give naloxone shows how, step by step, with a drawing
    # beside each step (PEMAT 22 and 26), and the same steps on every sheet.
    if re.search(r"\bgive (naloxone|it)\b", main.get_text(" "), re.I):
        steps = main.select("ol.kd-steps > li")
        if len(steps) < 3 or any(not (s.find("img") or {}).get("alt") for s in steps):
            problems.append("naloxone without its steps, each with a drawing that has alt text")
    for figure in main.find_all("figure"):
        img = figure.find("img")
        if not img or not (img.get("alt") or "").strip():
            problems.append("a figure without alt text")
        if not figure.find("figcaption"):
            problems.append("a figure without a caption")
    return problems


@pytest.mark.slow
@pytest.mark.parametrize("handout", HANDOUTS)
def test_structure_for_plain_language(site, handout):
    assert structure_problems(site.html / "handouts" / f"{handout}.html") == []


def test_the_structure_check_catches_a_bare_page(tmp_path):
    page = tmp_path / "p.html"
    page.write_text(
        '<div itemprop="articleBody"><h2>Background</h2><h2>History</h2>'
        "<ul><li>no stop</li></ul><p>Give naloxone.</p>"
        '<ol class="kd-steps"><li>On the back.</li><li>Spray.</li><li>Side.</li></ol>'
        '<figure><img src="x.svg"></figure></div>'
    )
    problems = " ".join(structure_problems(page))
    for expected in (
        "naloxone without its steps",
        "no a main-message box",
        "no a fill-in tool",
        "not questions",
        "without a full stop",
        "without alt text",
        "without a caption",
    ):
        assert expected in problems


# -- print measures, over every PDF -----------------------------------------------------------------


def body_lines(lines: list[dict], body_size: float) -> list[dict]:
    """Full lines of body text: at the body size, and wider than 80 % of the widest such line."""
    body = [ln for ln in lines if statistics.median(ln["sizes"]) == body_size]
    if not body:
        return []
    widest = max(ln["x1"] - ln["x0"] for ln in body)
    return [ln for ln in body if ln["x1"] - ln["x0"] >= 0.8 * widest]


#: The first words of the printed footer (the short disclaimer), in each language.
FOOTER_STARTS = ("For education only", "Es información")


def split_sentences(lines: list[dict]) -> list[str]:
    """Pages (all but the last) whose text above the footer ends in the middle of a sentence:
    a sentence or a list item cut in two across pages."""
    problems = []
    for number in range(1, max(ln["page"] for ln in lines)):
        page = [ln for ln in lines if ln["page"] == number]
        footer = [ln["y1"] for ln in page if ln["text"].startswith(FOOTER_STARTS)]
        body = [ln for ln in page if not footer or ln["y0"] > max(footer) + 1]
        if body:
            last = min(body, key=lambda ln: (ln["y0"], -ln["x1"]))["text"].rstrip()
            ends = last.endswith((".", ":", "?", "!", ")", "»", '"', "\u201d"))
            if not ends and not re.fullmatch(r"\S*/", last):  # a web address ends a block too
                problems.append(f"page {number} ends in the middle of a sentence: {last[-40:]!r}")
    return problems


def split_lists(lines: list[dict]) -> list[str]:
    """Pages that open with a list item other than the first: a numbered or lettered list (the
    actions, the naloxone steps) cut in two across pages."""
    problems = []
    for number in range(2, max(ln["page"] for ln in lines) + 1):
        page = [ln for ln in lines if ln["page"] == number]
        footer = [ln["y1"] for ln in page if ln["text"].startswith(FOOTER_STARTS)]
        body = [ln for ln in page if not footer or ln["y0"] > max(footer) + 1]
        if body:
            first = min(body, key=lambda ln: (-ln["y1"], ln["x0"]))["text"]
            if re.match(r"(?:[2-9]|[1-9]\d|[b-z])\.(?:\s|$)", first):
                problems.append(f"page {number} opens with list item {first.split()[0]!r}")
    return problems


def print_problems(
    pdf: Path,
    pages: int,
    smallest: float,
    body_size: float,
    help_heading: str = "Get help now",
    *,
    clinic: bool = False,
) -> list[str]:
    """What a printed handout gets wrong. A clinic's copy has its name, not blanks, on page 1."""
    lines = pdf_lines(pdf)
    problems = edge_problems(lines)
    sizes = [s for ln in lines for s in ln["sizes"]]
    if min(sizes) < smallest:
        problems.append(f"text at {min(sizes)} pt (at least {smallest})")
    full = body_lines(lines, body_size)
    if not full:
        problems.append(f"no body text at {body_size} pt")
    else:
        chars = statistics.median(len(ln["text"]) for ln in full)
        if not 45 <= chars <= 75:
            problems.append(f"full body lines hold {chars:.0f} characters (45 to 75)")
    with pikepdf.open(pdf) as doc:
        count = len(doc.pages)
        fields = [f for f in doc.Root.get("/AcroForm", {}).get("/Fields", [])]
        first_page_fields = [a for a in doc.pages[0].get("/Annots", []) if a.get("/FT")]
    if (pages == 2 and count != 2) or count > pages:
        problems.append(f"{count} pages ({'exactly' if pages == 2 else 'at most'} {pages})")
    if not first_page_fields and not clinic:
        problems.append("no fill-in fields on page 1")
    for field in fields:
        if not str(field.get("/TU", "")).strip():
            problems.append(f"form field {field.get('/T')} has no accessible name")
    figures = [alt for role, alt in structure(pdf) if role == "/Figure"]
    if not figures or any(not (alt or "").strip() for alt in figures):
        problems.append(f"figures without alt text: {figures}")
    texts = pdf_page_texts(pdf)
    if help_heading not in texts[0] or "911" not in texts[0]:
        problems.append("the help lines or 911 are not on page 1")
    if not all(re.search(rf"(?<![\w.]){n}\. \w", texts[0]) for n in (1, 2)):
        problems.append("the numbered actions on page 1 do not read 1., 2. as text")
    problems += split_sentences(lines)
    problems += split_lists(lines)
    for number, text in enumerate(texts, start=1):
        if dates := re.findall(r"\b20\d\d-\d\d-\d\d\b", text):
            problems.append(f"page {number}: a date in numbers ({dates[0]}); write it in words")
    return problems


@pytest.mark.slow
@needs_poppler
@pytest.mark.parametrize(("handout", "edition", "paper"), PDFS)
def test_print_measures(site, handout, edition, paper):
    pages, smallest, body = EDITIONS[edition]
    pdf = site.handouts / f"{handout}{edition}-{paper}.pdf"
    assert print_problems(pdf, pages, smallest, body) == []


@pytest.fixture(scope="session", params=["en", "es"])
def clinic_copies(request, tmp_path_factory) -> tuple[str, Path, Clinic]:
    """The real handouts printed for the example clinic: its name, phone, address and website.

    The logo is a plain picture of the example's size (the example's own logo has lettering in
    it, which is the clinic's artwork, not the handout's text).
    """
    from PIL import Image

    language = request.param
    folder = tmp_path_factory.mktemp(f"clinic-{language}")
    Image.new("RGB", (360, 120), "black").save(folder / "logo.png")
    example = (REPO / "examples/clinic.toml").read_text(encoding="utf-8")
    clinic_file = folder / "clinic.toml"
    clinic_file.write_text(example.replace('"clinic-logo.svg"', '"logo.png"'), encoding="utf-8")
    proc = run_sphinx(
        REPO,
        folder / "out",
        "handouts",
        "-D",
        f"handout_clinic={clinic_file}",
        env={"KRATOM_DOCS_BASE_URL": BASE_URL, "KRATOM_DOCS_LANGUAGE": language},
    )
    assert proc.returncode == 0, proc.stderr
    (copies,) = (folder / "out" / "handouts").glob("clinic-*")
    clinic, errors = load(clinic_file)
    assert clinic is not None, errors
    return language, copies, clinic


@pytest.mark.slow
@needs_poppler
def test_clinic_copies_meet_the_print_measures(clinic_copies):
    """A clinic's name and address take room on page 1: every copy must still print well."""
    language, copies, clinic = clinic_copies
    heading = {"en": "Get help now", "es": "Pida ayuda"}[language]
    pdfs = sorted(copies.glob("*.pdf"))
    assert len(pdfs) == len(PDFS)
    problems = {}
    for pdf in pdfs:
        pages, smallest, body = EDITIONS["-large-print" if "-large-print" in pdf.name else ""]
        found = print_problems(pdf, pages, smallest, body, heading, clinic=True)
        first = pdf_page_texts(pdf)[0]
        if clinic.name not in first or clinic.phone not in first:
            found.append("the clinic's name or phone is not on page 1")
        if found:
            problems[pdf.name] = found
    assert problems == {}


@pytest.mark.slow
@needs_poppler
def test_the_print_measures_catch_seeded_faults(tmp_path):
    from weasyprint import HTML

    bad = tmp_path / "bad.pdf"
    HTML(
        string='<html lang="en"><head><title>T</title><style>@page { size: letter; margin: '
        "0.2in } body { font-size: 8pt }</style></head><body><p>Updated 2026-11-26. "
        + "A line of text that runs all the way across the page. " * 40
        + "</p></body></html>"
    ).write_pdf(bad, pdf_variant="pdf/ua-1")
    problems = " ".join(print_problems(bad, 2, 10.0, 13.0))
    for expected in (
        "from an edge",
        "text at 8.0 pt",
        "no body text at 13.0 pt",
        "1 pages",
        "no fill-in fields on page 1",
        "figures without alt text",
        "not on page 1",
        "a date in numbers",
    ):
        assert expected in problems, expected
    # The list numbers of a PDF with form fields lost their text (they read "ú.", "û.").
    numbers = tmp_path / "numbers.pdf"
    font = REPO / "src/kratom_docs/fonts/AtkinsonHyperlegible_400Regular.ttf"
    HTML(
        string=f'<html lang="en"><style>@font-face {{ font-family: A; src: url({font.as_uri()}) }}'
        "body, input { font-family: A }</style><input name=x title=x>"
        "<ol><li>Get help now. 911</li><li>Two</li><li>Three</li></ol></html>"
    ).write_pdf(numbers, pdf_forms=True)
    assert any("read 1., 2." in p for p in print_problems(numbers, 2, 1, 13.0))
    wide = tmp_path / "wide.pdf"
    HTML(
        string="<html><style>@page { size: letter; margin: 0.6in } body { font-size: 9pt }"
        "</style><p>" + "word " * 800 + "</p></html>"
    ).write_pdf(wide)
    assert any("characters (45 to 75)" in p for p in print_problems(wide, 9, 1, 9.0))
    # A sentence runs on from page 1 to page 2; the page above it ends in a full stop.
    split = tmp_path / "split.pdf"
    HTML(
        string="<html><style>@page { size: letter; margin: 0.6in } body { font-size: 12pt }"
        "</style><p>" + "A short sentence. " * 20 + "</p><p>" + "word " * 1500 + "</p></html>"
    ).write_pdf(split)
    assert "page 1 ends in the middle of a sentence: " in " ".join(
        print_problems(split, 9, 1, 12.0)
    )
    whole = tmp_path / "whole.pdf"
    HTML(
        string="<html><style>@page { size: letter; margin: 0.6in } body { font-size: 12pt }"
        "</style>" + "<p>A sentence that ends.</p>" * 120 + "</html>"
    ).write_pdf(whole)
    assert not any("middle of a sentence" in p for p in print_problems(whole, 9, 1, 12.0))
    assert not any("opens with list item" in p for p in print_problems(whole, 9, 1, 12.0))
    # A numbered list runs on from page 1 to page 2, each item whole.
    actions = tmp_path / "actions.pdf"
    HTML(
        string="<html><style>@page { size: letter; margin: 0.6in } body { font-size: 12pt }"
        "li { break-inside: avoid }</style><ol>"
        + "<li>Do this one thing.</li>" * 70
        + "</ol></html>"
    ).write_pdf(actions)
    assert any("page 2 opens with list item" in p for p in print_problems(actions, 9, 1, 12.0))


@pytest.mark.slow
def test_handouts_cite_only_primary_sources(site):
    from docutils.nodes import make_id

    from kratom_docs.references import parse

    bib = parse(REPO / "data" / "references.bib")
    kinds = {k: "copy" if e.fields.get("copy") else e.kind for k, e in bib.items()}
    for handout in HANDOUTS:
        page = (site.html / "handouts" / f"{handout}.html").read_text()
        ids = set(re.findall(r'id="(footcite-[^"]+)"', page))
        cited = {k for k in kinds if make_id(f"footcite-{k}") in ids}
        assert cited and len(cited) == len(ids), handout
        assert {
            k: kinds[k] for k in cited if kinds[k] not in ("peer-reviewed", "government")
        } == {}, handout


@pytest.mark.parametrize(
    ("fields", "expected"),
    fast_first(
        [
            (
                "kind = {other}",
                "may cite only peer-reviewed or government sources; 'seen2020' is other",
            ),
            (
                "kind = {government}, agency = {FDA}, copy = {only a reprint was found}",
                "may not rest on a source seen only as a copy; 'seen2020'",
            ),
        ]
    ),
)
def test_a_handout_citing_a_secondary_source_or_a_copy_is_a_warning(
    build, project, fields, expected
):
    bib = project / "data" / "refs.bib"
    bib.write_text(
        bib.read_text() + "\n@misc{seen2020,\n  title = {A page}, year = {2020},\n"
        f"  url = {{https://www.fda.gov/x}}, {fields}\n}}\n"
    )
    sample = project / "handouts" / "sample.md"
    sample.write_text(sample.read_text().replace("`known2020`", "`known2020,seen2020`"))
    app = build(project)
    assert f"handouts/sample.md: WARNING: a handout {expected}" in warnings_of(app)


def type_into_fields(pdf: Path, out: Path) -> dict[str, str]:
    """Click into every form field and type, as a reader does in Chrome's PDF viewer (PDFium)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    typed = {}
    with pikepdf.open(pdf) as doc:
        boxes = [
            [
                (str(a.T), [float(v) for v in a.Rect])
                for a in page.get("/Annots", [])
                if a.get("/FT")
            ]
            for page in doc.pages
        ]
    document = pdfium.PdfDocument(pdf)
    document.init_forms()
    form = document.formenv.raw
    for number, fields in enumerate(boxes):
        page = document[number]
        for name, (x0, y0, x1, y1) in fields:
            text = typed[name] = f"Typed {len(typed) + 1}"
            x, y = (x0 + x1) / 2, (y0 + y1) / 2
            raw.FORM_OnLButtonDown(form, page.raw, 0, x, y)
            raw.FORM_OnLButtonUp(form, page.raw, 0, x, y)
            for char in text:
                raw.FORM_OnChar(form, page.raw, ord(char), 0)
            raw.FORM_ForceToKillFocus(form)
    document.save(out)
    return typed


@pytest.mark.slow
@needs_poppler
@pytest.mark.parametrize("handout", HANDOUTS)
def test_fill_in_fields_can_be_typed_in_and_print(site, tmp_path, handout):
    pdf = site.handouts / f"{handout}-letter.pdf"
    typed = type_into_fields(pdf, tmp_path / "typed.pdf")
    assert {"clinic-name", "clinic-phone"} <= set(typed) and len(typed) >= 4, typed
    with pikepdf.open(tmp_path / "typed.pdf") as doc:
        values = {str(f.T): str(f.get("/V", "")) for f in doc.Root.AcroForm.Fields}
    assert values == typed
    # What prints: poppler draws each typed value in its field (more dark pixels than blank).
    from PIL import Image

    def dark(path: Path) -> int:
        prefix = tmp_path / path.stem
        subprocess.run(
            ["pdftoppm", "-r", "72", "-gray", "-png", str(path), str(prefix)], check=True
        )
        return sum(
            sum(Image.open(png).convert("L").histogram()[:128])
            for png in sorted(tmp_path.glob(f"{path.stem}-*.png"))
        )

    assert dark(tmp_path / "typed.pdf") > dark(pdf) + 20 * len(typed)


# -- QR code ---------------------------------------------------------------------------------------


def decode_qr(pdf: Path, tmp_path: Path) -> list[str]:
    import zxingcpp
    from PIL import Image

    png = tmp_path / "page"
    subprocess.run(
        ["pdftoppm", "-r", "200", "-f", "1", "-l", "1", "-png", str(pdf), str(png)], check=True
    )
    image = Image.open(next(tmp_path.glob("page*.png")))
    return [r.text for r in zxingcpp.read_barcodes(image)]


@pytest.mark.slow
@needs_poppler
@pytest.mark.parametrize("handout", HANDOUTS)
def test_qr_code_opens_the_short_address_of_the_handout(site, tmp_path, handout):
    short = front_matter(REPO / "handouts" / f"{handout}.md").get("short_link", handout)
    pdf = site.handouts / f"{handout}-letter.pdf"
    assert decode_qr(pdf, tmp_path) == [f"{BASE_URL}h/{short}/"]
    printed = pdf_page_texts(pdf)[0].replace(" ", "")
    assert f"{BASE_URL.split('://')[1]}h/{short}/" in printed


@pytest.mark.slow
@needs_poppler
def test_no_qr_code_without_a_base_url(build, project, tmp_path):
    build(project, "handouts", out=tmp_path / "out")
    pdf = tmp_path / "out" / "handouts" / "sample-letter.pdf"
    assert not any(role == "/Figure" and alt and "QR" in alt for role, alt in structure(pdf))
    assert "Read this online" not in pdf_page_texts(pdf)[0]


def test_on_paper_7_oh_and_phone_numbers_never_break_and_attributes_are_untouched():
    from kratom_docs.printpage import keep_together

    body = '<p>Avoid 7-OH. Call 1-800-222-1222.</p><img alt="7-OH products" src="x.svg">'
    assert keep_together(body) == (
        '<p>Avoid <span class="kd-nowrap">7-OH</span>. Call '
        '<span class="kd-nowrap">1-800-222-1222</span>.</p><img alt="7-OH products" src="x.svg">'
    )


def test_large_print_moves_the_full_help_box_to_the_end():
    from kratom_docs.printpage import helplines_at_the_end

    body = (
        '<h1>T</h1><div class="key-message admonition"><p>Main</p></div>\n'
        "<p>Actions.</p>"
        '<div class="kd-helplines docutils container"><p>Full</p></div>\n'
        '<div class="kd-helplines kd-helplines-compact docutils container"><p>Short</p></div>'
        "<p>Text.</p>"
    )
    moved, box = helplines_at_the_end(body)
    order = [moved.index(word) for word in ("Main", "Short", "Actions.", "Text.")]
    assert order == sorted(order), moved
    assert "Full" not in moved
    assert box.startswith('<div class="kd-helplines kd-helplines-end docutils container">')
    assert "Full" in box
    assert helplines_at_the_end("<p>No box.</p>") == ("<p>No box.</p>", "")
