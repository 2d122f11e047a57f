"""A case file's Dnr is read the same way by every command (input/filednr.file_dnr): the
two-files check (Namesakes) and the output folders whose case file is gone (leftovers) read
the ``dnr:`` line by a pattern of their own, which a Dnr on the line after its key or in
flow style escaped, while the index of a meeting's cases read the YAML."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from conftest import REPO, run_cli
from ruamel.yaml import YAML

from avtalsgen.build.leftovers import leftovers
from avtalsgen.input.duplicates import Namesakes
from avtalsgen.input.filednr import file_dnr
from avtalsgen.input.kinds import peek
from avtalsgen.meetings.justering import index_cases

ORIGINAL = "exempel-trappsteg.yaml"  # RUN-90004-2024, dnr on line 7
DNR = "RUN-90004-2024"


def _flow(text: str) -> str:
    """The case file's text with its top-level mapping written in flow style."""
    yaml = YAML(typ="safe", pure=True)
    data = yaml.load(text)
    yaml.default_flow_style = True
    yaml.width = 100
    out = StringIO()
    yaml.dump(data, out)
    assert not out.getvalue().startswith("dnr") and "\ndnr" not in out.getvalue()
    return out.getvalue()


def _variants(text: str) -> dict[str, str]:
    plain = f"dnr: {DNR}\n"
    assert plain in text
    return {
        "quoted, a comment after it": text.replace(plain, f'dnr: "{DNR}"  # kopia\n'),
        "on the next line": text.replace(plain, f"dnr:\n  {DNR}\n"),
        "flow style": _flow(text),
    }


def _line_of_key(text: str) -> int:
    lines = text.splitlines()
    return next(n for n, line in enumerate(lines, 1) if "dnr:" in line)


@pytest.mark.parametrize("way", ["quoted, a comment after it", "on the next line", "flow style"])
def test_every_reader_gives_the_same_dnr(tmp_path: Path, way: str) -> None:
    folder = tmp_path / "cases"
    folder.mkdir()
    text = (REPO / "cases" / ORIGINAL).read_text(encoding="utf-8")
    written = _variants(text)[way]
    case = folder / "a.yaml"
    case.write_text(written, encoding="utf-8")
    assert file_dnr(case) == (DNR, _line_of_key(written))
    assert peek(case).dnr == DNR
    assert index_cases(folder).by_dnr == {DNR: [case]}
    assert Namesakes().dnrs(folder) == {DNR}
    output = tmp_path / "output"
    (output / DNR).mkdir(parents=True)
    (output / DNR / "paket.pdf").write_bytes(b"%PDF-1.7\n")
    assert leftovers([folder], output) == []  # its case file is there


def test_a_tab_still_leaves_the_dnr_readable(tmp_path: Path) -> None:
    """A file that is not YAML a case file may be (a tab) is read by its dnr line."""
    case = tmp_path / "a.yaml"
    case.write_text(f"# kopia\ndnr: '{DNR}' # x\naktor:\n\tnamn: X\n", encoding="utf-8")
    assert not peek(case).readable
    assert file_dnr(case) == (DNR, 2)


def test_a_copy_in_flow_style_is_refused_as_a_namesake(cases: Path) -> None:
    """check refuses both case files of one Dnr, the copy's Dnr in flow style too (it was
    not seen: the original passed, the copy was checked as a case of its own)."""
    original = cases / ORIGINAL
    written = _flow(original.read_text(encoding="utf-8"))
    copy = cases / "a-kopia.yaml"
    copy.write_text(written, encoding="utf-8")
    line = _line_of_key(written)
    check = run_cli("check", str(cases))
    assert check.returncode == 1
    assert [row for row in check.stderr.splitlines() if ": dnr: RUN-90004" in row] == [
        f"{copy}:{line}: dnr: {DNR} is also the Dnr of {original}:7; each case has a Dnr of its "
        "own: change the dnr of this file, or remove it if it is a copy",
        f"{original}:7: dnr: {DNR} is also the Dnr of {copy}:{line}; each case has a Dnr of its "
        "own: change the dnr of this file, or remove it if it is a copy",
    ]
    status = run_cli("status", str(cases), "--json", "--output", str(cases.parent / "out"))
    found = [item for item in json.loads(status.stdout) if item["dnr"] == DNR]
    assert [item["kod"] for item in found] == ["fel", "fel"]


def test_a_case_file_in_flow_style_is_not_missing(cases: Path, tmp_path: Path) -> None:
    """status warned that the case file of a Dnr whose packet is kept was missing, when that
    case file wrote its Dnr in flow style (the same test as test_dnr_clash's byte-order
    mark)."""
    original = cases / ORIGINAL
    original.write_text(_flow(original.read_text(encoding="utf-8")), encoding="utf-8")
    output = tmp_path / "output"
    (output / DNR).mkdir(parents=True)
    (output / DNR / "paket.pdf").write_bytes(b"%PDF-1.7\n")
    result = run_cli("status", str(cases), "--output", str(output))
    assert "missing" not in result.stderr, result.stderr
    assert DNR in result.stdout


def test_what_yaml_reads_otherwise_or_not_at_all(tmp_path: Path) -> None:
    """A Dnr that is not text is none; a second document, or more values than a case file
    may hold (a 250 kB flow list took seconds to parse), leaves the written line."""
    case = tmp_path / "a.yaml"
    case.write_text("titel: x\ndnr: 12345\n", encoding="utf-8")
    assert file_dnr(case) == (None, None)
    case.write_text(f"titel: x\ndnr:  ' {DNR} '\n", encoding="utf-8")
    assert file_dnr(case) == (DNR, 2) and peek(case).dnr == DNR
    case.write_text(f"dnr: {DNR}\n---\ndnr: RUN-00001-2023\n", encoding="utf-8")
    assert not peek(case).readable
    assert file_dnr(case) == (DNR, 1)
    many = "[" + ", ".join(["1"] * 60_000) + "]"
    case.write_text(f"titel: x\ndnr: {DNR}\nbilagor: {many}\n", encoding="utf-8")
    assert len(case.read_bytes()) < 256 * 1024
    assert file_dnr(case) == (DNR, 2)
    case.write_text(f"dnr: {DNR}\n#" + "x" * 300_000 + "\n", encoding="utf-8")
    assert file_dnr(case) == (None, None)  # larger than any case file: not read
