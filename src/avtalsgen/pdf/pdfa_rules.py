"""PDF/A-2b rules beyond the file's structure: actions, colour spaces in the content, the
objects PDF/A forbids, and font subset names (used by :mod:`avtalsgen.pdf.pdfa`).

- **Actions** (ISO 19005-2, 6.5.1, 6.6.2): no JavaScript, Launch, Sound, Movie, ResetForm,
  ImportData, Hide, SetOCGState, Rendition, Trans, GoTo3DView, SetState or NOP action, no
  named action but NextPage, PrevPage, FirstPage and LastPage, wherever an action sits
  (the catalog's /OpenAction, annotations, outline items, chained /Next actions); no
  additional actions (/AA) on the catalog, pages, annotations or form fields; no
  JavaScript in the name tree; no 3D, Sound, Screen or Movie annotations.
- **Colour spaces** (6.2.4.3, 6.2.4.4): DeviceRGB only under an RGB output intent, DeviceCMYK
  only under a CMYK one (unless a DefaultRGB or DefaultCMYK colour space stands for it),
  read from the content streams (operators and inline images), images, shadings,
  transparency groups and the alternates of Indexed, Separation and DeviceN spaces.
- **Objects**: no LZW compression, PostScript XObjects, transfer functions or halftone
  overrides, interpolated images, alternate images, OPI, XFA forms or embedded files.
- **Font subset names** (ISO 32000-1, 9.6.4): the same subset tag and name never stands for
  two different font programs in one file.

Each problem is a sentence that names the rule and where it is broken.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Collection, Iterable, Iterator

import pikepdf

from avtalsgen.i18n import _
from avtalsgen.pdf.pdffile import entry

#: Action types PDF/A-2 forbids (6.5.1), SetState and NOP being deprecated ones.
FORBIDDEN_ACTIONS = frozenset(
    {
        "/Launch", "/Sound", "/Movie", "/ResetForm", "/ImportData", "/Hide", "/SetOCGState",
        "/Rendition", "/Trans", "/GoTo3DView", "/JavaScript", "/SetState", "/NOP",
    }
)  # fmt: skip
#: The named actions PDF/A-2 allows.
ALLOWED_NAMED = frozenset({"/NextPage", "/PrevPage", "/FirstPage", "/LastPage"})
#: Annotation types PDF/A-2 forbids (6.3.1).
FORBIDDEN_ANNOTATIONS = frozenset({"/3D", "/Sound", "/Screen", "/Movie"})

_DEVICE = {"/DeviceRGB": "RGB", "/DeviceCMYK": "CMYK", "/DeviceGray": "GRAY"}
_INLINE_DEVICE = {"/RGB": "RGB", "/CMYK": "CMYK", "/G": "GRAY", **_DEVICE}
#: Operators that set a device colour directly, and the colour space they use.
_COLOUR_OPERATORS = {"rg": "RGB", "RG": "RGB", "k": "CMYK", "K": "CMYK"}
_INTENT_NAMES = {"RGB": "RGB", "CMYK": "CMYK", "GRAY": "gray"}


def icc_colour_space(profile: bytes) -> str:
    """The colour space of an ICC profile's data ("RGB", "CMYK", "GRAY", ...)."""
    return profile[16:20].decode("ascii", "replace").strip().upper() or "?"


def output_intent_space(pdf: pikepdf.Pdf) -> str | None:
    """The colour space of the PDF/A output intent's profile; None if there is none."""
    for intent in pdf.Root.get("/OutputIntents", pikepdf.Array()):
        if not isinstance(intent, pikepdf.Dictionary) or intent.get("/S") != "/GTS_PDFA1":
            continue
        profile = intent.get("/DestOutputProfile")
        if isinstance(profile, pikepdf.Stream):
            return icc_colour_space(profile.read_bytes())
    return None


# --- actions ------------------------------------------------------------------------------


