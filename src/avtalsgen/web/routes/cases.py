"""Ärenden: the list of cases, and a case's preview (its documents as built)."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

from litestar import Request, get
from litestar.concurrency import sync_to_thread
from litestar.exceptions import NotFoundException
from litestar.response import File, Response, Template

from avtalsgen.i18n import _
from avtalsgen.web.config import WebConfig
from avtalsgen.web.editing import CASES
from avtalsgen.web.pages import (
    DNR,
    OUTPUT_FILE,
    config_of,
    needs,
    output_file,
    page,
    runner_of,
    yaml_file,
)
from avtalsgen.web.status import case_facts, case_rows


@get("/", sync_to_thread=False)
def home() -> Response[None]:
    """The start page is the case list."""
    return Response(None, status_code=303, headers={"Location": "/arenden"})


@get("/arenden", guards=[needs("read")], sync_to_thread=True)
def case_list(request: Request[Any, Any, Any], q: str = "", status: str = "") -> Template:
    """Every case with its status; search by Dnr, actor or title; filter by status."""
    from avtalsgen.web.statuskinds import choices

    rows = case_rows(config_of(request))
    needle = q.strip().lower()
    shown = [
        row for row in rows
        if (not needle or needle in " ".join(
            str(v) for v in (row.stem, row.dnr, row.aktor, row.titel)).lower())
        and (not status or row.kind == status)
    ]  # fmt: skip
    return page(request, "cases.html", rows=shown, total=len(rows), q=q, status=status,
                statuses=choices())  # fmt: skip


def _documents(config: Any, dnr: str) -> list[dict[str, Any]]:
    folder = config.output / dnr
    found = []
    if folder.is_dir():
        for path in sorted(folder.glob("*.pdf")):
            found.append({"name": path.name, "stem": path.stem, "pages": _page_count(path),
                          "url": f"/filer/{dnr}/{path.name}"})  # fmt: skip
    return _in_order(found)


def _in_order(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    order = ["beslutsforslag", "samarbetsavtal", "paket"]
    found.sort(key=lambda d: (order.index(d["stem"]) if d["stem"] in order else 9, d["name"]))
    for document in found:
        document["title"] = document_title(document["stem"])
    return found


_VERSIONED = re.compile(r"(?P<kind>[a-z]+)(?:-(?P<paragraf>\d+))?(?:-v(?P<version>\d+))?")


def document_title(stem: str) -> str:
    """A built document by its name, as the office calls it (the file's name is in its
    links): "Beslutsförslag", "Protokollsutdrag § 212", "Paket, version 2"."""
    from avtalsgen.documents.kinds import KINDS

    found = _VERSIONED.fullmatch(stem)
    titles = {kind.name: kind.title for kind in KINDS} | {"paket": "Paket"}
    if found is None or found["kind"] not in titles:
        return stem
    title = titles[found["kind"]]
    if found["paragraf"]:
        title += f" § {found['paragraf']}"
    if found["version"]:
        title += ", " + _("version {number}").format(number=found["version"])
    return title


def _previewed(config: Any, stem: str, dnr: str, names: list[str]) -> list[dict[str, Any]]:
    """The documents a save's build has checked and kept for the preview (see
    :mod:`avtalsgen.web.preview`), while the build goes on."""
    found = []
    for name in names:
        try:
            path = _preview_file(config, dnr, str(name))
        except NotFoundException:
            continue
        found.append({"name": path.name, "stem": path.stem, "pages": _page_count(path),
                      "url": f"/arenden/{stem}/forhandsgranskning/{path.name}"})  # fmt: skip
    return _in_order(found)


def _page_count(path: Any) -> int:
    import pypdfium2

    from avtalsgen.documents.factcheck import PDFIUM_LOCK

    with PDFIUM_LOCK:  # PDFium is not thread-safe, and the handlers run in threads
        try:
            document = pypdfium2.PdfDocument(str(path))
        except pypdfium2.PdfiumError:
            return 0
        try:
            return len(document)
        finally:
            document.close()


#: Seconds a preview page waits for its build's next event before it is shown as it is
#: (and asks again).
PREVIEW_WAIT = 15.0


@get("/arenden/{stem:str}/forhandsgranskning", guards=[needs("read")])
async def preview(
    request: Request[Any, Any, Any], stem: str, bygge: int | None = None, efter: int = 0
) -> Template:
    """The case's documents as PDF and page images, with the build's (fact check's) result:
    while a save's build goes on, the documents it has checked (before its packet is made).

    With ``bygge`` (the build the page shows) and ``efter`` (the number of its events the
    page has shown), the answer waits until that build has a new event or has ended (at
    most :data:`PREVIEW_WAIT` seconds; not if a newer build of the case has come): the page
    asks again at once, and shows the documents as soon as they passed the fact check."""
    if bygge is not None:
        runner = runner_of(request)
        job = runner.latest_for(stem)
        if job is not None and job.id == bygge:
            await runner.next_event(job, efter, PREVIEW_WAIT)
    return await sync_to_thread(_preview, request, stem)


@get("/arenden/{stem:str}/lage", guards=[needs("read")])
async def case_standing_part(
    request: Request[Any, Any, Any], stem: str, bygge: int | None = None
) -> Template:
    """The case's standing alone, for its page while a build of it is on its way: the answer
    waits until the build ``bygge`` has ended (at most :data:`PREVIEW_WAIT` seconds; then
    the section asks again), and then says what the build made or why it failed."""
    from avtalsgen.web.building import newest_build

    runner = runner_of(request)
    job = newest_build(runner, stem)
    if job is not None and job.id == bygge:
        loop_time = asyncio.get_running_loop().time
        deadline = loop_time() + PREVIEW_WAIT
        while not job.done.is_set() and loop_time() < deadline:
            await runner.next_event(job, len(job.events), deadline - loop_time())
    return await sync_to_thread(_standing_part, request, stem)


def _standing_part(request: Request[Any, Any, Any], stem: str) -> Template:
    from avtalsgen.web.building import build_news
    from avtalsgen.web.status import case_standing

    config = config_of(request)
    standing = case_standing(config, yaml_file(config.cases, stem))
    return page(request, "standing_part.html", standing=standing, stem=stem,
                bygge=build_news(runner_of(request), stem))  # fmt: skip


def _preview(request: Request[Any, Any, Any], stem: str) -> Template:
    config = config_of(request)
    path = yaml_file(config.cases, stem)
    job = runner_of(request).latest_for(stem)
    facts = case_facts(config, path)
    from avtalsgen.web.serverpaths import shown_text

    # The loader's lines name the file by the server's path: named as the office knows it
    # (the template says each place as the form does, linked to its field).
    dnr = facts.dnr
    problems = [shown_text(p, [config.cases, config.output]) for p in facts.problems]
    result = checked = None
    # The events the page shows (more may come while it is made: it asks for those); an
    # ended build's events are all there once it is done.
    building = job is not None and not job.done.is_set()
    events = list(job.events) if job is not None else []
    if job is not None:
        for event in events:
            if event["type"] == "case":
                result = event
            elif event["type"] == "checked":
                checked = event
    if dnr and building and checked is not None:
        documents = _previewed(config, stem, dnr, list(checked.get("documents") or []))
    else:
        documents = _documents(config, dnr) if dnr else []
        checked = None
    return page(request, "preview.html", kind=CASES, stem=stem, dnr=dnr, job=job,
                result=result, checked=checked, documents=documents,
                problems=problems, building=building, seen=len(events))  # fmt: skip


def _preview_file(config: WebConfig, dnr: str, name: str) -> Path:
    """A PDF kept for the preview of ``dnr``, or 404 (plain names only, inside the folder)."""
    from avtalsgen.web.preview import FOLDER

    if not DNR.match(dnr) or not OUTPUT_FILE.match(name) or not name.endswith(".pdf"):
        raise NotFoundException()
    folder = (config.data / FOLDER / dnr).resolve()
    path = (folder / name).resolve()
    if not path.is_relative_to(folder) or not path.is_file():
        raise NotFoundException()
    return path


def _kept(request: Request[Any, Any, Any], stem: str, name: str) -> Path:
    config = config_of(request)
    dnr = case_facts(config, yaml_file(config.cases, stem)).dnr
    if dnr is None:
        raise NotFoundException()
    return _preview_file(config, dnr, name)


@get("/arenden/{stem:str}/forhandsgranskning/{name:str}", guards=[needs("read")],
     sync_to_thread=True)  # fmt: skip
def preview_file(
    request: Request[Any, Any, Any], stem: str, name: str, ladda: bool = False
) -> File:
    """A document kept for the preview (see :func:`preview`)."""
    path = _kept(request, stem, name)
    return File(path=path, filename=path.name,
                content_disposition_type="attachment" if ladda else "inline")  # fmt: skip


@get("/arenden/{stem:str}/forhandsgranskning/{name:str}/sida/{number:int}",
     guards=[needs("read")], sync_to_thread=True)  # fmt: skip
def preview_image(
    request: Request[Any, Any, Any], stem: str, name: str, number: int
) -> Response[bytes]:
    """One page of a document kept for the preview, as a PNG image."""
    return _png(_kept(request, stem, name), number)


@get("/filer/{dnr:str}/{name:str}", guards=[needs("read")], sync_to_thread=True)
def output(request: Request[Any, Any, Any], dnr: str, name: str, ladda: bool = False) -> File:
    """A file of a case's output folder (PDFs open in the browser unless ``ladda``)."""
    path = output_file(config_of(request), dnr, name)
    inline = path.suffix == ".pdf" and not ladda
    return File(path=path, filename=path.name,
                content_disposition_type="inline" if inline else "attachment")  # fmt: skip


@get("/filer/{dnr:str}/{name:str}/sida/{number:int}", guards=[needs("read")], sync_to_thread=True)
def page_image(
    request: Request[Any, Any, Any], dnr: str, name: str, number: int
) -> Response[bytes]:
    """One page of a PDF as a PNG image, for the preview."""
    path = output_file(config_of(request), dnr, name)
    if path.suffix != ".pdf":
        raise NotFoundException()
    return _png(path, number)


def _png(path: Path, number: int) -> Response[bytes]:
    """Page ``number`` of the PDF at ``path`` as a PNG image (404 if it has none)."""
    import io

    import pypdfium2

    from avtalsgen.documents.factcheck import PDFIUM_LOCK

    with PDFIUM_LOCK:  # PDFium is not thread-safe, and the handlers run in threads
        try:
            document = pypdfium2.PdfDocument(str(path))
        except pypdfium2.PdfiumError:
            raise NotFoundException() from None
        try:
            if not 1 <= number <= len(document):
                raise NotFoundException()
            image = document[number - 1].render(scale=1.25).to_pil()
        finally:
            document.close()
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return Response(out.getvalue(), media_type="image/png",
                    headers={"Cache-Control": "private, no-cache"})  # fmt: skip
