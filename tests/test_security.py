"""No input may make a build fetch from the network, read a file outside the project, or
attach anything to a PDF.

A loopback server stands in for the network (it records every request), and a sentinel file
outside the project stands in for the build machine's secrets.
"""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest
from conftest import warnings_of
from helpers import HERE, fast_first, loopback, published_pdfs, task

from kratom_docs import engine
from kratom_docs.fetcher import FetchPolicy


@pytest.fixture
def sentinel(tmp_path_factory) -> Path:
    """A 'secret' outside every project folder."""
    path = tmp_path_factory.mktemp("outside") / "secret.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\nSECRET-SENTINEL")
    return path


# -- the fetcher: one gate for every fetch WeasyPrint makes ---------------------------------------

LOADERS = {
    "img": '<img src="{url}x.png" alt="x">',
    "srcset": '<img srcset="{url}x.png 2x" alt="x">',
    "stylesheet": '<link rel="stylesheet" href="{url}x.css">',
    "import": '<style>@import url("{url}x.css");</style>',
    "css url": '<p style="background: url({url}x.png)">text</p>',
    "font-face": "<style>@font-face {{ font-family: X; src: url({url}x.ttf); }} p {{ font-family: X }}</style><p>x</p>",
    "object": '<object data="{url}x.svg" type="image/svg+xml"></object>',
    "embed": '<embed src="{url}x.svg">',
    "attachment": '<a rel="attachment" href="{url}x.txt">attached</a>',
    "link attachment": '<link rel="attachment" href="{url}x.txt">',
    "svg image": '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10"><image xlink:href="{url}x.png" width="10" height="10"/></svg>',
}


#: WeasyPrint does not load these at all (nothing to refuse); the source check still rejects them.
NEVER_FETCHED = {"srcset"}


@pytest.mark.slow
@pytest.mark.parametrize("kind", LOADERS)
def test_nothing_is_fetched_from_the_network(tmp_path, kind):
    with loopback() as (base, requests):
        t = task(tmp_path, LOADERS[kind].format(url=base))
        result = engine.render(t)
    assert requests == []
    if kind in NEVER_FETCHED:
        return
    assert any("refused to load http://127.0.0.1" in p for p in result["problems"]), result
    assert not Path(t.pdf).exists()


@pytest.mark.slow
@pytest.mark.parametrize("kind", LOADERS)
def test_no_local_file_outside_the_project_is_read_or_attached(tmp_path, sentinel, kind):
    url = sentinel.parent.as_uri() + "/"
    html = (
        LOADERS[kind]
        .format(url=url)
        .replace("x.png", "secret.png")
        .replace("x.txt", "secret.png")
        .replace("x.css", "secret.png")
        .replace("x.svg", "secret.png")
    )
    html = html.replace("x.ttf", "secret.png")
    result = engine.render(task(tmp_path, html))
    if kind in NEVER_FETCHED:
        assert (
            b"SECRET-SENTINEL" not in Path(result.get("pdf", "/nonexistent")).read_bytes()
            if Path(result.get("pdf", "/nonexistent")).is_file()
            else True
        )
        return
    assert any("refused to load file://" in p for p in result["problems"]), result


@pytest.mark.slow
@pytest.mark.parametrize(
    "url",
    [
        "file:///proc/self/environ",
        "file:///etc/passwd",
        "data:text/plain;base64,U0VDUkVU",
        "ftp://127.0.0.1/x",
    ],
)
def test_attachments_of_system_files_are_refused(tmp_path, url):
    t = task(tmp_path, f'<a rel="attachment" href="{url}">.</a>')
    result = engine.render(t)
    assert result["problems"]
    assert not Path(t.pdf).exists()


