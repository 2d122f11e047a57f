"""Signed protocol extracts and secrecy marking, with the real LibreOffice, pyHanko, poppler:
the utdragsbestyrkande field, signing and verifying an extract (avtalsgen and pdfsig), a
secret paragraph's marking on every page and in the metadata, the signed extract embedded in
its case's packet (which carries the marking too), and a correction of a secret paragraph.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pytest
from conftest import REPO, fold, run
from pdftext import pdftotext
from typer.testing import CliRunner
from warm_converter import converter_in

from avtalsgen import i18n
from avtalsgen.cli.app import app
from avtalsgen.conversion.convert import LibreOfficeConverter
from avtalsgen.meetings.extract import Status, build_extracts
from avtalsgen.signing.pki import DemoPki, issue_demo_signer

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed"),
    pytest.mark.usefixtures("warm_builds"),  # the tests' builds and extracts (conftest)
]

TODAY = dt.date(2024, 12, 4)
PASSPHRASE = "Sekreterarens-losen-2023"
MARKING = "Sekretess enligt 21 kap. 7 § OSL (markerad 2023-12-05 av Lena Exempelsson)"
#: Enough decision points to make the secret extract run over several pages.
FILLER = "".join(
    f"      - Nämnden noterar underlag nummer {n} i ärendet, som har beretts av förvaltningen "
    "och som redovisas i sin helhet i protokollets bilaga.\n"
    for n in range(1, 41)
)
SECRET_212 = (
    "    dnr: RUN-90001-2023\n"
    "    beslut:\n"
    "      - Regionala utvecklingsnämnden beslutar att {aktor_namn} beviljas {belopp_per_ar} "
    "årligen i basfinansiering.\n"
    "      - Medlen anvisas från {kalla}.\n"
    "      - Basfinansieringen gäller under perioden {start} till {slut}.\n"
    f"{FILLER}"
    # The filler is no term of the agreement (test_decided_conditions).
    f"    ej_i_avtalet: {list(range(4, 44))}\n"
    "    sekretess:\n"
    "      bestammelse: 21 kap. 7 § OSL\n"
    "      datum: 2023-12-05\n"
)


@dataclass(frozen=True)
class Made:
    root: Path
    cases: Path
    meeting: Path
    output: Path
    pki: DemoPki
    p12: Path
    actor_p12: Path
    """The actor's key: one key signs one party's field only."""

    def key(self, field: str) -> Path:
        """The key that signs ``field`` of a packet: the region's, or the actor's own."""
        return self.actor_p12 if field == "aktor" else self.p12

    @property
    def public(self) -> Path:
        return self.output / "RUN-00386-2023" / "protokollsutdrag-211.pdf"

    @property
    def secret(self) -> Path:
        return self.output / "RUN-90001-2023" / "protokollsutdrag-212.pdf"


def cli(*argv: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(argv), env={"AVTALSGEN_P12_PASSPHRASE": PASSPHRASE})
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def made(
    tmp_path_factory: pytest.TempPathFactory, demo_pki: DemoPki, session_converter: Path
) -> Iterator[Made]:
    """The example meeting of 2023 with § 212 secret and long, both extracts made (by the
    test process's warm converter, conftest.session_converter)."""
    i18n.set_language("en")
    root = tmp_path_factory.mktemp("signed-extracts")
    cases = root / "cases"
    shutil.copytree(REPO / "cases", cases)
    meeting = cases / "sammantraden" / "exempel-run-2023-12-05.yaml"
    text = meeting.read_text(encoding="utf-8")
    text = text.replace("    dnr: RUN-90001-2023\n    beslut: enligt förslaget\n", SECRET_212)
    meeting.write_text(text, encoding="utf-8")
    output = root / "output"
    with converter_in(session_converter) as converter:
        results = build_extracts(meeting, output, REPO / "templates", converter, today=TODAY)
        asked = build_extracts(meeting, output, REPO / "templates", converter, 212, today=TODAY)
    assert [(r.paragraf, r.status) for r in results] == [(211, Status.NY), (212, Status.SEKRETESS)]
    assert [(r.paragraf, r.status) for r in asked] == [(212, Status.NY)]
    pki = demo_pki  # the session's (conftest)
    signer = issue_demo_signer(pki, "Lena Exempelsson", root / "sekreterare.p12",
                               passphrase=PASSPHRASE.encode())  # fmt: skip
    actor = issue_demo_signer(pki, "Per Exempelsson", root / "aktor.p12",
                              passphrase=PASSPHRASE.encode())  # fmt: skip
    yield Made(root, cases, meeting, output, pki, signer.pkcs12, actor.pkcs12)
    i18n.set_language(None)


def pages_text(pdf: Path) -> list[str]:
    count = len(pikepdf.open(pdf).pages)
    return [fold(pdftotext(pdf, "-f", str(n), "-l", str(n))) for n in range(1, count + 1)]


def pdfsig(pdf: Path) -> str:
    """pdfsig's report; Debian's pdfsig exits 0 even for an invalid signature, so the
    caller reads what it says."""
    return subprocess.run(["pdfsig", str(pdf)], capture_output=True, text=True, check=False).stdout


def test_every_extract_has_an_empty_utdragsbestyrkande_field(made: Made) -> None:
    for extract in (made.public, made.secret):
        with pikepdf.open(extract) as pdf:
            fields = pdf.Root.AcroForm.Fields
            assert [str(f.T) for f in fields] == ["utdragsbestyrkande"]
            assert "/V" not in fields[0]
            # On the last page, beside the certification block.
            assert fields[0].P.objgen == pdf.pages[-1].obj.objgen
        assert "The signature form field is not signed." in pdfsig(extract)
    text = fold(pdftotext(made.public))
    assert "Bestyrks av: Lena Exempelsson, sekreterare" in text
    assert "Datum: enligt den elektroniska underskriften" in text


@pytest.fixture
def copied(made: Made, tmp_path: Path) -> Made:
    """A copy of the module's cases and output, for a test that signs or builds there: the
    module's extracts stay as made (unsigned), whichever test ran before."""
    shutil.copytree(made.root / "cases", tmp_path / "cases")
    shutil.copytree(made.output, tmp_path / "output")
    meeting = tmp_path / made.meeting.relative_to(made.root)
    return Made(
        tmp_path,
        tmp_path / "cases",
        meeting,
        tmp_path / "output",
        made.pki,
        made.p12,
        made.actor_p12,
    )


def test_sign_an_extract_with_the_secretarys_key_and_verify_it(copied: Made) -> None:
    made = copied
    code, output = cli("sign", str(made.public), "--field", "utdragsbestyrkande",
                       "--p12", str(made.p12), "--trust", str(made.pki.root_cert))  # fmt: skip
    assert code == 0, output
    assert "signed utdragsbestyrkande" in output and "DEMO Lena Exempelsson" in output
    code, output = cli("verify", str(made.public), "--trust", str(made.pki.root_cert))
    assert code == 0, output
    assert "Result: complete" in output and "field 'utdragsbestyrkande': OK" in output
    assert "Integrity:     intact" in output and "Coverage:      entire file" in output
    report = pdfsig(made.public)
    assert "Signature Field Name: utdragsbestyrkande" in report
    assert "Signature Validation: Signature is Valid." in report
    assert "Total document signed" in report
    assert "Signer Certificate Common Name: DEMO Lena Exempelsson" in report


def test_signing_an_extract_with_an_expired_key_is_refused(made: Made) -> None:
    expired = issue_demo_signer(
        made.pki, "Utgangen sekreterare", made.root / "utgangen.p12",
        passphrase=PASSPHRASE.encode(),
        not_before=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
        not_after=dt.datetime(2022, 1, 1, tzinfo=dt.UTC),
    )  # fmt: skip
    before = made.secret.read_bytes()
    code, output = cli("sign", str(made.secret), "--field", "utdragsbestyrkande",
                       "--p12", str(expired.pkcs12))  # fmt: skip
    assert code == 1
    assert "expired on 2022-01-01" in output
    assert "Traceback" not in output
    assert made.secret.read_bytes() == before


def test_signing_an_extract_with_the_wrong_passphrase_is_refused(made: Made) -> None:
    before = made.secret.read_bytes()
    result = CliRunner().invoke(
        app,
        ["sign", str(made.secret), "--field", "utdragsbestyrkande", "--p12", str(made.p12)],
        env={"AVTALSGEN_P12_PASSPHRASE": "fel"},
    )
    assert result.exit_code == 1
    assert "wrong passphrase" in result.output
    assert made.secret.read_bytes() == before


def test_the_secret_extract_carries_the_marking_on_every_page_and_in_its_metadata(
    made: Made,
) -> None:
    pages = pages_text(made.secret)
    assert len(pages) >= 2, "the secret extract should run over several pages"
    for number, text in enumerate(pages, 1):
        assert MARKING in text, f"page {number} lacks the marking"
    with pikepdf.open(made.secret) as pdf:
        info = pdf.docinfo
        assert str(info.Title).startswith("SEKRETESS – EXEMPEL – Protokollsutdrag § 212")
        assert MARKING in str(info.Subject)
        assert "sekretess" in str(info.Keywords)  # LibreOffice splits keywords at spaces
        with pdf.open_metadata() as xmp:
            assert MARKING in str(xmp["dc:description"])
    public = fold(pdftotext(made.public))
    assert "Sekretess" not in public


def test_the_packet_holds_the_signed_extract_and_is_marked(copied: Made) -> None:
    made = copied
    code, output = cli("sign", str(made.secret), "--field", "utdragsbestyrkande",
                       "--p12", str(made.p12), "--trust", str(made.pki.root_cert))  # fmt: skip
    assert code == 0, output
    case = made.cases / "exempel-arktiska-testbaddar.yaml"
    code, output = cli("build", str(case), "--output", str(made.output),
                       "--templates", str(REPO / "templates"))  # fmt: skip
    assert code == 0, output
    packet = made.output / "RUN-90001-2023" / "paket.pdf"
    # The signed extract is embedded byte for byte beside its pages.
    with pikepdf.open(packet) as pdf:
        # Named so that, taken out of the packet, it still says whose it is (Dnr and §).
        assert list(pdf.attachments) == ["RUN-90001-2023-protokollsutdrag-212.pdf"]
        spec = pdf.attachments["RUN-90001-2023-protokollsutdrag-212.pdf"]
        embedded = spec.get_file().read_bytes()
        assert embedded == made.secret.read_bytes()
        assert str(pdf.docinfo.Title).startswith("SEKRETESS – ")
        assert MARKING in str(pdf.docinfo.Subject)
        # The contents and bookmarks say the signed original is attached; the subject and
        # keywords name what the packet holds (they repeated it once per signed extract).
        described = str(pdf.docinfo.Subject) + str(pdf.docinfo.Keywords)
        assert "bifogat som fil" not in described and "protokollsutdrag § 212" in described
        with pdf.open_outline() as outline:
            titles = [item.title for item in outline.root]
        signed = "(det signerade originalet är bifogat som fil)"
        assert any(title.endswith(signed) for title in titles)
        # Certified: nothing says it is not (an extract not certified says "ej bestyrkt").
        assert not any("ej bestyrkt" in title for title in titles)
        assert "bestyrkt" not in described
        # The extract's own field is not carried over: the packet's fields are its own.
        assert [str(f.T) for f in pdf.Root.AcroForm.Fields] == ["region", "aktor"]
    listing = run("pdfdetach", "-list", str(packet))
    assert "RUN-90001-2023-protokollsutdrag-212.pdf" in listing
    saved = made.root / "detached.pdf"
    run("pdfdetach", "-save", "1", "-o", str(saved), str(packet))
    assert saved.read_bytes() == made.secret.read_bytes()
    assert "Signature is Valid." in pdfsig(saved)
    # A certified extract's pages keep its certification block, the original beside them.
    assert any("Bestyrks av:" in text for text in pages_text(packet))
    for number, text in enumerate(pages_text(packet), 1):
        assert MARKING in text, f"page {number} of the packet lacks the marking"
    # A document's page states the marking itself (its page header, and the top of its
    # text on the first page): the packet adds no stamp to it, where it carried the marking
    # three times on a first page. The contents page, which states none, is stamped.
    folder = made.output / "RUN-90001-2023"
    parts = [folder / "beslutsforslag.pdf", made.secret, folder / "samarbetsavtal.pdf"]
    own = [text.count(MARKING) for part in parts for text in pages_text(part)]
    counts = [text.count(MARKING) for text in pages_text(packet)]
    contents = len(counts) - len(own)
    assert contents >= 1 and counts == [1] * contents + own
    assert own.count(2) == len(parts) and set(own) == {1, 2}
    for field in ("region", "aktor"):
        # The example agreement leaves its signatories' place unknown: signed as it is.
        code, output = cli(
            "sign", str(packet), "--field", field, "--p12", str(made.key(field)), "--ofullstandig",
            "--trust", str(made.pki.root_cert),
        )  # fmt: skip
        assert code == 0, output
    code, output = cli("verify", str(packet), "--trust", str(made.pki.root_cert))
    assert code == 0, output
    assert "Embedded signed file RUN-90001-2023-protokollsutdrag-212.pdf:" in output
    inner = output.split("Embedded signed file RUN-90001-2023-protokollsutdrag-212.pdf:")[1]
    assert f"File: protokollsutdrag § 212, embedded in {packet}" in inner
    assert "Result: complete" in inner and "field 'utdragsbestyrkande': OK" in inner
    assert "Signature is Valid." in pdfsig(packet)


def test_a_correction_of_a_secret_paragraph_warns_about_its_extract(
    made: Made, tmp_path: Path
) -> None:
    # A correction is made in the meeting's own file (a second file deciding the same
    # paragraphs would be a second decision): here in a copy of the cases and the output.
    cases = tmp_path / "cases"
    shutil.copytree(made.cases, cases)
    meeting = cases / "sammantraden" / made.meeting.name
    text = made.meeting.read_text(encoding="utf-8")
    meeting.write_text(text.replace("Johan Exempelsson", "Johanna Exempelsson"), encoding="utf-8")
    output = tmp_path / "output"
    shutil.copytree(made.output, output)
    before = sorted(p.name for p in (output / "RUN-90001-2023").iterdir())
    results = build_extracts(meeting, output, REPO / "templates", LibreOfficeConverter(),
                             today=TODAY)  # fmt: skip
    secret = next(r for r in results if r.paragraf == 212)
    assert secret.status is Status.SEKRETESS and not secret.written
    assert secret.andrat == ("justerare",)
    assert secret.note == (
        "§ 212 RUN-90001-2023: skipped: under sekretess, and its facts have changed since "
        "version 1 (changed: justerare), so that extract is out of date. Make version 2 "
        f"with: avtalsgen utdrag {meeting} --paragraf 212"
    )
    assert sorted(p.name for p in (output / "RUN-90001-2023").iterdir()) == before


def test_an_embedded_file_must_be_pdfa_itself(made: Made, tmp_path: Path) -> None:
    """PDF/A-2 (6.8) allows embedded files that are PDF/A themselves: the signed extract is
    one, a plain PDF is not."""
    from avtalsgen.pdf.pdfa import check_pdfa_structure

    plain = pikepdf.new()
    plain.add_blank_page()
    buffer = tmp_path / "plain.pdf"
    plain.save(buffer)
    for name, data, ok in (
        ("protokollsutdrag-211.pdf", made.public.read_bytes(), True),
        ("vanlig.pdf", buffer.read_bytes(), False),
    ):
        with pikepdf.open(made.public) as pdf:
            pdf.attachments[name] = pikepdf.AttachedFileSpec(pdf, data, mime_type="application/pdf")
            target = tmp_path / f"med-{name}"
            pdf.save(target)
        problems = [p for p in check_pdfa_structure(target) if "embedded" in p]
        if ok:
            assert problems == []
        else:
            assert len(problems) == 1
            assert problems[0].startswith("the embedded file vanlig.pdf is not PDF/A-2b: ")


# --- every document of a secret paragraph's case carries its marking ----------------------


def _docx_text(path: Path) -> str:
    """A Word file's text: its body and its page header."""
    import docx

    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs]
    return fold(" ".join(parts))


