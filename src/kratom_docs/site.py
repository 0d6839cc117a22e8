"""Site assets: the accessibility and print stylesheet for web pages (HTML builders only)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx

HERE = Path(__file__).parent


def add_static(app: Sphinx) -> None:
    if app.builder.format != "html":
        return
    app.config.html_static_path.append(str(HERE / "static" / "site"))
    app.add_css_file("kratom-site.css")


def setup_site(app: Sphinx) -> None:
    app.connect("builder-inited", add_static)
