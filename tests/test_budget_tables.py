"""The beslutsförslag's "Fördelning per budgetår" never prints a broken amount (qa17): from
five budget years on, its columns were too narrow, and LibreOffice broke "1 000 000" into
"1 000 00" and "0" in the cell, "2025" into "202" and "5" with ten avtalsår; with six the
build failed saying "dokumentet anger 1 000 för finansiären, vilket inte är något av dess
belopp". The years are now spread over as many tables as hold their amounts, and a cell
that a (customised) template still makes too narrow is named as that."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import pytest
from conftest import REPO, edit, fold, needs_soffice, run_cli
from pdftext import pdftotext
from warm_converter import converter_in

from avtalsgen import i18n
from avtalsgen.documents.budgettables import budget_tables
from avtalsgen.documents.factbreaks import broken_cells
from avtalsgen.documents.factcheck import pdf_text
from avtalsgen.model.money import Berakning, Finansiering, Finansieringsregler, compute_financing

EXAMPLE = (REPO / "cases" / "exempel-arktiska-testbaddar.yaml").read_text(encoding="utf-8")


def _figures(start: str, slut: str, per_ar: int = 1_000_000) -> Berakning:
    money = Finansiering.model_validate(
        {
            "period": {"start": dt.date.fromisoformat(start), "slut": dt.date.fromisoformat(slut)},
            "finansiarer": [
                {"namn": "Region Norrbotten - ERP", "kalla": "ERP", "belopp_per_ar": per_ar},
                {"namn": "Luleå kommun", "slag": "kommun", "belopp_per_ar": 500_000},
            ],
        }
    )
    return compute_financing(money, Finansieringsregler.model_validate({}))


@pytest.mark.parametrize(
    ("start", "slut", "per_ar", "columns"),
    [
        # Four budget years and the total: one table, as before.
        ("2023-10-01", "2026-09-30", 2_000_000, [["2023", "2024", "2025", "2026", "Totalt"]]),
        # Five: the years spread evenly over two tables, none left with one year.
        ("2025-07-01", "2029-06-30", 1_000_000,
         [["2025", "2026", "2027"], ["2028", "2029", "Totalt"]]),
        # Nine avtalsår, ten budget years: three tables.
        ("2025-07-01", "2034-06-30", 1_000_000,
         [["2025", "2026", "2027", "2028"], ["2029", "2030", "2031", "2032"],
          ["2033", "2034", "Totalt"]]),
        # Amounts of eight digits need wider columns: four to a table.
        ("2024-07-01", "2027-06-30", 19_999_999, [["2024", "2025", "2026"], ["2027", "Totalt"]]),
    ],
)  # fmt: skip
def test_the_years_spread_over_tables_that_hold_their_amounts(
    start: str, slut: str, per_ar: int, columns: list[list[str]]
) -> None:
    figures = _figures(start, slut, per_ar)
    tables = budget_tables(figures)
    assert [list(table.kolumner) for table in tables] == columns
    # Every financier's row and the totals, whole over the tables.
    for index, row in enumerate(figures.finansiarer):
        cells = [amount for table in tables for amount in table.finansiarer[index].belopp]
        assert cells == [*row.per_budgetar, row.summa]
    totals = [amount for table in tables for amount in table.totalt]
    assert totals == [*(year.belopp for year in figures.budgetar), figures.summa]


def test_a_broken_cell_is_named_plainly() -> None:
    i18n.set_language("sv")
    raw = (
        "Fördelning per budgetår\r\nFinansiär 2025 2026 Totalt\r\n"
        "Region Norrbotten - ERP 500 000 1 000 00\r\n0\r\n1 000 00\r\n0\r\n"
    )
    assert broken_cells(raw, "beslutsforslag", [2025, 2026], "beslutsforslag.pdf", None) == [
        "beslutsforslag.pdf: 2 belopp i tabellen 'Fördelning per budgetår' bryts över rader "
        "(det första: '1 000 00' i slutet av en rad, '0' i början av nästa): kolumnerna är "
        "för smala för beloppen; gör kolumnerna bredare i mallen, eller ge tabellen färre "
        "kolumner, som mallen som följer med avtalsgen har det"
    ]
    # A year, and an amount broken at its space; a table under no heading the check knows.
    assert broken_cells("Finansiär 202\r\n5 500\r\n000", "beslutsforslag", [2025], "b.pdf", None)
    said = broken_cells("Finansiär 202\r\n5 x", "beslutsforslag", [2025], "b.pdf", None)
    assert said == [
        "b.pdf: beloppet i en tabell bryts över rader ('202' i slutet av en rad, '5' i början "
        "av nästa): kolumnen är för smal för beloppet; gör kolumnen "
        "bredare i mallen, eller ge tabellen färre kolumner, som mallen som följer med "
        "avtalsgen har det"
    ]


@pytest.mark.parametrize(
    "raw",
    [
        "Avtalsår 1\r\n2024-01-01–2024-12-31 1 000 000 kr",  # a number, then a date
        "Robertsviksgatan 7, 971 89\r\nLuleå",
        "Region Norrbotten - ERP 500 000\r\n1 000 000 500 000",  # two cells on two lines
        "perioden 2024-01-01 till 2026-12-31\r\n2 000 000 kronor",
        "§ 212\r\n2023-12-05",
        "Finansiär 2025 2026 Totalt\r\n1 000 000",
    ],
)
def test_whole_amounts_on_lines_of_their_own_are_not_broken(raw: str) -> None:
    assert broken_cells(raw, "beslutsforslag", [2025, 2026], "b.pdf", None) == []


def _case(start: str, slut: str, dnr: str) -> str:
    """The example with its period moved, its follow-up and evaluation with it (within the
    period: check refuses them before its start)."""
    return edit(
        EXAMPLE,
        ("dnr: RUN-90001-2023", f"dnr: {dnr}"),
        ("start: 2024-01-01", f"start: {start}"),
        ("slut: 2026-12-31", f"slut: {slut}"),
        ("forsta_uppfoljning: hösten 2024", f"forsta_uppfoljning: hösten {start[:4]}"),
        ("extern_utvardering_senast: 2025-11-30", f"extern_utvardering_senast: {slut}"),
    )


@needs_soffice
def test_no_amount_of_a_long_period_is_broken(cases: Path, session_converter: Path) -> None:
    """qa17's periods: five budget years (built with broken cells), six (failed), and the
    longest the program allows, nine avtalsår (ten budget years)."""
    periods = {
        "RUN-91005-2023": ("2025-07-01", "2029-06-30"),
        "RUN-91006-2023": ("2026-01-01", "2030-12-31"),
        "RUN-91009-2023": ("2025-07-01", "2034-06-30"),
    }
    folder = cases.parent / "long"
    folder.mkdir()
    (folder / "program").symlink_to(cases / "program")
    for dnr, (start, slut) in periods.items():
        (folder / f"{dnr}.yaml").write_text(_case(start, slut, dnr), encoding="utf-8")
    output = cases.parent / "output"
    with converter_in(session_converter):
        made = run_cli(
            "build", str(folder), "--only", "beslutsforslag", "--output", str(output),
            "--templates", str(REPO / "templates"), lang="sv",
        )  # fmt: skip
    assert made.returncode == 0, made.stdout + made.stderr
    for dnr in periods:
        pdf = output / dnr / "beslutsforslag.pdf"
        layout = pdftotext(pdf, "-layout")
        table = layout[layout.index("Fördelning per budgetår") : layout.index("Protokollsutdrag")]
        # Each cell on one line: no line of the table ends in a cut digit group or starts
        # with digits that go on from the line before.
        for line in table.splitlines():
            assert not re.search(r"\d \d{1,2}$", line.rstrip()), line
            assert not re.match(r"\s*\d", line), line
        text = fold(pdftotext(pdf, "-raw"))
        first = "500 000" if periods[dnr][0].endswith("07-01") else "1 000 000"
        assert f"Region Norrbotten - ERP {first} 1 000 000 1 000 000" in text
        assert broken_cells(pdf_text(pdf), "beslutsforslag", range(2025, 2036), "b", None) == []
    nine = fold(pdftotext(output / "RUN-91009-2023" / "beslutsforslag.pdf", "-raw"))
    assert "Finansiär 2025 2026 2027 2028 Region" in nine
    assert "Finansiär 2033 2034 Totalt" in nine
    assert "Totalt 1 500 000 750 000 13 500 000" in nine


@needs_soffice
def test_a_template_too_narrow_for_the_amounts_is_named(
    cases: Path, session_converter: Path
) -> None:
    """A customised template whose amount columns are too narrow: the build says that an
    amount is broken in the table, not that it is none of the financier's."""
    templates = cases.parent / "templates"
    templates.mkdir()
    for path in (REPO / "templates").glob("*.docx"):
        if path.name != "beslutsforslag.docx":
            (templates / path.name).write_bytes(path.read_bytes())
    with (
        zipfile.ZipFile(REPO / "templates" / "beslutsforslag.docx") as source,
        zipfile.ZipFile(templates / "beslutsforslag.docx", "w") as target,
    ):
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml":
                xml = data.decode("utf-8")
                at = xml.index("Fördelning per budgetår")
                # The budget years' table: a first column of 10.6 cm, the rest left to the
                # amounts (1.8 cm a column).
                narrow = '<w:gridCol w:w="1023"/><w:gridCol w:w="1023"/><w:gridCol w:w="1024"/>'
                table = edit(
                    xml[at:],
                    ('<w:gridCol w:w="1889"/><w:gridCol w:w="1889"/><w:gridCol w:w="1890"/>',
                     narrow),
                )  # fmt: skip
                xml = xml[:at] + table.replace('w:w="3402"', 'w:w="6000"')
                data = xml.encode("utf-8")
            target.writestr(info, data)
    case = cases / "RUN-91006-2023.yaml"
    case.write_text(_case("2025-07-01", "2030-06-30", "RUN-91006-2023"), encoding="utf-8")
    with converter_in(session_converter):
        made = run_cli(
            "build", str(case), "--only", "beslutsforslag", "--output", str(cases.parent / "out"),
            "--templates", str(templates), lang="sv",
        )  # fmt: skip
    assert made.returncode == 1
    said = fold(made.stdout + made.stderr)
    assert "belopp i tabellen 'Fördelning per budgetår' bryts över rader" in said, said
    assert f"gör kolumnerna bredare i {templates / 'beslutsforslag.docx'}" in said
    assert "inte är något av dess belopp" not in said


