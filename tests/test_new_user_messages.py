"""What a new user met (qa14), said in Swedish by file, field and how to fix it: a port in
use, a meeting file given where a case file goes, a key file that does not exist, check's
count and pointer of problems, the JSON Schema's titles."""

from __future__ import annotations

import json
import socket
from pathlib import Path

from conftest import run_cli

MEETING = "sammantraden/exempel-run-2023-12-05.yaml"


def test_serve_on_a_port_in_use_names_port(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli(
            "serve", "--port", str(port), "--cases", str(tmp_path / "cases"),
            "--output", str(tmp_path / "output"), "--data", str(tmp_path / "data"), lang="sv",
        )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"kan inte starta på 127.0.0.1:{port}: ett annat program (en annan avtalsgen serve?) "
        "lyssnar redan på den; välj en annan port med --port"
    )


def test_a_meeting_file_where_a_case_file_goes_says_what_it_is(cases: Path) -> None:
    meeting = cases / MEETING
    said = (
        f"{meeting}: det här är en sammanträdesfil (den har paragrafer), inte en ärendefil: "
        "ange ärendefilen (*.yaml med dnr); sammanträdesfilerna i sammantraden/ bredvid "
        "ärendena läses med dem, och utdrag, anslag, expediera och publicera tar en "
        "sammanträdesfil"
    )
    result = run_cli("explain", str(meeting), lang="sv")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [said]


def test_sign_with_a_key_file_that_does_not_exist(tmp_path: Path) -> None:
    missing = tmp_path / "saknas.p12"
    result = run_cli(
        "sign", str(tmp_path / "paket.pdf"), "--field", "region", "--p12", str(missing),
        env={"AVTALSGEN_P12_PASSPHRASE": None}, lang="sv",
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"--p12: ingen PKCS#12-nyckelfil {missing}: ange sökvägen till .p12-filen"
    )
    assert "AVTALSGEN_P12_PASSPHRASE" not in result.stderr


def test_check_counts_a_broken_meeting_file_as_one(cases: Path) -> None:
    meeting = cases / "sammantraden" / "exempel-run-2024-06-18.yaml"
    meeting.write_text(meeting.read_text(encoding="utf-8") + "paragrafer: [\n", encoding="utf-8")
    result = run_cli("check", str(cases), lang="sv")
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == f"1 sammanträdesfil har fel: {meeting}"


def test_check_points_to_the_case_files_problems_shown_above(cases: Path) -> None:
    case = cases / "exempel-trappsteg.yaml"
    case.write_text(
        case.read_text(encoding="utf-8").replace("\naktor:", "\naktorx:", 1), encoding="utf-8"
    )
    result = run_cli("check", str(cases), lang="sv")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith(f"{case}:"))
    pointer = next(i for i, line in enumerate(lines) if "är felaktig" in line)
    assert first < pointer
    assert lines[pointer].endswith(
        f"ärendefilen {case} är felaktig: dess fel står på raderna som börjar med dess namn"
    )
    assert "följer nedan" not in result.stderr


def test_schema_titles_are_swedish_words() -> None:
    result = run_cli("schema", "arende", lang="sv")
    schema = json.loads(result.stdout)
    assert schema["title"] == "Ärende"
    assert schema["properties"]["namnd"]["title"] == "Nämnd"
    assert schema["properties"]["handlaggare"]["title"] == "Handläggare"
    assert schema["properties"]["aktor"]["title"] == "Aktör"
    titles = result.stdout.count('"title": "')
    assert titles > 40
    for ascii_title in ("Namnd", "Handlaggare", "Aktor", "ArendeAvtal", "Omrade"):
        assert f'"title": "{ascii_title}"' not in result.stdout