def action_problems(pdf: pikepdf.Pdf) -> list[str]:
    """Actions and annotation types PDF/A-2 forbids, each once, with where it is."""
    problems: list[str] = []
    seen: set[tuple[int, int]] = set()

    def action(obj: object, where: str, depth: int = 0) -> None:
        if depth > 32:
            return
        if isinstance(obj, pikepdf.Array):
            for item in obj:
                action(item, where, depth + 1)
            return
        if not isinstance(obj, pikepdf.Dictionary):
            return
        if obj.is_indirect:
            if obj.objgen in seen:
                return
            seen.add(obj.objgen)
        kind = str(obj.get("/S", ""))
        if kind in FORBIDDEN_ACTIONS:
            problems.append(
                _("{where}: a {kind} action, which PDF/A forbids (ISO 19005-2, 6.5.1)").format(
                    where=where, kind=kind.lstrip("/")
                )
            )
        elif kind == "/Named" and str(obj.get("/N", "")) not in ALLOWED_NAMED:
            problems.append(
                _("{where}: the named action {name}, which PDF/A forbids (6.5.1)").format(
                    where=where, name=str(obj.get("/N", "?")).lstrip("/")
                )
            )
        action(obj.get("/Next"), where, depth + 1)

    def additional(owner: pikepdf.Dictionary, where: str) -> None:
        if "/AA" in owner:
            problems.append(
                _("{where}: additional actions (/AA), which PDF/A forbids (6.6.2)").format(
                    where=where
                )
            )

    root: pikepdf.Dictionary = pdf.Root  # type: ignore[assignment]
    additional(root, _("the catalog"))
    open_action = entry(root, "/OpenAction")
    if isinstance(open_action, pikepdf.Dictionary):
        action(open_action, _("the action on opening"))
    names = entry(root, "/Names")
    if isinstance(names, pikepdf.Dictionary) and "/JavaScript" in names:
        problems.append(_("the name tree holds JavaScript, which PDF/A forbids (6.6.1)"))
    for number, page in enumerate(pdf.pages, start=1):
        where = _("page {number}").format(number=number)
        additional(page.obj, where)
        for annot in entry(page.obj, "/Annots", pikepdf.Array()):
            if not isinstance(annot, pikepdf.Dictionary):
                continue
            subtype = str(annot.get("/Subtype", "/Annot"))
            here = _("page {number}, {kind} annotation").format(
                number=number, kind=subtype.lstrip("/")
            )
            if subtype in FORBIDDEN_ANNOTATIONS:
                problems.append(
                    _("{where}: this annotation type is forbidden in PDF/A (6.3.1)").format(
                        where=here
                    )
                )
            action(entry(annot, "/A"), here)
            additional(annot, here)
    for item in _outline_items(root):
        action(entry(item, "/A"), _("a bookmark"))
    acroform = entry(root, "/AcroForm")
    if isinstance(acroform, pikepdf.Dictionary):
        for field in _fields(acroform.get("/Fields")):
            additional(field, _("form field {name}").format(name=str(field.get("/T", "?"))))
    return list(dict.fromkeys(problems))


def _forbidden(action: object, depth: int = 0) -> bool:
    """Whether ``action``, or an action chained to it (/Next), is one PDF/A forbids."""
    if depth > 32:
        return False
    if isinstance(action, pikepdf.Array):
        return any(_forbidden(item, depth + 1) for item in action)
    if not isinstance(action, pikepdf.Dictionary):
        return False
    kind = str(action.get("/S", ""))
    if kind in FORBIDDEN_ACTIONS:
        return True
    if kind == "/Named" and str(action.get("/N", "")) not in ALLOWED_NAMED:
        return True
    return _forbidden(action.get("/Next"), depth + 1)


