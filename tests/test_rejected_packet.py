"""A packet made before the committee's decision that the decision replaces, and the packet
of a case the committee rejected, sent back or postponed (qa17).

The seed built while undecided (its packet has the fields region and aktor), then an avslag
of § 211 without a rebuild: `verify` said "not signed yet; to sign: 'region' and 'aktor'"
and exit 0, the web's Paket page sent the reader to fill in its unknown facts, and `status`
said nothing of the packet. Now each says that the packet is superseded by the decision,
names it (§, meeting, outcome) and says to build again, and offers nothing to sign. After
the rebuild, the rejected case's packet (no field) is complete with nothing to sign once the
certified extract is in it (it was "not signed yet; to sign: no field", exit 1 with
--complete); a case sent back or postponed is not complete while it waits for the
committee's decision.
"""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest
from typer.testing import CliRunner
from warm_converter import converter_in
from webtools import client_for, csrf_of, workspace

from avtalsgen.cli.app import app
from avtalsgen.web.config import WebConfig

pytestmark = pytest.mark.libreoffice

DNR, CASE = "RUN-00386-2023", "RUN-00386-2023"
MEETING = "exempel-run-2023-12-05.yaml"
#: The shipped § 211, which grants the seed as proposed.
AS_PROPOSED = """\
  - paragraf: 211
    dnr: RUN-00386-2023
    beslut: enligt förslaget
"""
runner = CliRunner()


def _decide(config: WebConfig, utfall: str | None) -> None:
    """§ 211 of the seed's meeting decided with ``utfall`` (None: left out, undecided)."""
    meeting = config.cases / "sammantraden" / MEETING
    text = meeting.read_text(encoding="utf-8")
    end = text.index("  - paragraf: 212\n")
    start = text.find("  - paragraf: 211\n")
    start = end if start < 0 else start
    paragraph = ""
    if utfall == "bifall":
        paragraph = AS_PROPOSED
    elif utfall is not None:
        paragraph = (
            f"  - paragraf: 211\n    dnr: {DNR}\n    utfall: {utfall}\n"
            "    motivering: Nämnden vill pröva ärendet på nytt.\n"
        )
    if paragraph:  # justerad at the meeting, as the shipped § 211
        paragraph += "    omedelbart_justerad: true\n    anslagsdatum: 2023-12-06\n\n"
    meeting.write_text(text[:start] + paragraph + text[end:], encoding="utf-8")


def _run(*argv: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--lang", "en", *argv])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def _build(config: WebConfig, converter: Path) -> None:
    case = str(config.cases / f"{CASE}.yaml")
    with converter_in(converter):
        code, said = _run("build", case, "--output", str(config.output),
                          "--templates", str(config.templates))  # fmt: skip
    assert code == 0, said


def _certified_extract(config: WebConfig, converter: Path) -> None:
    """§ 211's protocol extract made and certified: a rejected case's packet is complete
    only with the certified extract in it."""
    meeting = str(config.cases / "sammantraden" / MEETING)
    with converter_in(converter):
        code, said = _run("utdrag", meeting, "--paragraf", "211", "--output",
                          str(config.output), "--templates", str(config.templates))  # fmt: skip
    assert code == 0, said
    extract = config.output / DNR / "protokollsutdrag-211.pdf"
    code, said = _run("sign", str(extract), "--field", "utdragsbestyrkande")
    assert code == 0, said


def _result(said: str) -> str:
    """The verdict line of a verify report."""
    found = re.search(r"^(?:Result|Resultat): (.*)$", said, re.MULTILINE)
    assert found, said
    return found.group(1)


def _verified(config: WebConfig, packet: Path) -> str:
    """The result line of the web's Verifiera page for an upload of a copy of ``packet``."""
    page = _verify_page(config, packet)
    found = re.search(r"Resultat: (.*?) Signaturer ", page)
    assert found, page
    return found.group(1)


def _verify_page(config: WebConfig, packet: Path) -> str:
    """The words of the web's Verifiera page for an upload of a copy of ``packet``."""
    with client_for(config, "alla") as client:
        token = csrf_of(client.get("/verifiera").text)
        response = client.post(
            "/verifiera", data={"_csrf_token": token},
            files={"fil": ("kopia.pdf", packet.read_bytes(), "application/pdf")},
        )  # fmt: skip
    assert response.status_code == 200, response.text
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.text)).split())


def _line(config: WebConfig) -> str:
    """The paragraph's line in the meeting file, as the manifest records it."""
    lines = (config.cases / "sammantraden" / MEETING).read_text(encoding="utf-8").splitlines()
    return str(lines.index("  - paragraf: 211") + 1)


