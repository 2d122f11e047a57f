"""Render Word documents from templates with docxtpl: autoescaped, strict, sandboxed.

A batch renders the same few templates again and again, so each template is read once (and
again only when its file changes) and kept in memory uncompressed, each distinct XML source
is patched for Jinja and compiled once, and the finished document is written with fast
compression. docxtpl, python-docx, lxml and Jinja are imported on first use: a build that
finds every case up to date never needs them.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import html
import io
import re
import threading
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields, is_dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from avtalsgen.documents.dnr import keep_dnr_together
from avtalsgen.documents.fileformat import format_problem
from avtalsgen.documents.format import FILTERS, keep_together
from avtalsgen.documents.review import drop_comments, tracked_changes_problem
from avtalsgen.documents.tablekeep import keep_tables_together
from avtalsgen.documents.templates import only_lock_files
from avtalsgen.errors import RenderError, os_reason
from avtalsgen.i18n import _
from avtalsgen.model.prose import Block, BlockKind

if TYPE_CHECKING:
    from docx.document import Document
    from docx.opc.part import Part
    from docxtpl import DocxTemplate, RichTextParagraph
    from jinja2.sandbox import SandboxedEnvironment

#: Paragraph style ids the prose is rendered with; every template must define them.
STYLE_IDS: dict[BlockKind, str | None] = {
    BlockKind.STYCKE: None,
    BlockKind.PUNKT: "ListBullet",
    BlockKind.NUMMER: "ListNumber",
}

#: zlib level of the written .docx. With python-docx's (zlib's default, 6) writing a
#: rendered beslutsförslag takes 1.1 ms, with 3 0.84 ms, for a file of 16.5 kB instead of
#: 15.3 kB (the shipped templates are trimmed; untrimmed, their styles alone made 800 kB).
COMPRESSLEVEL = 3


@dataclass(frozen=True)
class Metadata:
    """Document properties of a Word file, which its PDF takes over (the title is shown as
    the window title)."""

    title: str
    subject: str
    keywords: tuple[str, ...]
    """Each keyword whole ("Swedish Lapland Visitors Board" is one)."""
    author: str = "Region Norrbotten"
    language: str = "sv-SE"
    created: dt.date | dt.datetime | None = None
    """The document's date (a date is midnight, Swedish time); None: the time of rendering."""


#: What Word's extended properties (docProps/app.xml) say of every rendered document: the
#: template's own would name the Word that last saved it, and page and word counts of the
#: template, not of the document.
_APP_XML = (
    b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    b"<Application>avtalsgen</Application><DocSecurity>0</DocSecurity>"
    b"<ScaleCrop>false</ScaleCrop><Company>Region Norrbotten</Company>"
    b"<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
    b"<HyperlinksChanged>false</HyperlinksChanged>"
    b"</Properties>"
)


@functools.cache
def jinja_environment() -> SandboxedEnvironment:
    """The one Jinja environment templates render in: sandboxed, autoescaped, strict.

    It compiles each distinct template source once: docxtpl compiles the template's XML on
    every render; in a batch the same few sources are rendered again and again, and
    compiling costs more than rendering.
    """
    from jinja2 import StrictUndefined, Template, nodes
    from jinja2.sandbox import SandboxedEnvironment

    class _Environment(SandboxedEnvironment):
        def __init__(self) -> None:
            super().__init__(undefined=StrictUndefined, autoescape=True, finalize=_escaped)
            self.filters.update(FILTERS)
            self._compiled: dict[str, Template] = {}

        def from_string(self, source: str | nodes.Template, *args: Any, **kwargs: Any) -> Template:
            if not isinstance(source, str) or args or kwargs:
                return super().from_string(source, *args, **kwargs)
            if source not in self._compiled:
                self._compiled[source] = super().from_string(source)
            return self._compiled[source]

    return _Environment()


#: What docxtpl turns into Jinja's delimiters in everything rendered (its way to print them).
_DOCXTPL_ESCAPES = re.compile(r"\{_[{%]|[}%]_\}")


def _guarded(xml: str) -> str:
    """``xml`` with the underscore of each of docxtpl's escapes (``{_{`` and the like) in it
    written as a character reference: docxtpl turns them into Jinja's delimiters in all it
    renders, so text holding one would lose its underscore."""
    if "{_" not in xml and "_}" not in xml:  # nearly every text: no expression to run
        return xml
    return _DOCXTPL_ESCAPES.sub(lambda m: m.group().replace("_", "&#95;"), xml)


def _escaped(value: Any) -> Any:
    """A value printed by a template, as XML: escaped and :func:`_guarded`, with no-break
    spaces in its amounts and § numbers (:func:`~avtalsgen.documents.format.keep_together`:
    typed text is written with plain spaces, and a line broke "beloppet är 1" / "800 000
    kronor"). Values that are
    XML already (docxtpl's rich text, made by :func:`paragraphs`) pass as they are."""
    if hasattr(value, "__html__") or not isinstance(value, str):
        return value
    markup, escape = _markupsafe()
    return markup(_guarded(str(escape(keep_together(value)))))


