"""Bad markup stops the build with the file, the line and a plain message; PDFs stay intact."""

from __future__ import annotations

import re

import pytest
from conftest import warnings_of
from helpers import published_pdfs

pytestmark = pytest.mark.slow

FAULTS = {
    "myst syntax (bad front matter)": (
        "handouts/sample.md",
        lambda t: t.replace("---\nlast_reviewed", "---\n: [\nlast_reviewed", 1),
        r"handouts/sample\.md:\d+: (WARNING|ERROR): .*(YAML|front matter)",
    ),
    "unknown directive": (
        "handouts/sample.md",
        lambda t: t + "\n```{nosuchdirective}\n```\n",
        r"handouts/sample\.md:\d+: (WARNING|ERROR): Unknown directive type",
    ),
    "unknown role": (
        "handouts/sample.md",
        lambda t: t + "\nSee {nosuchrole}`x`.\n",
        r"handouts/sample\.md:\d+: (WARNING|ERROR): Unknown interpreted text role",
    ),
    "missing include": (
        "index.md",
        lambda t: t + "\n```{include} missing.md\n```\n",
        r"index\.md:\d+: (WARNING|ERROR|CRITICAL): .*include.*missing\.md",
    ),
    "broken reference": (
        "handouts/sample.md",
        lambda t: t + "\nSee [the missing page](missing.md).\n",
        r"handouts/sample\.md:\d+: WARNING: .*cross-reference target not found: 'missing\.md'",
    ),
    "missing citation key": (
        "handouts/sample.md",
        lambda t: t.replace("known2020", "unknown1999"),
        r"handouts/sample\.md:\d+: WARNING: could not find bibtex key \"unknown1999\"",
    ),
    "handout without a title": (
        "handouts/sample.md",
        lambda t: re.sub(r"(?m)^#+ .*$", "", t),
        r"handouts/sample\.md:\d+: WARNING: handout has no title",
    ),
    "unknown claim": (
        "handouts/sample.md",
        lambda t: t.replace("{claim} sample-claim", "{claim} no-such-claim"),
        r"handouts/sample\.md:\d+: ERROR: unknown claim id 'no-such-claim'",
    ),
}


@pytest.mark.parametrize("fault", FAULTS)
def test_bad_input_is_reported_by_file_and_line_and_keeps_the_pdfs(build, project, tmp_path, fault):
    out = tmp_path / "out"
    assert build(project, pdf=True, out=out).statuscode == 0
    before = {p: p.read_bytes() for p in published_pdfs(out)}
    assert before
    name, edit, expected = FAULTS[fault]
    page = project / name
    page.write_text(edit(page.read_text()))
    app = build(project, pdf=True, out=out)
    assert app._warncount
    assert re.search(expected, re.sub(r"\x1b\[[0-9;]*m", "", warnings_of(app))), warnings_of(app)
    assert {p: p.read_bytes() for p in published_pdfs(out)} == before


@pytest.mark.parametrize(
    ("text", "unclosed"),
    [
        (":::{note}\ntext\n", [(1, ":::")]),
        ("text\n```python\ncode\n", [(2, "```")]),
        ("::::{a}\n:::{b}\nx\n:::\n::::\n", []),
        ("- item\n\n  :::{note}\n  text\n  :::\n\nafter\n", []),
        ("- :::{note}\n  text\n  :::\n", []),
        ("1. item\n   :::{note}\n   text\n   :::\n", []),
        ("Term\n: :::{note}\n  text\n  :::\n", []),
        ("> ```{note}\n> text\n> ```\n", []),
        # A fence left open in a quote ends with the quote; one at the top level does not.
        ("> ```{note}\n> text\n\n:::{x}\nrest\n", [(4, ":::")]),
    ],
    ids=[
        "colon",
        "backticks",
        "nested",
        "list",
        "list marker",
        "numbered",
        "definition",
        "quote",
        "after a quote",
    ],
)
def test_the_fence_check_knows_fences_inside_quotes_lists_and_definitions(text, unclosed):
    from kratom_docs.sources import unclosed_fences

    assert unclosed_fences(text) == unclosed