def _packets_row(config: WebConfig, language: str = "sv") -> tuple[str, str]:
    """The Paket page's row of the seed as text, as the signer reads it, and its HTML."""
    with client_for(config, "alla") as client:
        client.cookies.set("avtalsgen_sprak", language)
        html = client.get("/paket").text
    row = re.search(rf'(?s)<tr>\s*<td class="dnr">{DNR}</td>(.*?)</tr>', html)
    assert row, html
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", row.group(1))).split()), row.group(1)


@pytest.fixture
def config(tmp_path: Path) -> WebConfig:
    return workspace(tmp_path)


def test_a_packet_made_before_an_avslag_is_superseded_and_the_rejected_one_complete(
    config: WebConfig, session_converter: Path
) -> None:
    _decide(config, None)
    _build(config, session_converter)
    packet = config.output / DNR / "paket.pdf"
    _decide(config, "avslag")
    # verify: superseded by the avslag, named, with what to do; it failed with --complete
    # only, as "not signed yet; to sign: 'region' and 'aktor'", and exit 0 without.
    for flags in ((), ("--complete",)):
        code, said = _run("verify", *flags, str(packet))
        assert code == 1, said
        assert _result(said) == (
            "SUPERSEDED, not the packet to sign or to hand over: "
            f"{packet} is superseded: it was made before the committee decided and the "
            "decision now is § 211 of the meeting of 2023-12-05 (rejected), so what it states "
            "is not the decision; build the case again: the decision leaves no agreement, so "
            "the packet it makes has no signature field and nothing is to be signed"
        )
        assert "Still to sign: nothing in this file, which is superseded" in said
        assert "Still to sign: region" not in said
    # In Swedish too.
    result = runner.invoke(app, ["--lang", "sv", "verify", str(packet)])
    assert _result(result.output).startswith(
        f"ERSATT, inte paketet att underteckna eller lämna över: {packet} är ersatt: det är "
        "gjort innan nämnden hade beslutat, och beslutet är nu § 211 vid sammanträdet "
        "2023-12-05 (avslag)"
    ), result.output
    assert _result(result.output).endswith(
        "bygg ärendet igen: beslutet innebär att inget avtal upprättas, så paketet som bygget "
        "gör har inget underskriftsfält och inget ska undertecknas"
    )
    # sign refuses it without telling to sign the packet the build makes (it has no field).
    code, said = _run("sign", str(packet), "--field", "region")
    assert code == 1 and "sign the packet it makes" not in said
    assert "the decision leaves no agreement, so the packet it makes has no signature" in said
    # status names it among what is missing (it said only that the documents were out of
    # date), and does not call it a signed packet.
    status = ("status", str(config.cases / f"{CASE}.yaml"), "--output", str(config.output),
              "--templates", str(config.templates), "--json")  # fmt: skip
    found = json.loads(_run(*status)[1])[0]
    assert found["lage"] == "decided: rejected"
    assert any(
        line.endswith(
            "paket.pdf is superseded: it was made before the committee decided and the decision "
            "now is § 211 of the meeting of 2023-12-05 (rejected), so what it states is not the "
            "decision; build the case again: the decision leaves no agreement, so the packet it "
            "makes has no signature field and nothing is to be signed"
        )
        for line in found["saknas"]
    ), found["saknas"]
    # The web's Paket page: no signing offered, the reason in plain Swedish, not the facts
    # to fill in ("Kan inte signeras än: paketet visar fortfarande [uppgift saknas]").
    text, html = _packets_row(config)
    assert (
        "Ska inte undertecknas: paket.pdf är ersatt: det är gjort innan nämnden hade beslutat, "
        "och beslutet är nu § 211 vid sammanträdet 2023-12-05 (avslag), så det som paketet "
        "anger är inte beslutet; bygg ärendet igen: beslutet innebär att inget avtal upprättas"
    ) in text, text
    assert "Kan inte signeras än" not in text and "/signera" not in html
    assert f'href="/korning?arende={CASE}"' in html  # Bygg ärendet
    # Verifiera, a copy of it uploaded: the verdict `avtalsgen verify` gives, its file named
    # below the output folder (it said "inte signerat ännu; att skriva under: region och
    # aktör", the supersession in a paragraph below).
    assert _verified(config, packet) == (
        f"ERSATT, inte paketet att underteckna eller lämna över: {DNR}/paket.pdf är ersatt: "
        "det är gjort innan nämnden hade beslutat, och beslutet är nu § 211 vid sammanträdet "
        "2023-12-05 (avslag), så det som paketet anger är inte beslutet; bygg ärendet igen: "
        "beslutet innebär att inget avtal upprättas, så paketet som bygget gör har inget "
        "underskriftsfält och inget ska undertecknas"
    )
    # Under the verdict, what it means: not "Ej undertecknade fält: region, aktör", as if
    # signatures were missing from it.
    page = _verify_page(config, packet)
    assert "Ej undertecknade fält" not in page
    assert (
        "Signaturer Fält Undertecknare Tid Intakt Täcker hela filen Nivå Betrodd "
        "Inget ska undertecknas i den här filen, som är ersatt: dess tomma fält (region, aktör) "
        "är inga underskrifter som saknas, och den är inte ärendets paket att diarieföra eller "
        "lämna över."
    ) in page, page
    # Its sign page says the same first, not the facts to fill in, and has no button.
    with client_for(config, "signer") as client:
        page = client.get(f"/paket/{DNR}/signera?falt=region").text
    assert "paket.pdf är ersatt: det är gjort innan nämnden hade beslutat" in unescape(page)
    assert "Skriv under" not in page and '<button type="submit">' not in page

    # Built again before the extract is made: no field, but not complete without the
    # certified extract (it counted as complete).
    _build(config, session_converter)
    code, said = _run("verify", "--complete", str(packet))
    assert code == 1, said
    assert _result(said).startswith(
        "not complete: the packet does not hold the protocol extract of the decision yet: "
        "the committee rejected RUN-00386-2023 (avslag, § 211 of the meeting of 2023-12-05"
    ), said
    text, html = _packets_row(config)  # said on the Paket page too, not "–", "–" and nothing
    assert (
        "– inget att skriva under ännu paket.pdf för RUN-00386-2023 Inte fullständigt: "
        "paketet innehåller ännu inte beslutets protokollsutdrag: nämnden avslog "
        "RUN-00386-2023 (avslag, § 211 vid sammanträdet 2023-12-05"
    ) in text, text
    # With the certified extract in it: complete with nothing to sign (it was "not signed
    # yet; to sign: no field", exit 1 with --complete).
    _certified_extract(config, session_converter)
    _build(config, session_converter)
    code, said = _run("verify", "--complete", str(packet))
    assert code == 0, said
    assert _result(said) == (
        "complete: no signatures are needed: the committee rejected RUN-00386-2023 (avslag, "
        f"§ 211 of the meeting of 2023-12-05, {MEETING}:{_line(config)}), so no agreement is "
        "made and the packet has no signature field"
    )
    assert "Signed: nothing, and nothing is to be signed" in said
    result = runner.invoke(app, ["--lang", "sv", "verify", "--complete", str(packet)])
    assert result.exit_code == 0
    assert _result(result.output).startswith(
        "fullständigt: inga underskrifter behövs: nämnden avslog RUN-00386-2023 (avslag, § 211 "
        "vid sammanträdet 2023-12-05"
    ), result.output
    text, html = _packets_row(config)
    assert "Ska inte undertecknas" not in text and "/signera" not in html
    # The Paket page says why nothing is to be signed (the row read "–", "–" and nothing).
    assert text.endswith(
        "– inga behövs paket.pdf för RUN-00386-2023 Inga underskrifter behövs: nämnden avslog "
        "ärendet (§ 211, 2023-12-05)."
    ), text
    assert _packets_row(config, "en")[0].endswith(
        "– none needed paket.pdf for RUN-00386-2023 No signatures are needed: the committee "
        "rejected the case (§ 211, 2023-12-05)."
    )
    # Verifiera gives a copy the same verdict as `avtalsgen verify`.
    assert _verified(config, packet).startswith(
        "fullständigt: inga underskrifter behövs: nämnden avslog RUN-00386-2023 (avslag, "
        "§ 211 vid sammanträdet 2023-12-05"
    )