@functools.cache
def _markupsafe() -> tuple[Callable[[str], Any], Callable[[str], Any]]:
    """markupsafe's Markup and escape, imported once (:func:`_escaped` runs for every value
    a template prints)."""
    from markupsafe import Markup, escape

    return Markup, escape


def paragraphs(blocks: tuple[Block, ...]) -> RichTextParagraph:
    """Word paragraphs for prose, styled with the template's own paragraph and list styles.

    Made once for each distinct text (kept by its blocks, which are frozen): the program's
    texts and clauses are the same in every case of a batch, 181 distinct texts of the
    1 400 that 50 cases print. Rendering only reads them."""
    made = _paragraphs_made.get(blocks)
    if made is None:
        made = _make_paragraphs(blocks)
        with _templates_lock:
            if len(_paragraphs_made) >= _KEPT_PARAGRAPHS:
                _paragraphs_made.clear()
            _paragraphs_made[blocks] = made
    return made


#: :func:`paragraphs` of each text it was asked for, by its blocks.
_paragraphs_made: dict[tuple[Block, ...], RichTextParagraph] = {}
_KEPT_PARAGRAPHS = 4096


def _make_paragraphs(blocks: tuple[Block, ...]) -> RichTextParagraph:
    from docxtpl import RichText, RichTextParagraph

    result = RichTextParagraph()
    for block in blocks:
        rich = RichText()
        for span in block.spans:
            rich.add(keep_together(span.text), bold=span.bold, italic=span.italic)
        result.add(rich, parastyle=STYLE_IDS[block.kind])
    result.xml = _guarded(result.xml)
    return result


def _prepare(value: Any) -> Any:
    """Texts (tuples of blocks) become Word paragraphs, in dataclasses at any depth."""
    kind = type(value)
    if kind in _PLAIN:  # most values: returned at once
        return value
    if isinstance(value, tuple):
        if value and all(isinstance(v, Block) for v in value):
            return paragraphs(value)
        return tuple(_prepare(item) for item in value)
    if kind not in _field_names:
        plain = not is_dataclass(value) or isinstance(value, type)
        _field_names[kind] = None if plain else tuple(f.name for f in fields(value))
    names = _field_names[kind]
    if names is None:
        return value
    return {name: _prepare(getattr(value, name)) for name in names}


#: Types :func:`_prepare` returns as they are without looking further.
_PLAIN = frozenset({str, int, float, bool, type(None), dt.date, dt.datetime})
#: The field names of each dataclass :func:`_prepare` has met (dataclasses.fields is slow);
#: None for a type that is no dataclass.
_field_names: dict[type, tuple[str, ...] | None] = {}


def template_variables(context: object) -> dict[str, Any]:
    """The variables a template sees: the fields of a context dataclass, texts as paragraphs."""
    prepared = _prepare(context)
    if not isinstance(prepared, dict):
        raise TypeError("a template context must be a dataclass")
    return prepared


#: The last context rendered and its variables: a case's documents share one context.
_last_variables: list[tuple[object, dict[str, Any]]] = [(None, {})]


def _variables_of(context: object) -> dict[str, Any]:
    """:func:`template_variables` of ``context``, made once for the documents in a row
    that render the same context (rendering reads them and changes nothing)."""
    last = _last_variables[0]
    if last[0] is context:
        return last[1]
    variables = template_variables(context)
    _last_variables[0] = (context, variables)
    return variables


def restart_numbered_lists(document: Document) -> None:
    """Make every run of consecutive numbered paragraphs a list of its own, counting from 1.

    Word and LibreOffice continue one numbering through a whole document when every item
    shares the list style's numbering; each list gets its own w:num restarting at 1.
    """
    from docx.oxml.ns import qn

    list_style = STYLE_IDS[BlockKind.NUMMER]
    body = document.element.body
    # One XPath in C first: most documents have no numbered list to walk in Python.
    if list_style is None or not _uses_style(body, list_style):
        return
    style_num = _style_numbering(document, list_style)
    if style_num is None:
        return
    numbering = document.part.numbering_part.element
    abstract_id = numbering.num_having_numId(style_num).abstractNumId.val
    current: int | None = None
    made: dict[int, Any] = {}
    style_path, val = f"{qn('w:pPr')}/{qn('w:pStyle')}", qn("w:val")
    for paragraph in body.iter(qn("w:p")):
        paragraph_style = paragraph.find(style_path)  # what paragraph.style reads, faster
        if paragraph_style is None or paragraph_style.get(val) != list_style:
            current = None
            continue
        if current is None:
            num = numbering.add_num(abstract_id)
            num.add_lvlOverride(ilvl=0).add_startOverride(1)
            current = num.numId
        _number(paragraph_style.getparent(), current, made)


