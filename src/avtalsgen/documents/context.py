"""What a template sees: the case, its program, the texts with placeholders filled in, and
the samarbetsavtal's clauses and payment schedule."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from avtalsgen.documents import format as fmt
from avtalsgen.documents.financing import Pengar, money_placeholders, view
from avtalsgen.input.load import LoadedCase
from avtalsgen.model import Adress, Arende, Finansiering, Program
from avtalsgen.model.agreement import (
    Val,
    agreement_date,
    agreement_financing,
    choose_clauses,
    extension_years_left,
    strategy,
)
from avtalsgen.model.money import Avtalsar, Berakning, compute_financing
from avtalsgen.model.program import Undertecknare
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
class Klausul:
    """A clause of the agreement as rendered: its number, heading, layout and text."""

    nummer: int
    id: str
    rubrik: str
    typ: str
    text: Paragraphs


@dataclass(frozen=True)
class Underskrift:
    """A signature block: the party and who signs for it, where."""

    part: str
    namn: str
    titel: str
    ort: str


@dataclass(frozen=True)
class Avtal:
    """The samarbetsavtal: title, numbered clauses, payment schedule and signatures."""

    rubrik: str
    datum: dt.date | None
    s3: str
    rus: str
    klausuler: tuple[Klausul, ...]
    betalningsplan: tuple[Avtalsar, ...]
    """The region's share per avtalsår of the financing decided."""
    finansiering: Pengar
    """The financing decided, which the agreement follows (the proposal's until a decision
    changes it)."""
    underskrifter: tuple[Underskrift, ...]


@dataclass(frozen=True)
class DecisionRef:
    """The committee's decision as the documents cite it: its date and §, from the meeting
    file that decided the case (None while undecided)."""

    datum: dt.date | None = None
    paragraf: int | None = None


@dataclass(frozen=True)
class Context:
    """Everything a template may use: ``arende``, ``program``, ``text``, ``finansiering``
    (as proposed, for the beslutsförslag) and ``avtal`` (with the financing decided)."""

    arende: Arende
    program: Program
    text: Texter
    finansiering: Pengar
    """The financing as proposed: what the beslutsförslag states."""
    avtal: Avtal
    beslut: DecisionRef
    sekretess: str = ""
    """The secrecy marking of the paragraphs under sekretess whose facts the document
    states (:meth:`avtalsgen.meetings.decisions.History.sekretess`), on every page and at
    the top of the body, as the extract has it; empty when none is secret."""


def _address(adress: Adress | None) -> str:
    if adress is None:
        return fmt.MISSING
    return f"{adress.utdelningsadress}, {adress.postnummer} {adress.ort}"


def _numbers(arende: Arende, program: Program) -> dict[str, int]:
    chosen = [val for val in choose_clauses(arende, program) if val.med]
    return {val.id: number for number, val in enumerate(chosen, 1)}


def figures(money: Finansiering, program: Program) -> Berakning:
    """Every figure of a financing under the program's rules."""
    return compute_financing(money, program.finansiering)


def placeholder_values(
    arende: Arende,
    program: Program,
    money: Finansiering | None = None,
    beslut: DecisionRef | None = None,
) -> dict[str, str]:
    """The value of every placeholder (and ``punkt:id`` reference) for this case; the money
    placeholders from ``money`` (by default the case's financing, as proposed), the
    decision's date and § from ``beslut`` (unknown without it)."""
    money = arende.finansiering if money is None else money
    beslut = beslut or DecisionRef()
    period = money.period
    region = program.region
    on = agreement_date(arende)
    extension = program.avtal.forlangning
    values = {
        "aktor": arende.aktor.kort,
        "aktor_namn": arende.aktor.namn,
        "omrade": arende.aktor.omrade,
        **money_placeholders(figures(money, program)),
        "start": fmt.iso(period.start),
        "slut": fmt.iso(period.slut),
        "start_text": fmt.datum_text(period.start),
        "slut_text": fmt.datum_text(period.slut),
        "start_termin": fmt.termin(period.start),
        "forsta_uppfoljning": arende.forsta_uppfoljning,
        "extern_utvardering_senast": fmt.iso(arende.extern_utvardering_senast),
        "extern_utvardering_senast_text": fmt.datum_text(arende.extern_utvardering_senast),
        "dnr": arende.dnr,
        "namnd": arende.namnd,
        "program": program.namn,
        "region": region.namn,
        "region_orgnr": fmt.ifylls(region.organisationsnummer),
        "region_adress": _address(region.adress),
        "aktor_orgnr": fmt.ifylls(arende.aktor.organisationsnummer),
        "aktor_adress": _address(arende.aktor.adress),
        "antal_ar": fmt.number(period.ar),
        "tidslangd": fmt.tidslangd(period.manader),
        "beslut_datum": fmt.datum_text(beslut.datum),
        "beslut_paragraf": fmt.ifylls(_str(beslut.paragraf)),
        "s3": strategy(program, "S3", on).namn,
        "rus": strategy(program, "RUS", on).namn,
        "forlangning_ar": str(extension.ar_per_period) if extension else fmt.MISSING,
        "max_ar": str(extension.max_ar) if extension else fmt.MISSING,
        "forlangning_kvar": (
            str(extension_years_left(period.manader, extension)) if extension else fmt.MISSING
        ),
        "langsta_avtalstid": (
            fmt.ar_och_manader(
                period.manader + 12 * extension_years_left(period.manader, extension)
            )
            if extension
            else fmt.MISSING
        ),
    }
    for clause_id, number in _numbers(arende, program).items():
        values[f"punkt:{clause_id}"] = f"punkt {number}"
    return values


