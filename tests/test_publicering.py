"""Publishable renditions: no signatures, no personal identity numbers, private persons'
names replaced as the program file says, secret paragraphs left out, tagged PDF and HTML
(axe-core in Chromium); the archive copies untouched. With the real LibreOffice."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pytest
from accessibility import axe_violations
from conftest import REPO, fold
from pdftext import pdftotext
from stdnum.se import personnummer
from typer.testing import CliRunner, Result
from warm_converter import converter_in

from avtalsgen import i18n
from avtalsgen.build.workspace import CaseFolder, Workspace
from avtalsgen.cli.app import app
from avtalsgen.meetings.extract import build_extracts
from avtalsgen.meetings.publicering import (
    Redactor,
    Rendition,
    Status,
    is_identity_number,
    publish,
    redact,
    written_text,
)
from avtalsgen.model.program import Namnersattning, Publicering

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed"),
]


def test_publicera_names_a_broken_record_as_the_user_gave_its_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A record that is not JSON is named relative to the working folder (it was named by
    its absolute path), and nothing is written."""
    shutil.copytree(REPO / "cases", tmp_path / "cases")
    record = tmp_path / "output" / "RUN-00386-2023" / "protokollsutdrag-211.json"
    record.parent.mkdir(parents=True)
    record.write_text("{not json", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    meeting = Path("cases", "sammantraden", "exempel-run-2023-12-05.yaml")
    result = CliRunner().invoke(app, ["--lang", "en", "publicera", str(meeting)])
    i18n.set_language(None)
    assert result.exit_code == 1, result.output
    shown = Path("output", "RUN-00386-2023", "protokollsutdrag-211.json")
    assert f"{shown}: the record of the extract is not JSON: " in result.output
    assert str(tmp_path) not in result.output
    assert not (tmp_path / "output" / "webb").exists()


#: Skatteverket's well-known example number; valid with its check digit.
PNR = "19121212-1212"
PRIVATE = "Anna Privatperson"
POINTS_212 = (
    "    beslut:\n"
    "      - Regionala utvecklingsnämnden beslutar att {aktor_namn} beviljas {belopp_per_ar} "
    "årligen i basfinansiering.\n"
    "      - Medlen anvisas från {kalla}.\n"
    "      - Basfinansieringen gäller under perioden {start} till {slut}.\n"
    f"      - Beslutet delges {PRIVATE}, personnummer {PNR}, för kännedom.\n"
    "    ej_i_avtalet: [4]\n"  # no term of the agreement (test_decided_conditions)
)
SECRET_211 = "    sekretess:\n      bestammelse: 31 kap. 16 § OSL\n      datum: 2023-12-05\n"


def test_the_example_number_is_a_valid_personnummer() -> None:
    assert personnummer.is_valid(PNR)


def test_a_samordningsnummer_is_an_identity_number_too() -> None:
    """python-stdnum 2.2 refuses a samordningsnummer (its day of birth plus 60) as a
    personnummer: 701063-2391 (born on 3 October 1970) was published as written."""
    assert not personnummer.is_valid("701063-2391")
    for number in ("701063-2391", "19701063-2391", "7010632391", "197010632391"):
        assert is_identity_number(number), number
    for number in ("701063-2392", "701093-2391", "701160-2391", "19121212-1213"):
        assert not is_identity_number(number), number  # check digit, day 33, month 11 day 0
    redactor = Redactor(Publicering(ersatt_namn=[]))
    assert redact("Revisor, samordningsnummer 701063-2391.", redactor) == (
        "Revisor, samordningsnummer [personnummer borttaget]."
    )
    assert redactor.leaks("701063-2391") == ["701063-2391"]


def test_each_number_replaced_is_counted_once() -> None:
    """publicera said "12 personnummer" replaced in a beslutsförslag that stated two, each
    several times and in several of its facts (the case's title, its purpose, ...)."""
    redactor = Redactor(Publicering(ersatt_namn=[]))
    value = {"titel": f"Kontakt {PNR}", "syfte": f"{PNR}, 121212-1212 och 701063-2391", "x": PNR}
    redact(value, redactor)
    assert redactor.summary() == ("2 personnummer",)


def test_redact_replaces_numbers_and_names_everywhere_but_in_other_values() -> None:
    redactor = Redactor(Publicering(ersatt_namn=[Namnersattning(namn=PRIVATE, ersatt_med="[x]")]))
    value = {"a": (f"{PRIVATE} {PNR}", 7, dt.date(2024, 1, 1)), "b": ["121212-1213"]}
    assert redact(value, redactor) == {
        "a": ("[x] [personnummer borttaget]", 7, dt.date(2024, 1, 1)),
        "b": ["121212-1213"],  # no valid check digit: not a personnummer
    }
    assert redactor.summary() == ("1 personnummer", PRIVATE)


def _publicera_sv(meeting: Path, output: Path, *options: str) -> Result:
    """``avtalsgen --lang sv publicera`` of ``meeting``, as an official runs it."""
    return CliRunner().invoke(
        app,
        ["--lang", "sv", "publicera", str(meeting), "--output", str(output),
         "--templates", str(REPO / "templates"), *options],
    )  # fmt: skip


def _summary(published: int, waiting: int, unsigned: int, missing: int, secret: int) -> str:
    """publicera's last line in Swedish: every count, in its fixed order."""
    return (
        f"publicerade: {published}, väntar på anslaget: {waiting}, inte bestyrkta ännu: "
        f"{unsigned}, utan protokollsutdrag ännu: {missing}, sekretess: {secret}"
    )


@dataclass(frozen=True)
class Made:
    output: Path
    meeting: Path
    archive: dict[Path, str]
    results: list[object]
    before_signing: list[Rendition]
    said: str
    """What ``avtalsgen --lang sv publicera`` printed, run after ``results``."""

    @property
    def web(self) -> Path:
        return self.output / "webb" / "RUN-90001-2023"


class NoConversion:
    """A converter for a publish that must convert nothing."""

    def convert(self, *args: object, **kwargs: object) -> list[Path]:
        raise AssertionError("nothing should be converted")


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory, session_converter: Path) -> Iterator[Made]:
    """The 2023 example meeting with § 211 secret and § 212 naming a private person and a
    personnummer (the case's title names the person too); its extracts made (§ 212
    signed), then published (its documents converted by the test process's warm
    converter, conftest.session_converter)."""
    i18n.set_language("en")
    root = tmp_path_factory.mktemp("publicering")
    cases = root / "cases"
    shutil.copytree(REPO / "cases", cases)
    program = cases / "program" / "norrbottens-ekosystem.yaml"
    program.write_text(
        program.read_text(encoding="utf-8").replace(
            "  ersatt_namn: []", f"  ersatt_namn:\n    - namn: {PRIVATE}\n"
        ),
        encoding="utf-8",
    )
    case = cases / "exempel-arktiska-testbaddar.yaml"
    case.write_text(
        case.read_text(encoding="utf-8")
        .replace("protokollsutdrag_till:\n", f"protokollsutdrag_till:\n  - {PRIVATE}\n")
        .replace("– Arktiska testbäddar\n", f"– Arktiska testbäddar – kontakt {PRIVATE}\n"),
        encoding="utf-8",
    )
    meeting = cases / "sammantraden" / "exempel-run-2023-12-05.yaml"
    text = meeting.read_text(encoding="utf-8")
    text = text.replace(
        "    anslagsdatum: 2023-12-06\n", "    anslagsdatum: 2023-12-06\n" + SECRET_211
    )
    text = text.replace("    dnr: RUN-90001-2023\n    beslut: enligt förslaget\n",
                        "    dnr: RUN-90001-2023\n" + POINTS_212)  # fmt: skip
    meeting.write_text(text, encoding="utf-8")
    output = root / "output"
    today = dt.date(2024, 1, 9)
    with converter_in(session_converter) as converter:  # the extracts, build and renditions
        build_extracts(meeting, output, REPO / "templates", converter, today=today)
        build_extracts(meeting, output, REPO / "templates", converter, 211, today=today)
        result = CliRunner().invoke(app, ["build", str(case), "--output", str(output),
                                          "--templates", str(REPO / "templates")])  # fmt: skip
        assert result.exit_code == 0, result.output
        before_signing = list(publish(meeting, output, REPO / "templates", NoConversion()))
        signed = CliRunner().invoke(
            app,
            ["sign", str(output / "RUN-90001-2023" / "protokollsutdrag-212.pdf"),
             "--field", "utdragsbestyrkande"],
        )  # fmt: skip
        assert signed.exit_code == 0, signed.output
        archive = {
            path: hashlib.sha256(path.read_bytes()).hexdigest()
            for path in output.rglob("*")
            if path.is_file()
        }
        results: list[object] = list(publish(meeting, output, REPO / "templates", converter))
        # The command as an official runs it, in Swedish: what it says of each document.
        shown = _publicera_sv(meeting, output)
        assert shown.exit_code == 0, shown.output
    i18n.set_language("en")
    yield Made(output, meeting, archive, results, before_signing, shown.stdout)
    i18n.set_language(None)


