"""Every option of the extension, declared once: type, default, rebuild kind, help, validator.

Each field of :class:`Options` becomes a ``conf.py`` value of the same name. Sphinx's own
invalidation does the rest: an option whose ``rebuild`` is ``"html"`` rewrites every page when it
changes, ``"env"`` re-reads every source, ``""`` changes only what the extension prints (the
PDFs carry a digest of everything that shapes them, see :mod:`.plan`).

The values are checked once, at ``builder-inited``, into a frozen :class:`Settings` stored on
the environment and read through :func:`settings`. The config itself is never edited. A bad
value is reported through Sphinx's logger (naming the option) and replaced by its default, and
the build ends non-zero with nothing printed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from . import messages

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

    from .clinic import Clinic

PAPER_SIZES = ("letter", "a4")


class Invalid(ValueError):
    """A config value that cannot be used; the message says what is expected."""


# -- validators: value -> usable value, or Invalid ---------------------------------------------


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise Invalid(f"must be text, not {type(value).__name__}")
    return value.strip()


def _folder(value: Any) -> str:
    """A folder of the sources, written as Sphinx names pages: ``handouts``, ``a/b``."""
    text = _text(value)
    parts = text.replace("\\", "/").strip("/").split("/")
    if not text or text.startswith("/") or any(p in ("", ".", "..") for p in parts):
        raise Invalid(
            f"must be a folder of the sources written as a plain relative path, such as "
            f"'handouts' (not {text!r})"
        )
    return "/".join(parts)


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"0", "1", "true", "false"}:
        return value.strip().lower() in {"1", "true"}
    raise Invalid("must be True or False (0 or 1 with -D)")


def _count(minimum: int) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            try:
                value = int(str(value).strip())
            except ValueError:
                raise Invalid(f"must be a whole number, not {value!r}") from None
        if value < minimum:
            raise Invalid(f"must be {minimum} or more, not {value}")
        return value

    return check


def _papers(value: Any) -> tuple[str, ...]:
    names = value.split(",") if isinstance(value, str) else value
    if not isinstance(names, (list, tuple)):
        raise Invalid(f"must be a list of paper sizes ({', '.join(PAPER_SIZES)})")
    sizes = tuple(dict.fromkeys(str(n).strip().lower() for n in names if str(n).strip()))
    unknown = [s for s in sizes if s not in PAPER_SIZES]
    if unknown:
        raise Invalid(
            f"unknown paper size {', '.join(unknown)}; use {' and/or '.join(PAPER_SIZES)}"
        )
    if not sizes:
        raise Invalid("give at least one paper size")
    return sizes


def _names(value: Any) -> tuple[str, ...]:
    names = value.split(",") if isinstance(value, str) else value
    if not isinstance(names, (list, tuple)) or not all(isinstance(n, str) for n in names):
        raise Invalid("must be a list of text values")
    return tuple(n.strip() for n in names if n.strip())


def _iso_day(value: Any) -> str:
    text = _text(value)
    if text:
        try:
            dt.date.fromisoformat(text)
        except ValueError:
            raise Invalid(f"must be an ISO date (YYYY-MM-DD), not {text!r}") from None
    return text


def _stamp(value: Any) -> str:
    text = _text(str(value)) if isinstance(value, int) else _text(value)
    if text and not text.isdigit():
        try:
            dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise Invalid(f"must be a Unix time or an ISO date and time, not {text!r}") from None
    return text


def _choice(*allowed: str) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        text = _text(value).lower()
        if text not in allowed:
            raise Invalid(f"must be one of {', '.join(allowed)}, not {text!r}")
        return text

    return check


def _https_or_empty(value: Any) -> str:
    text = _text(value).rstrip("/")
    if text and not re.match(r"^https://[^\s/@:]+(:\d+)?(/\S*)?$", text):
        raise Invalid(f"must be an https:// address, not {text!r}")
    return text


def option(default: Any, rebuild: str, help: str, check: Callable[[Any], Any]) -> Any:
    return field(
        default_factory=lambda: default, metadata={"rebuild": rebuild, "help": help, "check": check}
    )


@dataclass
class Options:
    """The extension's options, as written in ``conf.py``."""

    disclaimer_file: str = option(
        "data/disclaimer.yaml",
        "env",
        "YAML file with the disclaimer per language (keys: short, full).",
        _text,
    )
    claims_file: str = option("data/claims.yaml", "env", "YAML list of checked claims.", _text)
    helplines_file: str = option("data/helplines.yaml", "env", "YAML list of help lines.", _text)
    facts_file: str = option(
        "data/facts.yaml",
        "env",
        "YAML list of time-sensitive facts with the date they were last checked.",
        _text,
    )
    review_max_months: int = option(
        12, "env", "Longest allowed gap between last_reviewed and next_review.", _count(1)
    )
    review_today: str = option(
        "",
        "",
        "ISO date used as 'today' for review and re-check dates (empty: the real date).",
        _iso_day,
    )
    review_overdue: str = option(
        "warn",
        "",
        "What a page past its review date does to the "
        "build: 'warn' (a warning, which fails -W builds) or 'banner' "
        "(only the banner on the page and handout; for hosted builds "
        "that must publish an urgent fix).",
        _choice("warn", "banner"),
    )
    handout_dir: str = option(
        "handouts", "env", "Source folder holding one file per handout.", _folder
    )
    handout_pdf: bool = option(True, "html", "Print handout PDFs during HTML builds.", _flag)
    handout_paper_sizes: list = option(
        ["letter", "a4"],
        "html",
        "Paper sizes to print each handout on: 'letter' and/or 'a4'.",
        _papers,
    )
    handout_large_print: bool = option(
        True, "html", "Also print an 18 pt large-print edition of each handout.", _flag
    )
    handout_max_pages: int = option(
        2, "", "Most pages a standard handout may have (one sheet).", _count(1)
    )
    handout_large_print_max_pages: int = option(
        4, "", "Most pages a large-print handout may have (two sheets).", _count(1)
    )
    handout_pdf_dir: str = option(
        "../handouts",
        "",
        "Folder (relative to the output folder) that also receives the PDFs; empty for none.",
        _text,
    )
    handout_clinic: str = option("", "", "Path to a clinic.toml for co-branded handouts.", _text)
    handout_workers: int = option(
        0, "", "Processes printing PDFs (0: one per CPU core).", _count(0)
    )
    handout_publisher: str = option(
        "", "", "Publisher named in the PDF metadata (default: author).", _text
    )
    handout_date: str = option(
        "",
        "",
        "Date stamped into the PDFs: a Unix time or ISO date "
        "and time (empty: SOURCE_DATE_EPOCH, else the last commit's "
        "date).",
        _stamp,
    )
    site_languages: list = option(
        ["en"],
        "html",
        "Languages of the site: the first is its "
        "root, each other one is built into <root>/<code>/ and every "
        "page links to its other editions.",
        _names,
    )
    project_url: str = option(
        "",
        "html",
        "The project's public repository (https); pages "
        "link to it to report a problem (empty: from Read the Docs, "
        "else no link).",
        _https_or_empty,
    )
    link_allowed_domains: list = option(
        [], "env", "Domains external links may point to (and their subdomains).", _names
    )
    link_tracking_parameters: list = option(
        ["utm_", "fbclid", "gclid", "mc_cid", "mc_eid", "s_cid", "src"],
        "env",
        "Query parameters (or prefixes ending in '_') treated as tracking.",
        _names,
    )