def _style_numbering(document: Document, style_id: str) -> int | None:
    """The numbering (w:numId) the paragraph style ``style_id`` gives, if any. A template's
    styles are only read when rendered (see :func:`_part_of`), so they are looked up once
    per template."""
    from docx.opc.constants import RELATIONSHIP_TYPE

    try:
        part = document.part.part_related_by(RELATIONSHIP_TYPE.STYLES)
    except KeyError:  # python-docx then adds its default styles
        return _numbering_of(document.styles.element, style_id)
    element = getattr(part, "element", None)
    if element is not None:
        return _numbering_of(element, style_id)
    key = (part.blob, style_id)
    if key not in _style_numbers:
        from docx.oxml.parser import parse_xml

        found = _numbering_of(parse_xml(part.blob), style_id)
        with _templates_lock:
            if len(_style_numbers) >= _KEPT_READERS:
                _style_numbers.clear()
            _style_numbers[key] = found
    return _style_numbers[key]


def _numbering_of(styles: Any, style_id: str) -> int | None:
    style = styles.get_by_id(style_id)
    number: int | None = (
        style.pPr.numPr.numId.val if style is not None and style.pPr is not None else None
    )
    return number


#: The numbering of list styles (:func:`_style_numbering`), by the styles' bytes and style.
_style_numbers: dict[tuple[bytes, str], int | None] = {}


#: The paragraph properties that come before w:numPr in a w:pPr (ECMA-376, CT_PPrBase).
_BEFORE_NUMBERING = ("w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr",
                     "w:widowControl")  # fmt: skip


def _number(properties: Any, num_id: int, made: dict[int, Any]) -> None:
    """Make the paragraph with the properties (w:pPr) ``properties`` an item of the
    numbering ``num_id``, at its first level.

    A new w:numPr is put in its place directly: python-docx's ``get_or_add_numPr`` looks for
    each of the thirty elements that may follow it, three times a paragraph. Each is a copy
    of the one first made for ``num_id`` (kept in ``made``).
    """
    from docx.oxml.ns import qn
    from docx.oxml.parser import OxmlElement

    num_pr = properties.numPr
    if num_pr is not None:  # the template's own: python-docx puts its parts in order
        num_pr.get_or_add_ilvl().val = 0
        num_pr.get_or_add_numId().val = num_id
        return
    before = _before_numbering()
    index = 0
    while index < len(properties) and properties[index].tag in before:
        index += 1
    model = made.get(num_id)
    if model is None:
        model = made[num_id] = OxmlElement("w:numPr")
        model.append(OxmlElement("w:ilvl", {qn("w:val"): "0"}))
        model.append(OxmlElement("w:numId", {qn("w:val"): str(num_id)}))
    properties.insert(index, copy.deepcopy(model))


@functools.cache
def _before_numbering() -> frozenset[str]:
    """:data:`_BEFORE_NUMBERING` as the tags of lxml's elements."""
    from docx.oxml.ns import qn

    return frozenset(qn(tag) for tag in _BEFORE_NUMBERING)


@functools.cache
def _style_check() -> Callable[..., object]:
    from docx.oxml.ns import nsmap
    from lxml import etree

    check: Callable[..., object] = etree.XPath(
        "boolean(.//w:p/w:pPr/w:pStyle[@w:val=$style])", namespaces=nsmap
    )
    return check


def _uses_style(body: object, style: str) -> bool:
    """Whether a paragraph in ``body`` has the paragraph style ``style``."""
    return bool(_style_check()(body, style=style))


_TIMEZONE = ZoneInfo("Europe/Stockholm")

#: Word's document properties hold at most this many characters.
_PROPERTY_MAX = 255


def _clip(text: str) -> str:
    return text if len(text) <= _PROPERTY_MAX else text[: _PROPERTY_MAX - 1] + "…"


def _set_metadata(document: Document, meta: Metadata) -> None:
    """Word's core and extended properties, and the theme fonts' language, avtalsgen's own:
    what the template says of itself (its dates, the Word that saved it, a description of
    the template) is not so of the document."""
    from docx.oxml.ns import qn

    props = document.core_properties
    props.title = _clip(meta.title)
    props.subject = _clip(meta.subject)
    props.keywords = _clip(", ".join(meta.keywords))
    props.author = meta.author
    props.language = meta.language
    props.comments = ""
    props.category = ""
    props.last_modified_by = "avtalsgen"
    props.revision = 1
    created = meta.created if meta.created is not None else dt.datetime.now(dt.UTC)
    if not isinstance(created, dt.datetime):
        created = dt.datetime.combine(created, dt.time(), tzinfo=_TIMEZONE)
    elif created.tzinfo is None:
        created = created.replace(tzinfo=_TIMEZONE)
    stamp = created.astimezone(dt.UTC).replace(microsecond=0)  # Word keeps them in UTC
    props.created = stamp
    props.modified = stamp
    theme_language = document.settings.element.find(qn("w:themeFontLang"))
    if theme_language is not None:
        theme_language.attrib.clear()
        theme_language.set(qn("w:val"), meta.language)
    for part in document.part.package.parts:
        if part.partname == "/docProps/app.xml":
            part._blob = _APP_XML


