"""Sammanträden: the list of meetings, the dates computed as the secretary types, extracts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.concurrency import sync_to_thread
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException
from litestar.params import Body
from litestar.response import File, Redirect, Template

from avtalsgen.i18n import _
from avtalsgen.web.pages import config_of, needs, output_path, page, runner_of, user_of, yaml_file
from avtalsgen.web.signing import default_level, level_context, level_problem, sign_at_level
from avtalsgen.web.yamlfiles import list_files

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


@get("/sammantraden", guards=[needs("read")], sync_to_thread=True)
def meeting_list(request: Request[Any, Any, Any]) -> Template:
    """Every meeting file, with its date and paragraphs where it is valid."""
    from avtalsgen.errors import CaseError
    from avtalsgen.input.load import validate_file
    from avtalsgen.model.meeting import Sammantrade

    rows = []
    for path in list_files(config_of(request).meetings):
        try:
            meeting, problems = validate_file(Sammantrade, path)
        except CaseError as exc:
            meeting, problems = None, exc.problems
        rows.append({"stem": path.stem, "meeting": meeting, "problems": problems})
    return page(request, "meetings.html", rows=rows)


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


def computed_dates(datum: str, justeringsdatum: str, anslagsdatum: str) -> dict[str, Any]:
    """The dates the meeting rules give from what has been typed so far (the library's own
    rules: :mod:`avtalsgen.model.meeting`)."""
    from avtalsgen.model.meeting import (
        JUSTERING_DAGAR,
        senaste_anslagsdatum,
        sista_dag_for_overklagande,
    )

    meeting, justering, anslag = _date(datum), _date(justeringsdatum), _date(anslagsdatum)
    result: dict[str, Any] = {}
    if meeting:
        result["justering_senast"] = meeting + dt.timedelta(days=JUSTERING_DAGAR)
        if justering and not meeting <= justering <= result["justering_senast"]:
            result["justering_fel"] = True
    if justering:
        # The second day after it, or the next weekday (as the loader checks it).
        result["anslag_senast"] = senaste_anslagsdatum(justering)
        if anslag and not justering <= anslag <= result["anslag_senast"]:
            result["anslag_fel"] = True
    if anslag:
        result["sista_dag"] = sista_dag_for_overklagande(anslag)
        result["anslag_till"] = result["sista_dag"]
    return result


@get("/sammantraden/datum", guards=[needs("read")], sync_to_thread=False)
def dates(
    request: Request[Any, Any, Any],
    datum: str = "",
    justeringsdatum: str = "",
    anslagsdatum: str = "",
) -> Template:
    """The computed dates, as a fragment the meeting form shows as the secretary types."""
    return page(request, "meeting_dates.html",
                dates=computed_dates(datum, justeringsdatum, anslagsdatum))  # fmt: skip


def _paragraph(data: dict[str, str]) -> int | None:
    paragraf = data.get("paragraf", "").strip()
    return int(paragraf) if paragraf.isdigit() else None


def paragraph_problem(path: Path, given: str) -> tuple[int | None, str | None]:
    """The § a step on the meeting file at ``path`` was asked for (None: every paragraph),
    or why it cannot run: the field holds no number, or a § the meeting does not have (by
    the meeting file's line and field, as the step itself would say once started)."""
    from avtalsgen.errors import AvtalsgenError
    from avtalsgen.meetings.extract import chosen_paragraphs
    from avtalsgen.meetings.justering import load_meeting

    value = given.strip().removeprefix("§").strip()
    if not value:
        return None, None
    if not (value.isascii() and value.isdigit()):
        return None, _(
            "'{value}' is not a paragraph number: write the number alone, e.g. 212, or leave "
            "the field empty for every paragraph not under secrecy"
        ).format(value=given.strip())
    number = int(value)
    try:
        chosen_paragraphs(load_meeting(path), number)
    except AvtalsgenError as exc:
        # The meeting file as the office knows it: relative to the cases folder, its place
        # by line and the form's title of the field, as a refused save names it.
        from avtalsgen.web.editing import MEETINGS, form_schema
        from avtalsgen.web.forms import references_in_words

        message = exc.message
        for folder in {path.parent.parent, path.parent.parent.resolve()}:
            message = message.replace(f"{folder}/", "")
        schema = form_schema(MEETINGS.name)
        return number, references_in_words(message, schema, lambda _file: schema)
    return number, None


def _refused_step(
    request: Request[Any, Any, Any], stem: str, step: str, given: str, message: str
) -> Template:
    """The meeting's page again with why the step was not started, at its § field."""
    from avtalsgen.web.editing import MEETINGS
    from avtalsgen.web.routes.editor import file_page

    error = {"step": step, "value": given, "message": message}
    return file_page(request, MEETINGS, stem, step_error=error, status_code=422)


def _submit(request: Request[Any, Any, Any], stem: str, kind: str, **args: Any) -> Redirect:
    """Run ``kind`` on the meeting ``stem`` in the worker; the page follows the run."""
    config = config_of(request)
    path = yaml_file(config_of(request).meetings, stem)
    job = runner_of(request).submit(
        kind, user_of(request).name, [stem],
        meeting=str(path), output=str(config.output), templates=str(config.templates), **args,
    )  # fmt: skip
    return Redirect(path=f"/korning/{job.id}", status_code=303)


def _paragraph_step(
    request: Request[Any, Any, Any], stem: str, kind: str, data: dict[str, str]
) -> Redirect | Template:
    """Run ``kind`` for the § asked for (or every one), once the meeting is known to have
    it: a § it does not have is refused here, before any run starts."""
    given = data.get("paragraf", "")
    path = yaml_file(config_of(request).meetings, stem)
    number, problem = paragraph_problem(path, given)
    if problem is not None:
        return _refused_step(request, stem, kind, given, problem)
    return _submit(request, stem, kind, paragraf=number)


@post("/sammantraden/{stem:str}/utdrag", guards=[needs("extract")], sync_to_thread=True)
def make_extracts(request: Request[Any, Any, Any], stem: str, data: Form) -> Redirect | Template:
    """Make the meeting's protocol extracts (all, or one §) in the worker."""
    return _paragraph_step(request, stem, "utdrag", data)


@post("/sammantraden/{stem:str}/anslag", guards=[needs("extract")], sync_to_thread=True)
def make_anslag(request: Request[Any, Any, Any], stem: str, data: Form) -> Redirect:
    """Make the meeting's notice of justering (anslag) for the digital anslagstavla (or, with
    ``omedelbart``, only the notices of omedelbart justerade paragraphs)."""
    return _submit(request, stem, "anslag", omedelbart=data.get("omedelbart") == "ja")


@post("/sammantraden/{stem:str}/expediering", guards=[needs("extract")], sync_to_thread=True)
def make_emails(request: Request[Any, Any, Any], stem: str, data: Form) -> Redirect | Template:
    """Make the e-mails of the expediering (nothing is sent) for all paragraphs, or one;
    refused at the § field, before any run starts, while an extract it needs is not made or
    not certified (the run would stop there, naming the command line's command)."""
    given = data.get("paragraf", "")
    path = yaml_file(config_of(request).meetings, stem)
    number, problem = paragraph_problem(path, given)
    if problem is None:
        problem = uncertified_problem(meeting_extracts(config_of(request), path), number)
    if problem is not None:
        return _refused_step(request, stem, "expediera", given, problem)
    return _submit(request, stem, "expediera", paragraf=number)


def uncertified_problem(rows: list[dict[str, Any]], number: int | None) -> str | None:
    """Why the expediering of § ``number`` (None: every paragraph not under secrecy) of a
    meeting whose extracts are ``rows`` (:func:`meeting_extracts`) cannot be made yet, in
    the page's words: an extract not made, or not certified; None when it can."""
    from avtalsgen.i18n import join_words, ngettext

    chosen = [r for r in rows if (r["paragraf"] == number if number is not None
                                  else not r["sekretess"])]  # fmt: skip
    named = [f"§ {r['paragraf']} ({r['dnr']})" for r in chosen]
    missing = [name for name, r in zip(named, chosen, strict=True) if not r["fil"]]
    if missing:
        return ngettext(
            "{paragraphs} has no protokollsutdrag yet: make it (Make protokollsutdrag) and "
            "certify it first, or give the number of a paragraph whose extract is certified",
            "{paragraphs} have no protokollsutdrag yet: make them (Make protokollsutdrag) and "
            "certify them first, or give the number of a paragraph whose extract is certified",
            len(missing),
        ).format(paragraphs=join_words(missing))
    uncertified = [name for name, r in zip(named, chosen, strict=True) if not r["bestyrkt"]]
    if uncertified:
        return ngettext(
            "the protokollsutdrag of {paragraphs} is not certified yet: certify it first "
            "(Certify in the table of the paragraphs' protokollsutdrag), or give the number of "
            "a paragraph whose extract is certified",
            "the protokollsutdrag of {paragraphs} are not certified yet: certify them first "
            "(Certify in the table of the paragraphs' protokollsutdrag), or give the number of "
            "a paragraph whose extract is certified",
            len(uncertified),
        ).format(paragraphs=join_words(uncertified))
    return None


@post("/sammantraden/{stem:str}/publicering", guards=[needs("extract")], sync_to_thread=True)
def make_renditions(request: Request[Any, Any, Any], stem: str, data: Form) -> Redirect:
    """Make the publishable renditions of the meeting's extracts and beslutsförslag."""
    return _submit(request, stem, "publicera")


@get("/utdata/{name:path}", guards=[needs("read")], sync_to_thread=True)
def output_any(request: Request[Any, Any, Any], name: str, ladda: bool = False) -> File:
    """A file the secretary's steps wrote in the output folder (a meeting's folder, the web
    renditions), by its path in that folder; PDFs and pages open in the browser unless
    ``ladda``."""
    path = output_path(config_of(request), name)
    inline = path.suffix in (".pdf", ".html") and not ladda
    return File(path=path, filename=path.name,
                content_disposition_type="inline" if inline else "attachment")  # fmt: skip


def meeting_extracts(config: Any, path: Path) -> list[dict[str, Any]]:
    """Each paragraph of the meeting file with the newest version of its protocol extract
    (its path in the output folder) and whether the extract is certified (its field
    utdragsbestyrkande signed); an empty list for a meeting file that is not valid."""
    from avtalsgen.build.workspace import Workspace
    from avtalsgen.errors import CaseError
    from avtalsgen.input.load import validate_file
    from avtalsgen.meetings.extract import SIGNATURE_FIELD
    from avtalsgen.model.meeting import Sammantrade
    from avtalsgen.pdf.signed import signed_fields
    from avtalsgen.signing.certifier import signed_certification_problem

    try:
        meeting, _problems = validate_file(Sammantrade, path)
    except CaseError:
        return []
    if meeting is None:
        return []
    workspace = Workspace(config.output)
    rows = []
    for paragraf in meeting.paragrafer:
        folder = workspace.case(paragraf.dnr)
        found = [
            (version, pdf)
            for number, version, pdf in (folder.extract_pdfs() if folder.path.is_dir() else [])
            if number == paragraf.paragraf
        ]
        pdf = max(found)[1] if found else None
        signed = bool(pdf and signed_fields(pdf).get(SIGNATURE_FIELD, False))
        wrong = signed_certification_problem(pdf) if pdf and signed else None
        rows.append({
            "paragraf": paragraf.paragraf, "dnr": paragraf.dnr,
            "sekretess": paragraf.sekretess is not None,
            "fil": pdf.relative_to(config.output).as_posix() if pdf else None,
            "path": pdf,
            "bestyrkt": signed and wrong is None, "bestyrkt_fel": wrong,
        })  # fmt: skip
    return rows


def _certifiable(
    request: Request[Any, Any, Any], stem: str, number: int | None
) -> tuple[dict[str, Any] | None, str | None]:
    """The paragraph ``number``'s row of :func:`meeting_extracts`, and why its newest
    extract cannot be certified, if it cannot."""
    config = config_of(request)
    path = yaml_file(config_of(request).meetings, stem)
    row = next((r for r in meeting_extracts(config, path) if r["paragraf"] == number), None)
    if row is None or row["path"] is None:
        return row, _("The paragraph has no protokollsutdrag yet: make it first.")
    if row["bestyrkt"]:
        return row, _("The extract is already certified.")
    if row["bestyrkt_fel"]:
        return row, _(
            "The extract is certified with a key that may not certify it: {why}. It counts as "
            "not certified, and its field cannot be signed again: a new version of the "
            "extract is needed"
        ).format(why=row["bestyrkt_fel"])
    return row, None


def _certify_page(
    request: Request[Any, Any, Any],
    stem: str,
    row: dict[str, Any],
    level: str,
    error: str | None = None,
) -> Template:
    return page(request, "certify.html", stem=stem, row=row,
                **level_context(config_of(request), level, error),
                status_code=200 if error is None else 422)  # fmt: skip


@get("/sammantraden/{stem:str}/bestyrk", guards=[needs("extract")])
async def certify_form(request: Request[Any, Any, Any], stem: str, paragraf: str = "") -> Template:
    """The choice of level before the newest extract of one paragraph is certified (the
    extracts are read in a thread, as the editor's pages do: declared sync_to_thread=True,
    this handler returned an unawaited coroutine in this app)."""
    return await sync_to_thread(_certify_form, request, stem, paragraf)


def _certify_form(request: Request[Any, Any, Any], stem: str, paragraf: str) -> Template:
    row, error = _certifiable(request, stem, _paragraph({"paragraf": paragraf}))
    if row is None:
        raise NotFoundException()
    if error is not None:
        return page(request, "certified.html", stem=stem, row=row, report=None, error=error,
                    status_code=422)  # fmt: skip
    return _certify_page(request, stem, row, default_level(config_of(request)))


@post("/sammantraden/{stem:str}/bestyrk", guards=[needs("extract")], sync_to_thread=True)
def certify(request: Request[Any, Any, Any], stem: str, data: Form) -> Template:
    """Certify (sign the field utdragsbestyrkande of) the newest extract of one paragraph
    with the server's key at the PAdES level chosen, as ``avtalsgen sign EXTRACT --field
    utdragsbestyrkande --niva`` does: the region's seal when configured, else the DEMO key
    (the report says so); a level the server cannot reach is refused at its field."""
    from avtalsgen.build.workspace import Workspace
    from avtalsgen.errors import AvtalsgenError
    from avtalsgen.meetings.extract import SIGNATURE_FIELD
    from avtalsgen.signing.keys import DEFAULT_ROLES
    from avtalsgen.web import audit

    config = config_of(request)
    number = _paragraph(data)
    row, error = _certifiable(request, stem, number)
    level = data.get("niva") or default_level(config)
    report = None
    if row is not None and error is None:
        if (problem := level_problem(config, level)) is not None:
            # Refused at the level's field; nothing is signed.
            return _certify_page(request, stem, row, level, problem)
        extract: Path = row["path"]
        role = DEFAULT_ROLES[SIGNATURE_FIELD]
        try:
            with Workspace(config.output).session("sign") as run:
                report = sign_at_level(config, extract, SIGNATURE_FIELD, role, level, run.staging)
            audit.record(config.database, user_of(request).name, "sign", dnr=row["dnr"],
                         detail=f"{SIGNATURE_FIELD} § {number}, {level}", files=[extract],
                         root=config.output)  # fmt: skip
        except AvtalsgenError as exc:
            from avtalsgen.web.serverpaths import shown_text

            error, failure = shown_text(exc.message, [config.output, config.cases]), exc
            # The reason in each reader's words (the record's, Swedish, whoever signed).
            audit.record(
                config.database, user_of(request).name, "sign", dnr=row["dnr"],
                detail=audit.texts(lambda: _("{field} § {number}, {level} failed: {reason}").format(
                    field=SIGNATURE_FIELD, number=number, level=level, reason=failure.text()
                )),
            )  # fmt: skip
    # In the browser's history as the meeting's steps: a reload asks for them, not to send
    # the form again (app.js).
    return page(request, "certified.html", stem=stem, row=row, report=report, error=error,
                history=f"/sammantraden/{stem}#efter-rubrik",
                status_code=200 if error is None else 422)  # fmt: skip
