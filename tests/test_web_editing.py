"""Editing case and meeting files in the web app: round-trip saves, versions, conflicts,
the loader's messages at the fields, the computed meeting dates, the audit log and the CLI."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import time
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner
from webtools import PASSWORD, client_for, csrf_of, workspace

from avtalsgen import i18n
from avtalsgen.cli.app import app as cli
from avtalsgen.web import audit, auth
from avtalsgen.web.config import WebConfig
from avtalsgen.web.forms import editor_schema, field_problems, label, normalise
from avtalsgen.web.yamlfiles import dump_round_trip, load_round_trip, merged_text, sha256_text

REPO_CASES = Path(__file__).resolve().parent.parent / "cases"


def _form_data(html: str) -> tuple[dict[str, Any], str]:
    start = html.index('id="editor-data">') + len('id="editor-data">')
    data = json.loads(html[start : html.index("</script>", start)])
    sha = re.search(r'name="sha" value="([0-9a-f]*)"', html)
    assert sha
    return data, sha.group(1)


def _save(client: Any, path: str, data: dict[str, Any], sha: str) -> Any:
    token = csrf_of(client.get(path).text)
    return client.post(
        path, data={"_csrf_token": token, "data": json.dumps(data), "sha": sha},
        follow_redirects=False,
    )  # fmt: skip


@pytest.mark.parametrize("path", sorted(REPO_CASES.rglob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_file_reads_and_writes_back_byte_for_byte(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert dump_round_trip(load_round_trip(text)) == text


def test_a_save_keeps_comments_key_order_and_styles_and_changes_only_what_changed() -> None:
    text = (REPO_CASES / "RUN-00386-2023.yaml").read_text(encoding="utf-8")
    from avtalsgen.web.yamlfiles import plain

    data = plain(load_round_trip(text))
    data["handlaggare"] = "Anna Andersson"
    data["finansiering"]["period"]["start"] = "2023-11-01"
    data["syfte"] = "Första stycket.\n\nAndra stycket."
    data["exempel"] = False  # the model's default: not written
    new = merged_text(text, data)
    before, after = text.splitlines(), new.splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=False) if a != b]
    assert ("handlaggare: null", "handlaggare: Anna Andersson") in changed
    assert ("    start: 2023-10-01", "    start: 2023-11-01") in changed
    assert "exempel" not in new
    assert new.startswith("# Dnr RUN-00386-2023: base financing")  # comments kept
    assert "  - >-\n    Regionala utvecklingsnämnden beslutar" in new  # folded style kept
    assert "syfte: |\n  Första stycket.\n\n  Andra stycket.\n" in new
    assert [line.split(":")[0] for line in after if line and line[0].isalpha()] == [
        line.split(":")[0] for line in before if line and line[0].isalpha()
    ]


def test_the_form_schema_comes_from_the_models() -> None:
    from avtalsgen.model import Arende
    from avtalsgen.model.schema import json_schema

    with i18n.speaking("sv"):
        schema = editor_schema(json_schema(Arende))
        assert label("forsta_uppfoljning") == "Första uppföljning"
    with i18n.speaking("en"):
        english = editor_schema(json_schema(Arende))
        assert label("forsta_uppfoljning") == "First follow-up"
    props = schema["properties"]
    assert list(props)[:3] == ["program", "exempel", "dnr"]
    financier = props["finansiering"]["properties"]["finansiarer"]["items"]["properties"]
    assert financier["belopp_per_ar"]["title"] == "Belopp per år"
    financiers = english["properties"]["finansiering"]["properties"]["finansiarer"]
    assert financiers["title"] == "Financiers" and financiers["items"]["title"] == "financier"
    assert financiers["items"]["properties"]["belopp_per_ar"]["title"] == "Amount per year"
    assert financier["belopp_per_ar"]["x-nullable"] is True
    assert props["aktor"]["properties"]["omrade"]["title"] == "Område"
    assert props["datum"]["x-nullable"] is True and "anyOf" not in props["datum"]
    assert props["syfte"]["format"] == "textarea"
    assert props["aktor"]["description"]  # the docstring
    assert normalise({"datum": "", "handlaggare": "  Anna  "}, schema) == {
        "datum": None, "handlaggare": "Anna",
    }  # fmt: skip
    problems = field_problems(
        [
            "cases/x.yaml:21: finansiering.finansiarer[0].belopp: amount must not be negative",
            "cases/x.yaml:1: (file): expected a mapping",
        ]
    )
    assert problems[0].path == "root.finansiering.finansiarer.0.belopp"
    assert problems[0].line == 21 and problems[1].path is None


def _untyped(node: Any, path: str = "root") -> list[str]:
    """Where a form schema has a field json-editor cannot tell the type of (it then draws
    a choice of JSON types: string, number, integer, boolean, object, array, null)."""
    if isinstance(node, dict):
        found = [] if "type" in node or "oneOf" in node or "$ref" in node else [path]
        found += _untyped(node.get("items"), path + "[]") if "items" in node else []
        for name, child in node.get("properties", {}).items():
            found += _untyped(child, f"{path}.{name}")
        for index, option in enumerate(node.get("oneOf", [])):
            found += _untyped(option, f"{path}|{index}")
        return found
    return []


@pytest.mark.parametrize("kind", ["arende", "sammantrade", "program"])
def test_every_field_of_the_form_has_a_type(kind: str) -> None:
    """A paragraph's Beslut is "enligt förslaget" or a list of points: the fixed value is a
    choice of that one value, not a field json-editor offers as string, number, null ...
    (a Swedish secretary saw those words under Beslut)."""
    from avtalsgen.web.editing import form_schema

    schema = form_schema(kind)
    assert _untyped(schema) == []
    if kind == "sammantrade":
        beslut = schema["properties"]["paragrafer"]["items"]["properties"]["beslut"]
        fixed, worded = beslut["oneOf"]
        assert fixed["type"] == "string" and fixed["enum"] == ["enligt förslaget"]
        assert worded["type"] == "array"


def _descriptions(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["description"]] if isinstance(node.get("description"), str) else []
        return found + [text for child in node.values() for text in _descriptions(child)]
    if isinstance(node, list):
        return [text for child in node for text in _descriptions(child)]
    return []


@pytest.mark.parametrize("kind", ["arende", "sammantrade"])
def test_the_forms_help_texts_are_in_words(kind: str) -> None:
    """The models' descriptions name the file's keys and values as the YAML writes them
    (belopp_per_ar, arsvis_i_forskott, Ja (true), {typ: forlangning, ...}); the form's help
    texts say them as the form labels them, amounts grouped; placeholders stay."""
    from avtalsgen.web.editing import form_schema

    i18n.set_language("sv")
    try:
        texts = _descriptions(form_schema(kind))
    finally:
        i18n.set_language(None)
    assert texts
    for text in texts:
        bare = re.sub(r"\{[a-z_]+\}", "", text)  # a placeholder is typed as it is
        assert not re.search(r"[a-z]_[a-z]|\btrue\b|\bfalse\b|``|\d{5}", bare), text
    joined = "\n".join(texts)
    if kind == "arende":
        assert "Ikryssad för ett påhittat exempelärende" in joined
        assert (
            "Ange beloppen på ett av tre sätt, aldrig fler: belopp per år (samma belopp varje "
            "avtalsår;"
        ) in joined
        assert "i hela kronor, till exempel 2\u00a0000\u00a0000." in joined
        assert (
            "till exempel år 2024, belopp 500\u00a0000; år 2025, belopp 2\u00a0000\u00a0000"
            in joined
        )
        assert "kommun, universitet, EU-projekt, egen insats (aktörens egen insats)" in joined
        assert "programfilen anger under Finansiering › Källor" in joined
        assert "till exempel {belopp_arligen} och {start}" in joined
    else:
        assert (
            "Vad nämnden beslutade: bifall, bifall med ändring, avslag, återremiss eller "
            "bordläggning."
        ) in joined
        assert (
            "förlängning (ny slutdag), nytt belopp (från, belopp per år) eller upphörande "
            "(sista dag)"
        ) in joined
        assert "Förlängning, nytt belopp från ett datum eller upphörande i förtid." in joined
        assert "Tomt: ingen sekretess." in joined
        assert "ärendets lista (protokollsutdrag till)" in joined


def test_amounts_are_shown_grouped_and_read_back_with_or_without_spaces(
    config: WebConfig,
) -> None:
    """2000000 in the file is 2 000 000 in the form (Babel's grouping, no-break spaces);
    typed back with spaces, no-break spaces or none it is 2000000 again, the file as it was;
    a text that is no amount is refused at its field with a message that says how to write
    one."""
    from avtalsgen.web.editing import form_schema
    from avtalsgen.web.forms import read_amount

    path = config.cases / "RUN-00386-2023.yaml"
    before = path.read_text(encoding="utf-8")
    assert "      belopp_per_ar: 2000000\n" in before
    with client_for(config, "handl") as client:
        page = client.get("/arenden/RUN-00386-2023").text
        data, sha = _form_data(page)
        financier = data["finansiering"]["finansiarer"][0]
        assert financier["belopp_per_ar"] == "2\u00a0000\u00a0000"
        schema = form_schema("arende")
        field = schema["properties"]["finansiering"]["properties"]["finansiarer"]["items"]
        assert field["properties"]["belopp_per_ar"]["type"] == "string"
        assert field["properties"]["belopp_per_avtalsar"]["items"]["x-amount"] is True
        for typed in ("2 000 000", "2000000", " 2\u00a0000\u00a0000 ", "2\u202f000\u202f000"):
            financier["belopp_per_ar"] = typed
            response = _save(client, "/arenden/RUN-00386-2023", data, sha)
            assert response.status_code == 303, (typed, response.text)
            assert path.read_text(encoding="utf-8") == before, typed
            data, sha = _form_data(client.get("/arenden/RUN-00386-2023").text)
            financier = data["finansiering"]["finansiarer"][0]
        financier["belopp_per_ar"] = "två miljoner"
        html = _save(client, "/arenden/RUN-00386-2023", data, sha).text
    start = html.index('id="editor-problems">') + len('id="editor-problems">')
    problems = json.loads(html[start : html.index("</script>", start)])
    assert {
        "path": "root.finansiering.finansiarer.0.belopp_per_ar",
        "message": "'två miljoner' är inget belopp: skriv hela kronor med siffror, med eller "
        "utan mellanrum mellan siffergrupperna, till exempel 2 000 000",
    }.items() <= {k: problems[0][k] for k in ("path", "message")}.items(), problems
    assert path.read_text(encoding="utf-8") == before
    assert read_amount("") is None and read_amount("1,5") == "1,5"


def _kind_of(path: Path) -> str:
    return "sammantrade" if "sammantraden" in path.parts else "arende"


@pytest.mark.parametrize(
    "path",
    sorted(p for p in REPO_CASES.rglob("*.yaml") if "program" not in p.parts),
    ids=lambda p: p.name,
)
def test_a_form_saved_as_it_was_shown_leaves_the_file_as_it_was(path: Path) -> None:
    """The form shows every field of the model (those the file leaves out too: the editor
    could not add them back), and what it only filled in is not written."""
    from avtalsgen.web.editing import form_schema
    from avtalsgen.web.forms import as_in_file, in_schema_order, prefill
    from avtalsgen.web.yamlfiles import plain

    schema = form_schema(_kind_of(path))
    text = path.read_text(encoding="utf-8")
    before = plain(load_round_trip(text))
    shown = prefill(before, schema)
    assert set(shown) == set(schema["properties"])  # every field, the file's or not
    back = as_in_file(in_schema_order(normalise(shown, schema), schema), before, schema)
    assert merged_text(text, back) == text


def test_the_meeting_form_records_outcomes_votes_jav_and_reservations() -> None:
    """What a secretary types into a paragraph's outcome fields is written; a paragraph the
    editor adds (its numbers empty, its box unticked, its vote 0 to 0) writes only what
    was typed; a reservation written as a plain name stays so."""
    from avtalsgen.web.editing import form_schema
    from avtalsgen.web.forms import as_in_file, in_schema_order, prefill
    from avtalsgen.web.yamlfiles import plain

    i18n.set_language("sv")  # as the app's pages: their texts are Swedish
    try:
        schema = form_schema("sammantrade")
    finally:
        i18n.set_language(None)
    paragraph = schema["properties"]["paragrafer"]["items"]["properties"]
    assert paragraph["omedelbart_justerad"]["format"] == "checkbox"
    assert paragraph["utfall"]["enum"][:2] == ["", "bifall"]
    assert paragraph["utfall"]["options"]["enum_titles"] == [
        "(inte angivet)", "bifall", "bifall med ändring", "avslag", "återremiss", "bordläggning",
    ]  # fmt: skip
    assert paragraph["jav"]["title"] == "Jäv" and paragraph["andring"]["title"] == "Ändring"
    assert paragraph["reservationer"]["items"]["title"] == "reservation"
    text = (REPO_CASES / "sammantraden" / "exempel-run-2024-11-26.yaml").read_text("utf-8")
    text += "    reservationer: [Per Exempelsson (M)]\n"
    before = plain(load_round_trip(text))
    shown = prefill(before, schema)
    first = shown["paragrafer"][0]
    assert first["reservationer"] == [{"namn": "Per Exempelsson (M)", "motivering": ""}]
    first["utfall"] = "bifall_med_andring"
    first["votering"].update(ja=7, nej=6, ordning="Ja för förslaget, nej för avslag")
    first["jav"] = ["Anna Exempelsson (S)"]
    # A paragraph as the editor adds it: empty numbers and texts, a 0 to 0 vote.
    added = {
        "paragraf": 188, "dnr": "RUN-00386-2023", "utfall": "avslag", "beslut": "",
        "finansiering": {"period": {"start": "", "slut": ""}, "finansiarer": [], "totalt": "",
                         "utbetalning": {"satt": "", "forsta_datum": ""}},
        "andring": "", "motivering": "", "jav": [], "reservationer": [],
        "votering": {"ja": "", "nej": "", "avstar": 0, "ordning": ""},
        "omedelbart_justerad": False, "anslagsdatum": "", "skickas_till": [],
        "sekretess": {"bestammelse": "", "datum": "", "markerad_av": ""},
    }  # fmt: skip
    shown["paragrafer"].append(added)
    back = as_in_file(in_schema_order(normalise(shown, schema), schema), before, schema)
    new = merged_text(text, back)
    written = plain(load_round_trip(new))["paragrafer"]
    assert written[0]["utfall"] == "bifall_med_andring"
    assert written[0]["votering"] == {  # avstar's 0 is the model's default: not written
        "ja": 7, "nej": 6, "ordning": "Ja för förslaget, nej för avslag",
    }  # fmt: skip
    assert written[0]["jav"] == ["Anna Exempelsson (S)"]
    assert "    reservationer: [Per Exempelsson (M)]\n" in new  # as it was written
    assert written[1] == {"paragraf": 188, "dnr": "RUN-00386-2023", "utfall": "avslag"}


def _objects(node: Any, path: str = "") -> Any:
    """Every object of an editor schema, with its place."""
    if isinstance(node, dict):
        if isinstance(node.get("properties"), dict):
            yield path, node
            for key, child in node["properties"].items():
                yield from _objects(child, f"{path}.{key}")
        if isinstance(node.get("items"), dict):
            yield from _objects(node["items"], f"{path}[]")
        for option in node.get("oneOf") or []:
            yield from _objects(option, path)


@pytest.mark.parametrize("kind", ["arende", "sammantrade"])
def test_a_required_field_left_at_the_choice_the_form_starts_with_is_written(kind: str) -> None:
    """Every field a model requires is written when a new item of the form holds something
    in it, even what the form starts it with (a Tillägg's Typ, förlängning, the first of
    its choices): the file would lack it and the loader say 'inte ifyllt'."""
    from avtalsgen.web.editing import form_schema
    from avtalsgen.web.forms import as_in_file, blank, prefill

    checked = []
    for path, node in _objects(form_schema(kind)):
        for key in node["x-required"]:
            child = node["properties"][key]
            shown = normalise(prefill(blank(child), child), child)
            if shown in (None, "", [], False) or isinstance(shown, dict):
                continue  # nothing filled in: the loader says what to fill
            filled = normalise(prefill(blank(node), node), node)
            assert as_in_file(filled, None, node).get(key) == shown, f"{path}.{key}"
            checked.append(f"{path}.{key}")
    if kind == "sammantrade":
        assert ".paragrafer[].tillagg.typ" in checked


@pytest.fixture
def config(tmp_path: Path) -> WebConfig:
    return workspace(tmp_path)


def test_save_through_the_web_writes_the_yaml_and_keeps_versions(config: WebConfig) -> None:
    path = config.cases / "RUN-00386-2023.yaml"
    with client_for(config, "handl") as client:
        data, sha = _form_data(client.get("/arenden/RUN-00386-2023").text)
        data["handlaggare"] = "Anna Andersson"
        response = _save(client, "/arenden/RUN-00386-2023", data, sha)
        assert response.status_code == 303, response.text
        assert response.headers["location"] == "/arenden/RUN-00386-2023?sparad=2"
        assert "handlaggare: Anna Andersson\n" in path.read_text(encoding="utf-8")
        assert path.read_text(encoding="utf-8").startswith("# Dnr RUN-00386-2023")
        page = client.get("/arenden/RUN-00386-2023?sparad=2").text
        assert "Sparat som version 2" in page
        versions = client.get("/arenden/RUN-00386-2023/versioner?a=1&b=2").text
        assert "handl" in versions and "ändrad utanför webben" in versions
        assert "-handlaggare: null" in versions and "+handlaggare: Anna Andersson" in versions
    # The CLI reads the saved file.
    result = CliRunner().invoke(cli, ["check", str(path)])
    assert result.exit_code == 0, result.output


def test_a_save_merges_into_the_round_trip_its_form_read(
    config: WebConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The form's page reads the file's round trip; the save that follows merges into it
    instead of reading the file again (once: a second save reads it), with the same text."""
    from avtalsgen.web import editing

    reads: list[str] = []

    def counted(text: str) -> Any:
        reads.append(text)
        return load_round_trip(text)

    monkeypatch.setattr(editing, "load_round_trip", counted)
    path = config.cases / "RUN-00386-2023.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "# sparad från formuläret\n",
                    encoding="utf-8")  # fmt: skip
    with client_for(config, "handl") as client:
        data, sha = _form_data(client.get("/arenden/RUN-00386-2023").text)
        assert len(reads) == 1
        data["handlaggare"] = "Anna Andersson"
        assert _save(client, "/arenden/RUN-00386-2023", data, sha).status_code == 303
        assert len(reads) == 1, "the save read no round trip of its own"
        text = path.read_text(encoding="utf-8")
        assert "handlaggare: Anna Andersson\n" in text and "# sparad från formuläret" in text
        assert text.startswith("# Dnr RUN-00386-2023")
        data["handlaggare"] = "Bo Berg"  # no form read in between: the save reads the file
        response = _save(client, "/arenden/RUN-00386-2023", data, sha256_text(text))
        assert response.status_code == 303
        assert len(reads) == 2 and "handlaggare: Bo Berg\n" in path.read_text(encoding="utf-8")


