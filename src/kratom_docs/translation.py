"""Editions in other languages: what is not translated yet, and the extension's own strings.

Each page of a translated build is read through its catalog
(``locales/<lang>/LC_MESSAGES/<page>.po``). A message with no translation, or only a fuzzy
one, stays in English; then

- a web page says so at the top, and
- a handout is not printed in that language at all (a warning names the file and the
  message): a patient never gets a sheet that is half in English.

The extension's own strings (labels, the review line, "Page X of Y") live in
``locales/<lang>/LC_MESSAGES/kratom_docs.po`` beside the pages' catalogs; the build compiles
that catalog itself, before Sphinx loads translations.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.locale import get_translation
from sphinx.transforms import SphinxTransform
from sphinx.util.nodes import NodeMatcher

from . import messages
from .config import settings
from .plan import is_handout

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

_ = get_translation("kratom_docs")
DOMAIN = "kratom_docs"


def translated_build(app: Sphinx) -> bool:
    languages = settings(app.env).site_languages
    return bool(languages) and (app.config.language or "en") != languages[0]


def _untranslated(env: BuildEnvironment) -> dict[str, list[str]]:
    if not hasattr(env, "kratom_untranslated"):
        env.kratom_untranslated = {}  # type: ignore[attr-defined]
    return env.kratom_untranslated  # type: ignore[attr-defined]


def _translations(app: Sphinx, domain: str) -> set[str]:
    """The translated texts of one page's catalog (what Sphinx put into the page)."""
    from sphinx.locale import init as init_locale

    dirs = [str(Path(app.srcdir, folder)) for folder in app.config.locale_dirs]
    catalog, found = init_locale(dirs, app.config.language, domain)
    return set(getattr(catalog, "_catalog", {}).values()) if found else set()


def _is_missing(node: nodes.Element, done: set[str]) -> bool:
    """Sphinx translates an image's alt text and a toctree's caption but leaves both marked
    untranslated; they count as translated when their text is one of the page's translations."""
    from sphinx import addnodes

    if isinstance(node, nodes.image):
        return node.get("alt", "") not in done
    if isinstance(node, addnodes.toctree):
        return bool(node.get("caption")) and node["caption"] not in done
    return True


def check(app: Sphinx, doctree: nodes.document) -> None:
    """doctree-read: note the messages of this page that are not translated."""
    env = app.env
    docname = env.docname
    _untranslated(env).pop(docname, None)
    if not translated_build(app) or app.builder.name == "gettext":
        return
    # The page depends on its catalog: editing or removing it reads the page again (Sphinx's
    # own note on the compiled catalog is cleared when the page is read).
    from sphinx.util.i18n import docname_to_domain

    domain = docname_to_domain(docname, app.config.gettext_compact)
    for folder in app.config.locale_dirs:
        env.note_dependency(
            str(Path(app.srcdir, folder, app.config.language, "LC_MESSAGES", f"{domain}.po"))
        )
    progress = doctree.get("translation_progress") or {}
    if not progress.get("total"):
        missing = ["(the page has no translation catalog)"]
    else:
        done = _translations(app, domain)
        missing = [
            " ".join((node.astext() or node.get("alt", "") or node.get("caption", "")).split())[:80]
            for node in NodeMatcher(nodes.Element, translated=False).findall(doctree)
            if _is_missing(node, done)
        ]
    if not missing:
        return
    _untranslated(env)[docname] = missing
    if is_handout(env, docname):
        messages.warn(
            f"{len(missing)} message(s) are not translated into "
            f"{app.config.language}, e.g. {missing[0]!r}; this handout is not "
            "printed in this language until its catalog is complete",
            "translation",
            location=(docname, None),
        )


def untranslated(env: BuildEnvironment, docname: str) -> list[str]:
    return _untranslated(env).get(docname, [])


def purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _untranslated(env).pop(docname, None)


def merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: Any) -> None:
    for docname in docnames:
        if docname in _untranslated(other):
            _untranslated(env)[docname] = _untranslated(other)[docname]


def add_to_context(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any
) -> None:
    context["kd_untranslated"] = (
        str(_("Part of this page is not translated yet; that part is shown in English."))
        if doctree is not None and untranslated(app.env, pagename)
        else ""
    )
    # The site template's own words come from this extension's catalog (Sphinx's ``_`` in a
    # template looks in Sphinx's catalog, which does not have them).
    context["kd_"] = lambda text: str(_(text))


