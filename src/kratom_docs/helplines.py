"""Help lines, kept once in ``data/helplines.yaml`` and rendered by ``{helplines}``.

Help-line numbers and menus change, so each entry says when someone last checked it against
the operator's own page (``checked``) and how often it must be checked again
(``recheck_months``); the box says "checked <month year>", and a line past its re-check date
is a warning at its line in the data file, on every build.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from docutils import nodes
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
from .review import add_months, parse_date, report_overdue

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment


FIELDS = {
    "id": str,
    "name": str,
    "number": str,
    "action": str,
    "when": str,
    "checked": (str, dt.date),
    "recheck_months": int,
    "cite": list,
}
OPTIONAL = {"note": str, "short": str}


def load(path: Path) -> list[dict]:
    lines = []
    for entry, line in items_with_lines(path):
        require_fields(entry, line, path, FIELDS, OPTIONAL)
        require_citation_keys(entry, line, path)
        digits = re.sub(r"\D", "", entry["number"])
        if not 3 <= len(digits) <= 11:
            raise DataError(f"{path}:{line}: field 'number' is not a phone number")
        checked = parse_date(entry["checked"])
        if checked is None:
            raise DataError(f"{path}:{line}: field 'checked' is not an ISO date")
        if entry["number"] not in entry["action"]:
            raise DataError(
                f"{path}:{line}: field 'action' must contain the number {entry['number']!r}"
            )
        lines.append(
            {
                **entry,
                "checked": checked,
                "line": line,
                "tel": "+1" + digits if len(digits) == 10 else digits,
            }
        )
    return lines


def get(env: BuildEnvironment) -> list[dict]:
    return cached(load, settings(env).helplines_file)


def month_year(day: dt.date, language: str | None) -> str:
    from babel.dates import format_date

    return format_date(day, format="LLLL y", locale=(language or "en").replace("-", "_"))


def check_dates(app: Sphinx) -> None:
    """builder-inited (every build): help lines past their re-check date."""
    path, today = settings(app.env).helplines_file, settings(app.env).today
    for entry in loaded(get, app.env, []):
        due = add_months(entry["checked"], entry["recheck_months"])
        if due < today:
            report_overdue(
                app.env,
                f"help line {entry['id']!r} was last checked {entry['checked']} and "
                f"was due to be checked again by {due}: check it against its source "
                "and update 'checked'",
                "fact-overdue",
                f"{path}:{entry['line']}",
            )


class HelplinesDirective(SphinxDirective):
    """``{helplines}``: the help lines as a boxed list.

    A second, compact box (each number and what it is for, in a few words, without the date
    the numbers were checked) is made too; the large-print edition shows it instead, so the
    help lines fit on its first page.
    """

    def run(self) -> list[nodes.Node]:
        self.env.note_dependency(str(settings(self.env).helplines_file))
        entries = loaded(get, self.env, [])
        if not entries:
            return []
        items, compact = [], []
        for h in entries:
            # Every field is data, never markup; only the number becomes a tel: link.
            shown = as_text(h["number"])
            number = f"[{shown}](tel:{quote(str(h['tel']), safe='+')})"
            action = as_text(h["action"]).replace(shown, number)
            cite = " {footcite:p}`" + ",".join(h["cite"]) + "`"
            items.append(f"- **{as_text(h['name'])}: {action}.** {as_text(h['when'])}{cite}")
            compact.append(f"- **{number}:** {as_text(h.get('short') or h['when'])}")
        checked = en("Numbers checked %s.") % month_year(max(h["checked"] for h in entries), "en")
        title = f"**{en('Get help now. The help lines after 911 are free and confidential.')}**"
        full = nodes.container(classes=["kd-helplines"])
        full += self.parse_text_to_nodes(f"{title}\n\n" + "\n".join(items) + f"\n\n{checked}")
        short = nodes.container(classes=["kd-helplines", "kd-helplines-compact"])
        # The compact box leaves the check date, and the words "free and confidential", to the
        # full box at the end of the sheet: page 1 of large print keeps its room for the actions.
        short_title = f"**{en('Get help now.')}**"
        short += self.parse_text_to_nodes(f"{short_title}\n\n" + "\n".join(compact))
        return [full, short]


def setup_helplines(app: Sphinx) -> None:
    app.add_directive("helplines", HelplinesDirective)
    app.connect("builder-inited", check_dates, priority=800)
