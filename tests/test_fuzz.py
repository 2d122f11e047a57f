"""A bounded fuzz run of the loader: whatever the file holds, ``load_case`` returns a case or
raises ``CaseError`` with one printable line per problem; nothing else escapes.

Inputs: YAML-ish text made of YAML's own syntax and lines of the real case file, random bytes,
random structures written as YAML, the real case with one value replaced by a random
structure, and the real program file mutated the same way. Each test is bounded by its
number of examples (the whole module runs in about fifteen seconds;
``AVTALSGEN_FUZZ_SCALE=50`` multiplies the examples for a longer hunt).
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from avtalsgen.errors import CaseError
from avtalsgen.input.load import load_case
from avtalsgen.model.types import FORBIDDEN_CHARACTERS

CASES = Path(__file__).resolve().parents[1] / "cases"
SEED_TEXT = (CASES / "RUN-00386-2023.yaml").read_text(encoding="utf-8")
PROGRAM = CASES / "program" / "norrbottens-ekosystem.yaml"
PROGRAM_TEXT = PROGRAM.read_text(encoding="utf-8")
SEED_DATA: dict[str, Any] = yaml.safe_load(SEED_TEXT)
PROGRAM_DATA: dict[str, Any] = yaml.safe_load(PROGRAM_TEXT)


#: AVTALSGEN_FUZZ_SCALE=50 runs fifty times as many examples (a longer hunt, outside CI).
SCALE = int(os.environ.get("AVTALSGEN_FUZZ_SCALE", "1"))


def fuzz(examples: int) -> settings:
    """Hypothesis settings of a fuzz test: bounded by examples, not by time per example."""
    return settings(
        max_examples=examples * SCALE,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


class _Dumper(yaml.CSafeDumper):  # libyaml's emitter: a fifth of the time of PyYAML's
    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False)


@pytest.fixture(scope="module")
def folder() -> Iterator[Path]:
    """A case folder with a copy of the program folder, shared by every example."""
    with tempfile.TemporaryDirectory(prefix="avtalsgen-fuzz-") as name:
        shutil.copytree(CASES / "program", Path(name) / "program")
        yield Path(name)


def outcome(case: Path, program: Path | None = None) -> None:
    """Load ``case``: a case, or a ``CaseError`` whose every problem is one printable line
    naming the case or its program file."""
    try:
        load_case(case)
    except CaseError as exc:
        assert exc.problems, "a CaseError names at least one problem"
        for problem in exc.problems:
            assert "\n" not in problem and "\r" not in problem, problem
            assert not FORBIDDEN_CHARACTERS.search(problem), repr(problem)
            problem.encode("utf-8")  # the CLI can print it
            assert problem.startswith((str(case), str(program))), problem


#: The modification times the examples' files are given, each its own (see :func:`rewrite`).
_STAMPS = itertools.count(1_700_000_000 * 10**9, 10**6)


def rewrite(path: Path, data: bytes) -> None:
    """Write ``data`` over ``path`` in place, then cut the file to its length, and give it a
    modification time of its own. Not emptied first: ext4 writes a file emptied and written
    again out to the disk when it is closed (its auto_da_alloc), over a millisecond each
    time, a third of the module's time. The time of its own: the loader keeps a program file
    it has validated by its path, size and modification time, and two examples written
    within the same clock tick would otherwise share it."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.ftruncate(fd, len(data))
    finally:
        os.close(fd)
    stamp = next(_STAMPS)
    os.utime(path, ns=(stamp, stamp))


