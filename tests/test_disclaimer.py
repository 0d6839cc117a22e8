"""The disclaimer: one source, on every HTML page, and the build fails by page without it."""

from __future__ import annotations

import pytest
from conftest import REPO, warnings_of
from helpers import disclaimer_text, html_disclaimer_problems, html_pages

from kratom_docs import disclaimer
from kratom_docs.data import DataError


@pytest.mark.slow
def test_every_page_gets_the_disclaimer_from_its_single_source(build, project, tmp_path):
    app = build(project, pdf=True, out=tmp_path / "out")
    assert app.statuscode == 0, warnings_of(app)
    pages = html_pages(tmp_path / "out" / "html")
    names = {p.relative_to(tmp_path / "out" / "html").as_posix() for p in pages}
    assert names >= {
        "index.html",
        "search.html",
        "genindex.html",
        "handouts/sample.html",
        "handouts/download.html",
        "h/sample/index.html",
    }
    assert html_disclaimer_problems(pages, disclaimer_text(repo=project)) == []


def test_a_page_without_the_disclaimer_fails_the_build_by_name(build, copy_root, tmp_path):
    """Seeded fault: a template override drops the disclaimer."""
    app = build(copy_root("no-disclaimer"), out=tmp_path / "out")
    log = warnings_of(app)
    for page in ("index.html", "search.html", "genindex.html"):
        assert f"the required disclaimer could not be placed on page {page}" in log
    pages = [tmp_path / "out" / "html" / "index.html"]
    assert html_disclaimer_problems(pages, disclaimer_text(repo=REPO)) == [
        "index.html: no disclaimer"
    ]


REQUIRED = {  # the disclaimer elements of the patient-materials standard, in each language
    "en": (
        "for education only",
        "not medical advice",
        "ask your doctor or pharmacist",
        "before you start, stop or change",
        "has not approved kratom",
    ),
    "es": (
        "es información",
        "no consejo médico",
        "su médico o farmacéutico",
        "antes de empezar, dejar o cambiar",
        "no aprueba el kratom",
    ),
}


@pytest.mark.parametrize("language", sorted(REQUIRED))
def test_the_short_disclaimer_has_every_required_element(language):
    text = disclaimer_text(language).lower()
    for element in (*REQUIRED[language], "911", "1-800-222-1222", "988", "1-800-662-4357"):
        assert element in text, element
    assert len(text.split()) <= 60, "too long for a footer"


def test_missing_language_and_bad_yaml_name_the_file(tmp_path):
    path = tmp_path / "disclaimer.yaml"
    path.write_text("en:\n  short: x\n  full: y\n")
    with pytest.raises(DataError, match=r"disclaimer.yaml: no disclaimer for language 'es'"):
        disclaimer.load(path, "es")
    path.write_text("en:\n  short: [unclosed\n  full: y\n")
    with pytest.raises(DataError, match=r"disclaimer.yaml:2: invalid YAML"):
        disclaimer.load(path, "en")
