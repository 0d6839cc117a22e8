"""Review status from each page's front matter: checked at read time, shown on every page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sphinx.locale import get_translation
from sphinx.util import logging

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)
_ = get_translation("kratom_docs")


@dataclass(frozen=True)
class Review:
    last_reviewed: dt.date
    next_review: dt.date
    clinical_reviewer: str

    @property
    def status(self) -> str:
        if self.clinical_reviewer:
            return _("Clinically reviewed by %s.") % self.clinical_reviewer
        return _("Not yet reviewed by a clinician.")

    @property
    def line(self) -> str:
        return _("Last reviewed: %(last)s. Next review due: %(next)s.") % {
            "last": self.last_reviewed.isoformat(),
            "next": self.next_review.isoformat(),
        }


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _parse_date(value: object) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def today(app: Sphinx) -> dt.date:
    if app.config.review_today:
        return dt.date.fromisoformat(app.config.review_today)
    return dt.date.today()


def get(env: BuildEnvironment, docname: str) -> Review | None:
    """The page's review record, or None when its front matter has none (or a bad one)."""
    meta = env.metadata.get(docname, {})
    last, nxt = _parse_date(meta.get("last_reviewed")), _parse_date(meta.get("next_review"))
    if last is None or nxt is None:
        return None
    return Review(last, nxt, str(meta.get("clinical_reviewer") or "").strip())


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


def check(app: Sphinx, env: BuildEnvironment) -> None:
    """Report pages whose review dates are missing, malformed, too far apart or overdue."""
    limit = app.config.review_max_months
    now = today(app)
    for docname in sorted(env.found_docs):
        meta = env.metadata.get(docname, {})
        problems: list[tuple[str, str]] = []
        for key in ("last_reviewed", "next_review"):
            if key not in meta:
                problems.append(
                    (key, f"front matter has no {key!r} (an ISO date, e.g. 2026-11-26)")
                )
            elif _parse_date(meta[key]) is None:
                problems.append((key, f"front matter {key!r} is not an ISO date: {meta[key]!r}"))
        review = get(env, docname)
        if review and not problems:
            if review.next_review <= review.last_reviewed:
                problems.append(("next_review", "'next_review' must come after 'last_reviewed'"))
            elif review.next_review > _add_months(review.last_reviewed, limit):
                problems.append((
                    "next_review",
                    f"'next_review' {review.next_review} is more than {limit} months after "
                    f"'last_reviewed' {review.last_reviewed}",
                ))
            if review.next_review < now:
                logger.warning(
                    "review overdue: 'next_review' was %s; review the page and update its dates",
                    review.next_review, location=(docname, _line(env, docname, "next_review")),
                    type="kratom", subtype="review-overdue",
                )
        for key, problem in problems:
            logger.warning(problem, location=(docname, _line(env, docname, key)),
                           type="kratom", subtype="review")


def add_to_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    review = get(app.env, pagename) if doctree is not None else None
    context["kd_review"] = review


def setup_review(app: Sphinx) -> None:
    app.connect("env-check-consistency", check)
    app.connect("html-page-context", add_to_context)