def remove_forbidden_actions(pdf: pikepdf.Pdf) -> int:
    """Remove what :func:`action_problems` finds: forbidden actions (with the actions
    chained to them), additional actions, JavaScript in the name tree and annotations of
    forbidden types. Returns how many were removed. A link whose action goes keeps its
    place on the page and does nothing."""
    removed = 0
    root: pikepdf.Dictionary = pdf.Root  # type: ignore[assignment]

    def drop(owner: pikepdf.Dictionary, key: str) -> None:
        nonlocal removed
        if key in owner:
            del owner[key]
            removed += 1

    drop(root, "/AA")
    if _forbidden(root.get("/OpenAction")):
        drop(root, "/OpenAction")
    names = root.get("/Names")
    if isinstance(names, pikepdf.Dictionary):
        drop(names, "/JavaScript")
    for page in pdf.pages:
        drop(page.obj, "/AA")
        annots = entry(page.obj, "/Annots")
        if not isinstance(annots, pikepdf.Array):
            continue
        kept = pikepdf.Array()
        for annot in annots:
            if isinstance(annot, pikepdf.Dictionary):
                if str(annot.get("/Subtype", "")) in FORBIDDEN_ANNOTATIONS:
                    removed += 1
                    continue
                if _forbidden(entry(annot, "/A")):
                    drop(annot, "/A")
                drop(annot, "/AA")
            kept.append(annot)
        page.obj.Annots = kept
    for item in _outline_items(root):
        if _forbidden(entry(item, "/A")):
            drop(item, "/A")
    acroform = entry(root, "/AcroForm")
    if isinstance(acroform, pikepdf.Dictionary):
        for field in _fields(acroform.get("/Fields")):
            drop(field, "/AA")
    return removed


def _outline_items(root: pikepdf.Dictionary) -> Iterator[pikepdf.Dictionary]:
    outlines = entry(root, "/Outlines")
    if not isinstance(outlines, pikepdf.Dictionary):
        return
    todo = [entry(outlines, "/First")]
    seen: set[tuple[int, int]] = set()
    while todo:
        item = todo.pop()
        while isinstance(item, pikepdf.Dictionary) and len(seen) < 100_000:
            key = item.objgen
            if key in seen:
                break
            seen.add(key)
            yield item
            todo.append(entry(item, "/First"))
            item = entry(item, "/Next")


def _fields(fields: object, depth: int = 0) -> Iterator[pikepdf.Dictionary]:
    if not isinstance(fields, pikepdf.Array) or depth > 32:
        return
    for field in fields:
        if isinstance(field, pikepdf.Dictionary):
            yield field
            yield from _fields(entry(field, "/Kids"), depth + 1)


# --- colour spaces ------------------------------------------------------------------------


