# Links to a loopback server; the tests add the project's own linkcheck settings.
project = "Links"
extensions = ["myst_parser", "kratom_docs"]
exclude_patterns = ["_build", "data"]
bibtex_bibfiles = ["data/refs.bib"]
disclaimer_file = "data/disclaimer.yaml"
claims_file = "data/claims.yaml"
helplines_file = "data/helplines.yaml"
handout_pdf = False
review_today = "2026-12-01"
suppress_warnings = ["bibtex.bibfile_data_error"]
gettext_compact = False  # one catalog per document
bibtex_foot_reference_style = "foot"
