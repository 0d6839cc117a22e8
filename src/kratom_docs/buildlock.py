"""One build at a time per doctree folder.

Two builds sharing a doctree folder would read and write the same environment, search index
and PDFs. Before anything else, the output folders are checked: a read-only folder or a full
disk gets a plain message first. The lock is taken at ``config-inited``, before Sphinx loads
the pickled environment, and released when the build finishes (or, if the process dies, by
the operating system). A second build waits for the first and says so.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
import weakref
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.util import logging

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

logger = logging.getLogger(__name__)


def _release(fd: int) -> None:
    try:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
    except OSError:
        pass


#: The open lock file of this process's build: print workers (forked) close their copy, so a
#: worker that outlives a killed build never holds the lock.
LOCK_FD: int | None = None

#: Below this much free space a build would fail half-way through writing.
MIN_FREE = 50 * 1024 * 1024


def check_output(app: Sphinx) -> None:
    """Say plainly, before anything is written, when the output cannot be written."""
    from . import messages

    for folder in (Path(app.outdir), Path(app.doctreedir)):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            # A name of its own: two builds starting together run this check at the same time.
            fd, probe = tempfile.mkstemp(prefix=".kratom-write-test-", dir=folder)
            os.close(fd)
            os.unlink(probe)
        except OSError as error:
            messages.error(
                f"cannot write to {folder}: {error.strerror}; fix it or build into another folder",
                "output",
            )
            continue
        free = shutil.disk_usage(folder).free
        if free < MIN_FREE:
            messages.error(
                f"only {free // 1024 // 1024} MB free on the disk that holds "
                f"{folder}; free some space",
                "output",
            )


def acquire(app: Sphinx, config: Config) -> None:
    check_output(app)
    folder = Path(app.doctreedir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(folder / ".kratom-build.lock", os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        return  # reported by check_output
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        logger.info("another build is using %s; waiting for it to finish...", folder)
        fcntl.flock(fd, fcntl.LOCK_EX)
    global LOCK_FD
    LOCK_FD = fd
    app.kratom_lock = weakref.finalize(app, _release, fd)  # type: ignore[attr-defined]


def release(app: Sphinx, exception: Exception | None) -> None:
    finalizer = getattr(app, "kratom_lock", None)
    if finalizer is not None:
        finalizer()


def setup_lock(app: Sphinx) -> None:
    app.connect("config-inited", acquire, priority=10)
    app.connect("build-finished", release, priority=1001)