def test_what_was_published(made: Made) -> None:
    summary = [(r.dnr, r.paragraf, r.document, r.status) for r in made.results]  # type: ignore[attr-defined]
    assert summary == [
        ("RUN-00386-2023", 211, "protokollsutdrag", Status.SEKRETESS),
        ("RUN-90001-2023", 212, "protokollsutdrag", Status.SKRIVEN),
        ("RUN-90001-2023", 212, "beslutsforslag", Status.SKRIVEN),
    ]
    assert not (made.output / "webb" / "RUN-00386-2023").exists()
    assert sorted(p.name for p in made.web.iterdir()) == [
        "beslutsforslag.html",
        "beslutsforslag.pdf",
        "protokollsutdrag-212.html",
        "protokollsutdrag-212.pdf",
    ]


def test_publicera_says_what_it_replaced_in_words(made: Made) -> None:
    # What was replaced, in a sentence; the document named in words, not by its file key.
    lines = made.said.splitlines()
    assert (
        lines[0] == "§ 211 RUN-00386-2023 protokollsutdrag: publiceras inte: omfattas av sekretess"
    )
    assert lines[1] == (
        f"§ 212 RUN-90001-2023 protokollsutdrag: publiceringsversion skriven, där {PRIVATE} och "
        "1 personnummer har ersatts"
    )
    assert (
        f"§ 212 RUN-90001-2023 beslutsförslag: publiceringsversion skriven, där {PRIVATE} har "
        "ersatts"
    ) in lines
    # The lines above it counted: § 212's two documents published, § 211 secret.
    assert lines[-1] == _summary(2, 0, 0, 0, 1)
    assert "ingenting" not in made.said and "beslutsforslag:" not in made.said