def test_a_save_based_on_an_older_version_is_refused_with_what_changed(config: WebConfig) -> None:
    path = config.cases / "RUN-00386-2023.yaml"
    with client_for(config, "handl") as client:
        data, sha = _form_data(client.get("/arenden/RUN-00386-2023").text)
        # Someone else changes the file meanwhile (in an editor, or another browser).
        other = path.read_text(encoding="utf-8").replace("avdelning: null", "avdelning: Utveckla")
        path.write_text(other, encoding="utf-8")
        data["handlaggare"] = "Anna Andersson"
        response = _save(client, "/arenden/RUN-00386-2023", data, sha)
        assert response.status_code == 200
        assert "Inte sparat: filen har ändrats" in response.text
        assert "+avdelning: Utveckla" in response.text and "-avdelning: null" in response.text
        kept, _ = _form_data(response.text)
        assert kept["handlaggare"] == "Anna Andersson"  # what was typed is still in the form
    assert path.read_text(encoding="utf-8") == other


def test_after_a_conflict_the_form_holds_both_changes_and_saves_again(config: WebConfig) -> None:
    """Two officers open the same case; the first saves. The second's save is refused with
    what changed, and the form then shows the file as it is now with the second's changes
    made to it (where both changed a field, the second's value), based on the current
    version: saved again as shown, it keeps both (before, it was refused again and again)."""
    path = config.cases / "RUN-00386-2023.yaml"
    with client_for(config, "handl") as first, client_for(config, "alla") as second:
        data_1, sha_1 = _form_data(first.get("/arenden/RUN-00386-2023").text)
        data_2, sha_2 = _form_data(second.get("/arenden/RUN-00386-2023").text)
        assert sha_1 == sha_2
        data_1["avdelning"] = "Avdelning Ett"
        data_1["titel"] = "Titel av den första"
        assert _save(first, "/arenden/RUN-00386-2023", data_1, sha_1).status_code == 303
        data_2["handlaggare"] = "Bo Berg"
        data_2["titel"] = "Titel av den andra"
        refused = _save(second, "/arenden/RUN-00386-2023", data_2, sha_2)
        assert "Inte sparat: filen har ändrats" in refused.text
        assert "+avdelning: Avdelning Ett" in refused.text
        shown, sha = _form_data(refused.text)
        assert sha == sha256_text(path.read_text(encoding="utf-8")) != sha_2
        assert shown["avdelning"] == "Avdelning Ett"  # the first's change
        assert shown["handlaggare"] == "Bo Berg"  # the second's
        assert shown["titel"] == "Titel av den andra"  # both changed it: the second's
        response = _save(second, "/arenden/RUN-00386-2023", shown, sha)
        assert response.status_code == 303, response.text
    text = path.read_text(encoding="utf-8")
    assert "avdelning: Avdelning Ett\n" in text and "handlaggare: Bo Berg\n" in text
    assert "titel: Titel av den andra\n" in text


