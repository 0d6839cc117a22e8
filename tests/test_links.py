"""External links: the policy over sources, references, HTML and PDFs; the link checker offline."""

from __future__ import annotations

import http.server
import json
import re
import runpy
import threading
from contextlib import contextmanager
from pathlib import Path

import pikepdf
import pytest
from bs4 import BeautifulSoup
from conftest import BASE_URL, REPO, warnings_of

from kratom_docs.config import Options
from kratom_docs.links import bib_problems, url_problems

CONF = runpy.run_path(str(REPO / "conf.py"))
TRACKING = Options().link_tracking_parameters  # the extension's own default
#: The project's allow-list, plus the site's own address (links from handouts to their page).
POLICY = ([*CONF["link_allowed_domains"], BASE_URL.split("/")[2]], TRACKING)


def external_links_in_html(page: Path) -> list[str]:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    return [a["href"] for a in soup.find_all("a", href=True) if ":" in a["href"].split("/")[0]]


def external_links_in_pdf(path: Path) -> list[str]:
    with pikepdf.open(path) as pdf:
        return [
            str(annot.A.URI)
            for page in pdf.pages
            for annot in page.get("/Annots", [])
            if "/A" in annot and "/URI" in annot.A
        ]


def test_the_policy_catches_each_seeded_fault():
    allowed, tracking = POLICY
    assert url_problems("https://doi.org/10.1000/x", allowed, tracking) == []
    assert url_problems("tel:+18002221222", allowed, tracking) == []
    assert any("not https" in p for p in url_problems("http://www.cdc.gov/x", allowed, tracking))
    assert any("allow-list" in p for p in url_problems("https://evil.example/x", allowed, tracking))
    assert any(
        "tracking parameter 'utm_source'" in p
        for p in url_problems("https://www.cdc.gov/x?utm_source=t", allowed, tracking)
    )
    assert any(
        "tracking parameter 'fbclid'" in p
        for p in url_problems("https://www.nccih.nih.gov/health/kratom?fbclid=1", allowed, tracking)
    )
    assert any(
        "https://doi.org/" in p
        for p in url_problems("https://dx.doi.org/10.1/x", allowed, tracking)
    )


def test_the_bib_check_catches_seeded_faults(tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@misc{nolink,\n  title = {No address}\n}\n"
        "@misc{plain,\n  title = {Plain http},\n  url = {http://www.cdc.gov/x}\n}\n"
        "@misc{tracked,\n  url = {https://www.cdc.gov/x?utm_campaign=y}\n}\n"
        "@article{baddoi,\n  doi = {https://doi.org/10.1/x}\n}\n"
    )
    found = bib_problems(bib, *POLICY)
    text = " ".join(p for _, p in found)
    assert "'nolink' has neither a DOI nor an https url" in text
    assert "'plain': not https" in text
    assert "'tracked': tracking parameter" in text
    assert "'baddoi': doi is not a bare DOI" in text
    assert all(line > 0 for line, _ in found)


def test_every_reference_has_a_doi_or_an_allowed_https_url():
    assert bib_problems(REPO / "data" / "references.bib", *POLICY) == []


def test_a_source_link_off_policy_fails_the_build_with_its_line(build, project, tmp_path):
    page = project / "index.md"
    page.write_text(page.read_text() + "\nSee [this](https://tracker.example/x?utm_source=a).\n")
    app = build(project, out=tmp_path / "out", link_allowed_domains="doi.org")
    text = warnings_of(app)
    assert "index.md:" in text
    assert "domain not on the allow-list" in text
    assert "tracking parameter 'utm_source'" in text


@pytest.mark.slow
def test_every_link_in_the_built_html_follows_the_policy(site):
    problems = {}
    for page in site.pages():
        found = [p for url in external_links_in_html(page) for p in url_problems(url, *POLICY)]
        if found:
            problems[page.name] = found
    assert problems == {}


@pytest.mark.slow
def test_every_link_in_the_pdfs_follows_the_policy(site):
    problems = {}
    for pdf in site.pdfs():
        found = [p for url in external_links_in_pdf(pdf) for p in url_problems(url, *POLICY)]
        if found:
            problems[pdf.name] = found
    assert problems == {}
    # the QR code's target is also a link on page 1
    assert any(external_links_in_pdf(pdf) for pdf in site.pdfs())


# -- the link checker, offline -------------------------------------------------------------------


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _reply(self, body: bool) -> None:
        if self.path == "/good":
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            if body:
                self.wfile.write(b"ok")
        elif self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/good")
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self.send_error(404)

    def do_HEAD(self) -> None:
        self._reply(body=False)

    def do_GET(self) -> None:
        self._reply(body=True)

    def log_message(self, *args) -> None:
        pass


@contextmanager
def link_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        server.server_close()


def test_linkcheck_with_the_project_settings_against_loopback(build, copy_root, tmp_path):
    """The project's own linkcheck settings (from conf.py) against a loopback server; a broken
    bibliography address is reported at its line in the .bib file."""
    src = copy_root("linkcheck")
    settings = {k: v for k, v in CONF.items() if k.startswith("linkcheck_")}
    settings["linkcheck_retries"] = 1
    settings["linkcheck_timeout"] = 5
    with link_server() as port:
        for path in (src / "index.md", src / "data" / "refs.bib"):
            path.write_text(path.read_text().replace("localhost:7777", f"127.0.0.1:{port}"))
        app = build(src, "linkcheck", out=tmp_path / "out", **settings)
    rows = [
        json.loads(line)
        for line in (tmp_path / "out" / "linkcheck" / "output.json").read_text().splitlines()
    ]
    status = {row["uri"].rsplit("/", 1)[-1]: row["status"] for row in rows}
    assert {k: status[k] for k in ("good", "missing", "moved")} == {
        "good": "working",
        "missing": "broken",
        "moved": "redirected",
    }
    assert re.search(
        r"data/refs\.bib:\d+: WARNING: entry 'gone2021': broken link", warnings_of(app)
    ), warnings_of(app)
