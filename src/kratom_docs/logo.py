"""Images as data, not documents: a clinic's logo (and any SVG in the sources) made safe.

A PNG is decoded with a pixel limit and redrawn at print size; an SVG is parsed with a
hardened parser (no DTD, no entities), and refused if it refers to anything outside itself,
runs scripts, carries foreign elements or is too large; what is printed is the cleaned copy.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
MAX_FILE = 512 * 1024
MAX_PIXELS = 40_000_000
MAX_ELEMENTS = 5000
MAX_DEPTH = 40
#: An image carries a few words and a few repeated shapes; far more only slows the printer
#: down (a small file can nest <use> elements so that they multiply into millions).
MAX_TEXT = 4000
MAX_USES = 200
#: Print size of the logo box (2 x 0.75 in) at 300 pixels per inch.
PRINT_BOX = (600, 225)
_EXTERNAL_CSS = re.compile(
    r"url\(\s*['\"]?\s*(?!#)|image-set\(|@import|@font-face|expression\(", re.I
)
#: Attributes that load a file in HTML (an SVG opened by a browser may carry HTML elements).
_LOADING_ATTRIBUTES = frozenset(
    {"src", "srcset", "imagesrcset", "data", "poster", "action", "formaction", "background"}
)
#: Namespaces of drawing programs' own data (removed from logos, harmless in figures).
_EDITOR_NS = frozenset(
    {
        "http://www.inkscape.org/namespaces/inkscape",
        "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "http://purl.org/dc/elements/1.1/",
        "http://creativecommons.org/ns#",
        "http://www.w3.org/1999/xlink",
    }
)
#: A processing instruction other than the XML declaration (``<?xml-stylesheet href=...?>``
#: makes a browser load a stylesheet when the SVG is opened on its own).
_PROCESSING = re.compile(rb"<\?(?!xml[\s?])", re.I)
_FORBIDDEN = {
    "script",
    "foreignObject",
    "iframe",
    "image",
    "feImage",
    "handler",
    "listener",
    "animation",
    "audio",
    "video",
    "object",
    "embed",
}


class ImageProblem(ValueError):
    """Why an image cannot be used (a sentence for the person who supplied it)."""


@dataclass(frozen=True)
class Logo:
    data: bytes
    mime: str
    extension: str


_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?|\\(.)", re.S)


def css_unescape(text: str) -> str:
    """CSS text with its escapes decoded (``\\69mport`` is ``import``), as a browser reads it."""

    def one(match: re.Match) -> str:
        if match.group(1):
            code = int(match.group(1), 16)
            return chr(code) if 0 < code <= 0x10FFFF else ""
        return match.group(2)

    return _CSS_ESCAPE.sub(one, text)


def _local(name: str) -> tuple[str, str]:
    if name.startswith("{"):
        ns, _, local = name[1:].partition("}")
        return ns, local
    return "", name


def svg_problems(data: bytes) -> list[str]:
    """Everything that makes an SVG unsafe to print or publish (empty: none)."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    if len(data) > MAX_FILE:
        return [f"is {len(data) // 1024} KB; an SVG may be at most {MAX_FILE // 1024} KB"]
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (DefusedXmlException, ValueError) as exc:
        return [f"uses a document type or entities, which are not allowed ({exc})"]
    except ParseError as exc:
        return [f"is not valid SVG ({exc})"]
    if _local(root.tag) != (SVG_NS, "svg"):
        return ["is not an SVG image (its root element is not <svg>)"]
    problems: list[str] = []
    if _PROCESSING.search(data):
        problems.append("has a processing instruction (<?...?>), which is not allowed")
    count = 0
    # Depth first, without recursion (a deeply nested file must not crash the check), and
    # every element is looked at: one too deep is a problem, never skipped.
    stack = [(root, 0)]
    while stack:
        element, depth = stack.pop()
        count += 1
        if count > MAX_ELEMENTS:
            break
        if depth > MAX_DEPTH:
            problems.append(f"is nested more than {MAX_DEPTH} levels deep")
            break
        if not isinstance(element.tag, str):
            continue
        _ns, local = _local(element.tag)
        if local in _FORBIDDEN:
            problems.append(f"contains <{local}>, which is not allowed in a printed image")
        if local in ("set", "animate") and element.get("attributeName", "").lower().endswith(
            "href"
        ):
            problems.append(f"<{local}> changes a link, which is not allowed")
        for name, value in element.attrib.items():
            _attr_ns, attr = _local(name)
            if attr.lower().startswith("on"):
                problems.append(f"has a script attribute {attr!r}")
            if attr == "href" and not value.strip().startswith("#"):
                problems.append(f"refers to something outside itself: {value[:80]!r}")
            if attr.lower() in _LOADING_ATTRIBUTES and value.strip():
                problems.append(f"has a {attr!r} attribute, which loads something: {value[:80]!r}")
            if _EXTERNAL_CSS.search(css_unescape(value)):
                problems.append(f"its {attr!r} attribute loads something: {value[:80]!r}")
        if local == "style" and _EXTERNAL_CSS.search(css_unescape("".join(element.itertext()))):
            problems.append("its stylesheet loads something from outside")
        if _ns and _ns != SVG_NS and _ns not in _EDITOR_NS:
            problems.append(f"contains <{local}> from another language ({_ns[:60]})")
        stack.extend((child, depth + 1) for child in reversed(list(element)))
    if count > MAX_ELEMENTS:
        problems.append(f"has more than {MAX_ELEMENTS} elements")
    else:
        problems += _expansion_problems(root)
    return list(dict.fromkeys(problems))


