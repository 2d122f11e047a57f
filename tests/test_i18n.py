"""Messages in Swedish by default, English on request: the language's choice and the catalogues."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from conftest import REPO, script

from avtalsgen import i18n


@pytest.fixture(scope="module")
def catalog() -> ModuleType:
    """scripts/catalog.py, with the messages the source marks read once for this module
    (babel reads every source file: a second or more each time); the catalogues and the
    models' descriptions are read afresh each time, as the tests change them."""
    module = script("catalog")
    marked = list(module.marked())
    setattr(module, "marked", lambda: iter(marked))  # noqa: B010 (a module of no type)
    return module


@pytest.fixture
def swedish() -> Iterator[None]:
    i18n.set_language("sv")
    yield
    i18n.set_language(None)


def test_every_message_in_the_source_has_a_swedish_translation_with_its_placeholders(
    catalog: ModuleType,
) -> None:
    messages = list(catalog.extract())
    assert messages, "the source marks messages for translation"
    assert catalog.problems() == []


def test_the_check_finds_a_missing_translation_and_a_dropped_placeholder(
    catalog: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = catalog.po_path
    po = original("cli").read_text(encoding="utf-8")
    translated = 'msgstr "välj sv eller en, inte {value}"'
    assert translated in po
    copy = tmp_path / "cli.po"
    monkeypatch.setattr(
        catalog, "po_path", lambda domain: copy if domain == "cli" else original(domain)
    )
    copy.write_text(po.replace(translated, 'msgstr "välj sv eller en"'), encoding="utf-8")
    found = catalog.problems()
    assert any("placeholders [] differ from the message's ['value']" in p for p in found), found
    copy.write_text(po.replace(translated, 'msgstr ""'), encoding="utf-8")
    found = catalog.problems()
    assert any("no Swedish translation in cli.po: 'choose sv or en, not {value}'" in p
               for p in found), found  # fmt: skip


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({}, "sv"),
        ({"LANG": "sv_SE.UTF-8"}, "sv"),
        ({"LANG": "en_GB.UTF-8"}, "en"),
        ({"LANG": "sv_SE.UTF-8", "LC_MESSAGES": "en_US.UTF-8"}, "en"),
        # The C and POSIX locales name no language: they count as unset.
        ({"LANG": "C.UTF-8"}, "sv"),
        ({"LANG": "C.utf8"}, "sv"),
        ({"LC_ALL": "POSIX"}, "sv"),
        ({"LANG": "sv_SE.UTF-8", "LC_MESSAGES": "C"}, "sv"),
        ({"LC_ALL": "C", "LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "cy_GB.UTF-8"}, "en"),
        ({"LANG": "C", "LC_ALL": "sv_FI.UTF-8"}, "sv"),
        ({"LC_ALL": "", "LANG": "sv_SE"}, "sv"),
    ],
)
def test_the_language_follows_the_locale_variables(environ: dict[str, str], language: str) -> None:
    assert i18n.language_from_environment(environ) == language


def test_translation_follows_the_chosen_language(swedish: None) -> None:
    assert i18n._("choose sv or en, not {value}") == "välj sv eller en, inte {value}"
    i18n.set_language("en")
    assert i18n._("choose sv or en, not {value}") == "choose sv or en, not {value}"
    with pytest.raises(ValueError, match="unknown language 'de'"):
        i18n.set_language("de")


def test_the_environments_language_is_read_again_when_the_language_is_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The locale variables are read once, not at every message, and again after
    set_language (which the command line, and a test changing them, calls)."""
    for variable in i18n.LOCALE_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    i18n.set_language(None)
    assert i18n._("built") == "built"
    monkeypatch.setenv("LANG", "sv_SE.UTF-8")
    i18n.set_language(None)
    assert i18n.current_language() == "sv" and i18n._("built") == "skapat"


def test_a_context_speaks_its_own_language_over_the_processs(swedish: None) -> None:
    """A web request's language (i18n.speak) holds in its own context only: another
    request, and the process, keep theirs."""
    import contextvars

    def english() -> tuple[str, str]:
        i18n.speak("en")
        return i18n.current_language(), i18n._("choose sv or en, not {value}")

    assert contextvars.copy_context().run(english) == ("en", "choose sv or en, not {value}")
    assert i18n.current_language() == "sv"
    assert i18n._("choose sv or en, not {value}") == "välj sv eller en, inte {value}"
    i18n.set_language("en")

    def in_swedish() -> str:
        i18n.speak("sv")
        return i18n._("choose sv or en, not {value}")

    assert contextvars.copy_context().run(in_swedish) == "välj sv eller en, inte {value}"
    assert i18n._("choose sv or en, not {value}") == "choose sv or en, not {value}"
    with pytest.raises(ValueError, match="unknown language 'de'"):
        i18n.speak("de")


def _help(*argv: str, lang: str) -> str:
    env = {k: v for k, v in os.environ.items() if k not in i18n.LOCALE_VARIABLES}
    env["LANG"] = lang
    done = subprocess.run(
        [sys.executable, "-m", "avtalsgen.cli", *argv, "--help"],
        capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    return " ".join(done.stdout.split())


def test_lang_outweighs_the_shells_language() -> None:
    # The shell's language alone: tests/test_cli_language.py (test_help_in_the_shells_language).
    assert "Language of messages: sv or en" in _help("--lang", "en", lang="sv_SE.UTF-8")
    assert "Meddelandenas språk" in _help("--lang=sv", lang="en_US.UTF-8")


def _assigns_underscore(function: ast.FunctionDef | ast.AsyncFunctionDef) -> int | None:
    """The line where ``function`` itself (not a comprehension or nested function in it)
    binds the name ``_``, which makes ``_`` local to all of it."""
    todo: list[ast.AST] = list(function.body)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            continue
        if isinstance(node, ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp):
            continue
        if isinstance(node, ast.Name) and node.id == "_" and isinstance(node.ctx, ast.Store):
            return node.lineno
        todo.extend(ast.iter_child_nodes(node))
    return None


def test_no_function_hides_the_translation_function() -> None:
    """``_, x = ...`` in a function of a module that translates with ``_`` makes every
    ``_("...")`` in that function fail (UnboundLocalError or calling a value)."""
    found = []
    for path in sorted((REPO / "src" / "avtalsgen").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imports_underscore = any(
            isinstance(node, ast.ImportFrom)
            and node.module == "avtalsgen.i18n"
            and any(alias.name == "_" for alias in node.names)
            for node in tree.body
        )
        if not imports_underscore:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                line = _assigns_underscore(node)
                if line is not None:
                    found.append(f"{path.relative_to(REPO)}:{line}: {node.name} binds _")
    assert found == []


def test_the_schemas_describe_the_fields_in_swedish_and_in_english_when_asked() -> None:
    from avtalsgen.model.schema import file_models, json_schema

    i18n.set_language("sv")
    try:
        swedish = {name: json_schema(model) for name, model in file_models().items()}
    finally:
        i18n.set_language("en")
    english = {name: json_schema(model) for name, model in file_models().items()}
    dnr = swedish["arende"]["properties"]["dnr"]["description"]
    assert dnr == "Diarienummer, skrivet RUN-NNNNN-ÅÅÅÅ."
    assert english["arende"]["properties"]["dnr"]["description"] == "Diarienummer, RUN-NNNNN-YYYY."
    paragraf = swedish["sammantrade"]["$defs"]["Paragraf"]["properties"]
    assert paragraf["jav"]["description"] == (
        "Ledamöter som var jäviga och inte deltog i handläggningen av paragrafen."
    )
    # A docstring's line breaks are not part of its message.
    assert "\n" not in english["arende"]["properties"]["finansiering"]["description"]
    # Only the descriptions differ.
    assert _without_descriptions(swedish) == _without_descriptions(english)


def _without_descriptions(node: object) -> object:
    if isinstance(node, dict):
        return {k: _without_descriptions(v) for k, v in node.items() if k != "description"}
    if isinstance(node, list):
        return [_without_descriptions(item) for item in node]
    return node


def test_avtalsgen_schema_speaks_the_language_asked_for() -> None:
    import json

    from typer.testing import CliRunner

    from avtalsgen.cli.app import app

    shown = {}
    for language in ("sv", "en"):
        done = CliRunner().invoke(app, ["--lang", language, "schema", "arende"])
        assert done.exit_code == 0, done.output
        shown[language] = json.loads(done.stdout)["properties"]["titel"]["description"]
    assert shown == {"sv": "Ärendets rubrik.", "en": "The ärende's title."}


def test_a_field_without_a_swedish_description_fails_the_check(
    catalog: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pydantic import BaseModel

    from avtalsgen.model import schema
    from avtalsgen.model.types import Strict

    class Prov(Strict):
        """A model made by this test."""

        ny: str = ""
        """A field nobody has described in Swedish yet."""

    models = schema.file_models()

    def with_the_new_model() -> dict[str, type[BaseModel]]:
        return {**models, "prov": Prov}

    monkeypatch.setattr(schema, "file_models", with_the_new_model)
    found = catalog.problems()
    assert any(
        "no Swedish translation in model.po: 'A field nobody has described in Swedish yet.'" in p
        for p in found
    ), found
    assert any("'A model made by this test.'" in p for p in found), found


def test_a_message_in_two_catalogues_is_translated_the_same_in_both() -> None:
    """The catalogues are one lookup (each a fallback of the next), so a message that two
    packages share gets one catalogue's translation everywhere: two different translations
    would mean one of them is never shown."""
    from babel.messages.pofile import read_po

    first: dict[tuple[str, str | None], tuple[str, str]] = {}
    differing = []
    for po in sorted((REPO / "src" / "avtalsgen" / "locale" / "sv" / "LC_MESSAGES").glob("*.po")):
        with po.open("rb") as handle:
            catalogue = read_po(handle)
        for message in catalogue:
            if not message.id or not isinstance(message.id, str):
                continue
            translation = str(message.string)
            # A message in a context (msgctxt: a field's label "Title") is another message.
            seen = first.setdefault((message.id, message.context), (po.name, translation))
            if seen[1] != translation:
                differing.append(f"{message.id!r}: {seen} / {(po.name, translation)}")
    assert differing == []


def test_an_amount_in_a_message_is_grouped_as_its_language_writes_it() -> None:
    """Messages said "1500000 kronor" (a payment a change would alter) or grouped with a
    formatter of their own. In Swedish an amount reads as the documents write it (the
    documents' own formatter: no-break spaces), in English with English grouping."""
    from avtalsgen.documents import format as fmt

    try:
        i18n.set_language("sv")
        assert i18n.format_amount(1500000) == fmt.number(1500000) == "1\u00a0500\u00a0000"
        i18n.set_language("en")
        assert i18n.format_amount(1500000) == "1,500,000"
        assert i18n.format_amount(416666) == "416,666"
    finally:
        i18n.set_language(None)


def test_a_catalogue_changed_since_it_was_compiled_is_read_from_its_po(
    swedish: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A checkout that brings new messages in a .po after the set-up compiled the .mo (a
    `git pull` without the set-up) speaks them in Swedish, not in English among Swedish
    ones: the .po is compiled in memory when it is newer than its .mo; a current .mo is
    read as it is."""
    import shutil

    locale = tmp_path / "locale"
    shutil.copytree(i18n.LOCALE_DIR, locale)
    folder = locale / "sv" / "LC_MESSAGES"
    po = folder / "cli.po"
    message = "choose sv or en, not {value}"
    old = 'msgstr "välj sv eller en, inte {value}"'
    assert old in po.read_text(encoding="utf-8")
    po.write_text(
        po.read_text(encoding="utf-8").replace(old, 'msgstr "ange sv eller en, inte {value}"'),
        encoding="utf-8",
    )
    mo = folder / "cli.mo"
    os.utime(mo, ns=(po.stat().st_mtime_ns - 10**9, po.stat().st_mtime_ns - 10**9))
    monkeypatch.setattr(i18n, "LOCALE_DIR", locale)
    monkeypatch.setattr(i18n, "_catalogues", {})
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert i18n._(message) == "ange sv eller en, inte {value}"  # the .po, newer
    # Compiled once: kept in the user's cache by the .po's hash, and read from there by the
    # next process (here: with Babel gone, as in the converter's bridge).
    kept = sorted((tmp_path / "cache" / "avtalsgen" / "catalogues" / "sv").glob("cli-*.mo"))
    assert len(kept) == 1
    monkeypatch.setattr(i18n, "_catalogues", {})
    monkeypatch.setitem(sys.modules, "babel.messages.pofile", None)
    assert i18n._(message) == "ange sv eller en, inte {value}"
    monkeypatch.delitem(sys.modules, "babel.messages.pofile")
    # A damaged item is compiled again; a .po changed again is another item.
    kept[0].write_bytes(b"not a catalogue")
    monkeypatch.setattr(i18n, "_catalogues", {})
    assert i18n._(message) == "ange sv eller en, inte {value}"
    po.write_text(po.read_text(encoding="utf-8").replace("ange sv", "skriv sv"), encoding="utf-8")
    os.utime(mo, ns=(po.stat().st_mtime_ns - 10**9, po.stat().st_mtime_ns - 10**9))
    monkeypatch.setattr(i18n, "_catalogues", {})
    assert i18n._(message) == "skriv sv eller en, inte {value}"
    assert len(list(kept[0].parent.glob("cli-*.mo"))) == 2

    os.utime(mo, ns=(po.stat().st_mtime_ns + 10**9, po.stat().st_mtime_ns + 10**9))
    monkeypatch.setattr(i18n, "_catalogues", {})
    assert i18n._(message) == "välj sv eller en, inte {value}"  # the .mo, current

    mo.unlink()
    monkeypatch.setattr(i18n, "_catalogues", {})
    assert i18n._(message) == "skriv sv eller en, inte {value}"  # no .mo at all
