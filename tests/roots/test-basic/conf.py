from pathlib import Path

import kratom_docs

REPO = Path(kratom_docs.__file__).resolve().parents[2]  # the repository (editable install)

project = "Test"
author = "Tester"
release = "1.0"
extensions = ["myst_parser", "kratom_docs"]
exclude_patterns = ["_build"]
bibtex_bibfiles = ["data/refs.bib"]
# The real disclaimer, from its single source.
disclaimer_file = str(REPO / "data" / "disclaimer.yaml")
claims_file = "data/claims.yaml"
helplines_file = "data/helplines.yaml"
handout_paper_sizes = ["letter"]
handout_large_print = False
handout_workers = 1
review_today = "2026-12-01"
myst_url_schemes = ["https", "tel"]
