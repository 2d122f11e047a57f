"""The anslag (notice of justering): its dates for the holiday cases the meeting rules
handle, the notice of omedelbart justerade paragraphs, secret paragraphs left out, new
versions instead of replacement, and refusals; end to end with LibreOffice, pdftotext and
axe-core in headless Chromium.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pikepdf
import pytest
from accessibility import axe_violations
from conftest import REPO, fold
from pdftext import pdftotext
from warm_converter import converter_in

from avtalsgen import i18n
from avtalsgen.conversion.convert import LibreOfficeConverter
from avtalsgen.errors import CaseError
from avtalsgen.meetings.anslag import Anslag, Status, build_anslag, notices, paragraph_list
from avtalsgen.meetings.justering import load_meeting
from avtalsgen.model.meeting import senaste_anslagsdatum
from avtalsgen.pdf.pdfa import check_pdfa_structure

#: A meeting deciding two cases whose files record no decision, with dates to fill in.
MEETING = """\
exempel: true
namnd: Regionala utvecklingsnämnden
datum: {datum}
plats: Regionhuset, Luleå
ordforande: Maria Exempelsdotter
sekreterare: Lena Exempelsson
justerare:
  - Johan Exempelsson
justeringsdatum: {justering}
anslagsdatum: {anslag}
arenden: ..
paragrafer:
  - paragraf: 41
    dnr: RUN-00386-2023
    beslut: enligt förslaget
  - paragraf: 42
    dnr: RUN-90002-2024
    beslut: enligt förslaget
