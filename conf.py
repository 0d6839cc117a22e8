"""Sphinx configuration: the kratom reference site and its printable patient handouts."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).parent
sys.path.insert(0, str(ROOT / "src"))  # the extension, also when it is not installed

# -- Project information -----------------------------------------------------------------------

project = "Kratom: what the evidence says"
author = "The kratom-docs contributors"
copyright = "2026, The kratom-docs contributors. Content CC BY 4.0, code MIT"  # noqa: A001
release = version = "0.1.0"
language = "en"

# -- General configuration ---------------------------------------------------------------------

extensions = [
    "myst_parser",
    "sphinxcontrib.bibtex",
    "kratom_docs",
]
root_doc = "index"
source_suffix = {".md": "markdown"}
include_patterns = ["index.md", "docs/**", "handouts/**"]
# Only index.md, docs/ and handouts/ are sources; excluding the rest also keeps Sphinx from
# walking .venv and the tests on every build.
exclude_patterns = [
    "_build", ".venv", ".git", ".ci", "src", "tests", "tools", "examples", "data", "node_modules",
    "**/_*", "**/README.md",
]
templates_path: list[str] = []
nitpicky = True

myst_enable_extensions = ["colon_fence", "deflist", "attrs_block", "attrs_inline"]
myst_heading_anchors = 3
myst_url_schemes = ["http", "https", "mailto", "tel"]

bibtex_bibfiles = ["data/references.bib"]
bibtex_reference_style = "author_year"
bibtex_default_style = "plain"

# -- The extension (kratom_docs) ---------------------------------------------------------------

disclaimer_file = "data/disclaimer.yaml"
claims_file = "data/claims.yaml"
helplines_file = "data/helplines.yaml"
handout_dir = "handouts"
handout_paper_sizes = ["letter", "a4"]
handout_large_print = True
handout_max_pages = 2
# Besides next to each handout page, the PDFs also go to _build/handouts (not on Read the Docs,
# which publishes the html/ folder only).
handout_pdf_dir = "" if os.environ.get("READTHEDOCS") else "../handouts"

# -- HTML output -------------------------------------------------------------------------------

html_theme = "sphinx_rtd_theme"
html_title = "Kratom: what the evidence says"
html_short_title = "Kratom evidence"
html_static_path: list[str] = []
html_last_updated_fmt = None
html_show_sourcelink = False
html_copy_source = False
html_theme_options = {
    "navigation_depth": 2,
    "prev_next_buttons_location": "bottom",
    "style_external_links": False,
}
# The site's public address: QR codes on handouts, canonical links, sitemap. Read the Docs
# sets READTHEDOCS_CANONICAL_URL; KRATOM_DOCS_BASE_URL overrides it; empty means no QR code.
html_baseurl = os.environ.get(
    "KRATOM_DOCS_BASE_URL", os.environ.get("READTHEDOCS_CANONICAL_URL", "")
)
