"""Clinic co-branding: a clinic's ``clinic.toml``, checked, for the first page of handouts.

:func:`load` returns the clinic and every problem found in one run, each naming the file and
the field (and the line, for malformed TOML). Text from the file is printed as text, never as
markup; characters the handout font cannot draw, control and invisible characters, and web
addresses with credentials or a second scheme are refused; the logo is checked and redrawn by
:mod:`.logo` and must sit in the clinic file's folder.

``python -m kratom_docs.clinic FILE`` checks a file without building.
"""

from __future__ import annotations

import functools
import hashlib
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .logo import ImageProblem, Logo, make_logo

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

HERE = Path(__file__).parent
REQUIRED = ("name", "phone")
OPTIONAL = ("address", "website", "logo")
MAX_TEXT = {"name": 100, "phone": 40, "address": 200, "website": 100, "logo": 200}
MAX_FILE = 64 * 1024
MAX_LOGO = 5 * 1024 * 1024
_HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


@dataclass(frozen=True)
class Clinic:
    name: str
    phone: str
    address: str = ""
    website: str = ""
    logo: Logo | None = None
    slug: str = "clinic"

    @property
    def website_label(self) -> str:
        return self.website.split("://", 1)[-1].rstrip("/")


def slugify(name: str, *details: str | bytes) -> str:
    """A folder name that is readable and never shared by two clinics: letters of the name plus
    a hash of everything printed (name, phone, address, website, logo), so two files with the
    same name but another phone never write into the same folder."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    readable = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:40].strip("-")
    h = hashlib.sha256(name.encode("utf-8"))
    for detail in details:
        h.update(b"\0" + (detail if isinstance(detail, bytes) else detail.encode("utf-8")))
    digest = h.hexdigest()[:8]
    return f"{readable}-{digest}" if readable else digest


@functools.lru_cache(maxsize=1)
def printable_characters() -> frozenset[int]:
    """Code points every bundled handout font (regular and bold) can draw."""
    from fontTools.ttLib import TTFont

    sets = []
    for name in ("AtkinsonHyperlegible_400Regular.ttf", "AtkinsonHyperlegible_700Bold.ttf"):
        with TTFont(HERE / "fonts" / name, lazy=True) as font:
            sets.append(set(font.getBestCmap()))
    return frozenset(set.intersection(*sets))


def _text_problems(field: str, value: str) -> list[str]:
    problems = []
    for char in dict.fromkeys(value):
        code = ord(char)
        category = unicodedata.category(char)
        label = f"U+{code:04X} {unicodedata.name(char, 'unnamed character')}"
        if category == "Cc":
            problems.append(f"[clinic] {field}: contains a control character ({label})")
        elif category in ("Cf", "Co", "Cn", "Zl", "Zp"):
            problems.append(f"[clinic] {field}: contains an invisible character ({label})")
        elif char != " " and code not in printable_characters():
            problems.append(
                f"[clinic] {field}: the handout font cannot print {char!r} "
                f"({label}); write it with other characters"
            )
    run = longest = 0
    for char in value:  # accents stacked on one letter print above the page, not on it
        run = run + 1 if unicodedata.combining(char) else 0
        longest = max(longest, run)
    if longest > 2:
        problems.append(
            f"[clinic] {field}: {longest} accents are stacked on one letter; write the name "
            "as it is spelled"
        )
    return problems


def _website_problems(value: str) -> list[str]:
    where = "[clinic] website"
    if re.search(r"\s", value):
        return [f"{where}: must not contain spaces ({value!r})"]
    parts = urlsplit(value)
    if parts.scheme != "https":
        return [f"{where}: must start with https:// ({value!r})"]
    if "@" in parts.netloc:
        return [f"{where}: must not contain a user name or password ({value!r})"]
    host = (parts.hostname or "").rstrip(".")
    try:
        port_ok = parts.port is None or 0 < parts.port < 65536
    except ValueError:
        port_ok = False
    try:
        ascii_host = host.encode("idna").decode("ascii").lower() if host else ""
    except UnicodeError:
        ascii_host = ""
    if not host or not port_ok or not _HOST.match(ascii_host) or "://" in value[8:]:
        return [f"{where}: {value!r} is not a web address (https://clinic.example.org)"]
    return []


def _logo(value: str, source: Path) -> tuple[Logo | None, list[str]]:
    where = "[clinic] logo"
    if Path(value).is_absolute() or value.startswith("~"):
        return None, [
            f"{where}: give the file name relative to {source.name}, not an "
            f"absolute path ({value!r})"
        ]
    if "\0" in value or any(unicodedata.category(c) == "Cc" for c in value):
        return None, [f"{where}: the file name has a control character ({value!r})"]
    try:
        folder = source.parent.resolve()
        logo = (source.parent / value).resolve(strict=False)
        try:
            logo.relative_to(folder)
        except ValueError:
            return None, [
                f"{where}: {value!r} is outside the clinic file's folder {folder}; "
                "put the logo next to the clinic file"
            ]
        if not logo.is_file():
            return None, [f"{where}: file not found: {logo}"]
        if logo.stat().st_size > MAX_LOGO:
            return None, [f"{where}: {logo.name} is larger than {MAX_LOGO // 1024 // 1024} MB"]
        data = logo.read_bytes()
    except (OSError, RuntimeError, ValueError) as error:  # a loop of links, a name too long
        reason = getattr(error, "strerror", None) or str(error)
        return None, [f"{where}: cannot read {value!r}: {reason}"]
    try:
        return make_logo(data, logo.suffix.lower()), []
    except ImageProblem as problem:
        return None, [f"{where}: {logo.name} {problem}"]


def _read(path: Path) -> tuple[dict | None, list[str]]:
    if not path.is_file():
        return None, ["file not found"]
    if path.stat().st_size > MAX_FILE:
        return None, [f"larger than {MAX_FILE // 1024} KB; a clinic file holds a few lines"]
    try:
        text = path.read_bytes().decode("utf-8-sig")  # a byte-order mark is fine
    except UnicodeDecodeError:
        return None, ["not a UTF-8 text file; save it as UTF-8"]
    try:
        return tomllib.loads(text), []
    except tomllib.TOMLDecodeError as exc:
        return None, [f"malformed TOML: {exc}"]
    except RecursionError:
        return None, ["malformed TOML: lists or tables nested too deeply"]


def load(path: Path) -> tuple[Clinic | None, list[str]]:
    """Read and check a clinic file: the clinic (None if unusable) and every problem found.

    Nothing is written anywhere. Every problem starts with the file's path.
    """
    data, problems = _read(path)
    if data is None:
        return None, [f"{path}: {p}" for p in problems]
    for key in sorted(set(data) - {"clinic"}):
        problems.append(f"unknown key {key!r}: only a [clinic] table is allowed")
    table = data.get("clinic")
    if not isinstance(table, dict):
        return None, [f"{path}: {p}" for p in [*problems, "missing [clinic] table"]]
    for key in sorted(set(table) - set(REQUIRED) - set(OPTIONAL)):
        problems.append(f"[clinic] unknown key {key!r}; allowed: {', '.join(REQUIRED + OPTIONAL)}")
    values: dict[str, str] = {}
    for key in REQUIRED + OPTIONAL:
        if key not in table:
            if key in REQUIRED:
                problems.append(f"[clinic] {key}: required field is missing")
            continue
        value = table[key]
        if not isinstance(value, str):
            problems.append(f"[clinic] {key}: must be a text string in quotes")
            continue
        found = _text_problems(key, value)
        visible = "".join(c for c in value if unicodedata.category(c)[0] not in "CZ")
        value = " ".join(value.split())
        if key in REQUIRED and not visible:
            problems.append(f"[clinic] {key}: required field is empty")
        elif len(value) > MAX_TEXT[key]:
            problems.append(f"[clinic] {key}: longer than {MAX_TEXT[key]} characters")
        problems += found
        values[key] = value
    if values.get("phone") and sum(c.isdigit() for c in values["phone"]) < 3:
        problems.append(f"[clinic] phone: {values['phone']!r} has no phone number in it")
    if values.get("website"):
        problems += _website_problems(values["website"])
    logo = None
    if values.get("logo"):
        logo, logo_problems = _logo(values["logo"], path)
        problems += logo_problems
    problems = [f"{path}: {p}" for p in dict.fromkeys(problems)]
    if problems:
        return None, problems
    return Clinic(
        name=values["name"],
        phone=values["phone"],
        address=values.get("address", ""),
        website=values.get("website", ""),
        logo=logo,
        slug=slugify(
            values["name"],
            values["phone"],
            values.get("address", ""),
            values.get("website", ""),
            logo.data if logo else b"",
        ),
    ), []


USAGE = """usage: python -m kratom_docs.clinic path/to/clinic.toml

Checks a clinic file for co-branded handouts without building anything. Prints OK and the
folder the handouts will go to, or every problem found, each naming the field.
Build the handouts with: make handouts CLINIC=path/to/clinic.toml"""


def main(argv: list[str] | None = None) -> int:
    """``python -m kratom_docs.clinic FILE``: check a clinic file before a build."""
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] in ("-h", "--help"):
        print(USAGE)
        return 0
    if len(args) != 1:
        print(USAGE, file=sys.stderr)
        return 2
    info, problems = load(Path(args[0]).resolve())
    if problems:
        for problem in problems:
            print(f"error: {problem}", file=sys.stderr)
        return 2
    assert info is not None
    print(
        f"{args[0]}: OK ({info.name}, {info.phone}); `make handouts CLINIC={args[0]}` "
        f"puts the handouts in _build/handouts/clinic-{info.slug}/"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