def test_a_rendition_written_names_what_was_replaced() -> None:
    def said(*replaced: str) -> str:
        return written_text(
            Rendition("RUN-90001-2023", 212, "beslutsforslag", Status.SKRIVEN, (), replaced)
        )

    i18n.set_language("en")
    try:
        assert said() == "§ 212 RUN-90001-2023 beslutsförslag: publishable rendition written"
        assert said("1 personnummer") == (
            "§ 212 RUN-90001-2023 beslutsförslag: publishable rendition written, with "
            "1 personnummer replaced"
        )
        assert said("2 personnummer", "Anna A", "Per P").endswith(
            "written, with 2 personnummer, Anna A and Per P replaced"
        )
        i18n.set_language("sv")
        assert said() == "§ 212 RUN-90001-2023 beslutsförslag: publiceringsversion skriven"
        assert said("2 personnummer", "Anna A").endswith(
            "publiceringsversion skriven, där 2 personnummer och Anna A har ersatts"
        )
    finally:
        i18n.set_language(None)


def test_an_extract_not_signed_yet_is_not_published(made: Made) -> None:
    # Its web version would say that the original is certified: not so until it is signed.
    summary = [(r.paragraf, r.document, r.status) for r in made.before_signing]
    assert summary == [
        (211, "protokollsutdrag", Status.SEKRETESS),
        (212, "protokollsutdrag", Status.OSIGNERAD),
    ]
    extract = made.output / "RUN-90001-2023" / "protokollsutdrag-212.pdf"
    assert made.before_signing[1].files == (extract,)


