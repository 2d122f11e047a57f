"""Expediering: .eml messages with the signed extract attached, parsed back with Python's
email parser; recipients without an address listed; refusals before anything is signed.
With the real LibreOffice (the extracts) and pyHanko (their signatures)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import REPO, fold
from pdftext import pdftotext
from typer.testing import CliRunner
from warm_converter import converter_in

from avtalsgen import i18n
from avtalsgen.cli.app import app
from avtalsgen.errors import CaseError
from avtalsgen.meetings.expediering import LIST, expedite, summaries
from avtalsgen.meetings.extract import build_extracts
from avtalsgen.signing.pki import DemoPki, issue_demo_signer

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed"),
]

PASSPHRASE = "Sekreterarens-losen-2023"
NOW = dt.datetime(2024, 1, 10, 9, 30, tzinfo=dt.UTC)
#: The program's addresses: the director's is left unknown (null).
ADDRESSES = (
    "expediering:\n"
    "  avsandare:\n"
    "    namn: Region Norrbotten, Regionala utvecklingsnämnden\n"
    "    epost: registrator@region.example\n"
    "  mottagare:\n"
    "    - namn: Regional utvecklingsdirektör\n"
    "      epost: null\n"
    "    - namn: Funktionsbrevlåda Utveckla Norrbotten\n"
    "      epost: utveckla@region.example\n"
    "      funktionsbrevlada: true\n"
    "    - namn: Exempel Arktiska Testbäddar ekonomisk förening\n"
    "      epost: kansli@arktiska-testbaddar.example\n"
)


#: The meeting's two extracts (§ 211 and § 212), below the output folder.
EXTRACTS = (
    Path("RUN-00386-2023", "protokollsutdrag-211.pdf"),
    Path("RUN-90001-2023", "protokollsutdrag-212.pdf"),
)


@dataclass(frozen=True)
class Made:
    root: Path
    meeting: Path
    output: Path
    p12: Path
    root_cert: Path

    @property
    def extract(self) -> Path:
        return self.output / "RUN-90001-2023" / "protokollsutdrag-212.pdf"


@pytest.fixture(scope="module")
def made(
    tmp_path_factory: pytest.TempPathFactory, demo_pki: DemoPki, session_converter: Path
) -> Iterator[Made]:
    """The 2023 example meeting's extracts, made but not signed yet (by the test process's
    warm converter, conftest.session_converter), in ``output``: read only, the tests of
    refusals check that nothing is written. Beside it, ``signed``: a copy with both extracts
    certified, which :func:`signed` copies for each test that expedites."""
    i18n.set_language("en")
    root = tmp_path_factory.mktemp("expediering")
    cases = root / "cases"
    shutil.copytree(REPO / "cases", cases)
    program = cases / "program" / "norrbottens-ekosystem.yaml"
    text = program.read_text(encoding="utf-8")
    start, end = text.index("expediering:\n"), text.index("\n# Publishable renditions")
    program.write_text(text[:start] + ADDRESSES + text[end:], encoding="utf-8")
    meeting = cases / "sammantraden" / "exempel-run-2023-12-05.yaml"
    output = root / "output"
    with converter_in(session_converter) as converter:
        build_extracts(meeting, output, REPO / "templates", converter, today=dt.date(2024, 1, 9))
    pki = demo_pki  # the session's (conftest)
    signer = issue_demo_signer(pki, "Lena Exempelsson", root / "sekreterare.p12",
                               passphrase=PASSPHRASE.encode())  # fmt: skip
    made = Made(root, meeting, output, signer.pkcs12, pki.root_cert)
    shutil.copytree(output, root / "signed")
    for extract in EXTRACTS:
        sign(made, root / "signed" / extract)
    yield made
    i18n.set_language(None)


def sign(made: Made, extract: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "sign",
            str(extract),
            "--field",
            "utdragsbestyrkande",
            "--p12",
            str(made.p12),
            "--trust",
            str(made.root_cert),
        ],
        env={"AVTALSGEN_P12_PASSPHRASE": PASSPHRASE},
    )
    assert result.exit_code == 0, result.output


def parse(path: Path) -> EmailMessage:
    with path.open("rb") as f:
        message = BytesParser(policy=policy.default).parse(f)
    assert isinstance(message, EmailMessage)
    return message


def test_nothing_is_written_before_the_extracts_are_signed(made: Made) -> None:
    with pytest.raises(CaseError) as caught:
        expedite(made.meeting, made.output, now=NOW)
    problems = caught.value.problems
    assert len(problems) == 2
    assert problems[1] == (
        f"{made.meeting}:28: paragrafer[1].paragraf: § 212: {made.extract} is not signed yet: "
        f"sign it first with avtalsgen sign {made.extract} --field utdragsbestyrkande"
    )
    assert not (made.output / "sammantraden").exists()


def test_the_cli_names_paths_as_the_user_gave_them(
    made: Made, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Paths below the working folder are shown relative to it, as the other commands show
    them (they were absolute: the output folder's resolved path)."""
    monkeypatch.chdir(made.root)
    meeting = made.meeting.relative_to(made.root)
    result = CliRunner().invoke(app, ["expediera", str(meeting), "--output", "output"])
    assert result.exit_code == 1, result.output
    extract = Path("output", "RUN-90001-2023", "protokollsutdrag-212.pdf")
    assert (
        f"{meeting}:28: paragrafer[1].paragraf: § 212: {extract} is not signed yet: sign it "
        f"first with avtalsgen sign {extract} --field utdragsbestyrkande"
    ) in result.output
    assert str(made.root) not in result.output
    assert not (made.output / "sammantraden").exists()


