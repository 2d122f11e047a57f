"""The packet's structure tree: its parts' trees merged under one Document.

No tool we know keeps the tags when it merges PDFs; the packet does (ISO 32000-1, 14.7):

- each part becomes a ``Part`` element (titled) under one ``Document``, holding its own
  tree's elements (LibreOffice's ``Document`` element is dropped, its children kept), with
  the parts' role maps merged;
- every page's and annotation's ``/StructParents`` key is renumbered, and one parent tree
  made of all of them (the parts' keys overlap: each starts at 0);
- a part without a structure tree (an attachment OCRmyPDF converted) gets one ``P`` per
  page, its page content marked as that element's content, and its annotations tagged;
- the contents page is tagged by :mod:`avtalsgen.pdf.assemble` through :meth:`element`,
  :meth:`mark` and :meth:`annotation` (``H1``, ``P``, ``TOC``/``TOCI`` with ``Link``
  elements), and the signature widgets become ``Form`` elements with their descriptions;
- every page with annotations gets ``/Tabs /S`` (tab order by structure);
- a table with a header row whose other rows each start with a cell (the amounts' "Region
  Norrbotten", "Avtalsår 1", "Totalt") gets that cell as a row header (``TH``, ``/Scope
  /Row``): LibreOffice tags only the header row's cells ``TH``.

:mod:`avtalsgen.pdf.tags` checks the result.
"""

from __future__ import annotations

from collections.abc import Sequence

import pikepdf

from avtalsgen.pdf.pdffile import entry

StructElem = pikepdf.Dictionary


