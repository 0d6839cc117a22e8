"""Checks on the sources themselves: nothing may load or read anything from elsewhere.

Run when a page is read, so problems are reported with the file and line on the web pages as
well as in the PDFs:

- raw HTML that loads anything (``img``, ``link``, ``style``, ``script``, ``object``,
  ``embed``, ``iframe``, media, ``srcset``, CSS ``url()``/``@import``) or attaches a file;
- images that are not files inside the project, and SVG images that refer outside themselves;
- any file the page reads (``include``, ``literalinclude``, downloads) outside the project;
- a fence (```` ``` ````, ``~~~`` or ``:::``) that is never closed, which would swallow the
  rest of the page.
"""

from __future__ import annotations

import html
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx import addnodes

from . import messages
from .links import as_browsers_read
from .logo import css_unescape, svg_problems

if TYPE_CHECKING:
    from sphinx.application import Sphinx

LOADING_TAGS = {
    "img",
    "picture",
    "source",
    "link",
    "script",
    "style",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "video",
    "audio",
    "track",
    "svg",
    "image",
    "use",
    "base",
    "meta",
    "form",
    "input",
    "button",
    "textarea",
    "select",
    "portal",
    "applet",
    "template",
}
LOADING_ATTRS = {
    "src",
    "srcset",
    "data",
    "poster",
    "background",
    "formaction",
    "action",
    "ping",
    "lowsrc",
    "dynsrc",
    "longdesc",
    "manifest",
    "codebase",
    "archive",
}
_CSS_LOADS = re.compile(r"url\s*\(|@import|expression\s*\(|behavior\s*:", re.I)
_UNSAFE_HREF = re.compile(r"^\s*(javascript|data|file|vbscript):", re.I)


