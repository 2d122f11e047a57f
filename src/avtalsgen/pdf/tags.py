"""A tagged PDF checked the way a screen reader needs it (ISO 32000-1, 14.7 and 14.8).

:func:`structure_problems` walks the structure tree from its root and every page's
content, and lists what breaks:

- the catalog: ``/MarkInfo /Marked true``, a structure tree, a ``/Lang``;
- every structure type is a standard one, or mapped to one by the role map;
- every page's painting operators (text, paths, images, shadings, forms) stand inside
  marked content that is an ``/Artifact`` or has an ``/MCID``;
- every marked-content id on a page is reachable from the structure tree (through an
  element's ``/K``), and the parent tree gives the element that holds it;
- every annotation but a popup is an ``OBJR`` of an element, through its ``/StructParent``;
  a signature field's element is a ``Form``; a page with annotations has ``/Tabs /S``.
  An annotation that lies wholly outside the page's crop box (the invisible field of a
  document time stamp, which PDF/A-2 wants to print) is no part of the page and is not
  asked for (PDF/UA-1 7.18.1);
- headings are in order: no level skipped on the way down (H1, then H3, is a gap).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pikepdf

from avtalsgen.i18n import _

#: The standard structure types of ISO 32000-1 (14.8.4).
STANDARD = frozenset(
    ["Document", "Part", "Art", "Sect", "Div", "BlockQuote", "Caption", "TOC", "TOCI",
     "Index", "NonStruct", "Private", "H", "H1", "H2", "H3", "H4", "H5", "H6", "P", "L", "LI",
     "Lbl", "LBody", "Table", "TR", "TH", "TD", "THead", "TBody", "TFoot", "Span", "Quote",
     "Note", "Reference", "BibEntry", "Code", "Link", "Annot", "Ruby", "RB", "RT", "RP",
     "Warichu", "WT", "WP", "Figure", "Formula", "Form"]
)  # fmt: skip
#: Operators that paint (or show text): they must stand in tagged content or an artifact.
PAINTING = frozenset(
    ["Tj", "TJ", "'", '"', "f", "F", "f*", "B", "B*", "b", "b*", "S", "s", "Do", "sh",
     "INLINE IMAGE"]
)  # fmt: skip
_MARKING = "BDC BMC EMC"
_HEADING = re.compile(r"^H([1-6])$")


def structure_problems(pdf: pikepdf.Pdf, lang: str | None = "sv-SE") -> list[str]:
    """What keeps ``pdf`` from being a tagged PDF a screen reader can follow (see the
    module's docstring); empty when nothing does."""
    problems: list[str] = []
    root = pdf.Root
    mark_info = root.get("/MarkInfo")
    marked: object = mark_info.get("/Marked") if isinstance(mark_info, pikepdf.Dictionary) else None
    if marked is not True:
        problems.append(_("the file is not marked as tagged (/MarkInfo /Marked true)"))
    if lang is not None and str(root.get("/Lang", "")).casefold() != lang.casefold():
        problems.append(
            _("the catalog declares language {found}, expected {lang}").format(
                found=root.get("/Lang"), lang=lang
            )
        )
    tree = root.get("/StructTreeRoot")
    if not isinstance(tree, pikepdf.Dictionary):
        return [*problems, _("there is no structure tree")]
    roles = tree.get("/RoleMap", pikepdf.Dictionary())
    pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages, 1)}
    reached: set[tuple[tuple[int, int], int]] = set()  # (page, mcid)
    annotations: dict[tuple[int, int], str] = {}  # annotation -> its element's type
    headings: list[int] = []
    for elem, kind, where in _walk(tree, roles, problems):
        match = _HEADING.match(kind)
        if match:
            headings.append(int(match.group(1)))
        for kid in _kids(elem):
            if isinstance(kid, int):
                if where is None:
                    problems.append(
                        _("a {kind} element holds content {mcid} but names no page").format(
                            kind=kind, mcid=kid
                        )
                    )
                else:
                    reached.add((where, kid))
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                named = kid.get("/Pg")
                owner = named.objgen if isinstance(named, pikepdf.Dictionary) else where
                if owner is not None:
                    reached.add((owner, int(kid.get("/MCID", -1))))
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
                target = kid.get("/Obj")
                if isinstance(target, pikepdf.Dictionary):
                    annotations[target.objgen] = kind
    problems += _heading_problems(headings)
    parents = tree.get("/ParentTree")
    parent_tree = pikepdf.NumberTree(parents) if isinstance(parents, pikepdf.Dictionary) else None
    for page in pdf.pages:
        number = pages[page.obj.objgen]
        problems += _content_problems(page, number, reached, parent_tree)
        problems += _annotation_problems(page, number, annotations, parent_tree)
    return problems


def _resolve(kind: str, roles: pikepdf.Object) -> str:
    seen = set()
    while kind not in STANDARD and kind not in seen and isinstance(roles, pikepdf.Dictionary):
        seen.add(kind)
        mapped = roles.get(f"/{kind}")
        if mapped is None:
            break
        kind = str(mapped).lstrip("/")
    return kind