class StructureTree:
    """The packet's structure tree, built part by part."""

    def __init__(self, pdf: pikepdf.Pdf) -> None:
        self.pdf = pdf
        self.role_map = pikepdf.Dictionary()
        self.root = pdf.make_indirect(
            pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot, RoleMap=self.role_map)
        )
        self.document = self.element(self.root, "/Document")
        self.root.K = pikepdf.Array([self.document])
        self._parents: dict[int, pikepdf.Object] = {}
        self._next = 0
        self._page_keys: dict[tuple[int, int], int] = {}
        self._page_marks: dict[tuple[int, int], list[pikepdf.Object]] = {}

    # --- elements -----------------------------------------------------------------------

    def element(
        self, parent: pikepdf.Object, kind: str, *, title: str | None = None,
        alt: str | None = None, page: pikepdf.Page | None = None,
    ) -> pikepdf.Object:  # fmt: skip
        """A new structure element of type ``kind`` (e.g. ``/P``), the last child of
        ``parent`` (the root's first child is the Document, made here)."""
        made = new_element(self.pdf, parent, kind, title=title, alt=alt, page=page)
        if parent is not self.root and "/K" in parent:
            parent.K.append(made)
        return made

    def mark(self, elem: pikepdf.Object, page: pikepdf.Page) -> int:
        """A new marked-content id on ``page`` for content of ``elem``; the caller draws
        ``/Tag <</MCID n>> BDC ... EMC`` with it."""
        key = self._page_key(page)
        marks = self._page_marks[page.obj.objgen]
        mcid = len(marks)
        marks.append(elem)
        self._parents[key] = pikepdf.Array(marks)
        own = elem.get("/Pg")
        if isinstance(own, pikepdf.Dictionary) and own.objgen == page.obj.objgen:
            elem.K.append(mcid)
        else:
            elem.K.append(pikepdf.Dictionary(Type=pikepdf.Name.MCR, MCID=mcid, Pg=page.obj))
        return mcid

    def annotation(self, elem: pikepdf.Object, annot: pikepdf.Object, page: pikepdf.Page) -> None:
        """Make ``annot`` (an indirect annotation on ``page``) content of ``elem``."""
        key = self._take_key()
        self._parents[key] = elem
        refer(elem, annot, page, key)

    def _take_key(self) -> int:
        key = self._next
        self._next += 1
        return key

    def _page_key(self, page: pikepdf.Page) -> int:
        objgen = page.obj.objgen
        if objgen not in self._page_keys:
            key = self._take_key()
            self._page_keys[objgen] = key
            self._page_marks[objgen] = []
            page.obj.StructParents = key
        return self._page_keys[objgen]

    # --- parts --------------------------------------------------------------------------

    def add_part(
        self, source: pikepdf.Pdf, pages: Sequence[pikepdf.Page], title: str
    ) -> pikepdf.Object:
        """Add the part whose pages ``pages`` (in the packet) were copied from ``source``;
        return its ``Part`` element."""
        part = self.element(self.document, "/Part", title=title)
        tree = source.Root.get("/StructTreeRoot")
        if isinstance(tree, pikepdf.Dictionary) and "/K" in tree:
            self._merge(source, tree, pages, part)
        else:
            self._tag_untagged(pages, part, title)
        return part

    def _merge(
        self, source: pikepdf.Pdf, tree: pikepdf.Dictionary, pages: Sequence[pikepdf.Page],
        part: pikepdf.Object,
    ) -> None:  # fmt: skip
        roles = tree.get("/RoleMap")
        if isinstance(roles, pikepdf.Dictionary):
            for name, role in roles.items():
                if name not in self.role_map:
                    self.role_map[name] = role
        kids = tree.K if isinstance(tree.K, pikepdf.Array) else pikepdf.Array([tree.K])
        tops: list[pikepdf.Object] = []
        for kid in kids:
            # LibreOffice's own Document element is left out; its children go in the part.
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/S") == "/Document":
                inner = kid.get("/K")
                if isinstance(inner, pikepdf.Array):
                    tops += list(inner)
                elif inner is not None:
                    tops.append(inner)
            else:
                tops.append(kid)
        present = {
            annot.objgen
            for page in source.pages
            for annot in page.obj.get("/Annots", pikepdf.Array())
            if isinstance(annot, pikepdf.Dictionary)
        }
        for top in tops:
            if isinstance(top, pikepdf.Dictionary) and not _field_left_out(top, present):
                copied = self.pdf.copy_foreign(top) if top.is_indirect else top
                copied.P = part
                part.K.append(copied)
                if isinstance(copied, pikepdf.Dictionary):
                    mark_row_headers(copied)
        old_parents = pikepdf.NumberTree(tree.ParentTree) if "/ParentTree" in tree else None
        for page in pages:
            self._renumber(page.obj, old_parents, source)
            for annot in entry(page.obj, "/Annots", pikepdf.Array()):
                if isinstance(annot, pikepdf.Dictionary):
                    self._renumber(annot, old_parents, source, key_name="/StructParent")
            if len(entry(page.obj, "/Annots", pikepdf.Array())):
                page.obj.Tabs = pikepdf.Name.S

    def _renumber(
        self, owner: pikepdf.Dictionary, old: pikepdf.NumberTree | None, source: pikepdf.Pdf,
        key_name: str = "/StructParents",
    ) -> None:  # fmt: skip
        if key_name not in owner:
            return
        previous = int(owner[key_name])
        found = old.get(previous) if old is not None else None
        if found is None:
            del owner[key_name]
            return
        key = self._take_key()
        owner[key_name] = key
        if not found.is_indirect:  # qpdf copies indirect objects only (and fast)
            found = source.make_indirect(found)
        self._parents[key] = self.pdf.copy_foreign(found)

    def _tag_untagged(
        self, pages: Sequence[pikepdf.Page], part: pikepdf.Object, title: str
    ) -> None:
        """One ``P`` per page holding all its content (e.g. the text OCRmyPDF laid over a
        scanned page), and the page's annotations tagged."""
        for number, page in enumerate(pages, 1):
            elem = self.element(part, "/P", page=page)
            mcid = self.mark(elem, page)
            before = self.pdf.make_stream(b"/P <</MCID %d>> BDC\n" % mcid)
            after = self.pdf.make_stream(b"\nEMC\n")
            contents = page.obj.get("/Contents")
            streams = (
                list(contents)
                if isinstance(contents, pikepdf.Array)
                else ([contents] if contents is not None else [])
            )
            page.obj.Contents = pikepdf.Array([before, *streams, after])
            for annot in page.obj.get("/Annots", pikepdf.Array()):
                if not isinstance(annot, pikepdf.Dictionary) or not annot.is_indirect:
                    continue
                subtype = annot.get("/Subtype")
                if subtype == "/Popup" or "/StructParent" in annot:
                    continue
                kind = "/Link" if subtype == "/Link" else "/Annot"
                described = str(annot.get("/Contents", "")) or f"{title}, s. {number}"
                holder = self.element(part, kind, alt=described, page=page)
                if "/Contents" not in annot:
                    annot.Contents = pikepdf.String(described)
                self.annotation(holder, annot, page)

    # --- the end ------------------------------------------------------------------------

    def install(self) -> None:
        """Put the tree in the catalog, with its parent tree; mark the file tagged."""
        parents = pikepdf.NumberTree.new(self.pdf)
        for key in sorted(self._parents):
            parents[key] = self._parents[key]
        self.root.ParentTree = parents.obj
        self.root.ParentTreeNextKey = self._next
        self.pdf.Root.StructTreeRoot = self.root
        self.pdf.Root.MarkInfo = pikepdf.Dictionary(Marked=True)


