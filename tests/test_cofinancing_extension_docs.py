"""What the README and the meeting schema say of extending a co-financed agreement (QA
walk 20): the README said it was "not supported", while the schema's
``tillagg.medfinansiarer`` spoke of the extension and ``medfinansiarer_per_kalenderar``
exists. It is supported: the README's example, pasted into a meeting file on the shipped
co-financed example, passes ``check``; left without the co-financiers' amounts, the
extension is refused at ``tillagg.medfinansiarer``; and the schema's help says where each
co-financier's amount goes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from test_cofinancing_extension import MEETING
from typer.testing import CliRunner

from avtalsgen import i18n
from avtalsgen.cli.app import app

pytestmark = pytest.mark.without_tillagg

REPO = Path(__file__).resolve().parent.parent


def line_of(path: Path, text: str) -> int:
    """The number of the first line of ``path`` holding ``text``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def _readme_example() -> str:
    """The README's example of a co-financed extension: the YAML block after its words."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    assert "not supported" not in text[text.index("### Later decisions") :].split("\n## ")[0]
    start = text.index("An extension of a **co-financed** agreement")
    found = re.search(r"```yaml\n(.*?)```", text[start:], re.DOTALL)
    assert found is not None
    return found[1]


def test_the_readme_s_co_financed_extension_passes_check(cases: Path) -> None:
    i18n.set_language("en")
    example = _readme_example()
    assert "medfinansiarer_per_kalenderar" in example
    meeting = cases / "sammantraden" / "forlangning.yaml"
    meeting.write_text(MEETING + example, encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(cases)])
    assert result.exit_code == 0, result.output
    assert f"ok  {meeting}  meeting file: Regionala utvecklingsnämnden 2026-11-10" in result.stdout
    # Without the co-financiers' amounts: refused at the key, with what to write.
    meeting.write_text(
        MEETING + "    tillagg: {typ: forlangning, ny_slutdag: 2031-06-30}\n", encoding="utf-8"
    )
    result = CliRunner().invoke(app, ["check", str(cases)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    line = line_of(meeting, "tillagg:")
    assert (
        f"{meeting}:{line}: paragrafer[0].tillagg.medfinansiarer: the agreement has "
        "co-financiers (Luleå kommun, Piteå kommun, EU-projektet Exempel Smart Arktis, Smarta "
        "samhällen Norrbotten (egen insats)), whose shares for an extension are conditions"
    ) in result.stderr
    i18n.set_language(None)


def test_the_schema_says_where_each_co_financier_s_amount_goes() -> None:
    for language, words in (
        ("en", ("for forlangning during the extension", "medfinansiarer_per_kalenderar")),
        ("sv", ("för forlangning under förlängningen", "medfinansiarer_per_kalenderar")),
    ):
        i18n.set_language(language)
        result = CliRunner().invoke(app, ["schema", "sammantrade"])
        assert result.exit_code == 0, result.output
        schema = json.loads(result.stdout)
        said = schema["$defs"]["Tillagg"]["properties"]["medfinansiarer"]["description"]
        for word in words:
            assert word in said, (language, said)
    i18n.set_language(None)
