"""A printed page that opens in the middle of a section repeats the section's heading.

A reader who turns the sheet over, or who holds the second sheet of a large-print handout, should
not meet a paragraph with no heading above it ("No one knows how long withdrawal lasts..."). After
WeasyPrint has laid the handout out, :func:`openings` finds each page whose first line belongs
to a section whose heading is on an earlier page, and :func:`mark` puts a copy of that heading,
marked "(continued)", before the block the page opens with. The printer then lays the handout
out again, and keeps the copies only if the handout is no longer for them.

The words "(continued)" come from the print page (``<body data-continued="...">``), so they are
translated with the rest of the sheet.
"""

from __future__ import annotations

from xml.etree import ElementTree

#: The class of a repeated heading; a block with it is never repeated again.
CLASS = "kd-continued"
HEADINGS = ("h2", "h3")
#: Blocks with a title of their own (a box to fill in, the key points, a claim, the help
#: lines): a page that opens with one needs no heading above it, and the section's heading
#: would read as the box's.
TITLED = ("kd-fill-in", "admonition", "kd-claim", "kd-helplines")


def _heading(section) -> object | None:
    for child in section:
        if child.tag in HEADINGS:
            return child
    return None


def first_line(box, chain: list) -> list | None:
    """The elements from the page down to its first line of text or image, in document order;
    the running footer and the other margin boxes are skipped."""
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.MarginBox):
        return None
    element = getattr(box, "element", None)
    if element is not None and (not chain or chain[-1] is not element):
        chain = [*chain, element]
    if isinstance(box, (boxes.LineBox, boxes.ReplacedBox)):
        return chain
    for child in getattr(box, "children", ()):
        found = first_line(child, chain)
        if found:
            return found
    return None


def _elements(box, found: set[int]) -> set[int]:
    element = getattr(box, "element", None)
    if element is not None:
        found.add(id(element))
    for child in getattr(box, "children", ()):
        _elements(child, found)
    return found


def openings(document) -> list[tuple[object, object]]:
    """(section, block) for each page after the first that opens inside ``section`` with the
    start of ``block`` (a child of the section), below a heading printed on an earlier page. A
    block that began on the page before (a list or a paragraph cut in two) is left alone: there
    is no place between its parts for a heading."""
    found = []
    for before, page in zip(document.pages, document.pages[1:], strict=False):
        chain = first_line(page._page_box, []) or []
        sections = [e for e in chain if e.tag == "section" and _heading(e) is not None]
        if not sections:
            continue
        section = sections[-1]
        block = chain[chain.index(section) + 1] if chain[-1] is not section else None
        if block is None or block is _heading(section):
            continue
        classes = (block.get("class") or "").split()
        if CLASS in classes or any(name in classes for name in TITLED):
            continue
        if id(block) in _elements(before._page_box, set()):
            continue
        found.append((section, block))
    return found


def _text(element) -> str:
    """The words of a heading, without its link anchor (``<a class="headerlink">``)."""
    parts = [element.text or ""]
    for child in element:
        if "headerlink" not in (child.get("class") or "").split():
            parts.append(_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def mark(root, points: list[tuple[object, object]], label: str) -> str | None:
    """The print page as HTML, with a "(continued)" heading before each block of ``points``;
    None when there is nothing to mark."""
    added = 0
    for section, block in points:
        heading = _heading(section)
        text = " ".join(_text(heading).split())
        children = list(section)
        index = next((i for i, child in enumerate(children) if child is block), None)
        if index is None or not text:
            continue
        copy = ElementTree.Element("p", {"class": CLASS})
        copy.text = f"{text} {label}".strip()
        copy.tail = "\n"
        section.insert(index, copy)
        added += 1
    if not added:
        return None
    return "<!DOCTYPE html>\n" + ElementTree.tostring(root, encoding="unicode", method="html")


def label_of(root) -> str:
    body = root.find("body")
    return (body.get("data-continued") if body is not None else None) or "(continued)"
