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
from babel.numbers import format_decimal
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
    whole.dnrs(folder)  # the folder's Dnrs asked first (a.yaml's own among them)
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
    """Without Babel (i18n.format_number's own path), Babel's text: rounding half to even
    of the number as written, the decimal sign and the grouping of the language."""
    generator = random.Random(19)
    values = [0.0, 0.05, 0.15, 0.25, 0.35, 2.45, 999.94, 999.95, 1234.55, 12_345_678.25, 1e-9]
    values += [generator.random() * generator.choice([1, 10, 1000, 1e6]) for _ in range(2000)]
    before = i18n._chosen
    i18n.set_language(language)
    try:
        for value in values:
            assert _seconds(value) == f"{i18n.format_number(value, 1)} s", value
            for decimals in (0, 1, 2):
                babel = format_decimal(
                    value,
                    format="#,##0" + ("." + "0" * decimals if decimals else ""),
                    locale="sv_SE" if language == "sv" else "en_GB",
                ).replace("\u00a0", " ")
                assert i18n.format_number(value, decimals) == babel, (value, decimals)
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


@pytest.mark.parametrize(
    ("made_first", "made"),
    [("", ["build"]), ("app.command()", ["None"]), ("app.command('status')", ["build", "status"])],
)
def test_a_process_runs_the_whole_line_where_it_has_made_it(
    made_first: str, made: list[str]
) -> None:
    """The preloaded avtalsgen makes the whole command line before it forks: its children
    run that; any other process makes the command it runs alone (a fresh process each)."""
    probe = (
        "import sys\n"
        "from avtalsgen.cli import app\n"
        f"{made_first}\n"
        "sys.argv = ['avtalsgen', 'build', '--bogus']\n"
        "try:\n"
        "    app.run()\n"
        "except SystemExit as end:\n"
        "    print(end.code)\n"
        "print(sorted(map(str, app._made)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.splitlines() == ["2", str(made)]
    assert "--bogus" in done.stderr


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


@pytest.mark.parametrize("compatible", [None, "0", "1", "yes"])
@pytest.mark.parametrize("force", [None, "", "1", "0"])
def test_plain_text_is_told_as_rich_tells_it(
    compatible: str | None, force: str | None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The display writes a line itself exactly where rich's console is no terminal: a
    file, a pipe, a terminal (a pseudo-terminal), a closed stream; TTY_COMPATIBLE and
    FORCE_COLOR set or not."""
    import os

    from rich.console import Console

    from avtalsgen.build.progress import _plain_stream

    for name, value in (("TTY_COMPATIBLE", compatible), ("FORCE_COLOR", force)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    leader, follower = os.openpty()
    reading, writing = os.pipe()
    with (
        (tmp_path / "out.txt").open("w", encoding="utf-8") as file,
        os.fdopen(follower, "w") as terminal,
        os.fdopen(writing, "w") as pipe,
    ):
        closed = (tmp_path / "closed.txt").open("w", encoding="utf-8")
        closed.close()
        told = {}
        for stream in (file, terminal, pipe, closed):
            told[stream.name] = _plain_stream(stream)
            assert told[stream.name] is not Console(file=stream).is_terminal, stream
    os.close(leader)
    os.close(reading)
    # On the terminal too, plain where TTY_COMPATIBLE says no or FORCE_COLOR is empty.
    free = compatible not in ("0", "1")
    assert told[terminal.name] is (compatible == "0" or (free and force == ""))


def test_the_kinds_fields_are_the_models() -> None:
    from avtalsgen.input import casefiles, kinds

    for model in kinds.KINDS:
        assert casefiles.FIELDS[model.__name__] == frozenset(model.model_fields)
        assert casefiles.TELLING[model.__name__] == kinds._TELLING[model]
        assert casefiles.OWN[model.__name__] == kinds._own_keys(model)


def _kind_files(folder: Path) -> None:
    """Files of every kind, written in the ways YAML allows, and files a reader refuses."""
    program = (REPO / "cases" / "program" / "norrbottens-ekosystem.yaml").read_text("utf-8")
    case = (REPO / "cases" / ORIGINAL).read_text(encoding="utf-8")
    meeting = (REPO / "cases" / "sammantraden" / "exempel-run-2023-12-05.yaml").read_text(
        encoding="utf-8"
    )
    texts = {
        "case": case,
        "program": program,
        "meeting": meeting,
        "program-wrapped": "program:\n" + "".join(f"  {line}\n" for line in program.split("\n")),
        "case-wrapped": "arende:\n" + "".join(f"  {line}\n" for line in case.split("\n")),
        "program-quoted": "'strategier': []\n\"texter\": {}\nnamn: x\n",
        "program-flow": "{strategier: [], texter: {}}\n",
        "program-two-keys": "namn: x\nregion: y\n",
        "program-one-key": "namn: x\n",
        "program-tagged": "!!str strategier: []\ntexter: {}\n",
        "program-anchored": "strategier: &a []\ntexter: *a\n",
        "program-merged": "<<: {strategier: [], texter: {}}\nnamn: x\n",
        "program-twice": "strategier: []\nstrategier: []\n",
        "program-and-case": "strategier: []\ndnr: RUN-00001-2023\n",
        "program-non-text-keys": "1: x\ntrue: y\nstrategier: []\ntexter: {}\n",
        "program-documents": "strategier: []\n---\ntexter: {}\n",
        "program-complex-key": "? [a]\n: b\nstrategier: []\n",
        "program-bom": "\ufeffstrategier: []\ntexter: {}\n",
        "program-tab": "strategier: []\n\ttexter: {}\n",
        "program-in-list": "- strategier: []\n  texter: {}\n",
        "wrapped-twice": "x:\n  y:\n    strategier: []\n    texter: {}\n",
        "wrapped-by-field": "namn:\n  strategier: []\n  texter: {}\n",
        "scalar": "strategier\n",
        "empty": "",
        "comment": "# strategier: []\n",
    }
    for name, text in texts.items():
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    (folder / "program-latin1.yaml").write_bytes("strategier: []\nnamn: å\n".encode("latin-1"))
    (folder / "program-control.yaml").write_text("strategier: []\nnamn: \x07\n", "utf-8")


def test_a_folder_s_case_files_are_those_the_models_tell(tmp_path: Path) -> None:
    """Without the models where the keys tell, the same files as the models' rule; and
    where the keys tell a kind, the models' kind."""
    from avtalsgen.input import casefiles, kinds
    from avtalsgen.model import Program

    _kind_files(tmp_path)
    files = sorted(tmp_path.glob("*.yaml"))
    assert casefiles.case_files_in(tmp_path) == [
        path for path in files if kinds.file_kind(path) is not Program
    ]
    told = 0
    for path in files:
        fast = casefiles._kind_by_keys(path)
        models = kinds.file_kind(path)
        if fast is not None and kinds.peek(path).readable:
            told += 1
            assert fast == (models.__name__ if models is not None else ""), path.name
        if fast not in (None, "Program"):
            assert models is not Program, path.name
    assert told > 10


def test_a_folder_of_case_files_is_told_without_the_models(tmp_path: Path) -> None:
    folder = tmp_path / "cases"
    folder.mkdir()
    for name in ("RUN-00386-2023.yaml", ORIGINAL):
        (folder / name).write_bytes((REPO / "cases" / name).read_bytes())
    (folder / "program.yaml").write_text("strategier: []\ntexter: {}\n", encoding="utf-8")
    probe = (
        "import sys\n"
        "from pathlib import Path\n"
        "from avtalsgen.input.casefiles import case_files_in\n"
        f"print([p.name for p in case_files_in(Path({str(folder)!r}))])\n"
        "print('models' if 'avtalsgen.model' in sys.modules else 'no models')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    # The program file is asked of the models, which tell it: they are imported for it.
    assert done.stdout.splitlines() == [f"['RUN-00386-2023.yaml', '{ORIGINAL}']", "models"]
    (folder / "program.yaml").unlink()
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.splitlines() == [f"['RUN-00386-2023.yaml', '{ORIGINAL}']", "no models"]


def test_the_keys_reader_stops_at_a_case_file_s_values(tmp_path: Path) -> None:
    """The keys' reader walks the events as the Dnr's reader does, with the limit of a case
    file's values (twice as many events): past it the keys are left to the models (which
    refuse the file)."""
    from avtalsgen.input import casefiles
    from avtalsgen.input.limits import MAX_NODES
    from avtalsgen.input.yamlevents import TooMany, events

    program = "strategier: []\ntexter: {}\nx: ["
    within = program + "1, " * (MAX_NODES - 10) + "]\n"
    beyond = program + "1, " * 2 * MAX_NODES + "]\n"  # a value is one event
    assert sum(1 for _event in events(within)) < 2 * MAX_NODES
    with pytest.raises(TooMany):
        for _event in events(beyond):
            pass
    (tmp_path / "within.yaml").write_text(within, "utf-8")
    (tmp_path / "beyond.yaml").write_text(beyond, "utf-8")
    assert casefiles._kind_by_keys(tmp_path / "within.yaml") == "Program"
    assert casefiles._kind_by_keys(tmp_path / "beyond.yaml") is None
