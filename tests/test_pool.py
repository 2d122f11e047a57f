"""The batch engine's speed-ups and the pool's bookkeeping: PDFs matched to the right job,
the kept LibreOffice profile, start failures, and the rendering fast path (template cache,
own .docx writer)."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import queue
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

import pytest
from conftest import CASES, REPO, needs_soffice
from docx import Document
from docxtpl import DocxTemplate

from avtalsgen.conversion import convert, pool
from avtalsgen.conversion import soffice as lo
from avtalsgen.conversion.pool import ConversionPool, Done, Job
from avtalsgen.conversion.profile import copy_profile, keep_profile, profile_cache
from avtalsgen.documents import docxzip, render
from avtalsgen.documents.context import Context, build_context
from avtalsgen.documents.dnr import keep_dnr_together
from avtalsgen.documents.factcheck import pdf_text
from avtalsgen.documents.kinds import metadata
from avtalsgen.documents.tablekeep import keep_tables_together
from avtalsgen.errors import ConversionError, RenderError
from avtalsgen.input.load import load_case


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private $XDG_CACHE_HOME, so that no test uses or changes the user's kept profile."""
    home = tmp_path / "cache-home"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home


@pytest.fixture(scope="module")
def _module_cache_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache-home")


@pytest.fixture
def kept_cache_home(_module_cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private $XDG_CACHE_HOME shared by the tests that do not look at the kept profile:
    the first start keeps its profile there and later ones copy it, as a user's runs do
    (a start that makes a new profile takes about a second longer)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(_module_cache_home))
    return _module_cache_home


def _docx(path: Path, text: str) -> Path:
    """A one-paragraph sv-SE DOCX saying ``text``."""
    document = Document(str(REPO / "templates" / "beslutsforslag.docx"))
    body = document.element.body
    for paragraph in list(document.paragraphs):
        body.remove(paragraph._element)
    for table in list(document.tables):
        body.remove(table._element)
    document.add_paragraph(text)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


#: The seed's proposal has no date: a document's date is then the build's time, fixed in
#: these tests (left to the clock, two renders a second apart differ).
BUILT = dt.datetime(2024, 1, 15, 9, 30)

#: A stand-in for soffice answers ``--version`` as LibreOffice does: asked, one that hangs
#: would be waited for until the version's timeout (30 s).
_VERSION = 'case "$1" in --version) echo "LibreOffice 7.4.7.2 40(Build:2)"; exit 0;; esac\n'


def _fake_soffice(tmp_path: Path, body: str) -> str:
    exe = tmp_path / "fake" / "soffice"
    exe.parent.mkdir()
    exe.write_text("#!/bin/sh\n" + _VERSION + body, encoding="utf-8")
    exe.chmod(0o755)
    return str(exe)


def _profile(folder: Path) -> Path:
    """A stand-in for a profile that a clean soffice exit left."""
    (folder / "user").mkdir(parents=True)
    (folder / "user" / "registrymodifications.xcu").write_text("<items/>", encoding="utf-8")
    return folder


# -- PDFs go to the right job -------------------------------------------------------------


@needs_soffice
@pytest.mark.libreoffice
def test_same_named_documents_get_their_own_pdf_even_if_looked_for_late(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kept_cache_home: Path
) -> None:
    # Every case has a beslutsforslag.docx. Looking only every second, soffice has
    # converted several of them between two looks: each must still get its own PDF.
    monkeypatch.setattr(pool, "_POLL", 1.0)
    jobs = [
        Job(str(i), _docx(tmp_path / f"fall-{i}" / "beslutsforslag.docx", f"Ärende nummer {i}"),
            tmp_path / f"fall-{i}")
        for i in range(4)
    ]  # fmt: skip
    done: list[Done] = []
    ConversionPool(1).run(jobs, done.append)
    assert sorted(d.job.key for d in done) == ["0", "1", "2", "3"]
    for item in done:
        assert item.error is None and item.pdf is not None
        assert item.pdf == item.job.outdir / "beslutsforslag.pdf"
        assert f"Ärende nummer {item.job.key}" in pdf_text(item.pdf)
        assert sorted(p.name for p in item.job.outdir.iterdir()) == [
            "beslutsforslag.docx",
            "beslutsforslag.pdf",
        ]


