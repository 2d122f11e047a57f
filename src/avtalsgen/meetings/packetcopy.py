"""The packet's copy of a protocol extract that is not certified when the packet is made.

The extract's own PDF ends with its certification block, *Utdragsbestyrkande*: "Utdraget
överensstämmer med protokollet. Bestyrks av: … Datum: enligt den elektroniska
underskriften", beside the empty signature field the secretary signs. That is so of the
extract once signed. The packet copies the extract's pages without their signature field
(the packet's fields are its own); a copy of an extract not yet signed would state a
certification and a signature date that it does not have, under a bookmark that says
"ej bestyrkt". Its copy leaves the block out: the heading and what follows it in the
structure tree to the end of the body (the block and its field), their marked content
taken off the pages and their elements out of the tree and its parent tree. A certified
extract's pages keep the block: the packet embeds the signed original beside them.
"""

from __future__ import annotations

import re

import pikepdf

#: The heading of the certification block, as the shipped template has it.
HEADING = "Utdragsbestyrkande"


def leave_out_certification(pdf: pikepdf.Pdf) -> bool:
    """Take the certification block (:data:`HEADING` and the elements after it under the
    same parent) off ``pdf``'s pages and structure tree; whether it was found."""
    root = pdf.Root.get("/StructTreeRoot")
    if not isinstance(root, pikepdf.Dictionary):
        return False
    texts = _marked_texts(pdf)
    found = _heading(root, texts)
    if found is None:
        return False
    parent, index = found
    kids = parent.K
    gone = list(kids)[index:]
    marks: set[tuple[tuple[int, int], int]] = set()
    for elem in gone:
        _collect_marks(elem, None, marks)
    parent.K = pikepdf.Array(list(kids)[:index])
    for page in pdf.pages:
        mcids = {mcid for where, mcid in marks if where == page.obj.objgen}
        if mcids:
            _strip(pdf, page, mcids)
    _unparent(root, gone)
    return True


def _heading(
    root: pikepdf.Dictionary, texts: dict[tuple[tuple[int, int], int], str]
) -> tuple[pikepdf.Dictionary, int] | None:
    """The parent of the heading whose text is :data:`HEADING`, and its index there."""
    stack: list[tuple[pikepdf.Dictionary, tuple[int, int] | None]] = [(root, None)]
    while stack:
        elem, page = stack.pop()
        own = elem.get("/Pg")
        if isinstance(own, pikepdf.Dictionary):
            page = own.objgen
        kids = elem.get("/K")
        if not isinstance(kids, pikepdf.Array):
            continue
        for index, kid in enumerate(kids):
            if not isinstance(kid, pikepdf.Dictionary) or "/S" not in kid:
                continue
            if re.fullmatch(r"/H\d?", str(kid.S)) and _text(kid, page, texts) == HEADING:
                return elem, index
            stack.append((kid, page))
    return None


def _text(
    elem: pikepdf.Dictionary,
    page: tuple[int, int] | None,
    texts: dict[tuple[tuple[int, int], int], str],
) -> str:
    """The text of ``elem``'s own marked content, spaces folded."""
    own = elem.get("/Pg")
    if isinstance(own, pikepdf.Dictionary):
        page = own.objgen
    kids = elem.get("/K")
    listed = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    parts = []
    for kid in listed:
        if isinstance(kid, int) and page is not None:
            parts.append(texts.get((page, kid), ""))
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
            named = kid.get("/Pg")
            where = named.objgen if isinstance(named, pikepdf.Dictionary) else page
            if where is not None:
                parts.append(texts.get((where, int(kid.MCID)), ""))
    return " ".join("".join(parts).split())


def _collect_marks(
    elem: object, page: tuple[int, int] | None, marks: set[tuple[tuple[int, int], int]]
) -> None:
    """Every (page, MCID) of ``elem`` and its descendants."""
    if not isinstance(elem, pikepdf.Dictionary):
        return
    own = elem.get("/Pg")
    if isinstance(own, pikepdf.Dictionary):
        page = own.objgen
    kids = elem.get("/K")
    listed = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    for kid in listed:
        if isinstance(kid, int) and page is not None:
            marks.add((page, kid))
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
            named = kid.get("/Pg")
            where = named.objgen if isinstance(named, pikepdf.Dictionary) else page
            if where is not None:
                marks.add((where, int(kid.MCID)))
        elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            _collect_marks(kid, page, marks)


