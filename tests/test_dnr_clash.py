"""Two case files of one Dnr (a case file copied and its dnr left as it was): ``status`` of
the folder told the copy as the original's case, its signed packet "superseded", and a
build of the copy alone took over the Dnr's folder (a new packet with the copy's amounts
beside the signed one); qa17 found both. Now status tells the copy as check does, and a
build of one case file refuses when its folder has another of its Dnr, naming both."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import REPO, run_cli

TEMPLATES = str(REPO / "templates")
ORIGINAL = "exempel-trappsteg.yaml"  # RUN-90004-2024, dnr on line 7


def _copy(cases: Path) -> Path:
    copy = cases / "a-kopia.yaml"
    text = (cases / ORIGINAL).read_text(encoding="utf-8")
    copy.write_text("# kopia\n" + text, encoding="utf-8")  # its dnr on line 8
    return copy


def _problem(path: Path, other: Path, lines: tuple[int, int]) -> str:
    return (
        f"{path}:{lines[0]}: dnr: RUN-90004-2024 is also the Dnr of {other}:{lines[1]}; each "
        "case has a Dnr of its own: change the dnr of this file, or remove it if it is a copy"
    )


def test_status_tells_both_as_check_does(cases: Path, tmp_path: Path) -> None:
    """Each of the two is told, naming the other: the copy (first by name) was told as the
    case whose signed packet is superseded, the original not at all."""
    copy = _copy(cases)
    original = cases / ORIGINAL
    output = tmp_path / "output"
    problems = [_problem(copy, original, (8, 7)), _problem(original, copy, (7, 8))]
    result = run_cli("status", str(cases), "--output", str(output), "--templates", TEMPLATES)
    assert result.returncode == 1
    assert [line for line in result.stderr.splitlines() if "RUN-90004" in line] == problems
    assert "Traceback" not in result.stderr
    result = run_cli(
        "status", str(cases), "--output", str(output), "--templates", TEMPLATES, "--json"
    )
    found = [item for item in json.loads(result.stdout) if item["dnr"] == "RUN-90004-2024"]
    assert [(item["arende"], item["kod"], item["fel"]) for item in found] == [
        (str(copy), "fel", problems[0]),
        (str(original), "fel", problems[1]),
    ]
    assert all(item["dokument"] == [] and item["saknas"] == [] for item in found)
    check = run_cli("check", str(cases))
    assert [line for line in check.stderr.splitlines() if ": dnr: RUN-90004" in line] == [
        problems[0],
        problems[1],
    ]


def test_a_case_file_built_alone_is_refused_when_its_folder_has_another_of_its_dnr(
    cases: Path, tmp_path: Path
) -> None:
    copy = _copy(cases)
    original = cases / ORIGINAL
    output = tmp_path / "output"
    for given, other, lines in ((copy, original, (8, 7)), (original, copy, (7, 8))):
        result = run_cli(
            "--lang", "sv", "build", str(given), "--output", str(output), "--templates", TEMPLATES,
            lang=None,
        )  # fmt: skip
        assert result.returncode == 1, result.stdout
        assert (
            f"{given}:{lines[0]}: dnr: RUN-90004-2024 är också diarienumret för "
            f"{other}:{lines[1]}; varje ärende har ett eget diarienummer: ändra dnr i den här "
            "filen, eller ta bort den om den är en kopia"
        ) in result.stderr.splitlines()
        assert "Traceback" not in result.stderr
        assert not (output / "RUN-90004-2024").exists()


def _with_bom(cases: Path) -> Path:
    """The original saved by an editor that begins the file with a byte-order mark, its dnr
    on line 1."""
    original = cases / ORIGINAL
    lines = original.read_text(encoding="utf-8").splitlines(keepends=True)
    (dnr,) = [line for line in lines if line.startswith("dnr:")]
    lines.remove(dnr)
    original.write_text("\ufeff" + dnr + "".join(lines), encoding="utf-8")
    return original


def test_a_byte_order_mark_hides_no_dnr(cases: Path, tmp_path: Path) -> None:
    """A case file beginning with a byte-order mark, its dnr on line 1: the two-files check
    missed it, and status warned that the file of its Dnr was missing from cases/."""
    original = _with_bom(cases)
    output = tmp_path / "output"
    (output / "RUN-90004-2024").mkdir(parents=True)
    (output / "RUN-90004-2024" / "paket.pdf").write_bytes(b"%PDF-1.7\n")
    result = run_cli("status", str(cases), "--output", str(output), "--templates", TEMPLATES)
    assert "saknas" not in result.stderr and "missing" not in result.stderr, result.stderr
    copy = cases / "a-kopia.yaml"  # a copy without the mark, its dnr on line 2
    copy.write_text("# kopia\n" + original.read_text(encoding="utf-8-sig"), encoding="utf-8")
    check = run_cli("check", str(cases))
    assert check.returncode == 1
    assert [line for line in check.stderr.splitlines() if ": dnr: RUN-90004" in line] == [
        _problem(copy, original, (2, 1)),
        _problem(original, copy, (1, 2)),
    ]
