"""Sphinx configuration: the kratom reference site and its printable patient handouts."""

from __future__ import annotations

import contextlib
import io
import os
from importlib import metadata
from urllib.parse import urlsplit

# sphinxext-opengraph prints a note on import when matplotlib (social-card images, which this
# site does not make) is missing; import it quietly so that a clean build prints nothing.
with contextlib.redirect_stdout(io.StringIO()):
    import sphinxext.opengraph  # noqa: F401

# -- Project information -----------------------------------------------------------------------

project = "Kratom: what the evidence says"
author = "The kratom-docs contributors"
copyright = "2026, The kratom-docs contributors. Content CC BY 4.0, code MIT"
release = version = metadata.version("kratom-docs")  # one place: pyproject.toml
# The site is English at its root and Spanish in es/: `make` builds both, the Spanish one with
# KRATOM_DOCS_LANGUAGE=es (translations in locales/es/LC_MESSAGES, one catalog per page).
site_languages = ["en", "es"]
language = os.environ.get("KRATOM_DOCS_LANGUAGE", site_languages[0])
SUBSITE = "" if language == site_languages[0] else f"{language}/"
locale_dirs = ["locales/"]

# -- General configuration ---------------------------------------------------------------------

extensions = [
    "myst_parser",
    "sphinxcontrib.bibtex",
    "notfound.extension",
    # The theme as an extension too: its options are then known before the pickled environment
    # is compared with this configuration, so an unchanged rebuild reports no change.
    "sphinx_rtd_theme",
    "sphinxext.opengraph",
    "kratom_docs",
]
root_doc = "index"
source_suffix = {".md": "markdown"}
include_patterns = ["index.md", "docs/**", "handouts/**"]
# Only index.md, docs/ and handouts/ are sources; excluding the rest also keeps Sphinx from
# walking .venv and the tests on every build.
exclude_patterns = [
    "_build",
    ".venv",
    ".git",
    ".ci",
    "src",
    "tests",
    "tools",
    "examples",
    "data",
    "node_modules",
    "**/_*",
    "**/README.md",
]
templates_path: list[str] = []
nitpicky = True

myst_enable_extensions = ["colon_fence", "deflist", "attrs_block", "attrs_inline"]
myst_heading_anchors = 3
myst_url_schemes = ["http", "https", "mailto", "tel"]

bibtex_bibfiles = ["data/references.bib"]
# Pages cite in the numbered style of medical writing: {footcite:p}`key` gives a number in
# order of first use, and {footbibliography} lists the page's references at its end.
bibtex_foot_reference_style = "foot"
bibtex_default_style = "kratom"  # the extension's: unsrt, titles as written, one link each
# Each page's numbered list stays under its "References" heading, numbered in order of use.
myst_footnote_sort = False
myst_footnote_transition = False
gettext_compact = False  # one catalog per document

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
handout_pdf_dir = (
    ""
    if os.environ.get("READTHEDOCS")
    else ("../../handouts/" + SUBSITE if SUBSITE else "../handouts")
)

# External links (in pages and in references.bib) may only go to these domains and their
# subdomains, over https, without tracking parameters. Add a domain here deliberately.
# fmt: off
link_allowed_domains = [
    # Primary: DOIs, PubMed/PMC, US federal and state agencies, the licence
    "doi.org", "nih.gov", "cdc.gov", "fda.gov", "hhs.gov", "samhsa.gov", "hrsa.gov",
    "federalregister.gov", "congress.gov", "clinicaltrials.gov", "findtreatment.gov",
    "988lifeline.org", "texas.gov", "wyo.gov", "ca.gov", "pittcountync.gov", "govdelivery.com",
    "creativecommons.org", "github.com",
    # International agencies
    "unodc.org", "janusinfo.se",
    # Journals, publishers, medical societies, indexes and universities
    "ejgm.org", "addictionjournal.org", "asdp.org", "aad.org", "aasld.org", "mirasmart.com",
    "salientvisionarypub.com", "wisconsinmedicalsociety.org", "whocc.org.cn", "uic.edu",
    "wsu.edu", "hawaii.edu",
    # Health news and reprinted releases (secondary, flagged as such in the references)
    "ehealth-news.com", "einpresswire.com", "pubt.io", "outbreaknewstoday.com",
    # Copies of primary documents and examples of popular claims (cited as such)
    "speciosa.org", "kratomscience.com", "biologyinsights.com", "maintainingwellbeing.com",
]
# fmt: on