@needs_soffice
@pytest.mark.libreoffice
def test_pdf_problems_name_the_pdf_as_the_job_knows_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kept_cache_home: Path
) -> None:
    def reject(path: Path, lang: str = "sv-SE", *, repair: bool = False) -> None:
        raise ConversionError(f"{path.name}: PDF claims language en-US, expected sv-SE")

    monkeypatch.setattr(pool, "check_archival_pdf", reject)
    job = Job("x", _docx(tmp_path / "beslutsforslag.docx", "Text"), tmp_path)
    done: list[Done] = []
    ConversionPool(1).run([job], done.append)
    assert [d.error for d in done] == [
        "beslutsforslag.pdf: PDF claims language en-US, expected sv-SE"
    ]


@needs_soffice
@pytest.mark.libreoffice
def test_a_document_written_after_soffice_asked_for_it_is_converted_all_the_same(
    tmp_path: Path, kept_cache_home: Path
) -> None:
    # On a loaded machine the caller renders more slowly than soffice converts: soffice
    # asks for documents that are not written yet. That is no attempt at converting them;
    # soffice is started again once they are there (the pool gave up after two starts).
    made = _docx(tmp_path / "made.docx", "Skriven sent")
    jobs = [Job(str(i), tmp_path / f"fall-{i}" / "beslutsforslag.docx", tmp_path / f"fall-{i}")
            for i in range(2)]  # fmt: skip
    converter = ConversionPool(1)
    # Told each time soffice has asked for a document not written yet and exited, and the
    # pool waits for the first one left before it starts soffice again: the jobs left.
    waiting: queue.Queue[list[str]] = queue.Queue()
    written = converter._written

    def spy(todo: list[Job]) -> list[Job]:
        waiting.put([job.key for job in todo])
        return written(todo)

    converter._written = spy  # type: ignore[method-assign]
    converter.start(jobs)
    for job, left in zip(jobs, (["0", "1"], ["1"]), strict=True):
        assert waiting.get(timeout=120) == left  # soffice has looked for it
        job.outdir.mkdir()
        shutil.copy(made, job.docx)
    done: list[Done] = []
    converter.wait(done.append)
    assert [(d.job.key, d.error) for d in done] == [("0", None), ("1", None)]
    assert waiting.empty(), "no job was waited for again once written"
    for item in done:
        assert item.pdf is not None and "Skriven sent" in pdf_text(item.pdf)


def test_a_document_never_written_fails_once_the_start_timeout_is_over(
    tmp_path: Path, cache_home: Path
) -> None:
    # A stand-in that does as soffice does with a file that is not there (it writes no PDF
    # and exits, status 0; the real one does so in the test above): no start of its own
    # can outlast the short start timeout on a loaded machine.
    soffice = _fake_soffice(tmp_path, "exit 0\n")
    job = Job("x", tmp_path / "beslutsforslag.docx", tmp_path)
    done: list[Done] = []
    ConversionPool(1, soffice=soffice, start_timeout=0.5).run([job], done.append)
    assert [d.error for d in done] == [
        "beslutsforslag.docx: its Word file was not written within 0.5 s"
    ]
    assert list(tmp_path.glob("*.pdf")) == []


# -- the kept profile ---------------------------------------------------------------------


