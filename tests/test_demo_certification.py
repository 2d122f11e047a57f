"""A real (non-example) meeting's protocol extract is not certified with the DEMO key:
``avtalsgen sign`` without a key and the web app's certification without the region's
seal refuse it (the file byte for byte as it was); and one certified so all the same (as
before the refusal) counts as not certified: ``expediera`` writes no e-mail saying it is
certified, ``publicera`` leaves it out. A real case's packet signed with the DEMO key is
signed, with a warning that says so.

The extract of § 211 (the seed's real case RUN-00386-2023) at a copy of the 2023 meeting
that is not an example, made by LibreOffice; real pyHanko signatures."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import REPO, run_cli
from warm_converter import converter_in

from avtalsgen.errors import CaseError

pytestmark = [pytest.mark.libreoffice]

DNR = "RUN-00386-2023"


@dataclass(frozen=True)
class Real:
    cases: Path
    meeting: Path
    output: Path

    @property
    def extract(self) -> Path:
        return self.output / DNR / "protokollsutdrag-211.pdf"


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory, session_converter: Path) -> Real:
    """§ 211's extract at a meeting that is not an example, not certified (read only: the
    tests copy it); the program's sender the region's own mailbox."""
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
    assert "\nexempel: true\n" in text
    # § 212's case is an example, which only an example meeting may decide: § 211 alone.
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


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _demo_certify(extract: Path) -> None:
    """Certify ``extract`` with the DEMO key, as ``sign`` did before it refused to."""
    from avtalsgen.signing.pki import ensure_demo_pki, ensure_demo_signer
    from avtalsgen.signing.sign import Pkcs12Key, sign_packet

    signer = ensure_demo_signer(ensure_demo_pki(), "Sekreterare")
    sign_packet(extract, extract, "utdragsbestyrkande",
                Pkcs12Key(signer.pkcs12, signer.passphrase), role="Sekreterare",
                overwrite=True)  # fmt: skip


def test_sign_does_not_certify_a_real_meetings_extract_with_the_demo_key(copy: Real) -> None:
    from avtalsgen.signing.demo import is_example

    assert is_example(copy.extract) is False
    before = sha(copy.extract)
    done = run_cli("sign", str(copy.extract), "--field", "utdragsbestyrkande", lang="sv")
    assert done.returncode == 1
    said = " ".join(done.stderr.split())
    assert (
        f"{copy.extract}: inte underskrivet: utdraget hör till ett sammanträde som inte är ett "
        "exempel, och ingen nyckel angavs, så DEMO-nyckeln skulle bestyrka det"
    ) in said, said
    assert "--p12 FIL" in said and "Inget har signerats." in said
    assert sha(copy.extract) == before
    # A folder of extracts: counted as failed, the file as it was.
    done = run_cli("sign", str(copy.output), "--field", "utdragsbestyrkande", lang="sv")
    assert done.returncode == 1 and "misslyckade: 1" in done.stdout, done.stdout + done.stderr
    assert sha(copy.extract) == before


def test_a_demo_certification_of_a_real_meeting_is_not_counted(
    copy: Real, tmp_path: Path, session_converter: Path
) -> None:
    """Not expedited nor published as certified; made again as expediera says (its files
    moved out, utdrag), certified with a real key, it is expedited."""
    from certificates import PASSPHRASE, make_ca, p12

    from avtalsgen.meetings.expediering import expedite
    from avtalsgen.meetings.extract import build_extracts

    _demo_certify(copy.extract)
    with pytest.raises(CaseError) as caught:
        expedite(copy.meeting, copy.output)
    problems = caught.value.problems
    assert len(problems) == 1, problems
    problem = problems[-1]
    assert (
        f"§ 211: {copy.extract} is certified with the DEMO key, which "
        "is not valid for real use, and the meeting is not an example"
    ) in problem, problem
    assert not (copy.output / "sammantraden").exists()  # no e-mail written
    done = run_cli("publicera", str(copy.meeting), "--output", str(copy.output), lang="sv")
    said = " ".join(done.stdout.split())
    assert (
        f"§ 211 RUN-00386-2023 protokollsutdrag: publiceras inte: {copy.extract} är bestyrkt "
        "med DEMO-nyckeln, som inte är giltig på riktigt, och sammanträdet är inget exempel, så "
        "det räknas som inte bestyrkt"
    ) in said, said + done.stderr
    assert "publicerade: 0, väntar på anslaget: 0, inte bestyrkta ännu: 1" in said, said
    assert not list((copy.output / DNR).glob("webb*")) and not (copy.output / "webb").exists()
    # As expediera says: moved out with the .docx and .json beside it, made again, certified
    # with the secretary's key (a CA of the test's own, not the DEMO PKI).
    assert (
        "Move it out of the output folder, keeping it, with the .docx and .json of the same "
        f"name beside it, make it again with avtalsgen utdrag {copy.meeting} --paragraf 211 "
        "and certify it"
    ) in problem, problem
    kept = tmp_path / "kept"
    kept.mkdir()
    for suffix in (".pdf", ".docx", ".json"):
        shutil.move(copy.extract.with_suffix(suffix), kept)
    with converter_in(session_converter) as converter:
        build_extracts(copy.meeting, copy.output, REPO / "templates", converter, 211,
                       today=dt.date(2024, 1, 9))  # fmt: skip
    ca = make_ca(tmp_path)
    key = p12(ca, tmp_path / "sekreterare.p12", "Lena Exempelsson", "Region Norrbotten")
    secret = {"AVTALSGEN_P12_PASSPHRASE": PASSPHRASE}
    done = run_cli("sign", str(copy.extract), "--field", "utdragsbestyrkande", "--p12", str(key),
                   "--trust", str(ca.root), env=secret)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    [result] = expedite(copy.meeting, copy.output)
    assert result.written and (result.folder / "sandlista.txt").is_file(), result


def test_a_later_version_certified_with_the_demo_key_is_made_again_as_expediera_says(
    copy: Real, tmp_path: Path, session_converter: Path
) -> None:
    """Version 2 of a real meeting's extract, certified with the DEMO key: expediera says
    how to make it again (its files moved out, its entry taken out of the record, utdrag),
    not only that a real certification is needed; done so, utdrag makes version 2 anew, the
    same correction of version 1, which certified with a real key is expedited."""
    import json

    from certificates import PASSPHRASE, make_ca, p12

    from avtalsgen.meetings.expediering import expedite
    from avtalsgen.meetings.extract import build_extracts

    text = copy.meeting.read_text(encoding="utf-8")
    copy.meeting.write_text(text.replace("plats: Regionhuset, Luleå", "plats: Kulturens hus"),
                            encoding="utf-8")  # fmt: skip
    folder = copy.output / DNR
    second = folder / "protokollsutdrag-211-v2.pdf"
    with converter_in(session_converter) as converter:
        build_extracts(copy.meeting, copy.output, REPO / "templates", converter, 211,
                       today=dt.date(2024, 1, 10))  # fmt: skip
        assert second.is_file()
        _demo_certify(second)
        with pytest.raises(CaseError) as caught:
            expedite(copy.meeting, copy.output)
        [problem] = caught.value.problems
        said = " ".join(problem.split())
        record = folder / "protokollsutdrag-211.json"
        assert (
            f"§ 211: {second} is certified with the DEMO key, which is not valid for real use"
        ) in said, said
        assert (
            "Move it out of the output folder, keeping it, with the .docx of the same name "
            "beside it; take version 2's entry, the last one, out of 'versioner' in "
            f"{record} (the earlier versions stay as they are); make it again with avtalsgen "
            f"utdrag {copy.meeting} --paragraf 211 (version 2 anew) and certify it with the "
            "secretary's key or the region's seal"
        ) in said, said
        # As it says.
        kept = tmp_path / "kept"
        kept.mkdir()
        for suffix in (".pdf", ".docx"):
            shutil.move(second.with_suffix(suffix), kept)
        data = json.loads(record.read_text(encoding="utf-8"))
        assert [entry["version"] for entry in data["versioner"]] == [1, 2]
        data["versioner"].pop()
        record.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        [result] = build_extracts(copy.meeting, copy.output, REPO / "templates", converter, 211,
                                  today=dt.date(2024, 1, 11))  # fmt: skip
    assert result.written and result.version == 2 and second.is_file(), result
    assert result.andrat, result  # a correction of version 1, as before
    ca = make_ca(tmp_path)
    key = p12(ca, tmp_path / "sekreterare.p12", "Lena Exempelsson", "Region Norrbotten")
    secret = {"AVTALSGEN_P12_PASSPHRASE": PASSPHRASE}
    done = run_cli("sign", str(second), "--field", "utdragsbestyrkande", "--p12", str(key),
                   "--trust", str(ca.root), env=secret)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    [sent] = expedite(copy.meeting, copy.output)
    assert sent.written and sent.version == 2 and sent.extract == second, sent


def test_the_web_certifies_no_real_extract_with_the_demo_key(copy: Real, tmp_path: Path) -> None:
    from webtools import workspace

    from avtalsgen import i18n
    from avtalsgen.errors import AvtalsgenError
    from avtalsgen.web.signing import sign_at_level

    config = dataclasses.replace(workspace(tmp_path / "web"), cases=copy.cases,
                                 output=copy.output)  # fmt: skip
    assert config.seal_p12 is None  # the DEMO key's
    before = sha(copy.extract)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    i18n.set_language("sv")
    try:
        with pytest.raises(AvtalsgenError) as caught:
            sign_at_level(config, copy.extract, "utdragsbestyrkande", "Sekreterare", "B-B",
                          scratch)  # fmt: skip
        said = caught.value.text()
    finally:
        i18n.set_language(None)
    assert (
        "protokollsutdrag-211.pdf är ett utdrag ur ett sammanträde som inte är ett exempel, och "
        "tjänsten har ingen nyckel som är regionens (dess sigill)"
    ) in said, said
    assert sha(copy.extract) == before


def test_a_real_cases_packet_signed_with_the_demo_key_says_so(built: Path, tmp_path: Path) -> None:
    """The seed's real case: the DEMO key signs its packet (no key given, as the README
    shows), and says that it did and that the signature is not valid for real use."""
    import json
    import os

    folder = tmp_path / "output" / DNR
    shutil.copytree(built / DNR, folder)
    # Its build record names the case file from its folder: from the copy, as from the build.
    record = folder / ".avtalsgen-build.json"
    data = json.loads(record.read_text(encoding="utf-8"))
    case = os.path.normpath(built / DNR / data["case"])
    data["case"] = os.path.relpath(case, folder)
    record.write_text(json.dumps(data), encoding="utf-8")
    done = run_cli("sign", str(folder / "paket.pdf"), "--field", "region", "--ofullstandig",
                   lang="sv")  # fmt: skip
    assert done.returncode == 0, done.stderr
    said = " ".join(done.stderr.split())
    assert (
        "varning: ingen nyckel angavs (--p12 eller --pkcs11-lib), så DEMO-nyckeln undertecknade "
        f"{folder / 'paket.pdf'}: underskriften är inte giltig på riktigt"
    ) in said, said
