"""Read case and program files: safe YAML, then the models; every problem at once, by line.

Case files are written by people and may come from anywhere, so reading one is bounded: a
file larger than :data:`MAX_FILE_BYTES` (256 kB), one that is not UTF-8 text, and YAML a
case file has no use for (anchors and aliases, tags, nesting deeper than :data:`MAX_DEPTH`,
more than :data:`MAX_NODES` values, integers longer than :data:`MAX_INTEGER_CHARS`) are
refused with a clear message before anything is validated, and so are characters a Word
document cannot hold (control characters, lone surrogates, U+FFFE and U+FFFF), each named
by file, line and field.
"""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from avtalsgen.errors import CaseError, os_reason
from avtalsgen.i18n import _, format_number, ngettext
from avtalsgen.input import messages
from avtalsgen.input.kinds import named_kind, wrong_kind
from avtalsgen.input.limits import (
    MAX_DEPTH,
    MAX_INTEGER_CHARS,
    MAX_NODES,
    read_bytes,
)
from avtalsgen.input.migrate import old_form_message
from avtalsgen.input.syntax import syntax_message
from avtalsgen.input.wrapped import wrapped_problem
from avtalsgen.meetings import conditions
from avtalsgen.model import Arende, Program
from avtalsgen.model.agreement import case_problems
from avtalsgen.model.case import FieldProblems
from avtalsgen.model.money import OldFinancingForm
from avtalsgen.model.types import FORBIDDEN_CHARACTERS, Loc, describe_characters

if TYPE_CHECKING:
    from avtalsgen.meetings.decisions import History

#: Whether PyYAML has libyaml (its wheels do; one built without it has only Python).
LIBYAML: bool = yaml.__with_libyaml__
if LIBYAML:
    from yaml._yaml import CParser

M = TypeVar("M", bound=BaseModel)
#: More forbidden characters than this outside any value: the file is not text at all.
_BINARY_THRESHOLD = 20


class _Refused(yaml.YAMLError):
    """Valid YAML that a case file may not use, at the line where it starts."""

    def __init__(self, mark: Any, message: str) -> None:
        super().__init__(message)
        self.line = mark.line + 1 if mark is not None else None
        self.message = message


