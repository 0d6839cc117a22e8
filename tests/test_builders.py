"""Every builder the project offers works with the extension: gettext, text, parallel HTML."""

from __future__ import annotations

import pytest
from conftest import run_sphinx


@pytest.mark.sphinx("gettext", testroot="basic", freshenv=True)
def test_gettext_builder(app):
    app.build()
    assert app.statuscode == 0, app.warning.getvalue()
    pot = (app.outdir / "handouts.pot").read_text()
    assert 'msgid "A sample handout"' in pot
    assert not list(app.outdir.rglob("*.pdf"))


@pytest.mark.sphinx("text", testroot="basic", freshenv=True)
def test_text_builder_skips_print_only_markup(app):
    app.build()
    assert app.statuscode == 0, app.warning.getvalue()
    assert "A sample handout" in (app.outdir / "handouts" / "sample.txt").read_text()


def test_parallel_html_build_prints_the_same_pdfs(project_copy, tmp_path):
    serial = run_sphinx(project_copy, tmp_path / "serial")
    parallel = run_sphinx(project_copy, tmp_path / "parallel", "html", "-j", "2")
    assert serial.returncode == 0 and parallel.returncode == 0, parallel.stderr
    for name in ("sample-letter.pdf", "other-letter.pdf"):
        one = (tmp_path / "serial" / "handouts" / name).read_bytes()
        two = (tmp_path / "parallel" / "handouts" / name).read_bytes()
        assert one == two


def test_a_translated_build_prints_translated_handouts(project_copy, tmp_path):
    """The i18n path: a catalog translates the handout; the PDF says it is Spanish."""
    import pikepdf
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    catalog = Catalog(locale="es", domain="handouts")
    catalog.add("A sample handout", "Una hoja de ejemplo")
    mo = project_copy / "locales" / "es" / "LC_MESSAGES" / "handouts.mo"
    mo.parent.mkdir(parents=True)
    with mo.open("wb") as out:
        write_mo(out, catalog)
    disclaimer = tmp_path / "disclaimer.yaml"
    disclaimer.write_text(
        "es:\n  short: 'Solo para educación. No es consejo médico. Emergencias: llame al 911.'\n"
        "  full: Solo para educación.\n"
    )
    conf = project_copy / "conf.py"
    conf.write_text(conf.read_text() + f"\nlocale_dirs = ['locales']\ngettext_compact = True\n"
                    f"disclaimer_file = {str(disclaimer)!r}\n")
    proc = run_sphinx(project_copy, tmp_path / "out", "html", "-D", "language=es")
    assert proc.returncode == 0, proc.stderr
    pdf = tmp_path / "out" / "handouts" / "sample-letter.pdf"
    with pikepdf.open(pdf) as doc:
        assert str(doc.Root.Lang).startswith("es")
        assert str(doc.docinfo.Title) == "Una hoja de ejemplo"
    from checks import pdf_page_texts

    assert all("Solo para educación." in text for text in pdf_page_texts(pdf))
