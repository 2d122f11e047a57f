"""Shared fixtures: the example cases built once per test session with the real tools."""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import fcntl
import importlib.util
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pytest
import typer
import typer.main
import typer.testing

# The suite's language is English whatever the shell says (a developer's sv_SE.UTF-8, CI's
# C.UTF-8 or nothing at all, both of which give Swedish): messages follow LC_ALL, LC_MESSAGES
# and LANG, the C and POSIX locales counting as unset. Tests of Swedish messages pin it:
# i18n.set_language("sv") in the process, or LANG/LC_ALL in a subprocess's environment. Set
# before avtalsgen is imported (the command line's help texts are translated when it is
# defined).
os.environ.pop("LC_ALL", None)
os.environ["LC_MESSAGES"] = "en_US.UTF-8"

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from typer._click import Command as ClickCommand
from typer.testing import CliRunner

from avtalsgen import i18n
from avtalsgen.cli import clicktexts
from avtalsgen.cli.app import app, command

if TYPE_CHECKING:
    import softhsm

    from avtalsgen.build.batch import _Batch
    from avtalsgen.build.workspace import Session
    from avtalsgen.input.load import LoadedCase
    from avtalsgen.model.money import Finansiering
    from avtalsgen.model.tillagg import Andring
    from avtalsgen.model.types import Loc
    from avtalsgen.signing.pki import DemoPki


def _hypothesis_imported_as_it_is() -> None:
    """pytest rewrites the asserts of every module of a package that comes with a pytest
    plugin, Hypothesis's whole library too; where PYTHONDONTWRITEBYTECODE is set, nothing
    keeps the rewritten modules, and each test process parsed and rewrote all of Hypothesis
    again as test_fuzz imported it (about a second of CPU). Hypothesis's own asserts need no
    rewriting (the tests' asserts are still rewritten). Not yet imported here; a pytest
    without the private set leaves things as they are."""
    for finder in sys.meta_path:
        marked = getattr(finder, "_must_rewrite", None)
        if isinstance(marked, set) and "hypothesis" not in sys.modules:
            marked.discard("hypothesis")
            getattr(finder, "_marked_for_rewrite_cache", {}).clear()


_hypothesis_imported_as_it_is()

#: Whether bytecode may be written, as the environment says (PYTHONDONTWRITEBYTECODE).
_WRITES_BYTECODE = not sys.dont_write_bytecode
# pytest keeps each test module as it rewrote its asserts (in tests/__pycache__), and a later
# run reads it back while the module is unchanged, unless no bytecode may be written: where
# PYTHONDONTWRITEBYTECODE is set, each test process rewrote and compiled all the test modules
# at every run, 3.3 s of its CPU (half of collecting the suite: 7.3 s, 3.7 s with them kept).
# While the suite is collected they are kept all the same, as scripts/setup.sh compiles the
# package's own modules; afterwards the environment's choice holds again.
sys.dont_write_bytecode = False


def pytest_collection_finish() -> None:
    sys.dont_write_bytecode = not _WRITES_BYTECODE


#: Where the session's temporary folders go when the command line names none (--basetemp):
#: a folder of its own in memory (tmpfs), not on the disk. The web app's database, the
#: workspace's files and LibreOffice's profiles flush their writes to disk (fsync,
#: fdatasync), each a wait of some milliseconds on a busy disk and nothing in memory:
#: test_web_editing and test_web_security alone waited 4.8 s for 1 441 of them on the disk,
#: 0.14 s in memory. What the tests check is the same on either: the folders, files and
#: their bytes (test_faults' full disk is a tmpfs of its own).
MEMORY = Path("/dev/shm")


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """The session's temporary folders in :data:`MEMORY` (before pytest's tmp_path plugin
    reads --basetemp; pytest-xdist's test processes get folders inside the one made here),
    removed at the end of the session. Its name is no longer than pytest's own
    (/tmp/pytest-of-root/pytest-NNN), so that no socket's path in it grows past the limit of
    108 bytes. Left as pytest does it where the command line names a folder or there is no
    writable tmpfs."""
    if config.option.basetemp or os.environ.get("PYTEST_XDIST_WORKER"):
        return
    if not (MEMORY.is_dir() and os.access(MEMORY, os.W_OK | os.X_OK)):
        return
    folder = tempfile.mkdtemp(prefix="avtalsgen-t-", dir=MEMORY)
    config.option.basetemp = folder
    config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))


