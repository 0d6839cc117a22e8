"""Clinic co-branding: a clinic's ``clinic.toml``, validated, for the first page of handouts.

Every problem is a :class:`ClinicError` whose message names the file and the field (and the
line, for malformed TOML); Sphinx prints it without a traceback and exits non-zero.
"""

from __future__ import annotations

import base64
import re
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from sphinx.errors import ConfigError

from .data import stop

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

REQUIRED = ("name", "phone")
OPTIONAL = ("address", "website", "logo")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MAX_TEXT = 200


class ClinicError(ConfigError):
    category = "Clinic file error"


@dataclass(frozen=True)
class Clinic:
    name: str
    phone: str
    address: str = ""
    website: str = ""
    logo_data_uri: str = ""
    slug: str = "clinic"

    @property
    def website_label(self) -> str:
        return self.website.split("://", 1)[-1].rstrip("/")


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:60] or "clinic"


def _logo(path: Path, value: str, source: Path) -> str:
    logo = (source.parent / value).resolve()
    if not logo.is_file():
        raise ClinicError(f"{source}: [clinic] logo: file not found: {logo}")
    data = logo.read_bytes()
    suffix = logo.suffix.lower()
    if suffix == ".png":
        if not data.startswith(PNG_MAGIC):
            raise ClinicError(f"{source}: [clinic] logo: {logo.name} is not a PNG image")
        mime = "image/png"
    elif suffix == ".svg":
        try:
            root = ET.fromstring(data)
        except ET.ParseError as exc:
            raise ClinicError(
                f"{source}: [clinic] logo: {logo.name} is not valid SVG ({exc})"
            ) from None
        if not root.tag.endswith("svg"):
            raise ClinicError(f"{source}: [clinic] logo: {logo.name} is not an SVG image")
        if b"<script" in data.lower():
            raise ClinicError(f"{source}: [clinic] logo: {logo.name} contains a script")
        mime = "image/svg+xml"
    else:
        raise ClinicError(
            f"{source}: [clinic] logo: {logo.name} must be a PNG or SVG file (.png or .svg)"
        )
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def load(path: Path) -> Clinic:
    """Read and check a clinic file; nothing is written anywhere."""
    if not path.is_file():
        raise ClinicError(f"{path}: file not found")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ClinicError(f"{path}: malformed TOML: {exc}") from None
    except UnicodeDecodeError:
        raise ClinicError(f"{path}: not a UTF-8 text file") from None
    unknown_tables = sorted(set(data) - {"clinic"})
    if unknown_tables:
        raise ClinicError(
            f"{path}: unknown key(s) {unknown_tables}: only a [clinic] table is allowed"
        )
    table = data.get("clinic")
    if not isinstance(table, dict):
        raise ClinicError(f"{path}: missing [clinic] table")
    unknown = sorted(set(table) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        raise ClinicError(
            f"{path}: [clinic] unknown key(s) {unknown}; allowed: {', '.join(REQUIRED + OPTIONAL)}"
        )
    values: dict[str, str] = {}
    for key in REQUIRED + OPTIONAL:
        if key not in table:
            if key in REQUIRED:
                raise ClinicError(f"{path}: [clinic] {key}: required field is missing")
            continue
        value = table[key]
        if not isinstance(value, str):
            raise ClinicError(f"{path}: [clinic] {key}: must be a text string in quotes")
        value = " ".join(value.split())
        if key in REQUIRED and not value:
            raise ClinicError(f"{path}: [clinic] {key}: required field is empty")
        if len(value) > MAX_TEXT:
            raise ClinicError(f"{path}: [clinic] {key}: longer than {MAX_TEXT} characters")
        values[key] = value
    website = values.get("website", "")
    if website:
        parts = urlsplit(website)
        if parts.scheme != "https" or not parts.netloc:
            raise ClinicError(f"{path}: [clinic] website: must start with https:// ({website!r})")
    logo = _logo(path, values["logo"], path) if values.get("logo") else ""
    return Clinic(
        name=values["name"],
        phone=values["phone"],
        address=values.get("address", ""),
        website=website,
        logo_data_uri=logo,
        slug=slugify(values["name"]),
    )


def get(app: Sphinx) -> Clinic | None:
    return getattr(app, "_kd_clinic", None)


def on_config_inited(app: Sphinx, config: Config) -> None:
    app._kd_clinic = None  # type: ignore[attr-defined]
    if config.handout_clinic:
        path = Path(config.handout_clinic)
        if not path.is_absolute():
            path = Path.cwd() / path
        try:
            app._kd_clinic = load(path)  # type: ignore[attr-defined]
        except ClinicError as error:
            stop(error)


def main(argv: list[str] | None = None) -> int:
    """``python -m kratom_docs.clinic FILE``: check a clinic file before a build."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m kratom_docs.clinic path/to/clinic.toml", file=sys.stderr)
        return 2
    try:
        info = load(Path(args[0]).resolve())
    except ClinicError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"{args[0]}: OK ({info.name}, {info.phone}); handouts go to clinic-{info.slug}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())


def setup_clinic(app: Sphinx) -> None:
    app.connect("config-inited", on_config_inited, priority=910)
