"""A page that opens in the middle of a section repeats the section's heading."""

from __future__ import annotations

import pytest

from kratom_docs import continued

pytest.importorskip("weasyprint")

STYLE = (
    "<style>@page { size: letter; margin: 0.6in } body { font-size: 12pt }"
    " p { break-inside: avoid; margin: 0 0 4pt 0 }</style>"
)


def _pages(html):
    return [" ".join(box.text for box in _texts(page._page_box)) for page in html.render().pages]


def _texts(box):
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.TextBox):
        yield box
    for child in getattr(box, "children", ()):
        yield from _texts(child)


def _relaid(source: str) -> list[str]:
    from weasyprint import HTML

    html = HTML(string=source)
    document = html.render()
    points = continued.openings(document)
    marked = continued.mark(html.etree_element, points, continued.label_of(html.etree_element))
    return _pages(HTML(string=marked)) if marked else _pages(html)


def test_a_page_opening_inside_a_section_repeats_its_heading():
    paragraphs = "".join(f"<p>Sentence number {n} of the long part.</p>" for n in range(60))
    pages = _relaid(
        f'<html><head>{STYLE}</head><body data-continued="(continued)"><section id="a">'
        '<h2>What happens when you stop?<a class="headerlink" href="#a"></a></h2>'
        f"{paragraphs}</section></body></html>"
    )
    assert len(pages) == 2
    assert pages[1].startswith("What happens when you stop? (continued) Sentence number")
    assert "(continued)" not in pages[0]


LINES = "".join(f"<p>Line {n}.</p>" for n in range(20))


@pytest.mark.parametrize(
    ("css", "body", "page_two"),
    [
        # page 2 opens with the next section's heading: nothing to repeat
        (
            "section + section { break-before: page }",
            f'<section id="a"><h2>One</h2>{LINES}</section>'
            '<section id="b"><h2>Two</h2><p>More.</p></section>',
            "Two More.",
        ),
        # page 2 opens in the middle of one long paragraph: there is no place for a heading
        (
            "p { break-inside: auto }",
            '<section id="a"><h2>One</h2><p>' + "word " * 1500 + "</p></section>",
            "word",
        ),
        # page 2 opens with a box that has its own title: the heading would read as the box's
        (
            ".kd-fill-in { break-before: page }",
            f'<section id="a"><h2>One</h2>{LINES}'
            '<div class="kd-fill-in docutils container"><p>My plan</p></div></section>',
            "My plan",
        ),
    ],
    ids=["a heading", "inside a paragraph", "a titled box"],
)
def test_a_page_opening_with_a_heading_or_inside_a_block_is_left_alone(css, body, page_two):
    pages = _relaid(f"<html><head>{STYLE}<style>{css}</style></head><body>{body}</body></html>")
    assert pages[1].startswith(page_two)
    assert not any("(continued)" in page for page in pages)


def test_the_words_come_from_the_print_page():
    from weasyprint import HTML

    root = HTML(string='<html><body data-continued="(continuación)"></body></html>').etree_element
    assert continued.label_of(root) == "(continuación)"
    assert continued.label_of(HTML(string="<p>x</p>").etree_element) == "(continued)"
