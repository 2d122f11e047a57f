"""A financier's one form of amounts, checked by a raised error and not by ``assert``
(review21 on 8d57cc7): a stretch (Avsnitt) given two forms or none is refused under
``python -O`` too, and an extended financier (ForlangdFinansiar) counts its stretches as
its form through its own method, not by reading a subclass's field by name."""

from __future__ import annotations

import subprocess
import sys

import pytest
from pydantic import ValidationError

from avtalsgen.model.money import Avsnitt, Finansiar, ForlangdFinansiar

STRETCH = {"belopp_per_ar": 100000}
ROW = {"namn": "Piteå kommun", "slag": "kommun"}


@pytest.mark.parametrize("amounts", [{}, {"belopp_per_ar": 1, "belopp_per_avtalsar": [1]}])
def test_a_stretch_takes_one_form(english: None, amounts: dict[str, object]) -> None:
    with pytest.raises(ValidationError, match="a stretch's amounts are given one way"):
        Avsnitt.model_validate(amounts)


def test_a_stretch_is_refused_without_asserts() -> None:
    code = (
        "from pydantic import ValidationError\n"
        "from avtalsgen.model.money import Avsnitt\n"
        "try:\n"
        "    Avsnitt.model_validate({})\n"
        "except ValidationError:\n"
        "    print('refused')\n"
    )
    done = subprocess.run(
        [sys.executable, "-O", "-c", code], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "refused"


def test_an_extended_financier_s_stretches_are_its_form(english: None) -> None:
    row = ForlangdFinansiar.model_validate({**ROW, "avsnitt": [STRETCH, STRETCH]})
    assert row.belopp_per_ar is None and len(row.avsnitt) == 2
    with pytest.raises(ValidationError, match="not both"):
        ForlangdFinansiar.model_validate({**ROW, "belopp_per_ar": 1, "avsnitt": [STRETCH]})


def test_a_financier_with_no_amounts_is_refused(english: None) -> None:
    with pytest.raises(ValidationError, match="give the amounts as one of belopp_per_ar"):
        Finansiar.model_validate(ROW)