"""


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    i18n.set_language("en")
    yield
    i18n.set_language(None)


def write_meeting(root: Path, text: str, name: str = "m.yaml") -> Path:
    """``text`` as a meeting file beside a copy of the shipped cases (found by ``..``),
    without the shipped meetings: a case is decided once, and these meetings decide the
    shipped cases anew."""
    cases = root / "cases"
    if not cases.exists():
        shutil.copytree(REPO / "cases", cases)
        for shipped in (cases / "sammantraden").glob("*.yaml"):
            shipped.unlink()
    path = cases / "sammantraden" / name
    path.write_text(text, encoding="utf-8")
    return path


def meeting_text(datum: str, justering: str, anslag: str) -> str:
    return MEETING.format(datum=datum, justering=justering, anslag=anslag)


# --- the dates, without LibreOffice -------------------------------------------------------

HOLIDAYS = [
    # (meeting, justering, notice up, last day: it comes down after it)
    # Three weeks from 2025-03-28 is 2025-04-18, långfredagen; then påskafton (a Saturday),
    # påskdagen, annandag påsk: Tuesday 2025-04-22.
    pytest.param("2025-03-20", "2025-03-27", "2025-03-28", "2025-04-22", id="easter"),
    # 2025-12-31 is nyårsafton, 2026-01-01 nyårsdagen: Friday 2 January.
    pytest.param("2025-12-02", "2025-12-09", "2025-12-10", "2026-01-02", id="new-year"),
    # 2025-06-20 is midsommarafton, then midsommardagen and a Sunday: Monday 23 June.
    pytest.param("2025-05-20", "2025-05-29", "2025-05-30", "2025-06-23", id="midsommar"),
]


ANSLAG_DEADLINES = [
    # (justering, the last day the notice may go up): the second day after the justering,
    # or the next weekday (lag (1930:173) om beräkning av lagstadgad tid).
    pytest.param("2025-03-26", "2025-03-28", id="ordinary"),
    pytest.param("2025-03-27", "2025-03-31", id="weekend"),
    # 2025-04-18 is långfredagen, then påskafton, påskdagen, annandag påsk.
    pytest.param("2025-04-16", "2025-04-22", id="easter"),
    # 2025-06-20 is midsommarafton, then midsommardagen and a Sunday.
    pytest.param("2025-06-18", "2025-06-23", id="midsommar"),
    # 2025-12-24 is julafton, then juldagen, annandag jul and a weekend.
    pytest.param("2025-12-22", "2025-12-29", id="christmas"),
    # 2025-12-31 is nyårsafton, then nyårsdagen.
    pytest.param("2025-12-29", "2026-01-02", id="new-year"),
]


@pytest.mark.parametrize(("justering", "latest"), ANSLAG_DEADLINES)
def test_the_last_day_a_notice_may_go_up(tmp_path: Path, justering: str, latest: str) -> None:
    last = dt.date.fromisoformat(latest)
    assert senaste_anslagsdatum(dt.date.fromisoformat(justering)) == last
    datum = (dt.date.fromisoformat(justering) - dt.timedelta(days=7)).isoformat()
    meeting = load_meeting(write_meeting(tmp_path, meeting_text(datum, justering, latest)))
    [notice] = notices(meeting)
    assert notice.anslagsdatum == last
    late = (last + dt.timedelta(days=1)).isoformat()
    refused = f"anslagsdatum: .* by (the next weekday, )?{latest}, got {late}$"
    with pytest.raises(CaseError, match=refused):
        load_meeting(write_meeting(tmp_path, meeting_text(datum, justering, late), "late.yaml"))


@pytest.mark.parametrize(("datum", "justering", "anslag", "last"), HOLIDAYS)
def test_notice_dates_around_holidays(
    tmp_path: Path, datum: str, justering: str, anslag: str, last: str
) -> None:
    meeting = load_meeting(write_meeting(tmp_path, meeting_text(datum, justering, anslag)))
    [notice] = notices(meeting)
    assert notice.omedelbart is False
    assert notice.paragrafer == (41, 42)
    assert notice.justeringsdatum == dt.date.fromisoformat(justering)
    assert notice.anslagsdatum == dt.date.fromisoformat(anslag)
    assert notice.till_och_med == dt.date.fromisoformat(last)
    assert notice.sista_dag_for_overklagande == dt.date.fromisoformat(last)
    assert notice.forvaringsplats == "Region Norrbotten, Regionhuset, Robertsviksgatan 7, Luleå"
    assert notice.forvaltningsratt == "Förvaltningsrätten i Luleå"
    assert notice.forvaltningsratt_adress == "Box 849, 971 26 Luleå"


def test_omedelbart_justerade_paragraphs_get_their_own_notice_and_secret_ones_none(
    tmp_path: Path,
) -> None:
    text = meeting_text("2025-03-20", "2025-03-27", "2025-03-28").replace(
        "    dnr: RUN-00386-2023\n    beslut: enligt förslaget\n",
        "    dnr: RUN-00386-2023\n    beslut: enligt förslaget\n"
        "    omedelbart_justerad: true\n    anslagsdatum: 2025-03-21\n",
    )
    text += (  # a paragraph decides one Dnr: the secret § 43 another case
        "  - paragraf: 43\n    dnr: RUN-90001-2023\n    beslut: enligt förslaget\n"
        "    sekretess:\n      bestammelse: 31 kap. 16 § OSL\n      datum: 2025-03-20\n"
    )
    minutes, own = notices(load_meeting(write_meeting(tmp_path, text)))
    assert (minutes.omedelbart, minutes.paragrafer) == (False, (42,))
    assert minutes.till_och_med == dt.date(2025, 4, 22)
    assert (own.omedelbart, own.paragrafer, own.key) == (True, (41,), "omedelbart-2025-03-21")
    assert own.justeringsdatum == dt.date(2025, 3, 20)
    assert own.anslagsdatum == dt.date(2025, 3, 21)
    assert own.till_och_med == dt.date(2025, 4, 11)


def test_paragraph_list() -> None:
    assert paragraph_list([]) == ""
    assert paragraph_list([7]) == "§ 7"
    assert paragraph_list([9, 5, 6, 7, 12, 11]) == "§§ 5–7, 9, 11–12"


def test_a_program_without_protokoll_is_refused_by_line(tmp_path: Path) -> None:
    path = write_meeting(tmp_path, meeting_text("2025-03-20", "2025-03-27", "2025-03-28"))
    program = tmp_path / "cases" / "program" / "norrbottens-ekosystem.yaml"
    text = program.read_text(encoding="utf-8")
    start, end = text.index("\nprotokoll:"), text.index("\nexpediering:")
    program.write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(CaseError) as caught:
        notices(load_meeting(path))
    assert caught.value.problems[0] == (
        f"{path}:14: paragrafer[0].dnr: the program file of RUN-00386-2023 does not say where "
        "the minutes are kept and where appeals go: add protokoll (forvaringsplats, "
        "forvaltningsratt) to it"
    )


# --- refusals, nothing written ------------------------------------------------------------


class Unused:
    """A converter that must not be called."""

    def convert(self, docx_files: object, outdir: Path) -> list[Path]:
        raise AssertionError(f"nothing should be converted, got {docx_files}")


def test_an_anslag_before_the_minutes_are_justerade_is_refused(tmp_path: Path) -> None:
    path = write_meeting(tmp_path, (REPO / "cases/sammantraden/exempel-run-2023-12-05.yaml")
                         .read_text(encoding="utf-8"))  # fmt: skip
    output = tmp_path / "output"
    with pytest.raises(CaseError) as caught:
        build_anslag(path, output, REPO / "templates", Unused(), today=dt.date(2023, 12, 10))
    assert caught.value.problems == [
        f"{path}:15: justeringsdatum: the minutes are justerade on 2023-12-12: the anslag "
        "cannot be made before then (today is 2023-12-10); the notices of omedelbart "
        "justerade paragraphs can be made with --omedelbart"
    ]
    with pytest.raises(CaseError) as caught:
        build_anslag(path, output, REPO / "templates", Unused(), omedelbart=True,
                     today=dt.date(2023, 12, 4))  # fmt: skip
    assert caught.value.problems == [
        f"{path}:9: datum: the meeting is held on 2023-12-05: no notice of it can be made "
        "before then (today is 2023-12-04)"
    ]
    assert not output.exists()


def test_a_late_notice_date_is_refused_by_the_cli(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from avtalsgen.cli.app import app

    # Justerad on a Thursday: the second day after is a Saturday, so the notice may go up
    # on Monday 2025-03-31 (lag (1930:173)), not on the Tuesday.
    path = write_meeting(tmp_path, meeting_text("2025-03-20", "2025-03-27", "2025-04-01"))
    result = CliRunner().invoke(app, ["anslag", str(path), "--output", str(tmp_path / "output")])
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"{path}:10: anslagsdatum: the notice must go up on the anslagstavla no later than 2 "
        "days after the justering (2025-03-27), on 2025-03-29; that day is a Saturday, Sunday "
        "or holiday, so by the next weekday, 2025-03-31, got 2025-04-01"
    )  # "that day" was read as the justering's, a Thursday: the day it means is named
    assert "Traceback" not in result.output
    assert not (tmp_path / "output").exists()


# --- end to end ---------------------------------------------------------------------------


class _Text(HTMLParser):
    """The text of an HTML page's body, as a reader sees it."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.skip += tag in ("style", "title")

    def handle_endtag(self, tag: str) -> None:
        self.skip -= tag in ("style", "title")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def html_text(path: Path) -> str:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return fold(" ".join(parser.parts))


