"""Check a Word template against the models: every variable path it uses must exist.

The template's Jinja source (body, headers, footers and document properties, after
docxtpl's own tag rewriting) is parsed and walked; each name and attribute is resolved
against the types of :class:`avtalsgen.documents.context.Context`, loop variables included.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import types
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin, get_type_hints

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docxtpl import DocxTemplate
from jinja2 import TemplateSyntaxError, nodes
from pydantic import BaseModel

from avtalsgen.documents.context import Context
from avtalsgen.documents.fileformat import format_problem
from avtalsgen.documents.format import FILTERS
from avtalsgen.documents.kinds import KINDS
from avtalsgen.documents.render import NOTE_TYPES, STYLE_IDS, jinja_environment
from avtalsgen.documents.review import tracked_changes_problem
from avtalsgen.documents.templatefacts import missing_places, year_columns
from avtalsgen.documents.templatelanguage import other_languages
from avtalsgen.documents.templateplaces import (
    Locator,
    PartText,
    Tag,
    lined,
    lost_content,
    pictures_without_text,
    stray_closers,
    tags_of,
)
from avtalsgen.documents.tillagg import TillaggContext
from avtalsgen.errors import os_reason
from avtalsgen.i18n import _
from avtalsgen.meetings.anslag import AnslagContext
from avtalsgen.meetings.extract import UtdragContext
from avtalsgen.model.prose import Block

#: The context dataclass of each kind of template context (:attr:`Kind.context`).
_CONTEXTS: dict[str, type] = {"case": Context, "utdrag": UtdragContext, "tillagg": TillaggContext}
#: Every template and the context dataclass it is rendered with: one per kind of document,
#: and the anslag (a meeting's notice of justering, not a document of a case).
TEMPLATES: dict[str, type] = {
    **{kind.name: _CONTEXTS[kind.context] for kind in KINDS},
    "anslag": AnslagContext,
}

_MISSING = object()


@dataclass(frozen=True)
class Finding:
    """One problem in a template: where (body, header, ...) and what."""

    part: str
    message: str
    tag: str = ""
    """The tag it is about, as Jinja reads it (:func:`~.templateplaces.key_of`), if one."""
    kind: str = ""
    """What rendering meets of it: ``syntax`` (Jinja cannot read the part), ``name`` (a
    value, filter or statement the template cannot have), ``printed`` (a value printed by
    the wrong kind of tag); empty: rendering goes on (the document shows it wrongly)."""

    def __str__(self) -> str:
        return f"{self.part}: {self.message}" if self.part else self.message


@dataclass(frozen=True)
class _Var:
    type: Any
    path: str


def _unwrap(tp: Any) -> Any:
    origin = get_origin(tp)
    if origin is Annotated:
        return _unwrap(get_args(tp)[0])
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        return _unwrap(args[0]) if len(args) == 1 else Any
    return tp


def _attribute(tp: Any, name: str) -> Any:
    """The type of ``tp.name``, or ``_MISSING`` when the models do not provide it."""
    tp = _unwrap(tp)
    if tp is Any:
        return Any
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        if name in tp.model_fields:
            return tp.model_fields[name].annotation
    elif dataclasses.is_dataclass(tp) and isinstance(tp, type):
        # A dataclass reaches the template as a mapping of its fields: nothing else exists.
        hints = get_type_hints(tp)
        return hints[name] if name in {f.name for f in dataclasses.fields(tp)} else _MISSING
    if name.startswith("_"):
        return _MISSING
    member = getattr(tp, name, _MISSING)
    if isinstance(member, property) and member.fget is not None:
        return get_type_hints(member.fget).get("return", Any)
    return Any if member is not _MISSING else _MISSING


def _is_prose(tp: Any) -> bool:
    """Whether a value of type ``tp`` is a text of paragraphs (rendered by ``{{p }}``)."""
    tp = _unwrap(tp)
    return get_origin(tp) is tuple and get_args(tp)[:1] == (Block,)


def _element(tp: Any) -> Any:
    tp = _unwrap(tp)
    if get_origin(tp) in (list, tuple) and get_args(tp):
        return get_args(tp)[0]
    return Any


def _fields(tp: Any) -> list[str]:
    """The names a template may read of a value of type ``tp``."""
    tp = _unwrap(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return list(tp.model_fields)
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return [field.name for field in dataclasses.fields(tp)]
    return []


def _did_you_mean(message: str, name: str, candidates: list[str], paths: list[str]) -> str:
    """``message`` and, when one of ``candidates`` is near ``name``, the path of ``paths``
    (in the same order) that the tag may have meant."""
    near = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6) or _abbreviated(
        name, candidates
    )
    if not near:
        return message
    return _("{message}; did you mean '{suggestion}'?").format(
        message=message, suggestion=paths[candidates.index(near[0])]
    )


def _abbreviated(name: str, candidates: list[str]) -> list[str]:
    """The one candidate ``name`` abbreviates, if one: its letters stand in it in order,
    from its first (``orgnr``: ``organisationsnummer``)."""
    letters = name.lower().replace("_", "")

    def abbreviates(candidate: str) -> bool:
        rest = iter(candidate.lower())
        return candidate[:1].lower() == letters[:1] and all(ch in rest for ch in letters)

    found = list(dict.fromkeys(c for c in candidates if len(letters) >= 3 and abbreviates(c)))
    return found if len(found) == 1 else []


#: Filters a Swedish-speaking author may reach for by their Swedish names: Jinja's own.
_FILTER_WORDS = {"versaler": "upper", "gemener": "lower", "stor_forsta": "capitalize"}


def _unknown_filter(name: str, filters: set[str]) -> str:
    """An unknown filter in words, with avtalsgen's own filter it may have meant (before
    Jinja's, whose names an author of avtalsgen's templates rarely means), else Jinja's
    one by its Swedish name or a near one, else the list of avtalsgen's own."""
    message = _("unknown filter '{name}'").format(name=name)
    own = sorted(FILTERS)
    near = difflib.get_close_matches(name, own, n=1, cutoff=0.6)
    if not near and _FILTER_WORDS.get(name.lower()) in filters:
        near = [_FILTER_WORDS[name.lower()]]
    if not near:
        near = difflib.get_close_matches(name, sorted(filters - set(own)), n=1, cutoff=0.75)
    if near:
        return _("{message}; did you mean '{suggestion}'?").format(
            message=message, suggestion=near[0]
        )
    return _("{message}; avtalsgen's own filters are {filters}").format(
        message=message, filters=", ".join(own)
    )


