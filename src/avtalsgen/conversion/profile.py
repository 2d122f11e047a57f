"""LibreOffice's kept profile.

A fresh profile costs soffice more to start: it initialises the profile, restarts itself and
runs its graphics render tests. So the first profile that a cleanly exiting soffice leaves
is kept, per user and LibreOffice installation, in avtalsgen's cache
(:mod:`avtalsgen.cache`), marked so that later starts skip those tests, and every later
start gets a copy of it of its own (:func:`copy_profile`, :func:`keep_profile`).
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path

from avtalsgen.cache import cache_root
from avtalsgen.conversion.soffice import libreoffice_version
from avtalsgen.errors import ConversionError


def profile_cache(soffice: str) -> Path:
    """Where the initialised profile of this LibreOffice installation is kept for the user.

    The name depends on soffice.bin's path, size and time, so an upgrade starts afresh.
    """
    exe = Path(soffice).resolve()
    binary = exe.parent / "soffice.bin"
    target = binary if binary.exists() else exe
    info = target.stat()
    identity = f"{target}\0{info.st_size}\0{info.st_mtime_ns}\0{_PROFILE_FORMAT}"
    key = hashlib.sha256(identity.encode()).hexdigest()[:16]
    return cache_root() / f"libreoffice-profile-{key}"


#: A profile is complete when LibreOffice has written its settings (at a clean exit).
_PROFILE_MARK = Path("user") / "registrymodifications.xcu"
#: Changes when what a kept profile holds changes, so that older ones are not used.
_PROFILE_FORMAT = 2
_OOR = "http://openoffice.org/2001/registry"


def copy_profile(soffice: str, profile: Path) -> bool:
    """Make ``profile`` a copy of the kept initialised profile, if there is one.

    Returns whether it did; if not, ``profile`` does not exist and soffice makes a fresh one.
    """
    try:
        cache = profile_cache(soffice)
        if not (cache / _PROFILE_MARK).is_file():
            return False
        shutil.copytree(cache, profile, symlinks=True)
    except (OSError, RuntimeError, shutil.Error):  # RuntimeError: no home directory
        shutil.rmtree(profile, ignore_errors=True)
        return False
    return True


def keep_profile(soffice: str, profile: Path) -> None:
    """Keep ``profile``, which a soffice that exited cleanly initialised, for later starts,
    unless one is kept already. Several processes may try at once: one wins, atomically."""
    try:
        cache = profile_cache(soffice)
        if cache.exists() or not (profile / _PROFILE_MARK).is_file():
            return
        cache.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".profile-", dir=cache.parent))
    except (OSError, RuntimeError):  # RuntimeError: no home directory
        return  # a cache we cannot write only costs time
    try:
        shutil.copytree(profile, staging / "profile", symlinks=True)
        _mark_version_seen(soffice, staging / "profile")
        (staging / "profile").rename(cache)  # fails if another process was first
    except (OSError, shutil.Error):
        pass
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _mark_version_seen(soffice: str, profile: Path) -> None:
    """Record in ``profile`` that this LibreOffice version has been started with it.

    A LibreOffice start whose profile names an older version (or none) as the last one
    started runs its graphics render tests (about 0.25 CPU-seconds of drawing 4096-pixel
    bitmaps) and writes ``GraphicsRenderTests.log``. Only the desktop's "what's new" bar
    records the version, so headless starts run the tests every time; with the version
    recorded (``/org.openoffice.Setup/Product/ooSetupLastVersion``, major.minor as
    LibreOffice writes it), a start of a copy skips them. If the version cannot be read, the
    profile is kept as it is, and only that time is lost.
    """
    from lxml import etree

    try:
        major_minor = ".".join(libreoffice_version(soffice).split(".")[:2])
    except ConversionError:
        return
    settings = profile / _PROFILE_MARK
    try:
        tree = etree.parse(str(settings))
    except etree.XMLSyntaxError:
        return
    oor = f"{{{_OOR}}}"
    item = etree.SubElement(tree.getroot(), "item", {f"{oor}path": "/org.openoffice.Setup/Product"})
    prop = etree.SubElement(item, "prop", {f"{oor}name": "ooSetupLastVersion", f"{oor}op": "fuse"})
    etree.SubElement(prop, "value").text = major_minor
    item.tail = "\n"
    tree.write(str(settings), xml_declaration=True, encoding="UTF-8")
    (profile / "user" / "GraphicsRenderTests.log").unlink(missing_ok=True)