@dataclass(frozen=True)
class Settings:
    """The checked options of one build, with paths made absolute."""

    disclaimer_file: Path
    claims_file: Path
    helplines_file: Path
    facts_file: Path
    review_max_months: int
    today: dt.date
    review_overdue: str
    handout_dir: str
    handout_pdf: bool
    paper_sizes: tuple[str, ...]
    large_print: bool
    max_pages: int
    large_print_max_pages: int
    pdf_dir: str
    clinic_file: Path | None
    clinic: Clinic | None
    workers: int
    publisher: str
    date: dt.datetime
    project_url: str
    site_languages: tuple[str, ...]
    allowed_domains: tuple[str, ...]
    tracking_parameters: tuple[str, ...]
    #: The host of ``html_baseurl`` (links from handouts to their own pages).
    own_host: str
    #: False when an option, data file or clinic file was unusable: nothing is printed.
    usable: bool = True


def register(app: Sphinx) -> None:
    for f in dataclasses.fields(Options):
        default = f.default_factory()  # type: ignore[misc]
        kinds = {list, tuple} if isinstance(default, list) else {type(default)}
        if isinstance(default, bool):  # so Sphinx hands "-D x=maybe" to the check, which says
            kinds.add(str)  # plainly what it must be (Sphinx alone stops with a traceback)
        app.add_config_value(
            f.name,
            default,
            f.metadata["rebuild"],
            types=frozenset(kinds),
            description=f.metadata["help"],
        )
    app.connect("builder-inited", check, priority=100)


