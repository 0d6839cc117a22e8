# Seeded fault: a theme override that drops the extension's layout, so no page gets the
# disclaimer. The build must fail and name every page.
from pathlib import Path

import kratom_docs

REPO = Path(kratom_docs.__file__).resolve().parents[2]  # the repository (editable install)
project = "Test"
extensions = ["myst_parser", "kratom_docs"]
disclaimer_file = str(REPO / "data" / "disclaimer.yaml")
claims_file = str(REPO / "tests" / "roots" / "test-basic" / "data" / "claims.yaml")
helplines_file = str(REPO / "tests" / "roots" / "test-basic" / "data" / "helplines.yaml")
bibtex_bibfiles = []
handout_pdf = False
review_today = "2026-12-01"


def _put_first(app, config):
    config.templates_path.insert(0, str(Path(__file__).parent / "_templates"))


def setup(app):
    app.connect("config-inited", _put_first, priority=999)
