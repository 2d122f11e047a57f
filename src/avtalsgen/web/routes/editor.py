"""The pages of a case or meeting file: the form, its save, its versions and comparisons."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.concurrency import sync_to_thread
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException
from litestar.handlers import HTTPRouteHandler
from litestar.params import Body
from litestar.response import Redirect, Template

from avtalsgen.i18n import _
from avtalsgen.web.editing import Kind, file_data, form_schema, parse_form_data, save_file
from avtalsgen.web.pages import config_of, needs, page, runner_of, user_of, yaml_file
from avtalsgen.web.yamlfiles import (
    FILE_STEM,
    diff,
    read_text,
    remember,
    safe_file,
    version_text,
    versions,
)

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


def _form_page(request: Request[Any, Any, Any], kind: Kind, **context: Any) -> Template:
    user = user_of(request)
    from avtalsgen.web.forms import field_title, prefill

    schema = form_schema(kind.name)
    context["problems"] = [
        p if isinstance(p, dict) else {
            "path": p.path, "field": p.field, "message": p.message,
            "title": field_title(p.field, schema) if p.field else None,
        }
        for p in context.get("problems") or []
    ]  # fmt: skip
    context.setdefault("conflict", None)
    context.setdefault("saved", None)
    context.setdefault("heading", None)
    context["data"] = prefill(context.get("data") or {}, schema)
    return page(
        request, "editor.html", kind=kind, schema=schema,
        may_edit=user.may(kind.permission), **context,
    )  # fmt: skip


def _name_problem(message: str) -> dict[str, Any]:
    """A new file's name refused: at its field (``anchor``), and in the summary above the
    form, linked there."""
    return {"path": None, "anchor": "filnamn", "title": _("File name"), "message": message}


def _not_held(datum: object) -> str | None:
    """The meeting's date when it lies after today (not held yet: a date mistyped, or a
    meeting planned), else None."""
    import datetime as dt

    from avtalsgen import clock

    try:
        day = dt.date.fromisoformat(str(datum))
    except ValueError:
        return None
    return day.isoformat() if day > clock.today() else None


def _copied(path: Path, folder: Path) -> list[dict[str, str]]:
    """The case's fields that still name another case's actor (web/copiednames.py), each
    with its title in the form and its place there."""
    import re

    from avtalsgen.web.copiednames import copied_names
    from avtalsgen.web.forms import field_title

    schema = form_schema("arende")
    return [
        {"title": field_title(found.field, schema), "actor": found.actor, "case": found.case,
         "href": "#root" + "".join(f"[{p}]" for p in re.split(r"[.\[\]]+", found.field) if p)}
        for found in copied_names(path, folder)
    ]  # fmt: skip


def file_page(request: Request[Any, Any, Any], kind: Kind, stem: str, **context: Any) -> Template:
    """The page of the saved file ``stem`` of ``kind``: its form, and for a meeting the steps
    after it (``context``: e.g. ``saved``, or ``step_error`` and ``status_code`` for a step
    refused before it ran)."""
    path = yaml_file(kind.folder(config_of(request)), stem)
    data, sha = file_data(path)
    remember(config_of(request).database, kind.key(stem), read_text(path), None)
    extracts = None
    if kind.name == "sammantrade" and user_of(request).may("extract"):
        from avtalsgen.web.routes.meetings import meeting_extracts

        extracts = meeting_extracts(config_of(request), path)
    standing = None
    if kind.name == "arende":
        from avtalsgen.web.building import build_news
        from avtalsgen.web.status import case_standing

        standing = case_standing(config_of(request), path)
        context.setdefault("bygge", build_news(runner_of(request), stem))
        context.setdefault("copied", _copied(path, kind.folder(config_of(request))))
    else:
        context.setdefault("not_held", _not_held(data.get("datum")))
    return _form_page(request, kind, stem=stem, data=data, sha=sha, new=False,
                      extracts=extracts, standing=standing, heading=data.get("dnr"),
                      **context)  # fmt: skip


def editor_routes(kind: Kind) -> list[HTTPRouteHandler]:
    """The form pages of ``kind`` (cases or meetings)."""

    @get(f"{kind.base}/ny", guards=[needs(kind.permission)])
    async def new_form(request: Request[Any, Any, Any]) -> Template:
        return await sync_to_thread(_new_form, request)

    def _new_form(request: Request[Any, Any, Any]) -> Template:
        data: dict[str, Any] = {}
        source = request.query_params.get("fran")
        if source:  # a copy of another file to start from
            data, _sha = file_data(yaml_file(kind.folder(config_of(request)), source))
        elif kind.name == "arende":
            data["program"] = "program/norrbottens-ekosystem.yaml"
        else:
            data["arenden"] = ".."
        from avtalsgen.web.yamlfiles import case_files, list_files

        listed = case_files if kind.name == "arende" else list_files
        choices = [path.stem for path in listed(kind.folder(config_of(request)))]
        return _form_page(request, kind, stem=None, data=data, sha="", new=True,
                          sources=choices, source=source)  # fmt: skip

    @post(f"{kind.base}/ny", guards=[needs(kind.permission)])
    async def create(request: Request[Any, Any, Any], data: Form) -> Template | Redirect:
        return await sync_to_thread(_create, request, data)

    def _create(request: Request[Any, Any, Any], data: dict[str, str]) -> Template | Redirect:
        config = config_of(request)
        form = parse_form_data(data.get("data", "{}"), kind)
        stem = data.get("filnamn", "").strip().removesuffix(".yaml")
        problems: list[Any] = []
        if not FILE_STEM.match(stem) or ".." in stem:
            problems = [_name_problem(_("Give a file name: letters a–z, digits, full stop, "
                                        "hyphen and underscore."))]  # fmt: skip
        elif safe_file(kind.folder(config), stem).exists():
            problems = [_name_problem(_("There is already a file {name}: give another name.")
                                      .format(name=f"{stem}.yaml"))]  # fmt: skip
        if problems:
            return _form_page(request, kind, stem=None, data=form, sha="", new=True,
                              problems=problems, filnamn=stem, status_code=422)  # fmt: skip
        outcome = save_file(config, kind, stem, form, None, user_of(request).name, new=True,
                            on_written=lambda path: _after_save(request, kind, path))  # fmt: skip
        if not outcome.saved:
            return _form_page(
                request, kind, stem=None, data=form, sha="", new=True, filnamn=stem,
                problems=outcome.problems or [], conflict=outcome.conflict,
            )  # fmt: skip
        return Redirect(path=f"{kind.base}/{stem}?sparad={outcome.version}", status_code=303)

    @get(f"{kind.base}/{{stem:str}}", guards=[needs("read")])
    async def form(
        request: Request[Any, Any, Any], stem: str, sparad: int | None = None
    ) -> Template:
        return await sync_to_thread(_form, request, stem, sparad)

    def _form(request: Request[Any, Any, Any], stem: str, sparad: int | None) -> Template:
        return file_page(request, kind, stem, saved=sparad)

    @post(f"{kind.base}/{{stem:str}}", guards=[needs(kind.permission)])
    async def save(request: Request[Any, Any, Any], stem: str, data: Form) -> Template | Redirect:
        return await sync_to_thread(_save, request, stem, data)

    def _save(
        request: Request[Any, Any, Any], stem: str, data: dict[str, str]
    ) -> Template | Redirect:
        yaml_file(kind.folder(config_of(request)), stem)
        form = parse_form_data(data.get("data", "{}"), kind)
        outcome = save_file(
            config_of(request), kind, stem, form, data.get("sha") or None, user_of(request).name,
            on_written=lambda path: _after_save(request, kind, path),
        )  # fmt: skip
        if not outcome.saved:
            # The heading names the file as it is, not as the refused form would have it.
            saved, _sha = file_data(yaml_file(kind.folder(config_of(request)), stem))
            # After a conflict the form is the file as it is now with the user's changes
            # (outcome.data), based on the current version.
            return _form_page(
                request, kind, stem=stem, new=False,
                data=outcome.data if outcome.conflict else form,
                sha=(outcome.sha or "") if outcome.conflict else data.get("sha", ""),
                problems=outcome.problems or [], conflict=outcome.conflict,
                heading=saved.get("dnr"),
            )  # fmt: skip
        return Redirect(path=f"{kind.base}/{stem}?sparad={outcome.version}", status_code=303)

    @get(f"{kind.base}/{{stem:str}}/versioner", guards=[needs("read")])
    async def history(
        request: Request[Any, Any, Any], stem: str, a: int | None = None, b: int | None = None
    ) -> Template:
        return await sync_to_thread(_history, request, stem, a, b)

    def _history(
        request: Request[Any, Any, Any], stem: str, a: int | None, b: int | None
    ) -> Template:
        path = yaml_file(kind.folder(config_of(request)), stem)
        config = config_of(request)
        key = kind.key(stem)
        remember(config.database, key, read_text(path), None)
        kept = versions(config.database, key)
        changes: list[str] | None = None
        if a is not None and b is not None:
            before, after = (
                version_text(config.database, key, a),
                version_text(config.database, key, b),
            )
            if before is None or after is None:
                raise NotFoundException()
            changes = diff(before, after, f"version {a}", f"version {b}")
        return page(request, "versions.html", kind=kind, stem=stem, versions=kept,
                    changes=changes, a=a, b=b)  # fmt: skip

    return [new_form, create, form, save, history]


def _after_save(request: Request[Any, Any, Any], kind: Kind, path: Path) -> None:
    """A saved case is built again for its preview (if the user may build), as soon as
    its file is written."""
    user = user_of(request)
    if kind.name != "arende" or not user.may("build") or not config_of(request).build_after_save:
        return
    config = config_of(request)
    from avtalsgen.web import preview

    # Both documents at once (the warm converter has a LibreOffice per core).
    runner_of(request).submit(
        "build", user.name, [path.stem],
        cases=[str(path)], output=str(config.output), templates=str(config.templates),
        jobs=config.jobs, preview=str(config.data / preview.FOLDER),
    )  # fmt: skip
