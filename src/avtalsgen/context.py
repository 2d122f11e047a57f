"""What a template sees: the case, its program, and the texts with placeholders filled in."""

from __future__ import annotations

from dataclasses import dataclass, fields

from avtalsgen import format as fmt
from avtalsgen.load import LoadedCase
from avtalsgen.model import Arende, Program
from avtalsgen.model.prose import Block, BlockKind, Prose, Span, fill_placeholders

Paragraphs = tuple[Block, ...]


@dataclass(frozen=True)
class Texter:
    """The beslutsförslag's texts, ready to render, in the seed's order."""

    beslutspunkter: Paragraphs
    yttrande: Paragraphs
    sammanfattning: Paragraphs
    bakgrund: Paragraphs
    syfte: Paragraphs
    genomforande: Paragraphs
    plattformsuppgifter: Paragraphs
    forutsattningar: Paragraphs
    gap: Paragraphs
    gap_avslutning: Paragraphs
    villkor: Paragraphs
    protokollsutdrag_till: Paragraphs


@dataclass(frozen=True)
class Context:
    """Everything a template may use: ``arende``, ``program`` and ``text``."""

    arende: Arende
    program: Program
    text: Texter


def placeholder_values(arende: Arende) -> dict[str, str]:
    """The value of every placeholder for this case."""
    money = arende.finansiering
    period = money.period
    return {
        "aktor": arende.aktor.kort,
        "aktor_namn": arende.aktor.namn,
        "omrade": arende.aktor.omrade,
        "belopp_per_ar": fmt.kronor(money.belopp_per_ar),
        "totalt": fmt.kronor(money.summa),
        "kalla": money.kalla,
        "start": fmt.iso(period.start),
        "slut": fmt.iso(period.slut),
        "start_text": fmt.datum_text(period.start),
        "slut_text": fmt.datum_text(period.slut),
        "start_termin": fmt.termin(period.start),
        "forsta_uppfoljning": arende.forsta_uppfoljning,
        "extern_utvardering_senast": fmt.iso(arende.extern_utvardering_senast),
    }


def _prose(prose: Prose, values: dict[str, str]) -> Paragraphs:
    return tuple(
        Block(
            block.kind,
            tuple(Span(fill_placeholders(s.text, values), s.bold, s.italic) for s in block.spans),
        )
        for block in prose.blocks
    )


def _lines(lines: list[str], kind: BlockKind, values: dict[str, str]) -> Paragraphs:
    return tuple(Block(kind, (Span(fill_placeholders(line, values)),)) for line in lines)


def build_context(case: LoadedCase) -> Context:
    """Fill in every text of the case from its facts."""
    arende, texter = case.arende, case.program.texter
    values = placeholder_values(arende)
    shared = list(texter.villkor)
    villkor = [
        *shared[: texter.aktorsvillkor_efter],
        *arende.villkor,
        *shared[texter.aktorsvillkor_efter :],
    ]
    text = Texter(
        beslutspunkter=_lines(arende.beslutspunkter, BlockKind.NUMMER, values),
        yttrande=_prose(texter.yttrande, values),
        sammanfattning=_prose(texter.sammanfattning, values),
        bakgrund=_prose(texter.bakgrund, values),
        syfte=_prose(arende.syfte, values),
        genomforande=_prose(texter.genomforande, values),
        plattformsuppgifter=_lines(texter.plattformsuppgifter, BlockKind.PUNKT, values),
        forutsattningar=_prose(texter.forutsattningar, values),
        gap=_lines(texter.gap, BlockKind.NUMMER, values),
        gap_avslutning=_prose(texter.gap_avslutning, values),
        villkor=_lines(villkor, BlockKind.PUNKT, values),
        protokollsutdrag_till=_lines(arende.protokollsutdrag_till, BlockKind.STYCKE, values),
    )
    return Context(arende=arende, program=case.program, text=text)


def context_fields() -> list[str]:
    """Names of the top-level template variables."""
    return [f.name for f in fields(Context)]
