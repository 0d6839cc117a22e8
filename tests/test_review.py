"""Review dates: checked when read, shown on every page and printed page, overdue every build."""

from __future__ import annotations

import re

import pytest
from conftest import warnings_of
from helpers import fast_first, needs_poppler, pdf_page_texts


def set_front(page, front: str) -> None:
    page.write_text(
        re.sub(r"(?s)^---\n.*?\n---\n", f"---\n{front}\n---\n", page.read_text(), count=1)
    )


@pytest.mark.parametrize(
    ("front", "today", "message"),
    fast_first(
        [
            (
                "last_reviewed: 2026-11-26\nnext_review: 2027-05-26",
                "2027-06-01",
                r"handouts/sample\.md:3: WARNING: review overdue: 'next_review' was 2027-05-26",
            ),
            (
                "last_reviewed: 2026-11-26\nnext_review: 2028-05-26",
                "2026-12-01",
                r"handouts/sample\.md:3: WARNING: 'next_review' 2028-05-26 is more than 12 months",
            ),
            (
                "last_reviewed: soon\nnext_review: 2027-05-26",
                "2026-12-01",
                r"handouts/sample\.md:2: WARNING: front matter 'last_reviewed' is not an ISO date",
            ),
            (
                "next_review: 2027-05-26",
                "2026-12-01",
                r"handouts/sample\.md:1: WARNING: front matter has no 'last_reviewed'",
            ),
            (
                "last_reviewed: 2026-11-26\nnext_review: 2026-11-01",
                "2026-12-01",
                r"handouts/sample\.md:3: WARNING: 'next_review' must come after 'last_reviewed'",
            ),
        ]
    ),
)
def test_review_problems_are_reported_with_file_and_line(
    build, project, tmp_path, front, today, message
):
    set_front(project / "handouts" / "sample.md", front)
    app = build(project, out=tmp_path / "out", review_today=today)
    assert re.search(message, re.sub(r"\x1b\[[0-9;]*m", "", warnings_of(app))), warnings_of(app)


def test_pages_show_their_review_status_in_words(build, project, tmp_path):
    build(project, out=tmp_path / "out")
    page = (tmp_path / "out" / "html" / "handouts" / "sample.html").read_text()
    assert "Written from published research, last updated November 26, 2026." in page
    assert "Next update due by May 26, 2027." in page
    assert "Not yet checked by a doctor or nurse." in page
    assert '<meta name="dcterms.modified" content="2026-11-26"' in page


def test_a_clinical_reviewer_is_named_when_recorded(build, project, tmp_path):
    page = project / "handouts" / "sample.md"
    page.write_text(
        page.read_text().replace('clinical_reviewer: ""', 'clinical_reviewer: "A. Example, MD"')
    )
    build(project, out=tmp_path / "out")
    text = (tmp_path / "out" / "html" / "handouts" / "sample.html").read_text()
    assert "Checked by A. Example, MD." in text


@pytest.mark.slow
@needs_poppler
def test_the_banner_policy_publishes_and_says_so_on_paper(build, project, tmp_path):
    app = build(
        project, pdf=True, out=tmp_path / "out", review_today="2027-06-01", review_overdue="banner"
    )
    assert not app._warncount, warnings_of(app)
    first = pdf_page_texts(tmp_path / "out" / "handouts" / "sample-letter.pdf")[0]
    assert "This page is past its review date of May 26, 2027." in first
    html = (tmp_path / "out" / "html" / "handouts" / "sample.html").read_text()
    assert "This page is past its review date of May 26, 2027." in html
    # and the banner goes when the page is reviewed again, with nothing else changed
    again = build(project, pdf=True, out=tmp_path / "out", review_today="2027-01-01")
    assert not again._warncount
    assert (
        "past its review date"
        not in (tmp_path / "out" / "html" / "handouts" / "sample.html").read_text()
    )
