"""Short tables are kept on one page with their caption: the agreement's payment plan broke
after its last payment, its Totalt row alone on the next page under a repeated heading (a
case whose text before the tables is some lines longer than the examples'). Checked by the
page each row lands on in the PDF."""

from __future__ import annotations

import subprocess
from pathlib import Path

from conftest import edit, needs_soffice, run_cli

#: A clause Syfte of the case's own, long enough to bring the payment plan to the foot of a
#: page (its rows broke across pages with 40 to 42 of these sentences).
SENTENCE = "Aktören och Regionen samarbetar om ekosystemets utveckling i länet."


def _page_of_each_line(pdf: Path) -> list[tuple[int, str]]:
    pages = int(
        next(
            line.split()[-1]
            for line in subprocess.run(
                ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True
            ).stdout.splitlines()
            if line.startswith("Pages:")
        )
    )
    found = []
    for page in range(1, pages + 1):
        text = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(pdf), "-"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        found += [(page, " ".join(line.split())) for line in text.splitlines() if line.strip()]
    return found


@needs_soffice
def test_the_payment_plan_stays_on_one_page_with_its_caption(cases: Path) -> None:
    case = cases / "exempel-arktiska-testbaddar.yaml"
    for count in (40, 42):
        text = " ".join([SENTENCE] * count)
        (cases / f"{count}").mkdir()
        own = cases / f"{count}" / case.name
        own.write_text(
            edit(
                case.read_text(encoding="utf-8"),
                ("program: program/", "program: ../program/"),
                (
                    "    ersatt:\n",
                    f"    ersatt:\n      - id: syfte\n        text: |\n          {text}\n",
                ),
            ),
            encoding="utf-8",
        )
        output = cases.parent / f"output-{count}"
        result = run_cli("build", str(own), "--only", "samarbetsavtal", "--output", str(output))
        assert result.returncode == 0, result.stdout + result.stderr
        lines = _page_of_each_line(output / "RUN-90001-2023" / "samarbetsavtal.pdf")
        start = next(i for i, (_p, line) in enumerate(lines) if line == "Utbetalningsplan")
        plan = lines[start : start + 6]
        assert [line.split(" ")[0] for _page, line in plan] == [
            "Utbetalningsplan", "Utbetalning", "1", "2", "3", "Totalt"
        ], plan  # fmt: skip
        assert len({page for page, _line in plan}) == 1, plan
        # The table of amounts per avtalsår, with its caption, on one page too.
        start = next(i for i, (_p, line) in enumerate(lines) if line == "Belopp per avtalsår")
        years = lines[start : start + 6]
        assert years[-1][1].startswith("Totalt"), years
        assert len({page for page, _line in years}) == 1, years
