"""The one gate between WeasyPrint and the outside: it serves the project's own files only.

WeasyPrint's default fetcher opens any URL it meets (``http:``, ``https:``, ``data:``, and
``file:`` anywhere on the machine, even for ``rel="attachment"`` links). Every fetch a print
page makes, for its stylesheets, fonts, images, images inside SVGs and attachments, goes
through :class:`GateFetcher` instead, which answers from a :class:`FetchPolicy`:

- the bundled fonts and print stylesheet (files in the package's own folders);
- the images of the site (``_images/<name>`` beside the page), mapped back to the source image
  that Sphinx copies there, which must lie inside the source folder;
- resources the extension generates itself (QR codes, a validated clinic logo), under the
  ``kd:`` scheme.

Everything else is refused and recorded; the printer turns each refusal into a build error
that names the handout and the URL, and the PDF is not published.
"""

from __future__ import annotations

import mimetypes
import os
import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

GENERATED_SCHEME = "kd"


def file_url(path: Path | str) -> str:
    return Path(path).absolute().as_uri()


def _inside(path: str, folder: str) -> bool:
    return os.path.commonpath([path, folder]) == folder


@dataclass(frozen=True)
class FetchPolicy:
    """What a print page may load. Picklable, so it travels to the printing processes."""

    #: Folders whose files are served as themselves (the package's fonts and static files).
    folders: tuple[str, ...] = ()
    #: Virtual file paths (``<outdir>/_images/x.png``) -> the real file (inside ``source_root``).
    files: Mapping[str, str] = field(default_factory=dict)
    #: The folder every mapped file must really be in.
    source_root: str = ""
    #: ``kd:<name>`` -> (MIME type, bytes).
    generated: Mapping[str, tuple[str, bytes]] = field(default_factory=dict)

    def resolve(self, url: str) -> tuple[str, bytes] | None:
        """The MIME type and bytes of ``url``, or None when it is not the project's own."""
        if url in self.generated:
            return self.generated[url]
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return None
        path = posixpath.normpath(unquote(parts.path))
        real = self.files.get(path)
        if real is not None:
            real = os.path.realpath(real)
            if not self.source_root or not _inside(real, os.path.realpath(self.source_root)):
                return None
        else:
            candidate = os.path.realpath(path)
            if not any(_inside(candidate, os.path.realpath(f)) for f in self.folders):
                return None
            real = candidate
        if not os.path.isfile(real):
            return None
        mime = mimetypes.guess_type(real)[0] or "application/octet-stream"
        if real.endswith(".ttf"):
            mime = "font/ttf"
        with open(real, "rb") as handle:
            return mime, handle.read()


def generated_url(name: str) -> str:
    return f"{GENERATED_SCHEME}:{name}"


def make_fetcher(policy: FetchPolicy):
    """A WeasyPrint URL fetcher that serves ``policy`` and records every refusal."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class GateFetcher(URLFetcher):
        def __init__(self) -> None:
            super().__init__(allowed_protocols=(), allow_redirects=False)
            self.refused: list[str] = []

        def fetch(self, url: str, headers=None):
            found = policy.resolve(url)
            if found is None:
                shown = url if len(url) < 200 else url[:200] + "..."
                if shown not in self.refused:
                    self.refused.append(shown)
                raise ValueError(f"refused: {shown} is not one of the project's own files")
            mime, data = found
            return URLFetcherResponse(url, body=data, headers={"Content-Type": mime})

    return GateFetcher()
