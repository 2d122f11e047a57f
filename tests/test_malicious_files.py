"""Malicious and broken files, paths that lead elsewhere, and templates that try to escape.

Every bad file must give one clear ``CaseError`` within a couple of seconds, and the CLI must
exit with 1 and write nothing. Paths: a case's ``program`` may not lead outside the folder
above the case file's folder (``..``, absolute paths, symbolic links), its attachments may
not leave its folder, and a Dnr (the output folder's name) is ``RUN-`` and ASCII digits only.
Templates render in a sandbox: Python internals are out of reach.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from avtalsgen.cli.app import app
from avtalsgen.documents.context import build_context
from avtalsgen.documents.render import Metadata, render_document
from avtalsgen.errors import CaseError, RenderError
from avtalsgen.input.limits import MAX_FILE_BYTES
from avtalsgen.input.load import load_case, read_yaml

REPO = Path(__file__).resolve().parents[1]
CASES = REPO / "cases"
SEED = CASES / "RUN-00386-2023.yaml"
SEED_TEXT = SEED.read_text(encoding="utf-8")
PROGRAM_LINE = "program: program/norrbottens-ekosystem.yaml"
#: Every bad file must be refused within this many seconds of CPU.
QUICK = 2.0


def _edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"expected exactly one {old!r}"
    return text.replace(old, new)


def _laughs(levels: int = 9) -> str:
    """The "billion laughs": each level refers nine times to the one before (9**9 leaves)."""
    lines = ['lol0: &lol0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels):
        refs = ", ".join([f"*lol{level - 1}"] * 9)
        lines.append(f"lol{level}: &lol{level} [{refs}]")
    return "\n".join(lines) + "\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A case folder with a copy of the program folder, so ``program: program/...`` loads."""
    shutil.copytree(CASES / "program", tmp_path / "cases" / "program")
    return tmp_path / "cases"


def _refused(path: Path) -> list[str]:
    # CPU time, not wall time: this guards against a blow-up (aliases expanded, a parser gone
    # quadratic), which costs CPU; a machine busy with other work must not fail it.
    started = time.process_time()
    with pytest.raises(CaseError) as info:
        load_case(path)
    elapsed = time.process_time() - started
    assert elapsed < QUICK, f"took {elapsed:.2f} s of CPU"
    return info.value.problems


# --- malicious and broken files --------------------------------------------------------------

#: (id, file content, the one problem expected as a regular expression after the path)
BAD_TEXT = [
    pytest.param(
        _laughs(),
        r":1: YAML anchors and aliases \(&name, \*name\) are not allowed in case files; "
        r"write the value out in full",
        id="billion-laughs",
    ),
    pytest.param(
        _edit(SEED_TEXT, "villkor:\n", _laughs(8) + "villkor:\n"),
        r":44: YAML anchors and aliases .*",
        id="billion-laughs-inside-a-valid-case",
    ),
    pytest.param(
        _edit(SEED_TEXT, "dnr: RUN-00386-2023\n", "dnr: &d RUN-00386-2023\nnamn2: *d\n"),
        r":6: YAML anchors and aliases .*",
        id="harmless-anchor-is-refused-too",
    ),
    pytest.param(
        "!!python/object/apply:os.system ['touch PWNED']\n",
        r":1: YAML tags \(!!python/object/apply:os.system\) are not allowed in case files; "
        r"write plain text, numbers, lists and mappings",
        id="tag-python-object-apply",
    ),
    pytest.param(
        _edit(SEED_TEXT, "titel: Pilot", "titel: !!python/name:os.system\nx: Pilot"),
        r":11: YAML tags \(!!python/name:os.system\) are not allowed .*",
        id="tag-python-name",
    ),
    pytest.param(
        _edit(SEED_TEXT, "titel: Pilot", "titel: !vault |\n  abc\nx: Pilot"),
        r":11: YAML tags \(!vault\) are not allowed .*",
        id="tag-custom",
    ),
    pytest.param(
        _edit(SEED_TEXT, "start: 2023-10-01", "start: !!timestamp 2023-13-45"),
        r":22: YAML tags \(!!timestamp\) are not allowed .*",
        id="tag-timestamp-invalid",
    ),
    pytest.param(
        _edit(SEED_TEXT, "dnr: RUN", "exempel: !!bool kanske\ndnr: RUN"),
        r":6: YAML tags \(!!bool\) are not allowed .*",
        id="tag-bool-invalid",
    ),
    pytest.param(
        _edit(SEED_TEXT, "belopp_per_ar: 2000000", "belopp_per_ar: " + "9" * 5000),
        r":27: the number 99999999999999999999… is too long \(at most 20 characters\)",
        id="integer-of-5000-digits",
    ),
    pytest.param(
        _edit(SEED_TEXT, "belopp_per_ar: 2000000", "belopp_per_ar: 1" + ":59" * 20000),
        r":27: the number 1:59:59:59:59:59:59:… is too long .*",
        id="sexagesimal-integer",
    ),
    pytest.param(
        "a: " + "[" * 100_000 + "]" * 100_000 + "\n",
        r":1: lists and mappings are nested more than 20 levels deep",
        id="deep-flow-nesting",
    ),
    pytest.param(
        "".join(" " * level + f"k{level}:\n" for level in range(100)) + " " * 100 + "x: 1\n",
        r":20: lists and mappings are nested more than 20 levels deep",
        id="deep-block-nesting",
    ),
    pytest.param(
        "a: [" + "1, " * 80_000 + "]\n",
        r":1: the file holds more than 20,000 values \(a case file holds a few hundred\)",
        id="a-list-of-80000-numbers",
    ),
    pytest.param(
        SEED_TEXT + "".join(f"k{i}: v\n" for i in range(25_000)),
        r":\d+: the file holds more than 20,000 values .*",
        id="25000-keys",
    ),
    pytest.param(
        "a: " + "{" * 100_000,
        r":1: lists and mappings are nested more than 20 levels deep",
        id="unclosed-braces",
    ),
    pytest.param(
        SEED_TEXT + "#" + "\x00" * 50 + "\n",
        f":{SEED_TEXT.count(chr(10)) + 1}: not a UTF-8 text file: it holds 50 control "
        r"characters such as U\+0000 "
        r"\(save the file as UTF-8 text\)",
        id="nul-bytes",
    ),
    pytest.param(
        "---\na: 1\n---\nb: 2\n",
        r":3: the file may hold one YAML document only: remove the line with ---",
        id="two-documents",
    ),
]