@pytest.mark.slow
def test_a_pdf_never_carries_an_attachment_even_of_a_project_file(tmp_path):
    image = tmp_path / "src" / "a.png"
    image.parent.mkdir()
    image.write_bytes(b"\x89PNG\r\n\x1a\n")
    virtual = str(tmp_path / "site" / "_images" / "a.png")
    policy = FetchPolicy(
        folders=(str(HERE / "fonts"), str(HERE / "static")),
        files={virtual: str(image)},
        source_root=str(tmp_path / "src"),
    )
    result = engine.render(
        task(tmp_path, '<a rel="attachment" href="../_images/a.png">a</a>', policy=policy)
    )
    assert (
        "it asks to attach a file to the PDF; handouts carry no attachments" in result["problems"]
    )


def test_the_policy_serves_only_the_project_files():
    policy = FetchPolicy(
        folders=(str(HERE / "fonts"),),
        files={"/site/_images/a.png": "/etc/passwd"},
        source_root=str(HERE),
    )
    font = next((HERE / "fonts").glob("*.ttf"))
    assert policy.resolve(font.as_uri())[0] == "font/ttf"
    assert policy.resolve((HERE / "fonts" / ".." / "clinic.py").as_uri()) is None
    assert policy.resolve("file:///site/_images/a.png") is None  # maps outside the sources
    assert policy.resolve("http://127.0.0.1/x") is None
    assert policy.resolve("file://evil.example/etc/passwd") is None


# -- sources: raw HTML and images that load from elsewhere are errors, with file and line --------

SOURCE_FAULTS = {
    "raw img": '<img src="{url}pixel.png" alt="">',
    "raw link": '<link rel="stylesheet" href="{url}x.css">',
    "raw style": '<style>@import url("{url}x.css");</style>',
    "raw object": '<object data="{url}x.svg"></object>',
    "raw embed": '<embed src="{url}x.svg">',
    "raw iframe": '<iframe src="{url}x.html"></iframe>',
    "raw video": '<video src="{url}x.mp4"></video>',
    "raw srcset": '<span><img srcset="{url}x.png 1x"></span>',
    "style url": '<span style="background:url({url}x.png)">x</span>',
    "attachment": '<a rel="attachment" href="file:///proc/self/environ">.</a>',
    "markdown image": "![A pixel]({url}pixel.png)",
    "img in a comment trick": '<!--><img src="{url}x.png" alt="">-->',
    "img in CDATA": '<![CDATA[ > <img src="{url}x.png" alt=""> ]]>',
    "css escape": '<span style="background-image:\\75rl({url}x.png)">x</span>',
    "css image-set": "<span style=\"background:image-set('{url}x.png' 1x)\">x</span>",
    "unclosed img in raw": '```{{raw}} html\n<span>x</span><img src="{url}x.png"\n```',
    "data image": "![A pixel](data:image/png;base64,iVBORw0KGgo=)",
    "script link behind a tab": '<a href="java&#x09;script:alert(1)">x</a>',
    "script link behind a line break": '<a href="java&NewLine;script:alert(1)">x</a>',
    "script link after an abrupt comment": '<!--><a href="javascript:alert(41)">x</a>-->',
}


@pytest.mark.parametrize("kind", fast_first(SOURCE_FAULTS))
def test_sources_that_load_from_elsewhere_fail_with_file_and_line(build, project, tmp_path, kind):
    page = project / "handouts" / "sample.md"
    with loopback() as (base, requests):
        page.write_text(page.read_text() + "\n\n" + SOURCE_FAULTS[kind].format(url=base) + "\n")
        app = build(project, out=tmp_path / "out")
    assert requests == []
    assert app._warncount
    assert "handouts/sample.md:" in warnings_of(app)
    assert "[kratom.source]" in warnings_of(app) or "image" in warnings_of(app)
    assert published_pdfs(tmp_path / "out") == []
    # not even the failed build's page carries what was refused
    html = (tmp_path / "out" / "html" / "handouts" / "sample.html").read_text()
    assert base not in html and "javascript:" not in html


def test_an_include_from_outside_the_project_is_an_error(build, project, tmp_path, sentinel):
    outside = sentinel.with_suffix(".md")
    outside.write_text("SECRET-SENTINEL\n")
    page = project / "index.md"
    relative = Path("..") / ".." / outside.parent.name / outside.name
    page.write_text(page.read_text() + f"\n```{{include}} {relative}\n```\n")
    app = build(project, out=tmp_path / "out")
    assert "reads a file outside the project:" in warnings_of(app)
    assert "secret.md" in warnings_of(app)


