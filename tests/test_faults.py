"""Faults: kills, full and read-only disks, concurrent builds, and bad input of every kind.

Whatever happens, a build that says "succeeded" has published PDFs that match the sources,
and a bad input gets one plain message with the file, line or field, and no traceback.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from conftest import ROOTS, SOURCE_DATE_EPOCH, run_sphinx, sphinx_cmd, warnings_of
from helpers import published_pdfs

pytestmark = pytest.mark.slow


def published(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in published_pdfs(out)}


# -- kills -----------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.6, 1.2, 1.8, 2.4, 3.2])
def test_a_killed_build_then_make_equals_a_clean_build(project, tmp_path, delay):
    """Edit, kill the build part-way, revert the edit, build: no PDF keeps the edit."""
    out = tmp_path / "out"
    overrides = [
        "-D",
        "handout_paper_sizes=letter,a4",
        "-D",
        "handout_large_print=1",
        "-D",
        "handout_workers=2",
    ]
    assert run_sphinx(project, out, "html", *overrides).returncode == 0
    page = project / "handouts" / "sample.md"
    original = page.read_text()
    page.write_text(original.replace("Short and clear.", "A SENTENCE THAT WAS REVERTED."))
    env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}
    proc = subprocess.Popen(
        sphinx_cmd(project, out, "html", *overrides),
        cwd=project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    time.sleep(delay)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    page.write_text(original)
    again = run_sphinx(project, out, "html", *overrides)
    assert again.returncode == 0, again.stderr
    clean = run_sphinx(project, tmp_path / "clean", "html", *overrides)
    assert clean.returncode == 0
    assert published(out) == published(tmp_path / "clean")


def _children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(x) for x in found.split()]


def _start_printing(project: Path, out: Path) -> tuple[subprocess.Popen, list[int]]:
    """A build that is printing in worker processes, and those workers."""
    page = project / "handouts" / "sample.md"
    page.write_text(page.read_text() + "\nA new sentence to print.\n")
    proc = subprocess.Popen(
        sphinx_cmd(project, out, "html", "-D", "handout_workers=2", "-D", "handout_large_print=1"),
        cwd=project,
        env={**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH},
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    for _ in range(400):
        workers = _children(proc.pid)
        if len(workers) >= 2:
            return proc, workers
        time.sleep(0.05)
    proc.kill()
    pytest.skip("the build never started its print workers")


@pytest.mark.slow
def test_print_workers_die_with_their_build_and_never_hold_the_lock(project, tmp_path):
    """The out-of-memory killer may kill the build alone: its workers must not live on holding
    the build lock, or every later build would wait for ever."""
    out = tmp_path / "out"
    assert run_sphinx(project, out).returncode == 0
    proc, workers = _start_printing(project, out)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    for _ in range(100):
        if not [w for w in workers if Path(f"/proc/{w}").exists()]:
            break
        time.sleep(0.05)
    alive = [w for w in workers if Path(f"/proc/{w}").exists()]
    for w in alive:
        os.kill(w, signal.SIGKILL)
    assert alive == []
    again = run_sphinx(project, out, timeout=300)
    assert again.returncode == 0, again.stderr


@pytest.mark.slow
def test_a_killed_print_worker_is_a_plain_error(project, tmp_path):
    out = tmp_path / "out"
    assert run_sphinx(project, out).returncode == 0
    proc, workers = _start_printing(project, out)
    os.kill(workers[0], signal.SIGKILL)
    stdout, stderr = proc.communicate(timeout=300)
    assert "Traceback" not in stdout + stderr
    if proc.returncode:  # the worker was killed before it finished its PDF
        assert "a print worker stopped before it finished" in stderr, stderr
    again = run_sphinx(project, out)
    assert again.returncode == 0, again.stderr


@pytest.mark.slow
def test_two_builds_at_once_both_finish_and_agree(project, tmp_path):
    out = tmp_path / "out"
    assert run_sphinx(project, out).returncode == 0
    page = project / "handouts" / "other.md"
    page.write_text(page.read_text() + "\nOne more sentence.\n")
    env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}
    procs = [
        subprocess.Popen(
            sphinx_cmd(project, out),
            cwd=project,
            env=env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    results = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    assert "Traceback" not in "".join(o + e for o, e in results)
    assert run_sphinx(project, tmp_path / "clean").returncode == 0
    assert published(out) == published(tmp_path / "clean")


def test_builds_starting_together_do_not_trip_over_the_write_check(tmp_path, monkeypatch):
    """The write check of one build never removes the probe of another (the cause of a
    concurrent build failing with "cannot write to ...: No such file or directory")."""
    import threading
    from types import SimpleNamespace

    from kratom_docs import buildlock, messages

    errors = []
    monkeypatch.setattr(messages, "error", lambda message, *args, **kwargs: errors.append(message))
    app = SimpleNamespace(outdir=tmp_path / "html", doctreedir=tmp_path / "doctrees")

    def starts() -> None:
        for _ in range(300):
            buildlock.check_output(app)

    threads = [threading.Thread(target=starts) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == []


# -- disks -----------------------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path):
    """A 600 KB file system (needs root and mount, as on the build machines)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=600k", "tmpfs", str(mount)], capture_output=True
    )
    if made.returncode:
        pytest.skip("cannot mount a small file system here (needs root)")
    yield mount
    subprocess.run(["umount", str(mount)], capture_output=True)


