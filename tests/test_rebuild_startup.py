"""What an unchanged rebuild's start-up leaves out, and that what it leaves out changes no
answer: the other case files of a folder are parsed only where they may hold the case's
Dnr, a case's time on its line is written as Babel writes it, and the command line is made
with the command it runs alone."""

from __future__ import annotations

import io
import random
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

from avtalsgen import i18n
from avtalsgen.build.progress import _seconds
from avtalsgen.cli.app import command, named
from avtalsgen.input.duplicates import Namesakes
from avtalsgen.input.filednr import file_dnr

ORIGINAL = "exempel-trappsteg.yaml"  # RUN-90004-2024
DNR = "RUN-90004-2024"


def _folder(tmp_path: Path, **others: str) -> Path:
    """A folder with the case file ``a.yaml`` (RUN-90004-2024) and ``others`` by name."""
    folder = tmp_path / "cases"
    folder.mkdir()
    (folder / "a.yaml").write_text(
        (REPO / "cases" / ORIGINAL).read_text(encoding="utf-8"), encoding="utf-8"
    )
    for name, text in others.items():
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("text", "namesake"),
    [
        (f"dnr: {DNR}\n", True),
        (f"{{titel: x, dnr: '{DNR}'}}\n", True),
        # Escapes in double quotes: the Dnr is not written in the file as it reads.
        ('dnr: "RUN-9000\\x34-2024"\n', True),
        ('dnr: "RUN-\\u0039\\u0030004-2024"\n', True),
        ("dnr:\n  RUN-90004-2024  # the next line\n", True),
        ("dnr: |-\n  RUN-90004-2024\n", True),
        # Written, but not as the file's dnr: no namesake.
        (f"dnr: RUN-90005-2024\ntitel: som {DNR}\n", False),
        (f"dnr: RUN-90005-2024  # kopia av {DNR}\n", False),
        (f"dnr: x{DNR}\n", False),
        (f"dnr: {DNR}x\n", False),
        (f"dnr: {DNR} 2\n", False),
        (f"dnr:\n  - {DNR}\n", False),
        (f"arende:\n  dnr: {DNR}\n", False),
        # A file YAML refuses still holds its written dnr line (a tab).
        (f"dnr: {DNR}\n\ttitel: x\n", True),
    ],
)
def test_a_namesake_is_found_as_every_file_is_read(
    tmp_path: Path, text: str, *, namesake: bool
) -> None:
    """The files that may hold the Dnr are parsed as before; the answer is the one of
    reading every file of the folder (the folder's Dnrs asked first)."""
    folder = _folder(tmp_path, b=text)
    case = folder / "a.yaml"
    assert (file_dnr(folder / "b.yaml")[0] == DNR) is namesake
    found = Namesakes().other(case, DNR)
    assert found == (folder / "b.yaml" if namesake else None)
    whole = Namesakes()
    assert (DNR in whole.dnrs(folder)) is True
    assert whole.other(case, DNR) == found


def test_a_folder_without_a_namesake_is_parsed_not_at_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files that do not write the Dnr as a word of their own are not parsed: only the one
    that does (a comment names it) is."""
    folder = _folder(
        tmp_path,
        b="dnr: RUN-90005-2024\ntitel: RUN-90004-20245\n",
        c="dnr: RUN-90006-2024  # som RUN-90004-2024\n",
        d="dnr: RUN-90007-2024\n",
    )
    parsed: list[str] = []

    def counted(path: Path) -> tuple[str | None, int | None]:
        parsed.append(path.name)
        return file_dnr(path)

    monkeypatch.setattr("avtalsgen.input.duplicates.file_dnr", counted)
    assert Namesakes().other(folder / "a.yaml", DNR) is None
    assert parsed == ["c.yaml"]


def test_a_refused_file_holds_no_dnr(tmp_path: Path) -> None:
    """A file the case file's reader refuses (not UTF-8, too large) is no namesake, as
    :func:`file_dnr` reads it."""
    folder = _folder(tmp_path)
    (folder / "b.yaml").write_bytes(f"dnr: {DNR}\ntitel: \xe5\n".encode("latin-1"))
    (folder / "c.yaml").write_text(f"dnr: {DNR}\n" + "# x\n" * 70_000, encoding="utf-8")
    assert file_dnr(folder / "b.yaml") == (None, None)
    assert file_dnr(folder / "c.yaml") == (None, None)
    assert Namesakes().other(folder / "a.yaml", DNR) is None


@pytest.mark.parametrize("language", ["sv", "en"])
def test_a_case_s_time_is_written_as_format_number_writes_it(language: str) -> None:
    """Without Babel, the same text: rounding half to even of the number as written, the
    decimal sign and the grouping of the language."""
    generator = random.Random(19)
    values = [0.0, 0.05, 0.15, 0.25, 0.35, 2.45, 999.94, 999.95, 1234.55, 12_345_678.25, 1e-9]
    values += [generator.random() * generator.choice([1, 10, 1000, 1e6]) for _ in range(2000)]
    before = i18n._chosen
    i18n.set_language(language)
    try:
        for value in values:
            assert _seconds(value) == f"{i18n.format_number(value, 1)} s", value
    finally:
        i18n.set_language(before)


@pytest.mark.parametrize(
    ("argv", "found"),
    [
        (["build", "cases/"], "build"),
        (["--lang", "en", "-v", "build", "cases/"], "build"),
        (["build", "cases/", "--lang", "en"], "build"),
        (["status", "cases/"], "status"),
        (["--help", "build"], None),
        (["build", "--help"], None),
        (["--version", "build"], None),
        (["converter", "start"], None),  # a group's
        (["templates", "check"], None),
        (["bulid", "cases/"], None),  # suggested among all commands
        ([], None),
    ],
)
def test_the_command_named_is_made_alone(argv: list[str], found: str | None) -> None:
    assert named(argv) == found
    if found is not None:
        assert list(command(found).commands) == [found]  # type: ignore[attr-defined]


def test_a_command_made_alone_says_what_the_whole_line_says() -> None:
    """The command's usage error, through the command as it runs (a fresh process)."""
    done = subprocess.run(
        [sys.executable, "-m", "avtalsgen.cli", "--lang", "en", "build", "x.yaml", "--bogus"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 2
    assert "avtalsgen.cli build [OPTIONS] {PATHS...}" in done.stderr
    assert "No such option: --bogus (did you mean --jobs?)" in done.stderr


def test_a_line_on_a_pipe_is_written_as_rich_writes_it() -> None:
    """Where rich would write plain text, the display writes a line itself, the same text;
    or hands it to rich where rich would change it (an emoji code, a backslash, a control
    character)."""
    from rich.console import Console
    from rich.markup import escape

    from avtalsgen.build.progress import _RICH_CHANGES

    pieces = [*"abcåäöÅÄÖ XYZ0123456789-_./\\[]()'\"#@!?%&*+=,;<>{}|~^`$:"]
    pieces += ["\u00a0", "\u200b", "漢", "😀", "e\u0301", "[bold]", "[/]", "\\[", "[link=x]"]
    pieces += ["\u2028", "\x85", "\u00ad", "\x1b[31m", "\t", "\r", "\ufeff", ":smile:", "\n"]
    generator = random.Random(19)
    plain = 0
    for _ in range(5000):
        text = "".join(generator.choice(pieces) for _ in range(generator.randint(0, 30)))
        written = io.StringIO()
        Console(file=written, highlight=False, soft_wrap=True).print(escape(text))
        if _RICH_CHANGES.search(text) is None:
            plain += 1
            assert written.getvalue() == text + "\n", text
    assert plain > 500