def test_the_web_renditions_hold_no_signature_number_or_private_name(made: Made) -> None:
    for stem in ("protokollsutdrag-212", "beslutsforslag"):
        pdf = made.web / f"{stem}.pdf"
        with pikepdf.open(pdf) as document:
            assert "/AcroForm" not in document.Root
            assert "/StructTreeRoot" in document.Root
            assert str(document.Root.Lang) == "sv-SE"
        assert b"/ByteRange" not in pdf.read_bytes()
        with pikepdf.open(pdf) as document:  # the title from the case's, redacted too
            title = str(document.docinfo["/Title"])
        page = (made.web / f"{stem}.html").read_text(encoding="utf-8")
        title_tag = page.split("<title>")[1].split("</title>")[0]
        for text in (fold(pdftotext(pdf)), page, title, title_tag):
            assert PRIVATE not in text and PNR not in text and "121212-1212" not in text
            assert "[namn borttaget]" in text
    extract = fold(pdftotext(made.web / "protokollsutdrag-212.pdf"))
    assert (
        "Webbversion av protokollsutdraget. Originalet är bestyrkt med elektronisk "
        "underskrift och förvaras hos Region Norrbotten. Personuppgifter som inte ska "
        "publiceras har tagits bort."
    ) in extract
    assert "Beslutet delges [namn borttaget], personnummer [personnummer borttaget]" in extract


def test_a_paragraph_put_under_sekretess_is_withdrawn_from_the_web_folder(
    made: Made, tmp_path: Path
) -> None:
    """§ 212 published, then put under sekretess: publicera said "left out: under
    sekretess" and left its extract and beslutsförslag in output/webb/ as published. They
    are removed, and it says so."""
    root = tmp_path / "root"
    shutil.copytree(made.output.parent, root)
    meeting = root / "cases" / "sammantraden" / made.meeting.name
    text = meeting.read_text(encoding="utf-8")
    meeting.write_text(text.replace(POINTS_212, POINTS_212 + SECRET_211, 1), encoding="utf-8")
    web = root / "output" / "webb" / "RUN-90001-2023"
    published = sorted(p.name for p in web.iterdir())
    assert "protokollsutdrag-212.pdf" in published and "beslutsforslag.pdf" in published
    result = CliRunner().invoke(
        app, ["--lang", "sv", "publicera", str(meeting), "--output", str(root / "output")]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in web.iterdir()) == []
    lines = result.stdout.splitlines()
    assert (
        lines[1] == "§ 212 RUN-90001-2023 protokollsutdrag: publiceras inte: omfattas av sekretess"
    )
    for name in ("protokollsutdrag-212.pdf", "protokollsutdrag-212.html", "beslutsforslag.pdf"):
        assert (
            f"  {web / name}: borttagen ur webbmappen: publicerad innan paragrafen belades med "
            "sekretess"
        ) in lines


def test_the_web_app_says_what_it_withdrew_too(made: Made, tmp_path: Path) -> None:
    """The same step run from the web app's Sammanträden page (web.secretary, the worker's
    step) removed the files as the CLI does but its run's page did not say so."""
    from avtalsgen import i18n
    from avtalsgen.web import secretary

    i18n.set_language("sv")  # as the web app speaks (the suite's autouse fixture resets it)
    root = tmp_path / "root"
    shutil.copytree(made.output.parent, root)
    meeting = root / "cases" / "sammantraden" / made.meeting.name
    text = meeting.read_text(encoding="utf-8")
    meeting.write_text(text.replace(POINTS_212, POINTS_212 + SECRET_211, 1), encoding="utf-8")
    output = root / "output"
    request = {"kind": "publicera", "meeting": str(meeting), "output": str(output),
               "templates": str(REPO / "templates")}  # fmt: skip
    events = list(secretary.run(request, on_wait=lambda _holder: None))
    assert not (output / "webb" / "RUN-90001-2023").exists() or not any(
        (output / "webb" / "RUN-90001-2023").iterdir()
    )
    texts = [event["text"] for event in events if event["dnr"] == "RUN-90001-2023"]
    for name in ("protokollsutdrag-212.pdf", "protokollsutdrag-212.html", "beslutsforslag.pdf"):
        assert (
            f"webb/RUN-90001-2023/{name}: borttagen ur webbmappen: publicerad innan paragrafen "
            "belades med sekretess"
        ) in texts, texts


