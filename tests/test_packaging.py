"""The package as others install it: a wheel with every asset, that builds a project alone."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile

import pytest
from conftest import REPO, ROOTS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    if subprocess.run([sys.executable, "-c", "import setuptools"], capture_output=True).returncode:
        pytest.skip("setuptools is not installed")
    dist = tmp_path_factory.mktemp("dist")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-index",
            "--no-build-isolation",
            "-q",
            "-w",
            str(dist),
            str(REPO),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    return next(dist.glob("kratom_docs-*.whl"))


def test_the_wheel_carries_every_asset(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    package = REPO / "src" / "kratom_docs"
    for path in package.rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts:
            assert f"kratom_docs/{path.relative_to(package).as_posix()}" in names, path


def test_the_installed_wheel_builds_a_project_by_itself(wheel, tmp_path):
    target = tmp_path / "installed"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--no-index",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    src = tmp_path / "project"
    shutil.copytree(ROOTS / "test-basic", src)
    env = {**os.environ, "PYTHONPATH": str(target), "SOURCE_DATE_EPOCH": "1795651200"}
    where = subprocess.run(
        [sys.executable, "-c", "import kratom_docs; print(kratom_docs.__file__)"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    ).stdout
    assert where.startswith(str(target)), where
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-n",
            "-W",
            "--keep-going",
            "-b",
            "html",
            str(src),
            str(tmp_path / "out" / "html"),
            "-d",
            str(tmp_path / "out" / "doctrees"),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (tmp_path / "out" / "html" / "_static" / "kratom-site.css").is_file()
    assert (tmp_path / "out" / "handouts" / "sample-letter.pdf").is_file()