def _made_once(typer_instance: typer.Typer) -> ClickCommand:
    """The command line that typer's CliRunner runs: avtalsgen's made once, as the installed
    command runs it (``avtalsgen.cli.app.command()``), not made anew for every command a
    test runs (typer's get_command reads the signature of every command each time: some 30
    ms of CPU, and the suite runs the command line in its processes some 260 times)."""
    if typer_instance is not app:
        return typer.main.get_command(typer_instance)
    made = command()
    assert isinstance(made, ClickCommand)
    return made


typer.testing._get_command = _made_once  # type: ignore[attr-defined]

REPO = Path(__file__).resolve().parent.parent

# No test sends documents to a converter the developer may have running (`avtalsgen
# converter start`): this folder has none. The tests of the converter start their own.
NO_CONVERTER = tempfile.mkdtemp(prefix="avtalsgen-no-converter-")
os.environ["AVTALSGEN_CONVERTER_DIR"] = NO_CONVERTER
# The converters the tests start do not warm up (no example build in their preloaded
# avtalsgen, no first document in each soffice): about a second less at each of their
# starts, and no test measures their latency. test_warm's shared converter warms up, as a
# user's does, and checks it.
os.environ["AVTALSGEN_CONVERTER_WARM_UP"] = "0"
# Nor does any test sign with, or make, the developer's own demo PKI (in the user's data
# folder): the session has one of its own, made by the first test that needs it.
DATA_HOME = os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="avtalsgen-test-data-")
# Both gone when the test process ends (each of pytest-xdist's processes makes its own): they
# were left in the temporary folder, two for each process of each run, the demo PKI's private
# keys among them.
for _folder in (NO_CONVERTER, DATA_HOME):
    atexit.register(shutil.rmtree, _folder, ignore_errors=True)
CASES = {
    "RUN-00386-2023": REPO / "cases" / "RUN-00386-2023.yaml",
    "RUN-90001-2023": REPO / "cases" / "exempel-arktiska-testbaddar.yaml",
    "RUN-90002-2024": REPO / "cases" / "exempel-kreativa-norrbotten.yaml",
    "RUN-90003-2025": REPO / "cases" / "exempel-medfinansiering.yaml",
    "RUN-90004-2024": REPO / "cases" / "exempel-trappsteg.yaml",
}


