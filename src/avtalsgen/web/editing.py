"""Editing a case or meeting file through its form: the two kinds of file, the form's
context, and a save (merge, validate with the CLI's loader, write, keep the version)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from avtalsgen.i18n import N_, _
from avtalsgen.web import audit
from avtalsgen.web.config import WebConfig
from avtalsgen.web.forms import (
    FieldProblem,
    as_in_file,
    editor_schema,
    field_problems,
    normalise,
    references_in_words,
)
from avtalsgen.web.yamlfiles import (
    Conflict,
    check_text,
    load_round_trip,
    merged_into,
    plain,
    read_text,
    remember,
    safe_file,
    saving,
    sha256_text,
    text_by_hash,
    write_atomic,
)


def _load_case(path: Path) -> object:
    from avtalsgen.input.load import load_case

    return load_case(path)


def _load_meeting(path: Path) -> object:
    from avtalsgen.meetings.justering import load_meeting

    return load_meeting(path)


def _case_schema() -> dict[str, Any]:
    from avtalsgen.model import Arende
    from avtalsgen.model.schema import json_schema

    return json_schema(Arende)


def _meeting_schema() -> dict[str, Any]:
    from avtalsgen.model.meeting import Sammantrade
    from avtalsgen.model.schema import json_schema

    return json_schema(Sammantrade)


@dataclass(frozen=True)
class Kind:
    """A kind of file the app edits: case files or meeting files."""

    name: str
    base: str
    title: str
    """The file's kind in words (marked for translation: the page shows ``_(title)``)."""
    new_title: str
    permission: str
    folder: Callable[[WebConfig], Path]
    load: Callable[[Path], object]
    schema: Callable[[], dict[str, Any]]

    def key(self, stem: str) -> str:
        """The file's name in the version history."""
        return f"{self.name}/{stem}.yaml"


CASES = Kind(
    "arende", "/arenden", N_("Case"), N_("New case"), "edit_case",
    lambda config: config.cases, _load_case, _case_schema,
)  # fmt: skip
MEETINGS = Kind(
    "sammantrade", "/sammantraden", N_("Meeting"), N_("New meeting"), "edit_meeting",
    lambda config: config.meetings, _load_meeting, _meeting_schema,
)  # fmt: skip


def form_schema(kind_name: str) -> dict[str, Any]:
    """The editor schema of a kind, in the current language of messages (made once each)."""
    from avtalsgen.i18n import current_language

    return _form_schema(kind_name, current_language())


@cache
def _form_schema(kind_name: str, language: str) -> dict[str, Any]:
    kind = CASES if kind_name == CASES.name else MEETINGS
    return editor_schema(kind.schema())


def file_data(path: Path) -> tuple[dict[str, Any], str]:
    """A file's data as the form shows it, and its SHA-256."""
    import copy

    text = read_text(path)
    sha = sha256_text(text)
    # The round trip reads 2 to 3 ms a case; the form's data of a text is kept by its hash.
    data = _FORM_DATA.get(sha)
    if data is None:
        parsed = load_round_trip(text) if text.strip() else None
        found = plain(parsed) if parsed is not None else {}
        data = found if isinstance(found, dict) else {}
        if len(_FORM_DATA) >= 1000:
            _FORM_DATA.clear()
        _FORM_DATA[sha] = data
        if parsed is not None:
            if len(_ROUND_TRIPS) >= 64:
                _ROUND_TRIPS.clear()
            _ROUND_TRIPS[sha] = parsed
    return copy.deepcopy(data), sha


#: The form's data of each file text read, by the text's SHA-256.
_FORM_DATA: dict[str, dict[str, Any]] = {}
#: The round trip of a file's text that :func:`file_data` read for a form, by the text's
#: SHA-256, for the save that follows the form (see :func:`_round_trip`): taken once.
_ROUND_TRIPS: dict[str, Any] = {}


def _round_trip(text: str) -> Any:
    """ruamel.yaml's round trip of ``text`` to merge a save into (which changes it): the
    one the form's page read, if it has not been taken, else read now (about 9 ms of the
    save's 20 ms of CPU)."""
    kept = _ROUND_TRIPS.pop(sha256_text(text), None)
    return kept if kept is not None else load_round_trip(text)


@dataclass
class SaveOutcome:
    """What a save did: saved (with the new version), refused with the loader's problems,
    or refused because the file changed meanwhile."""

    saved: bool
    path: Path
    data: dict[str, Any]
    sha: str | None = None
    version: int | None = None
    problems: list[FieldProblem] | None = None
    conflict: Conflict | None = None
    loaded: object | None = None


def parse_form_data(raw: str, kind: Kind) -> dict[str, Any]:
    """The form's JSON, made plain; an empty mapping when it is not a JSON object."""
    try:
        data = json.loads(raw)
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    from avtalsgen.web.forms import in_schema_order

    schema = form_schema(kind.name)
    result = in_schema_order(normalise(data, schema), schema)
    return result if isinstance(result, dict) else {}


def _with_amounts(
    problems: list[FieldProblem], data: dict[str, Any], schema: dict[str, Any]
) -> list[FieldProblem]:
    """The loader's problems with the message at an amount that is no amount said for the
    form (the loader asks for plain digits; the form takes grouped ones too)."""
    from avtalsgen.web.forms import amount_problem, unread_amounts

    unread = unread_amounts(data, schema)
    return [
        dataclasses.replace(p, message=amount_problem(unread[p.field])) if p.field in unread else p
        for p in problems
    ]


