"""A justerat extract states the decision as the minutes record it: an edit of the case file
after the meeting does not rewrite it (utdrag refuses, naming the case file's field and what
to do), a correction in the meeting file does; and a correction says what changed against
the version its recipients hold, the newest certified one, not a version made since and
never certified. Extracts made with the real LibreOffice (the test process's warm
converter), certified with avtalsgen sign, read back from their PDFs."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import REPO, fold, run_cli
from pdftext import pdftotext
from warm_converter import converter_in

from avtalsgen.build.factkey import facts_key
from avtalsgen.meetings import underlag as underlag_module
from avtalsgen.meetings.extract import Status, build_extracts
from avtalsgen.meetings.justering import load_meeting
from avtalsgen.meetings.publicering import _recorded

pytestmark = pytest.mark.libreoffice

TEMPLATES = REPO / "templates"
#: Decision point 2 of RUN-90001-2023 as the case file proposes it, and as edited.
POINT_2 = "  - Medlen anvisas från {kalla_belopp}.\n"
EDITED_2 = "  - Medlen anvisas från {kalla_belopp} och regionala utvecklingsmedel.\n"
#: § 212 as the example meeting file has it, and with the points as decided (point 2 the
#: edited one): the correction made in the meeting's own file.
AS_PROPOSED = "    dnr: RUN-90001-2023\n    beslut: enligt förslaget\n"
CORRECTED = (
    "    dnr: RUN-90001-2023\n"
    "    beslut:\n"
    "      - >-\n"
    "        Regionala utvecklingsnämnden beslutar att {aktor_namn} beviljas\n"
    "        {belopp_arligen} i basfinansiering inom Norrbottens ekosystem.\n"
    "      - Medlen anvisas från {kalla_belopp} och regionala utvecklingsmedel.\n"
    "      - Basfinansieringen gäller under perioden {start} till {slut}.\n"
    "      - >-\n"
    "        Regionala utvecklingsdirektören ges i uppdrag att upprätta avtal enligt\n"
    "        detta beslut.\n"
)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def text_of(pdf: Path) -> str:
    return fold(pdftotext(pdf))


def test_a_case_edit_after_justering_does_not_rewrite_the_decision(
    tmp_path: Path, session_converter: Path
) -> None:
    shutil.copytree(REPO / "cases", tmp_path / "cases")
    case = tmp_path / "cases" / "exempel-arktiska-testbaddar.yaml"
    meeting = tmp_path / "cases" / "sammantraden" / "exempel-run-2023-12-05.yaml"
    output = tmp_path / "output"
    folder = output / "RUN-90001-2023"
    record = folder / "protokollsutdrag-212.json"
    with converter_in(session_converter) as converter:
        (made,) = build_extracts(meeting, output, TEMPLATES, converter, 212,
                                 today=dt.date(2024, 1, 9))  # fmt: skip
    assert (made.status, made.version) == (Status.NY, 1)
    v1 = folder / "protokollsutdrag-212.pdf"
    signed = run_cli("sign", str(v1), "--field", "utdragsbestyrkande")
    assert signed.returncode == 0, signed.stdout + signed.stderr
    certified_on = dt.datetime.now(ZoneInfo("Europe/Stockholm")).date()

    # Point 2 edited in the case file after the meeting: the extract would state the new
    # wording as the committee's decision, "Rättelse: … Ändrat: beslutspunkt 2".
    edit(case, POINT_2, EDITED_2)
    before = record.read_bytes()
    argv = ("utdrag", str(meeting), "--paragraf", "212", "--output", str(output),
            "--templates", str(TEMPLATES))  # fmt: skip
    refused = run_cli(*argv, lang="sv")
    assert refused.returncode == 1, refused.stdout + refused.stderr
    said = fold(refused.stdout + refused.stderr)
    assert (
        f"{case}:40: beslutspunkter[1]: § 212 vid sammanträdet 2023-12-05 är justerad, och "
        "det beslut som dess protokollsutdrag anger (version 1) är nämndens så som protokollet "
        "återger det; ärendefilen har ändrats sedan dess (beslutspunkter[1]), och utdraget "
        "skulle ange den nya lydelsen som beslutet. Vad nämnden beslutade är protokollets, inte "
        "ärendefilens: återställ ärendefilen så som den var när utdraget gjordes. Om "
        "protokollet återgav beslutet fel, rätta § 212 i sammanträdesfilen "
        f"{meeting} (punkterna så som de beslutades, under beslut) och kör utdrag igen: "
        "utdragets nya version säger då vad som rättades. Ingen ny version av dess utdrag skrevs"
    ) in said
    assert record.read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == [
        "protokollsutdrag-212.docx", "protokollsutdrag-212.json", "protokollsutdrag-212.pdf",
    ]  # fmt: skip

    # A record written before versions recorded what they were made from: the paragraph
    # takes its points from the case file, so the change is the case file's too.
    data = json.loads(before)
    for entry in data["versioner"]:
        del entry["underlag"]
    record.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    old = run_cli(*argv, lang="en")
    assert old.returncode == 1, old.stdout + old.stderr
    assert f"{case}:40: beslutspunkter[1]: § 212 of the meeting of 2023-12-05 is justerad" in (
        fold(old.stdout + old.stderr)
    )
    assert not (folder / "protokollsutdrag-212-v2.pdf").exists()
    record.write_bytes(before)

    # Corrected in the meeting's own file (the points as decided): version 2, which says so.
    edit(meeting, AS_PROPOSED, CORRECTED)
    with converter_in(session_converter) as converter:
        (second,) = build_extracts(meeting, output, TEMPLATES, converter, 212,
                                   today=dt.date(2024, 1, 10))  # fmt: skip
    assert (second.status, second.version, second.andrat) == (
        Status.RATTELSE, 2, ("beslutspunkt 2",),
    )  # fmt: skip
    v2 = text_of(folder / "protokollsutdrag-212-v2.pdf")
    assert (
        f"Rättelse: ersätter version 1 (bestyrkt {certified_on}). Ändrat: beslutspunkt 2."
    ) in v2
    assert "och regionala utvecklingsmedel" in v2

    # Version 2 is never certified; a later correction (a justerare added) is told against
    # version 1, the one the recipients hold: point 2 and the justerare changed since.
    edit(meeting, "  - Johan Exempelsson\n", "  - Johan Exempelsson\n  - Karin Exempelsson\n")
    with converter_in(session_converter) as converter:
        (third,) = build_extracts(meeting, output, TEMPLATES, converter, 212,
                                  today=dt.date(2024, 1, 11))  # fmt: skip
    assert (third.status, third.version, third.ersatter) == (Status.RATTELSE, 3, 1)
    assert third.andrat == ("beslutspunkt 2", "justerare")
    assert third.note == (
        "§ 212 RUN-90001-2023: wrote version 3, a correction of version 1 (changed: "
        "beslutspunkt 2, justerare)"
    )
    note = (
        f"Rättelse: ersätter version 1 (bestyrkt {certified_on}). Ändrat: beslutspunkt 2, "
        "justerare. Version 2 däremellan bestyrktes aldrig."
    )
    assert note in text_of(folder / "protokollsutdrag-212-v3.pdf")
    versions = json.loads(record.read_text(encoding="utf-8"))["versioner"]
    assert [(v["version"], v.get("ersatter"), v["andrat"]) for v in versions] == [
        (1, None, []),
        (2, 1, ["beslutspunkt 2"]),
        (3, 1, ["beslutspunkt 2", "justerare"]),
    ]
    # publicera's rendition of version 3 says the same.
    assert _recorded(versions, record)[1].rattelse == note


def test_a_meeting_field_that_changes_nothing_lets_no_case_edit_through(
    tmp_path: Path, session_converter: Path
) -> None:
    """review21's probe: point 2 edited in the case file, then only ``utfall: bifall``
    (already the outcome) added to § 212 in the meeting file. The paragraph still takes its
    points from the case file, so the extract would still state the case file's new words
    as the committee's decision: refused as without the meeting file's edit."""
    shutil.copytree(REPO / "cases", tmp_path / "cases")
    case = tmp_path / "cases" / "exempel-arktiska-testbaddar.yaml"
    meeting = tmp_path / "cases" / "sammantraden" / "exempel-run-2023-12-05.yaml"
    output = tmp_path / "output"
    folder = output / "RUN-90001-2023"
    with converter_in(session_converter) as converter:
        (made,) = build_extracts(meeting, output, TEMPLATES, converter, 212,
                                 today=dt.date(2024, 1, 9))  # fmt: skip
    assert (made.status, made.version) == (Status.NY, 1)
    before = (folder / "protokollsutdrag-212.json").read_bytes()

    edit(case, POINT_2, EDITED_2)
    edit(meeting, AS_PROPOSED, f"{AS_PROPOSED}    utfall: bifall\n")
    argv = ("utdrag", str(meeting), "--paragraf", "212", "--output", str(output),
            "--templates", str(TEMPLATES))  # fmt: skip
    refused = run_cli(*argv)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    said = fold(refused.stdout + refused.stderr)
    head = f"{case}:40: beslutspunkter[1]: § 212 of the meeting of 2023-12-05 is justerad"
    assert head in said
    assert "the case file has changed since (beslutspunkter[1])" in said
    assert (folder / "protokollsutdrag-212.json").read_bytes() == before
    assert not (folder / "protokollsutdrag-212-v2.pdf").exists()

    # The case file put back: the outcome stated changes no fact, nothing is written.
    edit(case, EDITED_2, POINT_2)
    with converter_in(session_converter) as converter:
        (same,) = build_extracts(meeting, output, TEMPLATES, converter, 212,
                                 today=dt.date(2024, 1, 10))  # fmt: skip
    assert (same.status, same.version) == (Status.OFORANDRAD, 1)


def test_what_an_extract_was_made_from_is_digested_with_the_output_folders_secret(
    tmp_path: Path, session_converter: Path
) -> None:
    """review21 point 2: the record held plain SHA-256 digests of every case value (the
    actor's organisation number and e-mail address among them), which are recovered by
    trying the few likely values. Now keyed with the output folder's secret, as a packet's
    manifest keys its facts, the e-mail address left out; a record written before (plain
    digests, the e-mail address among them) is still read."""
    shutil.copytree(REPO / "cases", tmp_path / "cases")
    case = tmp_path / "cases" / "exempel-arktiska-testbaddar.yaml"
    meeting = tmp_path / "cases" / "sammantraden" / "exempel-run-2023-12-05.yaml"
    output = tmp_path / "output"
    record = output / "RUN-90001-2023" / "protokollsutdrag-212.json"
    with converter_in(session_converter) as converter:
        build_extracts(meeting, output, TEMPLATES, converter, 212, today=dt.date(2024, 1, 9))
    key = facts_key(output)
    assert key is not None
    data = json.loads(record.read_text(encoding="utf-8"))
    made_from = data["versioner"][0]["underlag"]
    assert made_from["nyckel"] == key.id
    digests = made_from["arende"]
    assert "aktor.epost" not in digests
    assert "beslutspunkter[1]" in digests
    number = json.dumps(["769999-9996"]).encode()
    assert (
        digests["aktor.organisationsnummer"]
        == (hmac.new(key.secret, number, hashlib.sha256).hexdigest()[:16])
    )
    plain = {hashlib.sha256(text).hexdigest()[:16] for text in (number, b'"769999-9996"')}
    assert not plain & set(digests.values())

    # A record written before digests were keyed: plain SHA-256 of each value as JSON, the
    # e-mail address among them (here one that differs from the case file's now).
    loaded = load_meeting(meeting)
    paragraf = loaded.sammantrade.paragraf(212)
    assert paragraf is not None
    old = underlag_module._case_digests(loaded.case(paragraf), None)
    assert old["dnr"] == hashlib.sha256(b'"RUN-90001-2023"').hexdigest()[:16]
    data["versioner"][0]["underlag"] = {
        "sammantrade": underlag_module._meeting_digest(loaded, paragraf, None),
        "arende": {**old, "aktor.epost": "0" * 16},
    }
    record.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    edit(case, POINT_2, EDITED_2)
    argv = ("utdrag", str(meeting), "--paragraf", "212", "--output", str(output),
            "--templates", str(TEMPLATES))  # fmt: skip
    refused = run_cli(*argv)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    said = fold(refused.stdout + refused.stderr)
    # Only the case file's change is named: the edited point, not the e-mail address.
    assert "the case file has changed since (beslutspunkter[1])," in said
    edit(case, EDITED_2, POINT_2)
    with converter_in(session_converter) as converter:
        (same,) = build_extracts(meeting, output, TEMPLATES, converter, 212,
                                 today=dt.date(2024, 1, 10))  # fmt: skip
    assert (same.status, same.version) == (Status.OFORANDRAD, 1)


def test_a_refused_paragraph_stops_no_other(tmp_path: Path, session_converter: Path) -> None:
    """review21 point 3: the refusal stopped utdrag for every paragraph of the meeting,
    nothing written. Now § 212 (its case file's point 2 edited) is refused with its message
    and the command fails, while § 211 gets its correction (a justerare added)."""
    shutil.copytree(REPO / "cases", tmp_path / "cases")
    case = tmp_path / "cases" / "exempel-arktiska-testbaddar.yaml"
    meeting = tmp_path / "cases" / "sammantraden" / "exempel-run-2023-12-05.yaml"
    output = tmp_path / "output"
    with converter_in(session_converter) as converter:
        made = build_extracts(meeting, output, TEMPLATES, converter, today=dt.date(2024, 1, 9))
    assert [(r.paragraf, r.status, r.version) for r in made] == [
        (211, Status.NY, 1), (212, Status.NY, 1),
    ]  # fmt: skip
    record = output / "RUN-90001-2023" / "protokollsutdrag-212.json"
    before = record.read_bytes()

    edit(case, POINT_2, EDITED_2)
    edit(meeting, "  - Johan Exempelsson\n", "  - Johan Exempelsson\n  - Karin Exempelsson\n")
    argv = ("utdrag", str(meeting), "--output", str(output), "--templates", str(TEMPLATES))
    run = run_cli(*argv, lang="sv")
    assert run.returncode == 1, run.stdout + run.stderr
    said = fold(run.stderr)
    assert (
        f"§ 212 RUN-90001-2023: vägrad: {case}:40: beslutspunkter[1]: § 212 vid sammanträdet "
        "2023-12-05 är justerad"
    ) in said
    assert said.endswith("Ingen ny version av dess utdrag skrevs")
    table = fold(run.stdout)
    assert "vägrad" in table
    assert "rättelse" in table  # § 211's row
    assert record.read_bytes() == before
    assert not (output / "RUN-90001-2023" / "protokollsutdrag-212-v2.pdf").exists()
    v2 = text_of(output / "RUN-00386-2023" / "protokollsutdrag-211-v2.pdf")
    assert "Rättelse: ersätter version 1" in v2
    assert "Ändrat: justerare." in v2
    assert "Karin Exempelsson" in v2


def test_the_note_names_the_versions_between_that_were_never_certified() -> None:
    from avtalsgen.meetings.extract import Version

    made, certified = dt.date(2024, 1, 12), dt.date(2024, 1, 9)
    fourth = Version.correction(1, certified, ("justerare",), made, nummer=4)
    assert (fourth.nummer, fourth.ersatter, fourth.rubrik) == (4, 1, "Version 4")
    assert fourth.rattelse == (
        "Rättelse: ersätter version 1 (bestyrkt 2024-01-09). Ändrat: justerare. Versionerna "
        "2 och 3 däremellan bestyrktes aldrig."
    )
    # Back as version 1 was after an uncertified version 2: nothing changed against it.
    third = Version.correction(1, certified, (), made, nummer=3)
    assert third.rattelse == (
        "Rättelse: ersätter version 1 (bestyrkt 2024-01-09). Ändrat: inget. Version 2 "
        "däremellan bestyrktes aldrig."
    )
    # The version just before, as before.
    assert Version.correction(2, made, ("rubrik",), made, replaced_certified=False).rattelse == (
        "Rättelse: ersätter version 2 (upprättad 2024-01-12, inte bestyrkt). Ändrat: rubrik."
    )
