"""Benchmark the build: whole-process wall times (medians of several runs) and PDF sizes.

    make bench              (or: .venv/bin/python tools/bench.py --runs 3)

Works on temporary copies of the sources (tracked and new files), so the checkout is never
changed. Every build runs as `make` runs it (sphinx-build -n -W --keep-going), in English and
in each translation that has catalogs. It prints, with targets:

- full build (site and every PDF) at most 2.5 times the HTML-only build (PDFs off);
- `make` after touching one handout at most a quarter of the full build;
- the rebuild after *editing* one handout at most 0.3 times the HTML-only build (only that
  handout's PDFs are printed again; nothing else is re-written);
- every handout PDF under 100 KB;

and, to show how the cost grows, a scale series with the handouts copied 4 and 16 times:
seconds per PDF and the full / HTML-only ratio at each size.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPHINX = [sys.executable, "-m", "sphinx", "-n", "-W", "--keep-going", "-q"]
med = statistics.median


def copy_sources(dest: Path) -> None:
    files = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    for name in files:
        src = ROOT / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)


def languages(src: Path) -> list[str]:
    found = ["en"]
    locales = src / "locales"
    if locales.is_dir():
        found += sorted(p.name for p in locales.iterdir() if (p / "LC_MESSAGES").is_dir())
    return found


def run(cmd: list[str], cwd: Path, env: dict) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    if proc.returncode:
        sys.exit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr[-3000:]}")
    return elapsed


def build(src: Path, out: Path, langs: list[str], *extra: str) -> float:
    """Every language, as `make html` builds them; the total wall time."""
    total = 0.0
    for lang in langs:
        env = {**os.environ, "KRATOM_DOCS_LANGUAGE": lang}
        outdir = out / "html" if lang == "en" else out / "html" / lang
        doctrees = out / ("doctrees" if lang == "en" else f"doctrees-{lang}")
        total += run(
            [*SPHINX, "-b", "html", str(src), str(outdir), "-d", str(doctrees), *extra], src, env
        )
    return total


def scaled(src: Path, dest: Path, copies: int) -> Path:
    """The project with every handout copied ``copies`` times (English only)."""
    shutil.copytree(src, dest)
    shutil.rmtree(dest / "locales", ignore_errors=True)
    handouts = [
        p for p in sorted((dest / "handouts").glob("*.md")) if p.stem not in {"index", "download"}
    ]
    index = dest / "handouts" / "index.md"
    names = []
    for n in range(1, copies):
        for handout in handouts:
            name = f"{handout.stem}-copy{n}"
            text = handout.read_text()
            text = re.sub(r"(?m)^short_link: .*$", f"short_link: {name[:31]}", text)
            (dest / "handouts" / f"{name}.md").write_text(text)
            names.append(name)
    text = index.read_text()
    text = re.sub(
        r"(```\{toctree\}[^`]*?)(```)",
        lambda m: m.group(1) + "\n".join(names) + "\n" + m.group(2),
        text,
        count=1,
    )
    index.write_text(text)
    return dest


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--no-scale", action="store_true", help="skip the scale series")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="kratom-bench-") as tmp:
        tmp = Path(tmp)
        src = tmp / "src"
        copy_sources(src)
        langs = languages(src)
        handout = next(
            p
            for p in sorted((src / "handouts").glob("*.md"))
            if p.stem not in {"index", "download"}
        )

        html_only, full, touched, edited = [], [], [], []
        for n in range(args.runs):
            html_only.append(build(src, tmp / f"html-{n}", langs, "-D", "handout_pdf=0"))
            out = tmp / f"full-{n}"
            full.append(build(src, out, langs))
            handout.touch()
            touched.append(build(src, out, langs))
            original = handout.read_text()
            handout.write_text(original + f"\n<!-- benchmark edit {n} -->\n")
            edited.append(build(src, out, langs))
            handout.write_text(original)
            build(src, out, langs)  # back to the committed text
        pdfs = sorted((tmp / "full-0").rglob("*.pdf"))
        sizes = {
            p.relative_to(tmp / "full-0").as_posix(): p.stat().st_size
            for p in pdfs
            if "doctrees" not in p.parts
        }

        series = []
        if not args.no_scale:
            for copies in (1, 4, 16):
                project = scaled(src, tmp / f"scale-{copies}", copies)
                count = len(
                    [
                        p
                        for p in (project / "handouts").glob("*.md")
                        if p.stem not in {"index", "download"}
                    ]
                )
                h = build(project, tmp / f"scale-{copies}-html", ["en"], "-D", "handout_pdf=0")
                f = build(project, tmp / f"scale-{copies}-full", ["en"])
                pdf_count = count * 4
                series.append((count, pdf_count, h, f))

    h, f, i, e = med(html_only), med(full), med(touched), med(edited)
    print(
        f"machine: {os.cpu_count()} cores; {args.runs} runs each; whole-process wall time; "
        f"languages: {', '.join(langs)}"
    )
    print(f"{'measurement':48} {'min':>7} {'median':>7} {'max':>7}")
    for name, values in (
        ("clean HTML-only build (handout_pdf=0)", html_only),
        ("clean full build (site + every PDF)", full),
        (f"rebuild after touching {handout.name}", touched),
        (f"rebuild after editing {handout.name}", edited),
    ):
        print(f"{name:48} {min(values):7.2f} {med(values):7.2f} {max(values):7.2f}")
    checks = [
        (f"full / HTML-only = {f / h:.2f} (target <= 2.5)", f / h <= 2.5),
        (f"touch one handout / full = {i / f:.2f} (target <= 0.25)", i / f <= 0.25),
        (f"edit one handout / HTML-only = {e / h:.2f} (target <= 0.3)", e / h <= 0.3),
    ]
    if series:
        print("\nscale series (English, one run each):")
        print(
            f"  {'handouts':>8} {'PDFs':>5} {'HTML-only s':>12} {'full s':>8} "
            f"{'s per PDF':>10} {'full/HTML':>10}"
        )
        for count, pdf_count, hs, fs in series:
            print(
                f"  {count:8d} {pdf_count:5d} {hs:12.2f} {fs:8.2f} "
                f"{(fs - hs) / pdf_count:10.3f} {fs / hs:10.2f}"
            )
    print("\nhandout PDFs:")
    biggest = max(sizes.values(), default=0)
    for name, size in sizes.items():
        print(f"  {name:60} {size / 1024:6.1f} KB")
    checks.append(
        (f"largest PDF = {biggest / 1024:.1f} KB (target < 100 KB)", biggest < 100 * 1024)
    )
    print()
    for text, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {text}")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