@pytest.mark.slow
def test_a_full_disk_gets_a_plain_message_first(project, small_disk):
    proc = run_sphinx(project, small_disk)
    assert proc.returncode != 0
    first = next(line for line in proc.stderr.splitlines() if line.strip())
    assert "MB free on the disk that holds" in first, proc.stderr[:2000]


def test_a_full_disk_while_publishing_is_an_error_and_keeps_the_old_pdfs(
    build, project, tmp_path, monkeypatch
):
    from kratom_docs import engine, publish

    out = tmp_path / "out"
    build(project, pdf=True, out=out)
    before = published(out)
    page = project / "handouts" / "sample.md"
    page.write_text(page.read_text().replace("Short and clear.", "Changed."))

    calls = []

    def full(target, data):  # the disk fills after the first file: nothing may be published
        calls.append(target)
        if len(calls) > 1:
            raise OSError(28, "No space left on device")  # no file name, as write() gives
        return engine.stage(target, data)

    monkeypatch.setattr(publish, "stage", full)
    app = build(project, pdf=True, out=out)
    found = warnings_of(app)
    assert f"could not publish the handout PDFs: {calls[-1]}: No space left on device" in found
    assert "nothing was published" in found
    assert published(out) == before
    assert not [p for p in out.rglob("*.part")]  # no temporary file is left behind
    monkeypatch.setattr(publish, "stage", engine.stage)
    assert build(project, pdf=True, out=out).statuscode == 0
    assert published(out) != before


# -- bad input: one plain message each, nothing published -------------------------------------------