class _ColourWalker:
    """Finds the device colour spaces a PDF's content uses that its output intent does not
    stand for."""

    def __init__(self, intent: str | None) -> None:
        self.intent = intent
        self.problems: dict[str, str] = {}  # one problem per colour space and place
        self.seen: set[tuple[int, int]] = set()

    def report(self, space: str, where: str, defaults: frozenset[str]) -> None:
        if space == "GRAY" and self.intent is not None:
            return  # DeviceGray is fine under any output intent
        if space == self.intent or space in defaults:
            return
        key = f"{space}:{where}"
        if key in self.problems:
            return
        shown = "Gray" if space == "GRAY" else space
        if self.intent is None:
            self.problems[key] = _(
                "{where}: Device{space} colour without an output intent, which PDF/A forbids "
                "(ISO 19005-2, 6.2.4.3)"
            ).format(where=where, space=shown)
            return
        intent = _INTENT_NAMES.get(self.intent, self.intent)
        self.problems[key] = _(
            "{where}: Device{space} colour under the {intent} output intent, which PDF/A "
            "forbids (ISO 19005-2, 6.2.4.3)"
        ).format(where=where, space=shown, intent=intent)

    def space(self, obj: object, where: str, defaults: frozenset[str], depth: int = 0) -> None:
        """A colour space object (a name or an array such as [/Indexed base ...])."""
        if depth > 8:
            return
        if isinstance(obj, pikepdf.Name):
            device = _DEVICE.get(str(obj))
            if device:
                self.report(device, where, defaults)
            return
        if not isinstance(obj, pikepdf.Array) or len(obj) == 0:
            return
        family = str(obj[0])
        if family == "/Indexed" and len(obj) > 1:
            self.space(obj[1], where, defaults, depth + 1)
        elif family in ("/Separation", "/DeviceN") and len(obj) > 2:
            self.space(obj[2], where, defaults, depth + 1)  # the alternate space
        elif family == "/Pattern" and len(obj) > 1:
            self.space(obj[1], where, defaults, depth + 1)

    def resources(self, resources: object, where: str) -> frozenset[str]:
        """Check the colour spaces, images, shadings and patterns a resource dictionary
        lists; return the device spaces its Default colour spaces stand for."""
        if not isinstance(resources, pikepdf.Dictionary):
            return frozenset()
        spaces = entry(resources, "/ColorSpace")
        defaults = frozenset(
            name.removeprefix("/Default").upper()
            for name in (spaces.keys() if isinstance(spaces, pikepdf.Dictionary) else ())
            if name in ("/DefaultRGB", "/DefaultCMYK", "/DefaultGray")
        )
        if isinstance(spaces, pikepdf.Dictionary):
            for key, value in spaces.items():
                if not key.startswith("/Default"):
                    self.space(value, where, defaults)
        for shading in _values(entry(resources, "/Shading")):
            if isinstance(shading, pikepdf.Dictionary):
                self.space(shading.get("/ColorSpace"), where, defaults)
        for pattern in _values(entry(resources, "/Pattern")):
            if not isinstance(pattern, pikepdf.Dictionary) or not self._first(pattern):
                continue
            inner = pattern.get("/Shading")
            if isinstance(inner, pikepdf.Dictionary):
                self.space(inner.get("/ColorSpace"), where, defaults)
            if isinstance(pattern, pikepdf.Stream):
                self.content(pattern, pattern.get("/Resources", resources), where)
        for state in _values(entry(resources, "/ExtGState")):
            mask = state.get("/SMask") if isinstance(state, pikepdf.Dictionary) else None
            if isinstance(mask, pikepdf.Dictionary):
                group = mask.get("/G")
                if isinstance(group, pikepdf.Stream) and self._first(group):
                    self.xobject(group, where, defaults)
        for xobject in _values(entry(resources, "/XObject")):
            if isinstance(xobject, pikepdf.Stream):
                self.xobject(xobject, where, defaults)
        for font in _values(resources.get("/Font")):
            if (
                isinstance(font, pikepdf.Dictionary)
                and font.get("/Subtype") == "/Type3"
                and self._first(font)
            ):
                for glyph in _values(font.get("/CharProcs")):
                    if isinstance(glyph, pikepdf.Stream):
                        self.content(glyph, font.get("/Resources", resources), where)
        return defaults

    def xobject(self, xobject: pikepdf.Stream, where: str, defaults: frozenset[str]) -> None:
        if not self._first(xobject):
            return
        subtype = xobject.get("/Subtype")
        if subtype == "/Image":
            if not xobject.get("/ImageMask", False):
                self.space(xobject.get("/ColorSpace"), where, defaults)
            return
        if subtype != "/Form":
            return
        group = xobject.get("/Group")
        if isinstance(group, pikepdf.Dictionary):
            self.space(group.get("/CS"), where, defaults)
        self.content(xobject, xobject.get("/Resources"), where)

    def content(self, stream: object, resources: object, where: str) -> None:
        """The operators of a content stream (a page, form, pattern or glyph)."""
        defaults = self.resources(resources, where)
        spaces = (
            entry(resources, "/ColorSpace") if isinstance(resources, pikepdf.Dictionary) else None
        )
        try:
            instructions = pikepdf.parse_content_stream(stream)  # type: ignore[arg-type]
        except pikepdf.PdfError as exc:
            self.problems[f"parse:{where}"] = _(
                "{where}: the content cannot be read: {error}"
            ).format(where=where, error=exc)
            return
        for instruction in instructions:
            if isinstance(instruction, pikepdf.ContentStreamInlineImage):
                image = instruction.iimage.obj
                if not image.get("/ImageMask", image.get("/IM", False)):
                    named = image.get("/ColorSpace", image.get("/CS"))
                    self.inline_space(named, spaces, where, defaults)
                continue
            operator = str(instruction.operator)
            device = _COLOUR_OPERATORS.get(operator)
            if device:
                self.report(device, where, defaults)
            elif operator in ("cs", "CS") and instruction.operands:
                self.inline_space(instruction.operands[0], spaces, where, defaults)

    def inline_space(
        self, named: object, spaces: object, where: str, defaults: frozenset[str]
    ) -> None:
        if isinstance(named, pikepdf.Name):
            device = _INLINE_DEVICE.get(str(named))
            if device:
                self.report(device, where, defaults)
            elif isinstance(spaces, pikepdf.Dictionary) and str(named) in spaces:
                self.space(spaces[str(named)], where, defaults)
        else:
            self.space(named, where, defaults)

    def _first(self, obj: pikepdf.Object) -> bool:
        if not obj.is_indirect:
            return True
        if obj.objgen in self.seen:
            return False
        self.seen.add(obj.objgen)
        return True