@pytest.mark.parametrize(
    ("utfall", "said", "words"),
    [
        ("aterremiss", "referred back", "referred RUN-00386-2023 back (återremiss"),
        ("bordlaggning", "postponed", "postponed RUN-00386-2023 (bordläggning"),
    ],
)
def test_a_case_sent_back_or_postponed_has_nothing_to_sign_and_is_not_complete(
    config: WebConfig, session_converter: Path, utfall: str, said: str, words: str
) -> None:
    _decide(config, None)
    _build(config, session_converter)
    packet = config.output / DNR / "paket.pdf"
    _decide(config, utfall)
    code, told = _run("verify", str(packet))
    assert code == 1, told
    assert _result(told) == (
        "SUPERSEDED, not the packet to sign or to hand over: "
        f"{packet} is superseded: it was made before the committee decided and the decision "
        f"now is § 211 of the meeting of 2023-12-05 ({said}), so what it states is not the "
        "decision; build the case again: the packet it makes has no signature field, as "
        "nothing is to be signed until the committee decides the case at a later meeting"
    )
    text, html = _packets_row(config)
    assert "Ska inte undertecknas: paket.pdf är ersatt" in text and "/signera" not in html
    # Built again: nothing to sign, but not complete while the case waits for a decision.
    _build(config, session_converter)
    code, told = _run("verify", str(packet))
    assert code == 0, told
    expected = (
        f"not complete: nothing to sign yet: the committee {words}, § 211 of the meeting of "
        f"2023-12-05, {MEETING}:{_line(config)})"
    )
    assert _result(told).startswith(expected), told
    assert _result(told).endswith("build the case again after that decision")
    code, told = _run("verify", "--complete", str(packet))
    assert code == 1 and _result(told).startswith(expected), told
    assert "complete: no signatures are needed" not in told