class _Walker:
    def __init__(
        self,
        part: str,
        roots: dict[str, _Var],
        filters: set[str],
        locator: Locator | None = None,
    ) -> None:
        self.part = part
        self.roots = roots
        self.filters = filters
        self.locator = locator
        self.findings: list[Finding] = []

    def report(self, message: str, node: nodes.Node | None = None, kind: str = "name") -> None:
        tag = self.locator.tag(getattr(node, "lineno", None)) if self.locator else None
        part = f"{self.part}, {tag.place}" if tag is not None and tag.place else self.part
        finding = Finding(part, message, tag.key if tag is not None else "", kind)
        if finding not in self.findings:
            self.findings.append(finding)

    def _missing_name(self, name: str, scope: dict[str, _Var]) -> str:
        message = _("'{name}' is not provided").format(name=name)
        names = [*scope, *self.roots]
        paths = list(names)
        for root, var in self.roots.items():
            for field in _fields(var.type):
                names.append(field)
                paths.append(f"{root}.{field}")
        return _did_you_mean(message, name, names, paths)

    def expr(self, node: nodes.Node, scope: dict[str, _Var]) -> _Var:
        if isinstance(node, nodes.Name):
            if node.name in scope:
                return scope[node.name]
            if node.name in self.roots:
                return self.roots[node.name]
            self.report(self._missing_name(node.name, scope), node)
            return _Var(Any, node.name)
        if isinstance(node, nodes.Getattr):
            base = self.expr(node.node, scope)
            path = f"{base.path}.{node.attr}"
            found = _attribute(base.type, node.attr)
            if found is _MISSING:
                fields = _fields(base.type)
                message = _("'{path}' is not provided by the models").format(path=path)
                self.report(
                    _did_you_mean(message, node.attr, fields, [f"{base.path}.{f}" for f in fields]),
                    node,
                )
                return _Var(Any, path)
            return _Var(found, path)
        if isinstance(node, nodes.Filter | nodes.Test):
            if isinstance(node, nodes.Filter) and node.name not in self.filters:
                self.report(_unknown_filter(node.name, self.filters), node)
            for child in node.iter_child_nodes():
                self.expr(child, scope)
            return _Var(Any, "")
        for child in node.iter_child_nodes():
            self.walk(child, scope) if isinstance(child, nodes.Stmt) else self.expr(child, scope)
        return _Var(Any, "")

    def walk(self, node: nodes.Node, scope: dict[str, _Var]) -> None:
        if isinstance(node, nodes.For):
            items = self.expr(node.iter, scope)
            inner = dict(scope)
            element = _Var(_element(items.type), f"{items.path}[]")
            for target in self._targets(node.target):
                inner[target] = element
            inner["loop"] = _Var(Any, "loop")
            if node.test is not None:
                self.expr(node.test, inner)
            for child in node.body:
                self.walk(child, inner)
            for child in node.else_:
                self.walk(child, scope)
            return
        if isinstance(node, nodes.Assign):
            value = self.expr(node.node, scope)
            for target in self._targets(node.target):
                scope[target] = value
            return
        if isinstance(node, nodes.Macro | nodes.CallBlock):
            self.report(_("macros and call blocks are not supported in templates"), node)
            return
        if isinstance(node, nodes.Expr):
            self.expr(node, scope)
            return
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                if isinstance(child, nodes.TemplateData):
                    continue
                self._printed(child, self.expr(child, scope))
            return
        for child in node.iter_child_nodes():
            if isinstance(child, nodes.Stmt | nodes.Template | nodes.Helper):
                self.walk(child, scope)
            else:
                self.expr(child, scope)

    def _printed(self, node: nodes.Node, var: _Var) -> None:
        """A printed value against its tag: a text of paragraphs (prose) needs ``{{p }}``,
        which takes the place of its whole paragraph; a single value needs ``{{ }}``.
        Prose in ``{{ }}`` put paragraphs inside a run, and LibreOffice showed nothing of
        them (the Syfte section was empty); a value in ``{{p }}`` stands outside any
        paragraph."""
        tag = self.locator.tag(node.lineno) if self.locator is not None else None
        if tag is None or not tag.key.startswith("{") or not var.path:
            return
        prose = _is_prose(var.type)
        inner = tag.text[2:-2].strip()
        if tag.marker:
            inner = inner[len(tag.marker) :].strip()
        if prose and tag.marker != "p":
            self.report(
                _(
                    "'{tag}' is a text of paragraphs, which is shown only by a tag that takes "
                    "the place of its whole paragraph: write '{fixed}' alone in a paragraph"
                ).format(tag=tag.text, fixed="{{p " + inner + " }}"),
                node,
                "printed",
            )
        elif tag.marker == "p" and not prose and var.type is not Any:
            self.report(
                _(
                    "'{tag}' takes the place of its whole paragraph, but '{path}' is a single "
                    "value: write '{fixed}' in the paragraph's text instead"
                ).format(tag=tag.text, path=var.path, fixed="{{ " + inner + " }}"),
                node,
                "printed",
            )

    @staticmethod
    def _targets(node: nodes.Node) -> Iterator[str]:
        if isinstance(node, nodes.Name):
            yield node.name
        else:
            for child in node.iter_child_nodes():
                yield from _Walker._targets(child)


