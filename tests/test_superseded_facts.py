"""A signed packet whose facts are no longer the case's: the same § decided it, but the
case's amounts were edited afterwards. The packet's manifest entry records a digest of
every fact of the case its documents state (``fakta``); `status`, `verify`, `sign` and the
web app's verification say that it is superseded, name the keys that differ and what to
do, and the signed file stays byte for byte. Once the case states what was signed again,
the packet stands."""

from __future__ import annotations

import hashlib
import html
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import fold
from pdftext import pdftotext
from typer.testing import CliRunner
from warm_converter import converter_in
from webtools import client_for, csrf_of, workspace

from avtalsgen import i18n
from avtalsgen.build.superseded import (
    Facts,
    changed_facts,
    packet_facts,
    superseded,
    superseded_by_newer,
    upload_packet,
)
from avtalsgen.cli.app import app
from avtalsgen.input.load import load_case
from avtalsgen.meetings.decisions import case_history
from avtalsgen.signing.standing import Standing, packet_standing

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = REPO / "templates"
DNR = "RUN-00386-2023"
runner = CliRunner()
#: What differs once the case's amount is edited (bifall enligt förslaget: the proposal's
#: amounts are the decision's).
CHANGED = "'finansiering.finansiarer[0].belopp_per_ar' and 'finansiering.totalt'"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _run(*argv: str) -> tuple[int, str]:
    result = runner.invoke(app, list(argv))
    return result.exit_code, fold(result.output)


def _amount(case: Path, per_year: int) -> None:
    text = case.read_text(encoding="utf-8")
    for old in ("2000000", "1800000"):
        text = text.replace(f"belopp_per_ar: {old}", f"belopp_per_ar: {per_year}")
    for old in ("6000000", "5400000"):
        text = text.replace(f"totalt: {old}", f"totalt: {per_year * 3}")
    case.write_text(text, encoding="utf-8")


