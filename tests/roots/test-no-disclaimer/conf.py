# A tiny, self-contained project: two handouts, one claim, one help line, one reference.
project = "Test"
html_theme = "sphinx_rtd_theme"
author = "Tester"
release = "1.0"
extensions = ["myst_parser", "sphinx_rtd_theme", "kratom_docs"]
exclude_patterns = ["_build", "data"]
bibtex_bibfiles = ["data/refs.bib"]
disclaimer_file = "data/disclaimer.yaml"
claims_file = "data/claims.yaml"
helplines_file = "data/helplines.yaml"
handout_paper_sizes = ["letter"]
handout_large_print = False
handout_workers = 1
handout_date = "1795651200"
review_today = "2026-12-01"
myst_url_schemes = ["https", "tel"]
myst_enable_extensions = ["colon_fence"]
# Seeded fault: this template path comes before the extension's layout.
templates_path = ["_templates"]
gettext_compact = False  # one catalog per document
bibtex_foot_reference_style = "foot"