def colour_problems(
    pdf: pikepdf.Pdf, intent: str | None, pages: Collection[int] | None = None
) -> list[str]:
    """Device colour spaces used against the output intent's colour space ``intent``
    ("RGB", "CMYK", "GRAY"; None when there is no intent), in every page or ``pages``
    (numbered from 1), their annotations' appearances included."""
    walker = _ColourWalker(intent)
    for number, page in enumerate(pdf.pages, start=1):
        if pages is not None and number not in pages:
            continue
        where = _("page {number}").format(number=number)
        group = entry(page.obj, "/Group")
        resources = page.obj.get("/Resources")
        if isinstance(group, pikepdf.Dictionary):
            walker.space(group.get("/CS"), where, frozenset())
        walker.content(page.obj, resources, where)
        for stream in appearance_streams(page):
            walker.xobject(stream, where, frozenset())
    return list(walker.problems.values())


def appearance_streams(page: pikepdf.Page) -> Iterator[pikepdf.Stream]:
    """The appearance streams of ``page``'s annotations (:func:`state_streams` of each
    appearance, normal, rollover and down)."""
    for annot in entry(page.obj, "/Annots", pikepdf.Array()):
        appearance = entry(annot, "/AP") if isinstance(annot, pikepdf.Dictionary) else None
        if isinstance(appearance, pikepdf.Dictionary):
            for state in appearance.values():
                yield from state_streams(state)


def state_streams(state: object) -> Iterator[pikepdf.Stream]:
    """The streams of one appearance: itself, or its states' (e.g. a check box's)."""
    if isinstance(state, pikepdf.Stream):
        yield state
    elif isinstance(state, pikepdf.Dictionary):
        yield from (s for s in state.values() if isinstance(s, pikepdf.Stream))


def _values(obj: object) -> list[pikepdf.Object]:
    return list(obj.values()) if isinstance(obj, pikepdf.Dictionary) else []


# --- objects ------------------------------------------------------------------------------


