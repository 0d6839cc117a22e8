"""Every builder the project offers works with the extension: gettext, text, dirhtml, parallel."""

from __future__ import annotations

import pytest

from conftest import warnings_of
from helpers import published_pdfs


def test_gettext_builder(build, project, tmp_path):
    app = build(project, "gettext", out=tmp_path / "out")
    assert app.statuscode == 0 and not app._warncount, warnings_of(app)
    pot = (tmp_path / "out" / "gettext" / "handouts" / "sample.pot").read_text()
    assert 'msgid "A sample handout"' in pot
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


@pytest.mark.slow
def test_a_translated_build_prints_translated_handouts(build, project, tmp_path):
    """The i18n path: a catalog translates the handout; the PDF says it is Spanish."""
    import pikepdf
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    catalog = Catalog(locale="es", domain="handouts/sample")
    catalog.add("A sample handout", "Una hoja de ejemplo")
    mo = project / "locales" / "es" / "LC_MESSAGES" / "handouts" / "sample.mo"
    mo.parent.mkdir(parents=True)
    with mo.open("wb") as out:
        write_mo(out, catalog)
    disclaimer = project / "data" / "disclaimer.yaml"
    disclaimer.write_text(disclaimer.read_text() + "es:\n  short: 'Solo para educación. No es "
                          "consejo médico. Emergencias: llame al 911.'\n  full: Solo para "
                          "educación.\n")
    app = build(project, pdf=True, out=tmp_path / "out", language="es", locale_dirs=["locales"])
    assert app.statuscode == 0, warnings_of(app)
    pdf = tmp_path / "out" / "handouts" / "sample-letter.pdf"
    with pikepdf.open(pdf) as doc:
        assert str(doc.Root.Lang).startswith("es")
        assert str(doc.docinfo.Title) == "Una hoja de ejemplo"
