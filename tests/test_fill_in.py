"""The fill-in fields as a nurse uses them: typed into in Chromium's own PDF viewer, then printed
with its print button to "Save as PDF". What comes out must carry every typed value.

Chromium prints only with a display, so the test runs it on a virtual one (Debian's xvfb). Without
chromium or Xvfb the test skips with a reason, unless KRATOM_DOCS_REQUIRE_BROWSER=1 (set by
.ci/run), where it fails. Only ``file://`` addresses are opened; the browser contacts no host.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pikepdf
import pytest
from helpers import (
    CHROMIUM_ARGS,
    chromium_path,
    needs_poppler,
    pdf_page_texts,
    skip_without_browser,
)

HANDOUTS = [
    "kratom-basics",
    "kratom-and-opioid-treatment",
    "kratom-and-hair-loss",
    "stopping-kratom",
]
#: Tab presses: every link and every field of a two-page sheet is one tab stop, and a token typed
#: while a link has the focus goes nowhere.
TAB_STOPS = 40


@pytest.fixture(scope="module")
def display():
    """A virtual X display (Xvfb), for as long as the module runs."""
    chromium, xvfb = chromium_path(), shutil.which("Xvfb")
    if chromium is None or xvfb is None:
        skip_without_browser("needs chromium and Xvfb (Debian: apt-get install chromium xvfb)")
    read, write = os.pipe()
    server = subprocess.Popen(
        [xvfb, "-displayfd", str(write), "-screen", "0", "1280x1400x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    try:
        yield chromium, f":{number}"
    finally:
        server.terminate()
        server.wait()


def field_names(pdf: Path) -> list[str]:
    with pikepdf.open(pdf) as doc:
        return [str(f.T) for f in doc.Root.AcroForm.Fields]


def type_and_print(chromium: str, display: str, pdf: Path, profile: Path) -> Path:
    """Open ``pdf`` in Chromium's viewer, type a token at every tab stop, press its print button.

    The profile makes "Save as PDF" the printer and ``--kiosk-printing`` skips the dialog, so the
    print lands in the profile's download folder. Returns that PDF.
    """
    from playwright.sync_api import sync_playwright

    saved = profile / "printed"
    saved.mkdir(parents=True)
    sticky = {
        "recentDestinations": [{"id": "Save as PDF", "origin": "local", "account": ""}],
        "selectedDestinationId": "Save as PDF",
        "version": 2,
    }
    prefs = {
        "printing": {"print_preview_sticky_settings": {"appState": json.dumps(sticky)}},
        "savefile": {"default_directory": str(saved)},
        "download": {"default_directory": str(saved), "prompt_for_download": False},
    }
    (profile / "Default").mkdir()
    (profile / "Default" / "Preferences").write_text(json.dumps(prefs))
    args = [a for a in CHROMIUM_ARGS if not a.startswith("--headless")] + ["--kiosk-printing"]
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile),
            executable_path=chromium,
            headless=False,
            args=args,
            env={**os.environ, "DISPLAY": display},
            viewport={"width": 1000, "height": 1300},
        )
        try:
            page = context.new_page()
            page.goto(pdf.as_uri())
            viewer = _wait_for(
                page,
                lambda: [f for f in page.frames if f.url.startswith("chrome-extension:")],
                "PDF viewer",
            )[0]
            button = viewer.locator("cr-icon-button#print")
            button.wait_for()
            page.wait_for_timeout(1500)  # the plugin draws the pages after the toolbar
            page.mouse.click(500, 700)
            for stop in range(TAB_STOPS):
                page.keyboard.press("Tab")
                page.keyboard.type(f"Typed{stop:02d}")
            page.keyboard.press("Tab")
            button.click()
            done = _wait_for(
                page, lambda: [p for p in saved.glob("*.pdf") if p.stat().st_size], "print"
            )
            page.wait_for_timeout(500)  # a file still being written
            return done[0]
        finally:
            context.close()


def _wait_for(page, found, what: str, seconds: float = 30):
    """Poll ``found()`` while the browser runs (a plain sleep would stop its events)."""
    end = time.monotonic() + seconds
    while not (result := found()):
        if time.monotonic() > end:
            pytest.fail(f"no {what} after {seconds} s")
        page.wait_for_timeout(250)
    return result


#: The labels before the clinic's two blanks, by edition.
LABELS = {"en": ("Your clinic:", "Phone:"), "es": ("Su clínica:", "Teléfono:")}


@pytest.mark.slow
@pytest.mark.browser
@needs_poppler
@pytest.mark.parametrize(
    ("language", "handout"),
    [("en", handout) for handout in HANDOUTS] + [("es", "kratom-basics")],
)
def test_typed_in_chromium_and_printed(request, display, tmp_path, language, handout):
    build = request.getfixturevalue("site" if language == "en" else "site_es")
    pdf = build.handouts / f"{handout}-letter.pdf"
    printed = type_and_print(*display, pdf, tmp_path / "profile")
    texts = pdf_page_texts(printed)
    assert len(texts) == len(pdf_page_texts(pdf))
    # The clinic's name and phone print after their labels, at the top of page 1.
    for label in LABELS[language]:
        assert re.search(rf"{label} Typed\d\d\b", texts[0]), (label, texts[0][:300])
    tokens = {word for text in texts for word in text.split() if word.startswith("Typed")}
    assert len(tokens) == len(field_names(pdf)), tokens
