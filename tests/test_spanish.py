"""The Spanish edition: complete catalogs, the same numbers and verdicts, easy Spanish, and every
guarantee of the English (disclaimer, tagging, paper, pages, type sizes, margins, switcher).

The catalog checks read ``locales/es`` directly and are fast; the rest build the Spanish site once
per session (``site_es``) as ``make`` does.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

import pikepdf
import pytest
from babel.messages.pofile import read_po
from conftest import REPO
from helpers import disclaimer_text, handout_sources, html_disclaimer_problems, pdf_problems

LOCALES = REPO / "locales" / "es" / "LC_MESSAGES"
HANDOUTS = [p.stem for p in handout_sources()]
PAPERS = ("letter", "a4")
EDITIONS = {"": 2, "-large-print": 4}

#: The patients' verdict words and their Spanish (one mapping, as in the glossary).
VERDICTS = {
    "True": "Cierto",
    "Partly true": "En parte cierto",
    "Not true": "No es cierto",
    "Not known": "No se sabe",
}
NUMBER = re.compile(r"\d+(?:[-.,]\d+)*")
ROLE = re.compile(r"\{footcite:p\}`[^`]+`")
TARGET = re.compile(r"\]\(([^)]+)\)|<([^<>\s]+)>`")


def catalogs() -> list[Path]:
    """One catalog per reader page and handout, and the extension's own strings."""
    sources = [REPO / "index.md", *sorted((REPO / "docs").glob("*.md"))]
    sources += sorted((REPO / "handouts").glob("*.md"))
    found = [LOCALES / p.relative_to(REPO).with_suffix(".po") for p in sources]
    return [*found, LOCALES / "kratom_docs.po"]


def messages(path: Path):
    with path.open("rb") as f:
        catalog = read_po(f)
    for message in catalog:
        if message.id:
            yield message


def catalog_problems(path: Path) -> list[str]:
    """Every message translated, none fuzzy (a fuzzy one is never printed or shown)."""
    if not path.is_file():
        return [f"{path.name}: no catalog (run make translations)"]
    problems = []
    for m in messages(path):
        msgid = m.id if isinstance(m.id, str) else m.id[0]
        text = m.string if isinstance(m.string, str) else "".join(m.string)
        where = f"{path.relative_to(path.parents[2]) if len(path.parents) > 2 else path}"
        if m.fuzzy:
            problems.append(f"{where}:{m.lineno}: fuzzy: {msgid[:60]!r}")
        elif not text.strip():
            problems.append(f"{where}:{m.lineno}: untranslated: {msgid[:60]!r}")
    return problems


def parity_problems(msgid: str, msgstr: str) -> list[str]:
    """The Spanish keeps every number, every citation and every link target of the English."""
    problems = []
    prose = TARGET.sub("", ROLE.sub("", msgid))  # numbers in citation keys and addresses aside
    for number in NUMBER.findall(prose):
        if not re.search(rf"(?<!\d)(?<!\d[-.,]){re.escape(number)}(?!\d|[-.,]\d)", msgstr):
            problems.append(f"number {number} missing")
    for role in ROLE.findall(msgid):
        if role not in msgstr:
            problems.append(f"citation {role} missing")
    for link, term in TARGET.findall(msgid):
        target = link or term
        if f"({target})" not in msgstr and f"<{target}>" not in msgstr:
            problems.append(f"link target {target} missing")
    english = msgid.strip().strip("*").strip()
    if english in VERDICTS and VERDICTS[english] not in msgstr:
        problems.append(f"verdict {english!r} is not {VERDICTS[english]!r}")
    for english, spanish in VERDICTS.items():
        if msgid.startswith(f"**{english}:**") and spanish not in msgstr:
            problems.append(f"verdict {english!r} is not {spanish!r}")
    return problems


# -- the catalogs (fast) -------------------------------------------------------------------------


@pytest.mark.parametrize("path", catalogs(), ids=lambda p: str(p.relative_to(LOCALES)))
def test_every_catalog_is_complete(path):
    assert catalog_problems(path) == []


@pytest.mark.parametrize("path", catalogs(), ids=lambda p: str(p.relative_to(LOCALES)))
def test_every_translation_keeps_the_numbers_citations_links_and_verdicts(path):
    if not path.is_file():
        pytest.fail(f"no catalog {path}")
    problems = []
    for m in messages(path):
        msgid = m.id if isinstance(m.id, str) else m.id[0]
        text = m.string if isinstance(m.string, str) else "".join(m.string)
        if text and not m.fuzzy:
            problems += [f"{path.name}:{m.lineno}: {p}" for p in parity_problems(msgid, text)]
    assert problems == []


def test_the_catalog_checks_catch_seeded_faults(tmp_path):
    po = tmp_path / "locales" / "es" / "LC_MESSAGES" / "page.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        '#, fuzzy\nmsgid "Call 911."\nmsgstr "Llame al 911."\n\n'
        'msgid "Key points"\nmsgstr ""\n',
        encoding="utf-8",
    )
    found = " ".join(catalog_problems(po))
    assert "fuzzy: 'Call 911.'" in found and "untranslated: 'Key points'" in found
    assert parity_problems("Call 1-800-222-1222 now.", "Llame ahora.") == [
        "number 1-800-222-1222 missing"
    ]
    assert parity_problems("In 54 of 199.", "En 5 de 199.") == ["number 54 missing"]
    cite = "It helps{footcite:p}`a2020,b2021`."
    assert parity_problems(cite, "Ayuda{footcite:p}`a2020`.") == [
        "citation {footcite:p}`a2020,b2021` missing"
    ]
    assert parity_problems("See [the page](x.md).", "Vea la página.") == [
        "link target x.md missing"
    ]
    assert parity_problems("{term}`dependence <dependence>`", "{term}`dependencia`") == [
        "link target dependence missing"
    ]
    assert parity_problems("Not true", "Falso") == ["verdict 'Not true' is not 'No es cierto'"]
    assert parity_problems("**Not known:** A claim.", "**Falso:** Algo.") == [
        "verdict 'Not known' is not 'No se sabe'"
    ]
    assert parity_problems("Call 911.", "Llame al 911.") == []


