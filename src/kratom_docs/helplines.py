"""Help lines, kept once in ``data/helplines.yaml`` and rendered by ``{helplines}``."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.locale import get_translation
from sphinx.util.docutils import SphinxDirective

from .data import DataError, cached, items_with_lines, require_fields

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

_ = get_translation("kratom_docs")

FIELDS = {"id": str, "name": str, "number": str, "action": str, "when": str}
OPTIONAL = {"cite": list}


def load(path: Path) -> list[dict]:
    lines = []
    for entry, line in items_with_lines(path):
        require_fields(entry, line, path, FIELDS, OPTIONAL)
        digits = re.sub(r"\D", "", entry["number"])
        if not 3 <= len(digits) <= 11:
            raise DataError(f"{path}:{line}: field 'number' is not a phone number")
        lines.append({**entry, "tel": "+1" + digits if len(digits) == 10 else digits})
    return lines


def get(config: Config) -> list[dict]:
    return cached(load, Path(config.helplines_file))


class HelplinesDirective(SphinxDirective):
    """``{helplines}``: the help lines as a short boxed list."""

    def run(self) -> list[nodes.Node]:
        self.env.note_dependency(self.config.helplines_file)
        items = []
        for h in get(self.config):
            action = h["action"].replace(h["number"], f"[{h['number']}](tel:{h['tel']})")
            cite = " {cite:p}`" + ",".join(h["cite"]) + "`" if h.get("cite") else ""
            items.append(
                f"- **{h['name']}:** {action}. "
                f"<span class=\"kd-helpline-when\">{h['when']}{cite}</span>"
            )
        text = f"**{_('Get help now')}**\n\n" + "\n".join(items)
        container = nodes.container(classes=["kd-helplines"])
        container += self.parse_text_to_nodes(text)
        return [container]


def setup_helplines(app: Sphinx) -> None:
    app.add_directive("helplines", HelplinesDirective)
