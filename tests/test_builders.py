"""Every builder the project offers works with the extension: gettext, text, dirhtml, parallel."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import warnings_of
from helpers import published_pdfs


def test_gettext_builder(build, project, tmp_path):
    app = build(project, "gettext", out=tmp_path / "out")
    assert app.statuscode == 0 and not app._warncount, warnings_of(app)
    pot = (tmp_path / "out" / "gettext" / "handouts" / "sample.pot").read_text()
    assert 'msgid "A sample handout"' in pot
    # the fill-in box's title and labels are messages too (a Spanish box must not be English)
    assert 'msgid "My questions"' in pot and 'msgid "My doctor\'s phone:"' in pot
    assert published_pdfs(tmp_path / "out") == []


def test_text_builder_skips_print_only_markup(build, project, tmp_path):
    app = build(project, "text", out=tmp_path / "out")
    assert app.statuscode == 0 and not app._warncount, warnings_of(app)
    text = (tmp_path / "out" / "text" / "handouts" / "sample.txt").read_text()
    assert "A sample handout" in text


@pytest.mark.slow
def test_dirhtml_puts_the_pdfs_next_to_each_page(build, project, tmp_path):
    app = build(project, "dirhtml", pdf=True, out=tmp_path / "out")
    assert app.statuscode == 0 and not app._warncount, warnings_of(app)
    page = tmp_path / "out" / "dirhtml" / "handouts" / "sample"
    assert (page / "sample-letter.pdf").is_file()
    assert 'href="sample-letter.pdf"' in (page / "index.html").read_text()


def translate(
    project: Path,
    out: Path,
    build,
    title: str,
    *,
    skip: set[str] = frozenset(),
    fuzzy: set[str] = frozenset(),
) -> None:
    """Catalogs for Spanish from the project's templates: every message kept as it is (a
    translation may equal its source) except the handout's title; pages in ``skip`` get none."""
    from babel.messages.pofile import read_po, write_po

    build(project, "gettext", out=out)
    for pot in (out / "gettext").rglob("*.pot"):
        name = pot.relative_to(out / "gettext").with_suffix("").as_posix()
        if name in skip:
            continue
        with pot.open("rb") as handle:
            catalog = read_po(handle, locale="es")
        for message in catalog:
            if message.id:
                message.string = title if message.id == "A sample handout" else message.id
                if message.id in fuzzy:
                    message.flags.add("fuzzy")
        po = project / "locales" / "es" / "LC_MESSAGES" / f"{name}.po"
        po.parent.mkdir(parents=True, exist_ok=True)
        with po.open("wb") as handle:
            write_po(handle, catalog)


SPANISH = {"language": "es", "locale_dirs": ["locales"], "site_languages": "en,es"}


@pytest.mark.slow
def test_a_translated_build_prints_only_complete_handouts(build, project, tmp_path):
    """The i18n path: a complete catalog gives a Spanish PDF; a missing catalog gives none and
    a warning; the web page says what is not translated."""
    import pikepdf

    translate(project, tmp_path / "pot", build, "Una hoja de ejemplo")
    disclaimer = project / "data" / "disclaimer.yaml"
    disclaimer.write_text(
        disclaimer.read_text() + "es:\n  short: 'Solo para educación. No es "
        "consejo médico. Emergencias: llame al 911.'\n  full: Solo para "
        "educación.\n"
    )
    out = tmp_path / "out"
    app = build(project, out=out, pdf=True, **SPANISH)
    assert app.statuscode == 0 and not app._warncount, warnings_of(app)
    with pikepdf.open(out / "html" / "handouts" / "sample-letter.pdf") as doc:
        assert str(doc.Root.Lang).startswith("es")
        assert str(doc.docinfo.Title) == "Una hoja de ejemplo"
    # the other handout's catalog goes missing: it is not printed, and its page says so
    for stale in (project / "locales" / "es" / "LC_MESSAGES" / "handouts").glob("other.*"):
        stale.unlink()
    app = build(project, out=out, pdf=True, **SPANISH)
    assert "handouts/other.md: WARNING: 1 message(s) are not translated into es" in warnings_of(app)
    assert "other" not in {job.docname.split("/")[-1] for job in app.kratom_plan.jobs}
    other = (out / "html" / "handouts" / "other.html").read_text()
    assert "Part of this page is not translated yet" in other
    assert (
        "Part of this page is not translated yet"
        not in (out / "html" / "handouts" / "sample.html").read_text()
    )