def object_problems(pdf: pikepdf.Pdf, *, embedded_files: bool = False) -> list[str]:
    """Objects PDF/A-2 forbids, wherever they are in the file (each kind once). Embedded
    files are refused unless ``embedded_files`` (a finished packet or extract, whose
    embedded files :func:`avtalsgen.pdf.pdfa.pdfa_problems` checks as PDF/A themselves);
    an input to the packet may not have them, since the packet does not take them."""
    found: dict[str, str] = {}

    def add(key: str, text: str) -> None:
        found.setdefault(key, text)

    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            continue
        keys = set(obj.keys())  # one call: pikepdf's lookups cost microseconds each
        if "/Filter" in keys:
            filters = obj.get("/Filter")
            names = [filters] if isinstance(filters, pikepdf.Name) else list(filters or [])
            if any(str(name) == "/LZWDecode" for name in names):
                add("lzw", _("a stream is LZW-compressed, which PDF/A forbids (6.1.7.2)"))
        if "/Subtype" in keys or "/Subtype2" in keys:
            subtype = obj.get("/Subtype")
            if subtype == "/PS" or obj.get("/Subtype2") == "/PS":
                add("ps", _("a PostScript XObject, which PDF/A forbids (6.2.9)"))
            if subtype == "/Image":
                interpolate: object = obj.get("/Interpolate")  # a Python bool in pikepdf
                if interpolate is True:
                    add("interpolate", _("an image asks to be interpolated, which PDF/A forbids"))
                if "/Alternates" in keys:
                    add("alternates", _("an image has alternates, which PDF/A forbids (6.2.8)"))
        if "/OPI" in keys:
            add("opi", _("OPI information, which PDF/A forbids"))
        if keys & {"/TR", "/TR2", "/HTO"} and obj.get("/Type", pikepdf.Name.ExtGState) == (
            "/ExtGState"
        ):
            if "/TR" in keys or ("/TR2" in keys and obj.get("/TR2") != "/Default"):
                add("tr", _("a transfer function in a graphics state, which PDF/A forbids"))
            if "/HTO" in keys:
                add("hto", _("a halftone origin in a graphics state, which PDF/A forbids"))
    acroform = entry(pdf.Root, "/AcroForm")
    if isinstance(acroform, pikepdf.Dictionary) and "/XFA" in acroform:
        add("xfa", _("an XFA form, which PDF/A forbids (6.4.2)"))
    tree = entry(pdf.Root, "/Names")
    if isinstance(tree, pikepdf.Dictionary) and "/EmbeddedFiles" in tree and not embedded_files:
        add("files", _("embedded files, which the packet cannot check and does not take"))
    return list(found.values())


# --- font subset names --------------------------------------------------------------------

SUBSET_TAG = re.compile(r"^[A-Z]{6}\+")


def embedded_fonts(pdf: pikepdf.Pdf) -> Iterator[tuple[pikepdf.Dictionary, pikepdf.Stream]]:
    """Every font dictionary with an embedded program (for a Type 0 font, its descendant's),
    with that program, found in the pages' resources, forms and annotation appearances."""
    seen: set[tuple[int, int]] = set()

    def fonts_of(resources: object, depth: int = 0) -> Iterator[pikepdf.Dictionary]:
        if not isinstance(resources, pikepdf.Dictionary) or depth > 16:
            return
        for font in _values(entry(resources, "/Font")):
            if isinstance(font, pikepdf.Dictionary) and _first_visit(font, seen):
                yield font
                if font.get("/Subtype") == "/Type3":
                    yield from fonts_of(font.get("/Resources"), depth + 1)
        for xobject in _values(entry(resources, "/XObject")):
            if (
                isinstance(xobject, pikepdf.Stream)
                and xobject.get("/Subtype") == "/Form"
                and _first_visit(xobject, seen)
            ):
                yield from fonts_of(xobject.get("/Resources"), depth + 1)

    def appearances(page: pikepdf.Page) -> Iterable[object]:
        for stream in appearance_streams(page):
            if _first_visit(stream, seen):
                yield stream.get("/Resources")

    for page in pdf.pages:
        for resources in [page.obj.get("/Resources"), *appearances(page)]:
            for font in fonts_of(resources):
                descriptor_owner: pikepdf.Object = font
                if font.get("/Subtype") == "/Type0":
                    kids = font.get("/DescendantFonts")
                    if isinstance(kids, pikepdf.Array) and len(kids):
                        descriptor_owner = kids[0]
                descriptor = descriptor_owner.get("/FontDescriptor")
                if not isinstance(descriptor, pikepdf.Dictionary):
                    continue
                for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                    program = entry(descriptor, key)
                    if isinstance(program, pikepdf.Stream):
                        yield font, program
                        break