def states(text: str, notice: Anslag, first: str) -> None:
    """``text`` states every fact of the notice, in the words of the template."""
    facts = [
        "Region Norrbotten",
        "Tillkännagivande av justering",
        f"Organ: {notice.namnd}",
        f"Sammanträdesdatum: {notice.sammantradesdatum}",
        f"Anslaget sätts upp: {notice.anslagsdatum}",
        f"Anslaget sitter uppe till och med: {notice.till_och_med}",
        f"Förvaringsplats för protokollet: {notice.forvaringsplats}",
        f"Sista dag för överklagande: {notice.sista_dag_for_overklagande}",
        "laglighetsprövning enligt 13 kap. kommunallagen (2017:725)",
        f"Överklagandet ska ha kommit in till {notice.forvaltningsratt} inom tre veckor från "
        "den dag då justeringen av protokollet tillkännagavs på regionens anslagstavla, det "
        f"vill säga senast {first}.",
        "Skicka överklagandet till: Förvaltningsrätten i Luleå, Box 849, 971 26 Luleå.",
    ]
    for fact in facts:
        assert fact in text, fact


@dataclass(frozen=True)
class Made:
    easter: Path
    example: Path
    output: Path


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory, session_converter: Path) -> Made:
    """The notices of an Easter meeting and of the 2023 example meeting (with its
    omedelbart justerad § 211 and § 212 made secret), made once (by the test process's warm
    converter, conftest.session_converter)."""
    root = tmp_path_factory.mktemp("anslag")
    # Each meeting beside a copy of the cases of its own: both decide the seed.
    easter = write_meeting(root / "paask", meeting_text("2025-03-20", "2025-03-27", "2025-03-28"),
                           "paask.yaml")  # fmt: skip
    example_text = (REPO / "cases/sammantraden/exempel-run-2023-12-05.yaml").read_text("utf-8")
    example_text = example_text.replace(
        "    dnr: RUN-90001-2023\n",
        "    dnr: RUN-90001-2023\n    sekretess:\n      bestammelse: 21 kap. 7 § OSL\n"
        "      datum: 2023-12-05\n",
    )
    example = write_meeting(root / "exempel", example_text, "exempel.yaml")
    output = root / "output"
    with converter_in(session_converter) as converter:
        [result] = build_anslag(easter, output, REPO / "templates", converter,
                                today=dt.date(2025, 3, 27))  # fmt: skip
        results = build_anslag(example, output, REPO / "templates", converter,
                               today=dt.date(2024, 1, 10))  # fmt: skip
    assert (result.status, result.version) == (Status.NY, 1)
    assert [(r.anslag.key, r.status) for r in results] == [
        ("protokoll", Status.NY),
        ("omedelbart-2023-12-06", Status.NY),
    ]
    return Made(easter, example, output)


