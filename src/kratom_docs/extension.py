"""Wiring: one readable block that registers every concern of the extension."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from . import claims, clinic, config, disclaimer, handouts, helplines, links, pdf, review, site
from .data import DataError, stop

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

HERE = Path(__file__).parent


def add_templates(app: Sphinx, conf: Config) -> None:
    """Put the extension's layout override in front of the theme's."""
    templates = str(HERE / "templates")
    if templates not in conf.templates_path:
        conf.templates_path.insert(0, templates)


def load_data(app: Sphinx) -> None:
    """Read the data files once, up front: bad data stops the build with file and line."""
    try:
        disclaimer.get(app.config)
        claims.get(app.config)
        helplines.get(app.config)
    except DataError as error:
        stop(error)


def setup_extension(app: Sphinx) -> None:
    app.setup_extension("sphinxcontrib.bibtex")
    config.register(app)
    app.connect("config-inited", add_templates)
    app.add_message_catalog("kratom_docs", str(HERE / "locale"))
    app.connect("builder-inited", load_data)
    disclaimer.setup_disclaimer(app)
    review.setup_review(app)
    claims.setup_claims(app)
    helplines.setup_helplines(app)
    clinic.setup_clinic(app)
    handouts.setup_handouts(app)
    pdf.setup_pdf(app)
    links.setup_links(app)
    site.setup_site(app)