def _expansion_problems(root) -> list[str]:
    """<use> that copies something holding another <use> (copies of copies multiply), too
    many <use>, or far more text than an image carries."""
    elements = list(root.iter())
    by_id = {el.get("id"): el for el in elements if isinstance(el.tag, str) and el.get("id")}
    uses = [el for el in elements if isinstance(el.tag, str) and _local(el.tag)[1] == "use"]
    problems = []
    if len(uses) > MAX_USES:
        problems.append(f"has more than {MAX_USES} <use> elements")
    for use in uses:
        href = next((v for k, v in use.attrib.items() if _local(k)[1] == "href"), "")
        target = by_id.get(href.strip().lstrip("#"))
        if target is not None and any(
            isinstance(el.tag, str) and _local(el.tag)[1] == "use" for el in target.iter()
        ):
            problems.append("has a <use> that copies another <use>, which can multiply")
            break
    text = sum(len(el.text or "") + len(el.tail or "") for el in elements)
    if text > MAX_TEXT:
        problems.append(f"holds {text} characters of text; an image may hold at most {MAX_TEXT}")
    return problems


def _strip_foreign(element) -> None:
    """Drop what is not SVG (editor metadata such as Inkscape's): it is never drawn."""
    stack = [element]
    while stack:
        parent = stack.pop()
        for child in list(parent):
            if not isinstance(child.tag, str) or _local(child.tag)[0] != SVG_NS:
                parent.remove(child)
            else:
                stack.append(child)
    for name in list(element.attrib):
        ns, _ = _local(name)
        if ns not in ("", SVG_NS, XLINK_NS):
            del element.attrib[name]


def clean_svg(data: bytes) -> bytes:
    from xml.etree import ElementTree as ET

    from defusedxml.ElementTree import fromstring

    problems = svg_problems(data)
    if problems:
        raise ImageProblem("; ".join(problems))
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    _strip_foreign(root)
    return ET.tostring(root, encoding="utf-8")


def clean_png(data: bytes) -> bytes:
    import struct

    from PIL import Image, UnidentifiedImageError

    if len(data) < 24 or data[12:16] != b"IHDR":
        raise ImageProblem("is not a PNG image")
    width, height = struct.unpack(">II", data[16:24])  # before decoding anything
    if width * height > MAX_PIXELS:
        raise ImageProblem(
            f"is {width}x{height} pixels; a logo may have at most "
            f"{MAX_PIXELS // 1_000_000} million pixels"
        )
    try:
        image = Image.open(io.BytesIO(data))
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise ImageProblem(
                f"is {width}x{height} pixels; a logo may have at most "
                f"{MAX_PIXELS // 1_000_000} million pixels"
            )
        if image.format != "PNG":
            raise ImageProblem("is not a PNG image")
        image.load()
    except ImageProblem:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ImageProblem(f"cannot be read as a PNG image ({exc})") from None
    image = image.convert("RGBA")
    image.thumbnail(PRINT_BOX, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def make_logo(data: bytes, suffix: str) -> Logo:
    if suffix == ".png":
        if not data.startswith(b"\x89PNG\r\n\x1a\n"):
            raise ImageProblem("is not a PNG image")
        return Logo(clean_png(data), "image/png", "png")
    if suffix == ".svg":
        return Logo(clean_svg(data), "image/svg+xml", "svg")
    raise ImageProblem("must be a PNG or SVG file (.png or .svg)")