def test_the_loaders_messages_are_shown_at_their_fields(config: WebConfig) -> None:
    path = config.cases / "RUN-00386-2023.yaml"
    before = path.read_text(encoding="utf-8")
    with client_for(config, "handl") as client:
        data, sha = _form_data(client.get("/arenden/RUN-00386-2023").text)
        data["finansiering"]["finansiarer"][0]["belopp_per_ar"] = -5
        data["dnr"] = "RUN-386-2023"
        response = _save(client, "/arenden/RUN-00386-2023", data, sha)
        assert response.status_code == 200
        html = response.text
        assert "Inte sparat" in html
        start = html.index('id="editor-problems">') + len('id="editor-problems">')
        problems = json.loads(html[start : html.index("</script>", start)])
        paths = {p["path"] for p in problems}
        assert "root.dnr" in paths
        assert "root.finansiering.finansiarer.0.belopp_per_ar" in paths, paths
        assert all(".web-check-" not in p["message"] for p in problems)
    assert path.read_text(encoding="utf-8") == before  # nothing written
    assert not list(config.cases.glob(".web-*"))


def test_the_summary_of_a_refused_save_names_the_fields_as_the_form_labels_them(
    config: WebConfig,
) -> None:
    """The list of problems above the form names each field by the form's labels, from the
    outside in, not by the file's keys; the heading names the file as it is, not the Dnr the
    refused form has."""
    with client_for(config, "handl") as client:
        data, sha = _form_data(client.get("/arenden/RUN-00386-2023").text)
        data["dnr"] = "RUN-386-2023"
        data["aktor"]["adress"] = {"utdelningsadress": "", "postnummer": "abc", "ort": ""}
        data["finansiering"]["finansiarer"][0]["belopp_per_ar"] = -5
        data["beslutspunkter"][1] = 7
        html = _save(client, "/arenden/RUN-00386-2023", data, sha).text
    summary = html[html.index('id="fel"') : html.index("</ul>", html.index('id="fel"'))]
    links = re.findall(r'<a data-problem="\d+" href="#editor">([^<]*)</a>', summary)
    assert "Dnr" in links
    assert "Aktör › Adress › Postnummer" in links, links
    assert "Finansiering › Finansiär 1 › Belopp per år" in links, links
    assert "Beslutspunkt 2" in links, links
    assert not [link for link in links if "." in link or "_" in link], links
    assert '<h1>Ärende <span class="dnr">RUN-00386-2023</span></h1>' in html
    assert "RUN-386-2023" in html  # what was typed stays in the form


