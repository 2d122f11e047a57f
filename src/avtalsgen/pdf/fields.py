"""Empty signature fields added to a finished PDF/A document, ready for ``avtalsgen sign``.

A protocol extract gets one field, ``utdragsbestyrkande``, beside its certification block, so
that the secretary (or the region's seal) can sign the extract itself. The field is added
before any signature: a field added after one would change the document under it. In a
tagged document the field is tagged as the packet's are: a ``Form`` element described by
the field's tooltip, at the end of the document, and its page's tab order by structure.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pikepdf

from avtalsgen.errors import AvtalsgenError
from avtalsgen.i18n import _
from avtalsgen.pdf.pdfa import header_problems, pdfa_problems
from avtalsgen.pdf.pdffile import open_pdf
from avtalsgen.pdf.structure import new_element, refer

#: Annotation flags of a signature widget: Print, Locked.
SIG_FLAGS_PRINT_LOCKED = 4 | 128


class FieldError(AvtalsgenError):
    """A signature field could not be added."""


@dataclass(frozen=True)
class NewField:
    """An empty signature field to add to one page of a document."""

    name: str
    """The field's name (no dots), e.g. ``utdragsbestyrkande``; named again when signing."""
    page: int
    """The page, numbered from 0."""
    box: tuple[float, float, float, float]
    """(x1, y1, x2, y2) in points from the page's lower-left corner."""
    tooltip: str = ""
    """What a reader shows for the field, e.g. "Utdragsbestyrkande"."""


def signature_widget(pdf: pikepdf.Pdf, page: pikepdf.Page, field: NewField) -> pikepdf.Object:
    """An empty, visible, printable signature field merged with its widget, put on ``page``
    (PDF/A wants a normal appearance on every widget: an empty one)."""
    x1, y1, x2, y2 = field.box
    appearance = pdf.make_stream(b"")
    appearance.Type = pikepdf.Name.XObject
    appearance.Subtype = pikepdf.Name.Form
    appearance.BBox = pikepdf.Array([0, 0, x2 - x1, y2 - y1])
    appearance.Resources = pikepdf.Dictionary()
    widget = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot,
        Subtype=pikepdf.Name.Widget,
        FT=pikepdf.Name.Sig,
        T=pikepdf.String(field.name),
        F=SIG_FLAGS_PRINT_LOCKED,
        Rect=pikepdf.Array([x1, y1, x2, y2]),
        P=page.obj,
        AP=pikepdf.Dictionary(N=appearance),
    )
    if field.tooltip:
        widget.TU = pikepdf.String(field.tooltip)
    ref = pdf.make_indirect(widget)
    if "/Annots" not in page.obj:
        page.obj.Annots = pikepdf.Array()
    page.obj.Annots.append(ref)
    return ref


def tag_field(pdf: pikepdf.Pdf, page: pikepdf.Page, ref: pikepdf.Object, description: str) -> None:
    """Make the field ``ref`` on ``page`` a ``Form`` element described by ``description``, the
    last element of the document's structure tree (its ``Document`` element's, when it has
    one), listed in the parent tree through its ``/StructParent``; the page gets ``/Tabs
    /S``. Nothing in a file without a structure tree."""
    tree = pdf.Root.get("/StructTreeRoot")
    if not isinstance(tree, pikepdf.Dictionary):
        return
    top = tree.get("/K")
    tops = list(top) if isinstance(top, pikepdf.Array) else [] if top is None else [top]
    documents = [t for t in tops if isinstance(t, pikepdf.Dictionary) and t.S == "/Document"]
    parent = documents[0] if len(tops) == 1 and documents else tree
    if "/ParentTree" not in tree:
        tree.ParentTree = pdf.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array()))
    parents = pikepdf.NumberTree(tree.ParentTree)
    key = max(int(tree.get("/ParentTreeNextKey", 0)), max(parents.keys(), default=-1) + 1)
    form = new_element(pdf, parent, "/Form", alt=description, page=page)
    refer(form, ref, page, key)  # as the packet's fields (avtalsgen.pdf.structure)
    kids = parent.get("/K")
    if isinstance(kids, pikepdf.Array):
        kids.append(form)
    else:
        parent.K = pikepdf.Array([form] if kids is None else [kids, form])
    parents[key] = form
    tree.ParentTreeNextKey = key + 1


def add_signature_fields(source: Path, fields: list[NewField], lang: str = "sv-SE") -> bytes:
    """``source`` with the empty signature ``fields`` added, checked as PDF/A-2b; the bytes
    to write. Raises :class:`FieldError` for a field off its page, a name used already, or
    a result that is not PDF/A-2b."""
    with open_pdf(source) as pdf:
        acroform = pdf.Root.get("/AcroForm")
        existing = (
            [str(f.get("/T", "")) for f in acroform.get("/Fields", [])]
            if isinstance(acroform, pikepdf.Dictionary)
            else []
        )
        refs = []
        for field in fields:
            if field.name in existing or not field.name or "." in field.name:
                raise FieldError(
                    _("{path}: cannot add the signature field {name!r}: the name is empty, "
                      "has a dot or is taken").format(path=source, name=field.name)
                )  # fmt: skip
            if not 0 <= field.page < len(pdf.pages):
                raise FieldError(
                    _("{path}: has no page {page} for the signature field {name!r}").format(
                        path=source, page=field.page + 1, name=field.name
                    )
                )
            page = pdf.pages[field.page]
            x1, y1, x2, y2 = field.box
            px1, py1, px2, py2 = (float(v) for v in page.mediabox)
            if not (px1 <= x1 < x2 <= px2 and py1 <= y1 < y2 <= py2):
                raise FieldError(
                    _("{path}: the signature field {name!r} at {box} is not inside its page "
                      "({width:g} × {height:g} pt)").format(
                        path=source, name=field.name, box=field.box, width=px2, height=py2
                    )
                )  # fmt: skip
            ref = signature_widget(pdf, page, field)
            tag_field(pdf, page, ref, field.tooltip or field.name)
            refs.append(ref)
            existing.append(field.name)
        if isinstance(acroform, pikepdf.Dictionary):
            for ref in refs:
                acroform.Fields.append(ref)
        else:
            pdf.Root.AcroForm = pdf.make_indirect(pikepdf.Dictionary(Fields=pikepdf.Array(refs)))
        buffer = io.BytesIO()
        pdf.save(buffer, fix_metadata_version=False)
    data = buffer.getvalue()
    with open_pdf(io.BytesIO(data)) as written:
        problems = header_problems(data[:16]) + pdfa_problems(written, lang)
    if problems:
        raise FieldError(
            _("{path}: with its signature field the PDF would not be PDF/A-2b: {problems}").format(
                path=source, problems="; ".join(problems)
            )
        )
    return data