def render_document(template: Path, context: object, meta: Metadata) -> bytes:
    """Render ``template`` with ``context`` (a dataclass whose fields are the template's
    variables) and return the finished .docx file's bytes."""
    from jinja2 import TemplateError, UndefinedError
    from lxml import etree

    source = io.BytesIO(_template_bytes(template))
    try:
        tpl = _template_class()(source)
        tpl.render(_variables_of(context), jinja_environment(), autoescape=True)
    except (UndefinedError, TemplateError) as exc:
        raise RenderError(_located(template, context, exc)) from None
    except etree.XMLSyntaxError as exc:
        raise RenderError(
            _("{template}: rendering produced invalid Word XML: {error}").format(
                template=template, error=exc
            )
        ) from None
    except (ArithmeticError, LookupError, TypeError, ValueError, AttributeError) as exc:
        # e.g. the sandbox refusing range(10**9): an error in the template, not a crash
        raise RenderError(_located(template, context, exc)) from None
    document: Document = tpl.docx
    if _paragraph_in_run()(document.element) or _text_outside_paragraphs(document):
        # A text of paragraphs printed by {{ }}, not {{p }}, or a value by {{p }}:
        # LibreOffice shows none of it.
        raise RenderError(_located(template, context, PrintedWrongly()))
    drop_comments(document)
    restart_numbered_lists(document)
    keep_dnr_together(document)
    keep_tables_together(document)
    _set_metadata(document, meta)
    return docx_bytes(document)  # docxtpl has parsed every rendered part as XML by now


@functools.cache
def _paragraph_in_run() -> Callable[..., object]:
    """An XPath: whether a paragraph stands inside a run's text (a text of paragraphs
    printed by ``{{ }}`` where only ``{{p }}`` shows it)."""
    from docx.oxml.ns import nsmap
    from lxml import etree

    found: Callable[..., object] = etree.XPath("boolean(.//w:t//w:p)", namespaces=nsmap)
    return found


def _text_outside_paragraphs(document: Document) -> bool:
    """Whether text stands in the body outside any paragraph or table (a single value
    printed by ``{{p }}``, which takes the place of its paragraph)."""
    body = document.element.body
    return bool((body.text or "").strip()) or any((c.tail or "").strip() for c in body)


class PrintedWrongly(ValueError):
    """A rendered document with paragraphs inside a run's text, or text outside any
    paragraph: a text of paragraphs printed by ``{{ }}``, or a single value by ``{{p }}``."""


#: The attribute of an exception raised while a part rendered that holds the tag (as the
#: source reads) that Jinja failed on.
_FAILING_TAGS = "avtalsgen_failing_tags"


def _template_line(exc: BaseException) -> int | None:
    """The line of the template source Jinja failed on with ``exc``: a syntax error's, else
    that of the template's last frame in the traceback."""
    lineno = getattr(exc, "lineno", None)
    frame = exc.__traceback__
    while frame is not None:
        if frame.tb_frame.f_code.co_filename == "<template>":
            lineno = frame.tb_lineno
        frame = frame.tb_next
    return lineno if isinstance(lineno, int) else None


def _note_failing_tag(exc: Exception, source: str, render: Callable[[str], object]) -> None:
    """Note on ``exc`` the tag of the part's patched ``source`` that Jinja failed on. The
    source renders with a paragraph a line; on an error (rarely) it is rendered again by
    ``render`` with a line a tag (:func:`~avtalsgen.documents.templateplaces.lined`), so
    that the line of the error begins with its tag."""
    from jinja2 import TemplateError

    from avtalsgen.documents.templateplaces import TAG, lined

    # What render_document takes for an error in the template (not a crash).
    errors = (TemplateError, ArithmeticError, LookupError, TypeError, ValueError, AttributeError)
    if not isinstance(exc, errors):
        return
    tagged = lined(source)
    try:
        render(tagged)
    except errors as again:  # the same error, now on the line of its tag
        lineno = _template_line(again)
        lines = tagged.split("\n")
        found = TAG.match(lines[lineno - 1]) if lineno and 0 < lineno <= len(lines) else None
        if found is not None:
            setattr(exc, _FAILING_TAGS, (html.unescape(found.group()),))


#: The name Jinja says a value or attribute is missing by.
_MISSING_NAME = re.compile(r"has no attribute '([^']+)'|^'([^']+)' is undefined")


