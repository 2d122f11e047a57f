"""LibreOffice's kept profile.

A fresh profile costs soffice more to start: it initialises the profile, restarts itself and
runs its graphics render tests. So the first profile that a cleanly exiting soffice leaves
is kept, per user and LibreOffice installation, in avtalsgen's cache
(:mod:`avtalsgen.cache`), marked so that later starts skip those tests and set so that a
warm soffice does no idle work that a conversion does not need (:data:`IDLE_WORK_OFF`), and
every later start gets a copy of it of its own (:func:`copy_profile`, :func:`keep_profile`).
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
_PROFILE_FORMAT = 3
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
        _settle(soffice, staging / "profile")
        (staging / "profile").rename(cache)  # fails if another process was first
    except (OSError, shutil.Error):
        pass
    finally:
        shutil.rmtree(staging, ignore_errors=True)


#: Settings of the kept profile that spare a warm soffice work it would do between the UNO
#: calls of a conversion, while its main loop is idle: collecting every word of each loaded
#: document for Writer's word completion (an ever longer list; a fifth of that soffice's
#: main-thread time, bench/warm.py) and marking misspelt words on the screen. Neither changes
#: an exported PDF. (path, property, value) as ``registrymodifications.xcu`` states them.
IDLE_WORK_OFF: tuple[tuple[str, str, str], ...] = (
    ("/org.openoffice.Office.Writer/AutoFunction/Completion", "Enable", "false"),
    ("/org.openoffice.Office.Writer/AutoFunction/Completion", "CollectWords", "false"),
    ("/org.openoffice.Office.Linguistic/SpellChecking", "IsSpellAuto", "false"),
)


def _settle(soffice: str, profile: Path) -> None:
    """Record in ``profile`` that this LibreOffice version has been started with it, and
    turn off the idle work of :data:`IDLE_WORK_OFF`.

    A LibreOffice start whose profile names an older version (or none) as the last one
    started runs its graphics render tests (about 0.25 CPU-seconds of drawing 4096-pixel
    bitmaps) and writes ``GraphicsRenderTests.log``. Only the desktop's "what's new" bar
    records the version, so headless starts run the tests every time; with the version
    recorded (``/org.openoffice.Setup/Product/ooSetupLastVersion``, major.minor as
    LibreOffice writes it), a start of a copy skips them. If the version cannot be read, it
    is not recorded, and only that time is lost.
    """
    from lxml import etree

    settings = profile / _PROFILE_MARK
    try:
        tree = etree.parse(str(settings))
    except etree.XMLSyntaxError:
        return
    items: list[tuple[str, str, str]] = list(IDLE_WORK_OFF)
    try:
        major_minor = ".".join(libreoffice_version(soffice).split(".")[:2])
    except ConversionError:
        pass
    else:
        items.insert(0, ("/org.openoffice.Setup/Product", "ooSetupLastVersion", major_minor))
    oor = f"{{{_OOR}}}"
    for path, name, value in items:
        item = etree.SubElement(tree.getroot(), "item", {f"{oor}path": path})
        prop = etree.SubElement(item, "prop", {f"{oor}name": name, f"{oor}op": "fuse"})
        etree.SubElement(prop, "value").text = value
        item.tail = "\n"
    tree.write(str(settings), xml_declaration=True, encoding="UTF-8")
    (profile / "user" / "GraphicsRenderTests.log").unlink(missing_ok=True)