def test_a_fuzzy_translation_counts_as_missing(build, project, tmp_path):
    translate(
        project, tmp_path / "pot", build, "Una hoja de ejemplo", fuzzy={"Talk to your doctor."}
    )
    disclaimer = project / "data" / "disclaimer.yaml"
    disclaimer.write_text(
        disclaimer.read_text() + "es:\n  short: 'Solo para educación.'\n"
        "  full: Solo para educación.\n"
    )
    app = build(project, out=tmp_path / "out", **SPANISH)
    assert (
        "handouts/sample.md: WARNING: 1 message(s) are not translated into es, e.g. "
        "'Talk to your doctor.'" in warnings_of(app)
    )


def test_every_page_links_to_its_other_language_both_ways(build, project, tmp_path):
    from bs4 import BeautifulSoup

    out = tmp_path / "out"
    english = build(project, out=out, site_languages="en,es", html_baseurl="https://x.example.org/")
    translate(project, tmp_path / "pot", build, "Una hoja de ejemplo")
    (project / "data" / "disclaimer.yaml").write_text(
        (project / "data" / "disclaimer.yaml").read_text()
        + "es:\n  short: 'Solo para educación.'\n  full: Solo para educación.\n"
    )
    build(project, out=tmp_path / "es", **SPANISH, html_baseurl="https://x.example.org/es/")
    shutil.copytree(tmp_path / "es" / "html", out / "html" / "es")
    site = out / "html"
    for page in ("index.html", "handouts/sample.html", "search.html"):
        for start, lang in ((site / page, "es"), (site / "es" / page, "en")):
            soup = BeautifulSoup(start.read_text(), "html.parser")
            link = soup.select_one(f'.kd-languages a[hreflang="{lang}"]')
            assert link is not None, (start, lang)
            target = (start.parent / link["href"]).resolve()
            assert target.is_file(), (start, link["href"])
            assert (
                soup.find("link", rel="alternate", hreflang=lang) is not None
                or page == "search.html"
            )
    assert '<html class="writer-html5" lang="es"' in (site / "es" / "index.html").read_text()
    assert english.statuscode == 0


def test_a_translated_alt_text_or_toctree_caption_is_not_reported_as_missing():
    """Sphinx translates both but leaves them marked untranslated."""
    from docutils import nodes
    from sphinx import addnodes

    from kratom_docs.translation import _is_missing

    done = {"Dos cajas unidas por una línea.", "Páginas de referencia"}
    assert not _is_missing(nodes.image(alt="Dos cajas unidas por una línea."), done)
    assert _is_missing(nodes.image(alt="Two boxes joined by a line."), done)
    assert not _is_missing(addnodes.toctree(caption="Páginas de referencia"), done)
    assert not _is_missing(addnodes.toctree(), done)  # no caption, nothing to translate
    assert _is_missing(addnodes.toctree(caption="Reference pages"), done)
    assert _is_missing(nodes.paragraph(text="Talk to your doctor."), done)


def test_a_page_description_is_translated_through_the_page_catalog(build, project, tmp_path):
    from babel.messages.pofile import read_po, write_po

    translate(project, tmp_path / "pot", build, "Una hoja de ejemplo")
    pot = (tmp_path / "pot" / "gettext" / "handouts" / "sample.pot").read_text()
    assert 'msgid "A sample handout for the tests."' in pot
    po = project / "locales" / "es" / "LC_MESSAGES" / "handouts" / "sample.po"
    with po.open("rb") as handle:
        catalog = read_po(handle, locale="es")
    catalog["A sample handout for the tests."].string = "Una hoja de ejemplo para las pruebas."
    with po.open("wb") as handle:
        write_po(handle, catalog)
    (project / "data" / "disclaimer.yaml").write_text(
        (project / "data" / "disclaimer.yaml").read_text()
        + "es:\n  short: 'Solo para educación.'\n  full: Solo para educación.\n"
    )
    build(project, out=tmp_path / "es", **SPANISH)
    page = (tmp_path / "es" / "html" / "handouts" / "sample.html").read_text()
    assert '<meta name="description" content="Una hoja de ejemplo para las pruebas." />' in page
    assert page.count('name="description"') == 1