def _located(template: Path, context: object, exc: Exception) -> str:
    """A template's error in the words of ``avtalsgen templates check``, which says where in
    the template it is and how to fix it: the finding of the check that rendering failed
    on. Where the check finds none (an error only these values meet), the failing tag and
    the kind of error in words, with Jinja's own words quoted as the technical reason."""
    from avtalsgen.documents.templatecheck import check_template

    failing: tuple[str, ...] = getattr(exc, _FAILING_TAGS, ())
    missing = _MISSING_NAME.search(str(getattr(exc, "message", None) or exc))
    name = (missing.group(1) or missing.group(2)) if missing is not None else None
    if name is not None:  # of the tags on the failing line, those that use the name
        failing = tuple(t for t in failing if _mentions(t, name)) or failing
    finding = _failed_finding(check_template(template, type(context)), exc, failing, name)
    if finding is not None:
        return _(
            "{template}: {finding} ('avtalsgen templates check' lists every problem of the "
            "templates)"
        ).format(template=template, finding=finding)
    return f"{template}: {_unexplained(exc, failing)}"


def _failed_finding(
    findings: list[Any], exc: Exception, failing: tuple[str, ...], name: str | None
) -> Any:
    """The finding of :func:`~avtalsgen.documents.templatecheck.check_template` that
    rendering failed on with ``exc``: at one of the tags ``failing`` (as the source reads
    them), or where they are not known (a document property), about the missing ``name``;
    None if the check did not find it."""
    from jinja2 import TemplateSyntaxError

    from avtalsgen.documents.templateplaces import key_of

    if isinstance(exc, TemplateSyntaxError):  # Jinja stops at the first part it cannot read
        return next((f for f in findings if f.kind == "syntax"), None)
    if isinstance(exc, PrintedWrongly):
        return next((f for f in findings if f.kind == "printed"), None)
    keys = {key_of(tag) for tag in failing}
    return next(
        (
            f
            for f in findings
            if f.kind == "name" and (f.tag in keys if keys else _mentions(f.message, name))
        ),
        None,
    )


def _mentions(text: str, name: str | None) -> bool:
    return name is not None and re.search(rf"\b{re.escape(name)}\b", text) is not None


def _unexplained(exc: Exception, failing: tuple[str, ...]) -> str:
    """What a template's error that the check does not find is, in words: which tag, and
    what kind of error, Jinja's words quoted as the technical reason."""
    from jinja2 import TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError

    from avtalsgen.errors import technical_reason
    from avtalsgen.i18n import join_words

    if isinstance(exc, PrintedWrongly):
        return _(
            "a text of paragraphs is printed by '{{ … }}', which shows it in no document: "
            "write '{{p … }}' alone in its paragraph; or a single value by '{{p … }}': write "
            "'{{ … }}' in the paragraph's text"
        ).format()
    quoted = [f"'{tag}'" for tag in dict.fromkeys(failing)]
    if len(quoted) == 1:
        subject = _("the tag {tag}").format(tag=quoted[0])
    elif quoted:
        subject = _("one of the tags {tags}").format(tags=join_words(quoted))
    else:
        subject = _("a tag of the template")
    if isinstance(exc, TemplateSyntaxError):
        what = _("{subject} cannot be read: check its spelling, quotes and braces")
    elif isinstance(exc, UndefinedError):
        what = _(
            "{subject} uses a value this case does not have (one it leaves empty, or one "
            "the models do not provide): test it with '{{% if … %}}' first, or correct its name"
        )
    elif isinstance(exc, SecurityError):
        what = _("{subject} asks for something a template may not use")
    elif isinstance(exc, ArithmeticError):
        what = _("{subject} makes a calculation that this case's values do not allow")
    else:
        what = _("{subject} cannot be filled in with this case's values")
    detail = getattr(exc, "message", None) or str(exc)
    return f"{what.format(subject=subject)} {technical_reason(detail)}"


def docx_bytes(document: Document, compresslevel: int = COMPRESSLEVEL) -> bytes:
    """The .docx file of ``document``: what ``document.save`` writes, member for member,
    but compressed at ``compresslevel`` and with fixed timestamps (each distinct member
    deflated once in a while: see :mod:`avtalsgen.documents.docxzip`)."""
    from avtalsgen.documents.docxzip import zip_members

    package = document.part.package
    parts = package.parts
    for part in parts:
        part.before_marshal()
    members = [("[Content_Types].xml", _content_types(parts)), ("_rels/.rels", _rels_xml(package))]
    for part in parts:
        members.append((part.partname.membername, part.blob))
        if len(part.rels):
            members.append((part.partname.rels_uri.membername, _rels_xml(part)))
    return zip_members(
        [(name, data.encode("utf-8") if isinstance(data, str) else data) for name, data in members],
        compresslevel,
    )


#: What :func:`_content_types` and :func:`_rels_xml` made, by what they were made from:
#: the documents of a template have the same parts and relationships.
_made_xml: dict[tuple[object, ...], bytes] = {}
_KEPT_XML = 64