def test_a_paragraph_the_meeting_does_not_have_is_refused(made: Made) -> None:
    with pytest.raises(CaseError) as caught:
        expedite(made.meeting, made.output, 7, now=NOW)
    assert caught.value.problems[0].endswith(
        "paragrafer: there is no § 7; the meeting has § 211, § 212: ask for one of those (or "
        "for none, to take every paragraph not under secrecy), or add § 7 to the meeting "
        "file's paragraphs if the meeting decided it"
    )
    assert not (made.output / "sammantraden").exists()


def test_before_the_justering_it_names_the_day_the_extract_can_be_made(
    made: Made, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before § 212 is justerad (2023-12-12) it has no extract, and utdrag makes none
    until that day: expediera said "gör det med avtalsgen utdrag …, signera det" as if it
    could be made now. It names the justering's day, in Swedish through the catalogue."""
    from avtalsgen import clock

    shutil.copytree(made.root / "cases", tmp_path / "cases")
    meeting = tmp_path / made.meeting.relative_to(made.root)
    monkeypatch.setattr(clock, "today", lambda: dt.date(2023, 12, 8))
    monkeypatch.chdir(tmp_path)
    shown = meeting.relative_to(tmp_path)
    argv = ["--lang", "sv", "expediera", str(shown), "--output", "output", "--paragraf", "212"]
    result = CliRunner().invoke(app, argv)
    assert result.exit_code == 1, result.output
    assert (
        f"{shown}:28: paragrafer[1].paragraf: § 212 justeras inte förrän 2023-12-12, så det "
        "har inget protokollsutdrag ännu: gör det den dagen eller senare med avtalsgen utdrag "
        f"{shown} --paragraf 212, signera det och expediera det sedan"
    ) in fold(result.output)
    # From the justering's day the extract can be made: the message says to make it now.
    monkeypatch.setattr(clock, "today", lambda: dt.date(2023, 12, 12))
    result = CliRunner().invoke(app, argv)
    assert result.exit_code == 1, result.output
    assert (
        f"{shown}:28: paragrafer[1].paragraf: § 212 har inget protokollsutdrag ännu i "
        f"{Path('output', 'RUN-90001-2023')}: gör det med avtalsgen utdrag {shown} --paragraf "
        "212, signera det och expediera det sedan"
    ) in fold(result.output)
    assert not (tmp_path / "output").exists()


@pytest.fixture
def signed(made: Made, tmp_path: Path) -> Made:
    """A copy of the cases and of the module's extracts, both certified and nothing
    expedited yet: the state of its own, whichever of the module's tests ran before."""
    shutil.copytree(made.root / "cases", tmp_path / "cases")
    shutil.copytree(made.root / "signed", tmp_path / "output")
    return Made(
        tmp_path, tmp_path / made.meeting.relative_to(made.root), tmp_path / "output",
        made.p12, made.root_cert,
    )  # fmt: skip


@pytest.fixture
def expedited(signed: Made) -> Made:
    """:func:`signed`, expedited once (the director has no address)."""
    results = expedite(signed.meeting, signed.output, now=NOW)
    assert [(r.paragraf, r.written, r.utan_adress) for r in results] == [
        (211, True, ("Regional utvecklingsdirektör",)),
        (212, True, ("Regional utvecklingsdirektör",)),
    ]
    return signed


def test_the_files_lines_are_read_once_and_only_for_a_problem(
    signed: Made, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The program file's lines were read again for every paragraph, before anything was
    known to be wrong; now a YAML file's lines are read where a problem or a missing address
    needs them, once a run (the director has no address: the program file's line for it)."""
    from avtalsgen.input import load
    from avtalsgen.meetings import expediering

    read: list[Path] = []

    def key_lines(path: Path) -> dict[tuple[str | int, ...], int]:
        read.append(path)
        return real(path)

    real = load.key_lines
    monkeypatch.setattr(expediering, "key_lines", key_lines)
    results = expedite(signed.meeting, signed.output, now=NOW)
    assert [r.utan_adress for r in results] == [("Regional utvecklingsdirektör",)] * 2
    program = signed.root / "cases" / "program" / "norrbottens-ekosystem.yaml"
    assert read.count(program) == 1
    assert len(read) == len(set(read))


def test_messages_carry_the_signed_extract_byte_for_byte(signed: Made) -> None:
    made = signed
    results = expedite(made.meeting, made.output, now=NOW)
    assert [(r.paragraf, r.written) for r in results] == [(211, True), (212, True)]
    # The seed's list names no actor: the decision on its agreement does not reach it.
    assert [r.utan_aktor for r in results] == [True, False]
    i18n.set_language("en")  # the autouse fixture sets it back
    lines = [" ".join(line.split()) for line in summaries(results)]
    assert (
        "§ 211 RUN-00386-2023 (version 1): the actor, Swedish Lapland Visitors Board, is not "
        "among the recipients of the extract (protokollsutdrag_till in "
    ) in "\n".join(lines)
    assert not any("§ 212" in line and "is not among the recipients" in line for line in lines)
    listing = (results[0].folder / LIST).read_text(encoding="utf-8")
    assert "Aktören, Swedish Lapland Visitors Board, finns inte bland mottagarna" in listing
    arktiska = results[1]
    assert arktiska.utan_adress == ("Regional utvecklingsdirektör",)
    assert [m.mottagare for m in arktiska.messages] == [
        "Funktionsbrevlåda Utveckla Norrbotten",
        "Exempel Arktiska Testbäddar ekonomisk förening",
    ]
    folder = made.output / "sammantraden" / "2023-12-05-regionala-utvecklingsnamnden"
    assert arktiska.folder == folder / "expediering" / "RUN-90001-2023-212-v1"
    names = sorted(p.name for p in arktiska.folder.iterdir())
    assert names == [
        "02-funktionsbrevlada-utveckla-norrbotten.eml",
        "03-exempel-arktiska-testbaddar-ekonomisk-forening.eml",
        LIST,
    ]
    certified = made.extract.read_bytes()
    # The extract says how and where the decision is appealed, not the last day alone.
    stated = fold(pdftotext(made.extract))
    assert (
        "Hur man överklagar (överklagandehänvisning) Den som är medlem i Region Norrbotten kan "
        "överklaga beslutet genom laglighetsprövning enligt 13 kap. kommunallagen (2017:725)."
    ) in stated
    assert "Skicka överklagandet till: Förvaltningsrätten i Luleå, Box 849, 971 26 Luleå." in (
        stated
    )
    for to in arktiska.messages:
        message = parse(to.path)
        [recipient] = message["To"].addresses
        assert (recipient.display_name, recipient.addr_spec) == (to.mottagare, to.epost)
        [sender] = message["From"].addresses
        assert (sender.display_name, sender.addr_spec) == (
            "Region Norrbotten, Regionala utvecklingsnämnden",
            "registrator@region.example",
        )
        assert message["Subject"] == (
            "EXEMPEL – Protokollsutdrag RUN-90001-2023 § 212, Regionala utvecklingsnämnden "
            "2023-12-05"
        )
        assert message["X-Unsent"] == "1"
        # The ID names the sender's domain, never this machine.
        assert message["Message-ID"].endswith("@region.example>")
        assert socket.gethostname() not in message["Message-ID"]
        # Dated in Swedish time, as the registrator's mail client dates a message (it was
        # UTC: "09:30:00 +0000"); the same moment.
        assert message["Date"] == "Wed, 10 Jan 2024 10:30:00 +0100"
        assert message["Date"].datetime == NOW
        # The Swedish words travel in ASCII headers (RFC 2047) and read back as written.
        head = to.path.read_bytes().split(b"\n\n")[0].decode("ascii")
        assert "Subject: EXEMPEL =?utf-8?q?=E2=80=93_Protokollsutdrag" in head
        body = message.get_body(preferencelist=("plain",))
        assert body is not None
        text = " ".join(body.get_content().split())
        assert text.startswith(
            "Hej! Här kommer ett protokollsutdrag ur regionala utvecklingsnämndens protokoll "
            "från sammanträdet den 5 december 2023, § 212 i ärende RUN-90001-2023, Exempel – "
            "Norrbottens ekosystem – Arktiska testbäddar. Utdraget är bestyrkt med elektronisk "
            "underskrift. Sista dag för överklagande är den 3 januari 2024."
        )
        assert text.endswith(
            "Med vänlig hälsning Lena Exempelsson Sekreterare, Regionala utvecklingsnämnden "
            "Region Norrbotten"
        )
        [attachment] = list(message.iter_attachments())
        assert attachment.get_content_type() == "application/pdf"
        # Named as the packet embeds it: the Dnr in front.
        assert attachment.get_filename() == "RUN-90001-2023-protokollsutdrag-212.pdf"
        assert attachment.get_content() == certified
    listing = (arktiska.folder / LIST).read_text(encoding="utf-8")
    assert (
        "Mottagare utan e-postadress; skicka utdraget till dem på annat sätt, eller fyll i "
        "adressen och kör expediera igen:\n"
        "  Regional utvecklingsdirektör (programfilen: Expediering › Mottagare, "
        "expediering.mottagare)\n"
    ) in listing


def test_recipients_without_an_address_are_listed_by_the_cli(
    expedited: Made, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = expedited
    monkeypatch.chdir(made.root)
    result = CliRunner().invoke(app, ["expediera", str(made.meeting), "--output",
                                      str(made.output)])  # fmt: skip
    assert result.exit_code == 0, result.output
    # It named no file: the program file by its path and the line of the addresses.
    program = made.root / "cases" / "program" / "norrbottens-ekosystem.yaml"
    line = program.read_text(encoding="utf-8").splitlines().index("  mottagare:") + 1
    # Once for both paragraphs (it was a line each, the same words twice).
    assert (
        "Regional utvecklingsdirektör: NO ADDRESS (§ 211 RUN-00386-2023, § 212 RUN-90001-2023): "
        f"cases/program/norrbottens-ekosystem.yaml:{line}: expediering.mottagare has no e-mail "
        "address for 'Regional utvecklingsdirektör'; add it there (namn: Regional "
        "utvecklingsdirektör, epost: ...) and run expediera again, or send the extracts another "
        "way\n"
    ) in result.output
    assert result.output.count("NO ADDRESS") == 1
    assert result.output.splitlines()[-1] == (
        "messages written: 0, already written: 3, recipients without an address: 2"
    )
    assert (
        "§ 211 RUN-00386-2023 (version 1): Funktionsbrevlåda Utveckla Norrbotten "
        "<utveckla@region.example>: already written, left as it is: output/sammantraden/"
        "2023-12-05-regionala-utvecklingsnamnden/expediering/RUN-00386-2023-211-v1/"
        "02-funktionsbrevlada-utveckla-norrbotten.eml\n"
    ) in result.output


def test_an_address_added_since_gets_its_message_and_the_others_stay(
    expedited: Made, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After the director's address was added to the program file, expediera again said
    "already written, left as it is: .../01-regional-utvecklingsdirektor.eml" of a message
    that was never written (the paragraph's folder was there), and wrote nothing."""
    made = expedited
    program = made.root / "cases" / "program" / "norrbottens-ekosystem.yaml"
    text = program.read_text(encoding="utf-8")
    director = "    - namn: Regional utvecklingsdirektör\n      epost: null\n"
    assert director in text
    program.write_text(
        text.replace(director, director.replace("null", "rud@region.example")), encoding="utf-8"
    )
    folder = made.output / "sammantraden" / "2023-12-05-regionala-utvecklingsnamnden"
    paragraph = folder / "expediering" / "RUN-90001-2023-212-v1"
    before = {p.name: p.read_bytes() for p in paragraph.glob("*.eml")}
    assert len(before) == 2
    monkeypatch.chdir(made.root)
    argv = ["expediera", str(made.meeting), "--output", str(made.output)]
    result = CliRunner().invoke(app, argv)
    assert result.exit_code == 0, result.output
    new = paragraph / "01-regional-utvecklingsdirektor.eml"
    assert new.is_file()
    [recipient] = parse(new)["To"].addresses
    assert (recipient.display_name, recipient.addr_spec) == (
        "Regional utvecklingsdirektör",
        "rud@region.example",
    )
    assert [a.get_content() for a in parse(new).iter_attachments()] == [made.extract.read_bytes()]
    assert {p.name: p.read_bytes() for p in paragraph.glob("*.eml") if p != new} == before
    shown = "output/sammantraden/2023-12-05-regionala-utvecklingsnamnden/expediering/"
    assert (
        "§ 212 RUN-90001-2023 (version 1): Regional utvecklingsdirektör <rud@region.example>: "
        f"written: {shown}RUN-90001-2023-212-v1/01-regional-utvecklingsdirektor.eml\n"
    ) in result.output
    assert (
        "§ 212 RUN-90001-2023 (version 1): Funktionsbrevlåda Utveckla Norrbotten "
        "<utveckla@region.example>: already written, left as it is:"
    ) in result.output
    assert "NO ADDRESS" not in result.output
    listing = (paragraph / LIST).read_text(encoding="utf-8")
    assert (
        "  01-regional-utvecklingsdirektor.eml: Regional utvecklingsdirektör <rud@region.example>"
    ) in listing
    assert "utan e-postadress" not in listing
    again = CliRunner().invoke(app, argv)
    assert again.exit_code == 0 and ": written:" not in again.output, again.output


def test_a_preparatory_decision_s_message_states_no_appeal_date(tmp_path: Path) -> None:
    # An återremiss may not be appealed (kommunallagen 13 kap. 2 §): its covering text says
    # so instead of a last day for an appeal, which the avslag's states.
    from avtalsgen.meetings.expediering import Expediering, Message, message
    from avtalsgen.meetings.justering import load_meeting

    meeting = load_meeting(REPO / "cases" / "sammantraden" / "exempel-run-2024-12-10.yaml")
    extract = tmp_path / "protokollsutdrag.pdf"
    extract.write_bytes(b"%PDF-1.7\n")
    to = Message("Registrator", "registrator@example.se", tmp_path / "m.eml")
    now = dt.datetime(2024, 12, 20, 9, 0, tzinfo=dt.UTC)

    def text(paragraf: int, dnr: str) -> str:
        program = REPO / "cases" / "program" / "norrbottens-ekosystem.yaml"
        plan = Expediering(paragraf, dnr, extract, 1, tmp_path, (to,), (), program_file=program)
        body = message(meeting, plan, to, now).get_body()
        assert body is not None
        return str(body.get_content())

    referred = text(196, "RUN-90005-2024")
    assert (
        "Utdraget är bestyrkt med elektronisk underskrift. Beslutet är av rent förberedande "
        "art och får inte överklagas (13 kap. 2\u00a0§ kommunallagen)."
    ) in referred
    assert "Sista dag för överklagande" not in referred
    assert "laglighetsprövning" not in referred
    rejected = text(195, "RUN-90003-2024")
    assert "Sista dag för överklagande är den " in rejected
    assert "förberedande" not in rejected
    # How and where the avslag is appealed, not the last day alone (only the anslag said
    # so, and the actor reads the message, not the anslag).
    said = " ".join(rejected.split())
    assert (
        "Den som är medlem i Region Norrbotten kan överklaga beslutet genom laglighetsprövning "
        "enligt 13 kap. kommunallagen (2017:725). Överklagandet ska ha kommit in till "
        "Förvaltningsrätten i Luleå inom tre veckor från den dag då justeringen av protokollet "
        "tillkännagavs på regionens anslagstavla, det vill säga senast den "
    ) in said
    assert "Skicka överklagandet till: Förvaltningsrätten i Luleå, Box 849, 971 26 Luleå." in (said)


#: The actor's address in the program file, and where the case file gives it instead.
ARKTISKA = "    - namn: Exempel Arktiska Testbäddar ekonomisk förening\n"
AREA = "  omrade: testverksamheten i arktiskt klimat\n"


def test_the_actor_s_address_comes_from_the_case_file(signed: Made) -> None:
    """The actor, the extract's main recipient, is given its address per case (aktor.epost)
    rather than in the program file that every case shares (found by a new user: the actor
    could only be listed in sandlista.txt)."""
    made = signed
    program = made.root / "cases" / "program" / "norrbottens-ekosystem.yaml"
    text = program.read_text(encoding="utf-8")
    entry = ARKTISKA + "      epost: kansli@arktiska-testbaddar.example\n"
    assert entry in text
    program.write_text(text.replace(entry, ""), encoding="utf-8")
    case = made.root / "cases" / "exempel-arktiska-testbaddar.yaml"
    source = case.read_text(encoding="utf-8")
    assert AREA in source
    case.write_text(source.replace(AREA, AREA + "  epost: styrelsen@arktiska.example\n"), "utf-8")
    [_, arktiska] = expedite(made.meeting, made.output, now=NOW)
    assert [(m.mottagare, m.epost) for m in arktiska.messages] == [
        ("Funktionsbrevlåda Utveckla Norrbotten", "utveckla@region.example"),
        ("Exempel Arktiska Testbäddar ekonomisk förening", "styrelsen@arktiska.example"),
    ]
    [recipient] = parse(arktiska.messages[1].path)["To"].addresses
    assert recipient.addr_spec == "styrelsen@arktiska.example"


def test_an_actor_without_an_address_is_told_where_to_give_it(
    signed: Made, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = signed
    program = made.root / "cases" / "program" / "norrbottens-ekosystem.yaml"
    text = program.read_text(encoding="utf-8")
    entry = ARKTISKA + "      epost: kansli@arktiska-testbaddar.example\n"
    program.write_text(text.replace(entry, ""), encoding="utf-8")
    monkeypatch.chdir(made.root)
    result = CliRunner().invoke(app, ["expediera", str(made.meeting), "--output",
                                      str(made.output)])  # fmt: skip
    assert result.exit_code == 0, result.output
    case = made.root / "cases" / "exempel-arktiska-testbaddar.yaml"
    line = case.read_text(encoding="utf-8").splitlines().index("aktor:") + 1
    assert (
        "§ 212 RUN-90001-2023 (version 1): Exempel Arktiska Testbäddar ekonomisk förening: NO "
        f"ADDRESS: cases/exempel-arktiska-testbaddar.yaml:{line}: aktor: the actor has no e-mail "
        "address; add it to the case file (epost: ... under aktor) and run expediera again, or "
        "send the extract another way"
    ) in " ".join(result.output.split())
    folder = made.output / "sammantraden" / "2023-12-05-regionala-utvecklingsnamnden"
    listing = (folder / "expediering" / "RUN-90001-2023-212-v1" / LIST).read_text("utf-8")
    assert (
        "  Exempel Arktiska Testbäddar ekonomisk förening (aktören: fyll i Aktör › E-post i "
        "ärendets formulär, aktor.epost i ärendefilen)"
    ) in listing
    # The actor's address is the case file's: the list no longer puts it under the
    # program file's heading ("Mottagare utan e-postadress i programfilen").
    assert "i programfilen" not in listing
    assert (
        "  Regional utvecklingsdirektör (programfilen: Expediering › Mottagare, "
        "expediering.mottagare)"
    ) in listing


def test_an_actor_s_address_is_validated(tmp_path: Path) -> None:
    cases = tmp_path / "cases"
    shutil.copytree(REPO / "cases", cases)
    case = cases / "exempel-arktiska-testbaddar.yaml"
    source = case.read_text(encoding="utf-8")
    case.write_text(source.replace(AREA, AREA + "  epost: styrelsen@arktiska\n"), "utf-8")
    line = case.read_text(encoding="utf-8").splitlines().index("  epost: styrelsen@arktiska") + 1
    checked = CliRunner().invoke(app, ["--lang", "en", "check", str(case)])
    assert checked.exit_code == 1
    assert checked.stderr.splitlines()[0] == (
        f"{case}:{line}: aktor.epost: 'styrelsen@arktiska' is not an e-mail address: write one "
        "address as name@domain.se, without a display name (an internationalised domain in "
        "its xn-- form)"
    )
    assert "Traceback" not in checked.output


def test_the_actor_s_address_in_the_schema() -> None:
    shown = CliRunner().invoke(app, ["--lang", "sv", "schema", "arende"])
    assert shown.exit_code == 0, shown.output
    field = json.loads(shown.stdout)["$defs"]["Aktor"]["properties"]["epost"]
    assert field["title"] == "E-post"
    assert field["anyOf"][0]["format"] == "email"
    assert field["description"].startswith("Aktörens e-postadress, dit protokollsutdraget")


#: The sender in the module's program file (ADDRESSES).
SENDER = (
    "  avsandare:\n"
    "    namn: Region Norrbotten, Regionala utvecklingsnämnden\n"
    "    epost: registrator@region.example\n"
)


@pytest.mark.parametrize("lang", ["en", "sv"])
def test_a_program_without_a_sender_is_refused(
    signed: Made, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    """Without the region's functional mailbox the drafts had no From (the mail client
    filled in the secretary's own address) and no Message-ID: refused, by the program
    file's line, once for both paragraphs, before anything is written."""
    made = signed
    program = made.root / "cases" / "program" / "norrbottens-ekosystem.yaml"
    text = program.read_text(encoding="utf-8")
    assert SENDER in text
    program.write_text(text.replace(SENDER, ""), encoding="utf-8")
    line = program.read_text(encoding="utf-8").splitlines().index("expediering:") + 1
    monkeypatch.chdir(made.root)
    result = CliRunner().invoke(
        app, ["--lang", lang, "expediera", str(made.meeting), "--output", "output"]
    )
    assert result.exit_code == 1, result.output
    where = f"cases/program/norrbottens-ekosystem.yaml:{line}: expediering.avsandare: "
    said = {
        "en": "the program file gives no sender for the e-mails: add the region's functional "
        "mailbox there, as avsandare: with namn: (e.g. Region Norrbotten, Regionala "
        "utvecklingsnämnden) and epost: (the registrator's address) under expediering, and "
        "run expediera again",
        "sv": "programfilen anger ingen avsändare för e-posten: lägg till regionens "
        "funktionsbrevlåda där, som avsandare: med namn: (t.ex. Region Norrbotten, Regionala "
        "utvecklingsnämnden) och epost: (registratorns adress) under expediering, och kör "
        "expediera igen",
    }[lang]
    assert result.stderr.splitlines()[0] == where + said
    assert result.stderr.count("expediering.avsandare") == 1
    assert "Traceback" not in result.output
    assert not (made.output / "sammantraden").exists()


def test_a_real_meeting_is_not_sent_from_an_example_address(
    signed: Made, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The shipped program's sender is fictitious (.example): taken for the example
    meetings, refused for a real one, naming the line to correct. So is the module's
    certification, whose key is the DEMO PKI's (test_demo_certification)."""
    made = signed
    text = made.meeting.read_text(encoding="utf-8")
    assert "\nexempel: true\n" in text
    # § 211 on the seed's real case, at a meeting that is not an example (§ 212's case is
    # an example, which only an example meeting may decide).
    real = text.replace("\nexempel: true\n", "\n")
    made.meeting.write_text(real[: real.index("\n  - paragraf: 212")] + "\n", encoding="utf-8")
    program = made.root / "cases" / "program" / "norrbottens-ekosystem.yaml"
    line = (
        program.read_text(encoding="utf-8")
        .splitlines()
        .index("    epost: registrator@region.example")
        + 1
    )
    with pytest.raises(CaseError) as caught:
        expedite(made.meeting, made.output, now=NOW)
    assert caught.value.problems[0] == (
        f"{program}:{line}: expediering.avsandare.epost: registrator@region.example is an "
        "example address (example is reserved for examples: no mail reaches it or comes from "
        "it), and the meeting is not an example: write the region's functional mailbox there "
        "and run expediera again"
    )
    [demo] = caught.value.problems[1:]
    assert "is certified with the DEMO key, which is not valid for real use" in demo
    assert not (made.output / "sammantraden").exists()
    # The region's own mailbox: the drafts are written, from it, dated in Swedish time.
    program.write_text(
        program.read_text(encoding="utf-8").replace(
            "registrator@region.example", "registrator@region.se"
        ),
        encoding="utf-8",
    )
    # As if certified with the secretary's real key: the module's is the DEMO PKI's.
    monkeypatch.setattr("avtalsgen.signing.demo.signed_with_demo", lambda *args: False)
    [result] = expedite(made.meeting, made.output)
    message = parse(result.messages[0].path)
    [sender] = message["From"].addresses
    assert sender.addr_spec == "registrator@region.se"
    assert message["Message-ID"].endswith("@region.se>")
    assert not message["Subject"].startswith("EXEMPEL")
    sent = message["Date"].datetime
    assert sent.utcoffset() == sent.astimezone(ZoneInfo("Europe/Stockholm")).utcoffset()
