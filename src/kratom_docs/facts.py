"""Facts with an expiry date: legal status, agency actions, anything that changes by the month.

``data/facts.yaml`` holds each time-sensitive statement with the date someone last checked it
against its source (``checked``) and how often it must be checked again (``recheck_months``).
``{fact} <id>`` renders it with "as of <month year>" and its citations; a fact past its
re-check date is a warning at its line in the data file, on every build.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

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
from .helplines import month_year
from .review import add_months, parse_date, report_overdue

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment


FIELDS = {"id": str, "text": str, "checked": (str, dt.date), "recheck_months": int, "cite": list}
OPTIONAL = {"plain": str, "note": str}


def load(path: Path) -> dict[str, dict]:
    facts: dict[str, dict] = {}
    for entry, line in items_with_lines(path):
        require_fields(entry, line, path, FIELDS, OPTIONAL)
        require_citation_keys(entry, line, path)
        checked = parse_date(entry["checked"])
        if checked is None:
            raise DataError(f"{path}:{line}: field 'checked' is not an ISO date")
        if entry["recheck_months"] < 1:
            raise DataError(f"{path}:{line}: field 'recheck_months' must be 1 or more")
        if entry["id"] in facts:
            raise DataError(f"{path}:{line}: duplicate fact id {entry['id']!r}")
        facts[entry["id"]] = {**entry, "checked": checked, "line": line}
    return facts


def get(env: BuildEnvironment) -> dict[str, dict]:
    path = settings(env).facts_file
    return cached(load, path) if path.is_file() else {}


def check_dates(app: Sphinx) -> None:
    """builder-inited (every build): facts past their re-check date."""
    path, today = settings(app.env).facts_file, settings(app.env).today
    for fact in loaded(get, app.env, {}).values():
        due = add_months(fact["checked"], fact["recheck_months"])
        if due < today:
            report_overdue(
                app.env,
                f"fact {fact['id']!r} was last checked {fact['checked']} and was due "
                f"to be checked again by {due}: check it against its source and "
                "update 'checked'",
                "fact-overdue",
                f"{path}:{fact['line']}",
            )


class FactDirective(SphinxDirective):
    """``{fact} <id>``: a time-sensitive statement with "as of <month year>"."""

    required_arguments = 1
    option_spec: ClassVar[dict] = {"plain": directives.flag}

    def run(self) -> list[nodes.Node]:
        self.env.note_dependency(str(settings(self.env).facts_file))
        facts = loaded(get, self.env, {})
        key = self.arguments[0]
        if key not in facts:
            raise self.error(
                f"unknown fact id {key!r}; ids in "
                f"{settings(self.env).facts_file.name}: {', '.join(sorted(facts))}"
            )
        fact = facts[key]
        text = fact.get("plain") if "plain" in self.options and fact.get("plain") else fact["text"]
        text = as_text(text)  # data, never markup
        when = month_year(fact["checked"], "en")
        markdown = (
            f"{text.rstrip()} "
            + en("(As of %s.)") % when
            + " {footcite:p}`"
            + ",".join(fact["cite"])
            + "`"
        )
        container = nodes.container(classes=["kd-fact"])
        container += self.parse_text_to_nodes(markdown)
        return [container]


def setup_facts(app: Sphinx) -> None:
    app.add_directive("fact", FactDirective)
    app.connect("builder-inited", check_dates, priority=800)