def secrets_in(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and b"SECRET-SENTINEL" in p.read_bytes()]


@pytest.mark.parametrize("kind", fast_first(["image", "download"]))
def test_a_file_from_outside_the_project_is_an_error_and_never_copied(
    build, project, tmp_path, sentinel, kind
):
    page = project / "handouts" / "sample.md"
    good = page.read_text()
    relative = Path("..") / ".." / ".." / sentinel.parent.name / sentinel.name
    use = f"![secret]({relative})" if kind == "image" else f"Get {{download}}`this <{relative}>`."
    page.write_text(good + f"\n{use}\n")
    out = tmp_path / "out"
    app = build(project, out=out)
    line = len(good.splitlines()) + 2
    assert f"handouts/sample.md:{line}: ERROR:" in warnings_of(app), warnings_of(app)
    assert published_pdfs(out) == []
    assert secrets_in(out / "html") == []
    # a copy left by an older build of this output folder is removed once the page is fixed
    (out / "html" / "_images").mkdir(exist_ok=True)
    (out / "html" / "_images" / "secret.png").write_bytes(sentinel.read_bytes())
    (out / "html" / "_downloads" / "0123abcd").mkdir(parents=True, exist_ok=True)
    (out / "html" / "_downloads" / "0123abcd" / "secret.png").write_bytes(sentinel.read_bytes())
    page.write_text(good)
    build(project, out=out)
    assert secrets_in(out / "html") == []
    assert (out / "html" / "_images" / "steps.svg").is_file()  # the page's own image stays


def test_an_svg_in_the_sources_that_refers_outside_is_an_error(build, project, tmp_path):
    svg = project / "handouts" / "steps.svg"
    svg.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/'
        'xlink"><image xlink:href="https://tracker.example/p.png"/></svg>'
    )
    app = build(project, out=tmp_path / "out")
    assert "refers to something outside itself" in warnings_of(app) or "<image>" in warnings_of(app)
    assert published_pdfs(tmp_path / "out") == []


@pytest.mark.slow
def test_the_built_pdfs_of_the_test_root_carry_no_attachments(build, project, tmp_path):
    build(project, pdf=True, out=tmp_path / "out")
    for pdf in published_pdfs(tmp_path / "out"):
        with pikepdf.open(pdf) as doc:
            assert "/Names" not in doc.Root or "/EmbeddedFiles" not in doc.Root.Names


# -- directives that would fetch or read, refused before the page is parsed ------------------------

READING_DIRECTIVES = {
    "raw :url:": "```{{raw}} html\n:url: {url}page.html\n```",
    "raw :url: as YAML": "```{{raw}} html\n---\nurl: {url}page.html\n---\n```",
    "csv-table :url:": "```{{csv-table}} T\n:url: {url}t.csv\n```",
    "raw :url: file": "```{{raw}} html\n:url: file://{secret}\n```",
    "raw :file:": "```{{raw}} html\n:file: {relative}\n```",
    "csv-table :file:": "```{{csv-table}} T\n:file: {relative}\n```",
    "literalinclude": "```{{literalinclude}} {relative}\n```",
    "rST raw :url:": "```{{eval-rst}}\n.. raw:: html\n   :url: {url}page.html\n```",
    "rST include": "```{{eval-rst}}\n.. include:: {relative}\n```",
    # option and directive names in any letter case (docutils lowercases them), an argument on
    # the next line, and paths from the machine's root
    "rST raw :URL:": "```{{eval-rst}}\n.. raw:: html\n   :URL: {url}page.html\n```",
    "rST csv-table :Url:": "```{{eval-rst}}\n.. csv-table:: T\n   :Url: {url}t.csv\n```",
    "csv-table :FILE:": "```{{csv-table}} T\n:FILE: {relative}\n```",
    "raw :file: absolute": "```{{raw}} html\n:file: {secret}\n```",
    "rST raw :file: absolute": "```{{eval-rst}}\n.. raw:: html\n   :file: {secret}\n```",
    "Include": "```{{Include}} {relative}\n```",
    "rST Include": "```{{eval-rst}}\n.. Include:: {relative}\n```",
    "rST include, path on the next line": "```{{eval-rst}}\n.. include::\n   {relative}\n```",
    "rST include of docutils' own file": "```{{eval-rst}}\n.. include:: <isonum.txt>\n```",
    "literalinclude :diff:": "```{{literalinclude}} sample.md\n:diff: {relative}\n```",
    "raw with a quoted YAML key": '```{{raw}} html\n---\n"url": {url}page.html\n---\n```',
    "rST raw, escaped option name": "```{{eval-rst}}\n.. raw:: html\n   :ur\\l: {url}page.html\n```",
    # a fence that does not start its line: in a quote, a list, a definition
    "include in a quote": "> ```{{include}} {relative}\n> ```",
    "include in a list": "- ```{{include}} {relative}\n  ```",
    "include in a definition": "Term\n: ```{{include}} {relative}\n  ```",
}

