"""Content as data: citations, the bibliography, claims, time-sensitive facts, privacy, and the
reading level of reader pages (every page found from the sources)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import REPO, warnings_of
from helpers import front_matter, handout_sources, reader_sources

from kratom_docs import claims, facts
from kratom_docs.data import DataError
from kratom_docs.references import Entry, parse

SOURCES = [*reader_sources(), *handout_sources(), REPO / "handouts" / "index.md"]
CITE = re.compile(r"\{(?:foot)?cite(?::[a-z]+)?\}`([^`]+)`")
BIB = REPO / "data" / "references.bib"


def cited_keys(sources: list[Path], data: Path) -> set[str]:
    keys = set()
    for source in sources:
        for match in CITE.finditer(source.read_text(encoding="utf-8")):
            keys |= {k.strip() for k in match.group(1).split(",")}
    for name in ("claims.yaml", "helplines.yaml", "facts.yaml"):
        for entry in yaml.safe_load((data / name).read_text()) or []:
            keys |= set(entry.get("cite", []))
    return keys


def citation_problems(bib: Path, cited: set[str]) -> list[str]:
    known = set(parse(bib))
    return [f"unknown key {k}" for k in sorted(cited - known)] + [
        f"unused entry {k}" for k in sorted(known - cited)
    ]


# -- citations -------------------------------------------------------------------------------------


def test_every_citation_resolves_and_no_entry_is_unused():
    cited = cited_keys(SOURCES, REPO / "data")
    assert len(cited) > 50
    assert citation_problems(BIB, cited) == []


def test_the_citation_check_catches_seeded_faults(tmp_path):
    bib = tmp_path / "r.bib"
    bib.write_text(
        BIB.read_text() + "\n@misc{orphan2020,\n  title = {Never cited},\n"
        "  url = {https://doi.org/x}\n}\n"
    )
    cited = cited_keys(SOURCES, REPO / "data")
    problems = citation_problems(bib, cited | {"invented2099"})
    assert problems == ["unknown key invented2099", "unused entry orphan2020"]


def test_every_medical_page_cites_its_sources():
    for source in SOURCES:
        if source.name in {
            "index.md",
            "references.md",
            "about.md",
            "changelog.md",
            "for-clinics.md",
            "download.md",
        }:
            continue
        text = source.read_text(encoding="utf-8")
        assert CITE.search(text) or "{claims-table}" in text, f"{source.name} cites nothing"


def test_reader_pages_use_numbered_references():
    for source in [*reader_sources(), *handout_sources()]:
        text = source.read_text(encoding="utf-8")
        assert "{cite:" not in text, f"{source.name}: use {{footcite:p}} (numbered references)"
        if "{footcite" in text:
            assert "{footbibliography}" in text, f"{source.name} has no reference list"


@pytest.mark.slow
def test_numbered_references_render_on_every_page_that_cites(site):
    for source in [*reader_sources(), *handout_sources()]:
        if "{footcite" not in source.read_text(encoding="utf-8"):
            continue
        rel = source.relative_to(REPO).with_suffix(".html")
        soup = BeautifulSoup((site.html / rel).read_text(encoding="utf-8"), "html.parser")
        notes = soup.select("aside.footnote")
        refs = soup.select("a.footnote-reference")
        assert notes and refs, rel
        numbers = [n.select_one(".label").get_text().strip("[]") for n in notes]
        assert numbers == [str(i) for i in range(1, len(notes) + 1)], rel
        for note in notes:
            links = [a["href"] for a in note.find_all("a", href=re.compile(r"^https://"))]
            assert links, (rel, note.get_text()[:80])
            assert len(links) == len(set(links)), (rel, "the same link twice", links)


# -- the bibliography --------------------------------------------------------------------------------

PRIMARY_HOSTS = (
    "doi.org",
    "nih.gov",
    "cdc.gov",
    "fda.gov",
    "hhs.gov",
    "samhsa.gov",
    "hrsa.gov",
    "dea.gov",
    "federalregister.gov",
    "govinfo.gov",
    "congress.gov",
    "unodc.org",
    "who.int",
    "janusinfo.se",
    "justice.gov",
    "mo.gov",
    "texas.gov",
    "wyo.gov",
    "ca.gov",
    "pittcountync.gov",
    "govdelivery.com",
    "988lifeline.org",
    "findtreatment.gov",
    "clinicaltrials.gov",
)


#: Where a peer-reviewed work may be linked when it has no DOI: its publisher, the society or
#: meeting that published the abstract, the authors' institutional repository, or a medical index
#: (PubMed's role; WPRIM is the WHO Western Pacific Region's Index Medicus).
PUBLISHER_HOSTS = (
    "aasld.org",  # American Association for the Study of Liver Diseases (meeting abstracts)
    "aad.org",  # American Academy of Dermatology
    "index.mirasmart.com",  # American Academy of Neurology abstract site
    "proceedings.asdp.org",  # American Society of Dermatopathology proceedings
    "salientvisionarypub.com",  # journal publisher
    "ejgm.org",  # European Journal of General Medicine
    "scholarspace.manoa.hawaii.edu",  # University of Hawaii repository
    "vancouver.wsu.edu",  # Washington State University
    "wisconsinmedicalsociety.org",  # publisher of WMJ
    "wprim.whocc.org.cn",  # WHO Western Pacific Region Index Medicus
)


def on_hosts(host: str, hosts: tuple[str, ...]) -> bool:
    return any(host == h or host.endswith("." + h) for h in hosts)


def primary_and_linked(entry: Entry) -> bool:
    """Issue 8's measure: a primary work, linked at its publisher, agency, DOI or index record."""
    f = entry.fields
    host = (urlsplit(f.get("url", "")).hostname or "").lower()
    primary = entry.kind in ("peer-reviewed", "government") or f.get("primary") == "yes"
    return (
        primary
        and not f.get("copy", "").strip()
        and on_hosts(host, PRIMARY_HOSTS + PUBLISHER_HOSTS)
    )


