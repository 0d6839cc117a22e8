"""Every configuration value of the extension, declared once with its type, default and help."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.errors import ConfigError

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

PAPER_SIZES = {"letter": "Letter", "a4": "A4"}


@dataclass
class Options:
    """The extension's options; each becomes a ``conf.py`` value of the same name."""

    disclaimer_file: str = field(
        default="data/disclaimer.yaml",
        metadata={"help": "YAML file with the disclaimer per language (keys: short, full)."},
    )
    claims_file: str = field(
        default="data/claims.yaml", metadata={"help": "YAML list of checked claims."}
    )
    helplines_file: str = field(
        default="data/helplines.yaml", metadata={"help": "YAML list of help lines."}
    )
    review_max_months: int = field(
        default=12, metadata={"help": "Longest allowed gap between last_reviewed and next_review."}
    )
    review_today: str = field(
        default="",
        metadata={"help": "ISO date used as 'today' for overdue reviews (empty: the real date)."},
    )
    handout_dir: str = field(
        default="handouts", metadata={"help": "Source folder holding one file per handout."}
    )
    handout_pdf: bool = field(
        default=True, metadata={"help": "Render handout PDFs during HTML builds."}
    )
    handout_paper_sizes: list = field(
        default_factory=lambda: ["letter", "a4"],
        metadata={"help": "Paper sizes to print each handout on: 'letter' and/or 'a4'."},
    )
    handout_large_print: bool = field(
        default=True, metadata={"help": "Also print an 18 pt large-print edition of each handout."}
    )
    handout_max_pages: int = field(
        default=2, metadata={"help": "Most pages a standard handout may have (one sheet)."}
    )
    handout_pdf_dir: str = field(
        default="../handouts",
        metadata={"help": "Folder (relative to the output folder) that also receives the PDFs."},
    )
    handout_clinic: str = field(
        default="", metadata={"help": "Path to a clinic.toml for co-branded handouts."}
    )
    handout_workers: int = field(
        default=0, metadata={"help": "Processes rendering PDFs (0: one per CPU core)."}
    )
    handout_publisher: str = field(
        default="", metadata={"help": "Publisher named in the PDF metadata (default: author)."}
    )
    link_allowed_domains: list = field(
        default_factory=list,
        metadata={"help": "Domains external links may point to (and their subdomains)."},
    )
    link_tracking_parameters: list = field(
        default_factory=lambda: ["utm_", "fbclid", "gclid", "mc_cid", "mc_eid", "s_cid", "src"],
        metadata={"help": "Query parameters (or prefixes ending in '_') treated as tracking."},
    )


def _rebuild(name: str) -> str:
    # Output-only values need no re-read of the sources; the rest invalidate the environment.
    if name.startswith(("handout_pdf", "handout_workers", "handout_clinic", "handout_paper")):
        return ""
    return "env"


def register(app: Sphinx) -> None:
    for f in dataclasses.fields(Options):
        default = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
        kinds = {list, tuple} if isinstance(default, list) else {type(default)}
        app.add_config_value(
            f.name,
            default,
            _rebuild(f.name),
            types=frozenset(kinds),
            description=f.metadata.get("help", ""),
        )
    app.connect("config-inited", validate, priority=900)


def validate(app: Sphinx, config: Config) -> None:
    """Check the values whose type alone does not say they are usable."""
    sizes = list(config.handout_paper_sizes)
    unknown = [s for s in sizes if s not in PAPER_SIZES]
    if unknown:
        raise ConfigError(
            f"handout_paper_sizes: unknown paper size(s) {unknown}; use {sorted(PAPER_SIZES)}"
        )
    if not sizes:
        raise ConfigError("handout_paper_sizes: give at least one paper size")
    if config.handout_max_pages < 1:
        raise ConfigError("handout_max_pages: must be 1 or more")
    if config.review_max_months < 1:
        raise ConfigError("review_max_months: must be 1 or more")
    # Data files are named relative to conf.py; from here on they are absolute paths.
    for name in ("disclaimer_file", "claims_file", "helplines_file"):
        setattr(config, name, str(Path(app.confdir, getattr(config, name))))
    # The environment overrides ("-D handout_pdf=0") arrive as strings.
    config.handout_pdf = _as_bool(config.handout_pdf)
    config.handout_large_print = _as_bool(config.handout_large_print)


def _as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() not in {"", "0", "false", "no", "off"}
    return bool(value)