def save_file(
    config: WebConfig,
    kind: Kind,
    stem: str,
    data: dict[str, Any],
    base_sha: str | None,
    user: str,
    *,
    new: bool = False,
    on_written: Callable[[Path], None] | None = None,
) -> SaveOutcome:
    """Merge ``data`` into the file, validate it with the CLI's loader and write it.
    ``on_written`` is given the file as soon as it is written, before the version is kept
    and the save recorded in the audit log (a preview's build starts then)."""
    path = safe_file(kind.folder(config), stem)
    key = kind.key(stem)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with saving(path, None if new else base_sha, config.database, key) as current:
            if current and not new:
                remember(config.database, key, current, None)
            # What the form only filled in stays as the file had it. The file is read once
            # (2 to 3 ms a case): its plain data is a copy, and the round trip is merged into.
            old = _round_trip(current) if current.strip() else None
            before = plain(old) if old is not None else None
            data = as_in_file(data, before, form_schema(kind.name))
            text = merged_into(old, data)
            loaded, problems = check_text(path, text, kind.load)
            if problems:
                found = _with_amounts(field_problems(problems), data, form_schema(kind.name))
                found = [_in_words(problem, config, kind) for problem in found]
                return SaveOutcome(False, path, data, base_sha, problems=found)
            clash = _same_dnr(path, loaded, before)
            if clash is not None:
                return SaveOutcome(False, path, data, base_sha, problems=[clash])
            write_atomic(path, text)
    except Conflict as conflict:
        # The form is shown again on the file as it is now, with the user's changes made
        # to it: saved again, it keeps the other's changes (the diff shows them).
        merged = _rebased(config, kind, key, data, base_sha, conflict.current_sha)
        return SaveOutcome(False, path, merged, conflict.current_sha or None, conflict=conflict)
    if on_written is not None:
        on_written(path)
    version = remember(config.database, key, text, user)
    dnr = getattr(getattr(loaded, "arende", None), "dnr", None)
    audit.record(
        config.database, user, "create" if new else "save", dnr=dnr,
        detail=f"{kind.key(stem)} version {version}", files=[path], root=config.cases,
    )  # fmt: skip
    return SaveOutcome(True, path, data, sha256_text(text), version=version, loaded=loaded)


def _same_dnr(path: Path, loaded: object, before: Any) -> FieldProblem | None:
    """The save of the case file at ``path`` (``loaded``; its data ``before`` it, None for a
    new file) refused at its Dnr when it would give it the Dnr of another case file of its
    folder: a copy saved with the original's Dnr left the original (maybe signed) refused
    by every command and page, as check, build and status refuse both. A file already
    sharing its Dnr on disk may still be saved with that Dnr (it is told on its page)."""
    dnr = getattr(getattr(loaded, "arende", None), "dnr", None)
    if dnr is None:
        return None
    was = before.get("dnr") if isinstance(before, dict) else None
    if isinstance(was, str) and was.strip() == str(dnr):
        return None
    from avtalsgen.input.duplicates import Namesakes

    other = Namesakes().other(path, str(dnr))
    if other is None:
        return None
    message = _(
        "{dnr} is already the Dnr of the case in {other}: give this case a Dnr of its own "
        "(a copy of a case is a new case, with its own Dnr)"
    ).format(dnr=dnr, other=other.name)
    return FieldProblem("root.dnr", "dnr", None, message)


def _in_words(problem: FieldProblem, config: WebConfig, kind: Kind) -> FieldProblem:
    """A loader's message as the form's user knows the files and fields it names: a file
    by its path below the cases folder, never the server's absolute path, a place in it by
    its line and the form's titles (``sammantraden/run.yaml, rad 11: Paragraf 1``), not the
    loader's ``paragrafer[0]``, and the form's own fields and values as the form shows them
    (:func:`avtalsgen.web.formwords.form_message`)."""
    from avtalsgen.web.serverpaths import shown_text

    meetings = config.meetings.resolve()

    def schema_of(name: str) -> dict[str, Any]:
        file = (config.cases / name).resolve()
        return form_schema(MEETINGS.name if file.parent == meetings else CASES.name)

    from avtalsgen.web.formwords import form_message

    schema = form_schema(kind.name)
    message = shown_text(problem.message, [config.cases, config.output]) or ""
    message = references_in_words(message, schema, schema_of)
    return dataclasses.replace(problem, message=form_message(message, problem.field, schema))


def _data_of(text: str | None) -> dict[str, Any] | None:
    if text is None:
        return None
    parsed = load_round_trip(text) if text.strip() else None
    found = plain(parsed) if parsed is not None else {}
    return found if isinstance(found, dict) else {}


def _rebased(
    config: WebConfig, kind: Kind, key: str, data: dict[str, Any], base_sha: str | None,
    current_sha: str,
) -> dict[str, Any]:  # fmt: skip
    """The form's data (``data``, based on the version ``base_sha``) made again on the file
    as it is now (``current_sha``): what the user changed from the version they opened, put
    into the current version (a three-way merge, field by field; a list as a whole); where
    both changed the same field, the user's value. Without the opened version (not kept) or
    the file (removed), the form's data as it is."""
    base = _data_of(text_by_hash(config.database, key, base_sha)) if base_sha else None
    now = _data_of(text_by_hash(config.database, key, current_sha)) if current_sha else None
    if base is None or now is None:
        return data
    mine = as_in_file(data, base, form_schema(kind.name))
    merged = _merge3(base, mine, now)
    return merged if isinstance(merged, dict) else data


def _merge3(base: Any, mine: Any, theirs: Any) -> Any:
    if mine == base:
        return theirs
    if theirs in (base, mine):
        return mine
    if isinstance(base, dict) and isinstance(mine, dict) and isinstance(theirs, dict):
        keys = list(theirs) + [k for k in mine if k not in theirs]
        out = {}
        for k in keys:
            value = _merge3(base.get(k), mine.get(k), theirs.get(k))
            if value is not None or k in mine or k in theirs:
                out[k] = value
        return out
    return mine
