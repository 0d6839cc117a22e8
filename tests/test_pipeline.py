"""The build model: one print plan, Sphinx's own invalidation, checks before publishing.

Each test reproduces a case where an incremental build once differed from a clean one, or a
failure that once passed silently, and shows it now holds: incremental state equals clean state
(links, PDF set, PDF bytes).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import REPO, ROOTS, warnings_of
from helpers import published_pdfs, tree_of

from kratom_docs import config

pytestmark = pytest.mark.slow


def state(app) -> dict:
    """What a reader or a clinic gets from a build: PDF links, PDF bytes, download pages."""
    out = Path(app.outdir)  # the site; the build's cache is in the doctree folder beside it
    links = {}
    for page in sorted(out.rglob("handouts/*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        links[page.name] = sorted(a["href"] for a in soup.select(".kd-downloads a[href$='.pdf']"))
    mirror = out.parent / "handouts"
    return {
        "links": links,
        "site": tree_of(out),
        "mirror": tree_of(mirror) if mirror.is_dir() else {},
    }


def incremental_equals_clean(build, project, tmp_path, steps) -> None:
    """Build once per step on the same output folder, then compare with one clean build."""
    inc = tmp_path / "inc"
    for overrides in steps:
        app = build(project, pdf=True, out=inc, **overrides)
    clean = build(project, pdf=True, out=tmp_path / "clean", freshenv=True, **steps[-1])
    assert warnings_of(app) == warnings_of(clean) or (
        bool(app._warncount) == bool(clean._warncount)
    ), warnings_of(app)
    assert state(app) == state(clean)


@pytest.mark.parametrize(
    "steps",
    [
        pytest.param([{}, {"handout_paper_sizes": "letter,a4"}], id="paper sizes added"),
        pytest.param([{"handout_paper_sizes": "letter,a4"}, {}], id="paper size dropped"),
        pytest.param([{}, {"handout_pdf": "0"}], id="PDFs turned off"),
        pytest.param([{"handout_pdf": "0"}, {}], id="PDFs turned on"),
        pytest.param([{}, {"handout_large_print": "1"}], id="large print added"),
        pytest.param([{}, {"handout_date": "1800000000"}], id="new date"),
    ],
)
def test_an_incremental_build_equals_a_clean_one(build, project, tmp_path, steps):
    incremental_equals_clean(build, project, tmp_path, steps)


@pytest.mark.parametrize("which", ["handouts/sample.md", "data/claims.yaml"])
def test_a_file_put_back_with_its_old_time_is_read_again(build, project, tmp_path, which):
    """A revert that keeps the old modification time (cp -p, an archive) is still seen."""
    import os

    path = project / which
    original, stat = path.read_bytes(), path.stat()
    out = tmp_path / "out"
    build(project, pdf=True, out=out)
    before = state(build(project, pdf=True, out=out))
    text = original.decode()
    changed = text.replace("Short and clear.", "Changed.").replace("No one knows.", "Changed.")
    assert changed != text
    path.write_text(changed)
    build(project, pdf=True, out=out)
    path.write_bytes(original)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # back, with its old time
    assert state(build(project, pdf=True, out=out)) == before


def test_a_lower_page_limit_fails_the_incremental_build_too(build, project, tmp_path):
    page = project / "handouts" / "sample.md"  # more than one page even without its page break
    page.write_text(page.read_text() + "\n" + "More words on this page. " * 60 + "\n")
    first = build(project, pdf=True, out=tmp_path / "inc")
    assert first.statuscode == 0 and not first._warncount, warnings_of(first)
    again = build(project, pdf=True, out=tmp_path / "inc", handout_max_pages=1)
    assert "sample-letter.pdf: prints on 2 pages; this edition must fit 1" in warnings_of(again)


def test_a_deleted_handout_takes_its_pdfs_with_it(build, project, tmp_path):
    out = tmp_path / "out"
    build(project, pdf=True, out=out)
    assert (out / "handouts" / "other-letter.pdf").is_file()
    (project / "handouts" / "other.md").unlink()
    index = project / "handouts" / "index.md"
    index.write_text(index.read_text().replace("other\n", ""))
    app = build(project, pdf=True, out=out)
    assert app.statuscode == 0, warnings_of(app)
    assert not (out / "handouts" / "other-letter.pdf").exists()
    assert not (out / "html" / "handouts" / "other-letter.pdf").exists()
    assert (out / "handouts" / "sample-letter.pdf").is_file()


def test_publishing_removes_only_its_own_files_and_what_a_killed_build_left(
    build, project, tmp_path
):
    """A folder that also holds other files (handout_pdf_dir) keeps them; the temporary files
    of a build killed while publishing are removed by the next good build."""
    out, shared = tmp_path / "out", tmp_path / "shared"
    shared.mkdir()
    own = shared / "our-clinic-letter.pdf"
    own.write_bytes(b"%PDF-1.7 a clinic's own sheet")
    build(project, pdf=True, out=out, handout_pdf_dir=str(shared))
    assert (shared / "other-letter.pdf").is_file()
    leftover = shared / ".sample-letter.pdf.k1ll3d.part"
    leftover.write_bytes(b"%PDF-1.7 half a sheet with a REVERTED sentence")
    (project / "handouts" / "other.md").unlink()
    index = project / "handouts" / "index.md"
    index.write_text(index.read_text().replace("other\n", ""))
    app = build(project, pdf=True, out=out, handout_pdf_dir=str(shared))
    assert app.statuscode == 0, warnings_of(app)
    assert own.read_bytes() == b"%PDF-1.7 a clinic's own sheet"
    assert not leftover.exists()
    assert not (shared / "other-letter.pdf").exists()
    assert (shared / "sample-letter.pdf").is_file()


def test_a_handout_folder_that_is_not_there_fails_and_removes_nothing(build, project, tmp_path):
    out = tmp_path / "out"
    build(project, pdf=True, out=out)
    before = sorted(p.name for p in (out / "handouts").glob("*.pdf"))
    assert before
    for value, expected in (
        ("handuots", "handout_dir 'handuots' is not a folder of the sources"),
        ("./handouts", "handout_dir: must be a folder of the sources written as a plain"),
        ("handouts/../docs", "handout_dir: must be a folder of the sources written as a plain"),
        ("", "handout_dir: must be a folder of the sources written as a plain"),
        ("data", "handout_dir 'data' holds no handout page"),
    ):
        app = build(project, pdf=True, out=out, handout_dir=value)
        assert expected in warnings_of(app), (value, warnings_of(app))
        assert "Traceback" not in warnings_of(app)
        assert sorted(p.name for p in (out / "handouts").glob("*.pdf")) == before, value


def test_the_image_of_a_handout_is_in_its_pdf(build, project, tmp_path):
    from helpers import structure

    app = build(project, pdf=True, out=tmp_path / "out")
    assert app.statuscode == 0 and not app._warncount, warnings_of(app)
    tags = structure(tmp_path / "out" / "handouts" / "sample-letter.pdf")
    assert ("/Figure", "Two boxes joined by a line.") in tags


def test_a_missing_image_fails_the_build_and_prints_nothing(build, project, tmp_path):
    out = tmp_path / "out"
    build(project, pdf=True, out=out)
    before = tree_of(out / "handouts")
    (project / "handouts" / "steps.svg").unlink()
    app = build(project, pdf=True, out=out)
    assert app._warncount
    assert "steps.svg" in warnings_of(app)
    assert tree_of(out / "handouts") == before


def test_an_overdue_review_fails_every_build_not_only_the_first(build, project, tmp_path):
    out = tmp_path / "out"
    assert build(project, pdf=True, out=out)._warncount == 0
    for _ in range(2):  # nothing changed in the sources
        app = build(project, pdf=True, out=out, review_today="2027-06-01")
        assert "review overdue: 'next_review' was 2027-05-26" in warnings_of(app)
    page = (out / "html" / "handouts" / "sample.html").read_text()
    assert "This page is past its review date of May 26, 2027" in page


def test_a_missing_citation_fails_the_second_build_too(build, project, tmp_path):
    out = tmp_path / "out"
    page = project / "handouts" / "other.md"
    page.write_text(page.read_text() + "\nA claim {cite:p}`nosuchkey2099`.\n")
    for _ in range(2):
        app = build(project, pdf=True, out=out)
        assert 'could not find bibtex key "nosuchkey2099"' in warnings_of(app)


def test_the_html_check_runs_before_anything_is_published(build, copy_root, tmp_path):
    """Seeded fault: a template override drops the disclaimer; no PDF may be published."""
    src = copy_root("no-disclaimer")
    app = build(src, pdf=True, out=tmp_path / "out", handout_pdf="1")
    assert (
        "the required disclaimer could not be placed on page handouts/sample.html"
        in warnings_of(app)
    )
    assert not published_pdfs(tmp_path / "out")


def test_html_then_handouts_prints_every_pdf_once(build, project, tmp_path):
    out = tmp_path / "out"
    build(project, pdf=True, out=out)
    app = build(project, "handouts", pdf=True, out=out)
    assert "printing" not in app.status.getvalue()
    assert tree_of(out / "handouts") == tree_of(out / "html" / "handouts")


def test_an_unchanged_rebuild_reports_no_configuration_change(build, project, tmp_path):
    build(project, pdf=True, out=tmp_path / "out")
    app = build(project, pdf=True, out=tmp_path / "out")
    status = app.status.getvalue()
    assert "configuration has changed" not in status
    assert "printing" not in status
    assert "0 added, 0 changed, 0 removed" in status


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"handout_paper_sizes": "b5"},
            "conf.py: handout_paper_sizes: unknown paper size b5; use letter and/or a4",
        ),
        ({"handout_max_pages": 0}, "conf.py: handout_max_pages: must be 1 or more, not 0"),
        ({"review_today": "soon"}, "conf.py: review_today: must be an ISO date"),
        ({"review_overdue": "ignore"}, "conf.py: review_overdue: must be one of warn, banner"),
        (
            {"project_url": "http://example.org"},
            "conf.py: project_url: must be an https:// address",
        ),
    ],
)
def test_a_bad_option_is_a_plain_error_and_prints_nothing(
    build, project, tmp_path, overrides, message
):
    app = build(project, pdf=True, out=tmp_path / "out", **overrides)
    assert message in warnings_of(app)
    assert not published_pdfs(tmp_path / "out")


def test_every_option_declares_how_it_invalidates():
    import dataclasses

    for field in dataclasses.fields(config.Options):
        assert field.metadata["rebuild"] in {"", "html", "env"}, field.name
        assert field.metadata["help"], field.name


def test_the_pdf_date_comes_from_the_last_commit_without_source_date_epoch(monkeypatch, tmp_path):
    import subprocess

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    repo = tmp_path / "repo"
    repo.mkdir()
    env = {
        "GIT_AUTHOR_DATE": "2026-03-04T05:06:07Z",
        "GIT_COMMITTER_DATE": "2026-03-04T05:06:07Z",
        "GIT_AUTHOR_NAME": "a",
        "GIT_AUTHOR_EMAIL": "a@example.org",
        "GIT_COMMITTER_NAME": "a",
        "GIT_COMMITTER_EMAIL": "a@example.org",
        "HOME": str(tmp_path),
    }
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run(
        ["git", "commit", "-q", "--allow-empty", "-m", "x"], cwd=repo, check=True, env=env
    )
    assert config._build_date("", repo).isoformat() == "2026-03-04T05:06:07+00:00"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795651200")
    assert config._build_date("", repo).isoformat() == "2026-11-26T00:00:00+00:00"


def test_printing_leaves_no_font_folders_in_the_temp_folder(build, project, tmp_path, monkeypatch):
    import tempfile

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.setenv("TMPDIR", str(scratch))
    app = build(
        project, pdf=True, out=tmp_path / "out", handout_workers=2, handout_paper_sizes="letter,a4"
    )
    assert app.statuscode == 0
    assert [p.name for p in scratch.iterdir() if p.name.startswith("weasyprint-")] == []


def test_the_download_page_lists_every_pdf_with_pages_and_size(build, project, tmp_path):
    app = build(project, pdf=True, out=tmp_path / "out", handout_paper_sizes="letter,a4")
    page = (tmp_path / "out" / "html" / "handouts" / "download.html").read_text()
    soup = BeautifulSoup(page, "html.parser")
    hrefs = sorted(a["href"] for a in soup.select("a[href$='.pdf']"))
    assert hrefs == sorted(p.name for p in (tmp_path / "out" / "handouts").glob("*.pdf"))
    assert re.search(r"\d+ pages, \d+ KB", soup.get_text(" "))
    zip_link = soup.select_one("a[href$='.zip']")
    assert (tmp_path / "out" / "html" / "handouts" / zip_link["href"]).is_file()
    for img in soup.select("img.kd-thumbnail"):
        assert (tmp_path / "out" / "html" / "handouts" / img["src"]).is_file()
        assert img["alt"]
    assert app.statuscode == 0


def test_the_zip_is_reproducible(build, project, tmp_path):
    build(project, pdf=True, out=tmp_path / "a")
    build(project, pdf=True, out=tmp_path / "b")
    a = (tmp_path / "a" / "html" / "handouts" / "kratom-handouts.zip").read_bytes()
    assert a == (tmp_path / "b" / "html" / "handouts" / "kratom-handouts.zip").read_bytes()


def test_a_failed_build_keeps_the_pdfs_of_the_last_good_one(build, project, tmp_path):
    out = tmp_path / "out"
    build(project, pdf=True, out=out)
    before = {p: p.read_bytes() for p in published_pdfs(out)}
    page = project / "handouts" / "sample.md"
    page.write_text(
        page.read_text().replace("Short and clear.", "Changed.") + "\n```{nosuchdirective}\n```\n"
    )
    app = build(project, pdf=True, out=out)
    assert app._warncount
    assert {p: p.read_bytes() for p in published_pdfs(out)} == before


def test_a_handout_without_a_title_is_reported_and_not_printed(build, project, tmp_path):
    page = project / "handouts" / "other.md"
    page.write_text(re.sub(r"(?m)^#+ .*$", "", page.read_text()))
    app = build(project, pdf=True, out=tmp_path / "out")
    assert "handouts/other.md:1: WARNING: handout has no title" in warnings_of(app)
    assert not [p for p in published_pdfs(tmp_path / "out") if p.name == "other-letter.pdf"]


def test_a_step_without_its_drawing_is_reported(build, project):
    page = project / "handouts" / "sample.md"
    steps = (
        "1. Talk to your doctor.\n\n{.kd-steps}\n"
        "1. ![Two boxes](steps.svg){.kd-step-picture} Do this first.\n"
        "2. Then this, with no drawing.\n"
        "3. ![](steps.svg){.kd-step-picture} And this, with no alt text.\n"
        "4. ![Two boxes](steps.svg){.kd-step-picture} A cited step {footcite:p}`known2020`.\n"
    )
    page.write_text(page.read_text().replace("1. Talk to your doctor.\n", steps))
    extensions = ["colon_fence", "deflist", "attrs_block", "attrs_inline"]
    warnings = warnings_of(build(project, myst_enable_extensions=extensions))
    found = re.findall(r"handouts/sample\.md:(\d+): WARNING: a step of a step list must", warnings)
    assert len(found) == 2, warnings  # steps 2 and 3; steps 1 and 4 are fine
    assert found[0] != found[1]


def test_parallel_builds_print_the_same_bytes(build, project, tmp_path):
    from conftest import run_sphinx

    serial = build(project, pdf=True, out=tmp_path / "serial")
    assert serial.statuscode == 0
    proc = run_sphinx(project, tmp_path / "parallel", "html", "-j", "2")
    assert proc.returncode == 0, proc.stderr
    assert tree_of(tmp_path / "serial" / "handouts") == tree_of(tmp_path / "parallel" / "handouts")


def test_test_roots_are_self_contained():
    for root in ROOTS.iterdir():
        text = (root / "conf.py").read_text()
        assert "REPO" not in text and "parents[" not in text, root.name
        assert not any(p.is_symlink() for p in root.rglob("*")), root.name


def test_sequences_of_edits_and_options_end_where_a_clean_build_starts(build, project, tmp_path):
    """A property-style check: any order of these changes, then a clean build, agree."""
    import random

    sample = project / "handouts" / "sample.md"
    original = sample.read_text()
    changes = [
        ("edit", lambda: sample.write_text(original.replace("Short and clear.", "Short."))),
        ("revert", lambda: sample.write_text(original)),
        ("a4", {"handout_paper_sizes": "letter,a4"}),
        ("date", {"handout_date": "1800000000"}),
        ("large", {"handout_large_print": "1"}),
        ("off", {"handout_pdf": "0"}),
    ]
    rng = random.Random(7)
    out = tmp_path / "inc"
    overrides: dict = {}
    for _ in range(5):
        _name, change = rng.choice(changes)
        if callable(change):
            change()
        else:
            overrides = change
        app = build(project, pdf=True, out=out, **overrides)
    shutil.rmtree(tmp_path / "clean", ignore_errors=True)
    clean = build(project, pdf=True, out=tmp_path / "clean", freshenv=True, **overrides)
    assert state(app) == state(clean)


def test_a_change_to_the_extension_code_makes_sphinx_read_every_page_again(tmp_path):
    """The environment's version is a digest of the extension's code: an edit to a directive
    (say, a label it writes) reaches pages that did not change themselves."""
    import shutil

    from kratom_docs import code_version

    package = tmp_path / "kratom_docs"
    shutil.copytree(REPO / "src" / "kratom_docs", package)
    before = code_version(package)
    assert code_version(package) == before
    claims = package / "claims.py"
    claims.write_text(claims.read_text() + "\n# an edit\n")
    assert code_version(package) != before