# The names docutils gives these directives in other languages (a Spanish build reads them).
LOCALIZED = {
    "sin-analisis :url: (Spanish raw)": '```{{sin-analisis}} html\n---\n"url": {url}x.html\n---\n```',
    "tabla-csv :url: (Spanish csv-table)": "```{{tabla-csv}} T\n:url: {url}t.csv\n```",
    "incluir (Spanish include)": "```{{incluir}} {relative}\n```",
    "rST incluir": "```{{eval-rst}}\n.. incluir:: {relative}\n```",
    "rST roh :file: (German raw)": "```{{eval-rst}}\n.. roh:: html\n   :file: {secret}\n```",
}


def build_with_block(build, project, tmp_path, sentinel, template: str, **conf):
    """Build the test root with ``template`` added to a handout: the app and the requests the
    loopback server saw; no output file may hold the secret, and no PDF is published."""
    secret = sentinel.with_suffix(".txt")
    secret.write_text("SECRET-SENTINEL\n")
    page = project / "handouts" / "sample.md"
    relative = Path("..") / ".." / ".." / secret.parent.name / secret.name
    with loopback() as (base, requests):
        block = template.format(url=base, secret=secret, relative=relative)
        page.write_text(page.read_text() + "\n\n" + block + "\n")
        app = build(project, out=tmp_path / "out", **conf)
    for path in (tmp_path / "out").rglob("*"):
        if path.is_file():
            assert b"SECRET-SENTINEL" not in path.read_bytes(), path
    assert published_pdfs(tmp_path / "out") == []
    return app, requests


@pytest.mark.parametrize("kind", fast_first(READING_DIRECTIVES))
def test_a_directive_that_would_fetch_or_read_outside_is_refused_before_it_runs(
    build, project, tmp_path, sentinel, kind
):
    app, requests = build_with_block(build, project, tmp_path, sentinel, READING_DIRECTIVES[kind])
    assert requests == []
    found = warnings_of(app)
    assert "handouts/sample.md:" in found and "[kratom.source]" in found, found
    assert "would fetch" in found or "reads a file outside the project" in found, found


@pytest.mark.parametrize("kind", fast_first(LOCALIZED))
@pytest.mark.parametrize("language", fast_first(["es", "de"]))
def test_the_same_directives_under_their_names_in_other_languages_are_refused(
    build, project, tmp_path, sentinel, kind, language
):
    _app, requests = build_with_block(
        build, project, tmp_path, sentinel, LOCALIZED[kind], language=language
    )
    assert requests == []


# MyST itself refuses option names in capitals.
CHECKED_WHERE_THEY_RUN = [k for k in READING_DIRECTIVES if k != "csv-table :FILE:"]
CHECKED_WHERE_THEY_RUN.remove("rST include of docutils' own file")


