"""Render Word documents from templates with docxtpl: autoescaped, strict, sandboxed."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, fields, is_dataclass
from pathlib import Path
from typing import Any

from docx.document import Document
from docx.oxml.ns import qn
from docxtpl import DocxTemplate, RichText, RichTextParagraph
from jinja2 import StrictUndefined, Template, TemplateError, UndefinedError, nodes
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from avtalsgen.errors import RenderError
from avtalsgen.format import FILTERS
from avtalsgen.model.prose import Block, BlockKind

#: Paragraph style ids the prose is rendered with; every template must define them.
STYLE_IDS: dict[BlockKind, str | None] = {
    BlockKind.STYCKE: None,
    BlockKind.PUNKT: "ListBullet",
    BlockKind.NUMMER: "ListNumber",
}


@dataclass(frozen=True)
class Metadata:
    """Document properties that end up in the PDF (title shown as the window title)."""

    title: str
    subject: str
    keywords: str
    author: str = "Region Norrbotten"
    language: str = "sv-SE"
    created: dt.date | None = None


class _Environment(SandboxedEnvironment):
    """A sandboxed environment that compiles each distinct template source once.

    docxtpl compiles the template's XML on every render; in a batch the same few sources
    are rendered again and again, and compiling costs more than rendering.
    """

    def __init__(self) -> None:
        super().__init__(undefined=StrictUndefined, autoescape=True)
        self.filters.update(FILTERS)
        self._compiled: dict[str, Template] = {}

    def from_string(self, source: str | nodes.Template, *args: Any, **kwargs: Any) -> Template:
        if not isinstance(source, str) or args or kwargs:
            return super().from_string(source, *args, **kwargs)
        if source not in self._compiled:
            self._compiled[source] = super().from_string(source)
        return self._compiled[source]


_ENVIRONMENT = _Environment()


def jinja_environment() -> SandboxedEnvironment:
    """The one Jinja environment templates render in: sandboxed, autoescaped, strict."""
    return _ENVIRONMENT


def paragraphs(blocks: tuple[Block, ...]) -> RichTextParagraph:
    """Word paragraphs for prose, styled with the template's own paragraph and list styles."""
    result = RichTextParagraph()
    for block in blocks:
        rich = RichText()
        for span in block.spans:
            rich.add(span.text, bold=span.bold, italic=span.italic)
        result.add(rich, parastyle=STYLE_IDS[block.kind])
    return result


def _prepare(value: Any) -> Any:
    """Texts (tuples of blocks) become Word paragraphs, in dataclasses at any depth."""
    if isinstance(value, tuple) and value and all(isinstance(v, Block) for v in value):
        return paragraphs(value)
    if isinstance(value, tuple):
        return tuple(_prepare(item) for item in value)
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _prepare(getattr(value, f.name)) for f in fields(value)}
    return value


def template_variables(context: object) -> dict[str, Any]:
    """The variables a template sees: the fields of a context dataclass, texts as paragraphs."""
    prepared = _prepare(context)
    if not isinstance(prepared, dict):
        raise TypeError("a template context must be a dataclass")
    return prepared


def restart_numbered_lists(document: Document) -> None:
    """Make every run of consecutive numbered paragraphs a list of its own, counting from 1.

    Word and LibreOffice continue one numbering through a whole document when every item
    shares the list style's numbering; each list gets its own w:num restarting at 1.
    """
    style = document.styles.element.get_by_id(STYLE_IDS[BlockKind.NUMMER])
    style_num = style.pPr.numPr.numId.val if style is not None and style.pPr is not None else None
    if style_num is None:
        return
    numbering = document.part.numbering_part.element
    abstract_id = numbering.num_having_numId(style_num).abstractNumId.val
    current: int | None = None
    for paragraph in document.element.body.iter(qn("w:p")):
        if paragraph.style != STYLE_IDS[BlockKind.NUMMER]:
            current = None
            continue
        if current is None:
            num = numbering.add_num(abstract_id)
            num.add_lvlOverride(ilvl=0).add_startOverride(1)
            current = num.numId
        num_pr = paragraph.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = 0
        num_pr.get_or_add_numId().val = current


def _set_metadata(document: Document, meta: Metadata) -> None:
    props = document.core_properties
    props.title = meta.title
    props.subject = meta.subject
    props.keywords = meta.keywords
    props.author = meta.author
    props.language = meta.language
    if meta.created is not None:
        stamp = dt.datetime.combine(meta.created, dt.time(), tzinfo=dt.UTC)
        props.created = stamp
        props.modified = stamp


def render_document(template: Path, context: object, meta: Metadata) -> bytes:
    """Render ``template`` with ``context`` (a dataclass whose fields are the template's
    variables) and return the finished .docx file's bytes."""
    try:
        tpl = DocxTemplate(template)
        tpl.render(template_variables(context), jinja_environment(), autoescape=True)
    except UndefinedError as exc:
        raise RenderError(f"{template}: template uses an undefined value: {exc.message}") from None
    except TemplateError as exc:
        raise RenderError(f"{template}: template error: {exc}") from None
    except etree.XMLSyntaxError as exc:
        raise RenderError(f"{template}: rendering produced invalid Word XML: {exc}") from None
    document: Document = tpl.docx
    restart_numbered_lists(document)
    _set_metadata(document, meta)
    buffer = io.BytesIO()
    document.save(buffer)  # docxtpl has parsed every rendered part as XML by now
    return buffer.getvalue()