@pytest.mark.libreoffice
def test_a_signed_packet_whose_amounts_were_edited_is_superseded(
    tmp_path: Path, session_converter: Path, english: None
) -> None:
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    config = workspace(tmp_path)  # the shipped cases; the web app's settings on them
    cases, output = config.cases, config.output
    case = cases / "RUN-00386-2023.yaml"
    build = ("build", str(case), "--output", str(output), "--templates", str(TEMPLATES))
    status = ("status", str(case), "--output", str(output), "--templates", str(TEMPLATES),
              "--json")  # fmt: skip
    with converter_in(session_converter):
        assert _run(*build)[0] == 0
    folder = output / DNR
    packet = folder / "paket.pdf"
    entry = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["packet"]
    assert "finansiering.totalt" in entry["fakta"] and "program" not in entry["fakta"]
    code, said = _run("sign", str(packet), "--field", "region", "--ofullstandig")
    assert code == 0, said
    signed = _sha(packet)
    # § 211 decided it as proposed; the case's amount is edited afterwards.
    _amount(case, 1_800_000)
    found = json.loads(runner.invoke(app, list(status)).stdout)[0]
    assert found["lage"] == "signed packet superseded: a new packet is needed"
    stale = [line for line in found["saknas"] if "is superseded" in line]
    assert stale == [
        f"{output}/{DNR}/paket.pdf is superseded: the case's facts {CHANGED} changed since it "
        "was "
        "built, so what it states is not the case's now. If the agreement is to change from "
        "a date, put the case back as it was signed: the committee decides the change "
        "(tillagg in its meeting file) and the build makes a tilläggsavtal. If the signed "
        "packet was wrong, a new packet is needed: build the case again and have the new "
        "packet signed (the signed file stays as it is)"
    ], found["saknas"]
    # verify and sign say it before any build, from the case file the build recorded.
    code, said = _run("verify", str(packet))
    assert code == 1
    # Not "not yet complete: ...; still to sign: 'aktor'": nothing more is signed in it.
    assert "Result: SUPERSEDED, not the packet to sign or to hand over: " in said
    assert "Still to sign: nothing in this file, which is superseded" in said
    assert f"{packet} is superseded: the case's facts {CHANGED} changed" in said, said
    code, said = _run("sign", str(packet), "--field", "aktor", "--ofullstandig")
    assert code == 1 and said.endswith("Nothing was signed."), said
    assert f"{packet} is superseded: the case's facts {CHANGED}" in said
    assert _sha(packet) == signed
    # The web app's verification of a copy says the same, naming the files as its pages do.
    # The copy is signed by the actor elsewhere, so its bytes are not the folder's: it is
    # found by its trailer /ID, which every signature keeps.
    elsewhere = tmp_path / "hos-aktoren"
    elsewhere.mkdir()
    copy = elsewhere / "paket.pdf"
    shutil.copyfile(packet, copy)
    code, said = _run("sign", str(copy), "--field", "aktor", "--ofullstandig")
    assert code == 0, said
    assert copy.read_bytes()[: len(packet.read_bytes())] == packet.read_bytes() != copy.read_bytes()
    # The copy is found as the folder's packet, and what it is there is what the page says.
    assert upload_packet(output, copy) == packet
    found_upload = packet_standing(packet, lambda path: f"{path.parent.name}/{path.name}")
    assert found_upload is not None and found_upload.standing is Standing.SUPERSEDED
    assert found_upload.text.startswith(f"{DNR}/paket.pdf is superseded: "), found_upload
    with client_for(config, "lasare") as client:
        token = csrf_of(client.get("/verifiera").text)
        response = client.post(
            "/verifiera", data={"_csrf_token": token},
            files={"fil": ("paket.pdf", copy.read_bytes(), "application/pdf")},
        )  # fmt: skip
    page = fold(html.unescape(response.text))
    assert response.status_code == 200
    assert (
        f"{DNR}/paket.pdf är ersatt: ärendets uppgifter 'finansiering.finansiarer[0]."
        "belopp_per_ar' och 'finansiering.totalt' har ändrats sedan paketet byggdes"
    ) in page, page
    assert str(tmp_path) not in page
    # The log says the copy is valid and superseded; a tampered copy of it, not valid first
    # (validity is told before the supersession, not hidden by it).
    from avtalsgen.web import audit

    logged = audit.entries(config.database)[0]
    assert (logged.action, logged.detail) == ("verify", "paket.pdf: godkänd; ersatt")
    tampered = bytearray(copy.read_bytes())
    at = tampered.index(b"/Producer")
    tampered[at + 1 : at + 9] = b"Xroducer"  # in the signed bytes: the digest no longer holds
    with client_for(config, "lasare") as client:
        token = csrf_of(client.get("/verifiera").text)
        client.post(
            "/verifiera", data={"_csrf_token": token},
            files={"fil": ("paket.pdf", bytes(tampered), "application/pdf")},
        )  # fmt: skip
    logged = audit.entries(config.database)[0]
    assert logged.detail.startswith("paket.pdf: inte godkänd"), logged.detail
    # The build makes the next version; the signed one stays, and is named superseded by it.
    with converter_in(session_converter):
        assert _run(*build)[0] == 0
    newer = folder / "paket-v2.pdf"
    assert _sha(packet) == signed
    assert "1 800 000 kronor" in fold(pdftotext(newer))
    assert "1 800 000 kronor" not in fold(pdftotext(packet))
    found = json.loads(runner.invoke(app, list(status)).stdout)[0]
    assert (
        f"a new packet is needed: {output}/{DNR}/paket-v2.pdf, made from the case as it is "
        "now, is "
        "the one to sign"
    ) in " ".join(found["saknas"])
    assert _run("verify", str(newer))[0] == 0
    i18n.set_language("sv")
    code, said = _run("verify", str(packet))
    assert code == 1
    assert (
        f"{packet} är ersatt: ärendets uppgifter 'finansiering.finansiarer[0].belopp_per_ar' "
        "och 'finansiering.totalt' har ändrats sedan paketet byggdes, så det som det anger "
        "är inte ärendets uppgifter nu."
    ) in said, said
    assert f"behövs ett nytt paket: {newer}, gjort efter ärendet som det är nu, är det som " in said
    # Put back as signed: the signed packet states the case's facts again.
    _amount(case, 2_000_000)
    code, said = _run("verify", str(packet))
    assert code == 0 and "ersatt" not in said, said
    # ... and the unsigned paket-v2.pdf (1 800 000) is out of date: not signed as it is.
    before = _sha(newer)
    code, said = _run("sign", str(newer), "--field", "region", "--ofullstandig")
    assert code == 1 and _sha(newer) == before
    assert (
        f"{newer} är inaktuellt: ärendets uppgifter 'finansiering.finansiarer[0].belopp_per_ar' "
        "och 'finansiering.totalt' har ändrats sedan paketet byggdes, så det som det anger är "
        "inte ärendets uppgifter nu; bygg ärendet igen och underteckna paketet som bygget gör."
    ) in said, said