def test_a_new_case_from_a_copy(config: WebConfig) -> None:
    with client_for(config, "handl") as client:
        page = client.get("/arenden/ny?fran=RUN-00386-2023").text
        data, _ = _form_data(page)
        data["dnr"] = "RUN-00400-2023"
        token = csrf_of(page)
        response = client.post(
            "/arenden/ny",
            data={"_csrf_token": token, "data": json.dumps(data), "filnamn": "RUN-00400-2023"},
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text
        assert "RUN-00400-2023" in client.get("/arenden").text
        again = client.post(
            "/arenden/ny",
            data={"_csrf_token": token, "data": json.dumps(data), "filnamn": "RUN-00400-2023"},
        )
        assert again.status_code == 422 and "finns redan" in again.text
    text = (config.cases / "RUN-00400-2023.yaml").read_text(encoding="utf-8")
    assert "dnr: RUN-00400-2023" in text


def test_a_copy_keeping_the_originals_dnr_is_refused_at_the_dnr(config: WebConfig) -> None:
    """A copy saved with the Dnr of the case it was copied from was saved (303), and then
    check, build, status and every page refused both files, the original (maybe signed)
    too. Now the save is refused at the Dnr, saying to give the copy a Dnr of its own."""
    with client_for(config, "handl") as client:
        page = client.get("/arenden/ny?fran=RUN-00386-2023").text
        data, _ = _form_data(page)
        assert data["dnr"] == "RUN-00386-2023"
        response = client.post(
            "/arenden/ny",
            data={"_csrf_token": csrf_of(page), "data": json.dumps(data), "filnamn": "kopia"},
            follow_redirects=False,
        )
        assert response.status_code == 200, response.status_code  # the form again, refused
        html = unescape(response.text)
        summary = html[html.index('id="fel"') : html.index("</ul>", html.index('id="fel"'))]
        links = re.findall(r'<a data-problem="\d+" href="#editor">([^<]*)</a>', summary)
        assert links == ["Dnr"], links
        assert (
            "RUN-00386-2023 är redan diarienumret för ärendet i RUN-00386-2023.yaml: ge det här "
            "ärendet ett eget diarienummer (en kopia av ett ärende är ett nytt ärende, med eget "
            "diarienummer)"
        ) in html, html
        assert not (config.cases / "kopia.yaml").exists()
        assert "ärendefilen har fel" not in client.get("/arenden").text
        assert "eget diarienummer" not in client.get("/arenden/RUN-00386-2023").text
        # A copy made beside it on disk is told at once, on the list and the case's page:
        # the pages kept read the cases folder's listing too.
        original = config.cases / "RUN-00386-2023.yaml"
        (config.cases / "kopia.yaml").write_text(original.read_text(encoding="utf-8"), "utf-8")
        assert "ärendefilen har fel" in client.get("/arenden").text
        assert "eget diarienummer" in unescape(client.get("/arenden/RUN-00386-2023").text)
    (config.cases / "kopia.yaml").unlink()


def test_a_copy_is_warned_of_while_it_still_names_the_other_cases_actor(
    config: WebConfig,
) -> None:
    """A case copied from RUN-00386-2023 with its own actor: its page warns that the title
    and the actor's short name still name Swedish Lapland Visitors Board, the actor of
    RUN-00386-2023, each with a link to its field; once they are changed, it does not. No
    shipped case's page warns."""
    with client_for(config, "handl") as client:
        page = client.get("/arenden/ny?fran=RUN-00386-2023").text
        data, _ = _form_data(page)
        data["dnr"] = "RUN-00400-2023"
        data["aktor"]["namn"] = "Norrbottens Nya Aktör AB"
        response = client.post(
            "/arenden/ny",
            data={"_csrf_token": csrf_of(page), "data": json.dumps(data),
                  "filnamn": "RUN-00400-2023"},
            follow_redirects=False,
        )  # fmt: skip
        assert response.status_code == 303, response.text
        html = unescape(client.get("/arenden/RUN-00400-2023").text)
        assert "Fortfarande det andra ärendets aktör?" in html
        for field, href in (("Titel", "#root[titel]"), ("Aktör › Kortnamn",
                                                         "#root[aktor][kortnamn]")):  # fmt: skip
            assert (
                f"{field} nämner Swedish Lapland Visitors Board, aktören i RUN-00386-2023: "
                f'ändra till det här ärendets aktör, om det inte är meningen. <a href="{href}">'
                f"Ändra {field}</a>"
            ) in html, html
        for stem in ("RUN-00386-2023", "exempel-arktiska-testbaddar", "exempel-matkluster"):
            assert "andra ärendets aktör" not in client.get(f"/arenden/{stem}").text, stem
        page = client.get("/arenden/RUN-00400-2023").text
        data, sha = _form_data(page)
        data["titel"] = "Pilotprojekt inom Norrbottens ekosystem - Norrbottens Nya Aktör"
        data["aktor"]["kortnamn"] = "Nya Aktör"
        assert _save(client, "/arenden/RUN-00400-2023", data, sha).status_code == 303
        assert "andra ärendets aktör" not in client.get("/arenden/RUN-00400-2023").text


def test_meeting_dates_are_computed_by_the_librarys_rules(config: WebConfig) -> None:
    with client_for(config, "sekr") as client:
        html = client.get(
            "/sammantraden/datum?datum=2024-03-26&justeringsdatum=2024-03-28&anslagsdatum=2024-03-29"
        ).text
        assert "2024-04-09" in html  # justering senast: 14 days
        # Anslag senast: the second day after the justering (skärtorsdagen) is påskafton,
        # so the next weekday after annandag påsk, as the loader checks it.
        assert "2024-04-02" in html and "2024-03-30" not in html
        # Three weeks from 29 March 2024 is 19 April (a Friday).
        assert "2024-04-19" in html
        late = client.get("/sammantraden/datum?datum=2024-03-26&justeringsdatum=2024-04-20").text
        assert "utanför" in late


def test_the_audit_log_records_logins_saves_and_prints_with_the_cli(config: WebConfig) -> None:
    with client_for(config, "handl") as client:
        data, sha = _form_data(client.get("/arenden/RUN-00386-2023").text)
        data["handlaggare"] = "Anna Andersson"
        assert _save(client, "/arenden/RUN-00386-2023", data, sha).status_code == 303
    with client_for(config) as client:
        token = csrf_of(client.get("/login").text)
        client.post("/login", data={"namn": "handl", "losenord": "fel", "_csrf_token": token})
    result = CliRunner().invoke(cli, ["audit", "--data", str(config.data)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    # In Swedish time and in words (the language of the environment here: English).
    when = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0[12]:00 \(Swedish time\)"
    assert re.match(when + "  handl +failed login ", lines[0]), lines[0]
    assert any("save" in line and "RUN-00386-2023" in line and "RUN-00386-2023.yaml=" in line
               for line in lines)  # fmt: skip
    assert any(" login " in line and "handl" in line for line in lines)
    swedish = CliRunner().invoke(cli, ["--lang", "sv", "audit", "--data", str(config.data)])
    assert "(svensk tid)  handl          misslyckad inloggning  " in swedish.output
    as_json = CliRunner().invoke(cli, ["audit", "--data", str(config.data), "--json"])
    entries = [json.loads(line) for line in as_json.output.splitlines()]
    assert any(e["action"] == "save" and e["dnr"] == "RUN-00386-2023" for e in entries)
    with client_for(config, "admin") as client:
        assert "misslyckad inloggning" in client.get("/logg").text


def test_users_add_from_the_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    monkeypatch.setenv("AVTALSGEN_PASSWORD", "ett-långt-lösenord-9")
    result = CliRunner().invoke(
        cli, ["users", "add", "eva", "--role", "handlaggare", "--role", "undertecknare",
              "--data", str(data)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "eva: handläggare, undertecknare" in result.output
    database = data / "avtalsgen-web.sqlite3"
    # The log's record of it names the roles in each reader's language.
    (added_eva,) = [e for e in audit.entries(database) if e.action == "user"]
    assert added_eva.texts == {
        "sv": "eva: roller handläggare, undertecknare (kommandoraden)",
        "en": "eva: roles case officer, signer (command line)",
    }
    user = auth.authenticate(database, "eva", "ett-långt-lösenord-9")
    assert user is not None and user.may("sign") and not user.may("users")
    bad = CliRunner().invoke(cli, ["users", "add", "eva", "--role", "chef", "--data", str(data)])
    assert bad.exit_code == 1 and "chef" in bad.output
    monkeypatch.setenv("AVTALSGEN_PASSWORD", "kort")
    short = CliRunner().invoke(
        cli, ["users", "add", "kim", "--role", "läsare", "--data", str(data)]
    )
    assert short.exit_code == 1
    listed = CliRunner().invoke(cli, ["users", "list", "--data", str(data)])
    assert "eva" in listed.output and "kim" not in listed.output
    # When each was added, in Swedish time as every time shown (it printed UTC, +00:00).
    added = r"eva +handläggare, undertecknare +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0[12]:00 \("
    assert re.search(added, listed.output), listed.output
    assert "+00:00" not in listed.output
    conn = sqlite3.connect(database)
    dump = "\n".join(conn.iterdump())
    conn.close()
    assert "ett-långt-lösenord-9" not in dump and PASSWORD not in dump


def test_the_cli_imports_nothing_of_the_web_app_until_serve_users_or_audit_runs() -> None:
    import subprocess
    import sys

    code = (
        "import sys, avtalsgen.cli.app; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'litestar', 'uvicorn', 'argon2', 'ruamel', 'jinja2', 'httpx'}), "
        "sorted(m for m in sys.modules if m.startswith('avtalsgen.web')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[] []"


def test_times_are_shown_in_swedish_time(tmp_path: Path) -> None:
    """The log, the runs, the versions and the users show stored UTC moments in Swedish
    time with its offset, as the README promises (``+01:00 (svensk tid)``), each date kept
    on one line (never broken at its hyphens)."""
    from avtalsgen.web.app import time_text

    i18n.set_language("sv")
    try:
        assert time_text("2026-12-06T04:22:47+00:00") == "2026-12-06 05:22:47 +01:00 (svensk tid)"
        assert time_text("2026-07-01T10:00:00+00:00") == "2026-07-01 12:00:00 +02:00 (svensk tid)"
    finally:
        i18n.set_language(None)
    assert time_text(None) == "" and time_text("okänd") == "okänd"
    config = workspace(tmp_path / "ws")
    with client_for(config, "alla") as client:
        log = client.get("/logg").text
        users = client.get("/anvandare").text
        client.post("/korning", data={"_csrf_token": csrf_of(client.get("/korning").text),
                                      "arende": "RUN-00386-2023"})  # fmt: skip
        runs = client.get("/korning").text
    for html in (log, users):
        assert re.search(
            r'<td><span class="datum">\d{4}-\d\d-\d\d</span> \d\d:\d\d:\d\d '
            r"\+0[12]:00 \(svensk tid\)</td>",
            html,
        )
        assert "+00:00" not in html
    assert re.search(r"\d\d:\d\d:\d\d \+0[12]:00 \(svensk tid\)", runs)


def test_the_case_list_filters_by_the_statuses_a_user_knows(config: WebConfig) -> None:
    """The status filter offers the statuses in words, each whether a case has it or not
    (utkast too), not the first word of each status line ("avtal", "beslutat:" with its
    colon); each choice shows the cases of that status, and every case has one."""
    from avtalsgen.web.status import case_rows

    (config.cases / "ny.yaml").write_text(
        (config.cases / "RUN-00386-2023.yaml").read_text(encoding="utf-8")
        .replace("RUN-00386-2023", "RUN-00999-2026"), encoding="utf-8",
    )  # fmt: skip
    with client_for(config, "handl") as client:  # in Swedish
        page = client.get("/arenden").text
        offered = re.findall(r'<option value="([a-z]*)"[^>]*>([^<]*)</option>', page)
        assert offered == [
            ("", "Alla"), ("utkast", "utkast"), ("forslag", "förslag byggt"),
            ("aterremiss", "återremitterat"), ("bordlaggning", "bordlagt"),
            ("avslag", "avslag"), ("beslutat", "beviljat, avtal att underteckna"),
            ("undertecknat", "avtal undertecknat"), ("tillaggsavtal", "tilläggsavtal"),
            ("ersatt", "undertecknat paket ersatt"), ("fel", "fel i ärendefilen"),
        ]  # fmt: skip
        rows = case_rows(config)
        kinds = {value for value, _words in offered}
        assert all(row.kind in kinds for row in rows), [(r.status, r.kind) for r in rows]
        for value, expected in (("avslag", {"RUN-90003-2024"}), ("utkast", {"RUN-00999-2026"}),
                                ("beslutat", {"RUN-90002-2024", "RUN-90005-2024"})):  # fmt: skip
            shown = client.get(f"/arenden?status={value}").text
            found = set(re.findall(r'<td class="dnr"><a [^>]*>(RUN-\d{5}-\d{4})', shown))
            assert expected <= found, (value, found)
            assert all(row.kind == value for row in rows if row.dnr in found)


def test_the_case_list_says_what_status_says(config: WebConfig) -> None:
    # Where each case stands comes from avtalsgen status: an avslag is not "beslutat" only,
    # and a case sent back and then granted is granted.
    from avtalsgen.build.status import case_status

    with client_for(config, "handl") as client:  # in Swedish
        page = client.get("/arenden").text
        statuses = case_status([config.cases], config.output, config.templates)
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", page, re.S):
        dnr = re.search(r"RUN-\d{5}-\d{4}", row)
        if dnr:
            rows[dnr.group(0)] = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row))
    assert "beslutat: avslag" in rows["RUN-90003-2024"]
    assert "beslutat: bifall med ändring" in rows["RUN-90002-2024"]
    assert "beslutat: bifall" in rows["RUN-90005-2024"]
    assert len(statuses) == len(rows)
    for found in statuses:
        assert found.dnr is not None
        assert found.lage in rows[found.dnr]


def test_the_case_page_says_where_the_case_stands(tmp_path: Path) -> None:
    """The case's page shows what `avtalsgen status` says of it: where it stands, its
    decisions, its documents and what is still missing."""
    from html import escape

    from avtalsgen.build.status import case_status

    config = workspace(tmp_path / "ws")
    path = config.cases / "RUN-00386-2023.yaml"
    with client_for(config, "lasare") as client:
        html = client.get("/arenden/RUN-00386-2023").text
        expected = case_status([path], config.output, config.templates)[0]
    assert 'aria-labelledby="lage-rubrik"' in html
    assert f"<strong>{escape(expected.lage)}</strong>" in html
    assert expected.beslut and expected.saknas
    for decision in expected.beslut:
        assert f'<span class="datum">{decision.datum}</span> § {decision.paragraf}' in html
    missing = html[html.index("<h3>Återstår</h3>") :]
    missing = missing[: missing.index("</ul>")]
    lines = [re.sub(r'<span class="datum">(.*?)</span>', r"\1", line)
             for line in re.findall(r"<li>(.*?)</li>", missing)]  # fmt: skip
    assert '<span class="datum">2023-12-05</span>: inte gjort' in missing  # one line
    assert len(lines) == len(expected.saknas)
    # As an official reads them: the case file's fields by the form's labels, no file,
    # line, key, "(null)" or CLI command.
    org = next(line for line in expected.saknas if ": aktor.organisationsnummer: " in line)
    message = org.split(": aktor.organisationsnummer: ", 1)[1].replace(" (null)", "")
    assert "[uppgift saknas]" in message
    assert escape(f"Aktör › Organisationsnummer: {message}") in lines, lines
    assert escape(f"Avtal › Undertecknare › Namn: {message}") in lines, lines
    assert "protokollsutdrag § 211 från sammanträdet 2023-12-05: inte gjort ännu" in lines
    assert not [line for line in lines if "(null)" in line or "avtalsgen " in line], lines
    assert not [line for line in lines if line.startswith("RUN-00386-2023.yaml:")], lines
    assert str(tmp_path) not in html  # no server path


def test_a_paragraph_the_meeting_lacks_is_refused_before_a_run_starts(config: WebConfig) -> None:
    """A § the meeting file does not have, or no number at all, in the § field of the
    extracts' or the e-mails' step: the meeting's page again (422), the message at the
    field, with the meeting file's line and field and how to go on; no run is started."""
    from avtalsgen.web.routes.meetings import paragraph_problem

    meeting = "exempel-run-2023-12-05"
    with client_for(config, "sekr") as client:
        page = client.get(f"/sammantraden/{meeting}").text
        for step, field in (("utdrag", "paragraf"), ("expediering", "exp-paragraf")):
            response = client.post(
                f"/sammantraden/{meeting}/{step}",
                data={"_csrf_token": csrf_of(page), "paragraf": "999"}, follow_redirects=False,
            )  # fmt: skip
            assert response.status_code == 422, response.text
            shown = " ".join(unescape(response.text).split())
            # The field as the form titles it, by the file's line (not the key paragrafer).
            assert (
                f'<p class="field-error" id="{field}-fel">Inte gjort: sammantraden/{meeting}.yaml'
                ", rad 20: Paragrafer: det finns ingen § 999; sammanträdet har § 211, § 212: ange "
                "en av dem (eller ingen, för alla paragrafer utom dem under sekretess), eller lägg "
                "till § 999 bland paragraferna i sammanträdesfilen om sammanträdet beslutade den"
                "</p>"
            ) in shown, shown
            assert (f'id="{field}" name="paragraf" inputmode="numeric"') in shown
            # Summed up at the top of the page too, linked to the field (GOV.UK's pattern).
            name = "protokollsutdrag" if step == "utdrag" else "expediering"
            summary = shown.index(f'<a href="#{field}">Paragraf för {name}</a>: sammantraden/')
            assert summary < shown.index(f'action="/sammantraden/{meeting}"')
            assert "<title>Fel: " in shown
            assert 'value="999" aria-invalid="true"' in shown
            assert str(config.cases) not in shown
        response = client.post(
            f"/sammantraden/{meeting}/utdrag",
            data={"_csrf_token": csrf_of(page), "paragraf": "tolv"}, follow_redirects=False,
        )  # fmt: skip
        assert response.status_code == 422
        assert (
            "Inte gjort: 'tolv' är inte ett paragrafnummer: skriv bara numret, till exempel "
            "212, eller lämna fältet tomt för alla paragrafer utom dem under sekretess"
        ) in unescape(response.text)
    with sqlite3.connect(config.database) as connection:
        assert connection.execute("SELECT COUNT(*) FROM jobs").fetchone() == (0,)
    assert list(config.output.iterdir()) == []
    # "§ 212" is the number 212, and the meeting has it: the run would start.
    path = config.meetings / f"{meeting}.yaml"
    assert paragraph_problem(path, " § 212 ") == (212, None)
    assert paragraph_problem(path, "") == (None, None)


def test_a_failed_run_names_files_as_the_office_knows_them(config: WebConfig) -> None:
    """An extract of a meeting whose paragraph decides a Dnr no case file holds fails in
    the worker with the loader's message; the run's page names the meeting file relative
    to the cases folder (as the case's page does), never by the server's absolute path."""
    from avtalsgen.web.jobs import Job, _folders, _without_folders

    (config.cases / "exempel-arktiska-testbaddar.yaml").unlink()
    with client_for(config, "sekr") as client:
        page = client.get("/sammantraden/exempel-run-2023-12-05").text
        response = client.post(
            "/sammantraden/exempel-run-2023-12-05/utdrag",
            data={"_csrf_token": csrf_of(page), "paragraf": ""}, follow_redirects=False,
        )  # fmt: skip
        assert response.status_code in (302, 303), response.text
        run = response.headers["location"]
        deadline = time.monotonic() + 180
        while "misslyckades" not in (text := client.get(run).text):
            assert time.monotonic() < deadline, text
            time.sleep(0.2)
    assert (
        '<a href="/sammantraden/exempel-run-2023-12-05#root[paragrafer][1][dnr]">Paragraf 2 › '
        "Dnr</a> (sammanträde exempel-run-2023-12-05, rad 29): ingen ärendefil i cases har "
        "diarienummer RUN-90001-2023"
    ) in text, text
    assert str(config.cases) not in text and str(config.cases.resolve()) not in text
    job = Job(1, "build", "handl", ["x"], args={"cases": [str(config.cases / "x.yaml")],
                                                "output": str(config.output)})  # fmt: skip
    assert _without_folders(f"{config.output}/RUN-00386-2023/paket.pdf: fel", _folders(job)) == (
        "RUN-00386-2023/paket.pdf: fel"
    )
    shown = _without_folders(f"{config.cases}/x.yaml:3: dnr: fel", _folders(job))
    assert shown == "x.yaml:3: dnr: fel"


def test_the_run_log_and_case_pages_name_a_files_fields_as_the_form_does(
    config: WebConfig,
) -> None:
    """A build that fails on a case file's field: the run's page (as the finished page and
    as its live events), the log and the case's Läge name the field as the form labels it,
    linked to it in the form, and the file by its kind and name, not the loader's
    ``RUN-00386-2023.yaml:22: finansiering.period.start``; a save in the log is the file's
    kind, name and version, linked to its versions, not ``arende/….yaml version 3``."""
    from avtalsgen.web import audit
    from avtalsgen.web.jobs import event_shown

    case = config.cases / "RUN-00386-2023.yaml"
    case.write_text(case.read_text(encoding="utf-8").replace(
        "    start: 2023-10-01", "    start: 2023-10-15"), encoding="utf-8")  # fmt: skip
    audit.record(config.database, "handl", "save", dnr="RUN-00386-2023",
                 detail="arende/RUN-00386-2023.yaml version 3")  # fmt: skip
    field = (
        '<a href="/arenden/RUN-00386-2023#root[finansiering][period][start]">'
        "Finansiering › Period › Start</a> (ärende RUN-00386-2023, rad 22): perioden måste "
        "börja den första i en månad, inte "
    )
    with client_for(config, "alla") as client:
        page = client.get("/korning").text
        response = client.post("/korning", data={"_csrf_token": csrf_of(page),
                                                 "arende": "RUN-00386-2023"},
                               follow_redirects=False)  # fmt: skip
        run = response.headers["location"]
        deadline = time.monotonic() + 180
        while "misslyckades" not in (text := client.get(run).text):
            assert time.monotonic() < deadline, text
            time.sleep(0.2)
        log = client.get("/logg").text
        standing = client.get("/arenden/RUN-00386-2023").text
    for html in (text, log, standing):
        assert field in html
        assert "finansiering.period.start" not in html and "yaml:22" not in html
    unspanned = re.sub(r"</?span[^>]*>", "", log)  # the log keeps each Dnr on one line
    assert (
        '<a href="/arenden/RUN-00386-2023/versioner">Ärende RUN-00386-2023, version 3</a>'
        in unspanned
    )
    assert "arende/RUN-00386-2023.yaml" not in log
    i18n.set_language("sv")
    try:
        live = event_shown(
            {
                "type": "case",
                "dnr": "RUN-00386-2023",
                "status": "failed",
                "error": "RUN-00386-2023.yaml:22: finansiering.period.start: fel",
            }
        )
    finally:
        i18n.set_language(None)
    assert live["error_html"].startswith(
        '<a href="/arenden/RUN-00386-2023#root[finansiering][period][start]">'
    )


def test_a_case_with_nothing_to_make_is_a_note_on_the_run_pages(config: WebConfig) -> None:
    """batch-report.json of `build --only samarbetsavtal` with a rejected case: the Körning
    page shows its status in words, counts it and shows its note (not as a failure); a
    run's page shows such a case's event the same way."""
    import shutil

    from avtalsgen.web.jobs import Job

    alone = config.cases.parent / "ensam"
    alone.mkdir()
    shutil.copytree(config.cases / "program", alone / "program")
    # The meeting that rejects it, without its paragraph on a case not in the folder (a
    # build of a folder refuses a paragraph on a Dnr none of its case files holds).
    meeting = (config.cases / "sammantraden" / "exempel-run-2024-12-10.yaml").read_text(
        encoding="utf-8"
    )
    assert "  # Återremiss" in meeting and "paragraf: 196" in meeting
    (alone / "sammantraden").mkdir()
    (alone / "sammantraden" / "exempel-run-2024-12-10.yaml").write_text(
        meeting.partition("  # Återremiss")[0], encoding="utf-8"
    )
    shutil.copy(config.cases / "exempel-matkluster.yaml", alone)
    i18n.set_language("sv")
    try:
        result = CliRunner().invoke(
            cli, ["build", str(alone), "--only", "samarbetsavtal", "--output", str(config.output)]
        )
    finally:
        i18n.set_language(None)
    assert result.exit_code == 0, result.output
    with client_for(config, "handl") as client:
        page = " ".join(unescape(re.sub(r"<[^>]+>", " ", client.get("/korning").text)).split())
        assert "Skapade: 0, oförändrade: 0, inget att skapa: 1, misslyckade: 0." in page
        assert (
            "RUN-90003-2024 inget att skapa " in page
            and ": RUN-90003-2024: inget samarbetsavtal skrivs: Regionala utvecklingsnämnden "
            "avslog ärendet"
            in page
        ), page
        runner = client.app.state.runner
        job = Job(990, "build", "handl", ["exempel-matkluster"])
        job.events.append({"type": "case", "dnr": "RUN-90003-2024", "status": "nothing to make",
                           "seconds": 0.4, "error": None, "note": "avslaget"})  # fmt: skip
        job.state = "done"
        job.done.set()
        runner.jobs[job.id] = job
        run = " ".join(unescape(re.sub(r"<[^>]+>", " ", client.get("/korning/990").text)).split())
        assert "RUN-90003-2024: inget att skapa – avslaget (0,4 s)" in run, run
        assert "Status: klar" in run  # the state "done" in words


def test_a_program_file_beside_the_cases_is_no_case(config: WebConfig) -> None:
    """A program file kept in the cases folder: build, check and status pass it by (it is
    the program the cases name), but the case list showed it as a broken case and offered
    it to copy a new case from."""
    program = config.cases / "norrbottens-ekosystem.yaml"
    shutil.copyfile(config.cases / "program" / "norrbottens-ekosystem.yaml", program)
    try:
        with client_for(config, "handl") as client:
            listed = client.get("/arenden").text
            assert "RUN-00386-2023" in listed
            assert "norrbottens-ekosystem" not in listed, listed
            assert 'value="norrbottens-ekosystem"' not in client.get("/arenden/ny").text
    finally:
        program.unlink()