def entry_problems(entry: Entry) -> list[str]:
    f = entry.fields
    problems = []
    if entry.kind not in ("peer-reviewed", "government", "other"):
        problems.append(f"{entry.key}: kind is {entry.kind!r}")
    for field in ("title", "year", "url"):
        if not f.get(field, "").strip():
            problems.append(f"{entry.key}: no {field}")
    if not f.get("url", "").startswith("https://"):
        problems.append(f"{entry.key}: url is not https")
    if entry.type == "article":
        if not entry.authors:
            problems.append(f"{entry.key}: an article without authors")
        if not f.get("journal"):
            problems.append(f"{entry.key}: an article without a journal")
        if not f.get("doi") and not f.get("nodoi", "").strip():
            problems.append(f"{entry.key}: an article without a DOI needs a nodoi reason")
    if f.get("doi") and f.get("url") != f"https://doi.org/{f['doi']}":
        problems.append(f"{entry.key}: the url of an entry with a DOI is https://doi.org/<doi>")
    host = (urlsplit(f.get("url", "")).hostname or "").lower()
    if entry.kind == "government" and not (
        f.get("agency") and (on_hosts(host, PRIMARY_HOSTS) or f.get("copy", "").strip())
    ):
        problems.append(
            f"{entry.key}: a government entry needs an agency and an agency or "
            f"doi.org address, not {host} (or a 'copy' field saying why only a copy is linked)"
        )
    if "audit" in f.get("note", "").lower() or "read at" in f.get("note", "").lower():
        problems.append(f"{entry.key}: the note is for readers; audit remarks go in 'audit'")
    return problems


def test_every_entry_is_complete_and_points_at_the_work():
    problems = [p for e in parse(BIB).values() for p in entry_problems(e)]
    assert problems == []