def new_element(
    pdf: pikepdf.Pdf, parent: pikepdf.Object, kind: str, *, title: str | None = None,
    alt: str | None = None, page: pikepdf.Page | None = None,
) -> pikepdf.Object:  # fmt: skip
    """A new structure element of type ``kind`` (e.g. ``/P``) in ``pdf``, ``parent``'s by
    its ``/P``, with no content yet (the caller makes it one of ``parent``'s kids)."""
    elem = pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name(kind), P=parent)
    elem.K = pikepdf.Array()
    if title:
        elem.T = pikepdf.String(title)
    if alt:
        elem.Alt = pikepdf.String(alt)
    if page is not None:
        elem.Pg = page.obj
    return pdf.make_indirect(elem)


def refer(elem: pikepdf.Object, annot: pikepdf.Object, page: pikepdf.Page, key: int) -> None:
    """Make ``annot`` (an indirect annotation on ``page``) content of ``elem`` through an
    object reference, ``key`` its ``/StructParent`` (the caller lists ``elem`` under it in
    the parent tree); the page's tab order follows the structure."""
    annot.StructParent = key
    reference = pikepdf.Dictionary(Type=pikepdf.Name.OBJR, Obj=annot, Pg=page.obj)
    if isinstance(elem.K, pikepdf.Array) and len(elem.K) == 0:
        # The reference itself as /K: pyHanko's analysis of later signatures finds a
        # form field in the tree at ...Form.K.Obj only, and would call filling it in an
        # unexplained change.
        elem.K = reference
    else:
        elem.K.append(reference)
    page.obj.Tabs = pikepdf.Name.S


def _field_left_out(elem: pikepdf.Dictionary, present: set[tuple[int, int]]) -> bool:
    """Whether ``elem`` is the ``Form`` element of a field no page of its part holds any
    more (a protocol extract's, taken off its pages when the extract goes in a packet)."""
    if elem.get("/S") != "/Form":
        return False
    kids = elem.get("/K")
    refs = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    targets = [
        k.get("/Obj")
        for k in refs
        if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR"
    ]
    return bool(targets) and all(
        not isinstance(t, pikepdf.Dictionary) or t.objgen not in present for t in targets
    )


def _elements(elem: pikepdf.Dictionary) -> list[pikepdf.Dictionary]:
    kids = elem.get("/K")
    listed = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    return [k for k in listed if isinstance(k, pikepdf.Dictionary) and "/S" in k]


def mark_row_headers(elem: pikepdf.Dictionary) -> None:
    """In every table under ``elem`` (itself included) whose first row is a header row (all
    ``TH``) and whose every other row starts with a ``TD``, that cell becomes its row's
    header: ``TH`` with ``/Scope /Row``, so that a screen reader names the row ("Totalt")
    with each of its cells. Other tables are left as they are."""
    stack = [elem]
    while stack:
        current = stack.pop()
        if current.get("/S") != "/Table":
            stack += _elements(current)
            continue
        rows = [
            row
            for kid in _elements(current)
            for row in (
                _elements(kid) if kid.get("/S") in ("/THead", "/TBody", "/TFoot") else [kid]
            )
            if row.get("/S") == "/TR"
        ]
        cells = [_elements(row) for row in rows]
        if len(rows) < 2 or not cells[0] or any(c.get("/S") != "/TH" for c in cells[0]):
            continue
        firsts = [row[0] for row in cells[1:] if row]
        if len(firsts) != len(rows) - 1 or any(c.get("/S") != "/TD" for c in firsts):
            continue
        for cell in firsts:
            cell.S = pikepdf.Name.TH
            attributes = cell.get("/A")
            listed = (
                list(attributes)
                if isinstance(attributes, pikepdf.Array)
                else []
                if attributes is None
                else [attributes]
            )
            table = next(
                (
                    a
                    for a in listed
                    if isinstance(a, pikepdf.Dictionary) and a.get("/O") == "/Table"
                ),
                None,
            )
            if table is not None:
                table.Scope = pikepdf.Name.Row
                continue
            listed.append(pikepdf.Dictionary(O=pikepdf.Name.Table, Scope=pikepdf.Name.Row))
            cell.A = listed[0] if len(listed) == 1 else pikepdf.Array(listed)