BAD_DATA = {
    "a key given twice": (
        "data/helplines.yaml",
        lambda t: t.replace('  number: "911"\n', '  number: "911"\n  number: "912"\n', 1),
        "helplines.yaml:4: invalid YAML: the key 'number' is given twice (first on line 3)",
    ),
    "an alias": (
        "data/helplines.yaml",
        lambda t: t.replace("  name: Emergency\n", "  name: &n Emergency\n", 1).replace(
            "  action: Call 911\n", "  action: *n\n", 1
        ),
        "helplines.yaml:4: invalid YAML: uses an alias",
    ),
    "BEL in claims": (
        "data/claims.yaml",
        lambda t: t.replace("No one knows.", "No one\x07 knows."),
        "claims.yaml:7: contains a control character (U+0007)",
    ),
    "not UTF-8": (
        "data/claims.yaml",
        lambda t: t.replace("No one knows.", "No one knows.\udcff"),
        "claims.yaml:7: not UTF-8 text",
    ),
    "disclaimer en is text": (
        "data/disclaimer.yaml",
        lambda t: "en: just a sentence\n",
        "disclaimer.yaml: en: must hold the keys 'short' and 'full'",
    ),
    "YAML error in a list": (
        "data/claims.yaml",
        lambda t: t.replace('  plain: "No one knows."', '  plain: "No one'),
        "claims.yaml:",
    ),
    "unknown claim field": (
        "data/claims.yaml",
        lambda t: t + "  colour: red\n",
        "unknown field 'colour'",
    ),
    "claim cites a missing key": (
        "data/claims.yaml",
        lambda t: t.replace("cite: [known2020]", "cite: [missing2099]"),
        "claims.yaml:1: ERROR: claim 'sample-claim' cites 'missing2099'",
    ),
    "help line past its re-check date": (
        "data/helplines.yaml",
        lambda t: t.replace("2026-11-26", "2025-01-01"),
        "helplines.yaml:1: WARNING: help line 'emergency' was last checked 2025-01-01",
    ),
    "nested too deeply": (
        "data/claims.yaml",
        lambda t: t + "- deep: " + "[" * 5000 + "]" * 5000 + "\n",
        "claims.yaml: invalid YAML: lists or mappings nested too deeply",
    ),
    "huge data file": (
        "data/claims.yaml",
        lambda t: t + "#" + "x" * (5 * 1024 * 1024) + "\n",
        "claims.yaml: is 5.0 MB; a data file may be at most 4 MB",
    ),
    "unclosed fence": (
        "handouts/sample.md",
        lambda t: t.replace(":::{figure} steps.svg", ":::{figure} steps.svg\n::::{note}"),
        "handouts/sample.md:24: ERROR: the fence :::: opened here is never closed",
    ),
}


@pytest.mark.parametrize("fault", BAD_DATA)
def test_bad_input_is_one_plain_message_and_nothing_is_published(build, project, tmp_path, fault):
    out = tmp_path / "out"
    build(project, pdf=True, out=out)
    before = published(out)
    name, edit, expected = BAD_DATA[fault]
    path = project / name
    text = path.read_text(encoding="utf-8", errors="surrogateescape")
    path.write_bytes(edit(text).encode("utf-8", errors="surrogateescape"))
    app = build(project, pdf=True, out=out)
    assert expected in warnings_of(app), warnings_of(app)
    assert published(out) == before