def test_an_avslag_after_an_agreement_built_not_signed(
    config: WebConfig, session_converter: Path
) -> None:
    _build(config, session_converter)  # § 211 grants it as proposed
    packet = config.output / DNR / "paket.pdf"
    code, said = _run("verify", str(packet))
    assert code == 0 and _result(said).startswith("not signed yet; to sign: 'region'"), said
    _decide(config, "avslag")  # the meeting file corrected: the committee rejected it
    for flags in ((), ("--complete",)):
        code, said = _run("verify", *flags, str(packet))
        assert code == 1, said
        assert _result(said) == (
            "SUPERSEDED, not the packet to sign or to hand over: "
            f"{packet} is superseded: it was made from § 211 of the meeting of 2023-12-05 "
            "(granted) and the decision now is § 211 of the meeting of 2023-12-05 (rejected), "
            "so what it states is not the decision; build the case again: the decision leaves "
            "no agreement, so the packet it makes has no signature field and nothing is to be "
            "signed"
        )
    text, html = _packets_row(config)
    assert "Ska inte undertecknas: paket.pdf är ersatt: det är gjort efter § 211" in text, text
    assert "/signera" not in html
    _certified_extract(config, session_converter)
    _build(config, session_converter)
    code, said = _run("verify", "--complete", str(packet))
    assert code == 0, said
    assert _result(said).startswith(
        "complete: no signatures are needed: the committee rejected RUN-00386-2023 (avslag"
    )


def test_a_packet_built_before_extracts_were_named_with_the_dnr_reads_as_it_did(
    config: WebConfig, session_converter: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rejected case's packet built before 474dbbc embeds its certified extract as
    protokollsutdrag-211.pdf (without the Dnr in front): verify and the packet's standing
    still find the certified extract the manifest records (complete, nothing to sign, not
    'the extract in the packet is not certified'), and verify names it as § 211's."""
    import pikepdf

    import avtalsgen.pdf.packet as packets
    from avtalsgen.signing.standing import Standing, packet_standing

    _decide(config, "avslag")
    _certified_extract(config, session_converter)
    with monkeypatch.context() as patch:  # as avtalsgen named it before
        patch.setattr(packets, "embedded_name", lambda dnr, name: name)
        _build(config, session_converter)
    packet = config.output / DNR / "paket.pdf"
    with pikepdf.open(packet) as pdf:
        assert list(pdf.attachments) == ["protokollsutdrag-211.pdf"]
        held = pdf.attachments["protokollsutdrag-211.pdf"].get_file().read_bytes()
    assert held == (config.output / DNR / "protokollsutdrag-211.pdf").read_bytes()
    standing = packet_standing(packet)
    assert standing is not None and standing.standing is Standing.REJECTED, standing
    assert standing.paragraf == 211 and standing.datum == "2023-12-05"
    code, said = _run("verify", "--complete", str(packet))
    assert code == 0, said
    assert _result(said).startswith(
        "complete: no signatures are needed: the committee rejected RUN-00386-2023 (avslag, "
        "§ 211 of the meeting of 2023-12-05"
    ), said
    inner = said.split("Embedded signed file protokollsutdrag-211.pdf:")[1]
    assert f"File: protokollsutdrag § 211, embedded in {packet}" in inner, said
    assert "field 'utdragsbestyrkande': OK" in inner, said