def test_profile_cache_is_per_installation_under_xdg_cache_home(
    tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    one = _fake_soffice(tmp_path, "exit 0\n")
    other = tmp_path / "other-soffice"
    shutil.copy(one, other)
    assert profile_cache(one).parent == cache_home / "avtalsgen"
    assert profile_cache(one).name.startswith("libreoffice-profile-")
    assert profile_cache(one) != profile_cache(str(other))
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # ignored, as the spec says
    assert profile_cache(one).parent == Path.home() / ".cache" / "avtalsgen"


def test_a_profile_is_kept_once_and_copied_for_each_start(tmp_path: Path, cache_home: Path) -> None:
    soffice = _fake_soffice(tmp_path, "exit 0\n")
    assert not copy_profile(soffice, tmp_path / "start-0")
    assert not (tmp_path / "start-0").exists()

    keep_profile(soffice, tmp_path / "unfinished")  # nothing there: nothing kept
    assert not profile_cache(soffice).exists()
    first = _profile(tmp_path / "first")
    keep_profile(soffice, first)
    second = _profile(tmp_path / "second")
    (second / "user" / "registrymodifications.xcu").write_text("<other/>", encoding="utf-8")
    keep_profile(soffice, second)  # one is kept already: it stays
    kept = profile_cache(soffice) / "user" / "registrymodifications.xcu"
    kept_text = kept.read_text(encoding="utf-8")
    assert "<other/>" not in kept_text, "the first is kept"
    assert "ooSetupLastVersion" in kept_text, "with the LibreOffice version marked in it"
    assert [p.name for p in profile_cache(soffice).parent.iterdir()] == [
        profile_cache(soffice).name
    ], "no staging folder is left"

    assert copy_profile(soffice, tmp_path / "start-1")
    copied = tmp_path / "start-1" / "user" / "registrymodifications.xcu"
    copied.write_text("<changed by soffice/>", encoding="utf-8")
    assert kept.read_text(encoding="utf-8") == kept_text, "each start has a copy of its own"


def test_a_start_after_a_failure_gets_a_fresh_profile(tmp_path: Path, cache_home: Path) -> None:
    # The stand-in notes whether its profile existed when it started, then hangs.
    log = tmp_path / "profiles"
    soffice = _fake_soffice(
        tmp_path,
        "for arg; do case $arg in -env:UserInstallation=file://*)\n"
        '  if [ -d "${arg#-env:UserInstallation=file://}" ]; then echo copied; '
        f'else echo fresh; fi >> "{log}";; esac; done\nexec sleep 300\n',
    )
    keep_profile(soffice, _profile(tmp_path / "made-earlier"))
    job = Job("x", _docx(tmp_path / "dokument.docx", "Text"), tmp_path)
    done: list[Done] = []
    ConversionPool(1, soffice=soffice, doc_timeout=0.5, start_timeout=0.5).run([job], done.append)
    assert [d.error for d in done] == ["dokument.docx: LibreOffice hung (no PDF after 0.5 s)"]
    assert log.read_text(encoding="utf-8").split() == ["copied", "fresh"]


@needs_soffice
@pytest.mark.libreoffice
def test_the_first_clean_exit_keeps_its_profile_for_later_starts(
    tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copied: list[bool] = []

    def spy(soffice: str, profile: Path) -> bool:
        copied.append(copy_profile(soffice, profile))
        return copied[-1]

    monkeypatch.setattr(pool, "copy_profile", spy)
    soffice = lo.find_soffice(None)
    for run in range(2):
        job = Job(str(run), _docx(tmp_path / f"run-{run}" / "avtal.docx", "Text"), tmp_path)
        done: list[Done] = []
        ConversionPool(1).run([job], done.append)
        assert [d.error for d in done] == [None]
        assert (profile_cache(soffice) / "user" / "registrymodifications.xcu").is_file()
    assert copied == [False, True]

    # The one-shot converter uses it too.
    pdfs = convert.LibreOfficeConverter().convert(
        [_docx(tmp_path / "one" / "brev.docx", "Text")], tmp_path / "one-out"
    )
    assert [p.name for p in pdfs] == ["brev.pdf"]


@needs_soffice
@pytest.mark.libreoffice
def test_a_first_start_keeps_its_profile_though_a_job_was_given_up(
    tmp_path: Path, cache_home: Path
) -> None:
    # As in a build: soffice is given every document of a case, and the one its decisions
    # do not call for (a tilläggsavtal) is given up on, never written. soffice passes over
    # it and ends by itself; its profile is kept (builds kept none before: every later
    # start made a profile afresh).
    soffice = lo.find_soffice(None)
    jobs = [Job("0", tmp_path / name / "doc.docx", tmp_path / name) for name in ("a", "b")]
    converter = ConversionPool(1)
    converter.start(jobs)
    jobs[0].outdir.mkdir()
    shutil.copy(_docx(tmp_path / "made.docx", "Text"), jobs[0].docx)
    converter.written(jobs[0])
    converter.cancel(jobs[1])
    done: list[Done] = []
    converter.wait(done.append)
    assert [(d.job, d.error) for d in done] == [(jobs[0], None)]
    assert (profile_cache(soffice) / "user" / "registrymodifications.xcu").is_file()


def _converted_once(tmp_path: Path) -> str:
    """Convert one document with a pool (keeping its profile if none is kept yet); the
    soffice it used."""
    done: list[Done] = []
    ConversionPool(1).run([Job("0", _docx(tmp_path / "first.docx", "Text"), tmp_path)], done.append)
    assert [d.error for d in done] == [None]
    return lo.find_soffice(None)


@needs_soffice
@pytest.mark.libreoffice
def test_a_kept_profile_spares_later_starts_the_graphics_render_tests(
    tmp_path: Path, kept_cache_home: Path
) -> None:
    # The module's kept profile, as the first clean exit of the module's tests left it (this
    # run makes it if none has yet; test_the_first_clean_exit_keeps_its_profile_for_later_
    # starts starts from none).
    soffice = _converted_once(tmp_path)
    settings = (profile_cache(soffice) / "user" / "registrymodifications.xcu").read_text("utf-8")
    major_minor = ".".join(lo.libreoffice_version(soffice).split(".")[:2])
    assert (
        '<item oor:path="/org.openoffice.Setup/Product"><prop oor:name="ooSetupLastVersion" '
        f'oor:op="fuse"><value>{major_minor}</value></prop></item>'
    ) in settings
    assert not (profile_cache(soffice) / "user" / "GraphicsRenderTests.log").exists()

    def start(name: str, settings_text: str) -> bool:
        """Convert a document with a copy of the kept profile holding ``settings_text``;
        whether soffice ran its graphics render tests (it writes their log if it did)."""
        work = tmp_path / name
        assert copy_profile(soffice, work / "profile")
        (work / "profile" / "user" / "registrymodifications.xcu").write_text(settings_text, "utf-8")
        argv = lo.soffice_argv(soffice, work / "profile", work, [_docx(work / "d.docx", "T")])
        subprocess.run(argv, env=lo.soffice_env(work), check=True, capture_output=True)
        assert (work / "d.pdf").is_file()
        return (work / "profile" / "user" / "GraphicsRenderTests.log").exists()

    assert not start("as-kept", settings)
    # Without the version recorded, as LibreOffice leaves a profile it made headless:
    unmarked = re.sub(r"<item[^\n]*ooSetupLastVersion.*?</item>\n?", "", settings)
    assert "ooSetupLastVersion" not in unmarked
    assert start("unmarked", unmarked)


#: Run by the Python that has ``uno``: start soffice with the profile given, and print the
#: value LibreOffice's configuration gives each (path, property) read from standard input.
_READ_SETTINGS = """
import json, subprocess, sys, time
import uno
soffice, profile_url, pipe = sys.argv[1:]
wanted = json.load(sys.stdin)
proc = subprocess.Popen([soffice, "-env:UserInstallation=" + profile_url, "--headless",
                         "--norestore", "--nologo", "--nodefault",
                         "--accept=pipe,name=" + pipe + ";urp;StarOffice.ComponentContext"])
local = uno.getComponentContext()
resolver = local.ServiceManager.createInstanceWithContext(
    "com.sun.star.bridge.UnoUrlResolver", local)
for _ in range(600):
    try:
        context = resolver.resolve(
            "uno:pipe,name=" + pipe + ";urp;StarOffice.ComponentContext")
        break
    except Exception:
        time.sleep(0.05)
provider = context.ServiceManager.createInstanceWithContext(
    "com.sun.star.configuration.ConfigurationProvider", context)
node = uno.createUnoStruct("com.sun.star.beans.PropertyValue")
got = []
for path, name in wanted:
    node.Name, node.Value = "nodepath", path
    access = provider.createInstanceWithArguments(
        "com.sun.star.configuration.ConfigurationAccess", (node,))
    got.append(access.getByName(name))
desktop = context.ServiceManager.createInstanceWithContext(
    "com.sun.star.frame.Desktop", context)
try:
    desktop.terminate()
except Exception:
    pass
proc.wait(30)
print(json.dumps(got))
"""


@needs_soffice
@pytest.mark.libreoffice
def test_a_kept_profile_turns_off_the_idle_work_of_a_warm_soffice(
    tmp_path: Path, kept_cache_home: Path
) -> None:
    # Word completion's collecting of every word and the on-screen spelling marks run in a
    # warm soffice's idle main loop between a conversion's UNO calls. The kept profile turns
    # them off; LibreOffice itself must read each setting so (a wrong path or name would be
    # ignored by it silently, and the work would go on).
    from avtalsgen.conversion.profile import IDLE_WORK_OFF
    from avtalsgen.conversion.worker import uno_python

    soffice = _converted_once(tmp_path)
    wanted = [(path, name) for path, name, _value in IDLE_WORK_OFF]
    assert ("/org.openoffice.Office.Writer/AutoFunction/Completion", "CollectWords") in wanted

    def read(profile: Path | None) -> list[object]:
        work = tmp_path / ("kept" if profile else "fresh")
        work.mkdir()
        target = work / "profile"
        if profile is not None:
            shutil.copytree(profile, target, symlinks=True)
        script = work / "read.py"
        script.write_text(_READ_SETTINGS, "utf-8")
        pipe = f"avtalsgen-t{os.getpid()}"
        out = subprocess.run(
            [uno_python(), "-I", str(script), soffice, target.as_uri(), pipe],
            input=json.dumps(wanted), env=lo.soffice_env(work), capture_output=True, text=True,
            timeout=120, check=True,
        )  # fmt: skip
        return list(json.loads(out.stdout.strip().splitlines()[-1]))

    assert read(profile_cache(soffice)) == [value == "true" for *_, value in IDLE_WORK_OFF]
    assert read(None) == [True, True, True], "LibreOffice's own defaults, for comparison"


def test_scratch_dir_is_memory_backed_unless_tmpdir_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = tmp_path / "runtime"
    runtime.mkdir()
    monkeypatch.delenv("TMPDIR", raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    assert lo.scratch_dir() == str(runtime)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    assert lo.scratch_dir() is None, "a TMPDIR given is where temporary files go"
    monkeypatch.delenv("TMPDIR")
    for unusable in ("relative/runtime", str(tmp_path / "missing"), ""):
        monkeypatch.setenv("XDG_RUNTIME_DIR", unusable)
        assert lo.scratch_dir() in ("/dev/shm", None)

    class Full:
        f_bavail, f_frsize = 10, 4096

    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    monkeypatch.setattr(os, "statvfs", lambda _path: Full())
    assert lo.scratch_dir() is None, "no folder with room: Python's temporary folder"


# -- starting ------------------------------------------------------------------------------


def test_each_soffice_converts_the_warm_up_document_first(tmp_path: Path, cache_home: Path) -> None:
    # The stand-in notes what each of its file arguments links to, then exits.
    log = tmp_path / "files"
    soffice = _fake_soffice(
        tmp_path,
        'line=""\nfor arg; do case $arg in */in/*) '
        'line="$line$(basename "$(readlink "$arg")") ";; esac; done\n'
        f'printf "%s\\n" "$line" >> "{log}"\nexit 0\n',  # one write: the starts run at once
    )
    warm_up = tmp_path / "mall.docx"
    jobs = [Job(str(i), tmp_path / f"d{i}.docx", tmp_path) for i in range(14)]
    for job in jobs:  # written before soffice asks for them: its failures are attempts
        job.docx.touch()
    engine = ConversionPool(2, soffice=soffice)
    order = engine.start(jobs, warm_up)
    assert [j.key for j in order] == [str(i) for i in range(14)]
    done: list[Done] = []
    engine.wait(done.append)
    assert sorted(d.error or "" for d in done) == sorted(
        f"d{i}.docx: LibreOffice wrote no PDF" for i in range(14)
    )
    shares = [" ".join(f"d{i}.docx" for i in range(first, 14, 2)) + " " for first in (0, 1)]
    lines = log.read_text(encoding="utf-8").splitlines()
    # Each worker's first start converts the warm-up document first; its retry does not. The
    # two workers run at once: one's retry may be written before the other's first start.
    assert sorted(lines) == sorted([f"mall.docx {share}" for share in shares] + shares)
    for share in shares:
        assert lines.index(f"mall.docx {share}") < lines.index(share), lines


@needs_soffice
@pytest.mark.libreoffice
def test_the_warm_up_documents_pdf_is_no_jobs(tmp_path: Path, kept_cache_home: Path) -> None:
    job = Job("0", _docx(tmp_path / "in" / "avtal.docx", "Avtalstext"), tmp_path / "out")
    job.outdir.mkdir()
    engine = ConversionPool(1)
    engine.start([job], REPO / "templates" / "beslutsforslag.docx")
    done: list[Done] = []
    engine.wait(done.append)
    assert [(d.job, d.error) for d in done] == [(job, None)]
    assert [p.name for p in job.outdir.iterdir()] == ["avtal.pdf"]
    assert "Avtalstext" in pdf_text(job.outdir / "avtal.pdf")


def test_a_soffice_that_cannot_start_fails_start_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache_home: Path
) -> None:
    work = tmp_path / "tmp"
    work.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(work))
    monkeypatch.setenv("TMPDIR", str(work))  # a TMPDIR given is used (see scratch_dir)
    soffice = _fake_soffice(tmp_path, "")
    Path(soffice).write_text("#!/no/such/interpreter\n", encoding="utf-8")
    engine = ConversionPool(2, soffice=soffice)
    jobs = [Job(str(i), tmp_path / f"d{i}.docx", tmp_path) for i in range(12)]
    with pytest.raises(ConversionError, match="cannot start LibreOffice"):
        engine.start(jobs)
    assert list(work.iterdir()) == []


# -- rendering -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def context() -> Context:
    return build_context(load_case(CASES["RUN-00386-2023"]))


@pytest.mark.parametrize("document", ["beslutsforslag", "samarbetsavtal"])
def test_the_docx_has_exactly_what_python_docx_would_save(document: str, context: Context) -> None:
    template = REPO / "templates" / f"{document}.docx"
    meta = metadata(document, context, built=BUILT)  # the clock would tick between them
    ours = zipfile.ZipFile(io.BytesIO(render.render_document(template, context, meta)))

    tpl = DocxTemplate(template)
    tpl.render(render.template_variables(context), render.jinja_environment(), autoescape=True)
    render.restart_numbered_lists(tpl.docx)
    keep_dnr_together(tpl.docx)
    keep_tables_together(tpl.docx)
    render._set_metadata(tpl.docx, meta)
    saved = io.BytesIO()
    tpl.docx.save(saved)
    theirs = zipfile.ZipFile(saved)

    assert ours.namelist() == theirs.namelist()
    for name in ours.namelist():
        assert ours.read(name) == theirs.read(name), name
    assert ours.testzip() is None
    assert {info.compress_type for info in ours.infolist()} == {zipfile.ZIP_DEFLATED}


def test_rendering_is_repeatable_and_sees_a_changed_template(
    tmp_path: Path, context: Context
) -> None:
    template = tmp_path / "beslutsforslag.docx"
    shutil.copy(REPO / "templates" / "beslutsforslag.docx", template)
    meta = metadata("beslutsforslag", context, built=BUILT)
    first = render.render_document(template, context, meta)
    assert render.render_document(template, context, meta) == first, "same input, same bytes"

    edited = Document(str(template))
    edited.add_paragraph("En ändring i mallen")
    edited.save(str(template))
    changed = render.render_document(template, context, meta)
    xml = zipfile.ZipFile(io.BytesIO(changed)).read("word/document.xml").decode("utf-8")
    assert "En ändring i mallen" in xml


def test_the_own_zip_writer_writes_what_zipfile_writes() -> None:
    members = [
        ("[Content_Types].xml", b"<Types/>"),
        ("word/document.xml", b"<w:p>Samarbetsavtal</w:p>" * 400),
        ("word/bilaga-\u00e5.xml", "\u00e5\u00e4\u00f6".encode()),  # a UTF-8 name
        ("word/empty.xml", b""),
    ]
    ours = docxzip.zip_members(members, render.COMPRESSLEVEL)
    again = docxzip.zip_members(members, render.COMPRESSLEVEL)  # deflated once, kept
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, docxzip.ZIP_DATE)
            info.external_attr = 0o600 << 16
            archive.writestr(info, data, zipfile.ZIP_DEFLATED, render.COMPRESSLEVEL)
    assert ours == again == buffer.getvalue()
    assert zipfile.ZipFile(io.BytesIO(ours)).read("word/bilaga-\u00e5.xml") == members[2][1]


def test_a_core_property_of_the_template_is_still_rendered(
    tmp_path: Path, context: Context
) -> None:
    template = tmp_path / "beslutsforslag.docx"
    edited = Document(str(REPO / "templates" / "beslutsforslag.docx"))
    edited.core_properties.identifier = "{{ arende.dnr }}"
    edited.save(str(template))
    meta = metadata("beslutsforslag", context, built=BUILT)
    rendered = zipfile.ZipFile(io.BytesIO(render.render_document(template, context, meta)))
    core = rendered.read("docProps/core.xml").decode("utf-8")
    assert f"<dc:identifier>{context.arende.dnr}</dc:identifier>" in core


def test_a_missing_or_broken_template_is_a_render_error(tmp_path: Path, context: Context) -> None:
    meta = metadata("beslutsforslag", context)
    with pytest.raises(RenderError, match="cannot read the template"):
        render.render_document(tmp_path / "saknas.docx", context, meta)
    broken = tmp_path / "trasig.docx"
    broken.write_bytes(b"not a zip file")
    with pytest.raises(RenderError, match=r"trasig\.docx: the file is not a Word document"):
        render.render_document(broken, context, meta)