def _kids(elem: pikepdf.Dictionary) -> list[object]:
    kids = elem.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _walk(
    tree: pikepdf.Dictionary, roles: pikepdf.Object, problems: list[str]
) -> Iterator[tuple[pikepdf.Dictionary, str, tuple[int, int] | None]]:
    """Every structure element in reading order, with its standard type and the page its
    content is on by default."""
    stack: list[tuple[object, tuple[int, int] | None]] = [
        (kid, None) for kid in reversed(_kids(tree))
    ]
    seen: set[tuple[int, int]] = set()
    while stack:
        elem, page = stack.pop()
        if not isinstance(elem, pikepdf.Dictionary) or elem.get("/Type") in ("/MCR", "/OBJR"):
            continue
        if elem.is_indirect:
            if elem.objgen in seen:
                problems.append(_("a structure element is reached twice"))
                continue
            seen.add(elem.objgen)
        own = elem.get("/Pg")
        page = own.objgen if isinstance(own, pikepdf.Dictionary) else page
        raw = str(elem.get("/S", "")).lstrip("/")
        kind = _resolve(raw, roles)
        if kind not in STANDARD:
            problems.append(
                _("structure type {kind} is neither standard nor mapped to one").format(kind=raw)
            )
        yield elem, kind, page
        stack += [(kid, page) for kid in reversed(_kids(elem))]


def _heading_problems(levels: list[int]) -> list[str]:
    problems, deepest = [], 0
    for level in levels:
        if level > deepest + 1:
            problems.append(
                _("heading H{level} follows H{previous}: a level is skipped").format(
                    level=level, previous=deepest or "-"
                )
            )
        deepest = level
    return problems


def _content_problems(
    page: pikepdf.Page,
    number: int,
    reached: set[tuple[tuple[int, int], int]],
    parent_tree: pikepdf.NumberTree | None,
) -> list[str]:
    problems: list[str] = []
    stack: list[bool] = []  # per open marked content: is it an artifact or tagged content?
    used: set[int] = set()
    untagged = 0
    for instruction in pikepdf.parse_content_stream(page, f"{_MARKING} {' '.join(PAINTING)}"):
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            operator = "INLINE IMAGE"
        else:
            operator = str(instruction.operator)
        if operator in ("BDC", "BMC"):
            tag = str(instruction.operands[0]).lstrip("/")
            props = instruction.operands[1] if operator == "BDC" else None
            mcid = props.get("/MCID") if isinstance(props, pikepdf.Dictionary) else None
            if mcid is not None:
                used.add(int(mcid))
            stack.append(tag == "Artifact" or mcid is not None or (bool(stack) and stack[-1]))
        elif operator == "EMC":
            if stack:
                stack.pop()
        elif not (stack and stack[-1]):
            untagged += 1
    if untagged:
        problems.append(
            _(
                "page {number}: {count} painting operations are neither tagged content nor "
                "an artifact"
            ).format(number=number, count=untagged)
        )
    objgen = page.obj.objgen
    for used_id in sorted(used):
        if (objgen, used_id) not in reached:
            problems.append(
                _("page {number}: marked content {mcid} is not in the structure tree").format(
                    number=number, mcid=used_id
                )
            )
    if used:
        key = page.obj.get("/StructParents")
        found = parent_tree.get(int(key)) if parent_tree is not None and key is not None else None
        if not isinstance(found, pikepdf.Array) or len(found) < max(used) + 1:
            problems.append(
                _("page {number}: the parent tree does not list its marked content").format(
                    number=number
                )
            )
    return problems


def _box(value: object) -> tuple[float, float, float, float] | None:
    """A rectangle as (left, bottom, right, top), or None if it is not one."""
    if not isinstance(value, pikepdf.Array) or len(value) != 4:
        return None
    try:
        x1, y1, x2, y2 = (float(v) for v in value)
    except (TypeError, ValueError):
        return None
    return min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)


def _outside(
    rect: tuple[float, float, float, float] | None, crop: tuple[float, float, float, float] | None
) -> bool:
    """Whether ``rect`` lies wholly outside ``crop`` (touching its edge counts as inside)."""
    if rect is None or crop is None:
        return False
    return rect[2] < crop[0] or rect[0] > crop[2] or rect[3] < crop[1] or rect[1] > crop[3]


def _annotation_problems(
    page: pikepdf.Page,
    number: int,
    annotations: dict[tuple[int, int], str],
    parent_tree: pikepdf.NumberTree | None,
) -> list[str]:
    problems: list[str] = []
    annots = [
        a for a in page.obj.get("/Annots", pikepdf.Array()) if isinstance(a, pikepdf.Dictionary)
    ]
    crop = _box(page.obj.get("/CropBox") or page.obj.get("/MediaBox"))
    tagged = [
        a
        for a in annots
        if a.get("/Subtype") != "/Popup" and not _outside(_box(a.get("/Rect")), crop)
    ]
    if tagged and page.obj.get("/Tabs") != "/S":
        problems.append(_("page {number}: has annotations but no /Tabs /S").format(number=number))
    for annot in tagged:
        subtype = str(annot.get("/Subtype", "")).lstrip("/")
        kind = annotations.get(annot.objgen)
        if kind is None:
            problems.append(
                _("page {number}: a {kind} annotation is not in the structure tree").format(
                    number=number, kind=subtype
                )
            )
            continue
        key = annot.get("/StructParent")
        if key is None or parent_tree is None or parent_tree.get(int(key)) is None:
            problems.append(
                _("page {number}: a {kind} annotation has no /StructParent").format(
                    number=number, kind=subtype
                )
            )
        if annot.get("/FT") == "/Sig" and kind != "Form":
            problems.append(
                _("page {number}: a signature field is tagged {kind}, not Form").format(
                    number=number, kind=kind
                )
            )
        if subtype == "Link" and kind != "Link":
            problems.append(
                _("page {number}: a link is tagged {kind}, not Link").format(
                    number=number, kind=kind
                )
            )
    return problems
