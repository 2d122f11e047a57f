"""Check a Word template against the models: every variable path it uses must exist.

The template's Jinja source (body, headers, footers and document properties, after
docxtpl's own tag rewriting) is parsed and walked; each name and attribute is resolved
against the types of :class:`avtalsgen.documents.context.Context`, loop variables included.
"""

from __future__ import annotations

import dataclasses
import types
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin, get_type_hints

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docxtpl import DocxTemplate
from jinja2 import TemplateSyntaxError, nodes
from pydantic import BaseModel

from avtalsgen.documents.context import Context
from avtalsgen.documents.fileformat import format_problem
from avtalsgen.documents.kinds import KINDS
from avtalsgen.documents.render import STYLE_IDS, jinja_environment
from avtalsgen.documents.review import tracked_changes_problem
from avtalsgen.documents.tillagg import TillaggContext
from avtalsgen.errors import os_reason
from avtalsgen.i18n import _
from avtalsgen.meetings.anslag import AnslagContext
from avtalsgen.meetings.extract import UtdragContext

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


def _element(tp: Any) -> Any:
    tp = _unwrap(tp)
    if get_origin(tp) in (list, tuple) and get_args(tp):
        return get_args(tp)[0]
    return Any


class _Walker:
    def __init__(self, part: str, roots: dict[str, _Var], filters: set[str]) -> None:
        self.part = part
        self.roots = roots
        self.filters = filters
        self.findings: list[Finding] = []

    def report(self, message: str) -> None:
        finding = Finding(self.part, message)
        if finding not in self.findings:
            self.findings.append(finding)

    def expr(self, node: nodes.Node, scope: dict[str, _Var]) -> _Var:
        if isinstance(node, nodes.Name):
            if node.name in scope:
                return scope[node.name]
            if node.name in self.roots:
                return self.roots[node.name]
            self.report(_("'{name}' is not provided").format(name=node.name))
            return _Var(Any, node.name)
        if isinstance(node, nodes.Getattr):
            base = self.expr(node.node, scope)
            path = f"{base.path}.{node.attr}"
            found = _attribute(base.type, node.attr)
            if found is _MISSING:
                self.report(_("'{path}' is not provided by the models").format(path=path))
                return _Var(Any, path)
            return _Var(found, path)
        if isinstance(node, nodes.Filter | nodes.Test):
            if isinstance(node, nodes.Filter) and node.name not in self.filters:
                self.report(_("unknown filter '{name}'").format(name=node.name))
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
            self.report("macros and call blocks are not supported in templates")
            return
        if isinstance(node, nodes.Expr):
            self.expr(node, scope)
            return
        for child in node.iter_child_nodes():
            if isinstance(child, nodes.Stmt | nodes.Template | nodes.Helper):
                self.walk(child, scope)
            else:
                self.expr(child, scope)

    @staticmethod
    def _targets(node: nodes.Node) -> Iterator[str]:
        if isinstance(node, nodes.Name):
            yield node.name
        else:
            for child in node.iter_child_nodes():
                yield from _Walker._targets(child)


def _sources(template: Path) -> Iterator[tuple[str, str]]:
    """The Jinja source of each part of a template, as docxtpl would render it."""
    tpl = DocxTemplate(template)
    tpl.init_docx()
    yield _("body"), tpl.patch_xml(tpl.get_xml())
    for label, uri in ((_("header {key}"), RT.HEADER), (_("footer {key}"), RT.FOOTER)):
        for key, part in tpl.get_headers_footers(uri):
            yield label.format(key=key), tpl.patch_xml(tpl.get_part_xml(part))
    props = tpl.docx.core_properties
    for name in ("author", "comments", "identifier", "language", "subject", "title"):
        value = getattr(props, name)
        if value:
            yield _("document property {name}").format(name=name), value


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
    for part, source in _sources(template):
        try:
            tree = env.parse(source)
        except TemplateSyntaxError as exc:
            findings.append(
                Finding(part, _("Jinja syntax error: {message}").format(message=exc.message))
            )
            continue
        walker = _Walker(part, roots, set(env.filters))
        walker.walk(tree, {})
        findings.extend(walker.findings)
    return findings