class _RawHTMLCheck(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = tag.lower()
        if tag in LOADING_TAGS:
            self.problems.append(
                f"raw HTML <{tag}> is not allowed (it loads or runs "
                "something); use Markdown, e.g. ![text](image.png) for images"
            )
        for name, value in attrs:
            name, value = name.lower(), value or ""
            if name in LOADING_ATTRS:
                self.problems.append(f"raw HTML attribute {name}= loads a file; not allowed")
            elif name == "style" and _CSS_LOADS.search(value):
                self.problems.append("raw HTML style= loads something (url() or @import)")
            elif name.startswith("on"):
                self.problems.append(f"raw HTML attribute {name}= runs a script; not allowed")
            elif name == "rel" and "attachment" in value.lower():
                self.problems.append(
                    'raw HTML rel="attachment" would attach a file to the PDF; not allowed'
                )
            elif name in ("href", "xlink:href", "action", "formaction") and (
                unsafe := _UNSAFE_HREF.match(as_browsers_read(value))
            ):
                self.problems.append(f"raw HTML link to {unsafe.group(1)}: is not allowed")

    handle_startendtag = handle_starttag


_ANY_LOADING_TAG = re.compile(r"<\s*(" + "|".join(sorted(LOADING_TAGS)) + r")\b", re.I)
_ANY_LOADING_ATTR = re.compile(r"\b(" + "|".join(sorted(LOADING_ATTRS)) + r")\s*=", re.I)
_STYLE_ATTR = re.compile(r"""\bstyle\s*=\s*(?:"([^"]*)"?|'([^']*)'?|([^\s>]*))""", re.I)
#: Links that run or carry a document, and event handlers, anywhere in the text once entities
#: are decoded and tabs and line breaks dropped (as a browser reads ``<!-->`` and the rest).
_ANY_UNSAFE_LINK = re.compile(
    r"\b(href|action|formaction)\s*=\s*['\"]?[\x00-\x20]*(javascript|vbscript|data|file):", re.I
)
_ANY_HANDLER = re.compile(r"[\s\"'/](on[a-z]+)\s*=", re.I)
_CSS_LOADS_ANYWHERE = re.compile(r"url\s*\(|@import|image-set\s*\(|expression\s*\(", re.I)


def raw_html_problems(text: str) -> list[str]:
    check = _RawHTMLCheck()
    check.feed(text)
    check.close()
    problems = check.problems
    # What a browser may still read as a tag or a style (inside a comment or CDATA trick, an
    # unclosed tag, a CSS escape such as \75rl() is refused too: raw HTML never loads anything.
    if match := _ANY_LOADING_TAG.search(text):
        problems.append(f"raw HTML <{match.group(1).lower()}> is not allowed, even in a comment")
    if match := _ANY_LOADING_ATTR.search(text):
        problems.append(f"raw HTML attribute {match.group(1).lower()}= loads a file; not allowed")
    decoded = re.sub(r"[\t\n\r]", "", html.unescape(text))
    if match := _ANY_UNSAFE_LINK.search(decoded):
        problems.append(
            f"raw HTML link to {match.group(2).lower()}: is not allowed, even in a comment"
        )
    if match := _ANY_HANDLER.search(decoded):
        problems.append(f"raw HTML attribute {match.group(1).lower()}= runs a script; not allowed")
    styles = " ".join(m.group(1) or m.group(2) or m.group(3) for m in _STYLE_ATTR.finditer(text))
    if _CSS_LOADS_ANYWHERE.search(css_unescape(styles)):
        problems.append("raw HTML loads something through CSS (url(), @import, image-set())")
    return list(dict.fromkeys(problems))


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def check_doctree(app: Sphinx, doctree: nodes.document) -> None:
    env = app.env
    docname = env.docname
    root = Path(app.confdir)
    for node in list(doctree.findall(lambda n: isinstance(n, (nodes.math, nodes.math_block)))):
        # Sphinx would add MathJax, a script from a CDN, to the page: the site loads nothing
        # from elsewhere, so math is shown as its source text.
        messages.error(
            "math is not supported (it needs a script from the web); write it in words",
            "source",
            location=node,
        )
        text = node.astext()
        node.replace_self(
            nodes.literal(text, text)
            if isinstance(node, nodes.math)
            else nodes.literal_block(text, text)
        )
    metadata = env.metadata.get(docname, {})
    for key in [k for k in metadata if k not in FRONT_MATTER_KEYS | _TOOL_METADATA]:
        # An rST field list at the top of a page is page metadata too (the theme turns some
        # keys into <meta> tags and links): only the keys a page may set.
        messages.error(
            f"page metadata {str(key)[:40]!r} is not allowed (a page may set only "
            + ", ".join(sorted(FRONT_MATTER_KEYS))
            + ")",
            "source",
            location=(docname, None),
        )
        del metadata[key]
    refused_images: set[str] = set()
    for node in list(doctree.findall(nodes.image)):
        uri = node.get("uri", "")
        candidates = node.get("candidates", {}) or {}
        if urlsplit(uri).scheme or uri.startswith("//"):
            messages.error(
                f"image {uri[:80]!r} is not a file in the project; images must be "
                "files next to the page",
                "source",
                location=node,
            )
            node.parent.remove(node)  # not even a failed build's page shows it
            continue
        for path in candidates.values():
            full = Path(app.srcdir, path)
            if not _inside(full, root):
                messages.error(f"image {uri!r} is outside the project", "source", location=node)
                refused_images.add(os.fspath(path))
                _forget(env.images, path, docname)  # so the builder never copies it
                node["uri"], node["candidates"] = "", {}  # nor the writer opens it for its size
                node.attributes.pop("scale", None)
            elif full.suffix.lower() == ".svg" and full.is_file():
                for problem in svg_problems(full.read_bytes()):
                    messages.error(f"image {uri!r} {problem}", "source", location=node)
    downloads = {}  # the file each download link names -> the link (for its line)
    for node in doctree.findall(addnodes.download_reference):
        downloads.setdefault(os.fspath(env.relfn2path(node.get("reftarget", ""), docname)[0]), node)
    for dependency in sorted(env.dependencies.get(docname, ())):
        path = Path(app.srcdir, dependency) if not os.path.isabs(dependency) else Path(dependency)
        if not _inside(path, root):
            if os.fspath(dependency) not in downloads.keys() | refused_images:
                messages.error(
                    f"reads a file outside the project: {path}",
                    "source",
                    location=(docname, None),
                )
            # Nothing later may open it (the change record hashes every dependency).
            env.dependencies[docname].discard(dependency)
    for target, (docnames, _) in list(env.dlfiles.items()):
        if docname in docnames and not _inside(Path(app.srcdir, target), root):
            messages.error(
                f"offers a download from outside the project: {target}",
                "source",
                location=(docname, _line(downloads.get(os.fspath(target)))),
            )
            _forget(env.dlfiles, target, docname)


def check_early(app: Sphinx, doctree: nodes.document) -> None:
    """doctree-read, before Sphinx records titles and tables of contents: raw HTML that loads
    or runs something is refused and taken off the page, and a table of contents entry that is
    a URL (``javascript:``, another site) is refused, so that not even the HTML of a failed
    build carries them (a title goes into every sidebar)."""
    for node in list(doctree.findall(nodes.raw)):
        if "html" in node.get("format", "").split():
            problems = raw_html_problems(node.astext())
            for problem in problems:
                messages.error(problem, "source", location=node)
            if problems:
                node.parent.remove(node)
    for node in doctree.findall(addnodes.toctree):
        kept = []
        for title, ref in node["entries"]:
            if ref != "self" and re.match(r"^\s*[a-zA-Z][a-zA-Z0-9+.-]*:|^\s*//", ref or ""):
                messages.error(
                    f"a table of contents links to {ref[:80]!r}; its entries must be pages of "
                    "the site (put outside links in the text, where the link policy checks them)",
                    "source",
                    location=node,
                )
            else:
                kept.append((title, ref))
        node["entries"] = kept


def _line(node: nodes.Node | None) -> int | None:
    """The line of a node, or of the nearest element around it that has one (a role's node
    often has none)."""
    while node is not None and getattr(node, "line", None) is None:
        node = node.parent
    return getattr(node, "line", None)


def _forget(files: dict, key, docname: str) -> None:
    """Take one page's use of a file out of Sphinx's list of files to copy into the site."""
    if key not in files:
        return
    docnames, unique = files[key]
    docnames.discard(docname)
    if not docnames:
        del files[key]
        getattr(files, "_existing", set()).discard(unique)


def prune_copies(app: Sphinx, exception: Exception | None) -> None:
    """build-finished: remove from the site's _images and _downloads every file that no page
    uses any more (a file from outside, refused in an earlier build, never stays published)."""
    if exception or app.builder.format != "html":
        return
    out = Path(app.outdir)
    images = {str(unique) for _docs, unique in app.env.images.values()}
    for path in (out / "_images").glob("*") if (out / "_images").is_dir() else ():
        if path.is_file() and path.name not in images and not _made_by_sphinx(path):
            path.unlink()
    downloads = {Path(str(dest)).parent.name for _docs, dest in app.env.dlfiles.values()}
    for folder in (out / "_downloads").glob("*") if (out / "_downloads").is_dir() else ():
        if folder.is_dir() and folder.name not in downloads:
            shutil.rmtree(folder, ignore_errors=True)


def _made_by_sphinx(path: Path) -> bool:
    # math and graphviz images are written into _images by their extensions, not listed in
    # env.images; this site uses neither, but keep their files if a page ever does.
    return path.name.startswith(("math-", "graphviz-", "plantuml-"))


_FENCE = re.compile(r"^(`{3,}|~{3,}|:{3,})(.*)$")
#: What may stand before a fence on its line: quote markers, list item markers, and the colon
#: of a definition (a single colon and a space, never the colons of a fence).
_CONTAINER_MARKS = re.compile(r"^(?:>\s?|[-*+]\s+|\d{1,9}[.)]\s+|:\s+)+")


def unclosed_fences(text: str) -> list[tuple[int, str]]:
    """(line, fence) for every fence that is opened and never closed, so that it swallows the
    rest of the page. A fence opened inside a quote, a list item or a definition ends with it
    (as in Markdown), so only its closing line is looked for while the container lasts."""
    lines = text.splitlines()
    start = 0
    if lines and lines[0].strip() == "---":  # front matter
        for number, line in enumerate(lines[1:], start=1):
            if line.strip() == "---":
                start = number + 1
                break
    stack: list[tuple[str, int, int, str]] = []  # (char, length, line, container prefix)

    def outside(line: str, prefix: str) -> bool:
        if not prefix.strip():
            return False  # not in a container (or only indented): ends only where it closes
        if prefix.lstrip().startswith(">"):
            return not line.lstrip().startswith(">")
        return bool(line.strip()) and not line.startswith(" " * len(prefix))

    for number in range(start, len(lines)):
        raw = lines[number]
        while stack and outside(raw, stack[-1][3]):
            stack.pop()  # its container ended, and the fence with it
        body = raw.lstrip()
        marks = _CONTAINER_MARKS.match(body)
        stripped = body[marks.end() :].strip() if marks else body.strip()
        prefix = raw[: len(raw) - len(body)] + (marks.group(0) if marks else "")
        match = _FENCE.match(stripped)
        if stack and stack[-1][0] in "`~":
            char, length, _, _ = stack[-1]
            if (
                match
                and match.group(1)[0] == char
                and len(match.group(1)) >= length
                and not match.group(2).strip()
            ):
                stack.pop()
            continue
        if not match:
            continue
        fence, rest = match.group(1), match.group(2)
        if fence[0] == ":" and not rest.strip() and stack and stack[-1][0] == ":":
            if len(fence) >= stack[-1][1]:
                stack.pop()  # a shorter line of colons inside the fence is text
        elif fence[0] == ":" and not rest.strip():
            stack.append((":", len(fence), number + 1, prefix))
        elif fence[0] == "`" and "`" in rest:
            continue  # inline code, not a fence
        else:
            stack.append((fence[0], len(fence), number + 1, prefix))
    return [(line, char * length) for char, length, line, _ in stack]


def _docutils_aliases(*canonical: str) -> frozenset[str]:
    """Every name docutils knows for these directives, in every language it supports (a
    Spanish build reads ``incluir`` as ``include`` and ``sin-analisis`` as ``raw``)."""
    import importlib
    import pkgutil

    import docutils.parsers.rst.languages as languages

    names = set(canonical)
    for module in pkgutil.iter_modules(languages.__path__):
        try:
            mapping = importlib.import_module(f"{languages.__name__}.{module.name}").directives
        except (ImportError, AttributeError):
            continue
        names |= {
            alias.lower()
            for alias, name in mapping.items()
            if name in canonical and " " not in alias
        }
    return frozenset(names)


#: Names of the directives that read the file their argument names, in every language.
INCLUDES = _docutils_aliases("include") | {"literalinclude"}

_DIRECTIVE = re.compile(
    r"^[\s>*+:\-]*(?:\d+[.)]\s*)?(`{3,}|~{3,}|:{3,})\{([^}\s]+)\}\s*(.*)$", re.I
)
_RST_DIRECTIVE = re.compile(r"^\s*\.\.\s+([^:\s][^:]*?)\s*::\s*(.*)$", re.I)
_OPTION = re.compile(r"^\s*:(url|file|diff)\s*:\s*(.*)$", re.I)
_YAML_OPTION = re.compile(r"""^\s*["']?(url|file|diff)["']?\s*:\s*(.*)$""", re.I)
#: Directives whose argument is a file they read.
_READS_ARGUMENT = INCLUDES


def directive_reads(text: str) -> list[tuple[int, str, str]]:
    """(line index, what, value) for every place a directive would fetch (``:url:``) or read a
    file (``:file:``, the argument of ``include``/``literalinclude``), in MyST and in rST
    (``{eval-rst}``) syntax. Found before parsing, so nothing is fetched or read."""
    found = []
    lines = text.splitlines()
    in_options = in_yaml = False
    for index, line in enumerate(lines):
        opened = _DIRECTIVE.match(line) or _RST_DIRECTIVE.match(line)
        if opened:
            name, argument = opened.groups()[-2:]
            name = name.lower()
            if name in _READS_ARGUMENT and not argument.strip():  # the argument on the next line
                following = lines[index + 1] if index + 1 < len(lines) else ""
                if following.strip() and not following.strip().startswith(":"):
                    argument = following
            if name in _READS_ARGUMENT and argument.strip():
                found.append((index, "file", argument.strip()))
            in_options, in_yaml = True, False
            continue
        if in_options and line.strip() == "---":
            in_yaml = not in_yaml
            continue
        option = _OPTION.match(line) or (_YAML_OPTION.match(line) if in_yaml else None)
        if option:
            what = option.group(1).lower()
            found.append((index, "file" if what == "diff" else what, option.group(2).strip()))
            continue
        if not in_yaml and not line.strip().startswith(":"):
            in_options = False
    return found


def guard_reads(app: Sphinx, docname: str, source: list[str]) -> None:
    """source-read: refuse, before parsing, every fetch and every read of a file outside the
    project; the offending line is defused, so the directive fails without reading anything."""
    _guard(app, Path(app.env.doc2path(docname)).parent, docname, source)


def guard_included(app: Sphinx, relative: Path, parent: str, content: list[str]) -> None:
    """include-read: the same for the text an ``include`` brings into a page."""
    path = Path(app.srcdir, relative)
    guard_front_matter(str(path), content, included=True)  # a :parser: reads it as MyST
    _guard(app, path.parent, str(path), content, included=True)


def _guard(app: Sphinx, here: Path, where: str, source: list[str], included=False) -> None:
    """``where`` is the page's docname, or the path of an included file (``included``): Sphinx
    adds the source suffix to a docname, never to a path."""
    root = Path(app.confdir)
    lines = source[0].split("\n")
    for index, what, value in directive_reads(source[0]):
        if what == "url":
            problem = f"a directive's :url: would fetch {value[:60]!r}; builds never fetch"
        else:
            # A path from the root ("/...") means the project's root to Sphinx's include but
            # the machine's root to docutils' raw and csv-table: neither is allowed. So are
            # docutils' own include files (<...>).
            target = here / value
            if not value.startswith(("/", "<")) and "\0" not in value and _inside(target, root):
                continue
            problem = f"reads a file outside the project: {value[:80]}"
            if value.startswith(("/", "<")):
                problem += " (a path from the root: give it relative to the page)"
        location = f"{where}:{index + 1}" if included else (where, index + 1)
        messages.error(problem, "source", location=location)
        line = lines[index]
        if what in ("url", "file") and (_OPTION.match(line) or _YAML_OPTION.match(line)):
            lines[index] = (" " * (len(line) - len(line.lstrip()))) + (
                "# refused" if not line.lstrip().startswith(":") else ":class: kd-refused"
            )
        else:  # the directive itself reads its argument: it becomes an (empty) error box
            names = "|".join(sorted((re.escape(n) for n in _READS_ARGUMENT), key=len, reverse=True))
            lines[index] = re.sub(
                rf"(\{{|\.\.\s+)({names})(\}}|\s*::)", r"\1error\3", line, flags=re.I
            )
    source[0] = "\n".join(lines)


#: The front matter keys a page may have: the review record, the page description, the
#: handout's short link, and Sphinx's own file-wide settings. MyST reads per-page settings from
#: front matter too (``myst:``, and the older top-level ``substitutions`` and ``html_meta``):
#: those could turn on substitutions, whose Jinja expressions run code, or write ``<meta>``
#: tags (a redirect) into the page, so every other key is refused.
FRONT_MATTER_KEYS = frozenset(
    {
        "last_reviewed",
        "next_review",
        "clinical_reviewer",
        "description",
        "short_link",
        "orphan",
        "nosearch",
        "tocdepth",
    }
)


#: Page metadata that the tools set themselves (MyST's word count and heading slugs).
_TOOL_METADATA = frozenset({"wordcount", "myst_slugs"})


def guard_front_matter(docname: str, source: list[str], included: bool = False) -> None:
    """source-read and include-read: refuse front matter keys outside
    :data:`FRONT_MATTER_KEYS` and take them out of the text MyST parses (the lines below keep
    their numbers). ``docname`` is the path of the file when it is ``included``."""
    import yaml
    from myst_parser.config.main import TopmatterReadError, read_topmatter

    text = source[0]
    try:
        meta = read_topmatter(text)
    except TopmatterReadError:
        return  # MyST reports malformed front matter itself, and then reads none of it
    if not isinstance(meta, dict):
        return
    refused = [key for key in meta if key not in FRONT_MATTER_KEYS]
    if not refused:
        return
    lines = text.splitlines(keepends=True)
    end = next((i for i in range(1, len(lines)) if lines[i].startswith(("---", "..."))), len(lines))
    for key in refused:
        line = next(
            (i + 1 for i in range(1, end) if lines[i].lstrip(" \"'").startswith(str(key))), 1
        )
        messages.error(
            f"front matter key {str(key)[:40]!r} is not allowed (a page may set only "
            + ", ".join(sorted(FRONT_MATTER_KEYS))
            + "; MyST settings belong in conf.py)",
            "source",
            location=f"{docname}:{line}" if included else (docname, line),
        )
    kept = {key: value for key, value in meta.items() if key in FRONT_MATTER_KEYS}
    dumped = yaml.safe_dump(kept, allow_unicode=True, sort_keys=False) if kept else ""
    body = dumped.splitlines(keepends=True)
    body += ["\n"] * max(0, end - 1 - len(body))
    source[0] = "".join(["---\n", *body, *lines[end:]])


def check_source(app: Sphinx, docname: str, source: list[str]) -> None:
    if app.env.doc2path(docname).suffix == ".md":
        guard_front_matter(docname, source)
    guard_reads(app, docname, source)
    for line, fence in unclosed_fences(source[0]):
        messages.error(
            f"the fence {fence} opened here is never closed, so it swallows the "
            "rest of the page; close it with a line of "
            f"{fence}",
            "source",
            location=(docname, line),
        )


def _remember_root(app: Sphinx) -> None:
    """builder-inited: the project's root, for the directive guards, which see only the
    environment (and ``env.app`` is going away)."""
    app.env.kratom_root = Path(app.confdir)  # type: ignore[attr-defined]


def _project_root(env) -> Path:
    if env is None:
        return Path.cwd()  # docutils outside Sphinx: only the working folder is the project
    return Path(getattr(env, "kratom_root", None) or env.srcdir)


def setup_sources(app: Sphinx) -> None:
    app.connect("builder-inited", _remember_root)
    app.connect("build-finished", prune_copies)
    app.connect("source-read", check_source)
    app.connect("include-read", guard_included)
    app.connect("doctree-read", check_early, priority=400)  # before the toctree collector
    app.connect("doctree-read", check_doctree, priority=700)  # after the dependency collector
    setup_directive_guards(app)


# -- the directives that read files or fetch, guarded where they run --------------------------
#
# The source-read guard above defuses what it finds in the text; these subclasses check the
# options and arguments as docutils has parsed them (names and options in any letter case,
# an argument on the next line), just before the directive would read or fetch.


def _refusal(directive, message: str) -> list[nodes.Node]:
    source, line = directive.state_machine.get_source_and_line(directive.lineno)
    messages.error(message, "source", location=f"{source}:{line}" if source else None)
    return []


def _file_outside(directive, value: str, relative_to_srcdir: bool) -> bool:
    """True if the file a directive names is not inside the project (or cannot be placed)."""
    settings = directive.state.document.settings
    env = getattr(settings, "env", None)
    root = _project_root(env)
    value = value.strip()
    if not value or value.startswith("<") or "\0" in value:
        return True  # docutils' own include files, or nothing usable
    if relative_to_srcdir and env is not None:
        _, target = env.relfn2path(value)
        return not _inside(Path(target), root)
    here = Path(os.path.abspath(directive.state.document.current_source or "")).parent
    return not _inside(Path(os.path.normpath(here / value)), root)


def _guarded(base: type, reads_argument: bool) -> type:
    """A directive that reads a file or fetches (raw, csv-table, include, literalinclude),
    checked just before it would."""

    class Guarded(base):  # type: ignore[misc, valid-type]
        def run(self):
            if "parser" in self.options:
                return _refusal(
                    self,
                    f"{self.name}: :parser: is not allowed (the included file would be read "
                    "with settings of its own); include Markdown from a Markdown page",
                )
            if "url" in self.options:
                return _refusal(self, f"{self.name}: :url: would fetch; builds never fetch")
            value = self.options.get("file")
            if value is not None and _file_outside(self, value, relative_to_srcdir=False):
                return _refusal(self, f"{self.name}: reads a file outside the project: {value}")
            other = self.options.get("diff")  # literalinclude compares with a second file
            if other is not None and _file_outside(self, other, relative_to_srcdir=True):
                return _refusal(self, f"{self.name}: reads a file outside the project: {other}")
            if reads_argument and self.arguments:
                argument = "".join(part.strip() for part in self.arguments[0].splitlines())
                if _file_outside(self, argument, relative_to_srcdir=True):
                    return _refusal(
                        self, f"{self.name}: reads a file outside the project: {argument}"
                    )
            return super().run()

    Guarded.__name__ = Guarded.__qualname__ = f"Guarded{base.__name__}"
    return Guarded


def _guarded_image(base: type) -> type:
    """image and figure: docutils opens the image while it parses (``:figwidth: image``,
    ``:scale:``), so a path outside the project is refused before that."""

    class GuardedImage(base):  # type: ignore[misc, valid-type]
        def run(self):
            argument = "".join(part.strip() for part in (self.arguments or [""])[0].split())
            outside = argument.startswith("/") or (  # docutils measures it at the root
                not urlsplit(argument).scheme
                and _file_outside(self, argument, relative_to_srcdir=True)
            )
            if outside:
                hint = " (a path from the root: give it relative to the page)"
                return _refusal(
                    self,
                    f"{self.name}: the image is outside the project: {argument[:80]}"
                    + (hint if argument.startswith("/") else ""),
                )
            return super().run()

    GuardedImage.__name__ = GuardedImage.__qualname__ = f"Guarded{base.__name__}"
    return GuardedImage


class RefusedMeta(Directive):
    """rST's ``meta``: it writes ``<meta>`` tags (a redirect, a policy); the site sets its own."""

    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True
    option_spec = None  # any option: it is refused whatever it says

    def run(self) -> list[nodes.Node]:
        return _refusal(
            self, f"{self.name}: writes <meta> tags into the page; the site sets its own"
        )


def setup_directive_guards(app: Sphinx) -> None:
    from docutils.parsers.rst.directives.images import Image
    from docutils.parsers.rst.directives.misc import Raw
    from docutils.parsers.rst.directives.tables import CSVTable
    from sphinx.directives.code import LiteralInclude
    from sphinx.directives.other import Include
    from sphinx.directives.patches import Figure

    for canonical, guarded in (
        ("raw", _guarded(Raw, False)),
        ("csv-table", _guarded(CSVTable, False)),
        ("include", _guarded(Include, True)),
        ("literalinclude", _guarded(LiteralInclude, True)),
        ("image", _guarded_image(Image)),
        ("figure", _guarded_image(Figure)),
        ("meta", RefusedMeta),
    ):
        for name in sorted(_docutils_aliases(canonical)):  # every language's name for it
            app.add_directive(name, guarded, override=True)
    _guard_myst_include()


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


#: Folders of the project that hold no input: the tools' own environments and outputs.
_NOT_INPUT = frozenset({".git", ".venv", "_build", "node_modules", "__pycache__"})


def link_problems(root: Path, *outputs: Path) -> list[str]:
    """Every link (symbolic link) in the project that leads outside it, or to a folder that
    holds the link (a loop): Sphinx would read the pages and data files behind it as the
    project's own. The scan never follows a linked folder."""
    problems = []
    real_root = root.resolve()
    skipped = {path.resolve() for path in outputs}
    for folder, dirs, names in os.walk(root, followlinks=False):
        here = Path(folder)
        # Only the project's own tool folders are passed over, at its top: Sphinx reads any
        # folder deeper down (a node_modules or .git inside docs/ is pages to it).
        top = here == root
        dirs[:] = [
            d
            for d in dirs
            if (here / d).resolve() not in skipped
            and not (top and (d in _NOT_INPUT or (here / d / "pyvenv.cfg").exists()))
        ]
        for name in [*dirs, *names]:
            entry = here / name
            if not entry.is_symlink():
                continue
            try:
                target = entry.resolve(strict=True)
            except (OSError, RuntimeError):  # a loop of links, or a link to nothing
                problems.append(f"{entry}: a link that leads nowhere (or in a loop)")
                continue
            if not _inside(entry, real_root):
                problems.append(f"{entry}: a link to {target}, outside the project")
            elif target.is_dir() and here.resolve().is_relative_to(target):
                problems.append(
                    f"{entry}: a link to {target}, a folder that holds the link (Sphinx would "
                    "read the same pages again and again)"
                )
    return problems


def check_inputs(app: Sphinx, config) -> None:
    """config-inited: what Sphinx would otherwise stop on with a traceback, said plainly: a
    language Babel does not know, and a source file that is not UTF-8 text."""
    from babel import Locale, UnknownLocaleError
    from sphinx.util.matching import Matcher

    problems = []
    language = config.language or "en"
    try:
        Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        problems.append(
            f"language {language!r} is not a language code Babel knows (for example 'en', 'es')"
        )
    srcdir = Path(app.srcdir)
    skip = Matcher([*config.exclude_patterns, "_build", ".venv", "**/.*"])
    problems += link_problems(Path(app.confdir), Path(app.outdir), Path(app.doctreedir))
    for folder in {Path(app.confdir), srcdir}:
        if (folder / "docutils.conf").exists():
            problems.append(
                f"{folder / 'docutils.conf'}: docutils settings belong in conf.py (this file "
                "could hide errors, for example with report_level)"
            )
    files = []
    for folder, dirs, names in os.walk(srcdir, followlinks=False):
        here = Path(folder)
        dirs[:] = [d for d in dirs if not skip((here / d).relative_to(srcdir).as_posix())]
        files += [here / name for name in names]
    for path in sorted(files):
        relative = path.relative_to(srcdir).as_posix()
        if path.suffix not in (".md", ".rst") or skip(relative) or not path.is_file():
            continue
        if any(part.startswith((".", "_")) for part in path.relative_to(srcdir).parts[:-1]):
            continue
        data = path.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            problems.append(f"{path}:{line}: not UTF-8 text (byte {error.start}); save it as UTF-8")
            continue
        if match := _CONTROL.search(text):
            line = text[: match.start()].count("\n") + 1
            problems.append(
                f"{path}:{line}: contains a control character (U+{ord(match.group()):04X}); "
                "remove it"
            )
    for problem in problems:
        messages.error(problem + "; the build stops here", "source")
    if problems:
        raise SystemExit(2)  # a plain stop: nothing is read, printed or published


def _guard_myst_include() -> None:
    """MyST reads an ``{include}`` itself (a stand-in that never runs the guarded directive),
    wherever the fence sits: in a quote, a list, a definition. Check its path first there."""
    from myst_parser import mocking

    stand_in = mocking.MockIncludeDirective
    if getattr(stand_in.run, "kratom_guarded", False):
        return
    read = stand_in.run

    def run(self):
        argument = "".join(part.strip() for part in (self.arguments or [""])[0].splitlines())
        env = getattr(self.document.settings, "env", None)
        outside = True
        if argument and not argument.startswith("<") and "\0" not in argument and env:
            _, target = env.relfn2path(argument)
            here = Path(self.document["source"]).absolute().parent
            outside = not _inside(here.joinpath(target), _project_root(env))
        if outside:
            source = self.document["source"]
            messages.error(
                f"{self.name}: reads a file outside the project: {argument[:80]}",
                "source",
                location=f"{source}:{self.lineno}",
            )
            return []
        return read(self)

    run.kratom_guarded = True  # type: ignore[attr-defined]
    stand_in.run = run
