"""A key written at the wrong level of a case file (``omrade:`` at the top level while
``aktor.omrade`` is missing) is told where it goes: under the section whose key it is and
that lacks it, on its line, in place of a bare "okänd nyckel" and a second problem saying
the section's key is missing; one written too deep, out to the level that lacks it. Through
the command line in a fresh process, as an official runs it (LANG=sv_SE.UTF-8; English with
--lang en): exit 1, no traceback."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import edit

from avtalsgen import i18n

REPO = Path(__file__).resolve().parents[1]
COMMAND = Path(sys.executable).parent / "avtalsgen"
EXAMPLE = REPO / "cases" / "exempel-arktiska-testbaddar.yaml"
TEXT = EXAMPLE.read_text(encoding="utf-8")
#: The line of ``aktor:`` in the example, and of ``period:`` under ``finansiering:``.
AKTOR_LINE = TEXT.splitlines().index("aktor:") + 1
PERIOD_LINE = TEXT.splitlines().index("  period:") + 1


def _check(tmp_path: Path, text: str, *options: str) -> subprocess.CompletedProcess[str]:
    """``avtalsgen check`` of the case ``text`` (beside a copy of the program folder), in a
    Swedish locale, with only LANG of the locale variables set."""
    shutil.copytree(REPO / "cases" / "program", tmp_path / "program", dirs_exist_ok=True)
    case = tmp_path / "fel.yaml"
    case.write_text(text, encoding="utf-8")
    environ = {k: v for k, v in os.environ.items() if k not in i18n.LOCALE_VARIABLES}
    environ["LANG"] = "sv_SE.UTF-8"
    return subprocess.run([str(COMMAND), *options, "check", str(case)], capture_output=True,
                          text=True, env=environ, cwd=tmp_path, check=False)  # fmt: skip


def _problems(result: subprocess.CompletedProcess[str]) -> list[str]:
    """The problem lines the check printed (``file:line: field: message``), without the
    closing count."""
    lines = (result.stdout + result.stderr).splitlines()
    return [line for line in lines if ".yaml:" in line.split(" ", 1)[0]]


def _moved_to_top(text: str) -> str:
    """The example with ``aktor.omrade`` moved to the end of the file, at the top level."""
    moved = edit(text, ("  omrade: testverksamheten i arktiskt klimat\n", ""))
    return moved + "omrade: testverksamheten i arktiskt klimat\n"


def test_a_section_key_at_the_top_level_is_told_to_move_under_its_section(
    tmp_path: Path,
) -> None:
    text = _moved_to_top(TEXT)
    line = len(text.splitlines())
    result = _check(tmp_path, text)
    assert result.returncode == 1, result
    assert "Traceback" not in result.stdout + result.stderr
    assert _problems(result) == [
        f"{tmp_path / 'fel.yaml'}:{line}: omrade: okänd nyckel 'omrade' här: den hör till "
        f"aktor, där den saknas; flytta den under aktor: (rad {AKTOR_LINE}), indragen som "
        "nycklarna där"
    ], result
    english = _check(tmp_path, text, "--lang", "en")
    assert english.returncode == 1
    assert _problems(english) == [
        f"{tmp_path / 'fel.yaml'}:{line}: omrade: unknown key 'omrade' here: it is a key of "
        f"aktor, which lacks it; move it under aktor: (line {AKTOR_LINE}), indented as the "
        "keys there"
    ], english


def test_a_key_of_a_nested_section_written_beside_it_is_told_to_move_under_it(
    tmp_path: Path,
) -> None:
    """``start:`` beside ``period:`` under ``finansiering:``, where period lacks it."""
    text = edit(TEXT, ("    start: 2024-01-01\n", ""),
                ("  period:\n", "  start: 2024-01-01\n  period:\n"))  # fmt: skip
    result = _check(tmp_path, text)
    assert result.returncode == 1
    assert _problems(result) == [
        f"{tmp_path / 'fel.yaml'}:{PERIOD_LINE}: finansiering.start: okänd nyckel 'start' "
        f"här: den hör till period, där den saknas; flytta den under period: (rad "
        f"{PERIOD_LINE + 1}), indragen som nycklarna där"
    ], result


@pytest.mark.parametrize(
    "text",
    [
        # The section has the key already: nothing to move, the key is unknown here.
        TEXT + "omrade: testverksamheten i arktiskt klimat\n",
    ],
)
def test_a_key_its_section_has_already_gets_no_move(tmp_path: Path, text: str) -> None:
    result = _check(tmp_path, text)
    assert result.returncode == 1
    problems = _problems(result)
    assert len(problems) == 1 and "okänd nyckel 'omrade'" in problems[0], problems
    assert "flytta" not in problems[0]


def test_a_top_level_key_written_under_a_section_is_told_to_move_out(tmp_path: Path) -> None:
    """``forsta_uppfoljning:`` indented under ``aktor:`` while the top level has none."""
    text = edit(
        TEXT,
        ("forsta_uppfoljning: hösten 2024\n", ""),
        ("  omrade: testverksamheten i arktiskt klimat\n",
         "  omrade: testverksamheten i arktiskt klimat\n  forsta_uppfoljning: hösten 2024\n"),
    )  # fmt: skip
    line = text.splitlines().index("  forsta_uppfoljning: hösten 2024") + 1
    result = _check(tmp_path, text)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert _problems(result) == [
        f"{tmp_path / 'fel.yaml'}:{line}: aktor.forsta_uppfoljning: okänd nyckel "
        "'forsta_uppfoljning' här: den hör till filens översta nivå, där den saknas; flytta ut "
        "den till översta nivån, utan indrag"
    ], result
    english = _check(tmp_path, text, "--lang", "en")
    assert _problems(english) == [
        f"{tmp_path / 'fel.yaml'}:{line}: aktor.forsta_uppfoljning: unknown key "
        "'forsta_uppfoljning' here: it is a key of the file's top level, which lacks it; move "
        "it out to the top level, not indented"
    ], english


def test_a_sections_key_written_one_level_too_deep_is_told_to_move_out(tmp_path: Path) -> None:
    """``finansiarer:`` (with its list) indented under ``finansiering.period``."""
    start, end = TEXT.index("  finansiarer:\n"), TEXT.index("\nbeslutspunkter:")
    block = TEXT[start:end]
    deeper = "\n".join(f"  {line}" if line else line for line in block.split("\n"))
    text = TEXT.replace(block, deeper, 1)
    line = text.splitlines().index("    finansiarer:") + 1
    finansiering = text.splitlines().index("finansiering:") + 1
    result = _check(tmp_path, text)
    assert result.returncode == 1
    assert _problems(result) == [
        f"{tmp_path / 'fel.yaml'}:{line}: finansiering.period.finansiarer: okänd nyckel "
        "'finansiarer' här: den hör till finansiering, där den saknas; flytta ut den till "
        f"nycklarna under finansiering: (rad {finansiering}), indragen som de"
    ], result
