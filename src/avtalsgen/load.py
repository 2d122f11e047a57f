"""Read case and program files: safe YAML, then the models; every problem at once, by line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from avtalsgen.errors import CaseError
from avtalsgen.model import Arende, Program
from avtalsgen.model.case import FieldProblem

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


def _lines(node: yaml.Node, loc: Loc, out: dict[Loc, int]) -> None:
    """Record the line of every key and list item below ``node``."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                child = (*loc, str(key.value))
                out[child] = key.start_mark.line + 1
                _lines(value, child, out)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = (*loc, index)
            out[child] = item.start_mark.line + 1
            _lines(item, child, out)


def _format_loc(loc: Loc) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "(file)"


def _read_yaml(path: Path) -> tuple[Any, dict[Loc, int]]:
    """Parse ``path`` safely; return the data and the line of every key."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CaseError([f"{path}: file not found"]) from None
    except UnicodeDecodeError as exc:
        raise CaseError([f"{path}: not UTF-8 text (byte {exc.start})"]) from None
    except OSError as exc:
        raise CaseError([f"{path}: cannot read: {exc.strerror}"]) from None
    try:
        node = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)  # _Loader is a SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        raise CaseError(
            [f"{path}{line}: YAML syntax error: {exc.problem or exc.context}"]
        ) from None
    except yaml.YAMLError as exc:
        raise CaseError([f"{path}: YAML error: {exc}"]) from None
    lines: dict[Loc, int] = {}
    if node is not None:
        _lines(node, (), lines)
    return data, lines


def _problems(path: Path, exc: ValidationError, lines: dict[Loc, int]) -> list[str]:
    problems = []
    for error in exc.errors(include_url=False):
        loc: Loc = tuple(error["loc"])
        cause = (error.get("ctx") or {}).get("error")
        if isinstance(cause, FieldProblem):
            loc = (*loc, cause.field)
        message = str(cause) if isinstance(cause, ValueError) else error["msg"]
        if error["type"] == "extra_forbidden":
            message = "unknown key"
        elif error["type"] == "missing":
            message = "required field is missing"
        probe = loc
        while probe and probe not in lines:
            probe = probe[:-1]
        line = f":{lines[probe]}" if probe else ""
        problems.append(f"{path}{line}: {_format_loc(loc)}: {message}")
    return problems


def validate_file(model: type[M], path: Path) -> tuple[M | None, list[str]]:
    """Read ``path`` and validate it as ``model``: the model, or None and every problem.

    Raises :class:`CaseError` when the file cannot be read or parsed as YAML at all.
    """
    data, lines = _read_yaml(path)
    if not isinstance(data, dict):
        return None, [f"{path}:1: (file): expected a mapping of keys to values"]
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        return None, _problems(path, exc, lines)


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
                program, program_problems = validate_file(Program, program_path)
            except CaseError as exc:
                program_problems = exc.problems
            problems += program_problems
    if problems or arende is None or program is None or program_path is None:
        raise CaseError(problems)
    return LoadedCase(path=path, arende=arende, program_path=program_path, program=program)


def _program_line(path: Path) -> str:
    _, lines = _read_yaml(path)
    return f":{lines[('program',)]}" if ("program",) in lines else ""


def _program_key(path: Path) -> str | None:
    """The program path of an invalid case, so the program is checked too."""
    try:
        data, _ = _read_yaml(path)
    except CaseError:
        return None
    value = data.get("program") if isinstance(data, dict) else None
    return value if isinstance(value, str) else None