@pytest.mark.slow
@pytest.mark.parametrize("kind", CHECKED_WHERE_THEY_RUN)
def test_the_directives_refuse_on_their_own_when_the_text_check_misses(
    build, project, tmp_path, sentinel, kind, monkeypatch
):
    from kratom_docs import sources

    monkeypatch.setattr(sources, "directive_reads", lambda text: [])  # the text check is blind
    test_a_directive_that_would_fetch_or_read_outside_is_refused_before_it_runs(
        build, project, tmp_path, sentinel, kind
    )


def test_a_project_file_may_still_be_included(build, project, tmp_path):
    (project / "handouts" / "part.md").write_text("An included line.\n")
    page = project / "index.md"
    page.write_text(page.read_text() + "\n```{include} handouts/part.md\n```\n")
    app = build(project, out=tmp_path / "out", exclude_patterns=["handouts/part.md"])
    assert "reads a file outside" not in warnings_of(app)
    assert "An included line." in (tmp_path / "out" / "html" / "index.html").read_text()


@pytest.mark.slow
def test_an_included_file_that_reads_outside_is_named_at_its_own_line(
    build, project, tmp_path, sentinel
):
    outside = sentinel.with_suffix(".md")
    outside.write_text("SECRET-SENTINEL\n")
    relative = Path("..") / ".." / ".." / outside.parent.name / outside.name
    (project / "handouts" / "part.md").write_text(f"Text.\n\n```{{include}} {relative}\n```\n")
    page = project / "index.md"
    page.write_text(page.read_text() + "\n```{include} handouts/part.md\n```\n")
    app = build(project, out=tmp_path / "out", exclude_patterns=["handouts/part.md"])
    assert "handouts/part.md:3: ERROR: reads a file outside the project" in warnings_of(app)
    assert "part.md.md" not in warnings_of(app)
    assert secrets_in(tmp_path / "out") == []


#: Front matter that MyST would read as per-page settings: substitutions run Jinja (code),
#: html_meta writes <meta> tags (a redirect, a policy).
FRONT_MATTER = {
    "myst substitution extension": (
        "myst:\n  enable_extensions: [substitution, colon_fence, deflist]\n",
        "{{{{ lipsum.__globals__['__builtins__']['open']('{secret}').read() }}}}",
    ),
    "top-level substitutions": (
        "substitutions:\n  s: \"{{{{ lipsum.__globals__['__builtins__']['open']('{secret}').read() }}}}\"\n",
        "{{{{ s }}}}",
    ),
    "myst html_meta": (
        'myst:\n  html_meta:\n    "http-equiv=refresh": "0; url={url}x"\n',
        "",
    ),
    "top-level html_meta": ('html_meta:\n  "http-equiv=refresh": "0; url={url}x"\n', ""),
    "quoted key": ('"myst": {{enable_extensions: [substitution]}}\n', "{{{{ 7 * 7 }}}}"),
}


@pytest.mark.parametrize("kind", fast_first(FRONT_MATTER))
def test_front_matter_cannot_change_the_parser_settings(build, project, tmp_path, sentinel, kind):
    secret = sentinel.with_suffix(".txt")
    secret.write_text("SECRET-SENTINEL\n")
    head, body = FRONT_MATTER[kind]
    page = project / "handouts" / "sample.md"
    with loopback() as (base, requests):
        text = page.read_text().replace("---\n", "---\n" + head.format(url=base, secret=secret), 1)
        page.write_text(text + "\n" + body.format(url=base, secret=secret) + "\n")
        app = build(project, out=tmp_path / "out")
    assert requests == []
    assert "handouts/sample.md:2: ERROR: front matter key" in warnings_of(app), warnings_of(app)
    html = (tmp_path / "out" / "html" / "handouts" / "sample.html").read_text()
    assert "refresh" not in html and ">49<" not in html and " 49" not in html
    assert secrets_in(tmp_path / "out") == []
    assert published_pdfs(tmp_path / "out") == []