def test_templates_check_names_a_column_for_every_budget_year(tmp_path: Path) -> None:
    """A template made from avtalsgen's before this (a column per budget year in one table)
    is told how to hold any period, before a long one breaks its amounts."""
    templates = tmp_path / "templates"
    templates.mkdir()
    for path in (REPO / "templates").glob("*.docx"):
        (templates / path.name).write_bytes(path.read_bytes())
    template = templates / "beslutsforslag.docx"
    with (
        zipfile.ZipFile(REPO / "templates" / "beslutsforslag.docx") as source,
        zipfile.ZipFile(template, "w") as target,
    ):
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml":
                xml = edit(
                    data.decode("utf-8"),
                    (
                        "{%tc for kolumn in del.kolumner %}",
                        "{%tc for ar in finansiering.budgetar %}",
                    ),
                    ("{{ kolumn }}", "{{ ar.ar }}"),
                )
                data = xml.encode("utf-8")
            target.writestr(info, data)
    said = run_cli("templates", "check", "--templates", str(templates), lang="sv")
    assert said.returncode == 1
    problems = [line for line in said.stdout.splitlines() if not line.startswith("ok  ")]
    problems += said.stderr.splitlines()
    assert problems == [
        f"{template}: brödtext: tabell 2 ('Finansiär | {{%tc for ar in finansiering.budgetar "
        "%} | {{ ar.ar }} | {%tc endfor %}') ger varje budgetår en egen kolumn: från fem "
        "budgetår är kolumnerna för smala för beloppen, som bryts över rader; loopa i stället "
        "över finansiering.budgetar_tabeller, en tabell för varje del av åren som beloppen får "
        "plats för ('{%p for del in finansiering.budgetar_tabeller %}' runt tabellen, "
        "kolumnerna från del.kolumner, varje finansiärs rad från del.finansiarer och summorna "
        "från del.totalt), så som mallen som följer med avtalsgen har det"
    ]
    # The template that comes with avtalsgen: nothing to say.
    assert run_cli("templates", "check").returncode == 0