def _remembered(key: tuple[object, ...], make: Callable[[], bytes | str]) -> bytes:
    found = _made_xml.get(key)
    if found is None:
        made = make()
        found = made.encode("utf-8") if isinstance(made, str) else made
        with _templates_lock:
            if len(_made_xml) >= _KEPT_XML:
                _made_xml.clear()
            _made_xml[key] = found
    return found


def _rels_xml(source: Any) -> bytes:
    """The relationships file of ``source`` (the package or a part), as python-docx
    writes it (``source.rels.xml``)."""
    rels = source.rels
    key = ("rels", *((r.rId, r.reltype, _target_ref(r), r.is_external) for r in rels.values()))
    return _remembered(key, lambda: rels.xml)


def _target_ref(rel: Any) -> str:
    """``rel.target_ref``: for a part, its name relative to the relationship's source,
    which python-docx works out with :func:`os.path.relpath` each time (a tenth of
    writing a document); the same few names come again in every document."""
    if rel.is_external:
        ref: str = rel.target_ref
        return ref
    key = (str(rel.target_part.partname), rel._baseURI)
    found = _target_refs.get(key)
    if found is None:
        found = rel.target_ref
        with _templates_lock:
            if len(_target_refs) >= _KEPT_XML:
                _target_refs.clear()
            _target_refs[key] = found
    return found


#: What :func:`_target_ref` worked out, by the part's name and the source's base URI.
_target_refs: dict[tuple[str, str], str] = {}


def _content_types(parts: Iterable[Part]) -> bytes:
    """``[Content_Types].xml`` for ``parts``, exactly as python-docx writes it."""
    listed = tuple(parts)
    key = ("types", *((str(part.partname), part.content_type) for part in listed))
    return _remembered(key, lambda: _make_content_types(listed))


def _make_content_types(parts: Iterable[Part]) -> bytes:
    from docx.opc.constants import CONTENT_TYPE
    from docx.opc.oxml import CT_Types, serialize_part_xml
    from docx.opc.spec import default_content_types

    defaults = {"rels": CONTENT_TYPE.OPC_RELATIONSHIPS, "xml": CONTENT_TYPE.XML}
    overrides: dict[str, str] = {}
    for part in parts:
        ext = part.partname.ext
        if (ext.lower(), part.content_type) in default_content_types:
            defaults[ext.lower()] = part.content_type
        else:
            overrides[part.partname] = part.content_type
    types = CT_Types.new()  # type: ignore[no-untyped-call]
    for ext in sorted(defaults):
        types.add_default(ext, defaults[ext])
    for partname in sorted(overrides):
        types.add_override(partname, overrides[partname])
    data: bytes = serialize_part_xml(types)
    return data


_templates: dict[Path, tuple[tuple[int, int, int], bytes]] = {}
_templates_lock = threading.Lock()


def _template_bytes(template: Path) -> bytes:
    """The template as an uncompressed zip, read once and again only when its file changes.

    python-docx then reads each part without inflating it again on every render.
    """
    try:
        info = template.stat()
        key = (info.st_mtime_ns, info.st_size, info.st_ino)
        with _templates_lock:
            cached = _templates.get(template)
        if cached is not None and cached[0] == key:
            return cached[1]
        data = template.read_bytes()
        problem = format_problem(data) or tracked_changes_problem(data)
        if problem is not None:
            raise RenderError(f"{template}: {problem}")
        data = _uncompressed(data)
    except OSError as exc:
        locks = only_lock_files(template.parent) if isinstance(exc, FileNotFoundError) else None
        raise RenderError(
            _("{template}: cannot read the template: {reason}").format(
                template=template, reason=locks or os_reason(exc)
            )
        ) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as exc:
        raise RenderError(
            _("{template}: not a Word document (.docx): {error}").format(
                template=template, error=exc
            )
        ) from None
    with _templates_lock:
        _templates[template] = (key, data)
    return data


def _uncompressed(data: bytes) -> bytes:
    """The same zip with every member stored uncompressed."""
    output = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(output, "w", zipfile.ZIP_STORED) as target,
    ):
        for member in source.infolist():
            info = zipfile.ZipInfo(member.filename, member.date_time)
            info.external_attr = member.external_attr
            target.writestr(info, source.read(member))
    return output.getvalue()


#: The characters docxtpl's ``resolve_listing`` acts on.
_LISTING_CHARS = re.compile("[\t\a\n\f]")


