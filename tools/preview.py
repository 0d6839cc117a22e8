"""Look at the handouts while writing them: print every edition and render each page to PNG.

    .venv/bin/python tools/preview.py [--out /tmp/preview] [--dpi 60] [-D name=value ...]

Unlike `make handouts`, this copies every printed PDF into the preview folder even when the
build fails (a PDF that failed a check is copied as NAME.failed.pdf), and renders each page to
NAME-<page>.png with poppler's pdftoppm when it is installed. Nothing is published.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

from sphinx.application import Sphinx

REPO = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/preview"))
    parser.add_argument("--dpi", type=int, default=60)
    parser.add_argument(
        "-D",
        dest="overrides",
        action="append",
        default=[],
        metavar="name=value",
        help="a conf.py value, as with sphinx-build -D",
    )
    args = parser.parse_args()
    overrides = dict(item.split("=", 1) for item in args.overrides)
    build = args.out / "_build"
    app = Sphinx(
        str(REPO),
        str(REPO),
        str(build / "handouts"),
        str(build / "doctrees"),
        "handouts",
        confoverrides=overrides,
        status=None,
        warning=sys.stderr,
    )
    app.build()
    printed = getattr(app, "kratom_printed", None) or {}
    for old in args.out.glob("*.p*"):
        old.unlink()
    for job, result in sorted(printed.items(), key=lambda item: item[0].filename):
        source = result.pdf if result.pdf.is_file() else result.pdf.with_suffix(".failed.pdf")
        if not source.is_file():
            print(f"{job.filename}: not printed")
            continue
        name = job.filename if source == result.pdf else job.filename[:-4] + ".failed.pdf"
        target = args.out / name
        shutil.copyfile(source, target)
        print(
            f"{target}: {result.pages} pages"
            + (f"; {len(result.problems)} problem(s)" if result.problems else "")
        )
        if shutil.which("pdftoppm"):
            subprocess.run(
                ["pdftoppm", "-r", str(args.dpi), "-png", str(target), str(target.with_suffix(""))],
                check=False,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
