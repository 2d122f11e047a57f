"""A paragraph's decision about its case: the outcome, and the facts decided.

The beslutsförslag states the proposal and is never rewritten by a decision; a bifall med
ändring replaces the proposal's financing with the decided one for everything after the
decision (:func:`decided_case`).
"""

from __future__ import annotations

from avtalsgen.model import Arende
from avtalsgen.model.decision import Utfall
from avtalsgen.model.meeting import Paragraf


def _norm(text: str) -> str:
    return " ".join(text.split())


def points_amended(arende: Arende, paragraf: Paragraf) -> bool:
    """True when the paragraph's decision points differ from the case's (as written, with
    their placeholders)."""
    if paragraf.beslut is None:
        return False
    return [_norm(p) for p in paragraf.beslut] != [_norm(p) for p in arende.beslutspunkter]


def financing_changed(arende: Arende, paragraf: Paragraf) -> bool:
    """True when the paragraph decides another financing than the proposal's."""
    return paragraf.finansiering is not None and paragraf.finansiering != arende.finansiering


def utfall(arende: Arende, paragraf: Paragraf) -> Utfall:
    """What the paragraph decided about ``arende``: its ``utfall``, or bifall (with
    ändring when it changes the proposal)."""
    given = paragraf.utfall
    if given is not None and not given.granted:
        return given
    changed = (
        points_amended(arende, paragraf)
        or financing_changed(arende, paragraf)
        or paragraf.andring is not None
    )
    return Utfall.BIFALL_MED_ANDRING if changed else Utfall.BIFALL


def decided_case(arende: Arende, paragraf: Paragraf) -> Arende:
    """The case as decided: the decided financing in place of the proposal's where the
    paragraph changes it (a bifall med ändring); otherwise the case itself."""
    if paragraf.finansiering is None or not utfall(arende, paragraf).granted:
        return arende
    return arende.model_copy(update={"finansiering": paragraf.finansiering})
