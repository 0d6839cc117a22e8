"""Content, not modification times, decides what a rebuild reads again.

Sphinx reads a page again when its source or one of its dependencies is newer than the last
build. A file put back with its old time (``cp -p``, an unpacked archive, some checkouts) would
be missed, and the site and its PDFs would keep the text that was reverted. So every page keeps
a hash of its source and of each file it depends on, and a page whose files' content differs
from that is read again, whatever their times say.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment


def _hashes(env: BuildEnvironment) -> dict[str, dict[str, str]]:
    if not hasattr(env, "kratom_hashes"):
        env.kratom_hashes = {}  # type: ignore[attr-defined]
    return env.kratom_hashes  # type: ignore[attr-defined]


def digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "missing"


def _files(app: Sphinx, docname: str) -> list[Path]:
    env = app.env
    files = [Path(env.doc2path(docname))]
    for dependency in sorted(env.dependencies.get(docname, ())):
        path = Path(dependency)
        files.append(path if path.is_absolute() else Path(app.srcdir, path))
    return files


def remember(app: Sphinx, doctree: nodes.document) -> None:
    """doctree-read (after Sphinx notes the dependencies): the content the page was read from."""
    docname = app.env.docname
    _hashes(app.env)[docname] = {str(path): digest(path) for path in _files(app, docname)}


def outdated(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """env-get-outdated: pages whose source or dependencies changed in content."""
    stale = []
    for docname, files in _hashes(env).items():
        if docname in added or docname in changed or docname in removed:
            continue
        if docname in env.found_docs and any(
            digest(Path(path)) != value for path, value in files.items()
        ):
            stale.append(docname)
    return stale


def purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _hashes(env).pop(docname, None)


def merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: Any) -> None:
    for docname in docnames:
        if docname in _hashes(other):
            _hashes(env)[docname] = _hashes(other)[docname]


def setup_changes(app: Sphinx) -> None:
    app.connect("doctree-read", remember, priority=900)
    app.connect("env-get-outdated", outdated)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