def _tag_name(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org") else tag


class _Checks:
    """The refusals of a case-file loader as it composes nodes: anchors, aliases, tags,
    deep nesting, too many values (a mixin for a PyYAML loader class; overlong integers are
    refused as they are constructed, by :func:`_construct_int`)."""

    def __init__(self) -> None:
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[attr-defined]
        if isinstance(event, yaml.NodeEvent) and event.anchor is not None:
            # An alias repeats a node: a few lines can stand for billions of values.
            raise _Refused(
                event.start_mark,
                _(
                    "YAML anchors and aliases (&name, *name) are not allowed in case files; "
                    "write the value out in full"
                ),
            )
        tag = getattr(event, "tag", None)
        if tag is not None:
            raise _Refused(
                event.start_mark,
                _(
                    "YAML tags ({tag}) are not allowed in case files; write plain text, "
                    "numbers, lists and mappings"
                ).format(tag=_tag_name(tag)),
            )
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise _Refused(
                event.start_mark,
                _(
                    "the file holds more than {count} values (a case file holds a few hundred)"
                ).format(count=format_number(MAX_NODES)),
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused(
                    event.start_mark,
                    _("lists and mappings are nested more than {count} levels deep").format(
                        count=MAX_DEPTH
                    ),
                )
            node: yaml.Node | None = super().compose_node(parent, index)  # type: ignore[misc]
            return node
        finally:
            self._depth -= 1


def _construct_int(loader: Any, node: yaml.Node) -> int:
    """An integer, unless it is written with more than :data:`MAX_INTEGER_CHARS` characters
    (``loader`` is a :class:`SafeConstructor`)."""
    text = str(node.value)
    if len(text) > MAX_INTEGER_CHARS:
        raise _Refused(
            node.start_mark,
            _("the number {digits}… is too long (at most {count} characters)").format(
                digits=text[:MAX_INTEGER_CHARS], count=MAX_INTEGER_CHARS
            ),
        )
    value: int = SafeConstructor.construct_yaml_int(loader, node)  # type: ignore[arg-type]
    return value


class _Loader(_Checks, yaml.SafeLoader):
    """SafeLoader that leaves dates as text, so the models can report bad dates themselves,
    and refuses what :class:`_Checks` refuses. Pure Python: its syntax errors are the ones
    avtalsgen reports."""

    def __init__(self, stream: str) -> None:
        yaml.SafeLoader.__init__(self, stream)
        _Checks.__init__(self)


if LIBYAML:

    class _FastLoader(_Checks, CParser, Composer, SafeConstructor, Resolver):
        """:class:`_Loader` with libyaml's scanner and parser: reading the seed case takes
        0.26 ms instead of 1.6. The nodes, their marks and the refusals are the same, as the
        nodes are composed (and checked) in Python from libyaml's events."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)
            _Checks.__init__(self)

        # libyaml would compose the nodes itself, unchecked.
        get_single_node = Composer.get_single_node
        get_node = Composer.get_node
        check_node = Composer.check_node


#: The implicit types of YAML 1.1 but for dates (the models read dates from text).
_RESOLVERS = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.yaml_implicit_resolvers = _RESOLVERS
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
if LIBYAML:
    _FastLoader.yaml_implicit_resolvers = _RESOLVERS
    _FastLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)


@dataclass(frozen=True)
class LoadedCase:
    """A validated case with its program and where both came from."""

    path: Path
    arende: Arende
    program_path: Path
    program: Program


def _lines(
    node: yaml.Node, loc: Loc, out: dict[Loc, int], duplicates: list[tuple[int, str]]
) -> None:
    """Record the line of every key and list item below ``node``, and keys given twice."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                child = (*loc, str(key.value))
                line = key.start_mark.line + 1
                if child in out:
                    duplicates.append(
                        (
                            line,
                            _(
                                "{field}: the key is given twice (first on line {first}); "
                                "keep one of them"
                            ).format(field=_format_loc(child), first=out[child]),
                        )
                    )
                    continue
                out[child] = line
                _lines(value, child, out, duplicates)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = (*loc, index)
            out[child] = item.start_mark.line + 1
            _lines(item, child, out, duplicates)


def _last_line(node: yaml.Node) -> int:
    """The last line of ``node``'s content (where a key left out at its end would go)."""
    last = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode) and node.value:
        return max(last, _last_line(node.value[-1][1]))
    if isinstance(node, yaml.SequenceNode) and node.value:
        return max(last, _last_line(node.value[-1]))
    end = node.end_mark
    return max(last, end.line + 1 if end.column > 0 else end.line)


def _printable(text: str) -> str:
    """``text`` with control characters and line breaks escaped, for a one-line message."""
    return "".join(
        char.encode("unicode_escape").decode("ascii")
        if unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp") or char in "\ufffe\uffff"
        else char
        for char in text
    )


def _format_loc(loc: Loc) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{_printable(part)}" if text else _printable(part)
    return text or _("(file)")


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _characters(
    path: Path, text: str, node: yaml.Node | None, raw: dict[int, str]
) -> list[tuple[int, str]]:
    """Characters a Word document cannot hold, by field: written in the file (``raw``, by
    index; replaced before parsing) or as escapes in double-quoted text (in the values)."""
    found: list[tuple[int, str]] = []
    claimed: set[int] = set()

    def check(scalar: yaml.ScalarNode, loc: Loc, key: bool) -> None:
        start, end = scalar.start_mark.index, scalar.end_mark.index
        inside = sorted(i for i in raw if start <= i < end)
        claimed.update(inside)
        chars = [raw[i] for i in inside] + FORBIDDEN_CHARACTERS.findall(str(scalar.value))
        if chars:
            line = _line_of(text, inside[0]) if inside else scalar.start_mark.line + 1
            found.append(
                (line, f"{path}:{line}: {_format_loc(loc)}: {describe_characters(chars, key=key)}")
            )

    def walk(node: yaml.Node, loc: Loc) -> None:
        if isinstance(node, yaml.ScalarNode):
            check(node, loc, False)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    check(key, (*loc, str(key.value)), True)
                    walk(value, (*loc, str(key.value)))
                else:
                    walk(key, loc)
                    walk(value, loc)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                walk(item, (*loc, index))

    if node is not None:
        walk(node, ())
    for index in sorted(set(raw) - claimed):  # in comments or between values
        line = _line_of(text, index)
        found.append((line, f"{path}:{line}: {describe_characters([raw[index]])}"))
    return found


def _not_text(path: Path, text: str, raw: dict[int, str]) -> CaseError:
    first = min(raw)
    return CaseError(
        [
            _(
                "{path}:{line}: not a UTF-8 text file: it holds {count} control characters "
                "such as U+{code} (save the file as UTF-8 text)"
            ).format(
                path=path, line=_line_of(text, first), count=len(raw), code=f"{ord(raw[first]):04X}"
            )
        ]
    )


def _fast_node(text: str) -> tuple[yaml.Node | None, Any] | None:
    """The node tree of ``text`` as libyaml parses it, and the loader to construct it with;
    None where there is no libyaml, or where it finds a syntax error: the pure-Python
    parser then reads the file again, and reports the error as it always has.

    Raises :class:`_Refused` for what :class:`_Checks` refuses.
    """
    if not LIBYAML:
        return None
    loader = _FastLoader(text)
    try:
        return loader.get_single_node(), loader
    except _Refused:
        loader.dispose()
        raise
    except yaml.YAMLError:
        loader.dispose()
        return None


def _read_yaml(path: Path) -> tuple[Any, dict[Loc, int], list[tuple[int, str]]]:
    """Parse ``path`` safely; return the data, the line of every key (and, under ``()``, the
    last line of the file's content), and the problems found while reading (keys given
    twice).

    Raises :class:`CaseError` when the file cannot be read or parsed, uses YAML a case file
    may not use, or holds characters a Word document cannot hold.
    """
    raw_bytes = read_bytes(path)
    try:
        text = raw_bytes.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw_bytes[: exc.start].count(b"\n") + 1
        raise CaseError(
            [
                _("{path}:{line}: not UTF-8 text (save the file as UTF-8)").format(
                    path=path, line=line
                )
            ]
        ) from None
    # Forbidden characters written in the file are replaced (keeping every position) so
    # that the parser can run and each one can be reported at its field.
    raw = {match.start(): match.group() for match in FORBIDDEN_CHARACTERS.finditer(text)}
    if len(raw) > _BINARY_THRESHOLD:
        raise _not_text(path, text, raw)
    if raw:
        text = FORBIDDEN_CHARACTERS.sub("\ufffd", text)
    loader: Any = None
    try:
        fast = None if raw else _fast_node(text)
        if fast is None:
            try:
                loader = _Loader(text)
            except yaml.YAMLError as exc:  # the reader refuses what FORBIDDEN_CHARACTERS let by
                raise CaseError([_yaml_error(path, exc)]) from None
            node = loader.get_single_node()
        else:
            node, loader = fast
        characters = _characters(path, text, node, raw)
        if characters:
            characters.sort(key=lambda item: item[0])
            raise CaseError([problem for _, problem in characters])
        data = loader.construct_document(node) if node is not None else None
    except _Refused as exc:
        where = f":{exc.line}" if exc.line is not None else ""
        raise CaseError([f"{path}{where}: {exc.message}"]) from None
    except yaml.MarkedYAMLError as exc:
        if raw:  # the replaced characters may be what broke the syntax
            characters = _characters(path, text, None, raw)
            raise CaseError([problem for _, problem in characters]) from None
        at, problem = syntax_message(exc, text)
        raise CaseError([f"{path}{'' if at is None else f':{at}'}: {problem}"]) from None
    except yaml.YAMLError as exc:
        raise CaseError([_yaml_error(path, exc)]) from None
    finally:
        if loader is not None:
            loader.dispose()
    lines: dict[Loc, int] = {}
    duplicates: list[tuple[int, str]] = []
    if node is not None:
        _lines(node, (), lines, duplicates)
        lines[()] = _last_line(node)
    return data, lines, [(line, f"{path}:{line}: {text}") for line, text in duplicates]


def key_lines(path: Path) -> dict[Loc, int]:
    """The line of every key and list item of the YAML file ``path`` (and, under ``()``, the
    file's last line), read as :func:`read_yaml` reads it.

    Raises :class:`CaseError` when the file cannot be read or is refused.
    """
    return _read_yaml(path)[1]


def read_yaml(path: Path) -> Any:
    """The data of the YAML file ``path``, read with every limit and refusal of a case file
    (size, encoding, anchors, tags, nesting, characters); for files that are only looked
    into, such as the case files a meeting file's folder holds.

    Raises :class:`CaseError` when the file cannot be read or is refused.
    """
    data, _lines, _found = _read_yaml(path)
    return data


def _yaml_error(path: Path, exc: yaml.YAMLError) -> str:
    """A YAML error without a place in the file (the reader's), in PyYAML's words."""
    return _("{path}: YAML error: {problem}").format(path=path, problem=exc)


def _line(loc: Loc, lines: dict[Loc, int]) -> int:
    """The line of ``loc``, or of its nearest ancestor in the file; 1 for the file itself."""
    while loc and loc not in lines:
        loc = loc[:-1]
    return lines[loc] if loc else 1


def _missing_line(loc: Loc, lines: dict[Loc, int]) -> int:
    """Where the key ``loc``, left out of the file, belongs: the line of the key it belongs
    under (its mapping's), or, for a key of the file's top level, the last line of the
    file's mapping (``lines[()]``, see :func:`_read_yaml`), where it may be added."""
    if len(loc) == 1 and loc not in lines:
        return lines.get((), 1)
    return _line(loc, lines)


def _data_at(data: Any, loc: Loc) -> Any:
    """The part of a file's data at ``loc``, or None."""
    for part in loc:
        if isinstance(part, int) and isinstance(data, list) and 0 <= part < len(data):
            data = data[part]
        elif isinstance(part, str) and isinstance(data, dict):
            data = data.get(part)
        else:
            return None
    return data


def _problems(
    model: type[BaseModel], path: Path, exc: ValidationError, data: Any, lines: dict[Loc, int]
) -> list[tuple[int, str]]:
    """Every problem pydantic found, by its error type (see :mod:`avtalsgen.input.messages`),
    as ``(line, "file:line: field: message")``."""
    found: list[tuple[Loc, str, str]] = []  # location, message, pydantic's error type
    meant: set[Loc] = set()  # keys that an unknown key was presumably meant to be
    for error in exc.errors(include_url=False):
        base: Loc = tuple(error["loc"])
        kind = error["type"]
        cause = (error.get("ctx") or {}).get("error")
        if isinstance(cause, FieldProblems):
            found += [
                ((*base, *(field if isinstance(field, tuple) else (field,))), message, kind)
                for field, message in cause.problems
            ]
        elif isinstance(cause, OldFinancingForm):
            inside = [line for loc, line in lines.items() if loc[: len(base)] == base]
            first, last = _line(base, lines), max(inside, default=_line(base, lines))
            found.append((base, old_form_message(cause.value, first, last), "old_form"))
        elif isinstance(cause, ValueError):
            found.append((base, str(cause), kind))
        elif kind == "extra_forbidden":
            given = _data_at(data, base[:-1])
            place = messages.place_lacking(
                str(base[-1]), model, base[:-1], lambda loc: _data_at(data, loc)
            )
            if place is not None:  # a key at the wrong level: said where it goes
                meant.add((*place, str(base[-1])))  # the missing key it is: said here
                line = _line(place, lines)
                if len(place) == len(base):  # a section of its mapping lacks it
                    message = messages.misplaced_key(str(base[-1]), str(place[-1]), line)
                else:  # written too deep
                    name = _format_loc(place) if place else None
                    message = messages.misplaced_up(str(base[-1]), name, line)
                found.append((base, message, kind))
                continue
            message, key = messages.unknown_key(
                str(base[-1]),
                messages.keys_at(model, base[:-1]),
                given if isinstance(given, dict) else None,
            )
            if key is not None:
                meant.add((*base[:-1], key))
            found.append((base, message, kind))
        else:
            found.append((base, messages.message(model, error), kind))
    problems = []
    for loc, message, kind in found:
        if kind == "missing" and loc in meant:
            continue  # said with the unknown key: "did you mean ...?"
        line = _missing_line(loc, lines) if kind == "missing" else _line(loc, lines)
        # A rewrite to paste spans lines; anything else is one line.
        lines_of = message.split("\n") if kind == "old_form" else [message]
        shown = "\n".join(map(_printable, lines_of))
        problems.append((line, f"{path}:{line}: {_format_loc(loc)}: {shown}"))
    return problems


#: At most this many problems are listed per file (a file of garbage has thousands).
MAX_PROBLEMS = 100


def _validate(model: type[M], path: Path) -> tuple[M | None, list[str], Any, dict[Loc, int]]:
    """:func:`validate_file`, also returning the file's data and the line of every key."""
    data, lines, duplicates = _read_yaml(path)
    if not isinstance(data, dict):
        problem = (
            _(
                "the file is empty (or holds only comments): write its keys with their values, "
                "one per line (key: value); `avtalsgen schema` lists them"
            )
            if data is None
            else _("expected a mapping of keys to values (key: value)")
        )
        return None, [f"{path}:1: {_format_loc(())}: {problem}"], data, lines
    wrapped = wrapped_problem(model, path, data, lines)
    if wrapped is not None:
        return None, [wrapped[1]], data, lines
    found = list(duplicates)
    if model is Arende:
        found += _legacy_beslut(path, data, lines)
    result: M | None = None
    try:
        result = model.model_validate(data)
    except ValidationError as exc:
        found += _problems(model, path, exc, data, lines)
    if found and (other := wrong_kind(model, path, data)) is not None:
        return None, [other], data, lines  # a file of another kind: said in one line
    if found:
        found.sort(key=lambda item: item[0])  # stable: same-line problems keep their order
        problems = [problem for _, problem in found[:MAX_PROBLEMS]]
        if len(found) > MAX_PROBLEMS:
            more = len(found) - MAX_PROBLEMS
            problems.append(
                ngettext(
                    "{path}: ... and {count} more problem (only the first {listed} are listed)",
                    "{path}: ... and {count} more problems (only the first {listed} are listed)",
                    more,
                ).format(path=path, count=more, listed=MAX_PROBLEMS)
            )
        return None, problems, data, lines
    return result, [], data, lines


def _legacy_beslut(
    path: Path, data: dict[str, Any], lines: dict[Loc, int]
) -> list[tuple[int, str]]:
    """A case file's ``beslut: {datum, paragraf}`` of earlier versions: the decision's date
    and § are now entered once, in the meeting file that decides the case, and the case
    learns them from there. An empty one (both null) is dropped; a filled one is refused,
    saying where the decision goes."""
    if "beslut" not in data:
        return []
    value = data.pop("beslut")
    empty = value is None or (
        isinstance(value, dict)
        and set(value) <= {"datum", "paragraf"}
        and all(item is None for item in value.values())
    )
    if empty:
        return []
    line = _line(("beslut",), lines)
    recorded = ""
    if isinstance(value, dict):
        recorded = _(" (it records § {paragraf} of {datum})").format(
            paragraf=value.get("paragraf", "?"), datum=value.get("datum", "?")
        )
    message = _(
        "the decision's date and § are entered once, in the meeting file that decides the "
        "case (a paragraph with dnr: {dnr} in sammantraden/*.yaml beside the case files), "
        "and the case learns them from there: remove beslut from the case file{recorded}"
    ).format(dnr=data.get("dnr", "..."), recorded=recorded)
    return [(line, f"{path}:{line}: beslut: {message}")]


def validate_file(model: type[M], path: Path) -> tuple[M | None, list[str]]:
    """Read ``path`` and validate it as ``model``: the model, or None and every problem.

    Raises :class:`CaseError` when the file cannot be read or parsed as YAML at all.
    """
    result, problems, _data, _lines = _validate(model, path)
    return result, problems


_PROGRAMS: dict[tuple[Path, int, int], Program] = {}


def _program(path: Path) -> tuple[Program | None, list[str]]:
    """A program file, validated once per run while it is unchanged (cases share it)."""
    info = path.stat()
    key = (path.resolve(), info.st_mtime_ns, info.st_size)
    if key in _PROGRAMS:
        return _PROGRAMS[key], []
    program, problems = validate_file(Program, path)
    if program is not None:
        _PROGRAMS[key] = program
    return program, problems


def load_program(path: Path) -> Program:
    """Load and validate a program file."""
    program, problems = validate_file(Program, path)
    if program is None:
        raise CaseError(problems)
    return program


def load_case(path: Path) -> LoadedCase:
    """Load a case file and the program it names; report every problem in both at once."""
    # A file of another kind (a meeting file given where a case file goes: explain listed
    # 17 unknown keys) is told so by _validate, in one line (input/kinds.py).
    arende, problems, data, lines = _validate(Arende, path)
    program_path: Path | None = None
    program: Program | None = None
    raw_program = arende.program if arende else _program_key(data)
    if raw_program is not None:
        program_path = Path(os.path.normpath(path.parent / raw_program))  # no "x/../program"
        line = f":{lines[('program',)]}" if ("program",) in lines else ""
        refused = _program_refused(path, raw_program)
        if refused is not None:
            problems.append(f"{path}{line}: program: {_printable(refused)}")
        elif not program_path.is_file():
            shown = _printable(str(program_path))
            problems.append(
                f"{path}{line}: program: " + _("file not found: {path}").format(path=shown)
            )
        else:
            try:
                program, program_problems = _program(program_path)
            except CaseError as exc:
                program_problems = exc.problems
            other = named_kind(program_path) if program_problems else None
            if other is not None:  # a case or meeting file: the case's line is wrong
                program_problems = [f"{path}{line}: program: {other}"]
            problems += program_problems
    if problems or arende is None or program is None or program_path is None:
        raise CaseError(problems)
    # Checks across the case and its program, reported at the case's lines.
    across = case_problems(arende, program) or conditions.proposal_problems(arende, program)
    if across:
        found = sorted(
            ((_line(loc, lines), _format_loc(loc), message) for loc, message in across),
            key=lambda item: item[0],  # stable: clauses keep their order
        )
        raise CaseError(
            [f"{path}:{line}: {where}: {_printable(message)}" for line, where, message in found]
        )
    return LoadedCase(path=path, arende=arende, program_path=program_path, program=program)


def _program_refused(case: Path, raw: str) -> str | None:
    """Why the program path ``raw`` of the case file ``case`` is refused, or None.

    The path is relative to the case file (or absolute) and must name a YAML file that lies,
    once every ``..`` and symbolic link is resolved, in the case file's folder or below the
    folder above it: ``program/...`` and a program folder shared by several case folders,
    ``../program/...``, but nothing further away.
    """
    if "\\" in raw:
        return _("'{path}': write the path with /, not \\").format(path=raw)
    if PurePosixPath(raw).suffix.lower() not in (".yaml", ".yml"):
        return _("'{path}' is not a YAML file (.yaml)").format(path=raw)
    folder = case.parent.resolve()
    root = folder.parent
    try:
        target = (folder / raw).resolve()
    except (OSError, RuntimeError) as exc:  # a symbolic link loop
        reason = os_reason(exc) if isinstance(exc, OSError) else _("a loop of symbolic links")
        return _("'{path}' cannot be resolved: {reason}").format(path=raw, reason=reason)
    if not target.is_relative_to(root):
        lexical = Path(os.path.normpath(folder / raw))
        if lexical.is_relative_to(root):
            return _(
                "'{path}' leads outside {root} through a symbolic link; the program file "
                "must lie in the case file's folder or below the folder above it"
            ).format(path=raw, root=root)
        return _(
            "'{path}' leads outside {root}; the program file must lie in the case file's "
            "folder or below the folder above it"
        ).format(path=raw, root=root)
    return None


def _program_key(data: Any) -> str | None:
    """The program path of an invalid case, so the program is checked too."""
    value = data.get("program") if isinstance(data, dict) else None
    return " ".join(value.split()) or None if isinstance(value, str) else None


#: Facts a case or program may leave unknown (null) until they are known, by location.
UNKNOWN_ALLOWED_CASE: tuple[Loc, ...] = (
    ("datum",),
    ("avdelning",),
    ("handlaggare",),
    ("aktor", "organisationsnummer"),
    ("aktor", "adress"),
    ("avtal", "undertecknare", "namn"),
    ("avtal", "undertecknare", "titel"),
    ("avtal", "undertecknare", "ort"),
)
UNKNOWN_ALLOWED_PROGRAM: tuple[Loc, ...] = (
    ("region", "organisationsnummer"),
    ("region", "adress"),
    ("avtal", "undertecknare", "namn"),
    ("avtal", "undertecknare", "titel"),
    ("avtal", "undertecknare", "ort"),
)


def _value(model: object, loc: Loc) -> object:
    for part in loc:
        model = getattr(model, str(part))
    return model


def unknown_facts(case: LoadedCase, history: History | None = None) -> list[str]:
    """Facts the case or its program leaves to be filled in, as ``file:line: field: ...``;
    with the decisions on it (``history``), also a decision not taken yet while an agreement
    is made (it shows the decision's date and § as unknown): the first, when
    :func:`awaits_decision`.

    The documents show them as a visible placeholder; ``--strict`` refuses them. Each file
    is read at most once.
    """
    read: dict[Path, dict[Loc, int]] = {}

    def lines(path: Path) -> dict[Loc, int]:
        if path not in read:
            read[path] = _read_yaml(path)[1]
        return read[path]

    problems: list[str] = []
    if awaits_decision(history):
        line = _line(("dnr",), lines(case.path))
        problems.append(
            f"{case.path}:{line}: dnr: "
            + _(
                "no meeting file decides {dnr} yet (a paragraph in sammantraden/*.yaml beside "
                "the case files); the samarbetsavtal shows [uppgift saknas] for the decision's "
                "date and §"
            ).format(dnr=case.arende.dnr)
        )
    for path, model, locs in (
        (case.path, case.arende, UNKNOWN_ALLOWED_CASE),
        (case.program_path, case.program, UNKNOWN_ALLOWED_PROGRAM),
    ):
        missing = [loc for loc in locs if _value(model, loc) is None]
        if history is not None and not history.agreement:
            # The committee's decision left the agreement out: its facts are not needed.
            missing = [loc for loc in missing if loc[0] != "avtal"]
        problems += [_unknown_fact(case, path, loc, lines(path)) for loc in missing]
    return problems


#: The signatories' names, which the agreement's signature blocks print.
SIGNATORY_NAMES: tuple[Loc, ...] = (("avtal", "undertecknare", "namn"),)


def unknown_names(case: LoadedCase, history: History | None = None) -> list[str]:
    """The lines of :func:`unknown_facts` of a signatory's name (the region's in the
    program file, the actor's in the case file) that the agreement would print as
    ``[uppgift saknas]``: ``check`` says them without ``--strict`` too."""
    if history is not None and not history.agreement:
        return []
    found: list[str] = []
    for path, model in ((case.path, case.arende), (case.program_path, case.program)):
        missing = [loc for loc in SIGNATORY_NAMES if _value(model, loc) is None]
        if missing:
            lines = _read_yaml(path)[1]
            found += [_unknown_fact(case, path, loc, lines) for loc in missing]
    return found


def awaits_decision(history: History | None) -> bool:
    """Whether no meeting has decided the case while its agreement is made (the agreement
    shows the decision's date and § as unknown): the first of :func:`unknown_facts` says so."""
    return history is not None and history.grant is None and history.agreement


def _unknown_fact(case: LoadedCase, path: Path, loc: Loc, lines: dict[Loc, int]) -> str:
    """One of :func:`unknown_facts`: at its key's line, or at the nearest enclosing key's
    if it is left out of the file (a key of the top level: at the file's last line); a
    program's names the case it is a fact of, since every case of the program shows it."""
    if loc in lines:
        where = f"{path}:{lines[loc]}"
        message = _("not filled in yet (null); the documents show [uppgift saknas]")
    else:
        enclosing = next((loc[:n] for n in range(len(loc) - 1, 0, -1) if loc[:n] in lines), None)
        # A key of the top level: at the end of the file's mapping, where it may be added.
        where = f"{path}:{lines[enclosing] if enclosing else lines.get((), 1)}"
        message = _(
            "left out of the file; the documents show [uppgift saknas] until it is filled in"
        )
    if path != case.path:
        message = of_the_case(message, case.path)
    return f"{where}: {_format_loc(loc)}: {message}"


def of_the_case(problem: str, case: Path | str) -> str:
    """A problem of a program file's fact with the case it is a fact of (every case that
    names the program shows it): "… (for the case X.yaml, which names this program)"."""
    return _("{problem} (for the case {case}, which names this program)").format(
        problem=problem, case=case
    )
