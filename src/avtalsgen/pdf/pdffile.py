"""Open PDF files with pikepdf, without paying for a page-tree repair nothing needs.

pikepdf (qpdf) by default pushes the page attributes a page inherits from the page tree
(``/Resources``, ``/MediaBox``, ``/CropBox``, ``/Rotate``) down to every page on opening,
so that pages copied into another PDF keep them. That takes about 0.9 ms for a four-page
LibreOffice PDF, twenty times the rest of opening it, and changes nothing there:
LibreOffice writes ``/MediaBox`` and ``/Resources`` on the page tree's root and on every
page as well. :func:`open_pdf` opens without the push and redoes the opening with it only
when some page lacks an attribute that a node above it holds. Most of the push's time is
qpdf reading objects: a reader that copies every page (the packet) reads them anyway and
saves little; one that reads only the catalog (the check of each converted PDF) saves it all.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO, TypeVar, overload

import pikepdf

#: The page attributes a page inherits from the page tree (ISO 32000-1, table 30).
INHERITABLE = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")
INHERITABLE_KEYS = frozenset(INHERITABLE)


def open_pdf(source: Path | BinaryIO) -> pikepdf.Pdf:
    """Open ``source`` (a path, or a binary stream positioned at its start) as
    :func:`pikepdf.open` does, every page holding the attributes it inherits."""
    pdf = pikepdf.open(source, inherit_page_attributes=False)
    try:
        if not _inherits(pdf):
            return pdf
    except BaseException:
        pdf.close()
        raise
    pdf.close()
    if not isinstance(source, Path):
        source.seek(0)
    return pikepdf.open(source)


def _inherits(pdf: pikepdf.Pdf) -> bool:
    """Whether a page of ``pdf`` lacks an attribute that a node above it in the page tree
    holds (and so would inherit it)."""
    known: dict[tuple[int, int], frozenset[str]] = {}
    for page in pdf.pages:
        held = page.obj.keys()  # one call: pikepdf's 'in' of a str is some 7 µs a key
        missing = [key for key in INHERITABLE if key not in held]
        if missing and not _above(page.obj.get("/Parent"), known).isdisjoint(missing):
            return True
    return False


#: How far up the page tree :func:`_above` looks (a /Parent loop ends there).
_MAX_DEPTH = 64


def _above(node: object, known: dict[tuple[int, int], frozenset[str]]) -> frozenset[str]:
    """The inheritable attributes ``node`` (a page-tree node) and its ancestors hold;
    ``known`` keeps them per node, for the many pages that share one."""
    chain: list[pikepdf.Dictionary] = []
    keys: frozenset[str] = frozenset()
    while isinstance(node, pikepdf.Dictionary) and len(chain) < _MAX_DEPTH:
        if node.is_indirect and node.objgen in known:
            keys = known[node.objgen]
            break
        chain.append(node)
        node = entry(node, "/Parent")
    for item in reversed(chain):
        keys = keys | (item.keys() & INHERITABLE_KEYS)
        if item.is_indirect:
            known[item.objgen] = keys
    return keys


_T = TypeVar("_T")

#: The names :func:`entry` asks for, made once (a Name is asked for faster than a str).
_NAMES: dict[str, pikepdf.Name] = {}


@overload
def entry(obj: pikepdf.Object, key: str) -> pikepdf.Object | None: ...
@overload
def entry(obj: pikepdf.Object, key: str, default: _T) -> pikepdf.Object | _T: ...
def entry(obj: pikepdf.Object, key: str, default: object = None) -> object:
    """``obj.get(key, default)`` for a dictionary or stream ``obj``, asked without an
    exception. pikepdf's ``get`` of a key the dictionary lacks raises a C++ exception and
    catches it, ten times the cost of a key it holds (some 20 µs against 2–3 µs); the
    PDF/A checks and the packet ask for many keys that most dictionaries lack (/Annots,
    /XObject, /AP, /A), about 10 000 times for a batch of 50 cases."""
    name = _NAMES.get(key)
    if name is None:
        name = _NAMES.setdefault(key, pikepdf.Name(key))
    return obj.get(name, default) if name in obj else default