def folder(made: Made, date: str) -> Path:
    return made.output / "sammantraden" / f"{date}-regionala-utvecklingsnamnden"


@pytest.mark.libreoffice
def test_the_notice_states_its_dates_in_the_pdf_and_the_html(made: Made) -> None:
    here = folder(made, "2025-03-20")
    notice = notices(load_meeting(made.easter))[0]
    pdf_text = fold(pdftotext(here / "anslag.pdf"))
    states(pdf_text, notice, "den 22 april 2025")
    assert "Paragrafer: §§ 41–42" in pdf_text
    assert "Datum för justering: 2025-03-27" in pdf_text
    assert (
        "Protokollet från regionala utvecklingsnämndens sammanträde den 20 mars 2025 "
        "justerades den 27 mars 2025. Justeringen har tillkännagivits genom detta anslag."
    ) in pdf_text
    page = html_text(here / "anslag.html")
    states(page, notice, "den 22 april 2025")
    assert "Paragrafer: §§ 41–42" in page
    assert "Sida" not in page  # page numbers stay in the PDF
    html = (here / "anslag.html").read_text(encoding="utf-8")
    assert '<html lang="sv">' in html
    assert (
        "<title>EXEMPEL – Anslag: justering av protokoll, Regionala utvecklingsnämnden, "
        "sammanträde 2025-03-20</title>" in html
    )
    assert "http" not in html and "src=" not in html  # self-contained


@pytest.mark.libreoffice
def test_the_notice_pdf_is_tagged_pdfa_in_swedish(made: Made) -> None:
    pdf_path = folder(made, "2025-03-20") / "anslag.pdf"
    assert check_pdfa_structure(pdf_path, "sv-SE") == []
    with pikepdf.open(pdf_path) as pdf:
        assert "/StructTreeRoot" in pdf.Root
        assert bool(pdf.Root.MarkInfo.Marked)
        assert str(pdf.Root.Lang) == "sv-SE"
        assert str(pdf.docinfo.Title).startswith("EXEMPEL – Anslag: justering av protokoll")


@pytest.mark.libreoffice
def test_omedelbart_justerad_paragraph_has_its_own_notice_and_secret_ones_are_left_out(
    made: Made,
) -> None:
    here = folder(made, "2023-12-05")
    own = fold(pdftotext(here / "anslag-omedelbart-2023-12-06.pdf"))
    assert (
        "§ 211 i protokollet från regionala utvecklingsnämndens sammanträde den 5 december "
        "2023 justerades omedelbart vid sammanträdet."
    ) in own
    assert "Datum för justering: 2023-12-05 (omedelbart justerad vid sammanträdet)" in own
    assert "Anslaget sätts upp: 2023-12-06" in own
    # Three weeks after 2023-12-06 is 2023-12-27, the day after annandag jul.
    assert "Anslaget sitter uppe till och med: 2023-12-27" in own
    assert "senast den 27 december 2023" in own
    minutes = fold(pdftotext(here / "anslag.pdf"))
    assert "Anslaget sätts upp: 2023-12-13" in minutes
    assert "Anslaget sitter uppe till och med: 2024-01-03" in minutes
    # § 212 is secret: the minutes' notice names no paragraph, and nothing says 212.
    for text in (minutes, html_text(here / "anslag.html"), own):
        assert "212" not in text and "Sekretess" not in text
    assert "Paragrafer:" not in minutes