def test_the_entry_check_catches_seeded_faults():
    bad = Entry(
        "bad",
        "article",
        1,
        {
            "kind": "primary",
            "title": "T",
            "year": "2020",
            "url": "http://example.org",
            "doi": "10.1/x",
            "note": "Read at example.org",
        },
    )
    gov = Entry(
        "gov",
        "misc",
        1,
        {"kind": "government", "title": "T", "year": "2020", "url": "https://news.example.com/x"},
    )
    text = " ".join(entry_problems(bad) + entry_problems(gov))
    for expected in (
        "kind is 'primary'",
        "url is not https",
        "without authors",
        "without a journal",
        "https://doi.org/<doi>",
        "needs an agency",
        "audit remarks",
    ):
        assert expected in text, expected


def test_at_least_nine_in_ten_references_are_primary_and_linked_to_the_work():
    entries = list(parse(BIB).values())
    linked = [e for e in entries if primary_and_linked(e)]
    others = sorted(e.key for e in entries if not primary_and_linked(e))
    assert len(linked) / len(entries) >= 0.9, f"{len(linked)} of {len(entries)}; not: {others}"


def test_the_primary_measure_catches_seeded_faults():
    def entry(**fields):
        return Entry("x", "misc", 1, {"title": "T", "year": "2020", **fields})

    assert primary_and_linked(entry(kind="government", url="https://www.fda.gov/x"))
    assert primary_and_linked(entry(kind="peer-reviewed", url="https://doi.org/10.1/x"))
    assert primary_and_linked(entry(kind="other", primary="yes", url="https://www.aad.org/x"))
    for fault in (
        entry(kind="other", url="https://www.fda.gov/x"),  # secondary by kind
        entry(kind="government", url="https://www.fda.gov/x", copy="only a copy"),  # a copy
        entry(kind="government", url="https://www.einpresswire.com/x"),  # a reprint site
        entry(kind="peer-reviewed", url="https://docslib.org/doc/1"),  # a document dump
    ):
        assert not primary_and_linked(fault), fault.fields


def test_secondary_sources_say_what_they_are():
    for entry in parse(BIB).values():
        if entry.kind == "other":
            assert entry.fields.get("note", "").strip(), f"{entry.key}: say why it is cited"


# -- the claims check --------------------------------------------------------------------------------


def test_the_claims_the_popular_copy_gets_wrong_are_rated_as_the_dossier_does():
    data = claims.load(REPO / "data/claims.yaml")
    assert len(data) >= 11
    assert data["safe-effective-recovery"]["verdict"] == "contradicted"
    assert data["hair-loss-studies"]["verdict"] == "not established"


def test_the_site_states_each_claim_once_from_data():
    for source in reader_sources():
        text = source.read_text(encoding="utf-8")
        assert "| Verdict" not in text and "| What is claimed" not in text, source.name


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda t: t.replace("verdict: not established", "verdict: probably", 1),
            r"claims.yaml:\d+: field 'verdict' is 'probably'; allowed: supported",
        ),
        (
            lambda t: t.replace("  strength: weak\n", "", 1),
            r"claims.yaml:\d+: required field 'strength' is missing",
        ),
        (
            lambda t: t.replace("  cite: [known2020]", "  cite: [known2020]\n  colour: red", 1),
            r"claims.yaml:\d+: unknown field 'colour'",
        ),
        (
            lambda t: t.replace("  cite: [known2020]", "  cite: []", 1),
            r"claims.yaml:\d+: required field 'cite' is missing or empty",
        ),
        (lambda t: t + "  - broken: [\n", r"claims.yaml:\d+: invalid YAML"),
    ],
)
def test_bad_claims_data_names_file_line_and_field(tmp_path, edit, message):
    source = REPO / "tests/roots/test-basic/data/claims.yaml"
    path = tmp_path / "claims.yaml"
    path.write_text(edit(source.read_text()))
    with pytest.raises(DataError, match=message):
        claims.load(path)