#: The kinds of header and footer python-docx names, in words.
_HEADER_KINDS = {
    "default": lambda: _("the page header"),
    "first": lambda: _("the page header of the first page"),
    "even": lambda: _("the page header of even pages"),
}
_FOOTER_KINDS = {
    "default": lambda: _("the page footer"),
    "first": lambda: _("the page footer of the first page"),
    "even": lambda: _("the page footer of even pages"),
}


#: The kinds of part of a template (:func:`_sources`), told apart by these and never by
#: their names in words, which are translated: the body, a page header or footer, the
#: footnotes or endnotes, a document property.
BODY, PAGE, NOTES, PROPERTY = "body", "page", "notes", "property"


def _sources(template: Path) -> Iterator[tuple[str, str, str, str | None]]:
    """Each part of a template: its kind (:data:`BODY`, :data:`PAGE`, :data:`NOTES` or
    :data:`PROPERTY`), its name in words, its Jinja source as docxtpl would render it, and
    its XML as Word saved it (None for a document property)."""
    tpl = DocxTemplate(template)
    tpl.init_docx()
    xml = tpl.get_xml()
    yield BODY, _("body"), tpl.patch_xml(xml), xml
    # Which header or footer each relationship is: the sections' references say.
    kind_of = {
        reference.get(qn("r:id")): reference.get(qn("w:type"), "default")
        for reference in tpl.docx.element.body.iter(
            qn("w:headerReference"), qn("w:footerReference")
        )
    }
    for kinds, uri in ((_HEADER_KINDS, RT.HEADER), (_FOOTER_KINDS, RT.FOOTER)):
        for rel_id, part in tpl.get_headers_footers(uri):
            xml = tpl.get_part_xml(part)
            kind = kind_of.get(rel_id, "default")
            label = kinds[kind]() if kind in kinds else kinds["default"]()
            yield PAGE, label, tpl.patch_xml(xml), xml
    for part in tpl.docx.part.package.parts:
        if part.content_type in NOTE_TYPES:
            xml = part.blob.decode("utf-8")
            label = _("the footnotes") if "footnotes" in part.content_type else _("the endnotes")
            yield NOTES, label, tpl.patch_xml(xml), xml
    props = tpl.docx.core_properties
    for name in ("author", "comments", "identifier", "language", "subject", "title"):
        value = getattr(props, name)
        if value:
            yield PROPERTY, _("document property {name}").format(name=name), value, None


