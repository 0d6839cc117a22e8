# The project's own link-check settings, run against a loopback server by the tests.
import runpy
from pathlib import Path

import kratom_docs

REPO = Path(kratom_docs.__file__).resolve().parents[2]
project_conf = runpy.run_path(str(REPO / "conf.py"))
globals().update({k: v for k, v in project_conf.items() if k.startswith("linkcheck_")})

project = "Links"
extensions = ["myst_parser", "kratom_docs"]
bibtex_bibfiles = []
disclaimer_file = str(REPO / "data" / "disclaimer.yaml")
handout_pdf = False
review_today = "2026-12-01"
claims_file = str(REPO / "tests" / "roots" / "test-basic" / "data" / "claims.yaml")
helplines_file = str(REPO / "tests" / "roots" / "test-basic" / "data" / "helplines.yaml")
