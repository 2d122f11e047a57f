"""The text of a tagged PDF as a screen reader gets it: each structure element's own marked
content, decoded through its fonts' ToUnicode maps, in the structure tree's order (an
``/ActualText`` stands for the content it marks), with each element's type and ``Alt``."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pikepdf

from avtalsgen.pdf.tags import _kids


@dataclass(frozen=True)
class Element:
    kind: str
    """The structure type as written (``/H2``, ``/TD``, …), without its slash."""
    text: str
    """The text of the element's own content (its children's not included)."""
    alt: str | None
    depth: int
    elem: pikepdf.Dictionary


def tagged_elements(pdf: pikepdf.Pdf) -> list[Element]:
    """Every structure element of ``pdf`` in reading order."""
    texts: dict[tuple[tuple[int, int], int], str] = {}
    for page in pdf.pages:
        for mcid, text in _page_texts(page).items():
            texts[(page.obj.objgen, mcid)] = text
    found: list[Element] = []
    root = pdf.Root.StructTreeRoot
    assert isinstance(root, pikepdf.Dictionary)
    _walk(root, None, 0, texts, found)
    return found


def tagged_text(pdf: pikepdf.Pdf) -> str:
    """The text of every element, one element a line."""
    return "\n".join(e.text for e in tagged_elements(pdf) if e.text)


def _walk(
    elem: pikepdf.Dictionary,
    page: tuple[int, int] | None,
    depth: int,
    texts: dict[tuple[tuple[int, int], int], str],
    found: list[Element],
) -> None:
    own = elem.get("/Pg")
    if isinstance(own, pikepdf.Dictionary):
        page = own.objgen
    parts: list[str] = []
    children: list[pikepdf.Dictionary] = []
    for kid in _kids(elem):
        if isinstance(kid, int) and page is not None:
            parts.append(texts.get((page, kid), ""))
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
            named = kid.get("/Pg")
            where = named.objgen if isinstance(named, pikepdf.Dictionary) else page
            if where is not None:
                parts.append(texts.get((where, int(kid.MCID)), ""))
        elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            children.append(kid)
    if "/S" in elem:
        alt = str(elem.Alt) if "/Alt" in elem else None
        found.append(Element(str(elem.S).lstrip("/"), "".join(parts), alt, depth, elem))
    for child in children:
        _walk(child, page, depth + 1, texts, found)


def _page_texts(page: pikepdf.Page) -> dict[int, str]:
    resources = page.obj.get("/Resources")
    fonts = resources.get("/Font") if isinstance(resources, pikepdf.Dictionary) else None
    maps = (
        {str(name): _ToUnicode(font) for name, font in fonts.items()}
        if isinstance(fonts, pikepdf.Dictionary)
        else {}
    )
    texts: dict[int, str] = {}
    # Per open marked content: its MCID (or None) and its ActualText (or None).
    stack: list[tuple[int | None, str | None]] = []
    font: _ToUnicode | None = None
    replaced = 0  # how many open sequences have an ActualText: their text is not read
    for instruction in pikepdf.parse_content_stream(page):
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            continue
        operands, op = instruction.operands, str(instruction.operator)
        if op in ("BDC", "BMC"):
            props = operands[1] if op == "BDC" else None
            mcid = props.get("/MCID") if isinstance(props, pikepdf.Dictionary) else None
            actual = props.get("/ActualText") if isinstance(props, pikepdf.Dictionary) else None
            stack.append(
                (None if mcid is None else int(mcid), None if actual is None else str(actual))
            )
            if actual is not None:
                _add(texts, stack, str(actual))
                replaced += 1
        elif op == "EMC" and stack:
            if stack.pop()[1] is not None:
                replaced -= 1
        elif op == "Tf":
            font = maps.get(str(operands[0]))
        elif op in ("Tj", "'", '"', "TJ") and font is not None and not replaced:
            strings = operands[-1] if op == "TJ" else [operands[-1]]
            text = "".join(font.decode(bytes(s)) for s in strings if isinstance(s, pikepdf.String))
            _add(texts, stack, text)
    return texts


def _add(texts: dict[int, str], stack: list[tuple[int | None, str | None]], text: str) -> None:
    for mcid, _actual in reversed(stack):
        if mcid is not None:
            texts[mcid] = texts.get(mcid, "") + text
            return


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
                self.map[bytes.fromhex(src)] = bytes.fromhex(dst).decode("utf-16-be")
        for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
            for lo, hi, dst in re.findall(
                r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]*>|\[[^\]]*\])", block
            ):
                first, last, size = int(lo, 16), int(hi, 16), len(lo) // 2
                if dst.startswith("["):
                    targets = re.findall(r"<([0-9A-Fa-f]*)>", dst)
                    for n, target in enumerate(targets):
                        code = (first + n).to_bytes(size, "big")
                        self.map[code] = bytes.fromhex(target).decode("utf-16-be")
                else:
                    start = bytes.fromhex(dst[1:-1])
                    base = int.from_bytes(start, "big")
                    for n in range(last - first + 1):
                        code = (first + n).to_bytes(size, "big")
                        value = (base + n).to_bytes(len(start), "big")
                        self.map[code] = value.decode("utf-16-be", "replace")

    def decode(self, data: bytes) -> str:
        if not self.map:
            return data.decode("latin-1")
        w = self.width
        return "".join(self.map.get(data[i : i + w], "\ufffd") for i in range(0, len(data), w))
