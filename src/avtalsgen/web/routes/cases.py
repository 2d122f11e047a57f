"""Ärenden: the list of cases, and a case's preview (its documents as built)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.exceptions import NotFoundException
from litestar.response import File, Response, Template

from avtalsgen.web.editing import CASES
from avtalsgen.web.pages import config_of, needs, output_file, page, runner_of
from avtalsgen.web.status import case_rows
from avtalsgen.web.yamlfiles import PathRefused, safe_file


@get("/", sync_to_thread=False)
def home() -> Response[None]:
    """The start page is the case list."""
    return Response(None, status_code=303, headers={"Location": "/arenden"})


@get("/arenden", guards=[needs("read")], sync_to_thread=True)
def case_list(request: Request[Any, Any, Any], q: str = "", status: str = "") -> Template:
    """Every case with its status; search by Dnr, actor or title; filter by status."""
    rows = case_rows(config_of(request))
    statuses = sorted({row.status.split(" ")[0] for row in rows})
    needle = q.strip().lower()
    shown = [
        row for row in rows
        if (not needle or needle in " ".join(
            str(v) for v in (row.stem, row.dnr, row.aktor, row.titel)).lower())
        and (not status or row.status.startswith(status))
    ]  # fmt: skip
    return page(request, "cases.html", rows=shown, total=len(rows), q=q, status=status,
                statuses=statuses)  # fmt: skip


def _documents(config: Any, dnr: str) -> list[dict[str, Any]]:
    folder = config.output / dnr
    order = ["beslutsforslag", "samarbetsavtal", "paket"]
    found = []
    if folder.is_dir():
        for path in sorted(folder.glob("*.pdf")):
            found.append({"name": path.name, "stem": path.stem, "pages": _page_count(path)})
    found.sort(key=lambda d: (order.index(d["stem"]) if d["stem"] in order else 9, d["name"]))
    return found


def _page_count(path: Any) -> int:
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(str(path))
    except pypdfium2.PdfiumError:
        return 0
    try:
        return len(document)
    finally:
        document.close()


@get("/arenden/{stem:str}/forhandsgranskning", guards=[needs("read")], sync_to_thread=True)
def preview(request: Request[Any, Any, Any], stem: str) -> Template:
    """The case's documents as PDF and page images, with the build's (fact check's) result."""
    from avtalsgen.errors import CaseError
    from avtalsgen.input.load import load_case

    config = config_of(request)
    try:
        path = safe_file(config.cases, stem)
    except PathRefused:
        raise NotFoundException() from None
    if not path.is_file():
        raise NotFoundException()
    job = runner_of(request).latest_for(stem)
    try:
        dnr: str | None = load_case(path).arende.dnr
        problems: list[str] = []
    except CaseError as exc:
        dnr, problems = None, exc.problems
    documents = _documents(config, dnr) if dnr else []
    result = None
    if job is not None:
        for event in job.events:
            if event["type"] == "case":
                result = event
    return page(request, "preview.html", kind=CASES, stem=stem, dnr=dnr, job=job,
                result=result, documents=documents, problems=problems)  # fmt: skip


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
    import io

    import pypdfium2

    path = output_file(config_of(request), dnr, name)
    if path.suffix != ".pdf":
        raise NotFoundException()
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
