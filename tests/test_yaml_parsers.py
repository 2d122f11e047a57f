"""Case files are parsed with libyaml, and read exactly as with PyYAML's own parser."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import REPO

from avtalsgen.errors import CaseError
from avtalsgen.input import load

EXAMPLES = sorted((REPO / "cases").rglob("*.yaml"))


def _read(loader_class: Any, text: str) -> tuple[Any, dict[Any, int]]:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node)
    finally:
        loader.dispose()
    lines: dict[Any, int] = {}
    load._lines(node, (), lines, [])
    return data, lines


def test_libyaml_is_there() -> None:
    assert load.LIBYAML, "PyYAML's wheels have libyaml; without it every file takes 3x longer"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_both_parsers_read_the_same_values_on_the_same_lines(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    fast = _read(load._FastLoader, text)
    assert fast == _read(load._Loader, text)
    assert len(fast[1]) > 10


def test_what_pyyaml_refuses_is_reported_from_its_error(tmp_path: Path) -> None:
    case = tmp_path / "fall.yaml"
    case.write_text("dnr: RUN-00001-2024\ntitel: [a, b\nbelopp: 1\n", encoding="utf-8")
    with pytest.raises(CaseError) as caught:
        load.read_yaml(case)
    assert caught.value.problems == [
        f"{case}:2: [ opens a list or mapping that is not closed with ] (put the value in "
        "quotes if [ belongs to the text)"
    ]


def test_the_fast_parser_refuses_anchors_tags_and_depth() -> None:
    for text, refusal in [
        ("a: 1\nb: &x 1\nc: *x\n", "YAML anchors and aliases"),
        ("a: !!python/name:os.system x\n", "YAML tags (!!python/name:os.system)"),
        ("a: " + "[" * 30 + "]" * 30 + "\n", "nested more than 20 levels"),
    ]:
        with pytest.raises(load._Refused) as caught:
            load._fast_node(text)
        assert refusal in caught.value.message
    assert load._fast_node("a: b\n") is not None
    assert load._fast_node("a: [b\nc: d\n") is None, "a syntax error: PyYAML reads it again"
