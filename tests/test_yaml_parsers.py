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


@pytest.mark.parametrize(
    ("text", "line", "english", "swedish"),
    [
        (
            "dnr: RUN-00001-2024\nprotokollsutdrag_till: [Aktören, # [obs]\n",
            2,
            "the file ends inside the list or mapping that [ opens here: close it with ] (put "
            "the value in quotes if [ belongs to the text)",
            "filen tar slut inne i listan eller mappningen som [ inleder här: avsluta den med ] "
            "(sätt värdet inom citattecken om [ hör till texten)",
        ),
        (
            'titel: "{x}"\naktor: {namn: "A [", adress: [\n',
            2,
            "the file ends inside the list or mapping that [ opens here: close it with ] (put "
            "the value in quotes if [ belongs to the text)",
            "filen tar slut inne i listan eller mappningen som [ inleder här: avsluta den med ] "
            "(sätt värdet inom citattecken om [ hör till texten)",
        ),
        (
            "dnr: RUN-00001-2024\nprotokollsutdrag_till: - Aktören\n",
            2,
            "a list item ('- ') cannot stand here: put each item on a line of its own below its "
            "key, indented, or write the value in quotes",
            "en listpunkt ('- ') kan inte stå här: skriv varje punkt på en egen rad under sin "
            "nyckel, med indrag, eller sätt värdet inom citattecken",
        ),
    ],
)
def test_a_syntax_error_is_said_in_the_users_words(
    tmp_path: Path, text: str, line: int, english: str, swedish: str
) -> None:
    """These were given in PyYAML's English ("YAML-syntaxfel: expected the node content,
    but found '<stream end>'") even to a Swedish user, at a line past the file's end."""
    from avtalsgen import i18n

    case = tmp_path / "fall.yaml"
    case.write_text(text, encoding="utf-8")
    for language, message in (("en", english), ("sv", swedish)):
        i18n.set_language(language)
        with pytest.raises(CaseError) as caught:
            load.read_yaml(case)
        assert caught.value.problems == [f"{case}:{line}: {message}"]


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
