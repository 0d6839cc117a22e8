"""External link policy: https only, allow-listed domains, no tracking, DOIs through doi.org.

The same :func:`url_problems` judges the links in the sources (at read time, with file and
line), the URLs and DOIs in the BibTeX file, and (in the tests) every link in the built HTML
and PDFs. The policy applies when ``link_allowed_domains`` is set.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlsplit

from docutils import nodes

from . import messages
from .config import settings

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sphinx.application import Sphinx

SCHEMES_WITHOUT_HOST = {"mailto", "tel"}
DOI_HOSTS = {"doi.org", "dx.doi.org", "www.doi.org"}


def host_allowed(host: str, allowed: Iterable[str]) -> bool:
    host = host.lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in (a.lower() for a in allowed))


def url_problems(url: str, allowed: Iterable[str], tracking: Iterable[str]) -> list[str]:
    """What is wrong with an external URL under the project's policy (empty: nothing)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme in SCHEMES_WITHOUT_HOST:
        return []
    problems = []
    if scheme != "https":
        problems.append(f"not https: {url}")
    host = (parts.hostname or "").lower()
    if not host_allowed(host, allowed):
        problems.append(f"domain not on the allow-list (link_allowed_domains): {host or url}")
    if host in DOI_HOSTS and host != "doi.org":
        problems.append(f"DOIs go through https://doi.org/, not {host}: {url}")
    for name, _value in parse_qsl(parts.query, keep_blank_values=True):
        lowered = name.lower()
        if any(lowered.startswith(t) if t.endswith("_") else lowered == t for t in tracking):
            problems.append(f"tracking parameter {name!r}: {url}")
    return problems


def _policy(app: Sphinx) -> tuple[list[str], list[str]] | None:
    s = settings(app.env)
    if not s.allowed_domains:
        return None
    allowed = [*s.allowed_domains, s.own_host] if s.own_host else list(s.allowed_domains)
    return allowed, list(s.tracking_parameters)


def check_doctree(app: Sphinx, doctree: nodes.document) -> None:
    """Report external links in a source page, with its file and line."""
    policy = _policy(app)
    if policy is None:
        return
    links = [(ref.get("refuri", ""), ref) for ref in doctree.findall(nodes.reference)]
    for raw in doctree.findall(nodes.raw):  # raw HTML links are links too
        if "html" in raw.get("format", "").split():
            links += [(href, raw) for href in _raw_hrefs(raw.astext())]
    for uri, node in links:
        uri = external(uri)
        if uri is None:
            continue  # a page or file of the site
        for problem in url_problems(uri, *policy):
            messages.warn(f"external link: {problem}", "link", location=node)


_C0_AND_SPACE = "".join(chr(code) for code in range(0x21))


def as_browsers_read(url: str) -> str:
    """A URL as a browser reads it: tabs and line breaks anywhere removed, and spaces and
    control characters at either end stripped (``java&#x09;script:`` is ``javascript:``)."""
    return re.sub(r"[\t\n\r]", "", url).strip(_C0_AND_SPACE)


def external(uri: str) -> str | None:
    """The URL a browser follows for a link, if it leaves the site (else None). Browsers read
    a backslash as a slash and ``//host`` as another host."""
    probe = as_browsers_read(uri).replace("\\", "/")
    if probe.startswith("//"):
        return "https:" + probe  # protocol-relative: another host all the same
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", probe):
        return probe
    return None


class _Hrefs(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [v for k, v in attrs if k in ("href", "action", "formaction") and v]

    handle_startendtag = handle_starttag


def _raw_hrefs(text: str) -> list[str]:
    parser = _Hrefs()
    parser.feed(text)
    parser.close()
    return parser.found


_BIB_FIELD = re.compile(r"^\s*(url|doi)\s*=\s*\{(.*)\},?\s*$", re.IGNORECASE)
_BIB_ENTRY = re.compile(r"^\s*@(\w+)\s*\{\s*([^,\s]+)\s*,")


def bib_problems(path: Path, allowed: list[str], tracking: list[str]) -> list[tuple[int, str]]:
    """(line, problem) for every BibTeX entry without a usable DOI or https URL."""
    problems: list[tuple[int, str]] = []
    key, start, has_link = None, 0, False

    def close() -> None:
        if key and not has_link:
            problems.append((start, f"entry {key!r} has neither a DOI nor an https url"))

    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        entry = _BIB_ENTRY.match(line)
        if entry:
            close()
            key, start, has_link = entry.group(2), number, False
            if entry.group(1).lower() in {"comment", "preamble", "string"}:
                key = None
            continue
        field = _BIB_FIELD.match(line)
        if not field or key is None:
            continue
        name, value = field.group(1).lower(), field.group(2).strip()
        if name == "doi":
            if not re.match(r"^10\.\d{4,9}/\S+$", value):
                problems.append(
                    (number, f"entry {key!r}: doi is not a bare DOI (10.xxxx/...): {value}")
                )
            else:
                has_link = True
        else:
            found = url_problems(value, allowed, tracking)
            problems += [(number, f"entry {key!r}: {p}") for p in found]
            has_link = has_link or not found
    close()
    return problems


def check_bibliography(app: Sphinx) -> None:
    policy = _policy(app)
    if policy is None:
        return
    for bibfile in getattr(app.config, "bibtex_bibfiles", []):
        path = Path(app.confdir, bibfile)
        if not path.is_file():
            continue
        for line, problem in bib_problems(path, *policy):
            messages.warn(problem, "bib", location=f"{path}:{line}")


def report_broken_references(app: Sphinx, exception: Exception | None) -> None:
    """build-finished (linkcheck): name the line in the bibliography of each broken address.

    The link checker reports a broken reference at the page that lists it (the references
    page); the place to fix it is its entry in the ``.bib`` file.
    """
    import json

    from .references import bib_files, entries

    if exception or app.builder.name != "linkcheck":
        return
    try:
        rows = [
            json.loads(line)
            for line in Path(app.outdir, "output.json").read_text(encoding="utf-8").splitlines()
            if line
        ]
    except (OSError, ValueError):
        return
    by_url: dict[str, tuple[str, int]] = {}
    for entry in entries(app).values():
        for url in (
            entry.fields.get("url", ""),
            f"https://doi.org/{entry.fields['doi']}" if entry.fields.get("doi") else "",
        ):
            if url:
                by_url[url.strip()] = (entry.key, entry.line)
    files = bib_files(app)
    for row in rows:
        if row.get("status") not in ("broken", "timeout"):
            continue
        found = by_url.get(str(row.get("uri", "")).strip())
        if found and files:
            key, line = found
            messages.warn(
                f"entry {key!r}: {row['status']} link {row['uri']} ({row.get('info', '')})",
                "bib",
                location=f"{files[0]}:{line}",
            )


def setup_links(app: Sphinx) -> None:
    app.connect("doctree-read", check_doctree)
    app.connect("builder-inited", check_bibliography)
    app.connect("build-finished", report_broken_references)
