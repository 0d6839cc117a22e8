"""The code passes the project's linter (configured in pyproject.toml)."""

import shutil
import subprocess

import pytest
from conftest import REPO


def test_ruff_check():
    ruff = shutil.which("ruff") or str(REPO / ".venv" / "bin" / "ruff")
    if not shutil.which(ruff):
        pytest.skip("ruff is not installed")
    proc = subprocess.run([ruff, "check", "src", "tests", "tools", "conf.py"], cwd=REPO,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
