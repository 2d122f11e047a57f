"""The two readers that walk a YAML text's events (input/yamlevents.py) without building
its values answer as YAML's own reading of the text does: the Dnr's reader
(input/filednr.py: the top-level ``dnr`` and the line of its key, else the ``dnr:`` line
as written where the text is no YAML) and the keys' reader (input/casefiles.py: the
top-level keys and those of a sole top-level key's mapping, or None where they are
uncertain). e6bf776 compared the walker with the readers before it over 40 039 texts once;
this keeps that comparison, against PyYAML's composed node tree, over the shipped case,
program and meeting files, random edits of them, and random texts of YAML's syntax
(``AVTALSGEN_FUZZ_SCALE`` multiplies the examples, as in test_fuzz)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from avtalsgen.input import casefiles, filednr
from avtalsgen.input.yamlevents import TooMany

CASES = Path(__file__).resolve().parents[1] / "cases"
SHIPPED = [
    path.read_text(encoding="utf-8")
    for path in sorted([*CASES.glob("*.yaml"), *CASES.glob("*/*.yaml")])
]
STR = "tag:yaml.org,2002:str"
#: Pieces of YAML's syntax and of a case file, which edits insert and random texts are made of.
TOKENS = [
    "dnr", "dnr: ", "dnr:", ": ", ":", "- ", "-", " ", "  ", "\n", "\n  ", "\t", "'", '"',
    "#", "!!str ", "!!int ", "!", "[", "]", "{", "}", ", ", "RUN-00386-2023", " RUN-1 ",
    "12", "true", "null", "~", "?", "|", ">", "aktor", "omrade", "program", "<<: ", "&a ",
    "*a", "a", "b",
]  # fmt: skip
SCALE = int(os.environ.get("AVTALSGEN_FUZZ_SCALE", "1"))
EXAMPLES = settings(
    max_examples=250 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@st.composite
def texts(draw: st.DrawFn) -> str:
    """A shipped file, or one wrapped in a key of its own (input/wrapped.py), with up to
    five edits (a piece inserted or up to 30 characters removed); or a text of up to 40
    pieces."""
    kind = draw(st.sampled_from(["shipped", "wrapped", "pieces"]))
    if kind != "pieces":
        text = draw(st.sampled_from(SHIPPED))
        if kind == "wrapped":
            lines = text.splitlines(keepends=True)
            text = "arende:\n" + "".join(f"  {line}" if line.strip() else line for line in lines)
        for _ in range(draw(st.integers(0, 5))):
            at = draw(st.integers(0, len(text)))
            if draw(st.booleans()):
                text = text[:at] + draw(st.sampled_from(TOKENS)) + text[at:]
            else:
                text = text[:at] + text[at + draw(st.integers(1, 30)) :]
        return text
    return "".join(draw(st.lists(st.sampled_from(TOKENS), max_size=40)))


def _events(text: str) -> list[yaml.Event] | None:
    try:
        return list(yaml.parse(text, Loader=yaml.CSafeLoader))
    except yaml.YAMLError:
        return None


def _composed(text: str) -> yaml.Node | bool | None:
    """The text's one document as PyYAML composes it (None: empty); False where PyYAML
    cannot read it as one document."""
    try:
        return yaml.compose(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        return False


def _aliased(events: list[yaml.Event]) -> bool:
    return any(isinstance(e, yaml.AliasEvent) or getattr(e, "anchor", None) for e in events)


def _new_dnr(text: str) -> tuple[str | None, int | None]:
    """The Dnr's reader on ``text`` (filednr._file_dnr without the file)."""
    try:
        return filednr._top_level_dnr(text)
    except (yaml.YAMLError, TooMany):
        return filednr._written(text)


@EXAMPLES
@given(texts())
def test_the_dnr_reader_reads_the_dnr_as_yaml_does(text: str) -> None:
    events = _events(text)
    # An alias stands for its anchor's value, which the events do not repeat: the walk
    # reads no Dnr there (no case file writes its Dnr so).
    if events is not None and _aliased(events):
        return
    node = _composed(text)
    if node is False:  # no YAML, or more than one document: the line as written
        assert _new_dnr(text) == filednr._written(text)
        return
    expected: tuple[str | None, int | None] = (None, None)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "dnr":
                found = value.value.strip() if isinstance(value, yaml.ScalarNode) and (
                    value.tag == STR
                ) else ""  # fmt: skip
                expected = (found, key.start_mark.line + 1) if found else (None, None)
    assert _new_dnr(text) == expected


def _key(node: yaml.Node) -> object:
    return node.value if isinstance(node, yaml.ScalarNode) and node.tag == STR else "<not text>"


@EXAMPLES
@given(texts())
def test_the_keys_reader_reads_the_keys_as_yaml_does(text: str) -> None:
    found = casefiles._keys(text)
    found_shown = None if found is None else tuple(
        [k if isinstance(k, str) else "<not text>" for k in part] for part in found
    )  # fmt: skip
    events = _events(text)
    node = _composed(text)
    uncertain = (
        events is None or node is False or _aliased(events)
        or any(getattr(e, "tag", None) is not None for e in events)
    )  # fmt: skip
    if uncertain:
        assert found is None
        return
    expected: Any = ([], [])
    if isinstance(node, yaml.MappingNode):
        if any(not isinstance(k, yaml.ScalarNode) or k.value == "<<" for k, _v in node.value):
            assert found is None  # a list or mapping as a key, or a merge key
            return
        top = [_key(k) for k, _v in node.value]
        inner: list[Any] = []
        if len(node.value) == 1 and isinstance(node.value[0][1], yaml.MappingNode):
            pairs = node.value[0][1].value
            if any(not isinstance(k, yaml.ScalarNode) or k.value == "<<" for k, _v in pairs):
                assert found is None
                return
            inner = [_key(k) for k, _v in pairs]
        texts_only = [k for k in top if k != "<not text>"], [k for k in inner if k != "<not text>"]
        if any(len(set(keys)) < len(keys) for keys in texts_only):
            assert found is None  # a key given twice
            return
        expected = (top, inner)
    assert found_shown == tuple(expected), text
