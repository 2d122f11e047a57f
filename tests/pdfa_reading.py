"""A second, independent reading of a PDF against the PDF/A-2b rules avtalsgen checks,
written with pypdf (a pure-Python parser: not qpdf, on which avtalsgen's own checks and
pikepdf stand) for the tests: it walks every page's content streams and resources (forms,
patterns, Type 3 glyphs, annotation appearances) and the document's actions, and lists what
breaks a rule. It shares no code with avtalsgen.pdf.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.generic import ArrayObject, ContentStream, DictionaryObject, IndirectObject, NameObject

FORBIDDEN_ACTIONS = {
    "/Launch", "/Sound", "/Movie", "/ResetForm", "/ImportData", "/Hide", "/SetOCGState",
    "/Rendition", "/Trans", "/GoTo3DView", "/JavaScript", "/SetState", "/NOP",
}  # fmt: skip
DEVICE_OPERATORS = {b"rg": "RGB", b"RG": "RGB", b"k": "CMYK", b"K": "CMYK"}
DEVICE_NAMES = {
    "/DeviceRGB": "RGB", "/RGB": "RGB", "/DeviceCMYK": "CMYK", "/CMYK": "CMYK",
    "/DeviceGray": "GRAY", "/G": "GRAY",
}  # fmt: skip


def _get(obj: Any) -> Any:
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


class Reading:
    """The findings of one reading of one PDF."""

    def __init__(self, path: Path) -> None:
        self.reader = PdfReader(str(path), strict=False)
        self.problems: list[str] = []
        self.colours: set[str] = set()
        self.fonts: dict[str, set[str]] = {}
        self._seen: set[int] = set()
        self.intent = self._intent()
        self._actions()
        for number, page in enumerate(self.reader.pages, start=1):
            self._page(number, page)
        for space in sorted(self.colours):
            if space == "GRAY" or space == self.intent:
                continue
            self.problems.append(f"Device{space} colour under a {self.intent} output intent")
        for name, programs in sorted(self.fonts.items()):
            if len(programs) > 1:
                self.problems.append(f"subset name {name} stands for {len(programs)} programs")

    # --- the catalog --------------------------------------------------------------------

    def _intent(self) -> str | None:
        root: Any = _get(self.reader.trailer["/Root"])
        intents = [
            _get(i) for i in _get(root.get("/OutputIntents", ArrayObject())) or []
            if _get(i).get("/S") == "/GTS_PDFA1"
        ]  # fmt: skip
        if len(intents) != 1:
            self.problems.append(f"{len(intents)} PDF/A output intents")
            return None
        profile: bytes = _get(intents[0]["/DestOutputProfile"]).get_data()
        return profile[16:20].decode("ascii").strip().upper()

    def _actions(self) -> None:
        root: Any = _get(self.reader.trailer["/Root"])
        if "/AA" in root:
            self.problems.append("the catalog has additional actions")
        self._action(root.get("/OpenAction"), "OpenAction")
        names = _get(root.get("/Names"))
        if isinstance(names, DictionaryObject) and "/JavaScript" in names:
            self.problems.append("JavaScript in the name tree")
        meta = _get(root.get("/Metadata"))
        xmp = meta.get_data().decode("utf-8", "replace") if meta is not None else ""
        if "<pdfaid:part>2</pdfaid:part>" not in xmp and 'pdfaid:part="2"' not in xmp:
            self.problems.append("no PDF/A-2 identification in the XMP")
        outlines = _get(root.get("/Outlines"))
        item = _get(outlines.get("/First")) if isinstance(outlines, DictionaryObject) else None
        while isinstance(item, DictionaryObject):
            self._action(item.get("/A"), "bookmark")
            item = _get(item.get("/Next"))

    def _action(self, action: Any, where: str) -> None:
        action = _get(action)
        if isinstance(action, ArrayObject):
            for item in action:
                self._action(item, where)
        elif isinstance(action, DictionaryObject):
            if action.get("/S") in FORBIDDEN_ACTIONS:
                self.problems.append(f"{where}: {action.get('/S')} action")
            self._action(action.get("/Next"), where)

    # --- pages --------------------------------------------------------------------------

    def _page(self, number: int, page: Any) -> None:
        if "/AA" in page:
            self.problems.append(f"page {number}: additional actions")
        resources = _get(page.get("/Resources")) or DictionaryObject()
        contents = page.get_contents()
        if contents is not None:
            self._content(ContentStream(contents, self.reader), resources, number)
        for annot in _get(page.get("/Annots")) or []:
            annot = _get(annot)
            flags = int(annot.get("/F", 0))
            subtype = annot.get("/Subtype")
            if subtype != "/Popup" and (not flags & 4 or flags & (1 | 2 | 32 | 256)):
                self.problems.append(f"page {number}: {subtype} annotation with flags {flags}")
            if subtype in ("/3D", "/Sound", "/Screen", "/Movie"):
                self.problems.append(f"page {number}: {subtype} annotation")
            if "/AA" in annot:
                self.problems.append(f"page {number}: annotation with additional actions")
            self._action(annot.get("/A"), f"page {number} {subtype}")
            appearance = _get(annot.get("/AP"))
            if isinstance(appearance, DictionaryObject):
                for state in appearance.values():
                    state = _get(state)
                    streams = (
                        state.values()
                        if isinstance(state, DictionaryObject) and ("/Subtype" not in state)
                        else [state]
                    )
                    for stream in streams:
                        self._xobject(_get(stream), number)

    def _content(self, content: ContentStream, resources: Any, number: int) -> None:
        resources = _get(resources) or DictionaryObject()
        spaces = _get(resources.get("/ColorSpace")) or DictionaryObject()
        defaults = {
            name[len("/Default") :].upper() for name in spaces if name.startswith("/Default")
        }
        for name, space in spaces.items():
            if not name.startswith("/Default"):
                self._space(space, defaults)
        for operands, operator in content.operations:
            if operator in DEVICE_OPERATORS:
                if DEVICE_OPERATORS[operator] not in defaults:
                    self.colours.add(DEVICE_OPERATORS[operator])
            elif operator in (b"cs", b"CS"):
                name = operands[0]
                if name in spaces:
                    self._space(spaces[name], defaults)
                else:
                    self._space(name, defaults)
            elif operator == b"INLINE IMAGE":
                settings = operands["settings"]
                if not settings.get("/IM", settings.get("/ImageMask", False)):
                    cs = settings.get("/CS", settings.get("/ColorSpace"))
                    self._space(spaces.get(cs, cs) if isinstance(cs, NameObject) else cs, defaults)
            elif operator == b"Tf":
                font = _get(_get(resources.get("/Font", DictionaryObject())).get(operands[0]))
                if font is not None:
                    self._font(font, number)
            elif operator == b"Do":
                xobject = _get(_get(resources.get("/XObject", DictionaryObject())).get(operands[0]))
                if xobject is not None:
                    self._xobject(xobject, number, defaults)
            elif operator == b"sh":
                shading = _get(_get(resources.get("/Shading", DictionaryObject())).get(operands[0]))
                if shading is not None:
                    self._space(shading.get("/ColorSpace"), defaults)
        for pattern in (_get(resources.get("/Pattern")) or DictionaryObject()).values():
            pattern = _get(pattern)
            if pattern.get("/PatternType") == 1 and id(pattern) not in self._seen:
                self._seen.add(id(pattern))
                self._content(
                    ContentStream(pattern, self.reader), pattern.get("/Resources"), number
                )
            elif "/Shading" in pattern:
                self._space(_get(pattern["/Shading"]).get("/ColorSpace"), defaults)

    def _xobject(self, xobject: Any, number: int, defaults: set[str] | None = None) -> None:
        if xobject is None:
            return
        key = xobject.indirect_reference.idnum if xobject.indirect_reference else id(xobject)
        if key in self._seen:
            return
        self._seen.add(key)
        if xobject.get("/Subtype") == "/Image":
            if not xobject.get("/ImageMask", False):
                self._space(xobject.get("/ColorSpace"), defaults or set())
            return
        if xobject.get("/Subtype") != "/Form":
            return
        group = _get(xobject.get("/Group"))
        if isinstance(group, DictionaryObject) and "/CS" in group:
            self._space(group["/CS"], defaults or set())
        self._content(ContentStream(xobject, self.reader), xobject.get("/Resources"), number)

    def _space(self, space: Any, defaults: set[str]) -> None:
        space = _get(space)
        if isinstance(space, NameObject):
            device = DEVICE_NAMES.get(str(space))
            if device and device not in defaults:
                self.colours.add(device)
        elif isinstance(space, ArrayObject) and len(space):
            family = space[0]
            if family in ("/Indexed", "/Pattern") and len(space) > 1:
                self._space(space[1], defaults)
            elif family in ("/Separation", "/DeviceN") and len(space) > 2:
                self._space(space[2], defaults)

    def _font(self, font: Any, number: int) -> None:
        key = font.indirect_reference.idnum if font.indirect_reference else id(font)
        if key in self._seen:
            return
        self._seen.add(key)
        name = str(font.get("/BaseFont", ""))[1:]
        target = font
        if font.get("/Subtype") == "/Type0":
            target = _get(_get(font["/DescendantFonts"])[0])
            if target.get("/Subtype") == "/CIDFontType2" and "/CIDToGIDMap" not in target:
                self.problems.append(f"page {number}: {name} has no CIDToGIDMap")
        if font.get("/Subtype") == "/Type3":
            for glyph in (_get(font.get("/CharProcs")) or DictionaryObject()).values():
                self._content(
                    ContentStream(_get(glyph), self.reader), font.get("/Resources"), number
                )
            return
        descriptor = _get(target.get("/FontDescriptor"))
        program = None
        if isinstance(descriptor, DictionaryObject):
            for key_name in ("/FontFile", "/FontFile2", "/FontFile3"):
                if key_name in descriptor:
                    program = _get(descriptor[key_name])
        if program is None:
            self.problems.append(f"page {number}: font {name} is not embedded")
            return
        if len(name) > 7 and name[6] == "+" and name[:6].isupper():
            digest = hashlib.sha256(program.get_data()).hexdigest()
            self.fonts.setdefault(name, set()).add(digest)


def pdfa_reading(path: Path) -> list[str]:
    """What the independent reading finds against PDF/A-2b in the PDF at ``path``."""
    return Reading(path).problems
