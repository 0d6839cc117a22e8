"""Bad input stops the build with the file, the line and a plain message; PDFs stay intact."""

from __future__ import annotations

import re
import shutil

import pytest
from conftest import ROOTS, run_sphinx


@pytest.fixture(scope="module")
def good_build(tmp_path_factory):
    base = tmp_path_factory.mktemp("good")
    src, out = base / "src", base / "out"
    shutil.copytree(ROOTS / "test-basic", src)
    proc = run_sphinx(src, out)
    assert proc.returncode == 0, proc.stderr
    return base


FAULTS = {
    "myst syntax (bad front matter)": (
        "handouts/sample.md",
        lambda t: t.replace("---\nlast_reviewed", "---\n: [\nlast_reviewed", 1),
        r"handouts/sample\.md:\d+: (WARNING|ERROR): .*(YAML|front matter)",
    ),
    "unknown directive": (
        "handouts/sample.md", lambda t: t + "\n```{nosuchdirective}\n```\n",
        r"handouts/sample\.md:\d+: (WARNING|ERROR): Unknown directive type",
    ),
    "unknown role": (
        "handouts/sample.md", lambda t: t + "\nSee {nosuchrole}`x`.\n",
        r"handouts/sample\.md:\d+: (WARNING|ERROR): Unknown interpreted text role",
    ),
    "missing include": (
        "index.md", lambda t: t + "\n```{include} missing.md\n```\n",
        r"index\.md:\d+: (WARNING|ERROR|CRITICAL): .*include.*missing\.md",
    ),
    "broken reference": (
        "handouts/sample.md", lambda t: t + "\nSee [the missing page](missing.md).\n",
        r"handouts/sample\.md:\d+: WARNING: .*cross-reference target not found: 'missing\.md'",
    ),
    "missing citation key": (
        "handouts/sample.md", lambda t: t.replace("known2020", "unknown1999"),
        r"handouts/sample\.md:\d+: WARNING: could not find bibtex key \"unknown1999\"",
    ),
    "handout without a title": (
        "handouts/sample.md", lambda t: re.sub(r"(?m)^#+ .*$", "", t),
        r"handouts/sample\.md:\d+: WARNING: handout has no title",
    ),
}


@pytest.mark.parametrize("fault", FAULTS)
def test_bad_input_is_reported_by_file_and_line_and_keeps_the_pdfs(good_build, tmp_path, fault):
    shutil.copytree(good_build, tmp_path / "b")
    src, out = tmp_path / "b" / "src", tmp_path / "b" / "out"
    pdfs = {p: p.read_bytes() for p in (out / "handouts").glob("*.pdf")}
    assert pdfs
    name, edit, expected = FAULTS[fault]
    page = src / name
    page.write_text(edit(page.read_text()))

    proc = run_sphinx(src, out)
    assert proc.returncode != 0
    assert re.search(expected, proc.stderr.replace(str(src) + "/", "")), proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    for path, data in pdfs.items():
        assert path.read_bytes() == data, f"{path.name} changed after a failed build"