# -- the Spanish site, built as make builds it (slow) -----------------------------------------------


@pytest.mark.slow
def test_the_spanish_build_has_no_warnings(site_es):
    assert site_es.process.returncode == 0, site_es.process.stderr[-5000:]
    assert "WARNING" not in site_es.process.stderr, site_es.process.stderr[-5000:]


@pytest.mark.slow
def test_every_spanish_page_is_spanish_and_carries_the_spanish_disclaimer(site_es):
    pages = site_es.pages()
    assert len(pages) >= 10
    assert html_disclaimer_problems(pages, disclaimer_text("es")) == []
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert re.search(r'<html[^>]* lang="es"', text), page.name
        assert "Part of this page is not translated" not in text, page.name
    assert (site_es.html / "searchindex.js").is_file()
    index = (site_es.html / "searchindex.js").read_text(encoding="utf-8")
    assert "kratom" in index and "abstinencia" in index  # the search index is in Spanish


def resolve(tree: dict[str, Path], page: str, href: str) -> Path | None:
    """A relative link from ``page`` (a path in the combined site) to a file, in either tree."""
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page), href.split("#")[0]))
    if target.startswith("es/"):
        return tree["es"] / target[3:]
    return tree["en"] / target


@pytest.mark.slow
def test_the_language_switcher_links_resolve_both_ways(site, site_es):
    tree = {"en": site.html, "es": site_es.html}
    checked = 0
    for page in site_es.pages():
        rel = page.relative_to(site_es.html).as_posix()
        english = site.html / rel
        if not english.is_file():
            continue
        es_text = page.read_text(encoding="utf-8")
        en_text = english.read_text(encoding="utf-8")
        back = re.search(r'<a href="([^"]+)" hreflang="en"', es_text)
        there = re.search(r'<a href="([^"]+)" hreflang="es"', en_text)
        assert back and there, rel
        assert resolve(tree, f"es/{rel}", back.group(1)) == english, rel
        assert resolve(tree, rel, there.group(1)) == page, rel
        checked += 1
    assert checked >= 10


@pytest.mark.slow
def test_every_spanish_handout_has_every_pdf(site_es):
    expected = {f"{h}{e}-{p}.pdf" for h in HANDOUTS for e in EDITIONS for p in PAPERS}
    assert {p.name for p in site_es.pdfs()} == expected


@pytest.mark.slow
@pytest.mark.parametrize("handout", HANDOUTS)
@pytest.mark.parametrize("paper", PAPERS)
@pytest.mark.parametrize("edition", EDITIONS)
def test_every_spanish_pdf_page_passes(site_es, handout, paper, edition):
    from test_handouts import print_problems

    pdf = site_es.handouts / f"{handout}{edition}-{paper}.pdf"
    problems = pdf_problems(
        pdf,
        disclaimer=disclaimer_text("es"),
        paper=paper,
        max_pages=EDITIONS[edition],
        language="es",
    )
    large = edition == "-large-print"
    problems += print_problems(
        pdf, 4 if large else 2, 14.0 if large else 10.0, 18.0 if large else 13.0, "Pida ayuda"
    )
    with pikepdf.open(pdf) as doc:
        names = [str(f.get("/TU", "")) for f in doc.Root.AcroForm.Fields]
    assert any("clínica" in n.lower() for n in names), names  # the fields are labelled in Spanish
    assert problems == []


@pytest.mark.slow
@pytest.mark.parametrize("handout", HANDOUTS)
def test_spanish_handouts_are_easy_to_read(site_es, handout):
    from readability import sentences, spanish_scores

    parts = sentences(site_es.html / "handouts" / f"{handout}.html")
    assert spanish_reading_problems(parts, spanish_scores) == []


def spanish_reading_problems(parts: list[str], scores) -> list[str]:
    body = " ".join(parts)
    problems = [f"{len(s.split())} words: {s}" for s in parts if len(s.split()) > 25]
    found = scores(body)
    if found["szigriszt_pazos"] < 65:
        problems.append(f"Szigriszt-Pazos {found['szigriszt_pazos']:.1f} (65 or more)")
    if found["fernandez_huerta"] < 75:
        problems.append(f"Fernández-Huerta {found['fernandez_huerta']:.1f} (75 or more)")
    return problems


def test_the_spanish_reading_check_catches_hard_text():
    from readability import spanish_scores

    easy = ["El kratom puede actuar como un opioide.", "Hable con su médico.", "Llame al 911."]
    assert spanish_reading_problems(easy, spanish_scores) == []
    hard = [
        "La farmacocinética de la mitraginina presenta una considerable variabilidad "
        "interindividual, con semividas de eliminación terminal prolongadas e impredecibles."
    ]
    found = " ".join(spanish_reading_problems(hard, spanish_scores))
    assert "Szigriszt-Pazos" in found and "Fernández-Huerta" in found
