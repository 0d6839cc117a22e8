"""The bibliography as data: each entry's kind (peer-reviewed, government, other) and line.

The same entries back the citations on every page (sphinxcontrib-bibtex), the claims check
(each verdict needs a primary source) and the checks on the bibliography itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import messages
from .data import cached

if TYPE_CHECKING:
    from sphinx.application import Sphinx

KINDS = ("peer-reviewed", "government", "other")
_ENTRY = re.compile(r"^\s*@(\w+)\s*\{\s*([^,\s]+)\s*,", re.MULTILINE)


@dataclass(frozen=True)
class Entry:
    key: str
    type: str
    line: int
    fields: dict[str, str] = field(default_factory=dict)
    authors: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        return self.fields.get("kind", "").strip().lower()


def parse(path: Path) -> dict[str, Entry]:
    from pybtex.database import parse_string

    text = path.read_text(encoding="utf-8")
    lines = {m.group(2): text[: m.start()].count("\n") + 1 for m in _ENTRY.finditer(text)}
    data = parse_string(text, "bibtex")
    found = {}
    for key, entry in data.entries.items():
        found[key] = Entry(
            key=key,
            type=entry.type.lower(),
            line=lines.get(key, 1),
            fields={k.lower(): str(v) for k, v in entry.fields.items()},
            authors=tuple(str(p) for p in entry.persons.get("author", ())),
        )
    return found


#: The entry types the (unsrt-based) reference style can print.
ENTRY_TYPES = frozenset(
    "article book booklet inbook incollection inproceedings manual mastersthesis misc "
    "phdthesis proceedings techreport unpublished".split()
)


def check_files(app: Sphinx, config) -> None:
    """config-inited: each bibliography file is UTF-8 text without control characters and valid
    BibTeX, or the build stops at once with one plain message naming the file and line (the
    BibTeX extension would otherwise stop later with a traceback)."""
    from pybtex.database import parse_string

    from .data import DataError, read_text

    for name in getattr(config, "bibtex_bibfiles", []) or []:
        path = Path(app.confdir, name)
        if not path.is_file():
            continue  # sphinxcontrib-bibtex names a missing file itself
        try:
            text = read_text(path)
            data = parse_string(text, "bibtex")
        except DataError as error:
            problem = str(error)
        except Exception as error:  # pybtex's syntax errors name the line
            problem = f"{path}: not valid BibTeX: {error}"
        else:
            lines = {m.group(2): text[: m.start()].count("\n") + 1 for m in _ENTRY.finditer(text)}
            unknown = [
                (key, entry.type)
                for key, entry in data.entries.items()
                if entry.type.lower() not in ENTRY_TYPES
            ]
            odd_kinds = [
                (key, str(entry.fields.get("kind", "")))
                for key, entry in data.entries.items()
                if str(entry.fields.get("kind", "")).strip().lower() not in ("", *KINDS)
            ]
            if not unknown and not odd_kinds:
                continue
            if unknown:
                key, kind = unknown[0]
                problem = (
                    f"{path}:{lines.get(key, 1)}: entry {key!r} is of type @{kind}, which the "
                    f"reference style cannot print; use one of @{', @'.join(sorted(ENTRY_TYPES))}"
                )
            else:
                key, kind = odd_kinds[0]
                problem = (
                    f"{path}:{lines.get(key, 1)}: entry {key!r} has kind = {{{kind}}}; "
                    f"use one of {', '.join(KINDS)}"
                )
        messages.error(problem + "; the build stops here", "data")
        raise SystemExit(2)  # a plain stop: nothing is read, printed or published


def bib_files(app: Sphinx) -> list[Path]:
    return [Path(app.confdir, name) for name in getattr(app.config, "bibtex_bibfiles", [])]


def entries(app: Sphinx) -> dict[str, Entry]:
    """Every entry of every bibliography file of the project, by key."""
    found: dict[str, Entry] = {}
    for path in bib_files(app):
        if path.is_file():
            try:
                found.update(cached(parse, path))
            except Exception:  # a malformed file is reported by sphinxcontrib-bibtex
                continue
    return found


def register_style() -> None:
    """The ``kratom`` reference style: pybtex's ``unsrt`` (numbers in order of first use),
    titles as written (not lower-cased: "FDA and kratom", "7-OH"), and one link per entry:
    the DOI when there is one (with the PubMed number), otherwise the address."""
    from pybtex.plugin import register_plugin
    from pybtex.style.formatting.unsrt import Style as Unsrt
    from pybtex.style.template import field, href, join, sentence, words

    class KratomStyle(Unsrt):
        def format_title(self, e, which_field, as_sentence=True):
            title = field(which_field)
            return sentence[title] if as_sentence else title

        def format_web_refs(self, e):
            links = []
            pmid = e.fields.get("pmid", "").strip()
            pubmed = f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"
            if "doi" in e.fields:
                url = join["https://doi.org/", field("doi", raw=True)]
                links.append(href(url)[join["doi:", field("doi", raw=True)]])
            elif not pmid or e.fields.get("url", "").rstrip("/") + "/" != pubmed:
                links.append(href(field("url", raw=True))[field("url", raw=True)])
            if pmid:  # the PubMed record, once (an entry may link it as its address too)
                url = join["https://pubmed.ncbi.nlm.nih.gov/", field("pmid", raw=True), "/"]
                links.append(href(url)[join["PMID:", field("pmid", raw=True)]])
            return sentence[words[tuple(links)]]

    register_plugin("pybtex.style.formatting", "kratom", KratomStyle, force=True)
