"""The case files of a folder, told from a program file kept beside them without importing
the models where a file's keys tell it is no program file.

:func:`avtalsgen.input.kinds.case_files_in` tells each file's kind by its top-level keys,
from the file read with every limit of a case file and the models' fields: importing the
models and pydantic took about 0.3 s of CPU, more than an unchanged folder's rebuild did
besides. Here each file's top-level keys are read from its YAML events
(:mod:`avtalsgen.input.yamlevents`, as :mod:`avtalsgen.input.filednr` reads its Dnr) and
counted as :func:`~.kinds.kind_of` counts them, with the models' field names kept in
:data:`FIELDS` (a test holds them to the models). A file whose keys make it no program file
for certain is a case file, as the models would tell; any other (a program file, YAML that
libyaml refuses, anchors, aliases, tags, merge keys, keys given twice or that are not text)
is asked of the models as before.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from avtalsgen.errors import CaseError
from avtalsgen.input.limits import read_bytes

#: The top-level fields of each kind of file, by the model's name (``Arende``,
#: ``Sammantrade``, ``Program``): their ``model_fields``, as test_rebuild_startup checks.
FIELDS: Final[dict[str, frozenset[str]]] = {
    "Arende": frozenset(
        {
            "aktor", "avdelning", "avtal", "beslutspunkter", "bilagor",
            "budgetar_i_beslutsforslaget", "datum", "dnr", "exempel",
            "extern_utvardering_senast", "finansiering", "forsta_uppfoljning", "handlaggare",
            "namnd", "program", "protokollsutdrag_till", "syfte", "titel", "villkor",
        }
    ),
    "Sammantrade": frozenset(
        {
            "anslagsdatum", "arenden", "datum", "exempel", "justerare", "justeringsdatum",
            "namnd", "ordforande", "paragrafer", "plats", "sekreterare",
        }
    ),
    "Program": frozenset(
        {
            "avtal", "expediering", "finansiering", "namn", "protokoll", "publicering",
            "region", "strategier", "texter",
        }
    ),
}  # fmt: skip
#: The key that tells each kind best (:data:`avtalsgen.input.kinds._TELLING`).
TELLING: Final = {"Arende": "dnr", "Sammantrade": "paragrafer", "Program": "strategier"}
#: Every kind's fields.
_EVERY: Final = frozenset().union(*FIELDS.values())
#: The fields of each kind that no other kind has (:func:`avtalsgen.input.kinds._own_keys`).
OWN: Final = {
    kind: fields - frozenset().union(*(f for name, f in FIELDS.items() if name != kind))
    for kind, fields in FIELDS.items()
}


def case_files_in(folder: Path) -> list[Path]:
    """:func:`avtalsgen.input.kinds.case_files_in`: the ``*.yaml`` files directly in
    ``folder``, in order of their names, but a program file kept beside the cases."""
    found = sorted(path for path in folder.glob("*.yaml") if path.is_file())
    return [path for path in found if not _program(path)]


def _program(path: Path) -> bool:
    if _kind_by_keys(path) not in (None, "Program"):
        return False
    from avtalsgen.input.kinds import file_kind
    from avtalsgen.model import Program

    return file_kind(path) is Program


def _kind_by_keys(path: Path) -> str | None:
    """The kind the file's top-level keys tell, by the rule of
    :func:`avtalsgen.input.kinds.kind_of`: ``""`` for none, None where it cannot be told
    here (see the module)."""
    try:
        text = read_bytes(path).decode("utf-8-sig")
    except (CaseError, UnicodeDecodeError):
        return ""  # the models' reader refuses it too: no kind
    keys = _keys(text)
    if keys is None:
        return None
    top, inner = keys
    if len(top) == 1 and inner and not (isinstance(top[0], str) and top[0] in _EVERY):
        top = inner  # one key of its own wraps the file (input/wrapped.py)
    counts = {kind: sum(_weight(kind, key) for key in top) for kind in FIELDS}
    best = max(counts.values())
    found = [kind for kind, count in counts.items() if count == best]
    return found[0] if best >= 2 and len(found) == 1 else ""


def _weight(kind: str, key: object) -> int:
    if key == TELLING[kind]:
        return 2
    return 1 if isinstance(key, str) and key in OWN[kind] else 0


#: A key that is not text (a number, a boolean, null): it counts for no kind.
_NOT_TEXT: Final = object()


def _keys(text: str) -> tuple[list[object], list[object]] | None:
    """The keys of the file's top-level mapping and, where that has one key whose value is
    a mapping, the keys of that mapping (else empty); ``([], [])`` for a file that is not a
    mapping; None where the events leave the data's keys uncertain."""
    from avtalsgen.input.yamlevents import TooMany, events, pyyaml, string

    yaml = pyyaml()[0]
    top: list[object] = []
    inner: list[object] = []
    documents = 0
    try:
        for event, depth, is_key in events(text):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                return None
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    return None
            if getattr(event, "tag", None) is not None:
                return None  # a tag: the models' reader refuses it
            if not is_key:
                continue
            if not isinstance(event, yaml.ScalarEvent):
                return None  # a mapping or list as a key
            if event.value == "<<":
                return None  # a merge key (or one quoted like it)
            key = _NOT_TEXT if string(event) is None else event.value
            if depth == 1:
                top.append(key)
            elif depth == 2 and len(top) == 1:  # in the first top-level key's mapping
                inner.append(key)
    except (yaml.YAMLError, TooMany):
        return None
    if len(set(map(_hashable, top))) < len(top) or len(set(map(_hashable, inner))) < len(inner):
        return None  # a key given twice: the models' reader tells the problem
    if len(top) != 1:
        inner = []
    return top, inner


def _hashable(key: object) -> object:
    return key if isinstance(key, str) else id(key)
