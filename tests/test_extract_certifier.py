"""Who may certify a protocol extract, and what its visible signature says.

A walk (qa21) certified an extract with the actor's key (CN=Erik Testsson, O=Piteå Science
Park AB): exit 0, and the stamp on the page called him "Sekreterare" next to "Bestyrks av:
Anders Berg, sekreterare"; status, expediera and publicera then counted it as certified.
Now ``sign`` refuses, before anything is signed, a certificate that is not the region's
(the file byte for byte as it was), and a person of the region who is not the secretary
the extract names; the secretary's stamp says "Sekreterare", the region's seal's its name
alone; and an extract certified by another organisation's key before this (made here
with pyHanko directly, as ``sign`` did then) counts as not certified.

The extract of § 211 (the seed's case RUN-00386-2023) at a copy of the 2023 meeting that
is not an example (its secretary Lena Exempelsson), made by LibreOffice; keys in PKCS#12
files of a CA of the test's own; real pyHanko signatures, verified."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from certificates import PASSPHRASE, Ca, make_ca, p12
from conftest import REPO, run_cli
from pdftext import pdftotext
from warm_converter import converter_in

pytestmark = [pytest.mark.libreoffice]

DNR = "RUN-00386-2023"
SECRETARY = "Lena Exempelsson"
REGION = "Region Norrbotten"


@dataclass(frozen=True)
class Real:
    cases: Path
    meeting: Path
    output: Path

    @property
    def case(self) -> Path:
        return self.cases / f"{DNR}.yaml"

    @property
    def extract(self) -> Path:
        return self.output / DNR / "protokollsutdrag-211.pdf"

    def sign(self, key: Path, ca: Ca) -> tuple[int, str]:
        done = run_cli("sign", str(self.extract), "--field", "utdragsbestyrkande",
                       "--p12", str(key), "--trust", str(ca.root),
                       env={"AVTALSGEN_P12_PASSPHRASE": PASSPHRASE}, lang="sv")  # fmt: skip
        return done.returncode, " ".join((done.stdout + done.stderr).split())


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory, session_converter: Path) -> Real:
    """§ 211's extract at a meeting that is not an example, not certified (read only: the
    tests copy it)."""
    from avtalsgen.meetings.extract import build_extracts

    root = tmp_path_factory.mktemp("real")
    cases = root / "cases"
    shutil.copytree(REPO / "cases", cases)
    program = cases / "program" / "norrbottens-ekosystem.yaml"
    text = program.read_text(encoding="utf-8")
    sender = text.replace("registrator@region-norrbotten.example", "registrator@region.se")
    program.write_text(sender, encoding="utf-8")
    meeting = cases / "sammantraden" / "exempel-run-2023-12-05.yaml"
    text = meeting.read_text(encoding="utf-8")
    assert "\nexempel: true\n" in text and f"\nsekreterare: {SECRETARY}\n" in text
    real = text.replace("\nexempel: true\n", "\n")
    meeting.write_text(real[: real.index("\n  - paragraf: 212")] + "\n", encoding="utf-8")
    output = root / "output"
    with converter_in(session_converter) as converter:
        build_extracts(meeting, output, REPO / "templates", converter, 211,
                       today=dt.date(2024, 1, 9))  # fmt: skip
    return Real(cases, meeting, output)


@pytest.fixture
def copy(real: Real, tmp_path: Path) -> Real:
    shutil.copytree(real.cases, tmp_path / "cases")
    shutil.copytree(real.output, tmp_path / "output")
    return Real(tmp_path / "cases", tmp_path / "cases" / real.meeting.relative_to(real.cases),
                tmp_path / "output")  # fmt: skip


@pytest.fixture(scope="module")
def ca(tmp_path_factory: pytest.TempPathFactory) -> Ca:
    return make_ca(tmp_path_factory.mktemp("ca"))


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def last_page(pdf: Path) -> str:
    """The text of the extract's last page, the visible signature's text with it."""
    pages = [page for page in pdftotext(pdf).split("\f") if page.strip()]
    return " ".join(pages[-1].split())


def test_the_actors_key_does_not_certify_an_extract(copy: Real, ca: Ca, tmp_path: Path) -> None:
    """Refused before signing, the file as it was, saying whose the key is and what to use;
    so is a person of the region who is not the extract's secretary."""
    actor = p12(ca, tmp_path / "aktor.p12", "Erik Testsson", "Piteå Science Park AB")
    before = sha(copy.extract)
    code, said = copy.sign(actor, ca)
    assert code == 1, said
    assert (
        "inte bestyrkt: nyckeln för Erik Testsson är inte regionens (ett certifikat för Piteå "
        "Science Park AB): ett utdrag bestyrks av regionen, med nyckeln för dess sekreterare "
        f"({SECRETARY}) eller regionens sigill"
    ) in said, said
    assert "Inget har signerats." in said and "Traceback" not in said
    assert sha(copy.extract) == before
    # A folder of extracts: the key stops there, the file as it was.
    done = run_cli("sign", str(copy.output), "--field", "utdragsbestyrkande", "--p12",
                   str(actor), "--trust", str(ca.root),
                   env={"AVTALSGEN_P12_PASSPHRASE": PASSPHRASE}, lang="sv")  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    assert "inte regionens" in " ".join(done.stderr.split())
    assert sha(copy.extract) == before
    # A person of the region, not the secretary the extract names.
    director = p12(ca, tmp_path / "direktor.p12", "Lena Regiondirektör", REGION)
    code, said = copy.sign(director, ca)
    assert code == 1, said
    assert (
        f"Lena Regiondirektör är inte den sekreterare som utdraget anger ({SECRETARY})"
    ) in said, said
    assert sha(copy.extract) == before
    # Nor is a person whose name holds the region's words the seal (review21: it certified,
    # stamped under "Bestyrks av: Lena Exempelsson").
    person = p12(ca, tmp_path / "person.p12", f"Erik Andersson {REGION}", REGION)
    code, said = copy.sign(person, ca)
    assert code == 1, said
    assert f"Erik Andersson {REGION} är inte den sekreterare som utdraget anger" in said, said
    assert sha(copy.extract) == before


