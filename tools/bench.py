"""Benchmark the build: whole-process wall times, medians of several runs, and PDF sizes.

    make bench              (or: .venv/bin/python tools/bench.py --runs 5)

Works on a temporary copy of the tracked sources, so the checkout is never modified. Prints:
the clean HTML-only build (PDFs off), the clean full build (site and every PDF), the rebuild
after editing one handout, and the size of every handout PDF, each against its target:

- full build at most 2.5 times the HTML-only build;
- `make` after touching one handout at most a quarter of the full build.

It also reports, without a target, the rebuild after *editing* one handout (its 4 PDFs are
printed again; the others are not).
- every handout PDF under 100 KB.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPHINX = [sys.executable, "-m", "sphinx", "-n", "-W", "--keep-going", "-q"]


def copy_sources(dest: Path) -> None:
    files = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, check=True,
        capture_output=True, text=True,
    ).stdout.split()
    for name in files:
        src = ROOT / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)


def timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode:
        sys.exit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr[-3000:]}")
    return elapsed


def build(src: Path, out: Path, *extra: str) -> list[str]:
    return [*SPHINX, "-b", "html", str(src), str(out / "html"), "-d", str(out / "doctrees"), *extra]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (median)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="kratom-bench-") as tmp:
        tmp = Path(tmp)
        src = tmp / "src"
        copy_sources(src)
        handout = sorted((src / "handouts").glob("*.md"))
        handout = next(p for p in handout if p.name != "index.md")

        html_only, full, touched, edited = [], [], [], []
        for run in range(args.runs):
            out = tmp / f"html-{run}"
            html_only.append(timed(build(src, out, "-D", "handout_pdf=0"), src))
            out = tmp / f"full-{run}"
            full.append(timed(build(src, out), src))
            handout.touch()
            touched.append(timed(build(src, out), src))
            original = handout.read_text()
            handout.write_text(original + f"\n<!-- benchmark edit {run} -->\n")
            edited.append(timed(build(src, out), src))
            handout.write_text(original)
            timed(build(src, out), src)  # back to the committed text
        pdfs = sorted((tmp / "full-0" / "handouts").glob("*.pdf"))
        sizes = {p.name: p.stat().st_size for p in pdfs}

    med = statistics.median
    h, f, i = med(html_only), med(full), med(touched)
    print(f"machine: {os.cpu_count()} cores; {args.runs} runs each; whole-process wall time")
    print(f"{'measurement':44} {'min':>7} {'median':>7} {'max':>7}")
    for name, values in (
        ("clean HTML-only build (handout_pdf=0)", html_only),
        ("clean full build (site + every PDF)", full),
        (f"rebuild after touching {handout.name}", touched),
        (f"rebuild after editing {handout.name}", edited),
    ):
        print(f"{name:44} {min(values):7.2f} {med(values):7.2f} {max(values):7.2f}")
    checks = [
        (f"full / HTML-only = {f / h:.2f} (target <= 2.5)", f / h <= 2.5),
        (f"touch one handout / full = {i / f:.2f} (target <= 0.25)", i / f <= 0.25),
    ]
    print("\nhandout PDFs:")
    biggest = 0
    for name, size in sizes.items():
        biggest = max(biggest, size)
        print(f"  {name:52} {size / 1024:6.1f} KB")
    checks.append(
        (f"largest PDF = {biggest / 1024:.1f} KB (target < 100 KB)", biggest < 100 * 1024)
    )
    print()
    for text, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {text}")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
