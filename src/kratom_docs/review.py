"""Review status from each page's front matter: read once, shown on every page and handout.

The front matter is checked when a page is read (missing, malformed or too far apart dates
are warnings with the file and line) and kept on the environment, merged across parallel
readers. Whether a page is past its ``next_review`` depends on the clock, not on the sources,
so it is checked on every build; a page whose status changed is written again (without being
read again), so its banner and its printed handout always say so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sphinx.locale import get_translation

from . import messages
from .config import settings

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

_ = get_translation("kratom_docs")

KEYS = ("last_reviewed", "next_review")


def in_words(day: dt.date, language: str | None = None) -> str:
    """A date as patients read it: "November 26, 2026" (or "26 de noviembre de 2026")."""
    from babel.dates import format_date

    return format_date(day, format="long", locale=(language or "en").replace("-", "_"))


@dataclass(frozen=True)
class Review:
    last_reviewed: dt.date
    next_review: dt.date
    clinical_reviewer: str
    language: str = "en"

    @property
    def status(self) -> str:
        if self.clinical_reviewer:
            return _("Checked by %s.") % self.clinical_reviewer
        return _("Not yet checked by a doctor or nurse.")

    @property
    def line(self) -> str:
        return _(
            "Written from published research, last updated %(last)s. Next update due by %(next)s."
        ) % {
            "last": in_words(self.last_reviewed, self.language),
            "next": in_words(self.next_review, self.language),
        }

    @property
    def short_line(self) -> str:
        return _("Updated %(last)s; next update by %(next)s.") % {
            "last": in_words(self.last_reviewed, self.language),
            "next": in_words(self.next_review, self.language),
        }

    @property
    def overdue_line(self) -> str:
        return _(
            "This page is past its review date of %s. Some facts may be out of date; "
            "ask your doctor or pharmacist."
        ) % in_words(self.next_review, self.language)


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def parse_date(value: object) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def _line(env: BuildEnvironment, docname: str, key: str) -> int:
    """The line of ``key:`` in the page's front matter (1 when it is not there)."""
    try:
        lines = env.doc2path(docname).read_text(encoding="utf-8").splitlines()
    except OSError:
        return 1
    for number, line in enumerate(lines[:40], start=1):
        if line.startswith(f"{key}:"):
            return number
    return 1


def _reviews(env: BuildEnvironment) -> dict[str, Review]:
    if not hasattr(env, "kratom_reviews"):
        env.kratom_reviews = {}  # type: ignore[attr-defined]
    return env.kratom_reviews  # type: ignore[attr-defined]


def read(app: Sphinx, doctree: nodes.document) -> None:
    """doctree-read: check the page's review dates and keep them."""
    env = app.env
    docname = env.docname
    meta = env.metadata.get(docname, {})
    limit = settings(env).review_max_months
    problems: list[tuple[str, str]] = []
    for key in KEYS:
        if key not in meta:
            problems.append((key, f"front matter has no {key!r} (an ISO date, e.g. 2026-11-26)"))
        elif parse_date(meta[key]) is None:
            problems.append((key, f"front matter {key!r} is not an ISO date: {meta[key]!r}"))
    _reviews(env).pop(docname, None)
    if not problems:
        last, nxt = parse_date(meta["last_reviewed"]), parse_date(meta["next_review"])
        assert last and nxt
        if nxt <= last:
            problems.append(("next_review", "'next_review' must come after 'last_reviewed'"))
        elif nxt > add_months(last, limit):
            problems.append(
                (
                    "next_review",
                    f"'next_review' {nxt} is more than {limit} months after 'last_reviewed' {last}",
                )
            )
        _reviews(env)[docname] = Review(
            last, nxt, str(meta.get("clinical_reviewer") or "").strip(), app.config.language or "en"
        )
    for key, problem in problems:
        messages.warn(problem, "review", location=(docname, _line(env, docname, key)))


def purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _reviews(env).pop(docname, None)


def merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: Any) -> None:
    for docname in docnames:
        if docname in _reviews(other):
            _reviews(env)[docname] = _reviews(other)[docname]


def get(env: BuildEnvironment, docname: str) -> Review | None:
    """The page's review record, or None when its front matter has none (or a bad one)."""
    return _reviews(env).get(docname)


def overdue(env: BuildEnvironment, docname: str) -> bool:
    record = get(env, docname)
    return bool(record and record.next_review < settings(env).today)


def report_overdue(env: BuildEnvironment, message: str, subtype: str, location: Any) -> None:
    """A date that has passed: a warning, or (``review_overdue = "banner"``) a note only."""
    if settings(env).review_overdue == "warn":
        messages.warn(message, subtype, location=location)
    else:
        from sphinx.util import logging

        logging.getLogger(__name__).info(
            "%s (review_overdue = 'banner': not a warning)", message, location=location
        )


def check_overdue(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """env-updated (every build): report pages past their review date."""
    for docname in sorted(env.found_docs):
        if overdue(env, docname):
            record = get(env, docname)
            report_overdue(
                env,
                f"review overdue: 'next_review' was {record.next_review}; "
                "review the page and update its dates",
                "review-overdue",
                (docname, _line(env, docname, "next_review")),
            )
    return []


def rewrite_changed_status(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """env-get-updated: pages whose overdue banner must appear or go are written again."""
    shown = getattr(env, "kratom_overdue_shown", {})
    now = {docname: overdue(env, docname) for docname in env.found_docs}
    env.kratom_overdue_shown = now  # type: ignore[attr-defined]
    return sorted(d for d, late in now.items() if shown.get(d, False) != late)


def add_to_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    record = get(app.env, pagename) if doctree is not None else None
    context["kd_review"] = record
    context["kd_overdue"] = record.overdue_line if record and overdue(app.env, pagename) else ""


def setup_review(app: Sphinx) -> None:
    app.connect("doctree-read", read, priority=600)  # after Sphinx's metadata collector
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
    app.connect("env-updated", check_overdue)
    app.connect("env-get-updated", rewrite_changed_status)
    app.connect("html-page-context", add_to_context)