def _strip(pdf: pikepdf.Pdf, page: pikepdf.Page, mcids: set[int]) -> None:
    """``page``'s content without the marked-content sequences of ``mcids``."""
    kept: list[pikepdf.ContentStreamInstruction | pikepdf.ContentStreamInlineImage] = []
    depth = 0  # > 0 inside a sequence left out: its nested BDC/BMC ... EMC too
    for instruction in pikepdf.parse_content_stream(page):
        op = (
            ""
            if isinstance(instruction, pikepdf.ContentStreamInlineImage)
            else str(instruction.operator)
        )
        if depth:
            if op in ("BDC", "BMC"):
                depth += 1
            elif op == "EMC":
                depth -= 1
            continue
        if op == "BDC":
            props = instruction.operands[1]
            mcid = props.get("/MCID") if isinstance(props, pikepdf.Dictionary) else None
            if mcid is not None and int(mcid) in mcids:
                depth = 1
                continue
        kept.append(instruction)
    page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(kept))


def _unparent(root: pikepdf.Dictionary, gone: list[pikepdf.Object]) -> None:
    """The parent tree without the elements left out (nor their descendants)."""
    left: set[tuple[int, int]] = set()
    for elem in gone:
        _objgens(elem, left)
    tree = root.get("/ParentTree")
    if not isinstance(tree, pikepdf.Dictionary):
        return
    parents = pikepdf.NumberTree(tree)
    for key, value in list(parents.items()):
        if isinstance(value, pikepdf.Array):
            parents[key] = pikepdf.Array(
                [
                    pikepdf.Object.parse(b"null")
                    if isinstance(item, pikepdf.Dictionary) and item.objgen in left
                    else item
                    for item in value
                ]
            )
        elif isinstance(value, pikepdf.Dictionary) and value.objgen in left:
            del parents[key]


def _objgens(elem: object, found: set[tuple[int, int]]) -> None:
    if not isinstance(elem, pikepdf.Dictionary) or "/S" not in elem:
        return
    if elem.is_indirect:
        found.add(elem.objgen)
    kids = elem.get("/K")
    for kid in list(kids) if isinstance(kids, pikepdf.Array) else [kids]:
        _objgens(kid, found)


def _marked_texts(pdf: pikepdf.Pdf) -> dict[tuple[tuple[int, int], int], str]:
    """The text of every marked-content sequence with an MCID, by (page, MCID)."""
    texts: dict[tuple[tuple[int, int], int], str] = {}
    for page in pdf.pages:
        resources = page.obj.get("/Resources")
        fonts = resources.get("/Font") if isinstance(resources, pikepdf.Dictionary) else None
        maps = (
            {str(name): _ToUnicode(font) for name, font in fonts.items()}
            if isinstance(fonts, pikepdf.Dictionary)
            else {}
        )
        stack: list[int | None] = []
        font: _ToUnicode | None = None
        for instruction in pikepdf.parse_content_stream(page):
            if isinstance(instruction, pikepdf.ContentStreamInlineImage):
                continue
            operands, op = instruction.operands, str(instruction.operator)
            if op in ("BDC", "BMC"):
                props = operands[1] if op == "BDC" else None
                given = props.get("/MCID") if isinstance(props, pikepdf.Dictionary) else None
                stack.append(None if given is None else int(given))
            elif op == "EMC" and stack:
                stack.pop()
            elif op == "Tf":
                font = maps.get(str(operands[0]))
            elif op in ("Tj", "'", '"', "TJ") and font is not None:
                strings = operands[-1] if op == "TJ" else [operands[-1]]
                text = "".join(
                    font.decode(bytes(s)) for s in strings if isinstance(s, pikepdf.String)
                )
                inner = next((m for m in reversed(stack) if m is not None), None)
                if inner is not None:
                    key = (page.obj.objgen, inner)
                    texts[key] = texts.get(key, "") + text
    return texts


class _ToUnicode:
    """A font's ToUnicode map (bfchar and bfrange), or its codes as Latin-1 without one."""

    def __init__(self, font: pikepdf.Object) -> None:
        self.map: dict[bytes, str] = {}
        self.width = 1
        stream = font.get("/ToUnicode") if isinstance(font, pikepdf.Dictionary) else None
        if not isinstance(stream, pikepdf.Stream):
            return
        cmap = stream.read_bytes().decode("latin-1")
        space = re.search(r"begincodespacerange\s*<([0-9A-Fa-f]+)>", cmap)
        if space:
            self.width = len(space.group(1)) // 2
        for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
            for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
                self.map[bytes.fromhex(src)] = bytes.fromhex(dst).decode("utf-16-be", "replace")
        for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
            for lo, hi, dst in re.findall(
                r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block
            ):
                first, last, size = int(lo, 16), int(hi, 16), len(lo) // 2
                start = bytes.fromhex(dst)
                base = int.from_bytes(start, "big")
                for n in range(last - first + 1):
                    code = (first + n).to_bytes(size, "big")
                    value = (base + n).to_bytes(len(start), "big")
                    self.map[code] = value.decode("utf-16-be", "replace")

    def decode(self, data: bytes) -> str:
        if not self.map:
            return data.decode("latin-1")
        w = self.width
        return "".join(self.map.get(data[i : i + w], "") for i in range(0, len(data), w))