def _history(case: Path) -> object:
    loaded = load_case(case)
    return case_history(loaded.path, loaded.arende, loaded.program)


def test_the_facts_a_packet_records_and_what_differs(tmp_path: Path, english: None) -> None:
    shutil.copytree(REPO / "cases", tmp_path / "cases")
    case = tmp_path / "cases" / "RUN-00386-2023.yaml"
    before = packet_facts(_history(case))  # type: ignore[arg-type]
    assert before is not None and all(len(digest) == 16 for digest in before.values())
    # A comment changes no fact; an amount and the signatory do.
    case.write_text(case.read_text(encoding="utf-8") + "# läst igen\n", encoding="utf-8")
    assert packet_facts(_history(case)) == before  # type: ignore[arg-type]
    _amount(case, 1_800_000)
    text = case.read_text(encoding="utf-8").replace("    namn: null", "    namn: Anna Exempel")
    case.write_text(text, encoding="utf-8")
    after = packet_facts(_history(case))  # type: ignore[arg-type]
    assert after is not None
    assert changed_facts(before, after) == [
        "finansiering.finansiarer[0].belopp_per_ar", "finansiering.totalt",
        "avtal.undertecknare.namn",
    ]  # fmt: skip
    assert packet_facts(_history(case), 1) is None, "no tilläggsavtal nr 1"  # type: ignore[arg-type]


def _entry(file: str, version: int, facts: dict[str, str], signer: str | None,
           tillagg: int = 0) -> dict[str, object]:  # fmt: skip
    beslut = {"utfall": "bifall", "sammantrade": "m.yaml", "datum": "2024-12-10",
              "paragraf": 14, "tillagg": tillagg or None}  # fmt: skip
    return {"file": file, "version": version, "beslut": beslut, "fakta": facts,
            "signatures": [{"field": "region", "signer": signer}]}  # fmt: skip


def _plain(facts: dict[int, dict[str, str]]) -> Facts:
    """The case's facts now by tilläggsavtal, as plain digests (an entry without
    ``fakta_nyckel``)."""
    return lambda number, key_id: facts.get(number) if key_id is None else None