def _str(value: int | None) -> str | None:
    return None if value is None else str(value)


def _prose(prose: Prose | None, values: dict[str, str]) -> Paragraphs:
    if prose is None:
        return ()
    return tuple(
        Block(
            block.kind,
            tuple(Span(fill_placeholders(s.text, values), s.bold, s.italic) for s in block.spans),
        )
        for block in prose.blocks
    )


def _lines(lines: list[str], kind: BlockKind, values: dict[str, str]) -> Paragraphs:
    return tuple(Block(kind, (Span(fill_placeholders(line, values)),)) for line in lines)


#: The name line of a signatory named by the office (Undertecknare.by_role).
BY_SIGNATURE = "Namnförtydligande: enligt den elektroniska underskriften"


def signature(part: str, signer: Undertecknare) -> Underskrift:
    """The signature block of ``part`` (a party's name), signed by ``signer``."""
    # The name and title stand alone under the signature: while unknown, their lines say
    # what is missing (and so does the list of unknown facts before signing). An office
    # given as the name (no person named ahead) is the title; the name is the electronic
    # signature's.
    return Underskrift(
        part=part,
        namn=BY_SIGNATURE if signer.by_role else fmt.ifylls(signer.namn, "Namnförtydligande"),
        titel=fmt.ifylls(signer.titel, "Befattning"),
        ort=fmt.ifylls(signer.ort),
    )


def cofinancing_clause(program: Program, chosen: list[Val]) -> str | None:
    """The id of the clause that states the co-financiers' conditions: the program's clause
    on co-financing (``villkor: medfinansiering``), else the clause on the financing."""
    cofinancing = {k.id for k in program.avtal.klausuler if k.villkor == "medfinansiering"}
    for kinds in (cofinancing, {val.id for val in chosen if val.typ == "finansiering"}):
        for val in chosen:
            if val.id in kinds:
                return val.id
    return None


def _cofinancing_conditions(
    money: Finansiering, program: Program, chosen: list[Val], values: dict[str, str]
) -> dict[str, Paragraphs]:
    """The co-financiers' conditions (``villkor``) as a paragraph after the text of the
    clause that states them: the agreement follows the decision that set them."""
    conditions = [
        fill_placeholders(row.villkor, values).strip().rstrip(".")
        for row in money.medfinansiarer
        if row.villkor is not None
    ]
    where = cofinancing_clause(program, chosen)
    if not conditions or where is None:
        return {}
    text = f"Regionens finansiering lämnas även under förutsättning att {fmt.och(conditions)}."
    return {where: (Block(BlockKind.STYCKE, (Span(text),)),)}


def _own_conditions(
    arende: Arende, program: Program, chosen: list[Val], values: dict[str, str]
) -> dict[str, Paragraphs]:
    """The case's own conditions (``villkor``), as decided, as bullets after the text of the
    program's clause on them (``villkor: aktorsvillkor``): the agreement binds the actor to
    what the committee decided."""
    own = {k.id for k in program.avtal.klausuler if k.villkor == "aktorsvillkor"}
    for val in chosen:
        if val.id in own:
            return {val.id: _lines(arende.villkor, BlockKind.PUNKT, values)}
    return {}


def build_agreement(
    arende: Arende,
    program: Program,
    proposal_values: dict[str, str] | None = None,
    beslut: DecisionRef | None = None,
) -> Avtal:
    """The agreement's clauses, numbered in order and filled in from the financing decided
    and the decision's date and § (``beslut``), with its schedule and payment plan
    (``proposal_values``: the placeholders of ``arende`` with that decision, used as they
    are while the decided financing is the case's own)."""
    money = agreement_financing(arende)
    if proposal_values is not None and money is arende.finansiering:
        values = proposal_values
    else:
        values = placeholder_values(arende, program, money, beslut)
    computed = figures(money, program)
    chosen = [val for val in choose_clauses(arende, program) if val.med]
    conditions = _cofinancing_conditions(money, program, chosen, values)
    conditions.update(_own_conditions(arende, program, chosen, values))
    on = agreement_date(arende)
    return Avtal(
        rubrik=program.avtal.rubrik,
        datum=arende.avtal.datum,
        s3=strategy(program, "S3", on).namn,
        rus=strategy(program, "RUS", on).namn,
        klausuler=tuple(
            Klausul(
                number,
                val.id,
                val.rubrik,
                val.typ,
                _prose(val.text, values) + conditions.get(val.id, ()),
            )
            for number, val in enumerate(chosen, 1)
        ),
        betalningsplan=computed.avtalsar,
        finansiering=view(computed),
        underskrifter=(
            signature(program.region.namn, program.avtal.undertecknare),
            signature(arende.aktor.namn, arende.avtal.undertecknare),
        ),
    )


def build_context(
    case: LoadedCase, arende: Arende | None = None, beslut: DecisionRef | None = None
) -> Context:
    """Fill in every text of the case from its facts: the case's own (the proposal), or
    ``arende`` (the case as decided) and the decision's date and § (``beslut``)."""
    arende, program = arende or case.arende, case.program
    texter = program.texter
    values = placeholder_values(arende, program, beslut=beslut)
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
    avtal = build_agreement(arende, program, values, beslut)
    proposed = view(figures(arende.finansiering, program))
    return Context(
        arende=arende,
        program=program,
        text=text,
        finansiering=proposed,
        avtal=avtal,
        beslut=beslut or DecisionRef(),
    )