@functools.cache
def _template_class() -> type[DocxTemplate]:
    """docxtpl's template, patching each distinct XML source for Jinja only once."""
    from docxtpl import DocxTemplate
    from jinja2 import TemplateError

    patched: dict[str, str] = {}

    class _Template(DocxTemplate):  # type: ignore[misc]
        docx: Any
        is_rendered: bool

        def init_docx(self, reload: bool = True) -> None:
            # docxtpl's, with the template read as python-docx reads it but its zip and
            # relationships parsed once per template (see _template_document).
            if not self.docx or (self.is_rendered and reload):
                self.docx = _template_document(self.template_file)
                self.is_rendered = False

        def patch_xml(self, src_xml: str) -> str:
            result = patched.get(src_xml)
            if result is None:
                result = str(super().patch_xml(src_xml))
                if len(patched) < _PATCHED_SOURCES:
                    patched[src_xml] = result
            return result

        def fix_tables(self, xml: str) -> Any:
            # docxtpl gives the columns of a table whose rows ({%tc for %}) made more or fewer
            # cells than its grid the same width; they take the widths their cells ask for.
            from lxml import etree

            tree = etree.fromstring(xml, etree.XMLParser(recover=True))
            fit_dynamic_columns(tree)
            return tree

        def render_xml_part(
            self, src_xml: str, part: Any, context: dict[str, Any], jinja_env: Any = None
        ) -> str:
            # docxtpl's, but the patched source's paragraphs are put on lines of their own
            # (for Jinja's line numbers) once per source, not on every render.
            if jinja_env is None:
                return str(super().render_xml_part(src_xml, part, context, jinja_env))
            source = _lined.get(src_xml)
            if source is None:
                source = re.sub(r"<w:p([ >])", r"\n<w:p\1", src_xml)
                if len(_lined) < _PATCHED_SOURCES:
                    _lined[src_xml] = source
            self.current_rendering_part = part
            try:
                dst_xml = str(jinja_env.from_string(source).render(context))
            except Exception as exc:
                _note_failing_tag(
                    exc, source, lambda text: jinja_env.from_string(text).render(context)
                )
                lineno = getattr(exc, "lineno", None)
                if isinstance(exc, TemplateError) and lineno is not None:
                    # docxtpl's context of the error, its lines' text
                    line_number = max(lineno - 4, 0)
                    lines = source.splitlines()[line_number : line_number + 7]
                    exc.docx_context = (  # type: ignore[attr-defined]
                        re.sub(r"<[^>]+>", "", x) for x in lines
                    )
                raise
            dst_xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", dst_xml)
            for escaped, delimiter in _DOCXTPL_DELIMITERS:
                dst_xml = dst_xml.replace(escaped, delimiter)
            return self.resolve_listing(dst_xml)

        def get_part_xml(self, part: Any) -> str:
            # docxtpl serializes a header's or footer's XML, parses it again, and serializes
            # that: the same text as serializing the part's own element once.
            element = getattr(part, "_element", None)
            if element is None:
                return str(super().get_part_xml(part))
            return str(self.xml_to_string(element))

        def render_properties(self, context: dict[str, Any], jinja_env: Any = None) -> None:
            # docxtpl renders six core properties as templates, each in a new Jinja context
            # of every variable; a text without Jinja's delimiters (nearly all: avtalsgen
            # sets them after) renders to itself. Every property is still set, as docxtpl
            # does (which adds the missing ones).
            if jinja_env is None:
                super().render_properties(context, jinja_env)
                return
            properties = self.docx.core_properties
            for prop in _RENDERED_PROPERTIES:
                initial = getattr(properties, prop)
                if not _ITSELF.fullmatch(initial):
                    initial = jinja_env.from_string(initial).render(context)
                setattr(properties, prop, initial)

        def render_footnotes(self, context: dict[str, Any], jinja_env: Any = None) -> None:
            # docxtpl's renders the footnotes (once for each section: the same parts again,
            # then without tags) but not the endnotes, whose tags a document printed as
            # typed ('Enligt beslut i ärende {{ arende.dnr }}.'): both, each part once.
            for part in self.docx.part.package.parts:
                if part.content_type in NOTE_TYPES:
                    blob = part.blob
                    xml = self.patch_xml(blob.decode("utf-8") if isinstance(blob, bytes) else blob)
                    xml = self.render_xml_part(xml, part, context, jinja_env)
                    part._blob = xml.encode("utf-8")

        def resolve_listing(self, xml: str) -> str:
            # docxtpl turns tabs, line and page breaks in the text of paragraphs into Word's
            # elements, with three regular expressions over every paragraph and run: a
            # part without any of these characters from its first paragraph on is unchanged.
            start = xml.find("<w:p")
            if start < 0 or not _LISTING_CHARS.search(xml, start):
                return xml
            return str(super().resolve_listing(xml))

    return _Template


#: The content types of a Word document's footnotes and endnotes, whose tags are rendered.
NOTE_TYPES = frozenset(
    f"application/vnd.openxmlformats-officedocument.wordprocessingml.{kind}+xml"
    for kind in ("footnotes", "endnotes")
)
#: The core properties docxtpl renders as templates (DocxTemplate.render_properties).
_RENDERED_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
#: A text Jinja renders to itself: no delimiter's first character, no line break (Jinja
#: drops a last newline and writes \r\n as \n).
_ITSELF = re.compile(r"[^{\r\n]*")