def test_superseded_by_its_facts(english: None) -> None:
    decision = {"utfall": "bifall", "sammantrade": "m.yaml", "datum": "2024-12-10",
                "paragraf": 14}  # fmt: skip
    old = {"aktor.namn": "a", "finansiering.totalt": "b"}
    new = {"aktor.namn": "a", "finansiering.totalt": "c", "avtal.datum": "d"}
    entries = [
        _entry("paket.pdf", 1, old, "Anna"),
        _entry("paket-v2.pdf", 2, new, None),
        _entry("paket-v3.pdf", 3, {"tillagg.typ": "x"}, "Anna", tillagg=1),
    ]
    facts = {0: new, 1: {"tillagg.typ": "y"}}
    found = superseded(entries, "paket.pdf", decision, facts=_plain(facts))
    assert found is not None and found.changed == ("finansiering.totalt", "avtal.datum")
    assert found.newer == "paket-v2.pdf"
    assert found.text().startswith(
        "paket.pdf is superseded: the case's facts 'finansiering.totalt' and 'avtal.datum' "
        "changed since it was built, so what it states is not the case's now. If the "
    )
    assert found.text().endswith(
        "a new packet is needed: paket-v2.pdf, made from the case as it is now, is the one to sign"
    )
    assert superseded(entries, "paket.pdf", decision) is None, "no facts: the decision only"
    assert superseded(entries, "paket-v2.pdf", decision, facts=_plain(facts)) is None
    change = superseded(entries, "paket-v3.pdf", decision, facts=_plain(facts))
    assert (
        change is not None
        and change.tillagg == 1
        and change.text()
        == (
            "paket-v3.pdf is superseded: the case's fact 'tillagg.typ' changed since it was "
            "built, so what it states is not the case's now; a new packet is needed: build the "
            "case again and have the new packet signed (the signed file stays as it is)"
        )
    )
    unsigned = superseded(entries[:2], "paket-v2.pdf", decision, signed_only=False,
                          facts=_plain({0: old}))  # fmt: skip
    assert unsigned is not None and unsigned.text() == (
        "paket-v2.pdf is out of date: the case's facts 'finansiering.totalt' and "
        "'avtal.datum' changed since it was built, so what it states is not the case's now; "
        "build the case again and sign the packet it makes"
    )
    # Without the case: the newest version's facts, as the manifest records them.
    by_newer = superseded_by_newer({"packets": entries}, "paket.pdf")
    assert by_newer is not None and by_newer.changed == ("finansiering.totalt", "avtal.datum")
    assert superseded_by_newer({"packets": entries}, "paket-v2.pdf") is None


def test_a_field_the_models_gained_since_is_no_changed_fact() -> None:
    """A packet recorded by an earlier avtalsgen lacks the keys of fields added since; the
    case leaving them not given is no change. A financier removed is."""
    recorded = {"aktor.namn": "a", "finansiering.finansiarer[1].namn": "b"}
    from avtalsgen.build.superseded import digest

    now = {"aktor.namn": "a", "finansiering.finansiarer[0].villkor": digest(None, None)}
    assert changed_facts(recorded, now) == ["finansiering.finansiarer[1].namn"]
    now["avtal.ny"] = digest("x", "x")
    assert changed_facts(recorded, now) == ["avtal.ny", "finansiering.finansiarer[1].namn"]


def test_the_actor_s_e_mail_address_is_no_fact_of_a_packet(tmp_path: Path) -> None:
    """No document prints aktor.epost (expediera addresses the actor's extract with it): it
    is no fact of the agreement's packet, nor of a tilläggsavtal's, which take the actor's
    keys; an entry recorded with it among its facts is not compared by it. The actor's
    name, which both print, is a fact."""
    shutil.copytree(REPO / "cases", tmp_path / "cases")
    case = tmp_path / "cases" / "exempel-arktiska-testbaddar.yaml"
    area = "  omrade: testverksamheten i arktiskt klimat\n"
    before = {n: packet_facts(_history(case), n) for n in (0, 1)}  # type: ignore[arg-type]
    for facts in before.values():
        assert facts is not None and "aktor.namn" in facts and "aktor.epost" not in facts
    text = case.read_text(encoding="utf-8")
    case.write_text(text.replace(area, area + "  epost: styrelsen@arktiska.example\n"), "utf-8")
    assert {n: packet_facts(_history(case), n) for n in (0, 1)} == before  # type: ignore[arg-type]
    now = before[1]
    assert now is not None
    recorded = {**now, "aktor.epost": "0123456789abcdef"}  # as avtalsgen recorded it before
    assert changed_facts(recorded, now) == []
    assert changed_facts({**recorded, "aktor.namn": "x"}, now) == ["aktor.namn"]