def compile_own_catalog(app: Sphinx, config: Config) -> None:
    """config-inited: compile ``kratom_docs.po`` of this build's language for the extension.

    Sphinx compiles the pages' catalogs when it reads them, which is after it has loaded the
    extension's; so the extension compiles its own into the doctree folder and registers it.
    """
    language = config.language or "en"
    for folder in config.locale_dirs:
        po = Path(app.srcdir, folder, language, "LC_MESSAGES", f"{DOMAIN}.po")
        if not po.is_file():
            continue
        target_dir = Path(app.doctreedir) / "kratom_docs" / "locale"
        mo = target_dir / language / "LC_MESSAGES" / f"{DOMAIN}.mo"
        try:
            if not mo.is_file() or mo.stat().st_mtime < po.stat().st_mtime:
                from babel.messages.mofile import write_mo
                from babel.messages.pofile import read_po

                with po.open("rb") as handle:
                    catalog = read_po(handle, locale=language, domain=DOMAIN)
                mo.parent.mkdir(parents=True, exist_ok=True)
                tmp = mo.with_suffix(".tmp")
                with tmp.open("wb") as out:
                    write_mo(out, catalog, use_fuzzy=False)
                tmp.replace(mo)
        except (OSError, ValueError) as error:
            messages.error(f"{po}: cannot be compiled ({error})", "data")
            continue
        app.add_message_catalog(DOMAIN, str(target_dir))
        app.kratom_own_catalog = po  # type: ignore[attr-defined]
        return


def depend_on_own_catalog(app: Sphinx, doctree) -> None:
    """doctree-read: every page shows the extension's words, so an edit to its catalog makes
    every page be read and written again (not only pages that changed themselves)."""
    po = getattr(app, "kratom_own_catalog", None)
    if po is not None:
        app.env.note_dependency(str(po))


def write_own_template(app: Sphinx, exception: Exception | None) -> None:
    """build-finished (gettext): ``kratom_docs.pot``, the extension's own strings (Python and
    templates), beside the pages' templates, so ``sphinx-intl update`` makes its catalog too."""
    if exception or app.builder.name != "gettext":
        return
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_file
    from babel.messages.pofile import write_po
    from jinja2.ext import babel_extract

    here = Path(__file__).parent
    catalog = Catalog(
        project="kratom-docs",
        domain=DOMAIN,
        charset="utf-8",
        creation_date=settings(app.env).date,
        revision_date=settings(app.env).date,
    )
    sources = [(path, "python") for path in sorted(here.glob("*.py"))]
    sources += [(path, babel_extract) for path in sorted((here / "templates").glob("*.html"))]
    for path, method in sources:
        for line, message, comments, _context in extract_from_file(
            method, str(path), keywords={"_": None, "kd_": None}, comment_tags=("Translators:",)
        ):
            catalog.add(
                message,
                locations=[(path.relative_to(here).as_posix(), line)],
                auto_comments=comments,
            )
    target = Path(app.outdir) / f"{DOMAIN}.pot"
    with target.open("wb") as out:
        write_po(out, catalog, width=100, omit_header=False, sort_output=True)


class DescriptionMessage(SphinxTransform):
    """The page's description (front matter) as a message of the page's catalog.

    Before Sphinx translates the page, the description goes into the document as a ``meta``
    node, a kind Sphinx extracts and translates; :func:`take_description` then puts the
    translated text back into the page's metadata, where the search-engine and link-preview
    tags read it.
    """

    default_priority = 10  # before Sphinx's Locale transform (20)

    def apply(self, **kwargs: Any) -> None:
        description = str(self.env.metadata.get(self.env.docname, {}).get("description", ""))
        if description.strip():
            node = nodes.meta(name="description", content=description.strip())
            node["classes"] = ["kd-description"]
            node.source, node.line = self.document["source"], 1
            self.document.insert(0, node)


def take_description(app: Sphinx, doctree: nodes.document) -> None:
    """doctree-read: the (translated) description back into the metadata, the node out."""
    for node in list(doctree.findall(nodes.meta)):
        if "kd-description" not in node.get("classes", []):
            continue
        if node.get("translated"):
            app.env.metadata[app.env.docname]["description"] = node["content"]
        if app.builder.name != "gettext":  # the catalog builder reads it from the doctree
            node.parent.remove(node)


def setup_translation(app: Sphinx) -> None:
    app.add_transform(DescriptionMessage)
    app.connect("doctree-read", take_description, priority=400)
    app.connect("build-finished", write_own_template)
    app.connect("config-inited", compile_own_catalog, priority=20)
    app.connect("doctree-read", depend_on_own_catalog, priority=600)
    app.connect("doctree-read", check, priority=650)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
    app.connect("html-page-context", add_to_context)