@pytest.mark.libreoffice
def test_a_changed_notice_is_a_new_version_and_the_old_one_stays(
    made: Made, tmp_path: Path
) -> None:
    output = tmp_path / "output"
    shutil.copytree(made.output, output)
    here = output / "sammantraden" / "2025-03-20-regionala-utvecklingsnamnden"
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in here.iterdir()}
    again = build_anslag(made.easter, output, REPO / "templates", Unused(),
                         today=dt.date(2025, 3, 28))  # fmt: skip
    assert [(r.status, r.version) for r in again] == [(Status.OFORANDRAD, 1)]
    corrected = made.easter.with_name("paask-rattad.yaml")
    corrected.write_text(
        made.easter.read_text(encoding="utf-8").replace("anslagsdatum: 2025-03-28",
                                                        "anslagsdatum: 2025-03-29"),
        encoding="utf-8",
    )  # fmt: skip
    [result] = build_anslag(corrected, output, REPO / "templates", LibreOfficeConverter(),
                            today=dt.date(2025, 3, 28))  # fmt: skip
    assert (result.status, result.version) == (Status.RATTELSE, 2)
    # Three weeks from 2025-03-29 is 2025-04-19, påskafton: Tuesday 22 April again, so the
    # last day stays.
    assert result.andrat == ("datum då anslaget sätts upp",)
    assert [p.name for p in result.files] == ["anslag-v2.pdf", "anslag-v2.html"]
    text = fold(pdftotext(here / "anslag-v2.pdf"))
    assert (
        "Rättelse: ersätter anslaget version 1 (upprättat 2025-03-27). Ändrat: datum då "
        "anslaget sätts upp."
    ) in text
    assert "Anslaget sätts upp: 2025-03-29" in text
    assert "Sista dag för överklagande: 2025-04-22" in text
    for name, digest in before.items():
        if name != "anslag.json":
            assert hashlib.sha256((here / name).read_bytes()).hexdigest() == digest, name


@pytest.mark.libreoffice
def test_the_notice_pages_pass_axe_core_in_chromium(made: Made) -> None:
    pages = [
        folder(made, "2025-03-20") / "anslag.html",
        folder(made, "2023-12-05") / "anslag.html",
        folder(made, "2023-12-05") / "anslag-omedelbart-2023-12-06.html",
    ]
    assert axe_violations(*pages) == {page: [] for page in pages}


@pytest.mark.libreoffice
def test_the_cli_says_what_it_did(made: Made) -> None:
    from typer.testing import CliRunner

    from avtalsgen.cli.app import app

    result = CliRunner().invoke(app, ["anslag", str(made.example), "--output", str(made.output)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == (
        "notice of the minutes' justering (–): on the anslagstavla from 2023-12-13 to "
        "2024-01-03 inclusive (the last day to appeal): unchanged since version 1; nothing "
        "written"
    )
    assert lines[2].endswith("2023-12-05-regionala-utvecklingsnamnden/anslag.html")
    assert lines[3] == (
        "notice of omedelbar justering of 2023-12-06 (§ 211): on the anslagstavla from "
        "2023-12-06 to 2023-12-27 inclusive (the last day to appeal): unchanged since version "
        "1; nothing written"
    )


@pytest.mark.libreoffice
def test_a_preparatory_paragraph_is_told_not_appealable_on_the_notice(
    tmp_path: Path, session_converter: Path
) -> None:
    """The meeting of 2024-12-10 rejects § 195 and sends § 196 back (återremiss). The notice
    of the minutes still tells when the time to appeal ends (the law's notice, 8 kap. 12 §
    kommunallagen), and now says that § 196's decision, being merely preparatory, may not be
    appealed (13 kap. 2 §); nothing of the kind is said of § 195. The CLI's line agrees."""
    from typer.testing import CliRunner

    from avtalsgen.cli.app import app

    cases = tmp_path / "cases"
    shutil.copytree(REPO / "cases", cases)
    meeting = cases / "sammantraden" / "exempel-run-2024-12-10.yaml"
    output = tmp_path / "output"
    with converter_in(session_converter) as converter:
        [result] = build_anslag(meeting, output, REPO / "templates", converter,
                                today=dt.date(2024, 12, 17))  # fmt: skip
    assert result.anslag.forberedande == ((196, "återremiss"),)
    note = (
        "Beslutet i § 196 (återremiss) är av rent förberedande art och får inte överklagas "
        "(13 kap. 2 § kommunallagen)."
    )
    for text in (fold(pdftotext(result.files[0])), html_text(result.files[1])):
        assert "Sista dag för överklagande: 2025-01-08" in text
        assert "det vill säga senast den 8 januari 2025." in text
        assert note in text
        assert "§ 195 (" not in text
    i18n.set_language("sv")
    said = CliRunner().invoke(app, ["anslag", str(meeting), "--output", str(output)])
    assert said.exit_code == 0, said.output
    assert said.output.splitlines()[0] == (
        "anslag om protokollets justering (§§ 195–196): på anslagstavlan från och med "
        "2024-12-18 till och med 2025-01-08 (sista dag för överklagande; § 196 får inte "
        "överklagas, beslutet är av rent förberedande art): oförändrad sedan version 1; "
        "inget skrevs"
    )