@pytest.mark.parametrize(("text", "expected"), BAD_TEXT)
def test_bad_yaml_is_refused_quickly(folder: Path, text: str, expected: str) -> None:
    case = folder / "arende.yaml"
    case.write_text(text, encoding="utf-8")
    problems = _refused(case)
    assert any(re.fullmatch(re.escape(str(case)) + expected, p) for p in problems), problems
    assert not (folder / "PWNED").exists()


def _bad_bytes() -> Iterator[object]:
    rng = random.Random(20240101)
    garbage = bytes(rng.randrange(256) for _ in range(100_000))
    png = b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(5000))
    utf16 = SEED_TEXT.encode("utf-16")
    utf16_no_bom = ("program: program/x.yaml\ndnr: RUN-00386-2023\n" * 3).encode("utf-16-le")
    cp1252 = SEED_TEXT.encode("cp1252")
    yield pytest.param(garbage, r":1: not UTF-8 text \(save the file as UTF-8\)", id="random-bytes")
    yield pytest.param(png, r":1: not UTF-8 text \(save the file as UTF-8\)", id="png-image")
    yield pytest.param(utf16, r":1: not UTF-8 text \(save the file as UTF-8\)", id="utf-16-bom")
    yield pytest.param(
        utf16_no_bom,
        r":1: not a UTF-8 text file: it holds \d+ control characters such as U\+0000 "
        r"\(save the file as UTF-8 text\)",
        id="utf-16-without-bom",
    )
    yield pytest.param(cp1252, r":2: not UTF-8 text \(save the file as UTF-8\)", id="windows-1252")
    yield pytest.param(
        b"\xef\xbb\xbf" + SEED_TEXT.encode("utf-8")[:-1] + b"\xff",
        f":{SEED_TEXT.count(chr(10))}: " + r"not UTF-8 text \(save the file as UTF-8\)",
        id="utf-8-with-a-bad-last-byte",
    )


@pytest.mark.parametrize(("data", "expected"), list(_bad_bytes()))
def test_binary_and_non_utf8_files(folder: Path, data: bytes, expected: str) -> None:
    case = folder / "arende.yaml"
    case.write_bytes(data)
    problems = _refused(case)
    assert len(problems) == 1 and re.fullmatch(re.escape(str(case)) + expected, problems[0]), (
        problems
    )