def test_a_claim_without_a_primary_source_fails_at_its_line(build, project, tmp_path):
    bib = project / "data" / "refs.bib"
    bib.write_text(bib.read_text().replace("kind    = {peer-reviewed}", "kind    = {other}"))
    app = build(project, out=tmp_path / "out")
    assert re.search(
        r"claims\.yaml:1: ERROR: claim 'sample-claim': its verdict cites no "
        r"primary source",
        warnings_of(app),
    )


# -- facts with an expiry date -------------------------------------------------------------------------


def test_every_time_sensitive_fact_was_checked_this_month():
    data = facts.load(REPO / "data" / "facts.yaml")
    assert data
    newest = max(f["checked"] for f in data.values())
    for fact in data.values():
        assert (newest - fact["checked"]).days <= 31, fact["id"]
        assert fact["recheck_months"] <= 6, fact["id"]
    for line in yaml.safe_load((REPO / "data" / "helplines.yaml").read_text()):
        assert line["recheck_months"] <= 6


def test_a_fact_past_its_recheck_date_fails_every_build(build, project, tmp_path):
    (project / "data" / "facts.yaml").write_text(
        '- id: example\n  text: "A rule changed."\n  checked: 2026-01-01\n'
        "  recheck_months: 3\n  cite: [known2020]\n"
    )
    page = project / "index.md"
    page.write_text(
        page.read_text().replace("```{claims-table}", "```{fact} example\n```\n\n```{claims-table}")
    )
    out = tmp_path / "out"
    for _ in range(2):  # also when nothing else changed
        app = build(project, out=out)
        assert re.search(
            r"facts\.yaml:1: WARNING: fact 'example' was last checked 2026-01-01", warnings_of(app)
        ), warnings_of(app)
    assert "(As of January 2026.)" in (out / "html" / "index.html").read_text()


def test_review_dates_are_valid_on_every_page():
    for source in SOURCES:
        front = front_matter(source)
        last, nxt = front["last_reviewed"], front["next_review"]
        assert isinstance(last, dt.date) and isinstance(nxt, dt.date), source.name
        assert last < nxt <= last.replace(year=last.year + 1), source.name
        assert "clinical_reviewer" in front, source.name
        assert str(front.get("description", "")).strip(), f"{source.name}: no description"


# -- privacy --------------------------------------------------------------------------------------------

REMOTE = re.compile(r"^(https?:)?//", re.IGNORECASE)
LOADING = {
    "script": "src",
    "link": "href",
    "img": "src",
    "iframe": "src",
    "source": "src",
    "video": "src",
    "audio": "src",
    "embed": "src",
    "object": "data",
}


def privacy_problems(folder: Path) -> list[str]:
    """Anything a page or stylesheet would load from another host."""
    problems = []
    for page in sorted(folder.rglob("*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8", errors="replace"), "html.parser")
        for tag, attr in LOADING.items():
            for element in soup.find_all(tag):
                value = element.get(attr) or ""
                if tag == "link" and not {"stylesheet", "preload", "icon"} & set(
                    element.get("rel") or []
                ):
                    continue
                if REMOTE.match(value):
                    problems.append(f"{page.name}: <{tag}> loads {value}")
    for css in sorted(folder.rglob("*.css")):
        text = css.read_text(encoding="utf-8", errors="replace")
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", text) + re.findall(
            r"@import\s+['\"]([^'\"]+)", text
        ):
            if REMOTE.match(url.strip()):
                problems.append(f"{css.name}: loads {url}")
    return problems


@pytest.mark.slow
def test_no_page_loads_anything_from_another_host(site):
    assert privacy_problems(site.html) == []


