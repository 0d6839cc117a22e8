"""Content as data: citations, the claims check, review dates, and privacy of the built site."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import REPO, run_sphinx
from pybtex.database import parse_file

from kratom_docs import claims
from kratom_docs.data import DataError

SOURCES = [REPO / "index.md", *sorted((REPO / "docs").glob("*.md")),
           *sorted((REPO / "handouts").glob("*.md"))]
CITE = re.compile(r"\{cite:[a-z]+\}`([^`]+)`")


def cited_keys(sources: list[Path], claims_file: Path, helplines_file: Path) -> set[str]:
    keys = set()
    for source in sources:
        for match in CITE.finditer(source.read_text(encoding="utf-8")):
            keys |= {k.strip() for k in match.group(1).split(",")}
    for entry in yaml.safe_load(claims_file.read_text()):
        keys |= set(entry["cite"])
    for entry in yaml.safe_load(helplines_file.read_text()):
        keys |= set(entry.get("cite", []))
    return keys


def citation_problems(bib: Path, cited: set[str]) -> list[str]:
    known = set(parse_file(str(bib)).entries)
    return [f"unknown key {k}" for k in sorted(cited - known)] + [
        f"unused entry {k}" for k in sorted(known - cited)
    ]


# -- citations --------------------------------------------------------------------------------


def test_every_citation_resolves_and_no_entry_is_unused():
    cited = cited_keys(SOURCES, REPO / "data/claims.yaml", REPO / "data/helplines.yaml")
    assert len(cited) > 50
    assert citation_problems(REPO / "data/references.bib", cited) == []


def test_the_citation_check_catches_seeded_faults(tmp_path):
    bib = tmp_path / "r.bib"
    bib.write_text((REPO / "data/references.bib").read_text()
                   + "\n@misc{orphan2020,\n  title = {Never cited},\n  url = {https://doi.org/x}\n}\n")
    cited = cited_keys(SOURCES, REPO / "data/claims.yaml", REPO / "data/helplines.yaml")
    problems = citation_problems(bib, cited | {"invented2099"})
    assert problems == ["unknown key invented2099", "unused entry orphan2020"]


def test_every_medical_page_cites_its_sources():
    for source in SOURCES:
        if source.name in {"index.md", "references.md", "about.md", "claims-check.md"}:
            continue
        text = source.read_text(encoding="utf-8")
        assert CITE.search(text) or "{claims-table}" in text, f"{source.name} cites nothing"


# -- the claims check -------------------------------------------------------------------------


def test_every_claim_has_a_verdict_a_strength_and_resolving_citations():
    data = claims.load(REPO / "data/claims.yaml")
    assert len(data) >= 11
    known = set(parse_file(str(REPO / "data/references.bib")).entries)
    for claim in data.values():
        assert claim["verdict"] in claims.VERDICTS
        assert claim["strength"] in claims.STRENGTHS
        assert claim["cite"] and set(claim["cite"]) <= known, claim["id"]
    # the two claims the popular copy gets wrong
    assert data["safe-effective-recovery"]["verdict"] == "contradicted"
    assert data["hair-loss-studies"]["verdict"] == "not established"


@pytest.mark.parametrize(("edit", "message"), [
    (lambda t: t.replace("verdict: not established", "verdict: probably", 1),
     r"claims.yaml:\d+: field 'verdict' is 'probably'; allowed: supported"),
    (lambda t: t.replace("  strength: weak\n", "", 1),
     r"claims.yaml:\d+: required field 'strength' is missing"),
    (lambda t: t.replace("  cite: [known2020]", "  cite: [known2020]\n  colour: red", 1),
     r"claims.yaml:\d+: unknown field 'colour'"),
    (lambda t: t.replace("  cite: [known2020]", "  cite: []", 1),
     r"claims.yaml:\d+: required field 'cite' is missing or empty"),
    (lambda t: t + "  - broken: [\n", r"claims.yaml:\d+: invalid YAML"),
])
def test_bad_claims_data_names_file_line_and_field(tmp_path, edit, message):
    source = REPO / "tests/roots/test-basic/data/claims.yaml"
    path = tmp_path / "claims.yaml"
    path.write_text(edit(source.read_text()))
    with pytest.raises(DataError, match=message):
        claims.load(path)


def test_claims_render_on_pages_and_handouts_from_the_same_data(site):
    data = claims.load(REPO / "data/claims.yaml")
    table = (site.html / "docs" / "claims-check.html").read_text()
    for claim in data.values():
        assert claims.verdict_label(claim) in table
    handout = (site.html / "handouts" / "kratom-and-hair-loss.html").read_text()
    assert data["hair-loss-studies"]["plain"] in handout


# -- review dates -----------------------------------------------------------------------------


def test_every_page_has_valid_review_dates():
    import datetime as dt

    for source in SOURCES:
        text = source.read_text(encoding="utf-8")
        front = yaml.safe_load(text.split("---")[1])
        last, nxt = front["last_reviewed"], front["next_review"]
        assert isinstance(last, dt.date) and isinstance(nxt, dt.date), source.name
        assert last < nxt <= last.replace(year=last.year + 1), source.name
        assert "clinical_reviewer" in front, source.name


@pytest.mark.parametrize(("front", "today", "message"), [
    ("last_reviewed: 2026-11-26\nnext_review: 2027-05-26", "2027-06-01",
     r"handouts/sample\.md:\d+: WARNING: review overdue: 'next_review' was 2027-05-26"),
    ("last_reviewed: 2026-11-26\nnext_review: 2028-05-26", "2026-12-01",
     r"handouts/sample\.md:\d+: WARNING: 'next_review' 2028-05-26 is more than 12 months"),
    ("last_reviewed: soon\nnext_review: 2027-05-26", "2026-12-01",
     r"handouts/sample\.md:\d+: WARNING: front matter 'last_reviewed' is not an ISO date"),
    ("next_review: 2027-05-26", "2026-12-01",
     r"handouts/sample\.md:\d+: WARNING: front matter has no 'last_reviewed'"),
])
def test_review_problems_are_reported_by_the_build(project_copy, tmp_path, front, today, message):
    page = project_copy / "handouts" / "sample.md"
    text = page.read_text()
    page.write_text(re.sub(r"(?s)^---\n.*?\n---\n", f"---\n{front}\n---\n", text, count=1))
    proc = run_sphinx(project_copy, tmp_path / "out", "html", "-D", f"review_today={today}")
    assert proc.returncode != 0
    assert re.search(message, proc.stderr.replace(str(project_copy) + "/", "")), proc.stderr


def test_pages_show_their_review_status(site):
    for page in ("index.html", "docs/safety.html", "handouts/stopping-kratom.html"):
        text = BeautifulSoup((site.html / page).read_text(), "html.parser").get_text(" ")
        assert "Last reviewed: 2026-11-26" in text
        assert "Next review due: 2027-05-26" in text
        assert "Not yet reviewed by a clinician." in text


# -- privacy ----------------------------------------------------------------------------------

REMOTE = re.compile(r"^(https?:)?//", re.IGNORECASE)
LOADING = {"script": "src", "link": "href", "img": "src", "iframe": "src", "source": "src",
           "video": "src", "audio": "src", "embed": "src", "object": "data"}


def privacy_problems(folder: Path) -> list[str]:
    """Anything a page or stylesheet would load from another host."""
    problems = []
    for page in sorted(folder.rglob("*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8", errors="replace"), "html.parser")
        for tag, attr in LOADING.items():
            for element in soup.find_all(tag):
                value = element.get(attr) or ""
                if tag == "link" and "stylesheet" not in (element.get("rel") or []) \
                        and "preload" not in (element.get("rel") or []):
                    continue
                if REMOTE.match(value):
                    problems.append(f"{page.name}: <{tag}> loads {value}")
    for css in sorted(folder.rglob("*.css")):
        text = css.read_text(encoding="utf-8", errors="replace")
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", text) + re.findall(
                r"@import\s+['\"]([^'\"]+)", text):
            if REMOTE.match(url.strip()):
                problems.append(f"{css.name}: loads {url}")
    return problems


def test_no_page_loads_anything_from_another_host(site):
    assert privacy_problems(site.html) == []


def test_the_privacy_check_catches_a_seeded_fault(tmp_path):
    (tmp_path / "page.html").write_text(
        '<html><head><script src="https://tracker.example/t.js"></script>'
        '<link rel="stylesheet" href="//cdn.example/x.css"></head>'
        '<body><img src="https://pixel.example/p.gif" alt=""></body></html>')
    (tmp_path / "s.css").write_text('@import "https://fonts.example/f.css"; '
                                    "body { background: url(https://img.example/b.png) }")
    problems = " ".join(privacy_problems(tmp_path))
    for host in ("tracker.example", "cdn.example", "pixel.example", "fonts.example",
                 "img.example"):
        assert host in problems


# -- plain language on reader pages ------------------------------------------------------------


def reader_text(page: Path) -> str:
    """A page's text for readers: sections for clinicians, tables and citations left out."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    main = soup.select_one('div[itemprop="articleBody"]')
    for section in main.find_all("section"):
        heading = section.find("h2")
        if heading and heading.get_text().strip().lower().startswith("for clinicians"):
            section.decompose()
    for drop in main.select("table, .kd-helplines, h1, h2, h3, .admonition-title, .headerlink"):
        drop.decompose()
    sentences = []
    for block in main.find_all(["p", "li", "dd"]):
        if block.find(["p", "li"]):
            continue
        text = re.sub(r"\[[^\]]*\]", "", " ".join(block.get_text(" ").split()))
        text = re.sub(r"\s+([.,;:!?])", r"\1", text).strip()
        if text:
            sentences.append(text if text[-1] in ".!?" else text + ".")
    return " ".join(sentences)


@pytest.mark.parametrize("name", ["overview", "mechanism", "addiction-claims",
                                  "dependence-withdrawal", "safety", "hair-loss",
                                  "getting-help", "glossary", "about"])
def test_reader_pages_are_plain_language(site, textstat, name):
    text = reader_text(site.html / "docs" / f"{name}.html")
    assert len(text.split()) > 300
    assert textstat.flesch_kincaid_grade(text) <= 9.0