def _styles(template: Path) -> list[Finding]:
    tpl = DocxTemplate(template)
    tpl.init_docx()
    ids = {style.style_id for style in tpl.docx.styles}
    return [
        Finding(
            _("styles"),
            _("paragraph style id '{style}' (used for prose) is missing").format(style=style_id),
        )
        for style_id in STYLE_IDS.values()
        if style_id is not None and style_id not in ids
    ]


def check_template(template: Path, context: type = Context) -> list[Finding]:
    """Every variable path, filter and style the template uses that ``context`` (the
    dataclass the template is rendered with) does not provide."""
    env = jinja_environment()
    hints = get_type_hints(context)
    roots = {
        field.name: _Var(hints[field.name], field.name) for field in dataclasses.fields(context)
    }
    try:
        data = template.read_bytes()
        problem = format_problem(data) or tracked_changes_problem(data)
    except OSError as exc:
        problem = _("cannot read the template: {reason}").format(reason=os_reason(exc))
    if problem is not None:
        return [Finding("", problem)]
    findings = _styles(template)
    body: PartText | None = None  # the body, parsed
    unreadable = False  # Jinja cannot read the body: no document is made of it
    pages: list[PartText] = []  # the page headers and footers, parsed
    for kind, part, patched, xml in _sources(template):
        text = PartText(xml) if xml is not None else None  # parsed once, read by all
        if text is not None and kind == BODY:
            body = text
        elif text is not None and kind == PAGE:
            pages.append(text)
        tags = tags_of(text) if text is not None else []
        source = lined(patched) if text is not None else patched
        locator = Locator(source, tags) if text is not None else None
        if text is not None:
            findings += [Finding(part, f) for f in (*lost_content(text), *stray_closers(text))]
            findings += [Finding(part, f) for f in other_languages(text)]
            if kind == BODY:  # a page header or footer is an artifact in the PDF
                findings += [Finding(part, f) for f in pictures_without_text(text)]
        try:
            tree = env.parse(source)
        except TemplateSyntaxError as exc:
            syntax = _syntax_error(part, exc, tags, locator)
            findings.append(dataclasses.replace(syntax, kind="syntax"))
            if kind == BODY:
                unreadable = True
            continue
        walker = _Walker(part, roots, set(env.filters), locator)
        walker.walk(tree, {})
        findings.extend(walker.findings)
    # Facts the fact check wants in a place of their own (the template's name is its kind);
    # not in a body Jinja cannot read, where a tag left open swallows the lines after it (the
    # Dnr's line after a broken '{{ arende.aktor.namn }' was said to be missing).
    if body is not None and not unreadable:
        headers = [page.root for page in pages]
        findings += [Finding("", t) for t in missing_places(template.stem, body.root, headers)]
        findings += [Finding(_("body"), t) for t in year_columns(body.root)]
    return findings