def test_the_privacy_check_catches_a_seeded_fault(tmp_path):
    (tmp_path / "page.html").write_text(
        '<html><head><script src="https://tracker.example/t.js"></script>'
        '<link rel="stylesheet" href="//cdn.example/x.css"></head>'
        '<body><img src="https://pixel.example/p.gif" alt=""></body></html>'
    )
    (tmp_path / "s.css").write_text(
        '@import "https://fonts.example/f.css"; body { background: url(https://img.example/b.png) }'
    )
    problems = " ".join(privacy_problems(tmp_path))
    for host in ("tracker.example", "cdn.example", "pixel.example", "fonts.example", "img.example"):
        assert host in problems


# -- plain language on reader pages ---------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("source", reader_sources(), ids=lambda p: p.name)
def test_reader_pages_are_plain_language(site, textstat, source):
    """Grade 9 or lower outside "For clinicians" sections; no sentence over 30 words."""
    from readability import sentences

    if source.stem in {"references"}:
        pytest.skip("a list of references")
    page = site.html / source.relative_to(REPO).with_suffix(".html")
    parts = sentences(page, clinicians=False)
    body = " ".join(parts)
    assert textstat.flesch_kincaid_grade(body) <= 9.0, source.name
    long = [s for s in parts if len(s.split()) > 30]
    assert long == [], f"{source.name}: sentences over 30 words"


# -- the changelog -----------------------------------------------------------------------------------


def changelog_problems(text: str, version: str, handouts: dict[str, str]) -> list[str]:
    """The release's section exists, is dated, and names each handout it lists by its title."""
    sections = re.split(r"^## ", text, flags=re.M)[1:]
    release = next((s for s in sections if s.startswith(f"{version} (")), None)
    if release is None:
        return [f"no section '## {version} (<date>)'"]
    problems = []
    heading = release.splitlines()[0]
    if not re.fullmatch(rf"{re.escape(version)} \([A-Z][a-z]+ \d{{1,2}}, \d{{4}}\)", heading):
        problems.append(f"the heading {heading!r} gives no date in words")
    listed = re.search(r"### Handouts that changed\n(.*?)(?=\n### |\Z)", release, re.S)
    if listed is None:
        return [*problems, "no 'Handouts that changed' list"]
    for title, name in re.findall(r"^- (.+?) \(`([^`]+)`\)$", listed.group(1), re.M):
        if handouts.get(name) != title:
            problems.append(f"{name!r} is not a handout titled {title!r}")
    if not re.search(r"^- ", listed.group(1), re.M) and "No handout" not in listed.group(1):
        problems.append("say which handouts changed, or 'No handout changed'")
    return problems


def handout_titles() -> dict[str, str]:
    titles = {}
    for path in handout_sources():
        heading = re.search(r"^# (.+)$", path.read_text(encoding="utf-8"), re.M)
        titles[path.stem] = heading.group(1).strip()
    return titles


def test_the_changelog_says_which_handouts_changed_in_this_release():
    from importlib.metadata import version

    text = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog_problems(text, version("kratom-docs"), handout_titles()) == []


def test_the_changelog_check_catches_seeded_faults():
    titles = {"basics": "Kratom basics"}
    good = "# What changed\n\n## 1.0 (May 1, 2027)\n\n### Handouts that changed\n\n"
    assert changelog_problems(good + "- Kratom basics (`basics`)\n", "1.0", titles) == []
    assert changelog_problems(good + "No handout changed.\n", "1.0", titles) == []
    assert changelog_problems(good, "2.0", titles) == ["no section '## 2.0 (<date>)'"]
    assert (
        "gives no date in words"
        in changelog_problems(good.replace("May 1, 2027", "2027-05-01"), "1.0", titles)[0]
    )
    assert changelog_problems(good + "- Basics (`basic`)\n", "1.0", titles) == [
        "'basic' is not a handout titled 'Basics'"
    ]
    assert changelog_problems(good + "Some text.\n", "1.0", titles) == [
        "say which handouts changed, or 'No handout changed'"
    ]