def test_nothing_is_published_before_the_anslag_day(
    made: Made, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, session_converter: Path
) -> None:
    """§ 212's certified extract the day after the justering (2023-12-12), its notice going
    up the next day: its web version states "Anslaget på anslagstavlan: 2023-12-13", which
    is not so yet, and was made without a word. Now it waits for that day, with its
    beslutsförslag; the CLI and the web's run say the day and how to go on."""
    from avtalsgen import clock
    from avtalsgen.web import secretary

    root = tmp_path / "root"
    shutil.copytree(made.output.parent, root)
    output = root / "output"
    shutil.rmtree(output / "webb")
    meeting = root / "cases" / "sammantraden" / made.meeting.name
    monkeypatch.setattr(clock, "today", lambda: dt.date(2023, 12, 12))
    results = publish(meeting, output, REPO / "templates", NoConversion())
    assert [(r.paragraf, r.document, r.status, r.anslag) for r in results] == [
        (211, "protokollsutdrag", Status.SEKRETESS, None),
        (212, "protokollsutdrag", Status.ANSLAG, dt.date(2023, 12, 13)),
    ]
    assert not (output / "webb").exists()
    shown = _publicera_sv(meeting, output)
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.splitlines()[1:] == [
        "§ 212 RUN-90001-2023 protokollsutdrag: publiceras inte före 2023-12-13: anslaget om "
        "justeringen sätts upp på anslagstavlan den dagen, och webbversionen anger den som "
        f"dagen då anslaget sattes upp; kör avtalsgen publicera {meeting} igen den "
        "2023-12-13 eller senare",
        # Nothing published, nothing wrong: exit 0, and the count says what waits.
        _summary(0, 1, 0, 0, 1),
    ]
    # A script that must know the meeting is on the web asks for --complete: exit 1 while
    # anything not secret waits, the same lines said.
    strict = _publicera_sv(meeting, output, "--complete")
    assert (strict.exit_code, strict.stdout) == (1, shown.stdout)
    i18n.set_language("sv")
    request = {"kind": "publicera", "meeting": str(meeting), "output": str(output),
               "templates": str(REPO / "templates")}  # fmt: skip
    events = list(secretary.run(request, on_wait=lambda _holder: None))
    assert [event["text"] for event in events if event["dnr"] == "RUN-90001-2023"] == [
        "§ 212 RUN-90001-2023 protokollsutdrag: publiceras inte före 2023-12-13: anslaget om "
        "justeringen sätts upp på anslagstavlan den dagen, och webbversionen anger den som "
        "dagen då anslaget sattes upp; gör versionerna för publicering igen den 2023-12-13 "
        "eller senare"
    ]
    assert not (output / "webb").exists()
    # On the day, it is published; --complete is met (§ 211's sekretess is for good).
    monkeypatch.setattr(clock, "today", lambda: dt.date(2023, 12, 13))
    with converter_in(session_converter) as converter:
        results = publish(meeting, output, REPO / "templates", converter)
        assert [r.status for r in results][1:] == [Status.SKRIVEN, Status.SKRIVEN]
        done = _publicera_sv(meeting, output, "--complete")
    assert done.exit_code == 0, done.output
    assert done.stdout.splitlines()[-1] == _summary(2, 0, 0, 0, 1)


def test_a_paragraph_without_an_extract_says_the_command_that_makes_it(
    made: Made, tmp_path: Path
) -> None:
    """It said "inget protokollsutdrag ännu (avtalsgen utdrag)": now the command in full,
    as the not-certified and waiting reasons give theirs, and the count."""
    root = tmp_path / "root"
    shutil.copytree(made.output.parent, root)
    output = root / "output"
    shutil.rmtree(output / "webb")
    shutil.rmtree(output / "RUN-90001-2023")  # § 212's extract and its record
    meeting = root / "cases" / "sammantraden" / made.meeting.name
    shown = _publicera_sv(meeting, output)
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.splitlines()[1:] == [
        "§ 212 RUN-90001-2023 protokollsutdrag: publiceras inte än: inget protokollsutdrag "
        f"ännu; gör det med avtalsgen utdrag {meeting} --paragraf 212, bestyrk det och kör "
        "publicera igen",
        _summary(0, 0, 0, 1, 1),
    ]
    assert _publicera_sv(meeting, output, "--complete").exit_code == 1
    assert not (output / "webb").exists()