def _copy(made: Made, tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the cases, and of the output folder's extracts alone (whatever else other
    tests built or signed there)."""
    cases, output = tmp_path / "cases", tmp_path / "output"
    shutil.copytree(made.cases, cases)
    for extract in made.output.glob("*/protokollsutdrag-*"):
        target = output / extract.parent.name / extract.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(extract, target)
    return cases, output


def test_every_document_of_the_secret_case_carries_the_marking(made: Made, tmp_path: Path) -> None:
    """§ 212 is secret: its extract was marked, and so was the packet, but the case's own
    beslutsförslag and samarbetsavtal (.docx and .pdf) said nothing of it. Now each carries
    the extract's marking on every page and at the top of the body, in its title, subject
    and keywords, and the manifest records the packet's marking; the fact check requires
    it. The public case's documents carry none."""
    cases, output = _copy(made, tmp_path)
    code, out = cli("build", str(cases / "exempel-arktiska-testbaddar.yaml"),
                    str(cases / "RUN-00386-2023.yaml"), "--output", str(output),
                    "--templates", str(REPO / "templates"))  # fmt: skip
    assert code == 0, out
    folder = output / "RUN-90001-2023"
    for name in ("beslutsforslag", "samarbetsavtal"):
        pages = pages_text(folder / f"{name}.pdf")
        for number, text in enumerate(pages, 1):
            assert MARKING in text, f"page {number} of {name}.pdf lacks the marking"
        # At the top of the body too (a screen reader skips the page header).
        assert pages[0].count(MARKING) == 2
        with pikepdf.open(folder / f"{name}.pdf") as pdf:
            assert str(pdf.docinfo.Title).startswith("SEKRETESS – ")
            assert MARKING in str(pdf.docinfo.Subject)
            assert "sekretess" in str(pdf.docinfo.Keywords)
        assert MARKING in _docx_text(folder / f"{name}.docx")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["packet"]["sekretess"] == MARKING
    public = output / "RUN-00386-2023"
    for name in ("beslutsforslag.pdf", "samarbetsavtal.pdf", "paket.pdf"):
        assert "Sekretess" not in fold(pdftotext(public / name))
    manifest = json.loads((public / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["packet"]["sekretess"] is None


def test_a_template_without_the_marking_fails_the_fact_check(made: Made, tmp_path: Path) -> None:
    """A staff template that leaves out {{ sekretess }} would make an unmarked document of
    a secret case: the build refuses it, naming the document and the marking."""
    import zipfile

    cases, output = _copy(made, tmp_path)
    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    template = templates / "beslutsforslag.docx"
    with (
        zipfile.ZipFile(REPO / "templates" / "beslutsforslag.docx") as source,
        zipfile.ZipFile(template, "w") as target,
    ):
        for info in source.infolist():
            data = source.read(info).replace(b"{{ sekretess }}", b"")
            target.writestr(info, data, compress_type=info.compress_type)
    code, out = cli("build", str(cases / "exempel-arktiska-testbaddar.yaml"),
                    "--output", str(output), "--templates", str(templates))  # fmt: skip
    assert code == 1, out
    assert f"beslutsforslag.pdf: sekretess: the document does not state '{MARKING}'" in fold(out)
    assert (
        f"in {templates / 'beslutsforslag.docx'}: put back '{{{{ sekretess }}}}', which prints "
        "the text that states it, as the template that comes with avtalsgen has it"
    ) in fold(out)
    assert "Traceback" not in out
    assert not (output / "RUN-90001-2023" / "beslutsforslag.pdf").exists()


def test_a_packet_signed_before_its_paragraph_became_secret_is_kept_and_named(
    made: Made, tmp_path: Path
) -> None:
    """§ 211 is public when RUN-00386-2023's packet is built and signed, then put under
    sekretess. The signed packet stays byte for byte; the build makes the next version
    with the marking on every document, and says that the signed one lacks it."""
    cases, output = _copy(made, tmp_path)
    case = cases / "RUN-00386-2023.yaml"
    build = ("build", str(case), "--output", str(output), "--templates", str(REPO / "templates"))
    code, out = cli(*build)
    assert code == 0, out
    folder = output / "RUN-00386-2023"
    packet = folder / "paket.pdf"
    for field in ("region", "aktor"):
        code, out = cli("sign", str(packet), "--field", field, "--p12", str(made.key(field)),
                        "--ofullstandig", "--trust", str(made.pki.root_cert))  # fmt: skip
        assert code == 0, out
    signed = packet.read_bytes()
    meeting = cases / "sammantraden" / made.meeting.name
    meeting.write_text(
        meeting.read_text(encoding="utf-8").replace(
            "    omedelbart_justerad: true\n",
            "    omedelbart_justerad: true\n    sekretess:\n"
            "      bestammelse: 31 kap. 16 § OSL\n      datum: 2023-12-20\n",
        ),
        encoding="utf-8",
    )
    code, out = cli("utdrag", str(meeting), "--output", str(output), "--paragraf", "211",
                    "--templates", str(REPO / "templates"))  # fmt: skip
    assert code == 0, out
    marking = "Sekretess enligt 31 kap. 16 § OSL (markerad 2023-12-20 av Lena Exempelsson)"
    # status (the CLI's and the case's page in the web app) names the signed packet without
    # the marking once, and what to do: build, then sign the next version.
    lacking = f"paket.pdf is signed without the marking '{marking}' that the case's documents"
    told = _status_lines(case, output)
    assert [line for line in told["cli"] if lacking in line] == [
        f"{output}/RUN-00386-2023/{lacking} now carry, and a signed packet is never changed: "
        "build the "
        "case to make its next version with the marking, and have that signed (avtalsgen "
        f"build {case} --output {output})"
    ], told
    assert sum(lacking in line for line in told["web"]) == 1, told
    assert not any("(avtalsgen" in line for line in told["web"] if lacking in line), told
    # With a second case: a batch, whose report records the warning.
    code, out = cli(*build, str(cases / "exempel-matkluster.yaml"))
    assert code == 0, out
    assert packet.read_bytes() == signed
    for name in ("beslutsforslag-v2.pdf", "samarbetsavtal-v2.pdf", "paket-v2.pdf"):
        for number, text in enumerate(pages_text(folder / name), 1):
            assert marking in text, f"page {number} of {name} lacks the marking"
    assert f"warning: {packet} is signed and does not carry the marking '{marking}'" in fold(out)
    assert f"{folder / 'paket-v2.pdf'} carries the marking and is not signed yet" in fold(out)
    report = json.loads((output / "batch-report.json").read_text(encoding="utf-8"))
    assert [len(case["warnings"]) for case in report["cases"]] == [1, 0]
    told = _status_lines(case, output)
    # The CLI names the files under the output folder as given, the page by their names
    # relative to it (with links of its own).
    for key, folder_named in (("cli", f"{output}/RUN-00386-2023"), ("web", "RUN-00386-2023")):
        assert [line for line in told[key] if lacking in line] == [
            f"{folder_named}/{lacking} now carry, and a signed packet is never changed: "
            f"{folder_named}/paket-v2.pdf carries it; have {folder_named}/paket-v2.pdf signed"
        ], told
    # Its fields to sign: the CLI's by the option's value, the page's as it names them.
    unsigned = "RUN-00386-2023/paket-v2.pdf: the signature field {} is not signed yet"
    # (The CLI's: after the facts to fill in, which it lists above.)
    assert (
        f"{output}/" + unsigned.format("aktor") + "; sign it once the lines above are done"
    ) in told["cli"]
    # (The page adds that it cannot be signed yet: the seed's packet shows unknown facts.)
    assert [line for line in told["web"] if line.startswith(unsigned.format("aktör"))] == [
        unsigned.format("aktör") + "; it cannot be signed yet: see “Before the packet can be "
        "signed”"
    ], told


def _status_lines(case: Path, output: Path) -> dict[str, list[str]]:
    """What is missing of ``case``, as ``avtalsgen status`` prints it (its lines in folded
    text) and as the case's page in the web app lists it."""
    from avtalsgen.web.config import WebConfig
    from avtalsgen.web.status import case_standing

    code, out = cli("status", str(case), "--output", str(output),
                    "--templates", str(REPO / "templates"))  # fmt: skip
    assert code == 0, out
    config = WebConfig(cases=case.parent, output=output, data=output.parent / "data",
                       templates=REPO / "templates")  # fmt: skip
    web = case_standing(config, case)["saknas"]
    assert isinstance(web, list)
    printed = [fold(line.partition("missing: ")[2]) for line in out.splitlines()]
    # The page's items are the line in words, with a link where a page does the step.
    shown = [fold(item["text"]) for item in web]
    return {"cli": [line for line in printed if line], "web": shown}


def test_a_tillaggsavtal_of_a_secret_grant_carries_its_marking(made: Made, tmp_path: Path) -> None:
    """The tilläggsavtal names the agreement it changes and the amounts before the change:
    the facts § 212 decided under sekretess. It carries § 212's marking, as its packet does."""
    cases, output = _copy(made, tmp_path)
    case = cases / "exempel-arktiska-testbaddar.yaml"
    build = ("build", str(case), "--output", str(output), "--templates", str(REPO / "templates"))
    code, out = cli(*build)
    assert code == 0, out
    folder = output / "RUN-90001-2023"
    for field in ("region", "aktor"):
        code, out = cli("sign", str(folder / "paket.pdf"), "--field", field,
                        "--p12", str(made.key(field)), "--ofullstandig",
                        "--trust", str(made.pki.root_cert))  # fmt: skip
        assert code == 0, out
    later = cases / "sammantraden" / "exempel-run-2026-06-16.yaml"
    code, out = cli("utdrag", str(later), "--output", str(output),
                    "--templates", str(REPO / "templates"))  # fmt: skip
    assert code == 0, out
    code, out = cli(*build)
    assert code == 0, out
    assert "warning" not in out  # the signed packet was marked when it was built
    for name in ("tillaggsavtal-v2.pdf", "paket-v2.pdf"):
        for number, text in enumerate(pages_text(folder / name), 1):
            assert MARKING in text, f"page {number} of {name} lacks the marking"
    with pikepdf.open(folder / "tillaggsavtal-v2.pdf") as pdf:
        assert str(pdf.docinfo.Title).startswith("SEKRETESS – Tilläggsavtal nr 1")
    assert MARKING in _docx_text(folder / "tillaggsavtal-v2.docx")


def test_an_embedded_extract_is_named_with_its_dnr_and_read_by_either_name() -> None:
    """The packet embeds protokollsutdrag-212.pdf of RUN-90001-2023's folder as
    RUN-90001-2023-protokollsutdrag-212.pdf (safe characters only); verify names it as the
    extract of § 212 whether it has the Dnr in front or, built before, not."""
    from avtalsgen.build.workspace import embedded_name, folder_name
    from avtalsgen.signing.embedded import embedded_label

    name = embedded_name("RUN-90001-2023", "protokollsutdrag-212-v2.pdf")
    assert name == "RUN-90001-2023-protokollsutdrag-212-v2.pdf"
    assert re.fullmatch(r"[A-Za-z0-9._-]+", name)
    assert embedded_name("RUN-90001-2023", name) == name
    assert folder_name(name) == "protokollsutdrag-212-v2.pdf"
    assert folder_name("protokollsutdrag-212.pdf") == "protokollsutdrag-212.pdf"
    packet = Path("paket-v2.pdf")
    for given in (name, "protokollsutdrag-212-v2.pdf"):
        assert embedded_label(given, packet).startswith("protokollsutdrag § 212 (version 2)")
