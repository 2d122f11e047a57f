"""A signatory's name the agreement would print as ``[uppgift saknas]`` is said by
``check`` before any build, without ``--strict`` too (a warning, exit 0): no packet that
shows it is signed. The shipped program names the region's signatory by the office
(``namn`` the same as ``titel``: no person is named ahead, and none is invented), which the
signature block prints once, so the example cases' agreements name every signatory."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from avtalsgen.cli.app import app
from avtalsgen.documents.context import signature
from avtalsgen.input.load import load_case
from avtalsgen.model.program import Undertecknare

REPO = Path(__file__).resolve().parent.parent
runner = CliRunner()


def _line_of(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def test_check_warns_of_a_signatory_s_name_left_unknown(cases: Path) -> None:
    from avtalsgen import i18n

    i18n.set_language("en")
    result = runner.invoke(app, ["check", str(cases)])
    assert result.exit_code == 0, result.output
    seed = cases / "RUN-00386-2023.yaml"
    kreativa = cases / "exempel-kreativa-norrbotten.yaml"
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert warnings == [
        f"warning: {seed}:{_line_of(seed, '    namn: null')}: avtal.undertecknare.namn: not "
        "filled in yet (null); the documents show [uppgift saknas]",
        f"warning: {kreativa}:{len(kreativa.read_text('utf-8').splitlines())}: "
        "avtal.undertecknare.namn: left out of the file; the documents show [uppgift saknas] "
        "until it is filled in",
    ]
    assert f"ok  {seed}  RUN-00386-2023" in result.stdout
    # The program's signatory unknown: said once per case of the program, of the program.
    program = cases / "program" / "norrbottens-ekosystem.yaml"
    text = program.read_text(encoding="utf-8")
    program.write_text(text.replace("    namn: Regional utvecklingsdirektör\n", "    namn: null\n"))
    result = runner.invoke(app, ["check", str(cases / "exempel-trappsteg.yaml")])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        f"warning: {program}:{_line_of(program, '    namn: null')}: avtal.undertecknare.namn: "
        "not filled in yet (null); the documents show [uppgift saknas] (for the case "
        f"{cases / 'exempel-trappsteg.yaml'}, which names this program)"
    ]
    # A rejected case has no agreement: no signatory to name.
    result = runner.invoke(app, ["check", str(cases / "exempel-matkluster.yaml")])
    assert result.exit_code == 0 and result.stderr == "", result.output


def test_the_region_s_signatory_by_the_office_is_named_by_the_signature() -> None:
    case = load_case(REPO / "cases" / "exempel-arktiska-testbaddar.yaml")
    signer = case.program.avtal.undertecknare
    assert signer.by_role and signer.namn == "Regional utvecklingsdirektör"
    block = signature("Region Norrbotten", signer)
    assert (block.namn, block.titel, block.ort) == (
        "Namnförtydligande: enligt den elektroniska underskriften",
        "Regional utvecklingsdirektör",
        "Luleå",
    )
    person = Undertecknare(namn="Per Exempelsson", titel="Verksamhetsledare", ort="Kiruna")
    assert not person.by_role
    assert signature("X", person).titel == "Verksamhetsledare"
    unknown = signature("X", Undertecknare(titel="Regional utvecklingsdirektör"))
    assert unknown.namn == "Namnförtydligande: [uppgift saknas]"