def write_case(folder: Path, data: str | bytes) -> Path:
    case = folder / "arende.yaml"
    rewrite(case, data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass"))
    return case


# --- YAML-ish text and bytes -----------------------------------------------------------------

#: Pieces of YAML syntax, and whole lines of the real case file (so that some texts nearly load).
TOKENS = [
    *"-:?,[]{}#&*!|>'\"%@`\\\t ",
    "\n", "\n  ", "\n    ", "- ", ": ", "? ", "---\n", "...\n", "&a ", "*a", "!!str ", "!!int ",
    "!!python/object:os.system ", "!t ", "<<: ", "~", "null", "yes", "no", "on", ".inf", ".nan",
    "0x1F", "0o17", "1_000", "1:30:00", "2023-02-30", "1e400", "-0", "9" * 30, "\ufeff",
    "\x00", "\x85", "\u2028", "\x1b", "\ufffe", '"\\x01"', '"\\ud800"', '"\\U0001F600"',
    "{aktor}", "{x}", "{{", "}}", "*x*", "**", "__", "1. ", "# ", "> ", "    ",
    *SEED_TEXT.splitlines(keepends=True),
]  # fmt: skip
#: Any character UTF-8 can hold (all but the surrogates), as ``st.text()``'s own default, named
#: by category: hypothesis builds the table for ``codec="utf-8"`` by encoding every code
#: point, some seconds in each test process of a clean checkout.
CHARACTERS = st.characters(exclude_categories=["Cs"])
yaml_ish = st.lists(st.sampled_from(TOKENS) | st.text(CHARACTERS, max_size=4), max_size=40).map(
    "".join
)


@fuzz(1200)
@given(text=yaml_ish)
def test_yaml_ish_text(folder: Path, text: str) -> None:
    outcome(write_case(folder, text))


@fuzz(400)
@given(
    data=st.binary(max_size=400)
    | st.builds(
        lambda cut, junk: SEED_TEXT.encode("utf-8")[:cut] + junk,
        st.integers(0, len(SEED_TEXT.encode("utf-8"))),
        st.binary(max_size=20),
    )
)
def test_random_bytes(folder: Path, data: bytes) -> None:
    outcome(write_case(folder, data))


# --- random structures -----------------------------------------------------------------------

#: Keys the models know, so that random mappings reach deep into validation.
KEYS = sorted(
    {
        *SEED_DATA,
        *SEED_DATA["aktor"],
        *SEED_DATA["finansiering"],
        *SEED_DATA["avtal"],
        "period",
        "start",
        "slut",
        "namn",
        "belopp",
        "klausuler",
        "utelamna",
        "ersatt",
        "tillagg",
        "id",
        "rubrik",
        "text",
        "efter",
        "bilagor",
        "titel",
        "fil",
        "utdelningsadress",
        "postnummer",
        "ort",
    }
)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(CHARACTERS, max_size=30)
    | st.sampled_from(["RUN-00386-2023", "2023-10-01", "971 89", "{aktor}", "- a\n- b", ""])
    | st.dates(min_value=dt.date(1, 1, 1)).map(str)
)
structures = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(KEYS) | st.text(CHARACTERS, max_size=8), children, max_size=5
        )
    ),
    max_leaves=25,
)


@fuzz(600)
@given(data=structures)
def test_random_structures(folder: Path, data: Any) -> None:
    outcome(write_case(folder, dump(data)))


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every path to a value in ``data``."""
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _paths(value, (*prefix, index))


def _replaced(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    head, *rest = path
    if isinstance(data, dict):
        return {key: _replaced(item, tuple(rest), value) if key == head else item
                for key, item in data.items()}  # fmt: skip
    return [
        _replaced(item, tuple(rest), value) if i == head else item for i, item in enumerate(data)
    ]


SEED_PATHS = [path for path in _paths(SEED_DATA) if path]
PROGRAM_PATHS = [path for path in _paths(PROGRAM_DATA) if path]


@fuzz(500)
@given(edits=st.lists(st.tuples(st.sampled_from(SEED_PATHS), structures), min_size=1, max_size=3))
def test_case_with_values_replaced(folder: Path, edits: list[tuple[tuple[Any, ...], Any]]) -> None:
    data: Any = SEED_DATA
    for path, value in edits:
        try:
            data = _replaced(data, path, value)
        except (TypeError, KeyError):  # an earlier edit removed the path
            continue
    outcome(write_case(folder, dump(data)))


@fuzz(150)
@given(edit=st.tuples(st.sampled_from(PROGRAM_PATHS), structures))
def test_program_with_a_value_replaced(folder: Path, edit: tuple[tuple[Any, ...], Any]) -> None:
    program = folder / "program" / PROGRAM.name
    try:
        rewrite(program, dump(_replaced(PROGRAM_DATA, *edit)).encode("utf-8"))
        outcome(write_case(folder, SEED_TEXT), program)
    finally:
        rewrite(program, PROGRAM_TEXT.encode("utf-8"))
