"""The claims check: popular claims kept once as data, rendered on pages and handouts.

``data/claims.yaml`` holds each claim's verdict, strength of evidence, reason and citations.
``{claims-table}`` renders them as a table; ``{claim} <id>`` renders one. Both are written as
MyST and parsed in place, so their ``{cite}`` citations resolve like any other. Each claim's
citations are checked against the bibliography when the build starts, so a missing key is
reported at its line in ``claims.yaml``, not at the page that shows the claim.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

from . import messages
from .config import settings
from .data import (
    DataError,
    as_text,
    cached,
    items_with_lines,
    loaded,
    require_citation_keys,
    require_fields,
)
from .data import page_text as en

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment


VERDICTS = ("supported", "partly supported", "not established", "contradicted")
STRENGTHS = ("strong", "moderate", "weak", "none")
TOPICS = ("mechanism", "addiction", "safety", "hair")
FIELDS = {
    "id": str,
    "topic": str,
    "claim": str,
    "verdict": str,
    "strength": str,
    "reason": str,
    "plain": str,
    "cite": list,
}


def load(path: Path) -> dict[str, dict]:
    """Read and check the claims file; every problem names the file, line and field."""
    claims: dict[str, dict] = {}
    for entry, line in items_with_lines(path):
        require_fields(entry, line, path, FIELDS, {})
        for field, allowed in (("verdict", VERDICTS), ("strength", STRENGTHS), ("topic", TOPICS)):
            if entry[field] not in allowed:
                raise DataError(
                    f"{path}:{line}: field {field!r} is {entry[field]!r}; "
                    f"allowed: {', '.join(allowed)}"
                )
        if not entry["cite"]:
            raise DataError(f"{path}:{line}: field 'cite' must list citation keys")
        require_citation_keys(entry, line, path)
        if entry["id"] in claims:
            raise DataError(f"{path}:{line}: duplicate claim id {entry['id']!r}")
        claims[entry["id"]] = {**entry, "line": line}
    return claims


def get(env: BuildEnvironment) -> dict[str, dict]:
    return cached(load, settings(env).claims_file)


def check_citations(app: Sphinx) -> None:
    """builder-inited: every claim cites keys that exist, at least one of them primary."""
    from .references import entries

    claims = loaded(get, app.env, {})
    if not claims:
        return
    known = entries(app)
    path = settings(app.env).claims_file
    for claim in claims.values():
        missing = [k for k in claim["cite"] if k not in known]
        for key in missing:
            messages.error(
                f"claim {claim['id']!r} cites {key!r}, which is not in the bibliography",
                "data",
                location=f"{path}:{claim['line']}",
            )
        cited = [known[k] for k in claim["cite"] if k in known]
        if cited and not any(e.kind in ("peer-reviewed", "government") for e in cited):
            messages.error(
                f"claim {claim['id']!r}: its verdict cites no primary source "
                "(peer-reviewed or government)",
                "data",
                location=f"{path}:{claim['line']}",
            )


def _md(text: str) -> str:
    # Claims text is data, not markup: keep MyST from reading it as such.
    return as_text(text)


def _cite(keys: list[str]) -> str:
    return "{footcite:p}`" + ",".join(keys) + "`"


def verdict_label(claim: dict) -> str:
    return str(
        {
            "supported": en("Supported"),
            "partly supported": en("Partly supported"),
            "not established": en("Not established"),
            "contradicted": en("Contradicted"),
        }[claim["verdict"]]
    )


def plain_verdict(claim: dict) -> str:
    """The verdict in a patient's words."""
    return str(
        {
            "supported": en("True"),
            "partly supported": en("Partly true"),
            "not established": en("Not known"),
            "contradicted": en("Not true"),
        }[claim["verdict"]]
    )


def strength_label(claim: dict) -> str:
    return str(
        {
            "strong": en("Strong"),
            "moderate": en("Moderate"),
            "weak": en("Weak"),
            "none": en("No evidence"),
        }[claim["strength"]]
    )


class _ClaimsDirective(SphinxDirective):
    def claims(self) -> dict[str, dict]:
        self.env.note_dependency(str(settings(self.env).claims_file))
        return loaded(get, self.env, {})

    def render(self, markdown: str, classes: list[str]) -> list[nodes.Node]:
        container = nodes.container(classes=classes)
        container += self.parse_text_to_nodes(markdown)
        return [container]


class ClaimsTableDirective(_ClaimsDirective):
    """``{claims-table}``: every claim (or one topic's) as a table."""

    option_spec: ClassVar[dict] = {"topic": lambda v: directives.choice(v, TOPICS)}

    def run(self) -> list[nodes.Node]:
        topic = self.options.get("topic")
        rows = [c for c in self.claims().values() if topic in (None, c["topic"])]
        if not rows:
            return []
        lines = [
            "```{list-table}",
            ":header-rows: 1",
            ":widths: 28 14 12 46",
            ":class: kd-claims-table",
            "",
            f"* - {en('What is claimed')}",
            f"  - {en('Verdict')}",
            f"  - {en('Strength of evidence')}",
            f"  - {en('Why')}",
        ]
        for c in rows:
            lines += [
                f"* - {_md(c['claim'])}",
                f"  - **{verdict_label(c)}**",
                f"  - {strength_label(c)}",
                f"  - {_md(c['reason'])} {_cite(c['cite'])}",
            ]
        lines.append("```")
        return self.render("\n".join(lines), ["kd-claims"])


class ClaimDirective(_ClaimsDirective):
    """``{claim} <id>``: one claim; ``:plain:`` uses the handout wording."""

    required_arguments = 1
    option_spec: ClassVar[dict] = {"plain": directives.flag}

    def run(self) -> list[nodes.Node]:
        claims = self.claims()
        if not claims:
            return []  # the unusable file was reported when the build started
        key = self.arguments[0]
        if key not in claims:
            raise self.error(
                f"unknown claim id {key!r}; ids in {settings(self.env).claims_file.name}: "
                + ", ".join(sorted(claims))
            )
        c = claims[key]
        if "plain" in self.options:
            # For patients: the verdict comes first, so a reader who skims never takes away
            # only the claim; then what is known, in plain words.
            if c["verdict"] == "supported":
                text = f"**{en('Research says:')}** {_md(c['claim'])} {_md(c['plain'])}"
            else:
                text = (
                    f"**{plain_verdict(c)}:** {_md(c['claim'])}\n\n"
                    f"**{en('Research says:')}** {_md(c['plain'])}"
                )
        else:
            text = (
                f"**{en('Claim:')}** {_md(c['claim'])}\n\n"
                f"**{en('Verdict:')}** {verdict_label(c)}. "
                f"**{en('Strength of evidence:')}** {strength_label(c)}.\n\n"
                f"{_md(c['reason'])} {_cite(c['cite'])}"
            )
        return self.render(text, ["kd-claim", f"kd-verdict-{c['verdict'].replace(' ', '-')}"])


def setup_claims(app: Sphinx) -> None:
    app.add_directive("claims-table", ClaimsTableDirective)
    app.add_directive("claim", ClaimDirective)
    app.connect("builder-inited", check_citations, priority=800)