INCLUDED_SETTINGS = {
    "rST include with a MyST parser": (
        "```{{eval-rst}}\n.. include:: part.md\n   :parser: myst_parser.sphinx_\n```",
        ":parser: is not allowed",
    ),
    "MyST include of a page with settings": ("```{{include}} part.md\n```", "front matter key"),
    "meta tags from rST": (
        "```{{eval-rst}}\n.. meta::\n   :http-equiv=refresh: 0; url={url}m\n```",
        "writes <meta> tags",
    ),
}


@pytest.mark.parametrize("kind", fast_first(INCLUDED_SETTINGS))
def test_included_text_cannot_change_the_parser_settings(build, project, tmp_path, sentinel, kind):
    (project / "handouts" / "part.md").write_text(
        "---\nmyst:\n  enable_extensions: [substitution]\n  html_meta:\n"
        '    "http-equiv=refresh": "0; url=http://127.0.0.1:1/r"\n---\n\n'
        "{{ lipsum.__globals__['__builtins__']['open']('"
        + str(sentinel.with_suffix(".txt"))
        + "').read() }} {{ 6 * 7 }}\n"
    )
    snippet, expected = INCLUDED_SETTINGS[kind]
    app, requests = build_with_block(
        build, project, tmp_path, sentinel, snippet, exclude_patterns=["handouts/part.md"]
    )
    assert requests == []
    assert expected in warnings_of(app), warnings_of(app)
    html = (tmp_path / "out" / "html" / "handouts" / "sample.html").read_text()
    assert "refresh" not in html and "42" not in html


PAGE_SETTINGS = {
    "rST field list at the top": (
        "```{{eval-rst}}\n:og:image: {url}x.png\n:github_url: {url}gh\n```\n\n# Title",
        "page metadata 'og:image' is not allowed",
        ("og:image", "/gh"),
    ),
    "script link in a table of contents": (
        "# Title\n\n```{{toctree}}\nClick <javascript://%0Aalert(1)>\n```",
        "a table of contents links to",
        ("javascript:",),
    ),
    "outside link in a table of contents": (
        "# Title\n\n```{{toctree}}\nElsewhere <{url}t>\n```",
        "a table of contents links to",
        ("127.0.0.1",),
    ),
    "link with a backslash": (
        "# Title\n\n```{{eval-rst}}\n`bs <\\/\\\\127.0.0.1:1/bs>`_\n```",
        "docs.md:4: WARNING: external link: domain not on the allow-list "
        "(link_allowed_domains): 127.0.0.1",
        (),
    ),
    "raw HTML link": (
        '# Title\n\n<a href="http://127.0.0.1:1/raw">x</a>',
        "docs.md:3: WARNING: external link: not https: http://127.0.0.1:1/raw",
        (),
    ),
    "link without a scheme": (
        "# Title\n\n```{{eval-rst}}\n`x <//127.0.0.1:1/p>`_\n```",
        "docs.md:4: WARNING: external link: domain not on the allow-list "
        "(link_allowed_domains): 127.0.0.1",
        (),
    ),
}


@pytest.mark.parametrize("kind", fast_first(PAGE_SETTINGS))
def test_pages_cannot_add_metadata_or_links_the_policy_does_not_see(
    build, project, tmp_path, sentinel, kind
):
    snippet, expected, absent = PAGE_SETTINGS[kind]
    page = project / "docs.md"
    with loopback() as (base, requests):
        page.write_text(snippet.format(url=base) + "\n\nText.\n")
        index = project / "index.md"
        index.write_text(index.read_text() + "\n```{toctree}\n:hidden:\ndocs\n```\n")
        app = build(project, out=tmp_path / "out", link_allowed_domains=["example.org"])
    assert requests == []
    assert expected in warnings_of(app), warnings_of(app)
    for name in ("docs.html", "index.html"):
        html = (tmp_path / "out" / "html" / name).read_text()
        assert [a for a in absent if a in html] == [], name