@pytest.mark.slow
def test_bad_input_never_ends_in_a_traceback(project, tmp_path):
    claims = project / "data" / "claims.yaml"
    claims.write_bytes(claims.read_bytes() + b"\x07")
    proc = run_sphinx(
        project, tmp_path / "a", "html", "-D", "handout_paper_sizes=b5", "-D", "handout_pdf=maybe"
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "Traceback" not in output and "please open an issue" not in output
    assert "handout_paper_sizes: unknown paper size b5" in output
    assert "handout_pdf: must be True or False" in output
    assert "contains a control character" in output


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        ("language", "language 'xx' is not a language code Babel knows"),
        ("encoding", "index.md:"),
        ("NUL", "contains a control character (U+0000)"),
        ("link out", "outside the project"),
        ("data link out", "data/refs.bib: a link to"),
        ("link loop", "a folder that holds the link"),
        ("link in a tool folder", "node_modules/leak.md: a link to"),
        ("docutils.conf", "docutils settings belong in conf.py"),
    ],
)
def test_what_sphinx_would_crash_on_is_one_plain_message(project, tmp_path, fault, expected):
    extra = ("-D", "language=xx") if fault == "language" else ()
    if fault == "encoding":
        page = project / "index.md"
        page.write_bytes(page.read_bytes() + b"\nLatin-1 text: se\xf1or\n")
        line = page.read_bytes().count(b"\n")
        expected += f"{line}: not UTF-8 text"
    if fault == "link out":
        outside = tmp_path / "elsewhere"
        outside.mkdir()
        (outside / "page.md").write_text("# Outside\n\nSECRET-SENTINEL\n")
        (project / "docs-outside").symlink_to(outside, target_is_directory=True)
        (project / "leak.md").symlink_to(outside / "page.md")
    if fault == "data link out":
        outside = tmp_path / "elsewhere.bib"
        outside.write_text((project / "data" / "refs.bib").read_text() + "\n% SECRET-SENTINEL\n")
        (project / "data" / "refs.bib").unlink()
        (project / "data" / "refs.bib").symlink_to(outside)
    if fault == "link in a tool folder":
        outside = tmp_path / "elsewhere.md"
        outside.write_text("# Outside\n\nSECRET-SENTINEL\n")
        (project / "handouts" / "node_modules").mkdir()
        (project / "handouts" / "node_modules" / "leak.md").symlink_to(outside)
    if fault == "link loop":
        (project / "handouts" / "up").symlink_to("..", target_is_directory=True)
    if fault == "docutils.conf":
        (project / "docutils.conf").write_text("[general]\nreport_level: 5\n")
    if fault == "NUL":
        page = project / "index.md"
        page.write_bytes(page.read_bytes() + b"\nA hidden\x00 byte.\n")
    proc = run_sphinx(project, tmp_path / "out", "html", *extra)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 2
    assert expected in output, output[-3000:]
    assert "Traceback" not in output and "please open an issue" not in output
    for path in (tmp_path / "out").rglob("*"):
        if path.is_file():
            assert b"SECRET-SENTINEL" not in path.read_bytes(), path


def test_editing_the_disclaimer_rewrites_every_page(build, project, tmp_path):
    out = tmp_path / "out"
    build(project, pdf=True, out=out)
    path = project / "data" / "disclaimer.yaml"
    path.write_text(path.read_text().replace("For education only.", "For education only, always."))
    for _ in range(2):
        app = build(project, pdf=True, out=out)
        assert app.statuscode == 0 and not app._warncount, warnings_of(app)
    assert "For education only, always." in (out / "html" / "index.html").read_text()


def test_the_test_roots_have_what_the_faults_edit():
    for name, _, _ in BAD_DATA.values():
        assert (ROOTS / "test-basic" / name).is_file(), name


BAD_BIBLIOGRAPHY = {
    "Latin-1 byte": (lambda b: b.replace(b"Doe, Jane", b"Do\xe9, Jane"), "refs.bib:2: not UTF-8"),
    "missing brace": (
        lambda b: b.replace(b"kind    = {peer-reviewed}\n}", b"kind = {x\n"),
        "not valid BibTeX",
    ),
    "BEL": (
        lambda b: b.replace(b"Doe, Jane", b"Doe,\x07 Jane"),
        "refs.bib:2: contains a control character (U+0007)",
    ),
    "an unknown kind": (
        lambda b: b.replace(b"kind    = {peer-reviewed}", b"kind    = {peer-reviwed}", 1),
        "has kind = {peer-reviwed}; use one of peer-reviewed, government, other",
    ),
    "an entry type the style cannot print": (
        lambda b: b + b"\n@webpage{w1,\n  title = {T},\n  year = {2020}\n}\n",
        "is of type @webpage, which the reference style cannot print",
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("fault", BAD_BIBLIOGRAPHY)
def test_a_broken_bibliography_is_one_plain_message(project, tmp_path, fault):
    edit, expected = BAD_BIBLIOGRAPHY[fault]
    good = run_sphinx(project, tmp_path / "out")
    assert good.returncode == 0, good.stderr[-2000:]
    before = published(tmp_path / "out")
    bib = project / "data" / "refs.bib"
    bib.write_bytes(edit(bib.read_bytes()))
    proc = run_sphinx(project, tmp_path / "out")
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert expected in output, output[-3000:]
    assert "Traceback" not in output
    assert published(tmp_path / "out") == before