#: The statements that open a block, and the tag that closes each.
_BLOCKS = {"if": "endif", "for": "endfor"}
_MIDDLE = {"elif", "else"}


def _keyword(tag: Tag) -> str:
    """The statement a ``{% … %}`` tag begins with (``if``, ``endfor`` …)."""
    inner = tag.text[2:-2].strip("-+ \t")
    if tag.marker:
        inner = inner[len(tag.marker) :].lstrip()
    word = re.match(r"[a-z]+", inner)
    return word.group() if word else ""


def _unbalanced(tags: list[Tag]) -> tuple[str, Tag] | None:
    """The first ``{% end… %}`` that closes no block (``("end", tag)``), else the innermost
    block left open (``("open", tag)``), else None."""
    stack: list[tuple[str, Tag]] = []
    for tag in tags:
        if not tag.key.startswith("%"):
            continue
        keyword = _keyword(tag)
        if keyword in _BLOCKS:
            stack.append((keyword, tag))
        elif keyword in _BLOCKS.values():
            if stack and _BLOCKS[stack[-1][0]] == keyword:
                stack.pop()
            elif any(_BLOCKS[opened] == keyword for opened, _tag in stack):
                return "open", stack[-1][1]  # closes an outer block: the inner one is open
            else:
                return "end", tag
    return ("open", stack[-1][1]) if stack else None


def _syntax_error(
    part: str, exc: TemplateSyntaxError, tags: list[Tag], locator: Locator | None
) -> Finding:
    """A syntax error of Jinja's in words: the block left open or the end tag that closes
    none, else the tag Jinja could not read with its reason."""
    unclosed = next((tag for tag in tags if not tag.closed), None)
    if unclosed is not None:
        closer = {"{{": "}}", "{%": "%}", "{#": "#}"}[unclosed.text[:2]]
        return Finding(
            f"{part}, {unclosed.place}" if unclosed.place else part,
            _("the tag '{tag}' is not closed: end it with '{closer}'").format(
                tag=unclosed.text, closer=closer
            ),
        )
    unbalanced = _unbalanced(tags)
    if unbalanced is not None:
        kind, tag = unbalanced
        where = f"{part}, {tag.place}" if tag.place else part
        marker = tag.marker if tag.marker in ("p", "tr", "tc") else ""
        if kind == "open":
            end = "{%" + marker + " " + _BLOCKS[_keyword(tag)] + " %}"
            return Finding(
                where,
                _(
                    "'{tag}' is never closed: add '{end}' where what it governs ends ({holder})"
                ).format(tag=tag.text, end=end, holder=_own_holder(marker)),
            )
        return Finding(
            where,
            _(
                "'{tag}' closes no block opened before it: remove it, or add the '{{% if … %}}' "
                "or '{{% for … %}}' it belongs to before it"
            ).format(tag=tag.text),
        )
    found = locator.tag(exc.lineno) if locator is not None else None
    if found is not None:
        return Finding(
            f"{part}, {found.place}" if found.place else part,
            _(
                "the tag '{tag}' cannot be read: check its spelling, quotes and braces "
                "(technical reason: {reason})"
            ).format(tag=found.text, reason=exc.message),
        )
    return Finding(part, _("Jinja syntax error: {message}").format(message=exc.message))


def _own_holder(marker: str) -> str:
    if marker == "p":
        return _("in a paragraph of its own")
    if marker == "tr":
        return _("in a table row of its own")
    if marker == "tc":
        return _("in a table cell of its own")
    return _("in the same paragraph or a later one")