# -- Link checking (make linkcheck: the live internet, never in the tests) ---------------------

# Real-world noise: retry, wait for slow servers, report timeouts as broken so they are retried,
# back off on rate limits, and accept redirects from doi.org to publishers and from one https
# address to another (a redirect to plain http is still reported).
linkcheck_retries = 3
linkcheck_timeout = 30
linkcheck_workers = 4
linkcheck_rate_limit_timeout = 120.0
linkcheck_report_timeouts_as_broken = True
linkcheck_anchors = False  # many publisher pages build their anchors with JavaScript
linkcheck_allowed_redirects = {
    r"https://doi\.org/.*": r"https://.*",
    r"https://.*": r"https://.*",
}

# -- HTML output -------------------------------------------------------------------------------

html_theme = "sphinx_rtd_theme"
# The site's name in each language (the window title and the top of every page).
TITLES = {
    "en": ("Kratom: what the evidence says", "Kratom evidence"),
    "es": ("Kratom: lo que dice la evidencia", "Evidencia sobre el kratom"),
}
html_title, html_short_title = TITLES[language]
html_static_path: list[str] = []
html_last_updated_fmt = None
html_show_sourcelink = False
html_show_sphinx = False  # no "Built with Sphinx" links to other hosts in the footer
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
if html_baseurl and SUBSITE:
    html_baseurl = html_baseurl.rstrip("/") + "/" + SUBSITE
# Open Graph tags for link previews (sphinxext-opengraph): the description comes from each
# page's front matter (the extension passes it on); no generated images, no other host.
LOCALES = {"en": "en_US", "es": "es_US"}
ogp_site_url = html_baseurl
ogp_social_cards = {"enable": False}
ogp_enable_meta_description = False  # the extension writes <meta name="description">
ogp_custom_meta_tags = [f'<meta property="og:locale" content="{LOCALES[language]}" />'] + [
    f'<meta property="og:locale:alternate" content="{LOCALES[other]}" />'
    for other in site_languages
    if other != language
]
# Where "Report a problem with this page" opens an issue. On Read the Docs it defaults to the
# repository the site is built from; elsewhere set KRATOM_DOCS_PROJECT_URL.
project_url = os.environ.get("KRATOM_DOCS_PROJECT_URL", "")
# A page past its review date fails `make` and CI (a warning under -W). The hosted build only
# shows the banner, so an urgent fix (a help-line number, say) can still be published.
review_overdue = "banner" if os.environ.get("READTHEDOCS") else "warn"

# The 404 page uses absolute paths, so it works at any depth of the site.
notfound_urls_prefix = urlsplit(html_baseurl).path or "/"
NOT_FOUND = {
    "en": (
        "Page not found",
        "Sorry, this page does not exist. It may have moved. Go to the "
        '<a href="{home}">home page</a> or use the search box.',
    ),
    "es": (
        "Página no encontrada",
        "Lo sentimos, esta página no existe. Puede que se haya "
        'movido. Vaya a la <a href="{home}">página principal</a> o use el buscador.',
    ),
}
notfound_context = {
    "title": NOT_FOUND[language][0],
    "body": f"<h1>{NOT_FOUND[language][0]}</h1><p>"
    + NOT_FOUND[language][1].format(home=notfound_urls_prefix + "index.html")
    + "</p>",
}