def test_the_secretary_certifies_and_the_stamp_says_so(copy: Real, ca: Ca, tmp_path: Path) -> None:
    key = p12(ca, tmp_path / "sekreterare.p12", SECRETARY, REGION)
    code, said = copy.sign(key, ca)
    assert code == 0, said
    assert "Resultat: fullständigt" in said, said
    page = last_page(copy.extract)
    assert f"Bestyrks av: {SECRETARY}, sekreterare," in page, page
    assert f"Signerat digitalt av {SECRETARY} Sekreterare Tid:" in page, page


def test_the_seals_stamp_names_no_secretary(copy: Real, ca: Ca, tmp_path: Path) -> None:
    """The region's seal certifies; its stamp gives its name alone, even when --role says
    Sekreterare (it said 'Region Norrbotten sigill Sekreterare')."""
    seal = p12(ca, tmp_path / "sigill.p12", f"{REGION} sigill", REGION)
    done = run_cli("sign", str(copy.extract), "--field", "utdragsbestyrkande", "--p12",
                   str(seal), "--trust", str(ca.root), "--role", "Sekreterare",
                   env={"AVTALSGEN_P12_PASSPHRASE": PASSPHRASE}, lang="sv")  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    page = last_page(copy.extract)
    assert f"Signerat digitalt av {REGION} sigill Tid:" in page, page
    assert "Sekreterare" not in page, page
    # The page says the secretary certifies with her own signature or the region's seal.
    assert "med sin underskrift eller regionens sigill" in page, page