def _first_visit(obj: pikepdf.Object, seen: set[tuple[int, int]]) -> bool:
    if not obj.is_indirect:
        return True
    if obj.objgen in seen:
        return False
    seen.add(obj.objgen)
    return True


def program_identity(program: pikepdf.Stream) -> bytes:
    """A font program's identity: its stored bytes and how they are encoded. Two programs
    are the same font program when their identities are equal."""
    coding = pikepdf.Dictionary(
        {k: v for k in ("/Filter", "/DecodeParms") if (v := entry(program, k)) is not None}
    )
    return program.read_raw_bytes() + coding.unparse(resolved=True)


def subset_name_problems(pdf: pikepdf.Pdf) -> list[str]:
    """Subset names (``ABCDEF+Name``) that stand for more than one font program."""
    named: dict[str, list[pikepdf.Stream]] = {}
    for font, program in embedded_fonts(pdf):
        name = str(font.get("/BaseFont", "")).lstrip("/")
        if SUBSET_TAG.match(name):
            named.setdefault(name, []).append(program)
    # A name that only one font dictionary bears stands for one program: only the programs
    # of names borne more than once are compared.
    programs = {
        name: {program_identity(program) for program in found}
        for name, found in named.items()
        if len(found) > 1
    }
    return [
        _(
            "the font subset name {name} stands for {count} different font programs; each "
            "subset needs a tag of its own (ISO 32000-1, 9.6.4)"
        ).format(name=name, count=len(digests))
        for name, digests in sorted(programs.items())
        if len(digests) > 1
    ]


def unique_subset_names(pdf: pikepdf.Pdf) -> int:
    """Give each font program its own subset name where one name stands for several (as in
    a packet made of several LibreOffice documents, each of which names its subsets
    BAAAAA+..., CAAAAA+...): the first program keeps the name, the others get a tag made
    from their program's digest. Returns how many fonts were renamed."""
    first: dict[str, bytes] = {}  # the identity of the first program of each name
    renamed: dict[tuple[str, bytes], str] = {}
    fonts = [(str(font.get("/BaseFont", "")).lstrip("/"), font, program)
             for font, program in embedded_fonts(pdf)]  # fmt: skip
    taken = {name for name, _font, _program in fonts}
    borne = Counter(name for name, _font, _program in fonts)
    count = 0
    for name, font, program in fonts:
        if borne[name] == 1 or not SUBSET_TAG.match(name):
            continue  # a name borne once stands for one program: nothing to compare
        # Compared by their bytes; hashed (some 2 µs a kB) only to tag one renamed.
        identity = program_identity(program)
        if first.setdefault(name, identity) == identity:
            continue
        digest = hashlib.sha256(identity).digest()
        if (name, digest) not in renamed:
            salt = 0
            while (candidate := f"{_tag(digest, salt)}+{name[7:]}") in taken:
                salt += 1
            taken.add(candidate)
            renamed[(name, digest)] = candidate
        _rename(font, renamed[(name, digest)])
        count += 1
    return count


def _tag(digest: bytes, salt: int) -> str:
    """Six capital letters from a program's digest (and ``salt``, tried until one is free)."""
    mixed = hashlib.sha256(digest + salt.to_bytes(4, "big")).digest() if salt else digest
    return "".join(chr(ord("A") + b % 26) for b in mixed[:6])


def _rename(font: pikepdf.Dictionary, name: str) -> None:
    font.BaseFont = pikepdf.Name(f"/{name}")
    owners = [font]
    if font.get("/Subtype") == "/Type0":
        kids = font.get("/DescendantFonts")
        if isinstance(kids, pikepdf.Array):
            owners += [kid for kid in kids if isinstance(kid, pikepdf.Dictionary)]
            for kid in owners[1:]:
                kid.BaseFont = pikepdf.Name(f"/{name}")
    for owner in owners:
        descriptor = owner.get("/FontDescriptor")
        if isinstance(descriptor, pikepdf.Dictionary):
            descriptor.FontName = pikepdf.Name(f"/{name}")
