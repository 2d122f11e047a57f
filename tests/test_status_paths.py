"""``avtalsgen status`` names the output folder's files as the user gave the folder, so that
a line can be pasted into the next command (it named them relative to the output folder:
``RUN-00386-2023/protokollsutdrag-211.pdf``, a file no command found); and a paragraph whose
extract waits for the minutes' justering says so, with the day, instead of telling to run
utdrag, which skips it until then."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import run_cli

from avtalsgen import clock

MEETING = "sammantraden/exempel-run-2023-12-05.yaml"


@pytest.mark.libreoffice
def test_status_names_files_as_given_and_the_extract_waiting_for_justering(
    cases: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Three days after the meeting: § 211 was justerad at it (omedelbart), § 212 is
    # justerad with the minutes on 2023-12-12.
    monkeypatch.setattr(clock, "today", lambda: dt.date(2023, 12, 8))
    monkeypatch.chdir(cases.parent)
    meeting = f"cases/{MEETING}"
    made = run_cli("utdrag", meeting, "--output", "ut")
    assert made.returncode == 0, made.stderr
    assert "§ 212 RUN-90001-2023: skipped: not justerad until 2023-12-12" in made.stdout

    found = run_cli("status", "cases/RUN-00386-2023.yaml", "cases/exempel-arktiska-testbaddar.yaml",
                    "--output", "ut")  # fmt: skip
    lines = found.stdout.splitlines()
    extract = "ut/RUN-00386-2023/protokollsutdrag-211.pdf"
    assert "  § 211 2023-12-05  granted  (ut/RUN-00386-2023/protokollsutdrag-211.pdf, not " \
           "certified)" in lines  # fmt: skip
    assert (
        f"  missing: {extract}: not certified yet (avtalsgen sign {extract} --field "
        "utdragsbestyrkande)"
    ) in lines
    assert (
        "  missing: protokollsutdrag § 212 of the meeting of 2023-12-05: waits for the "
        f"minutes' justering on 2023-12-12 (justeringsdatum in {meeting}); make it on that day "
        f"or later (avtalsgen utdrag {meeting} --output ut)"
    ) in lines
    assert not [line for line in lines if "RUN-90001-2023" in line and "not made yet" in line]
    found = run_cli("status", "cases/exempel-arktiska-testbaddar.yaml", "--output", "ut", lang="sv")
    assert (
        "  saknas: protokollsutdrag § 212 från sammanträdet 2023-12-05: väntar på att protokollet "
        f"justeras 2023-12-12 (justeringsdatum i {meeting}); gör det den dagen eller senare "
        f"(avtalsgen utdrag {meeting} --output ut)"
    ) in found.stdout.splitlines()
    assert not [line for line in lines if " RUN-00386-2023/" in line]  # none relative to ut

    # The line's command as pasted: the extract is certified, and status says so.
    signed = run_cli("sign", extract, "--field", "utdragsbestyrkande")
    assert signed.returncode == 0, signed.stderr
    found = run_cli("status", "cases/RUN-00386-2023.yaml", "--output", "ut", lang="sv")
    assert f"  § 211 2023-12-05  bifall  ({extract}, bestyrkt)" in found.stdout.splitlines()

    # On the day of justering, the extract is to be made: the line says so as before.
    monkeypatch.setattr(clock, "today", lambda: dt.date(2023, 12, 12))
    found = run_cli("status", "cases/exempel-arktiska-testbaddar.yaml", "--output", "ut")
    assert (
        "  missing: protokollsutdrag § 212 of the meeting of 2023-12-05: not made yet "
        f"(avtalsgen utdrag {meeting} --output ut)"
    ) in found.stdout.splitlines()
