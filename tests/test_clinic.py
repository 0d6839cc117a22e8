"""Clinic co-branding: every problem of a clinic file in one run, safe logos, own folders."""

from __future__ import annotations

import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from conftest import REPO, warnings_of
from helpers import loopback, needs_poppler, pdf_page_texts, published_pdfs, tree_of

from kratom_docs import clinic


def write(folder: Path, body: str, name: str = "clinic.toml", raw: bytes | None = None) -> Path:
    path = folder / name
    if raw is not None:
        path.write_bytes(raw)
    else:
        path.write_text(body, encoding="utf-8")
    return path


def problems(folder: Path, body: str, **kw) -> list[str]:
    info, found = clinic.load(write(folder, body, **kw))
    assert (info is None) == bool(found)
    return found


BASE = '[clinic]\nname = "Hill Clinic"\nphone = "555-0100"\n'


def png(width: int, height: int) -> bytes:
    """A PNG whose header says ``width`` x ``height`` (the pixels are never needed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0\0"))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('[clinic]\nphone = "555-0100"\n', "[clinic] name: required field is missing"),
        ('[clinic]\nname = "A"\n', "[clinic] phone: required field is missing"),
        (BASE + 'fax = "2"\n', "[clinic] unknown key 'fax'"),
        ('[clinic]\nname = "A\nphone = "1"\n', "malformed TOML: "),
        ("x = " + "[" * 3000 + "]" * 3000 + "\n", "malformed TOML: lists or tables nested too"),
        (BASE + 'website = "http://a.example.org"\n', "[clinic] website: must start with https://"),
        (BASE + 'website = "https://"\n', "[clinic] website: 'https://' is not a web address"),
        (
            BASE + 'website = "https://admin:s3cret@clinic.example.org"\n',
            "[clinic] website: must not contain a user name or password",
        ),
        (
            BASE + 'website = "https://clinic example.org"\n',
            "[clinic] website: must not contain spaces",
        ),
        (BASE + 'website = "https://http://evil.example"\n', "is not a web address"),
        ('[clinic]\nname = ""\nphone = "555"\n', "[clinic] name: required field is empty"),
        (
            '[clinic]\nname = "\\u200b\\u200b"\nphone = "555"\n',
            "[clinic] name: required field is empty",
        ),
        ('[clinic]\nname = 5\nphone = "555"\n', "[clinic] name: must be a text string"),
        (
            '[clinic]\nname = "Ring\\u0007"\nphone = "555"\n',
            "[clinic] name: contains a control character (U+0007",
        ),
        ('[clinic]\nname = "中文診所"\nphone = "555"\n', "the handout font cannot print '中'"),
        ('[clinic]\nname = "Clinic \U0001f600"\nphone = "555"\n', "U+1F600"),
        (
            '[clinic]\nname = "e' + "\\u0301" * 90 + '"\nphone = "555"\n',
            "[clinic] name: 90 accents are stacked on one letter",
        ),
        (
            '[clinic]\nname = "A"\nphone = "call us"\n',
            "[clinic] phone: 'call us' has no phone number",
        ),
        (
            BASE + 'logo = "/etc/passwd"\n',
            "[clinic] logo: give the file name relative to clinic.toml",
        ),
        (BASE + 'logo = "../outside.png"\n', "is outside the clinic file's folder"),
        (BASE + 'logo = "nope.png"\n', "[clinic] logo: file not found"),
        (BASE + 'logo = "clinic.toml"\n', "must be a PNG or SVG file"),
    ],
)
def test_clinic_file_problems_name_the_file_and_field(tmp_path, body, expected):
    found = problems(tmp_path, body)
    assert any(expected in p for p in found), found
    assert all(p.startswith(str(tmp_path / "clinic.toml") + ": ") for p in found)


def test_every_problem_is_reported_in_one_run(tmp_path):
    found = problems(tmp_path, '[clinic]\nname = ""\nwebsite = "http://x"\nfax = "1"\n')
    assert len(found) >= 4, found


def test_a_byte_order_mark_is_fine(tmp_path):
    info, found = clinic.load(write(tmp_path, "", raw=b"\xef\xbb\xbf" + BASE.encode()))
    assert found == [] and info.name == "Hill Clinic"


def test_markup_in_fields_is_kept_as_text(tmp_path):
    info, _ = clinic.load(
        write(tmp_path, '[clinic]\nname = "Hill <b>Clinic</b> & Co"\nphone = "555-0100"\n')
    )
    assert info.name == "Hill <b>Clinic</b> & Co"


def test_a_logo_through_a_symlink_out_of_the_folder_is_refused(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "logo.png").write_bytes(png(10, 10))
    folder = tmp_path / "clinic"
    folder.mkdir()
    (folder / "logo.png").symlink_to(outside / "logo.png")
    found = problems(folder, BASE + 'logo = "logo.png"\n')
    assert any("outside the clinic file's folder" in p for p in found), found


def test_logo_paths_that_cannot_be_read_are_plain_problems(tmp_path):
    (tmp_path / "loop.png").symlink_to(tmp_path / "loop.png")
    for value in ("loop.png", "x" * 300 + ".png", "logo\\u0000.png"):
        found = problems(tmp_path, BASE + f'logo = "{value}"\n')
        assert any("[clinic] logo:" in p for p in found), (value, found)


SVGS = {
    "external image": '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><image xlink:href="http://127.0.0.1:8899/x.png"/></svg>',
    "https image": '<svg xmlns="http://www.w3.org/2000/svg"><image href="https://tracker.example/x.png"/></svg>',
    "file image": '<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd"/></svg>',
    "font-face": '<svg xmlns="http://www.w3.org/2000/svg"><style>@font-face { src: url(http://x.example/f.ttf) }</style></svg>',
    "use external": '<svg xmlns="http://www.w3.org/2000/svg"><use href="other.svg#a"/></svg>',
    "nested svg with image": '<svg xmlns="http://www.w3.org/2000/svg"><svg><image href="x.png"/></svg></svg>',
    "script": '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "prefixed script": '<svg:svg xmlns:svg="http://www.w3.org/2000/svg"><svg:script>alert(1)</svg:script></svg:svg>',
    "event handler": '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>',
    "foreign root": '<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>',
    "foreignObject": '<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p></foreignObject></svg>',
    "entities": '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><svg xmlns="http://www.w3.org/2000/svg"><text>&b;&b;&b;</text></svg>',
    "xxe": '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>',
    "style url": '<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(http://x.example/p)"/></svg>',
    "escaped import": '<svg xmlns="http://www.w3.org/2000/svg"><style>@\\69mport "http://x.example/a.css";</style></svg>',
    "escaped url": '<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:\\75rl(http://x.example/p)"/></svg>',
    "image deep down": '<svg xmlns="http://www.w3.org/2000/svg">'
    + "<g>" * 45
    + '<image href="http://x.example/p.png"/>'
    + "</g>" * 45
    + "</svg>",
    "nested 3000 deep": '<svg xmlns="http://www.w3.org/2000/svg">'
    + "<g>" * 3000
    + "</g>" * 3000
    + "</svg>",
    # small files that take the printer minutes: copies of copies, and a flood of text
    "use of use": '<svg xmlns="http://www.w3.org/2000/svg"><defs><g id="a"><rect/><rect/></g>'
    + "".join(
        f'<g id="{chr(98 + i)}"><use href="#{chr(97 + i)}"/><use href="#{chr(97 + i)}"/></g>'
        for i in range(12)
    )
    + '</defs><use href="#m"/></svg>',
    "stylesheet instruction": '<?xml version="1.0"?><?xml-stylesheet href="http://x.example/a.css"?><svg xmlns="http://www.w3.org/2000/svg"/>',
    "image-set": '<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:image-set(\'http://x.example/p.png\' 1x)"/></svg>',
    "set a link": '<svg xmlns="http://www.w3.org/2000/svg"><a href="#x"><set attributeName="href" to="http://x.example/"/></a></svg>',
    "import after an element": '<svg xmlns="http://www.w3.org/2000/svg"><style><g/>@import url(http://x.example/a.css)</style></svg>',
    "HTML image": '<svg xmlns="http://www.w3.org/2000/svg" xmlns:html="http://www.w3.org/1999/xhtml"><html:img src="http://x.example/p.png"/></svg>',
    "HTML link": '<svg xmlns="http://www.w3.org/2000/svg" xmlns:html="http://www.w3.org/1999/xhtml"><html:link imagesrcset="http://x.example/p.png"/></svg>',
    "too much text": '<svg xmlns="http://www.w3.org/2000/svg"><text>'
    + "Hill Clinic " * 40000
    + "</text></svg>",
}


@pytest.mark.parametrize("kind", SVGS)
def test_unsafe_svg_logos_are_refused(tmp_path, kind):
    (tmp_path / "logo.svg").write_text(SVGS[kind])
    with loopback() as (_, requests):
        found = problems(tmp_path, BASE + 'logo = "logo.svg"\n')
    assert requests == []
    assert any("[clinic] logo: logo.svg" in p for p in found), found


def test_a_huge_svg_is_refused_fast(tmp_path):
    import time

    (tmp_path / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg">' + "<rect/>" * 200_000 + "</svg>"
    )
    start = time.monotonic()
    found = problems(tmp_path, BASE + 'logo = "logo.svg"\n')
    assert found and time.monotonic() - start < 5


def test_a_logo_with_too_many_pixels_is_refused_not_dropped(tmp_path):
    (tmp_path / "logo.png").write_bytes(png(30000, 30000))
    found = problems(tmp_path, BASE + 'logo = "logo.png"\n')
    assert any("30000x30000 pixels" in p for p in found), found


def test_a_good_svg_logo_is_cleaned_of_editor_data(tmp_path):
    (tmp_path / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:inkscape="http://www.inkscape.org/'
        'namespaces/inkscape" inkscape:version="1.0" viewBox="0 0 10 10"><inkscape:grid/>'
        '<rect width="10" height="10"/></svg>'
    )
    info, found = clinic.load(write(tmp_path, BASE + 'logo = "logo.svg"\n'))
    assert found == []
    assert b"inkscape" not in info.logo.data and b"<rect" in info.logo.data


def test_a_big_png_logo_is_redrawn_at_print_size(tmp_path):
    from PIL import Image

    Image.new("RGB", (3000, 1000), "black").save(tmp_path / "logo.png")
    info, found = clinic.load(write(tmp_path, BASE + 'logo = "logo.png"\n'))
    assert found == []
    import io

    assert Image.open(io.BytesIO(info.logo.data)).size == (600, 200)


@pytest.mark.parametrize(
    ("one", "two"),
    [
        ("Клиника Здоровье", "Клиника Надежда"),
        ("מרפאת הגליל", "عيادة الأمل"),
        ("A" * 70 + " North", "A" * 70 + " South"),
    ],
)
def test_clinic_folders_never_collide(one, two):
    assert clinic.slugify(one) != clinic.slugify(two)
    assert clinic.slugify(one) == clinic.slugify(one)
    # the same name with another phone number is another clinic, with a folder of its own
    assert clinic.slugify(one, "555-0100") != clinic.slugify(one, "555-0199")


def test_the_checker_command(tmp_path):
    run = [sys.executable, "-m", "kratom_docs.clinic"]
    good = subprocess.run(
        [*run, str(REPO / "examples/clinic.toml")], capture_output=True, text=True
    )
    assert good.returncode == 0 and "OK" in good.stdout and "clinic-riverside" in good.stdout
    helped = subprocess.run([*run, "--help"], capture_output=True, text=True)
    assert helped.returncode == 0 and "usage:" in helped.stdout
    bad = write(tmp_path, '[clinic]\nname = "A"\nwebsite = "http://x"\n')
    proc = subprocess.run([*run, str(bad)], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "[clinic] phone: required field is missing" in proc.stderr
    assert "[clinic] website: must start with https://" in proc.stderr
    assert "Traceback" not in proc.stderr


# -- co-branded builds ------------------------------------------------------------------------------


@pytest.fixture
def clinic_file(tmp_path) -> Path:
    from PIL import Image

    folder = tmp_path / "my clinic"  # a path with a space
    folder.mkdir()
    Image.new("RGB", (240, 80), "black").save(folder / "logo.png")
    return write(
        folder,
        '[clinic]\nname = "Hill <b>Clinic</b> & Co"\nphone = "555-0100"\n'
        'address = "1 Main St"\n'
        'website = "https://www.hill-family-health-partners-of-the-valley.example.org"\n'
        'logo = "logo.png"\n',
    )


@pytest.mark.slow
@needs_poppler
def test_clinic_handouts_carry_the_clinic_and_leave_generic_ones_alone(
    build, project, tmp_path, clinic_file
):
    import pikepdf

    out = tmp_path / "out"
    build(project, "handouts", pdf=True, out=out)
    generic = tree_of(out / "handouts")
    sources = tree_of(project, "")
    app = build(project, "handouts", pdf=True, out=out, handout_clinic=str(clinic_file))
    assert app.statuscode == 0 and not app._warncount, warnings_of(app)
    folders = [p for p in (out / "handouts").iterdir() if p.is_dir()]
    assert [f.name for f in folders] == [f"clinic-{clinic.load(clinic_file)[0].slug}"]
    branded = folders[0] / "sample-letter.pdf"
    first = pdf_page_texts(branded)[0]
    assert "Hill <b>Clinic</b> & Co" in first  # markup in the name prints literally
    assert "555-0100" in first and "1 Main St" in first
    assert "Your clinic:" not in first
    with pikepdf.open(branded) as pdf:
        images = [
            k
            for k, v in pdf.pages[0].Resources.get("/XObject", {}).items()
            if v.get("/Subtype") == "/Image"
        ]
    assert images, "the logo is printed"
    assert {k: v for k, v in tree_of(out / "handouts").items() if "/" not in k} == generic
    assert tree_of(project, "") == sources
    assert str(folders[0]) in app.status.getvalue() + app.builder.epilog


@pytest.mark.slow
def test_a_bad_clinic_file_stops_the_build_with_every_problem(build, project, tmp_path):
    bad = write(tmp_path, '[clinic]\nname = "A\\u0007"\nwebsite = "http://x"\n')
    app = build(project, "handouts", pdf=True, out=tmp_path / "out", handout_clinic=str(bad))
    text = warnings_of(app)
    assert "[clinic] phone: required field is missing" in text
    assert "[clinic] website: must start with https://" in text
    assert "contains a control character" in text
    assert published_pdfs(tmp_path / "out") == []