def test_before_the_justering_it_names_the_day_the_extract_can_be_made(
    made: Made, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before § 212 is justerad (2023-12-12) utdrag makes no extract of it ("hoppades över:
    justeras inte förrän 2023-12-12"): publicera told the secretary to make it now. It
    names the justering's day, on the command line and in the web app's run."""
    from avtalsgen import clock
    from avtalsgen.web import secretary

    root = tmp_path / "root"
    shutil.copytree(made.output.parent, root)
    output = root / "output"
    shutil.rmtree(output / "webb")
    shutil.rmtree(output / "RUN-90001-2023")  # § 212's extract and its record
    meeting = root / "cases" / "sammantraden" / made.meeting.name
    monkeypatch.setattr(clock, "today", lambda: dt.date(2023, 12, 8))
    shown = _publicera_sv(meeting, output)
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.splitlines()[1:] == [
        "§ 212 RUN-90001-2023 protokollsutdrag: publiceras inte än: justeras inte förrän "
        "2023-12-12, så det finns inget protokollsutdrag ännu; den dagen eller senare: gör "
        f"det med avtalsgen utdrag {meeting} --paragraf 212, bestyrk det och kör publicera "
        "igen",
        _summary(0, 0, 0, 1, 1),
    ]
    assert _publicera_sv(meeting, output, "--complete").exit_code == 1
    i18n.set_language("sv")
    request = {"kind": "publicera", "meeting": str(meeting), "output": str(output),
               "templates": str(REPO / "templates")}  # fmt: skip
    events = list(secretary.run(request, on_wait=lambda _holder: None))
    assert [event["text"] for event in events if event["dnr"] == "RUN-90001-2023"] == [
        "§ 212 RUN-90001-2023 protokollsutdrag: publiceras inte än: justeras inte förrän "
        "2023-12-12, så det finns inget protokollsutdrag ännu; den dagen eller senare: gör "
        "protokollsutdraget på sammanträdets sida, bestyrk det och gör versionerna för "
        "publicering igen"
    ]
    assert not (output / "webb").exists()


def test_a_record_that_does_not_say_the_day_its_version_was_made_is_named(
    made: Made, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A record of an extract with neither 'upprattad' nor 'bestyrkt' (edited by hand)
    made publicera stop with a traceback (ValueError from fromisoformat); it is told at the
    record, with what to write, and nothing is written."""
    root = tmp_path / "root"
    shutil.copytree(made.output.parent, root)
    shutil.rmtree(root / "output" / "webb")
    record = root / "output" / "RUN-90001-2023" / "protokollsutdrag-212.json"
    data = json.loads(record.read_text(encoding="utf-8"))
    for version in data["versioner"]:
        version.pop("upprattad", None)
        version.pop("bestyrkt", None)
    record.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.chdir(root)
    meeting = Path("cases", "sammantraden", made.meeting.name)
    result = CliRunner().invoke(
        app, ["--lang", "en", "publicera", str(meeting), "--templates", str(REPO / "templates")]
    )
    i18n.set_language(None)
    assert result.exit_code == 1, result.output
    shown = Path("output", "RUN-90001-2023", "protokollsutdrag-212.json")
    assert (
        f"{shown}: version 1 of the record of the extract does not say the day it was made "
        '(found nothing): write it as "upprattad": "YYYY-MM-DD", the day its PDF was made'
    ) in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert not (root / "output" / "webb").exists()


def test_a_newer_version_of_an_extract_withdraws_the_earlier_ones(tmp_path: Path) -> None:
    from avtalsgen.meetings.publicering import _published

    for name in (
        "protokollsutdrag-21.pdf",
        "protokollsutdrag-212.pdf",
        "protokollsutdrag-212.html",
        "protokollsutdrag-212-v2.pdf",
        "protokollsutdrag-212-v3.pdf",
        "beslutsforslag.pdf",
    ):
        (tmp_path / name).write_text("x", encoding="utf-8")  # fmt: skip
    assert [p.name for p in _published(tmp_path, 212, below=3)] == [
        "protokollsutdrag-212.html",
        "protokollsutdrag-212.pdf",
        "protokollsutdrag-212-v2.pdf",
    ]
    assert len(_published(tmp_path, 212)) == 4


def test_the_archive_copies_stay_whole(made: Made) -> None:
    for path, digest in made.archive.items():
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest, path
    archive = fold(pdftotext(made.output / "RUN-90001-2023" / "protokollsutdrag-212.pdf"))
    assert PRIVATE in archive and PNR in archive


def test_the_web_pages_pass_axe_core_in_chromium(made: Made) -> None:
    pages = [made.web / "protokollsutdrag-212.html", made.web / "beslutsforslag.html"]
    assert axe_violations(*pages) == {page: [] for page in pages}


def _headings_in_tags(pdf: Path) -> list[tuple[str, bool]]:
    """Each H2 of ``pdf``'s structure tree: its text (from its marked content, read by
    PDFium) and whether it stands inside a Table."""
    import pypdfium2
    import pypdfium2.raw as pdfium_c

    found: list[tuple[list[tuple[int, int]], bool]] = []
    with pikepdf.open(pdf) as document:
        pages = {page.obj.objgen: n for n, page in enumerate(document.pages)}

        def walk(elem: pikepdf.Object, page: int | None, in_table: bool) -> None:
            if "/Pg" in elem:
                page = pages[elem.Pg.objgen]
            kind = str(elem.get("/S", ""))
            held = elem.get("/K")
            kids: list[object] = list(held) if isinstance(held, pikepdf.Array) else [held]
            if kind == "/H2":
                mcids: list[tuple[int, int]] = []
                for kid in kids:
                    if isinstance(kid, int) and page is not None:
                        mcids.append((page, int(kid)))
                    elif isinstance(kid, pikepdf.Dictionary) and "/MCID" in kid:
                        on = pages[kid.Pg.objgen] if "/Pg" in kid else page
                        assert on is not None
                        mcids.append((on, int(kid.MCID)))
                found.append((mcids, in_table))
            for kid in kids:
                if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                    walk(kid, page, in_table or kind in ("/Table", "/TR", "/TD", "/TH"))

        walk(document.Root.StructTreeRoot, None, False)
    texts: dict[tuple[int, int], str] = {}
    read = pypdfium2.PdfDocument(str(pdf))
    try:
        for n in range(len(read)):
            page = read[n]
            textpage = page.get_textpage()
            for obj in page.get_objects():
                mcid = pdfium_c.FPDFPageObj_GetMarkedContentID(obj.raw)
                if mcid < 0 or obj.type != pdfium_c.FPDF_PAGEOBJ_TEXT:
                    continue
                size = pdfium_c.FPDFTextObj_GetText(obj.raw, textpage.raw, None, 0)
                buffer = (pdfium_c.FPDF_WCHAR * size)()
                pdfium_c.FPDFTextObj_GetText(obj.raw, textpage.raw, buffer, size)
                text = bytes(buffer).decode("utf-16-le").rstrip("\x00")
                texts[(n, mcid)] = texts.get((n, mcid), "") + text
    finally:
        read.close()
    return [(" ".join("".join(texts.get(m, "") for m in mcids).split()), in_table)
            for mcids, in_table in found]  # fmt: skip


def test_the_extracts_headings_stay_headings(made: Made) -> None:
    """The heading Justering och anslag is a heading in the published extract: an H2 of its
    own in the HTML, with no table around it, and an H2 not inside a Table in the PDF's
    tags (it stood in a one-row table: the HTML had it as a table's header cell, 'Justering
    och anslag Sammanträde: …', and the PDF's tags Table/TR/TD around the H2)."""
    heading = "Justering och anslag"
    page = (made.web / "protokollsutdrag-212.html").read_text(encoding="utf-8")
    assert f"<h2>{heading}</h2>" in page
    assert "<table" not in page and "<th>" not in page
    tags = _headings_in_tags(made.web / "protokollsutdrag-212.pdf")
    assert (heading, False) in tags, tags
    assert not [text for text, in_table in tags if in_table], tags


def test_the_records_are_read_under_the_lock(made: Made, tmp_path: Path) -> None:
    """A publicera that waits for a utdrag writing a correction of § 212 publishes what the
    records say once it has the lock: the correction, not signed yet, is left out. (It read
    them before it waited, and went on to publish version 1, which the correction replaces.)"""
    output = tmp_path / "output"
    shutil.copytree(made.output, output)
    case = CaseFolder(output / "RUN-90001-2023")
    outcome: dict[str, object] = {}
    waiting = threading.Event()

    def publicera() -> None:
        try:
            outcome["results"] = publish(
                made.meeting,
                output,
                REPO / "templates",
                NoConversion(),
                on_wait=lambda _text: waiting.set(),
            )
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            outcome["error"] = exc

    thread = threading.Thread(target=publicera)
    with Workspace(output).session("utdrag"):  # as a utdrag correcting § 212
        thread.start()
        assert waiting.wait(120), "publicera did not wait for the lock"
        record = json.loads(case.extract_record(212).read_text(encoding="utf-8"))
        latest = record["versioner"][-1]
        assert latest["version"] == 1
        correction = case.extract(212, 2, ".pdf")
        shutil.copyfile(output / "RUN-00386-2023" / "protokollsutdrag-211.pdf", correction)
        record["versioner"].append(
            latest | {"version": 2, "filer": [correction.name], "andrat": ["beslutspunkt 4"]}
        )
        case.extract_record(212).write_text(json.dumps(record), encoding="utf-8")
    thread.join(120)
    assert not thread.is_alive()
    assert "error" not in outcome, outcome
    results = outcome["results"]
    assert isinstance(results, list)
    assert [(r.paragraf, r.document, r.status, r.files) for r in results] == [
        (211, "protokollsutdrag", Status.SEKRETESS, ()),
        (212, "protokollsutdrag", Status.OSIGNERAD, (correction,)),
    ]


def test_a_beslutsforslag_stating_another_meetings_secret_paragraph_is_left_out(
    tmp_path: Path, session_converter: Path
) -> None:
    """RUN-90005-2024 was sent back at § 196 (2024-12-10), put under sekretess, and granted
    at § 14 (2025-02-11), which is public. Its beslutsförslag states what § 196 dealt with
    and carries § 196's marking: publicera of the later meeting published it all the same,
    as only § 14 was asked about. It is left out, and said so; § 14's extract is published."""
    cases = tmp_path / "cases"
    shutil.copytree(REPO / "cases", cases)
    earlier = cases / "sammantraden" / "exempel-run-2024-12-10.yaml"
    earlier.write_text(
        earlier.read_text(encoding="utf-8").replace(
            "    dnr: RUN-90005-2024\n    utfall: aterremiss\n",
            "    dnr: RUN-90005-2024\n    utfall: aterremiss\n"
            "    sekretess: {bestammelse: 31 kap. 16 § OSL, datum: 2024-12-10}\n",
        ),
        encoding="utf-8",
    )
    meeting = cases / "sammantraden" / "exempel-run-2025-02-11.yaml"
    output = tmp_path / "output"
    with converter_in(session_converter) as converter:
        build_extracts(meeting, output, REPO / "templates", converter, today=dt.date(2025, 3, 1))
        extract = output / "RUN-90005-2024" / "protokollsutdrag-14.pdf"
        signed = CliRunner().invoke(app, ["sign", str(extract), "--field", "utdragsbestyrkande"])
        assert signed.exit_code == 0, signed.output
        shown = _publicera_sv(meeting, output)
    assert shown.exit_code == 0, shown.output
    lines = shown.stdout.splitlines()
    assert "§ 14 RUN-90005-2024 beslutsförslag: publiceras inte: omfattas av sekretess" in lines
    assert "§ 14 RUN-90005-2024 protokollsutdrag: publiceringsversion skriven" in lines
    web = output / "webb" / "RUN-90005-2024"
    assert sorted(p.name for p in web.iterdir()) == [
        "protokollsutdrag-14.html",
        "protokollsutdrag-14.pdf",
    ]


def test_an_extract_not_certified_says_how_to_go_on(
    made: Made, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Left out for now, as the missing extract and the anslag day are: the command that
    certifies it, then publicera again (the other two said so, this one did not)."""
    from avtalsgen.meetings import publicering

    root = tmp_path / "root"
    shutil.copytree(made.output.parent, root)
    output = root / "output"
    shutil.rmtree(output / "webb")
    meeting = root / "cases" / "sammantraden" / made.meeting.name
    monkeypatch.setattr(publicering, "signed_fields", lambda path: {})  # as before signing
    shown = _publicera_sv(meeting, output)
    assert shown.exit_code == 0, shown.output
    extract = output / "RUN-90001-2023" / "protokollsutdrag-212.pdf"
    assert shown.stdout.splitlines()[1:] == [
        "§ 212 RUN-90001-2023 protokollsutdrag: publiceras inte än: utdraget är inte bestyrkt "
        f"(signerat) ännu; signera det först med avtalsgen sign {extract} --field "
        "utdragsbestyrkande och kör publicera igen",
        _summary(0, 0, 1, 0, 1),
    ]
    assert _publicera_sv(meeting, output, "--complete").exit_code == 1
