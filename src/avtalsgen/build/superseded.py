"""Whether a signed packet still states the committee's decision.

A packet is made from the decision of its day (its manifest entry's ``beslut``: None while
the case is undecided, when the agreement shows the decision as ``[uppgift saknas]`` and
the proposal's amounts). A signed packet is never replaced: when the decision it was made
from is no longer the case's (a packet signed before the committee decided, then a "bifall
med ändring" with other amounts; a meeting file corrected since), the signed file states
facts that are not the decision's. It is *superseded*: a new packet is needed, which the
build makes beside it as the next version. ``avtalsgen status`` (from the case's decisions)
and ``avtalsgen verify`` (from the newer versions its manifest records) say so with
:func:`superseded`; the signed file itself stays as it is.

The same § can come to state other facts: the case's amounts, dates, parties or financing
edited after the packet was built (in the case file, or in the decision of its meeting
file). So each packet version's manifest entry records its *facts* (``fakta``): a digest of
every fact of the case its documents are made from, by the key the case file (or the
meeting file's decision) gives it, ``finansiering.finansiarer[0].belopp_per_ar``
(:func:`packet_facts`). A signed packet whose facts differ from the case's now is
superseded too, and the message names the keys that differ; a PDF's bytes are not
compared (they carry the build's dates and IDs).

The manifest goes with the packet, and a plain digest of a fact with few likely values (an
amount, a date, a name, a personal identity number) is recovered by trying them: it would
state the fact, and the manifest is to hold no personal data beyond names and titles. So
each digest is keyed (HMAC-SHA-256) with the output folder's own secret (:func:`facts_key`,
the file :data:`~avtalsgen.build.workspace.FACTS_KEY` beside the case folders, made by the
first build that records facts; it is in no manifest or packet), and the entry records
which secret (``fakta_nyckel``: an HMAC of a constant, which tells nothing of it). Where
that secret is not at hand (a case folder copied into another output folder without it)
the facts cannot be compared, and only the decision is. An entry recorded before, with
plain digests (no ``fakta_nyckel``), is compared with the case's facts digested the same
way, so that no packet is called superseded for the change of digest; the next build that
finds it the same as it would make it records its facts keyed.

The decision is compared for the packets that hold the agreement only (a tilläggsavtal's
packet follows the change it states, not the grant); the facts for every packet, the
tilläggsavtal's against its own change.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard

from avtalsgen.build.factkey import FactKey, facts_key
from avtalsgen.i18n import _, join_words, ngettext

if TYPE_CHECKING:
    from avtalsgen.build.nextbuild import NextBuild
    from avtalsgen.build.recorded import RecordedCase
    from avtalsgen.meetings.decisions import History

#: The facts of a packet by the tilläggsavtal it holds (0: the agreement) digested with the
#: secret whose id a manifest entry records (None: plain digests, as recorded before
#: digests were keyed): None when the case has no such change now, or that secret is not
#: at hand.
Facts = Callable[[int, "str | None"], "Mapping[str, str] | None"]

#: What names a decision in a manifest entry's ``beslut``: the same values, the same
#: decision (``rad``, the line in its meeting file, moves with any edit above it).
_DECISION_KEYS = ("utfall", "sammantrade", "datum", "paragraf")


def decision_record(history: History) -> dict[str, Any] | None:
    """The decision the case's agreement follows now, as a packet's manifest entry records
    it (``utfall``, ``sammantrade``, ``datum``, ``paragraf``); None while undecided."""
    decision = history.deciding or history.latest
    if decision is None or history.utfall is None:
        return None
    return {
        "utfall": history.utfall.value,
        "sammantrade": decision.meeting.path.name,
        "datum": decision.datum.isoformat(),
        "paragraf": decision.paragraf.paragraf,
    }


#: The keys of a tilläggsavtal's financing before and after its change, as its packet's
#: facts hold them (``efter.finansiering.period.slut``). An entry recorded before they were
#: digested (it holds none of them) is compared without them (:func:`changed_facts`).
_STATED = ("fore.finansiering", "efter.finansiering")

#: The case's keys of a tilläggsavtal's packet (and what starts them): the parties and
#: signatories, the Dnr, the agreement's date and the financing it changes (the rest of
#: the case is the agreement's, which it leaves as it is).
_TILLAGG_KEYS = ("dnr", "aktor.", "finansiering.", "avtal.datum", "avtal.undertecknare.")


def _leaves(value: object, path: str = "", *, legacy: bool = False) -> Iterator[tuple[str, object]]:
    """Every scalar of ``value`` (a model as JSON) with its key: ``aktor.namn``,
    ``finansiering.finansiarer[0].belopp_per_ar``; an empty list or table is one. A prose
    text (``syfte``) is one, at its own key: what the document prints of it
    (:func:`_printed`), not its source's line breaks; with ``legacy``, also the leaves of
    its blocks as avtalsgen recorded them before (:class:`_Legacy`)."""
    if _is_prose(value):
        yield path, _printed(value)
        if legacy:
            for key, item in _leaves(value["blocks"], f"{path}.blocks"):
                yield key, _Legacy(item)
    elif isinstance(value, dict) and value:
        for key, item in value.items():
            yield from _leaves(item, f"{path}.{key}" if path else str(key), legacy=legacy)
    elif isinstance(value, list) and value:
        for index, item in enumerate(value):
            yield from _leaves(item, f"{path}[{index}]", legacy=legacy)
    else:
        yield path, value


def _is_prose(value: object) -> TypeGuard[dict[str, Any]]:
    """Whether ``value`` is a prose text as JSON (:class:`avtalsgen.model.prose.Prose`)."""
    return isinstance(value, dict) and set(value) == {"source", "blocks"}


def _printed(prose: Mapping[str, Any]) -> list[object]:
    """What the documents print of a prose text: each block's kind and its runs of text by
    emphasis, white space folded (re-wrapping the source's lines changes none of it)."""
    printed: list[object] = []
    for block in prose["blocks"]:
        runs: list[list[object]] = []
        for span in block["spans"]:
            style = [bool(span.get("bold")), bool(span.get("italic"))]
            if runs and runs[-1][1:] == style:
                runs[-1][0] = f"{runs[-1][0]}{span['text']}"
            else:
                runs.append([span["text"], *style])
        printed.append([block["kind"], [[" ".join(str(r[0]).split()), *r[1:]] for r in runs]])
    return printed


@dataclass(frozen=True)
class _Legacy:
    """A leaf of a prose text's blocks, by the key an earlier avtalsgen recorded it at."""

    value: object


def digest(*values: object, key: FactKey | None = None) -> str:
    """The digest of ``values`` as a manifest records a fact: keyed with ``key``, or plain
    (as recorded before digests were keyed). An extract's record digests what it was made
    from so too (:mod:`avtalsgen.meetings.underlag`)."""
    text = json.dumps(values, ensure_ascii=False, sort_keys=True, default=str).encode()
    if key is None:
        return hashlib.sha256(text).hexdigest()[:16]
    return hmac.new(key.secret, text, hashlib.sha256).hexdigest()[:16]


#: The case's keys that no document prints: the actor's e-mail address, which only
#: ``expediera`` uses to address the actor's extract. An entry recorded before they were
#: left out holds them; they are compared on neither side (:func:`changed_facts`).
_UNPRINTED = frozenset({"aktor.epost"})


def printed(key: str) -> bool:
    """Whether a document may print the case's value at ``key`` (not one of
    :data:`_UNPRINTED`): what an extract's record digests of the case leaves those out too
    (:mod:`avtalsgen.meetings.underlag`)."""
    return key not in _UNPRINTED


def _is_fact(key: str) -> bool:
    """Whether a document states the value at ``key``: not where the program file or an
    attachment's file lies (their bytes are the manifest's ``inputs``, and a program
    edited for later agreements changes no signed one), nor a key no document prints
    (:data:`_UNPRINTED`)."""
    return (
        key != "program"
        and printed(key)
        and not (key.startswith("bilagor[") and key.endswith(".fil"))
    )


_ABSENT = {"": "absent"}  # a key one stage has and the other has not


def packet_facts(
    history: History, tillagg: int = 0, *, legacy: bool = False, key: FactKey | None = None
) -> dict[str, str] | None:
    """The facts of the packet that holds the agreement (``tillagg`` 0) or tilläggsavtal
    nr ``tillagg`` as the case ``history`` stands now, by key, each a digest of its value:
    what the manifest records of a packet (``fakta``) and :func:`superseded` compares.
    The agreement's packet holds the beslutsförslag (the proposal) and the agreement (the
    case as decided): a key's digest is of both values. A tilläggsavtal's: the parties,
    Dnr and financing as decided, its change (``tillagg.*``), and the financing it states
    before and after the change (``fore.finansiering.*``, ``efter.finansiering.*``: an
    earlier change or the decision's date alters them while the change record stays the
    same). None when the case has
    no tilläggsavtal nr ``tillagg`` now. With ``legacy``, each prose text's blocks too, as
    an earlier avtalsgen recorded them (compared with a packet it recorded so). Digested
    with ``key``, the output folder's secret (None: plain, as recorded before)."""
    if tillagg > len(history.changes):
        return None
    decided = dict(_leaves(history.decided.model_dump(mode="json"), legacy=legacy))
    if tillagg == 0:
        proposal = dict(_leaves(history.arende.model_dump(mode="json"), legacy=legacy))
        keys = [*proposal, *(key for key in decided if key not in proposal)]
        return {
            name: digest(_raw(proposal.get(name, _ABSENT)), _raw(decided.get(name, _ABSENT)),
                          key=key)
            for name in keys
            if _is_fact(name)
        }  # fmt: skip
    andring = history.changes[tillagg - 1].andring
    facts = {
        name: digest(_raw(value), key=key)
        for name, value in decided.items()
        if (name in _TILLAGG_KEYS or name.startswith(_TILLAGG_KEYS)) and _is_fact(name)
    }
    # What the tilläggsavtal states of the money: the financing before the change (its
    # "i stället för") and after it (its tables and payment plan), which earlier changes
    # and the decision's date shape besides the change itself.
    # The change's own keys first: a message names the first few keys that differ.
    stated = (
        ("tillagg", andring.tillagg.model_dump(mode="json")),
        (_STATED[0], andring.fore.model_dump(mode="json")),
        (_STATED[1], andring.efter.model_dump(mode="json")),
    )
    return facts | {
        name: digest(_raw(value), key=key)
        for prefix, dumped in stated
        for name, value in _leaves(dumped, prefix, legacy=legacy)
    }


def _raw(value: object) -> object:
    return value.value if isinstance(value, _Legacy) else value


#: The digests of a fact that is not given (null, an empty list or table, false): a key
#: that a packet's entry does not record and that the case leaves so now is a field the
#: models gained since (a newer avtalsgen), not a fact changed.
_EMPTY: tuple[object, ...] = (None, [], {}, False)


def _not_given(key: FactKey | None) -> frozenset[str]:
    """The digests, with ``key``, of a fact that is not given."""
    return frozenset(
        made for value in _EMPTY for made in (digest(value, key=key), digest(value, value, key=key))
    )


_NOT_GIVEN = _not_given(None)


class Digests(dict[str, str]):
    """A packet's facts digested with a key, with the digests of a fact not given with it."""

    def __init__(self, facts: Mapping[str, str], key: FactKey | None) -> None:
        super().__init__(facts)
        self.not_given = _not_given(key) if key is not None else _NOT_GIVEN


_BLOCKS = ".blocks["
_SOURCE = ".source"


def _prose_of(key: str) -> str | None:
    """The prose text whose source or block ``key`` is, as an earlier avtalsgen recorded
    it (``syfte.source``, ``syfte.blocks[0].spans[0].text``: ``syfte``)."""
    if _BLOCKS in key:
        return key[: key.index(_BLOCKS)]
    return key[: -len(_SOURCE)] if key.endswith(_SOURCE) else None


def _by_blocks(text: str, facts: Mapping[str, Any]) -> bool:
    """Whether ``facts`` hold the prose text ``text`` by its blocks' leaves."""
    return f"{text}{_BLOCKS}0].kind" in facts


def changed_facts(recorded: Mapping[str, Any], now: Mapping[str, str]) -> list[str]:
    """The keys whose facts differ between what a packet's entry ``recorded`` and ``now``
    (a key on one side only differs too, unless ``now`` leaves it not given), in the order
    of ``now`` (the case's order). A key no document prints (``aktor.epost``), which an
    entry recorded before may hold, is not compared.

    A prose text is one fact at its own key (``syfte``: what the documents print of it).
    A packet recorded before it was (by its ``source`` and its blocks' leaves) is compared
    by its blocks' leaves, which ``now`` holds when made with ``legacy``, never by its
    source, whose line breaks print nothing; a changed one is named by the text's key."""
    keys = [*now, *(key for key in recorded if key not in now)]
    not_given = now.not_given if isinstance(now, Digests) else _NOT_GIVEN
    changed: list[str] = []
    for key in keys:
        if key in _UNPRINTED:
            continue  # recorded before it was left out: no document states it
        text = _prose_of(key)
        name = key
        if text is not None and (_by_blocks(text, recorded) or _by_blocks(text, now)):
            if key.endswith(_SOURCE) or not (_by_blocks(text, recorded) and _by_blocks(text, now)):
                continue  # its source, or a side that holds the text at its own key
            name = text
        elif key not in recorded and _by_blocks(key, recorded):
            continue  # recorded by its blocks, compared by them
        elif key not in recorded and _recorded_before(key, recorded):
            continue  # recorded before the financing a tilläggsavtal states was digested
        if (
            recorded.get(key) != now.get(key)
            and not (key not in recorded and now.get(key) in not_given)
            and name not in changed
        ):
            changed.append(name)
    return changed


def _recorded_before(key: str, recorded: Mapping[str, Any]) -> bool:
    """Whether ``key`` is of the financing a tilläggsavtal states (:data:`_STATED`) and
    ``recorded``, an entry of a tilläggsavtal's packet, was made before those facts were
    digested (it holds none of them)."""
    prefixes = tuple(f"{prefix}." for prefix in _STATED)
    return key.startswith(prefixes) and not any(name.startswith(prefixes) for name in recorded)


def facts_now(history: History, key: FactKey | None = None) -> Facts:
    """The case's facts now by tilläggsavtal (see :func:`packet_facts`), digested with the
    secret an entry names (``key``, the output folder's; plain for an entry recorded
    before), each computed once when asked; None for an entry whose secret is not
    ``key``."""
    known: dict[tuple[int, str | None], Mapping[str, str] | None] = {}

    def facts(tillagg: int, key_id: str | None = None) -> Mapping[str, str] | None:
        if key_id is not None and (key is None or key.id != key_id):
            return None  # digested with a secret not at hand: cannot be compared
        if (tillagg, key_id) not in known:
            used = key if key_id is not None else None
            found = packet_facts(history, tillagg, legacy=True, key=used)
            known[tillagg, key_id] = Digests(found, used) if found is not None else None
        return known[tillagg, key_id]

    return facts


#: How many keys a message names before "and N more".
_NAMED = 6


def _fields(keys: Sequence[str]) -> str:
    shown = [f"'{key}'" for key in keys[:_NAMED]]
    if len(keys) > _NAMED:
        more = len(keys) - _NAMED
        shown.append(ngettext("{count} more", "{count} more", more).format(count=more))
    return join_words(shown)


@dataclass(frozen=True)
class Superseded:
    """A packet made from another decision than the case's now, or whose facts differ from
    the case's now."""

    file: str
    """The packet's file name."""
    made_from: Mapping[str, Any] | None
    """The decision it was made from (None: before the committee decided)."""
    decision: Mapping[str, Any] | None
    """The decision now (None: none, e.g. a meeting file that decided it was corrected)."""
    newer: str | None
    """The newest packet version made from the decision (and facts) now, if built."""
    changed: tuple[str, ...] = ()
    """The keys of the facts that differ from the case's now (empty: the decision does)."""
    signed: bool = True
    """Whether the packet is signed (an unsigned one is made anew by the next build)."""
    tillagg: int = 0
    """The tilläggsavtal the packet holds (0: the agreement)."""

    def reason(self) -> str:
        """What is wrong, without what to do (said beside it), in the language of
        messages."""
        if self.changed:
            return self._changed()
        said = _("{file} is superseded: it was {made} and {now}, so what it states is not the "
                 "decision")  # fmt: skip
        return said.format(file=self.file, made=self._made(), now=self._now())

    def _made(self) -> str:
        return (
            _("made before the committee decided")
            if self.made_from is None
            else _("made from {decision}").format(decision=_named(self.made_from))
        )

    def _now(self) -> str:
        return (
            _("the case has no decision now")
            if self.decision is None
            else _("the decision now is {decision}").format(decision=_named(self.decision))
        )

    def _changed(self) -> str:
        return ngettext(
            "{file} is superseded: the case's fact {fields} changed since it was built, so "
            "what it states is not the case's now",
            "{file} is superseded: the case's facts {fields} changed since it was built, so "
            "what it states is not the case's now",
            len(self.changed),
        ).format(file=self.file, fields=_fields(self.changed))

    def text(self) -> str:
        """What is wrong and what to do, in the language of messages."""
        if self.changed:
            return self._facts_text()
        if (leaves := self._leaves_no_agreement()) is not None:
            return f"{self.reason()}; {leaves}"
        if self.newer is not None:
            then = _("a new packet is needed: {newer}, made from the decision, is the one to "
                     "sign").format(newer=self.newer)  # fmt: skip
        elif not self.signed:
            then = _("build the case again and sign the packet it makes")
        else:
            then = _("a new packet is needed: build the case again (the signed file stays "
                     "as it is)")  # fmt: skip
        return f"{self.reason()}; {then}"

    def _leaves_no_agreement(self) -> str | None:
        """What to do when the decision now leaves no agreement to sign (an avslag, or a
        case sent back or postponed), none otherwise: the packet the build makes has no
        signature field, so nothing of it is to be signed (said before: "sign the packet it
        makes")."""
        from avtalsgen.model.decision import Utfall

        try:
            utfall = Utfall(str((self.decision or {}).get("utfall")))
        except ValueError:
            return None
        if utfall.granted:
            return None
        if self.newer is not None:
            if utfall.preparatory:
                return _("{newer}, made from the decision, is the case's packet now; it has "
                         "nothing to sign until the committee decides the case at a later "
                         "meeting").format(newer=self.newer)  # fmt: skip
            return _("{newer}, made from the decision, is the case's packet now; the "
                     "decision leaves no agreement, so nothing is to be signed").format(
                         newer=self.newer)  # fmt: skip
        if utfall.preparatory:
            return _("build the case again: the packet it makes has no signature field, as "
                     "nothing is to be signed until the committee decides the case at a later "
                     "meeting")  # fmt: skip
        return _("build the case again: the decision leaves no agreement, so the packet it "
                 "makes has no signature field and nothing is to be signed")  # fmt: skip

    def _facts_text(self) -> str:
        fields = _fields(self.changed)
        count = len(self.changed)
        if not self.signed:
            return ngettext(
                "{file} is out of date: the case's fact {fields} changed since it was built, "
                "so what it states is not the case's now; build the case again and sign the "
                "packet it makes",
                "{file} is out of date: the case's facts {fields} changed since it was built, "
                "so what it states is not the case's now; build the case again and sign the "
                "packet it makes",
                count,
            ).format(file=self.file, fields=fields)
        if self.newer is not None:
            then = _("{newer}, made from the case as it is now, is the one to sign").format(
                newer=self.newer
            )
        else:
            then = _("build the case again and have the new packet signed (the signed file "
                     "stays as it is)")  # fmt: skip
        said = self._changed()
        if self.tillagg:
            return _("{said}; a new packet is needed: {then}").format(said=said, then=then)
        return _(
            "{said}. If the agreement is to change from a date, put the case back as it was "
            "signed: the committee decides the change (tillagg in its meeting file) and the "
            "build makes a tilläggsavtal. If the signed packet was wrong, a new packet is "
            "needed: {then}"
        ).format(said=said, then=then)


def _named(decision: Mapping[str, Any]) -> str:
    """A decision in words: "§ 211 of the meeting of 2023-12-05 (bifall med ändring)"."""
    from avtalsgen.model.decision import UTFALL_TEXT, Utfall

    try:
        outcome = _(UTFALL_TEXT[Utfall(str(decision.get("utfall")))])
    except ValueError:
        outcome = str(decision.get("utfall"))
    return _("§ {paragraf} of the meeting of {datum} ({utfall})").format(
        paragraf=decision.get("paragraf"), datum=decision.get("datum"), utfall=outcome
    )


def _key(decision: object) -> tuple[str, ...] | None:
    if not isinstance(decision, Mapping):
        return None
    return tuple(str(decision.get(key)) for key in _DECISION_KEYS)


def _holds_agreement(entry: Mapping[str, Any]) -> bool:
    decision = entry.get("beslut")
    return not isinstance(decision, Mapping) or not decision.get("tillagg")


def _signed(entry: Mapping[str, Any]) -> bool:
    signatures = entry.get("signatures")
    return any(
        isinstance(s, Mapping) and s.get("signer")
        for s in (signatures if isinstance(signatures, list) else [])
    )


def packet_entries(manifest: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The manifest's entries of the packet versions, oldest first."""
    entries = manifest.get("packets")
    if not isinstance(entries, list):
        entries = [manifest.get("packet")]
    return [e for e in entries if isinstance(e, Mapping) and isinstance(e.get("file"), str)]


def _tillagg(entry: Mapping[str, Any]) -> int:
    """The tilläggsavtal a packet's entry holds (0: the agreement)."""
    decision = entry.get("beslut")
    number = decision.get("tillagg") if isinstance(decision, Mapping) else None
    return number if isinstance(number, int) and number > 0 else 0


#: The tilläggsavtal a packet's manifest entry holds (0: the agreement), for other modules.
packet_tillagg = _tillagg


def superseded(
    entries: Sequence[Mapping[str, Any]],
    file: str,
    decision: Mapping[str, Any] | None,
    *,
    signed_only: bool = True,
    facts: Facts | None = None,
) -> Superseded | None:
    """Whether the packet version ``file`` (of the manifest's ``entries``) is made from
    another decision than ``decision``, the case's now, or (with ``facts``, the case's
    facts now: see :func:`facts_now`) states other facts than the case's, and signed (any
    version with ``signed_only=False``: ``sign`` refuses to sign one); None if it is not,
    or is not recorded. A tilläggsavtal's packet is held to its facts only; an entry from
    before facts were recorded, to its decision only."""
    entry = next((e for e in entries if e.get("file") == file), None)
    if entry is None:
        return None
    signed = _signed(entry)
    if signed_only and not signed:
        return None
    made_from = entry.get("beslut")
    made = made_from if isinstance(made_from, Mapping) else None
    if _holds_agreement(entry) and _key(made_from) != _key(decision):
        newer = [
            e for e in entries
            if e is not entry and _holds_agreement(e) and _key(e.get("beslut")) == _key(decision)
            and _version(e) > _version(entry)
        ]  # fmt: skip
        return Superseded(file, made, decision, str(newer[-1]["file"]) if newer else None,
                          signed=signed)  # fmt: skip
    recorded = entry.get("fakta")
    number = _tillagg(entry)
    if facts is None or not isinstance(recorded, Mapping):
        return None
    now = facts(number, _key_id(entry))
    if now is None:
        return None
    changed = changed_facts(recorded, now)
    if not changed:
        return None

    def states_now(other: Mapping[str, Any]) -> bool:
        """Whether a packet version's entry records the case's facts now."""
        held, same = other.get("fakta"), facts(number, _key_id(other))
        return isinstance(held, Mapping) and same is not None and not changed_facts(held, same)

    newer = [
        e for e in entries
        if e is not entry and _tillagg(e) == number and _version(e) > _version(entry)
        and states_now(e)
    ]  # fmt: skip
    return Superseded(file, made, decision, str(newer[-1]["file"]) if newer else None,
                      tuple(changed), signed, number)  # fmt: skip


def superseded_by_newer(
    manifest: Mapping[str, Any],
    file: str,
    *,
    signed_only: bool = True,
    key: FactKey | None = None,
) -> Superseded | None:
    """:func:`superseded` of ``file`` against the decision and facts of the newest packet
    version the manifest records that holds the agreement (or the same tilläggsavtal):
    what ``verify`` and ``sign`` know of the case without its files. None when ``file``
    is that version. Facts are compared where both entries digested them alike; ``key``
    is the output folder's secret, if at hand."""
    entries = packet_entries(manifest)
    newest = [e for e in entries if _holds_agreement(e)]
    if not newest:
        return None
    decision = newest[-1].get("beslut")

    def facts(number: int, key_id: str | None = None) -> Mapping[str, str] | None:
        same = [e for e in entries if _tillagg(e) == number]
        recorded = same[-1].get("fakta") if same else None
        if not same or same[-1].get("file") == file or not isinstance(recorded, Mapping):
            return None
        if _key_id(same[-1]) != key_id:
            return None  # digested otherwise: not to be compared
        values = {str(name): str(value) for name, value in recorded.items()}
        return Digests(values, key if key is not None and key.id == key_id else None)

    return superseded(
        entries, file, decision if isinstance(decision, Mapping) else None,
        signed_only=signed_only, facts=facts,
    )  # fmt: skip


@dataclass(frozen=True)
class CaseNow:
    """What a packet is held to: the case's decision and facts now."""

    decision: Mapping[str, Any] | None
    facts: Facts

    @classmethod
    def of(cls, history: History, output_root: Path | None = None) -> CaseNow:
        """The case ``history`` as it stands now, its facts digested with the secret of
        the output folder ``output_root`` where there is one."""
        key = facts_key(output_root) if output_root is not None else None
        return cls(decision_record(history), facts_now(history, key))


def case_now(folder: Path) -> CaseNow | None:
    """The case whose output folder is ``folder`` as it stands now, read from the case
    file its build record names (and the meeting files beside it); None when there is no
    record, or the case cannot be read as it is (then only the manifest tells)."""
    from avtalsgen.build.recorded import recorded_history

    return _now(recorded_history(folder), folder.parent)


def _now(recorded: RecordedCase | None, output_root: Path) -> CaseNow | None:
    """:func:`case_now` of the case ``recorded`` (read once by the caller)."""
    if recorded is None or recorded.history.problems:
        return None
    return CaseNow.of(recorded.history, output_root)


def packet_superseded(packet: Path, *, signed_only: bool = True) -> Superseded | None:
    """Whether the packet version at ``packet`` (in its case's output folder) is made from
    another decision than the case's now, or states other facts (:func:`superseded`):
    against the case as its files say now when they can be read (:func:`case_now`), else
    against the newest version the manifest records (:func:`superseded_by_newer`). What
    ``verify``, ``sign`` and the web app's verification say."""
    from avtalsgen.build.recorded import recorded_history

    return _superseded_as(packet, recorded_history(packet.parent), signed_only=signed_only)


def packet_superseded_in(
    packet: Path,
    recorded: RecordedCase | None,
    now: CaseNow | None,
    *,
    signed_only: bool = True,
) -> Superseded | None:
    """:func:`packet_superseded` against the case ``recorded``, as
    :func:`avtalsgen.build.recorded.recorded_history` read it for the packet's folder, and
    ``now``, :func:`case_now_of` it: the web app keeps both by the files they are read from
    (the facts' digests are worked out once), and asks again when only the output folder
    changed (a build of the case)."""
    return _superseded_as(packet, recorded, signed_only=signed_only, now=now)


def case_now_of(recorded: RecordedCase | None, output_root: Path) -> CaseNow | None:
    """:func:`case_now` of the case ``recorded`` (read by the caller) in the output folder
    ``output_root``."""
    return _now(recorded, output_root)


def _superseded_as(
    packet: Path,
    recorded: RecordedCase | None,
    *,
    signed_only: bool,
    next_build: NextBuild | None = None,
    now: CaseNow | None = None,
) -> Superseded | None:
    """:func:`packet_superseded` against the case ``recorded`` (read once by the caller;
    ``now``: :func:`case_now_of` it, if the caller has it). Not the newest version, signed,
    when the next build would make the same packet (an edit no document states, a
    template saved again): the next build keeps it as signed and records the facts now as
    its, as ``status`` says (``next_build``: the caller's
    :class:`avtalsgen.build.nextbuild.NextBuild`, if it made one)."""
    from avtalsgen.build.manifest import read_manifest
    from avtalsgen.build.nextbuild import NextBuild

    manifest = read_manifest(packet.parent)
    if not any(entry.get("file") == packet.name for entry in packet_entries(manifest)):
        return None  # no packet version of the folder (an extract, a copy elsewhere)
    now = now or _now(recorded, packet.parent.parent)
    if now is None:
        return superseded_by_newer(manifest, packet.name, signed_only=signed_only,
                                   key=facts_key(packet.parent.parent))  # fmt: skip
    found = superseded(
        packet_entries(manifest), packet.name, now.decision, signed_only=signed_only,
        facts=now.facts,
    )  # fmt: skip
    if kept_as_signed(found, packet, lambda: next_build or NextBuild.of(packet.parent, recorded)):
        return None
    return found


def kept_as_signed(
    found: Superseded | None, packet: Path, next_build: Callable[[], NextBuild | None]
) -> bool:
    """Whether the packet version ``packet``, ``found`` superseded, is not after all: it
    is signed, only facts changed (:attr:`Superseded.changed`), and the next build keeps
    it as signed (:meth:`avtalsgen.build.nextbuild.NextBuild.keeps`) and records the facts
    now as its. ``next_build`` gives the case's next build, asked for only then."""
    if found is None or not found.changed or not found.signed:
        return False
    build = next_build()
    return build is not None and build.keeps(packet)


def refuse_unsignable(
    packet: Path,
    shown: Callable[[Path], str] = lambda path: path.name,
    *,
    output: Path | None = None,
    templates: Path | None = None,
    alone: bool = True,
) -> None:
    """Refuse, before any key is asked for, to sign a packet whose case the decision leaves
    without an agreement, one that is superseded, signed or not (made from another
    decision, or stating other facts, than the case's now), one whose decision's minutes
    are not yet justerade (:mod:`avtalsgen.build.justerad`), or a packet version whose
    case's documents are out of date (the next build makes it anew: the agreement's or a
    tilläggsavtal's, see :func:`avtalsgen.build.status.packet_out_of_date`), or a
    tilläggsavtal's packet without the extract of its decision
    (:mod:`avtalsgen.build.extractless`): what
    ``avtalsgen sign`` and the web app's signing both say. ``shown`` names a file in the
    message; ``output`` is the output folder as the reader named it, for the command to
    run first (None: no command, as the web app's pages say it); ``templates`` the folder
    a build would use (None: the last build's). ``alone``: the message ends "Nothing was
    signed." (not in a batch, whose line says the packet was passed by while others are
    signed)."""
    from dataclasses import replace

    from avtalsgen.build.extractless import extractless_message
    from avtalsgen.build.justerad import not_yet_message, pending_for
    from avtalsgen.build.nextbuild import NextBuild
    from avtalsgen.build.recorded import recorded_history
    from avtalsgen.build.status import out_of_date_for
    from avtalsgen.build.workspace import PACKET, parse_versioned
    from avtalsgen.errors import AvtalsgenError
    from avtalsgen.pdf.packet import check_signable

    check_signable(packet)
    recorded = recorded_history(packet.parent)  # read once for the three checks
    # What the next build does, asked once for the superseded and the out-of-date checks.
    next_build = NextBuild.of(packet.parent, recorded, templates)

    def refused(text: str) -> AvtalsgenError:
        if alone:
            text += " " + _("Nothing was signed.")
        return AvtalsgenError(text)

    found = _superseded_as(packet, recorded, signed_only=False, next_build=next_build)
    if found is not None:
        newer = shown(packet.parent / found.newer) if found.newer else None
        named = replace(found, file=shown(packet), newer=newer)
        raise refused(f"{named.text()}.")
    parsed = parse_versioned(packet.name)
    if parsed is None or parsed[0] != PACKET:
        return  # a protocol extract: its certification makes no packet anew
    pending = pending_for(packet, recorded)
    if pending is not None:
        raise refused(not_yet_message(shown(packet), pending))
    extractless = extractless_message(packet, recorded, shown)  # a tilläggsavtal alone
    if extractless is not None:
        raise refused(extractless)
    if next_build is None:
        return
    state = out_of_date_for(packet, recorded, output, next_build=next_build)
    if state is None:
        return
    raise refused(
        _(
            "{packet}: {state}: the next build makes a new version of the packet, and a "
            "signature on this one would have to be made again. Build first, then sign the "
            "packet the build makes."
        ).format(packet=shown(packet), state=state)
    )


def _key_id(entry: Mapping[str, Any]) -> str | None:
    """Which secret digested the facts an entry records (None: plain digests)."""
    found = entry.get("fakta_nyckel")
    return found if isinstance(found, str) else None


def _version(entry: Mapping[str, Any]) -> int:
    try:
        return int(str(entry.get("version", 1)))
    except ValueError:
        return 1


def upload_packet(output_root: Path, upload: Path) -> Path | None:
    """The packet version of a case's folder in the output folder ``output_root`` that the
    PDF ``upload`` (a copy, e.g. a file sent to the web app to verify) is a copy of: found
    by its title's Dnr and the first part of its trailer ``/ID``, which every signature
    since keeps; None when the file is no packet of the output folder."""
    from avtalsgen.build.workspace import Workspace
    from avtalsgen.documents.dnr import DNR_IN_TEXT
    from avtalsgen.pdf.signed import identity

    found = identity(upload)
    match = DNR_IN_TEXT.search(found.title) if found is not None else None
    if found is None or found.document_id is None or match is None:
        return None
    folder = Workspace(output_root).case(match.group())
    for version in reversed(folder.packet_versions()):
        known = identity(version)
        if known is not None and known.document_id == found.document_id:
            return version
    return None