def test_the_webs_seal_certifies_as_the_seal(
    copy: Real, ca: Ca, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The web app's certification with the server's seal: its stamp says no role; a
    server whose seal is a person's certificate of the region (not the secretary) is
    refused, the file as it was."""
    import dataclasses

    from webtools import workspace

    from avtalsgen import i18n
    from avtalsgen.errors import AvtalsgenError
    from avtalsgen.web.signing import sign_at_level

    monkeypatch.setenv("AVTALSGEN_P12_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("AVTALSGEN_TRUST", str(ca.root))
    config = dataclasses.replace(workspace(tmp_path / "web"), cases=copy.cases,
                                 output=copy.output)  # fmt: skip
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    person = p12(ca, tmp_path / "direktor.p12", "Lena Regiondirektör", REGION)
    before = sha(copy.extract)
    i18n.set_language("sv")
    try:
        with pytest.raises(AvtalsgenError) as caught:
            sign_at_level(dataclasses.replace(config, seal_p12=person), copy.extract,
                          "utdragsbestyrkande", "Sekreterare", "B-B", scratch)  # fmt: skip
        said = " ".join(caught.value.text().split())
    finally:
        i18n.set_language(None)
    assert f"Lena Regiondirektör är inte den sekreterare som utdraget anger ({SECRETARY})" in said
    assert sha(copy.extract) == before
    seal = p12(ca, tmp_path / "sigill.p12", f"{REGION} sigill", REGION)
    report = sign_at_level(dataclasses.replace(config, seal_p12=seal), copy.extract,
                           "utdragsbestyrkande", "Sekreterare", "B-B", scratch)  # fmt: skip
    [signature] = report.signatures
    assert signature.signer == f"{REGION} sigill" and signature.ok
    page = last_page(copy.extract)
    assert f"Signerat digitalt av {REGION} sigill Tid:" in page, page
    assert "Sekreterare" not in page, page


def _certify_as_before(extract: Path, key: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Certify ``extract`` with ``key`` as ``sign`` did before it judged the certifier:
    sign_packet with the judgement taking any key (the stamp then said Sekreterare)."""
    from avtalsgen.signing import certifier
    from avtalsgen.signing.names import common_name
    from avtalsgen.signing.sign import Pkcs12Key, sign_packet

    def anyone(extract: Path, cert: object, role: str, *, seal: bool = False) -> object:
        return certifier.Certifier(common_name(cert.subject), role)  # type: ignore[attr-defined]

    with monkeypatch.context() as patch:
        patch.setattr(certifier, "judge", anyone)
        sign_packet(extract, extract, "utdragsbestyrkande", Pkcs12Key(key, PASSPHRASE.encode()),
                    role="Sekreterare", overwrite=True)  # fmt: skip


def test_an_extract_certified_by_another_organisations_key_is_not_certified(
    copy: Real, ca: Ca, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Certified by the actor's key before the check: verify, status, expediera and
    publicera count it as not certified and say how to certify it again."""
    from avtalsgen.errors import CaseError
    from avtalsgen.meetings.expediering import expedite

    actor = p12(ca, tmp_path / "aktor.p12", "Erik Testsson", "Piteå Science Park AB")
    _certify_as_before(copy.extract, actor, monkeypatch)
    assert "Erik Testsson Sekreterare" in last_page(copy.extract)  # as qa21 found it
    done = run_cli("verify", str(copy.extract), "--trust", str(ca.root), lang="sv")
    said = " ".join(done.stdout.split())
    assert done.returncode == 1, said
    assert (
        "Resultat: INTE bestyrkt: " in said
        and "är bestyrkt med en nyckel som inte får bestyrka det: nyckeln för Erik Testsson är "
        "inte regionens (ett certifikat för Piteå Science Park AB)"
        in said
    ), said
    assert "fullständigt" not in said
    # status: not certified, with how to make it again (the field cannot be signed again).
    done = run_cli("status", str(copy.case), "--output", str(copy.output), "--templates",
                   str(REPO / "templates"), lang="sv")  # fmt: skip
    status = " ".join(done.stdout.split())
    assert "räknas det som inte bestyrkt" in status, status
    assert f"gör det igen med avtalsgen utdrag {copy.meeting}" in status, status
    assert "(bestyrkt)" not in status and "bestyrkt efter" not in status, status
    # expediera writes no e-mail; publicera leaves it out.
    with pytest.raises(CaseError) as caught:
        expedite(copy.meeting, copy.output)
    [problem] = caught.value.problems
    assert "is certified with a key that may not certify it: the key of Erik Testsson" in problem
    assert not (copy.output / "sammantraden").exists()
    done = run_cli("publicera", str(copy.meeting), "--output", str(copy.output), lang="sv")
    said = " ".join(done.stdout.split())
    assert "publiceras inte: " in said and "räknas det som inte bestyrkt" in said, said
    assert "publicerade: 0, väntar på anslaget: 0, inte bestyrkta ännu: 1" in said, said
