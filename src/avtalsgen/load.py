"""Read case and program files: safe YAML, then the models; every problem at once, by line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from avtalsgen.agreement import case_problems
from avtalsgen.errors import CaseError
from avtalsgen.model import Arende, Program
from avtalsgen.model.case import FieldProblems

M = TypeVar("M", bound=BaseModel)
Loc = tuple[str | int, ...]


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text, so the models can report bad dates themselves."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


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
                            f"{_format_loc(child)}: duplicate key "
                            f"(first given on line {out[child]})",
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


def _format_loc(loc: Loc) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "(file)"


def _read_yaml(path: Path) -> tuple[Any, dict[Loc, int], list[tuple[int, str]]]:
    """Parse ``path`` safely; return the data, the line of every key, and duplicate keys."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CaseError([f"{path}: file not found"]) from None
    except OSError as exc:
        raise CaseError([f"{path}: cannot read: {exc.strerror}"]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CaseError([f"{path}:{line}: not UTF-8 text (save the file as UTF-8)"]) from None
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        raise CaseError([_syntax_problem(path, exc)]) from None
    except yaml.YAMLError as exc:
        raise CaseError([f"{path}: YAML error: {exc}"]) from None
    finally:
        loader.dispose()
    lines: dict[Loc, int] = {}
    duplicates: list[tuple[int, str]] = []
    if node is not None:
        _lines(node, (), lines, duplicates)
    return data, lines, [(line, f"{path}:{line}: {text}") for line, text in duplicates]


def _syntax_problem(path: Path, exc: yaml.MarkedYAMLError) -> str:
    """A YAML syntax error at the line where the broken construct starts, when known."""
    problem, mark = exc.problem or "", exc.problem_mark
    if isinstance(exc, yaml.scanner.ScannerError) and exc.context_mark is not None:
        start = exc.context_mark.line + 1
        where = f" (at line {mark.line + 1})" if mark is not None else ""
        return f"{path}:{start}: YAML syntax error: {exc.context}: {problem}{where}"
    line = f":{mark.line + 1}" if mark is not None else ""
    return f"{path}{line}: YAML syntax error: {problem or exc.context}"


def _line(loc: Loc, lines: dict[Loc, int]) -> int:
    """The line of ``loc``, or of its nearest ancestor in the file; 1 for the file itself."""
    while loc and loc not in lines:
        loc = loc[:-1]
    return lines[loc] if loc else 1


def _problems(path: Path, exc: ValidationError, lines: dict[Loc, int]) -> list[tuple[int, str]]:
    problems = []
    for error in exc.errors(include_url=False):
        base: Loc = tuple(error["loc"])
        cause = (error.get("ctx") or {}).get("error")
        found: list[tuple[Loc, str]]
        if isinstance(cause, FieldProblems):
            found = [((*base, field), message) for field, message in cause.problems]
        elif isinstance(cause, ValueError):
            found = [(base, str(cause))]
        elif error["type"] == "extra_forbidden":
            found = [(base, "unknown key")]
        elif error["type"] == "missing":
            found = [(base, "required field is missing")]
        else:
            found = [(base, error["msg"])]
        for loc, message in found:
            line = _line(loc, lines)
            problems.append((line, f"{path}:{line}: {_format_loc(loc)}: {message}"))
    return problems


def validate_file(model: type[M], path: Path) -> tuple[M | None, list[str]]:
    """Read ``path`` and validate it as ``model``: the model, or None and every problem.

    Raises :class:`CaseError` when the file cannot be read or parsed as YAML at all.
    """
    data, lines, duplicates = _read_yaml(path)
    if not isinstance(data, dict):
        return None, [f"{path}:1: (file): expected a mapping of keys to values"]
    found = list(duplicates)
    result: M | None = None
    try:
        result = model.model_validate(data)
    except ValidationError as exc:
        found += _problems(path, exc, lines)
    if found:
        found.sort(key=lambda item: item[0])  # stable: same-line problems keep their order
        return None, [problem for _, problem in found]
    return result, []


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
    arende, problems = validate_file(Arende, path)
    program_path: Path | None = None
    program: Program | None = None
    raw_program = arende.program if arende else _program_key(path)
    if raw_program is not None:
        program_path = path.parent / raw_program
        if not program_path.is_file():
            line = _program_line(path)
            problems.append(f"{path}{line}: program: file not found: {program_path}")
        else:
            try:
                program, program_problems = _program(program_path)
            except CaseError as exc:
                program_problems = exc.problems
            problems += program_problems
    if problems or arende is None or program is None or program_path is None:
        raise CaseError(problems)
    # Checks across the case and its program, reported at the case's lines.
    across = case_problems(arende, program)
    if across:
        _, lines, _ = _read_yaml(path)
        found = sorted(
            ((_line(loc, lines), _format_loc(loc), message) for loc, message in across),
            key=lambda item: item[0],  # stable: clauses keep their order
        )
        raise CaseError([f"{path}:{line}: {where}: {message}" for line, where, message in found])
    return LoadedCase(path=path, arende=arende, program_path=program_path, program=program)


def _program_line(path: Path) -> str:
    _, lines, _ = _read_yaml(path)
    return f":{lines[('program',)]}" if ("program",) in lines else ""


def _program_key(path: Path) -> str | None:
    """The program path of an invalid case, so the program is checked too."""
    try:
        data, _, _ = _read_yaml(path)
    except CaseError:
        return None
    value = data.get("program") if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


#: Facts a case or program may leave unknown (null) until they are known, by location.
UNKNOWN_ALLOWED_CASE: tuple[Loc, ...] = (
    ("datum",),
    ("avdelning",),
    ("handlaggare",),
    ("aktor", "organisationsnummer"),
    ("aktor", "adress"),
    ("beslut", "datum"),
    ("beslut", "paragraf"),
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


def unknown_facts(case: LoadedCase) -> list[str]:
    """Facts the case or its program leaves to be filled in, as ``file:line: field: ...``.

    The documents show them as a visible placeholder; ``--strict`` refuses them.
    """
    problems: list[str] = []
    for path, model, locs in (
        (case.path, case.arende, UNKNOWN_ALLOWED_CASE),
        (case.program_path, case.program, UNKNOWN_ALLOWED_PROGRAM),
    ):
        missing = [loc for loc in locs if _value(model, loc) is None]
        if missing:
            _, lines, _ = _read_yaml(path)
            problems += [
                f"{path}:{_line(loc, lines)}: {_format_loc(loc)}: not filled in yet (null); "
                "the documents show [uppgift saknas]"
                for loc in missing
            ]
    return problems