def _checked(app: Sphinx) -> tuple[dict[str, Any], bool]:
    values, usable = {}, True
    for f in dataclasses.fields(Options):
        raw = getattr(app.config, f.name)
        try:
            values[f.name] = f.metadata["check"](raw)
        except Invalid as problem:
            messages.error(f"conf.py: {f.name}: {problem}; using the default", "config")
            values[f.name] = f.metadata["check"](f.default_factory())  # type: ignore[misc]
            usable = False
    return values, usable


def _build_date(value: str, confdir: Path) -> dt.datetime:
    """The date stamped into the PDFs: the option, SOURCE_DATE_EPOCH, the last commit, 2000."""
    text = value or os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not text:
        try:
            text = subprocess.run(
                ["git", "log", "-1", "--format=%ct"],
                cwd=confdir,
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            text = ""
    if text.isdigit():
        return dt.datetime.fromtimestamp(int(text), dt.timezone.utc)
    if text:
        try:
            stamp = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.timezone.utc)
        except ValueError:
            messages.error(f"SOURCE_DATE_EPOCH is not a Unix time: {text!r}", "config")
    return dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)


def _project_url(value: str) -> str:
    if value:
        return value
    # Read the Docs builds from a clone: its remote is the project's repository.
    remote = os.environ.get("READTHEDOCS_GIT_CLONE_URL", "")
    match = re.match(
        r"^(?:https://|git@)(github\.com|gitlab\.com)[/:]([\w.-]+/[\w.-]+?)(?:\.git)?/?$", remote
    )
    return f"https://{match.group(1)}/{match.group(2)}" if match else ""


def check(app: Sphinx) -> None:
    """builder-inited: check every option once and store the result on the environment."""
    from . import clinic

    values, usable = _checked(app)
    confdir = Path(app.confdir)
    clinic_file, info = None, None
    if values["handout_clinic"]:
        clinic_file = Path(values["handout_clinic"])
        if not clinic_file.is_absolute():
            clinic_file = Path.cwd() / clinic_file
        info, problems = clinic.load(clinic_file)
        for problem in problems:
            messages.error(problem, "clinic")
        usable = usable and not problems
    today = (
        dt.date.fromisoformat(values["review_today"]) if values["review_today"] else dt.date.today()
    )
    own_host = urlsplit(app.config.html_baseurl or "").hostname or ""
    app.env.kratom_settings = Settings(  # type: ignore[attr-defined]
        disclaimer_file=confdir / values["disclaimer_file"],
        claims_file=confdir / values["claims_file"],
        helplines_file=confdir / values["helplines_file"],
        facts_file=confdir / values["facts_file"],
        review_max_months=values["review_max_months"],
        today=today,
        review_overdue=values["review_overdue"],
        handout_dir=values["handout_dir"].strip("/"),
        handout_pdf=values["handout_pdf"],
        paper_sizes=values["handout_paper_sizes"],
        large_print=values["handout_large_print"],
        max_pages=values["handout_max_pages"],
        large_print_max_pages=values["handout_large_print_max_pages"],
        pdf_dir=values["handout_pdf_dir"],
        clinic_file=clinic_file,
        clinic=info,
        workers=values["handout_workers"],
        publisher=values["handout_publisher"] or app.config.author or "",
        date=_build_date(values["handout_date"], confdir),
        project_url=_project_url(values["project_url"]),
        site_languages=values["site_languages"],
        allowed_domains=values["link_allowed_domains"],
        tracking_parameters=values["link_tracking_parameters"],
        own_host=own_host,
        usable=usable,
    )


def settings(env: BuildEnvironment) -> Settings:
    """The checked options of this build (set at builder-inited)."""
    return env.kratom_settings  # type: ignore[attr-defined]


def mark_unusable(env: BuildEnvironment) -> None:
    """Bad input found after the options were checked: nothing is printed in this build."""
    env.kratom_settings = dataclasses.replace(settings(env), usable=False)  # type: ignore[attr-defined]
