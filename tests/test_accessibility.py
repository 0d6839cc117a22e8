"""Accessibility: axe-core in a real browser (Debian's chromium) over every built page, at
desktop and at phone widths, and reflow: at 320 px no page scrolls sideways (WCAG 1.4.10).

The site is served on loopback; no other host is contacted. Without chromium the tests skip
with a reason, unless KRATOM_DOCS_REQUIRE_BROWSER=1 (set by .ci/run), where they fail.
"""

from __future__ import annotations

import functools
import http.server
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from helpers import CHROMIUM_ARGS, chromium_path, skip_without_browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="module")
def browser():
    path = chromium_path()
    if path is None:
        skip_without_browser(
            "chromium not installed (Debian: apt-get install chromium); .ci/run installs it"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@contextmanager
def serve(folder: Path):
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


WIDTHS = {"desktop": (1280, 900), "phone": (320, 640)}


def readable_pages(build) -> list[Path]:
    """Every page a reader stays on: the short-address pages only send the browser on (to a
    page that is itself checked), so they are left out."""
    return [p for p in build.pages() if 'http-equiv="refresh"' not in p.read_text("utf-8")]


def axe_violations(browser, url: str, width: str = "desktop") -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    w, h = WIDTHS[width]
    page = browser.new_page(viewport={"width": w, "height": h})
    outside = []
    page.on(
        "request",
        lambda r: (
            outside.append(r.url)
            if not r.url.startswith(("http://127.0.0.1", "data:", "about:"))
            else None
        ),
    )
    try:
        page.goto(url, wait_until="load")
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        scroll = page.evaluate("document.documentElement.scrollWidth")
    finally:
        page.close()
    found = [
        f"{v['id']} ({v['impact']}): {len(v['nodes'])}x, e.g. {v['nodes'][0]['target']}"
        for v in results.response["violations"]
    ]
    if scroll > w:
        found.append(f"the page scrolls sideways at {w} px ({scroll} px wide)")
    found += [f"request to another host: {u}" for u in outside]
    return found


def violations_on_every_page(build, browser, tmp_path, width, subsite: str = "") -> dict:
    """axe-core over every page a reader stays on, served under the same path as on the hosted
    site (so that the 404 page's absolute links to its stylesheets resolve)."""
    from conftest import BASE_URL

    prefix = BASE_URL.split("/", 3)[3] + subsite
    (tmp_path / prefix).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / prefix.rstrip("/")).symlink_to(build.html, target_is_directory=True)
    problems = {}
    with serve(tmp_path) as base:
        for page in readable_pages(build):
            rel = page.relative_to(build.html).as_posix()
            if found := axe_violations(browser, base + prefix + rel, width):
                problems[rel] = found
    return problems


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_has_no_wcag_violations(site, browser, tmp_path, width):
    assert violations_on_every_page(site, browser, tmp_path, width) == {}


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
def test_every_spanish_page_has_no_wcag_violations(site_es, browser, tmp_path, width):
    assert violations_on_every_page(site_es, browser, tmp_path, width, "es/") == {}


@pytest.mark.slow
@pytest.mark.browser
def test_axe_catches_a_seeded_fault(tmp_path, browser):
    (tmp_path / "bad.html").write_text(
        "<!DOCTYPE html><html><head><title>x</title></head><body><main>"
        '<img src="missing.png"><p style="color:#bbb">faint text</p>'
        '<div style="width:900px">too wide for a phone</div></main></body></html>'
    )
    with serve(tmp_path) as base:
        found = " ".join(axe_violations(browser, base + "bad.html", "phone"))
    assert "the page scrolls sideways at 320 px" in found
    assert "image-alt" in found
    assert "html-has-lang" in found
    assert "color-contrast" in found