def test_at_most_100_problems_are_listed(folder: Path) -> None:
    case = folder / "arende.yaml"
    case.write_text(SEED_TEXT + "".join(f"okand{i}: x\n" for i in range(150)), encoding="utf-8")
    problems = _refused(case)
    first = SEED_TEXT.count("\n") + 1
    assert problems[:2] == [
        f"{case}:{first}: okand0: unknown key 'okand0'; `avtalsgen schema` lists the keys",
        f"{case}:{first + 1}: okand1: unknown key 'okand1'; `avtalsgen schema` lists the keys",
    ]
    assert len(problems) == 101
    assert problems[-1] == f"{case}: ... and 50 more problems (only the first 100 are listed)"


def test_byte_order_mark_is_accepted(folder: Path) -> None:
    case = folder / "arende.yaml"
    case.write_bytes(b"\xef\xbb\xbf" + SEED_TEXT.encode("utf-8"))
    assert load_case(case).arende.dnr == "RUN-00386-2023"


@pytest.mark.parametrize("size", [MAX_FILE_BYTES + 1, 10 * 1024 * 1024])
def test_file_too_large(folder: Path, size: int) -> None:
    case = folder / "arende.yaml"
    case.write_text(SEED_TEXT + "#" * (size - len(SEED_TEXT.encode("utf-8"))), encoding="utf-8")
    assert case.stat().st_size == size
    shown = "10.0 MB" if size > 1024 * 1024 else "257 kB"
    assert _refused(case) == [
        f"{case}: the file is {shown}; case and program files are at most 256 kB "
        "(is it the right file?)"
    ]


def test_file_at_the_size_limit_is_read(folder: Path) -> None:
    case = folder / "arende.yaml"
    case.write_text(
        SEED_TEXT + "#" * (MAX_FILE_BYTES - len(SEED_TEXT.encode("utf-8"))), encoding="utf-8"
    )
    assert load_case(case).arende.dnr == "RUN-00386-2023"


def test_program_file_is_read_with_the_same_limits(folder: Path) -> None:
    program = folder / "program" / "norrbottens-ekosystem.yaml"
    program.write_text(_laughs(), encoding="utf-8")
    case = folder / "arende.yaml"
    case.write_text(SEED_TEXT, encoding="utf-8")
    assert _refused(case) == [
        f"{program}:1: YAML anchors and aliases (&name, *name) are not allowed in case files; "
        "write the value out in full"
    ]


def test_case_that_is_a_device_a_pipe_or_a_folder(tmp_path: Path) -> None:
    assert _refused(Path("/dev/zero")) == ["/dev/zero: not a regular file (a device or a pipe?)"]
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)  # opening it must not wait for a writer
    assert _refused(fifo) == [f"{fifo}: not a regular file (a device or a pipe?)"]
    (tmp_path / "mapp.yaml").mkdir()
    assert _refused(tmp_path / "mapp.yaml") == [
        f"{tmp_path / 'mapp.yaml'}: is a folder, not a file"
    ]