#: The test files that take longest, the longest first, as measured (2026-12-06 at 15:48 UTC,
#: the whole suite with --durations=0 on the 2-core machine while other work loaded it, load
#: average 2-5: the browser tests take 11 % of the summed time, the warm converter's, the
#: long-term signatures and test_sign 7 % each, the rest 4 % or less). scripts/test.sh runs
#: the files on two processes, a whole file at a time, in the order of the collection
#: (--no-loadscope-reorder): the longest first, so that no long file starts near the end
#: while the other process has nothing left to do. (pytest-xdist's own order, by the number
#: of tests in a file, put these last.)
LONGEST_FIRST = (
    "test_web_browser.py",
    "test_warm.py",
    "test_longterm.py",
    "test_sign.py",
    "test_batch.py",
    "test_fuzz.py",
    "test_attachments.py",
    "test_packet.py",
    "test_hostile.py",
    "test_sign_cli.py",
    "test_pool.py",
    "test_decisions.py",
    "test_tillagg.py",
    "test_output_folder.py",
    "test_anslag.py",
    "test_web_signing.py",
    "test_web_browser_many.py",  # 40 s alone (web19, not measured with the rest)
    "test_web_sign_many.py",  # 37 s alone
    "test_cli.py",
    "test_extract_signing.py",
    "test_publicering.py",
    "test_extract.py",
    "test_i18n.py",
    "test_cli_language.py",
    "test_cli_options.py",
    "test_web_security.py",
    "test_web_editing.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The files of :data:`LONGEST_FIRST` first, in its order; the rest after them as
    collected (each file's tests in their own order)."""
    rank = {name: index for index, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


@pytest.fixture(autouse=True)
def _language_of_the_environment() -> Iterator[None]:
    """Every test starts in the environment's language (English, above), whatever a test
    before it chose with ``i18n.set_language`` or ``--lang``."""
    i18n.set_language(None)
    yield
    i18n.set_language(None)
    clicktexts.install()  # typer keeps some of its texts in module constants


@pytest.fixture(autouse=True)
def _root_logger_as_it_was() -> Iterator[None]:
    """The root logger's handlers and level as before the test. The web app configures
    Litestar's logging, which puts a queue handler on the root logger whose listener thread
    writes to the stderr of the moment: a CliRunner's, closed when its command returns. A
    library's warning in a later test (pikepdf's on a broken XMP) then ended in "--- Logging
    error --- ValueError: I/O operation on closed file" in the suite's output."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        if handler not in handlers and not type(handler).__module__.startswith("_pytest."):
            root.removeHandler(handler)  # pytest's own come and go with each test's phase
    root.setLevel(level)


@pytest.fixture
def english() -> Iterator[None]:
    """The test in English (messages and documents' words as the code writes them)."""
    i18n.set_language("en")
    yield
    i18n.set_language(None)


#: The start of a script for a fresh interpreter (``python -c SCRIPT ROOT``) that makes the
#: web app on the folder ROOT, so that its log configuration holds: the tests of what
#: ``avtalsgen serve`` logs add what they log after it.
FRESH_WEB_APP = (
    "import logging, sys\n"
    "from pathlib import Path\n"
    "from avtalsgen.web.app import create_app\n"
    "from avtalsgen.web.config import WebConfig\n"
    "root = Path(sys.argv[1])\n"
    "create_app(WebConfig(cases=root, output=root, data=root / 'data', templates=root))\n"
)


#: For the tests that need a real LibreOffice (its PDFs are what they check).
needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice is not installed"
)


@pytest.fixture
def cases(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    """A copy of the shipped cases, program and meetings in a temporary folder; for a test
    marked ``without_tillagg`` (a module's later meeting changes an agreement itself),
    without the shipped meeting of 2026-06-16 (its tillägg)."""
    shutil.copytree(REPO / "cases", tmp_path / "cases")
    if request.node.get_closest_marker("without_tillagg") is not None:
        (tmp_path / "cases" / "sammantraden" / "exempel-run-2026-06-16.yaml").unlink()
    return tmp_path / "cases"


def run(*argv: str) -> str:
    """Run a poppler or qpdf tool and return its output."""
    return subprocess.run(argv, check=True, capture_output=True, text=True).stdout


def run_cli(
    *argv: str, env: Mapping[str, str | None] | None = None, lang: str | None = "en"
) -> subprocess.CompletedProcess[str]:
    """The avtalsgen command line run in this process, as ``python -m avtalsgen.cli --lang
    lang *argv`` would run in a fresh one: its exit status and its standard output and error
    apart, with ``env`` added to the environment while it runs (``None`` unsets a variable)
    and nothing on its standard input. ``lang=None`` passes no ``--lang``: the messages and
    typer's and click's texts are then in the language that ``env`` and the environment
    choose, as a fresh process started with them would choose it.

    About a second quicker than a fresh process (Python's start and the imports of pyHanko
    and pikepdf). Tests where the process boundary is the point keep a real one: signals,
    the exit status of a fresh process, what start-up imports or prints (library warnings,
    help texts translated as the command line is defined), a network namespace of its own,
    SoftHSM2's configuration (read once per process). An error that the command line does
    not turn into a message and an exit status is raised here, as the traceback it would be.
    """
    command = [*(("--lang", lang) if lang is not None else ()), *argv]
    chosen = i18n._chosen
    try:
        with pytest.MonkeyPatch.context() as patch:
            for name, value in (env or {}).items():
                if value is None:
                    patch.delenv(name, raising=False)
                else:
                    patch.setenv(name, value)
            i18n.set_language(chosen)  # the catalogue of the language this environment chooses
            clicktexts.install()
            result = CliRunner().invoke(app, command, catch_exceptions=False, prog_name="avtalsgen")
    finally:
        i18n.set_language(chosen)  # the command's --lang and env are not the test's
        clicktexts.install()
    return subprocess.CompletedProcess(
        ["avtalsgen", *command], result.exit_code, result.stdout, result.stderr
    )


#: A text edit: ``(old, new)``, where ``old`` occurs exactly once.
Edit = tuple[str, str]


def edit(text: str, *edits: Edit) -> str:
    """Apply ``edits`` in order; each original substring must occur exactly once."""
    for old, new in edits:
        count = text.count(old)
        assert count == 1, f"expected exactly one {old!r} in the original text, found {count}"
        text = text.replace(old, new)
    return text


@pytest.fixture
def all_up_to_date(monkeypatch: pytest.MonkeyPatch) -> None:
    """A build finds every case up to date and builds none: for tests of what a run
    writes and says (its report), not of what it makes."""
    from avtalsgen.build import batch
    from avtalsgen.build.outcome import Status

    def settled(self: _Batch, run: Session) -> list[int]:
        for outcome in self.outcomes:
            outcome.status = Status.UP_TO_DATE
            self.settle(outcome)
        return []

    monkeypatch.setattr(batch._Batch, "not_up_to_date", settled)


def seed_alone(cases: Path) -> Path:
    """The copy of the cases folder ``cases`` left with the seed case (RUN-00386-2023.yaml)
    and the meeting that decides it (§ 211) and nothing else; the meeting file's path."""
    for path in cases.glob("*.yaml"):
        if path.name != "RUN-00386-2023.yaml":
            path.unlink()
    meeting = cases / "sammantraden" / "exempel-run-2023-12-05.yaml"
    for path in meeting.parent.glob("*.yaml"):
        if path != meeting:
            path.unlink()
    text = edit(
        meeting.read_text(encoding="utf-8"),
        ("  - paragraf: 212\n    dnr: RUN-90001-2023\n    beslut: enligt förslaget\n", ""),
    )
    meeting.write_text(text, encoding="utf-8")
    return meeting


def fold(text: str) -> str:
    """Whitespace (non-breaking spaces included) folded to single spaces."""
    return " ".join(text.replace("\u00a0", " ").split())


def script(name: str) -> ModuleType:
    """The repository's ``scripts/<name>.py``, loaded as a module (the scripts are no
    package)."""
    spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def apply_tillagg(
    case: LoadedCase, tillagg: dict[str, Any], decided: str, money: Finansiering | None = None
) -> tuple[Andring | None, list[tuple[Loc, str]]]:
    """The tillägg ``tillagg`` decided on ``decided`` (ISO) applied to ``money`` (the
    case's financing by default) under the case's program, which allows an extension to
    nine years, three a period."""
    from avtalsgen.model.tillagg import Tillagg, apply_change

    return apply_change(
        money or case.arende.finansiering,
        Tillagg.model_validate(tillagg),
        case.program.finansiering,
        beslutsdatum=dt.date.fromisoformat(decided),
        max_ar=9,
        forlangning_tillaten=True,
        ar_per_period=3,
    )


def shared_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test session's own temporary folder, which its test processes share: under
    pytest-xdist each process's base folder (``popen-gw0``, ...) is in it."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextlib.contextmanager
def made_once(target: Path) -> Iterator[bool]:
    """For something the session's test processes make once and share (read only): holds
    an exclusive lock on ``target``'s lock file while the block runs, and yields whether
    ``target`` still has to be made. The block makes it; once it has ended without an
    error, ``target`` is marked as made, and the other processes, which waited for the
    lock, find it so. Something half made (a block that raised) is made again."""
    lock = target.with_name(target.name + ".lock")
    done = target.with_name(target.name + ".made")
    with lock.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # released as the file is closed
        if done.exists():
            yield False
            return
        shutil.rmtree(target, ignore_errors=True)
        yield True
        done.touch()


def _built_once(
    tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], object]
) -> Path:
    """The folder ``name`` of the session's shared folder, made by ``build`` once for the
    whole session and its test processes (the first that needs it builds it, another that
    needs it meanwhile waits). Built by the pool of one-shot LibreOffice processes (the
    CLI's own, test_warm compares it with the warm converter's), whatever converter a test
    module has running at the time."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    folder = shared_folder(tmp_path_factory) / name
    with made_once(folder) as to_make:
        if to_make:
            with pytest.MonkeyPatch.context() as patch:
                patch.setenv("AVTALSGEN_CONVERTER_DIR", NO_CONVERTER)
                build(folder)
    return folder


def build_every_case(output: Path) -> None:
    """Every example case (:data:`CASES`) built through the CLI into ``output``."""
    result = CliRunner().invoke(
        app,
        ["build", *map(str, CASES.values()), "--output", str(output),
         "--templates", str(REPO / "templates")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every example case built once, through the CLI, into a temporary output folder: one
    build for the whole session, shared by its test processes (:func:`_built_once`). Read
    only."""
    return _built_once(tmp_path_factory, "built", build_every_case)


@pytest.fixture(scope="session")
def complete_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example case RUN-90001-2023 built once, every fact known (the program names the
    region's signatory), shared by the session's test processes as :func:`built` is: its
    output folder (webtools.complete_build), read only. The web tests' workspaces with a
    complete packet copy its case folder (webtools.complete_workspace) instead of each
    building it again."""
    from webtools import complete_build

    return _built_once(tmp_path_factory, "complete", complete_build) / "output"


@pytest.fixture(scope="session")
def every_case_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every example case built once with the region's signatory named, shared by the
    session's test processes as :func:`complete_built` is: its output folder
    (webtools.every_case_build), read only; the web's signing of many packets copies it
    (webtools.every_case_workspace)."""
    from webtools import every_case_build

    return _built_once(tmp_path_factory, "every-complete", every_case_build) / "output"


@pytest.fixture(scope="session")
def session_converter() -> Iterator[Path]:
    """A warm converter with one LibreOffice for the test process's modules that only need
    documents converted (tests/warm_converter.py), started by the first that asks and
    stopped at the end of the session: one LibreOffice start, not one per module. Its
    folder: ``converter_in(session_converter)`` points AVTALSGEN_CONVERTER_DIR at it."""
    from warm_converter import running_converter

    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    with running_converter() as folder:
        yield folder


@pytest.fixture(scope="module")
def warm_builds(request: pytest.FixtureRequest) -> Iterator[None]:
    """For a module whose tests build through the command line to read what the build made
    or said (``pytestmark = pytest.mark.usefixtures("warm_builds")``): while it runs,
    AVTALSGEN_CONVERTER_DIR names the test process's warm converter (:func:`session_converter`),
    and the builds send their documents to it, as they do to a converter a user started: the
    same PDFs (test_warm compares them object for object) without a one-shot LibreOffice
    started for each build. A test that sets AVTALSGEN_CONVERTER_DIR itself, or hands a build
    a converter, still decides for itself. Without LibreOffice nothing is started."""
    if shutil.which("soffice") is None:
        yield
        return
    from warm_converter import converter_in

    with converter_in(request.getfixturevalue("session_converter")):
        yield


@pytest.fixture(scope="session")
def demo_pki() -> DemoPki:
    """The demo PKI of the session's own (never the user's): test_sign's signers and the
    SoftHSM2 token's. The one the command line and the web app sign with in this process
    (in :data:`DATA_HOME`, as they find it): its keys are made once, not twice."""
    from avtalsgen.signing.pki import ensure_demo_pki

    return ensure_demo_pki(Path(DATA_HOME) / "avtalsgen" / "demo-pki")


#: The demo signer whose key and certificate the session's SoftHSM2 token holds.
TOKEN_SIGNER = "Region Norrbotten regional utvecklingsdirektör"


@pytest.fixture(scope="session")
def softhsm_token(
    demo_pki: DemoPki, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[softhsm.Token]:
    """The session's SoftHSM2 token, holding :data:`TOKEN_SIGNER`'s key and certificate of
    :func:`demo_pki`. One for every test in the process, and the command line run in it
    (:func:`run_cli`) uses it too: SoftHSM2 reads its configuration (SOFTHSM2_CONF) once,
    when a process first loads it."""
    import softhsm

    from avtalsgen.signing.pki import ensure_demo_signer

    if not softhsm.available():
        pytest.skip("needs softhsm2")
    before = os.environ.get("SOFTHSM2_CONF")
    signer = ensure_demo_signer(demo_pki, TOKEN_SIGNER)
    yield softhsm.make_token(tmp_path_factory.mktemp("softhsm"), signer.pkcs12, signer.passphrase)
    if before is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = before


def docx_with_pages(path: Path, pages: list[str], title: str, lang: str = "sv-SE") -> Path:
    """A DOCX with one paragraph per page and the default language ``lang``."""
    document = Document()
    doc_defaults = document.styles.element.find(qn("w:docDefaults"))
    r_pr = doc_defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang_el = r_pr.find(qn("w:lang"))
    if lang_el is None:
        lang_el = OxmlElement("w:lang")
        r_pr.append(lang_el)
    lang_el.set(qn("w:val"), lang)
    document.core_properties.title = title
    document.core_properties.language = lang
    for number, text in enumerate(pages):
        paragraph = document.add_paragraph(text)
        paragraph.paragraph_format.page_break_before = number > 0
    document.save(str(path))
    return path


def has_uno() -> bool:
    """Whether the Python with LibreOffice's ``uno`` module (python3-uno) is there, which
    the warm converter's workers run."""
    from avtalsgen.conversion.worker import uno_python
    from avtalsgen.errors import ConversionError

    try:
        uno_python()
    except ConversionError:
        return False
    return True


def signed_then_changed(
    cases: Path,
    case_file: str,
    dnr: str,
    meeting: str,
    later: str,
    today: dt.date,
    converter: Path,
) -> Path:
    """The case ``case_file`` of ``cases`` granted at ``meeting``, its packet signed by the
    region and the actor, then changed at a later meeting (its file's text ``later``): the
    extracts of both meetings made (``today``, by the warm ``converter``), the case built,
    signed, and built again. The case's output folder (under ``cases``' parent's
    ``output``), holding the tilläggsavtal's version."""
    from warm_converter import converter_in

    from avtalsgen.meetings.extract import build_extracts

    def cli(*argv: str) -> None:
        result = CliRunner().invoke(app, list(argv))
        assert result.exit_code == 0, result.output

    output = cases.parent / "output"
    later_file = cases / "sammantraden" / "later.yaml"
    later_file.write_text(later, encoding="utf-8")
    case = str(cases / case_file)
    templates = str(REPO / "templates")
    with converter_in(converter) as warm:
        for made in (cases / "sammantraden" / meeting, later_file):
            build_extracts(made, output, REPO / "templates", warm, today=today)
        cli("build", case, "--output", str(output), "--templates", templates)
        folder = output / dnr
        for field in ("region", "aktor"):
            cli("sign", str(folder / "paket.pdf"), "--field", field, "--ofullstandig")
        cli("build", case, "--output", str(output), "--templates", templates)
    return folder