def test_a_prose_text_is_one_fact_of_what_it_prints(tmp_path: Path) -> None:
    """Re-wrapping the lines of ``syfte`` (no word changed) changes no fact; a changed word
    is the fact ``syfte``, the case file's key, not its parse state's
    (``syfte.blocks[0].spans[0].text``)."""
    shutil.copytree(REPO / "cases", tmp_path / "cases")
    case = tmp_path / "cases" / "RUN-00386-2023.yaml"
    text = case.read_text(encoding="utf-8")
    before = packet_facts(_history(case))  # type: ignore[arg-type]
    legacy = packet_facts(_history(case), legacy=True)  # type: ignore[arg-type]
    assert before is not None and legacy is not None and "syfte" in before
    assert not any(key.startswith(("syfte.", "bilagor[0].beskrivning.")) for key in before)
    wrapped = text.replace(
        "Detta ska bidra till att öka\n  Norrbottens", "Detta ska bidra\n  till att öka Norrbottens"
    )
    assert wrapped != text
    case.write_text(wrapped, encoding="utf-8")
    assert changed_facts(before, packet_facts(_history(case), legacy=True)) == []  # type: ignore[arg-type]
    case.write_text(text.replace("öka\n", "stärka\n"), encoding="utf-8")
    assert changed_facts(before, packet_facts(_history(case), legacy=True)) == ["syfte"]  # type: ignore[arg-type]


def test_a_packet_recorded_by_the_blocks_of_its_texts(tmp_path: Path) -> None:
    """A packet signed before a prose text was one fact recorded ``syfte.source`` and its
    blocks' leaves: it stands where its facts are unchanged (the upgrade supersedes no
    signed packet, re-wrapping neither), and a changed word names ``syfte``."""
    from avtalsgen.build import superseded as module

    shutil.copytree(REPO / "cases", tmp_path / "cases")
    case = tmp_path / "cases" / "RUN-00386-2023.yaml"
    text = case.read_text(encoding="utf-8")
    history = _history(case)
    dump = history.arende.model_dump(mode="json")  # type: ignore[attr-defined]
    decided = history.decided.model_dump(mode="json")  # type: ignore[attr-defined]

    def old(value: object, path: str = "") -> Iterator[tuple[str, object]]:  # as before
        if isinstance(value, dict) and value:
            for key, item in value.items():
                yield from old(item, f"{path}.{key}" if path else str(key))
        elif isinstance(value, list) and value:
            for index, item in enumerate(value):
                yield from old(item, f"{path}[{index}]")
        else:
            yield path, value

    proposal, agreed = dict(old(dump)), dict(old(decided))
    recorded = {
        key: module.digest(proposal.get(key, {"": "absent"}), agreed.get(key, {"": "absent"}))
        for key in [*proposal, *(k for k in agreed if k not in proposal)]
        if module._is_fact(key)
    }
    assert "syfte.source" in recorded and "syfte.blocks[0].spans[0].text" in recorded
    assert changed_facts(recorded, packet_facts(history, legacy=True)) == []  # type: ignore[arg-type]
    case.write_text(
        text.replace(
            "Detta ska bidra till att öka\n  Norrbottens",
            "Detta ska bidra\n  till att öka Norrbottens",
        ),
        encoding="utf-8",
    )
    assert changed_facts(recorded, packet_facts(_history(case), legacy=True)) == []  # type: ignore[arg-type]
    case.write_text(text.replace("öka\n", "stärka\n"), encoding="utf-8")
    assert changed_facts(recorded, packet_facts(_history(case), legacy=True)) == ["syfte"]  # type: ignore[arg-type]
    # Against the newest version's record alone (verify without the case), the text
    # recorded at its own key cannot be compared with its blocks: no change is claimed.
    new = packet_facts(_history(case))  # type: ignore[arg-type]
    assert new is not None and changed_facts(recorded, new) == []
