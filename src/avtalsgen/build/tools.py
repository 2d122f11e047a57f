"""The tools whose versions shape what avtalsgen makes: one list, for the record of a build
(:mod:`avtalsgen.build.record`: a new version makes every case out of date) and for the
manifest (:mod:`avtalsgen.build.manifest`: what a case's files were made with).
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import sys
from pathlib import Path

from avtalsgen import __version__

#: The Python packages that shape the outputs, by distribution name: rendering (docxtpl,
#: python-docx, Jinja2, Babel), reading PDFs back (pypdfium2), the packet (pikepdf, fontTools
#: for its fonts) and signatures (pyHanko).
PACKAGES = (
    "docxtpl",
    "python-docx",
    "jinja2",
    "babel",
    "pypdfium2",
    "pikepdf",
    "fonttools",
    "pyHanko",
)

_VERSION_CACHE = "libreoffice-version.json"


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


@functools.cache
def package_versions() -> dict[str, str]:
    """The installed version of each of :data:`PACKAGES`, by its name there.

    Read from the names of the ``.dist-info`` folders on ``sys.path``: one listing of each
    folder, where :func:`importlib.metadata.version` would read every package's metadata
    (an unchanged rebuild asks for these before anything else).
    """
    wanted = {_normal(name): name for name in PACKAGES}
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            listing = os.scandir(entry or ".")
        except OSError:
            continue
        with listing:
            for item in listing:
                if not item.name.endswith(".dist-info"):
                    continue
                name, _, version = item.name.removesuffix(".dist-info").partition("-")
                key = _normal(name)
                if key in wanted and wanted[key] not in found:
                    found[wanted[key]] = version
    for name in PACKAGES:  # installed some other way (an egg, a zip): ask the metadata
        if name not in found:
            import importlib.metadata  # only then: importing it takes some 8 ms

            try:
                found[name] = importlib.metadata.version(name)
            except importlib.metadata.PackageNotFoundError:
                found[name] = "not installed"
    return {name: found[name] for name in PACKAGES}


def libreoffice_binary() -> Path | None:
    """LibreOffice's program file (``soffice.bin`` where there is one), if installed."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return None
    binary = Path(soffice).resolve().parent / "soffice.bin"
    return binary if binary.exists() else Path(soffice).resolve()


def tool_identity() -> str:
    """Everything that shapes the output, as text for the record's hash: avtalsgen's and the
    packages' versions, and LibreOffice by its installed program file (its path, size and
    time; asking soffice its version takes 0.3 s)."""
    parts = [f"avtalsgen {__version__}"]
    parts += [f"{name} {version}" for name, version in package_versions().items()]
    binary = libreoffice_binary()
    if binary is not None:
        info = binary.stat()
        parts.append(f"{binary} {info.st_size} {int(info.st_mtime)}")
    return "\n".join(parts)


@functools.cache
def tool_versions() -> dict[str, str]:
    """The versions of avtalsgen, LibreOffice and :data:`PACKAGES`, for the manifest."""
    return {"avtalsgen": __version__, "LibreOffice": _libreoffice(), **package_versions()}


def _libreoffice() -> str:
    """LibreOffice's version, cached per installation (asking soffice takes 0.3 s)."""
    from avtalsgen.cache import read_cached, write_cached
    from avtalsgen.conversion.soffice import find_soffice, libreoffice_version

    soffice = Path(find_soffice(None)).resolve()
    info = soffice.stat()
    key = f"{soffice}:{info.st_size}:{int(info.st_mtime)}"
    try:
        known = json.loads(read_cached(_VERSION_CACHE) or b"{}")
        if isinstance(known, dict) and isinstance(known.get(key), str):
            return str(known[key])
    except ValueError:
        pass
    version = libreoffice_version(str(soffice))
    write_cached(_VERSION_CACHE, json.dumps({key: version}).encode())
    return version