def test_read_yaml_refuses_like_a_case_file(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("a: !!timestamp nonsense\n", encoding="utf-8")
    with pytest.raises(CaseError):
        read_yaml(path)
    path.write_text("a: [1, 2]\n", encoding="utf-8")
    assert read_yaml(path) == {"a": [1, 2]}


MALICIOUS_FOR_CLI = {
    "billion-laughs": _laughs().encode("utf-8"),
    "python-tag": b"!!python/object/apply:os.system ['touch PWNED']\n",
    "ten-megabytes": SEED_TEXT.encode("utf-8") + b"#" * (10 * 1024 * 1024),
    "binary": bytes(random.Random(7).randrange(256) for _ in range(50_000)),
    "windows-1252": SEED_TEXT.encode("cp1252"),
}


@pytest.mark.parametrize("command", ["check", "build"])
@pytest.mark.parametrize("name", list(MALICIOUS_FOR_CLI))
def test_cli_exits_1_and_writes_nothing(folder: Path, command: str, name: str) -> None:
    case = folder / f"{name}.yaml"
    case.write_bytes(MALICIOUS_FOR_CLI[name])
    output = folder.parent / "output"
    argv = [command, str(case)]
    if command == "build":
        argv += ["--output", str(output), "--templates", str(REPO / "templates")]
    started = time.process_time()
    result = CliRunner().invoke(app, argv)
    elapsed = time.process_time() - started
    assert result.exit_code == 1, result.output
    assert elapsed < QUICK, f"took {elapsed:.2f} s of CPU"
    assert "Traceback" not in result.output
    assert str(case) in result.output
    written = [path for path in output.rglob("*") if path.is_file()] if output.exists() else []
    assert written == []
    assert not (folder / "PWNED").exists() and not Path("PWNED").exists()


# --- paths -------------------------------------------------------------------------------------


def _case_with_program(folder: Path, program: str) -> Path:
    case = folder / "arende.yaml"
    case.write_text(_edit(SEED_TEXT, PROGRAM_LINE, f"program: {program}"), encoding="utf-8")
    return case


def test_program_in_a_shared_folder_one_level_up(tmp_path: Path) -> None:
    shutil.copytree(CASES / "program", tmp_path / "program")
    (tmp_path / "2024").mkdir()
    case = _case_with_program(tmp_path / "2024", "../program/norrbottens-ekosystem.yaml")
    assert load_case(case).program_path.resolve() == (
        tmp_path / "program" / "norrbottens-ekosystem.yaml"
    )


def test_program_by_absolute_path_inside_the_allowed_folder(folder: Path) -> None:
    target = folder / "program" / "norrbottens-ekosystem.yaml"
    assert load_case(_case_with_program(folder, str(target))).program.namn


def test_program_through_a_symlink_that_stays_inside(folder: Path) -> None:
    (folder / "delad").symlink_to(folder / "program", target_is_directory=True)
    assert load_case(_case_with_program(folder, "delad/norrbottens-ekosystem.yaml")).program.namn


@pytest.mark.parametrize(
    ("program", "message"),
    [
        pytest.param(
            "../../program/norrbottens-ekosystem.yaml",
            "'../../program/norrbottens-ekosystem.yaml' leads outside <root>; the program file "
            "must lie in the case file's folder or below the folder above it",
            id="two-levels-up",
        ),
        pytest.param(
            "<outside>/program.yaml",
            "'<outside>/program.yaml' leads outside <root>; the program file must lie in the "
            "case file's folder or below the folder above it",
            id="absolute-path-outside",
        ),
        pytest.param(
            "/etc/passwd", "'/etc/passwd' is not a YAML file (.yaml)", id="absolute-not-yaml"
        ),
        pytest.param(
            "program/../../../../../../etc/hosts.yaml",
            "'program/../../../../../../etc/hosts.yaml' leads outside <root>; the program file "
            "must lie in the case file's folder or below the folder above it",
            id="climbing-out-through-program",
        ),
        pytest.param(
            "program\\norrbottens-ekosystem.yaml",
            "'program\\norrbottens-ekosystem.yaml': write the path with /, not \\",
            id="backslash",
        ),
        pytest.param(
            "program/norrbottens-ekosystem.txt",
            "'program/norrbottens-ekosystem.txt' is not a YAML file (.yaml)",
            id="not-yaml",
        ),
        pytest.param(
            "lanken/program.yaml",
            "'lanken/program.yaml' leads outside <root> through a symbolic link; the program "
            "file must lie in the case file's folder or below the folder above it",
            id="symlink-escaping",
        ),
    ],
)
def test_program_path_that_leads_elsewhere(tmp_path: Path, program: str, message: str) -> None:
    root = tmp_path / "root"
    folder = root / "cases"
    shutil.copytree(CASES / "program", folder / "program")
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copy(CASES / "program" / "norrbottens-ekosystem.yaml", outside / "program.yaml")
    (folder / "lanken").symlink_to(outside, target_is_directory=True)
    program = program.replace("<outside>", str(outside))
    case = _case_with_program(folder, program)
    expected = message.replace("<outside>", str(outside)).replace("<root>", str(root))
    assert _refused(case) == [f"{case}:5: program: {expected}"]


def test_program_symlink_loop(folder: Path) -> None:
    (folder / "a").symlink_to(folder / "b")
    (folder / "b").symlink_to(folder / "a")
    case = _case_with_program(folder, "a/program.yaml")
    (problem,) = _refused(case)
    assert problem.startswith(f"{case}:5: program: 'a/program.yaml' cannot be resolved: ")


@pytest.mark.parametrize(
    "dnr",
    [
        "../../etc",
        "RUN-00386-2023/../../x",
        "RUN-00386-2023/x",
        "/tmp/RUN-00386-2023",
        "RUN-٠٠٣٨٦-٢٠٢٣",  # Arabic-Indic digits match \d but must not name a folder
        "RUN-००३८६-२०२३",  # Devanagari digits
        "'RUN-00386-2023\\n'",
        "RUN-00386-2023 x",
    ],
)
def test_dnr_cannot_name_another_folder(folder: Path, dnr: str) -> None:
    case = folder / "arende.yaml"
    case.write_text(_edit(SEED_TEXT, "dnr: RUN-00386-2023", f"dnr: {dnr}"), encoding="utf-8")
    (problem,) = _refused(case)
    assert problem.startswith(f"{case}:6: dnr: ") and "is not a Dnr of the form" in problem


@pytest.mark.parametrize(
    ("fil", "message"),
    [
        ("../hemlig.pdf", "must be a path inside the case file's folder"),
        ("/etc/hemlig.pdf", "must be a path inside the case file's folder"),
        ("bilagor/../../hemlig.pdf", "must be a path inside the case file's folder"),
        ("bilaga.exe", "is not a PDF file"),
    ],
)
def test_attachment_path_outside_the_case_folder(folder: Path, fil: str, message: str) -> None:
    case = folder / "arende.yaml"
    case.write_text(SEED_TEXT + f"bilagor:\n  - titel: Bilaga\n    fil: {fil}\n", encoding="utf-8")
    line = SEED_TEXT.count("\n") + 3
    (problem,) = _refused(case)
    assert problem.startswith(f"{case}:{line}: bilagor[0].fil: ") and message in problem, problem


def test_attachment_symlink_escaping_the_case_folder(folder: Path, tmp_path: Path) -> None:
    from avtalsgen.pdf.packet import resolve_attachments

    secret = tmp_path / "hemlig.pdf"
    secret.write_bytes(b"%PDF-1.7\n")
    (folder / "bilaga.pdf").symlink_to(secret)
    case = folder / "arende.yaml"
    with pytest.raises(CaseError) as info:
        resolve_attachments(case, [("Bilaga", "bilaga.pdf")])
    assert info.value.problems == [
        f"{case}: bilagor[0].fil: 'bilaga.pdf' leads outside the case's folder (a symlink?)"
    ]


# --- templates in the sandbox ----------------------------------------------------------------


@pytest.mark.parametrize(
    "tag",
    [
        "{{ ''.__class__ }}",
        "{{ arende.__class__.__mro__ }}",
        "{{ arende.__init__.__globals__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ cycler.__init__.__globals__.os }}",
        "{{ arende.aktor.__dict__ }}",
        "{{ '{0.__class__}'.format(arende) }}",
        "{{ arende.model_validate.__func__.__globals__ }}",
    ],
)
def test_template_cannot_reach_python_internals(tmp_path: Path, tag: str) -> None:
    document = docx.Document()
    document.add_paragraph(f"Dnr {{{{ arende.dnr }}}} {tag}")
    template = tmp_path / "ond.docx"
    document.save(str(template))
    context = build_context(load_case(SEED))
    with pytest.raises(RenderError) as info:
        render_document(template, context, Metadata("t", "s", ("k",)))
    # Refused: by the sandbox, or first by the check of what the models provide, which the
    # error then quotes (with where the tag is).
    assert str(info.value).startswith(f"{template}: "), info.value
    assert re.search(
        r"access to attribute '\w+' of '\w+' object is unsafe|'[\w.]+' is not provided",
        str(info.value),
    ), info.value


def test_template_with_a_huge_range_is_a_render_error(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("{% for x in range(10**9) %}{{ x }}{% endfor %}")
    template = tmp_path / "stor.docx"
    document.save(str(template))
    context = build_context(load_case(SEED))
    with pytest.raises(RenderError):
        render_document(template, context, Metadata("t", "s", ("k",)))


# --- the case files a meeting file's folder holds ----------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("a: !!timestamp nonsense\n", id="bad-timestamp-tag"),
        pytest.param("a: !!bool kanske\n", id="bad-bool-tag"),
        pytest.param("a: " + "[" * 3000 + "]" * 3000 + "\n", id="deep-nesting"),
    ],
)
def test_meeting_case_index_lists_a_malicious_file_as_unreadable(tmp_path: Path, text: str) -> None:
    from avtalsgen.meetings.justering import index_cases

    (tmp_path / "ond.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "arende.yaml").write_text(SEED_TEXT, encoding="utf-8")
    index = index_cases(tmp_path)
    assert index.unreadable == [tmp_path / "ond.yaml"]
    assert index.by_dnr == {"RUN-00386-2023": [tmp_path / "arende.yaml"]}