def test_the_extension_s_translated_words_are_text_in_the_page(build, project, tmp_path):
    """A translation is input: its words go into attributes and text of every page."""
    folder = project / "locales" / "es" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "kratom_docs.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Review status"\nmsgstr "Estado\\" onmouseover=\\"alert(1)"\n\n'
        'msgid "Report a problem with this page"\n'
        'msgstr "Avisar <img src=\\"//127.0.0.1:1/p.png\\">"\n'
    )
    build(project, out=tmp_path / "out", language="es", locale_dirs=["locales/"])
    html = (tmp_path / "out" / "html" / "handouts" / "sample.html").read_text()
    assert "Estado&#34; onmouseover" in html or "Estado&quot; onmouseover" in html
    assert 'onmouseover="alert' not in html and '<img src="//127' not in html


def test_math_is_refused_and_the_page_loads_no_script(build, project, tmp_path):
    page = project / "handouts" / "sample.md"
    page.write_text(page.read_text() + "\nA sum {math}`x^2`.\n\n```{math}\ny = 1\n```\n")
    app = build(project, out=tmp_path / "out")
    assert "math is not supported" in warnings_of(app)
    html = (tmp_path / "out" / "html" / "handouts" / "sample.html").read_text()
    assert "mathjax" not in html.lower() and "x^2" in html


OPENERS = {
    "figure, width of the image": "```{{figure}} {secret}\n:figwidth: image\n\nA caption.\n```",
    "image, scaled": "```{{image}} {relative}\n:scale: 50%\n```",
    "Markdown image": "![A picture]({relative})",
    "download": "{{download}}`a file <{relative}>`",
}


@pytest.mark.parametrize("kind", fast_first(OPENERS))
def test_a_refused_file_is_never_opened(build, project, tmp_path, sentinel, kind, monkeypatch):
    """Refused is not enough: docutils measures images while it parses, the writer measures
    scaled ones, and the change record hashed every dependency; none may touch the file."""
    import builtins
    import hashlib

    opened = []
    real_open, real_read = builtins.open, Path.read_bytes

    def spy_open(file, *args, **kwargs):
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    def spy_read(path):
        opened.append(str(path))
        return real_read(path)

    monkeypatch.setattr(builtins, "open", spy_open)
    monkeypatch.setattr(Path, "read_bytes", spy_read)
    app, _requests = build_with_block(build, project, tmp_path, sentinel, OPENERS[kind])
    monkeypatch.undo()
    assert "outside the project" in warnings_of(app), warnings_of(app)
    secret = sentinel.with_suffix(".txt")  # what build_with_block's snippets name
    assert [p for p in opened if Path(p).name == secret.name] == []
    digest = hashlib.sha256(secret.read_bytes()).hexdigest().encode()
    assert all(digest not in p.read_bytes() for p in (tmp_path / "out").rglob("*") if p.is_file())


def test_data_fields_are_text_never_markup(build, project, tmp_path, sentinel):
    """A help line (or a fact, or a claim) is printed as written: it cannot become a directive."""
    helplines = project / "data" / "helplines.yaml"
    with loopback() as (base, requests):
        helplines.write_text(
            helplines.read_text().replace(
                "  when: Someone cannot breathe.\n",
                "  when: |\n    ```{raw} html\n    :url: " + base + "x.html\n    ```\n",
            )
        )
        app = build(project, out=tmp_path / "out")
    assert requests == []
    html = (tmp_path / "out" / "html" / "handouts" / "sample.html").read_text()
    assert "```{raw} html :url: " + base in html.replace("\\", "")
    assert not app._warncount, warnings_of(app)


def test_a_citation_key_in_a_data_file_cannot_end_the_role(build, project, tmp_path):
    helplines = project / "data" / "helplines.yaml"
    helplines.write_text(
        helplines.read_text().replace("cite: [known2020]", "cite: ['known2020`  {raw}']", 1)
    )
    app = build(project, out=tmp_path / "out")
    assert "helplines.yaml:1: field 'cite' holds 'known2020`  {raw}', not a reference key" in (
        warnings_of(app)
    )
