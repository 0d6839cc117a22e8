"""Wiring: one readable block that registers every concern of the extension.

The order of a build, as the extension sees it:

1. ``config-inited``: one build at a time per doctree folder (:mod:`.buildlock`).
2. ``builder-inited``: options checked into :class:`~.config.Settings`; data files read;
   claims checked against the bibliography; re-check dates of facts and help lines.
3. Reading: source checks, review dates, link policy (file and line for each problem);
   pages whose files changed in content are read again, whatever their times (:mod:`.changes`).
4. ``env-updated``: the print plan; overdue reviews (every build).
5. Writing: each page gets its review line, disclaimer and (handouts) download box; handout
   bodies are kept for the printer.
6. ``html-collect-pages``: the printer prints what changed into the cache; the download page.
7. ``build-finished``: the HTML disclaimer check, then publishing, only if all passed.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from . import (
    buildlock,
    changes,
    claims,
    config,
    data,
    disclaimer,
    facts,
    handouts,
    helplines,
    links,
    messages,
    plan,
    publish,
    references,
    review,
    shortlinks,
    site,
    sources,
    translation,
)

if TYPE_CHECKING:
    from sphinx.application import Sphinx

HERE = Path(__file__).parent


def add_templates(app: Sphinx) -> None:
    """Put the extension's layout override in front of the theme's (the config is left as is).

    It joins the builder's template loader as if it were the last entry of
    ``templates_path``: the project's own templates still win, and
    ``{% extends "!layout.html" %}`` still reaches the theme's layout.
    """
    from sphinx.jinja2glue import BuiltinTemplateLoader, SphinxFileSystemLoader

    loader = getattr(app.builder, "templates", None)
    folder = HERE / "templates"
    if isinstance(loader, BuiltinTemplateLoader) and folder not in loader.pathchain:
        at = loader.templatepathlen
        loader.pathchain.insert(at, folder)
        loader.loaders.insert(at, SphinxFileSystemLoader(folder))
        loader.templatepathlen += 1


def setup_extension(app: Sphinx) -> None:
    app.setup_extension("sphinxcontrib.bibtex")
    references.register_style()
    app.connect("config-inited", references.check_files, priority=900)
    app.connect("config-inited", sources.check_inputs, priority=900)
    buildlock.setup_lock(app)
    config.register(app)
    messages.setup_messages(app)
    app.connect("builder-inited", data.load_all, priority=200)
    app.connect("builder-inited", add_templates, priority=300)
    disclaimer.setup_disclaimer(app)
    review.setup_review(app)
    claims.setup_claims(app)
    helplines.setup_helplines(app)
    facts.setup_facts(app)
    sources.setup_sources(app)
    changes.setup_changes(app)
    plan.setup_plan(app)
    handouts.setup_handouts(app)
    shortlinks.setup_shortlinks(app)
    publish.setup_publish(app)
    links.setup_links(app)
    site.setup_site(app)
    translation.setup_translation(app)