def fit_dynamic_columns(body: Any) -> None:
    """Give each table whose widest row has another number of columns than its grid (its
    columns come from a ``{%tc for %}`` loop) a grid of the widths its cells ask for
    (``w:tcW``), scaled to the grid's old total width. Other tables are left as they are."""
    from docx.oxml.ns import qn

    grid_tag, col_tag, width = qn("w:tblGrid"), qn("w:gridCol"), qn("w:w")
    cell_tag, row_tag, val = qn("w:tc"), qn("w:tr"), qn("w:val")
    span_path = f"{qn('w:tcPr')}/{qn('w:gridSpan')}"
    width_path = f"{qn('w:tcPr')}/{qn('w:tcW')}"
    for table in body.iter(qn("w:tbl")):
        grid = table.find(grid_tag)
        if grid is None:
            continue
        columns = grid.findall(col_tag)
        rows = [row.findall(cell_tag) for row in table.iter(row_tag)]
        asked: list[int] = []
        for cells in rows:
            widths = []
            for cell in cells:
                span_el = cell.find(span_path)
                span = int(span_el.get(val)) if span_el is not None else 1
                width_el = cell.find(width_path)
                cell_width = int(width_el.get(width)) if width_el is not None else 0
                widths += [cell_width // span] * span
            if len(widths) > len(asked):
                asked = widths
        if not asked or len(asked) == len(columns) or not all(asked):
            continue
        total = sum(int(column.get(width) or 0) for column in columns) or sum(asked)
        for column in columns:
            grid.remove(column)
        scaled = [round(w * total / sum(asked)) for w in asked]
        for value in scaled:
            column = grid.makeelement(col_tag, {width: str(value)})
            grid.append(column)


#: How many distinct XML sources (bodies, headers, footers) stay patched in memory.
_PATCHED_SOURCES = 64
#: Each patched source with its paragraphs on lines of their own, as docxtpl renders it.
_lined: dict[str, str] = {}
#: What docxtpl turns into Jinja's delimiters in what it rendered, in its order.
_DOCXTPL_DELIMITERS = (("{_{", "{{"), ("}_}", "}}"), ("{_%", "{%"), ("%_}", "%}"))

#: python-docx's reading of each template's zip (its parts' bytes, content types and
#: relationships), by the template's bytes: a batch renders the same few templates.
_readers: dict[bytes, Any] = {}
_KEPT_READERS = 8


def _part_of(partname: Any, content_type: str, reltype: str, blob: bytes, package: Any) -> Part:
    """The part python-docx's ``PartFactory`` makes of a template's member, but the styles
    as their bytes: rendering only reads them (:func:`_style_numbering`), and parsing and
    writing them again took a tenth of a render. The bytes are those python-docx would
    write of them (parsed and serialized once per template)."""
    from docx.opc.constants import CONTENT_TYPE
    from docx.opc.part import Part, PartFactory

    if content_type != CONTENT_TYPE.WML_STYLES:
        made: Part = PartFactory(partname, content_type, reltype, blob, package)  # type: ignore[assignment]
        return made
    written = _written_styles.get(blob)
    if written is None:
        from docx.opc.oxml import serialize_part_xml
        from docx.oxml.parser import parse_xml

        written = serialize_part_xml(parse_xml(blob))
        with _templates_lock:
            if len(_written_styles) >= _KEPT_READERS:
                _written_styles.clear()
            _written_styles[blob] = written
    return Part(partname, content_type, written, package)


#: The styles of the templates as python-docx writes them, by their bytes in the template.
_written_styles: dict[bytes, bytes] = {}


def _template_document(source: io.BytesIO) -> Document:
    """The python-docx document of the template ``source``, as ``docx.Document(source)``
    makes it: each render gets parts of its own, parsed from the template's bytes, but the
    zip, content types and relationships are read once per template (about 0.8 ms of the
    2 ms it takes to open one)."""
    from docx.opc.constants import CONTENT_TYPE
    from docx.opc.package import Unmarshaller
    from docx.opc.pkgreader import PackageReader
    from docx.package import Package

    data = source.getvalue()
    with _templates_lock:
        reader = _readers.get(data)
    if reader is None:
        reader = PackageReader.from_file(io.BytesIO(data))  # type: ignore[no-untyped-call]
        with _templates_lock:
            if len(_readers) >= _KEPT_READERS:
                _readers.clear()
            _readers[data] = reader
    package = Package()
    Unmarshaller.unmarshal(reader, package, _part_of)  # type: ignore[no-untyped-call]
    part = package.main_document_part
    if part.content_type != CONTENT_TYPE.WML_DOCUMENT_MAIN:
        raise ValueError(  # python-docx's own words
            f"file '{source}' is not a Word file, content type is '{part.content_type}'"
        )
    document: Document = part.document
    return document
