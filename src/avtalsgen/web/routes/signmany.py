"""Paket: one field of many packets signed at once (web/signmany.py): the choice of the
packets (the output folder's, or a meeting's) and of the level, each packet's screening
before the key is opened, then a line for each packet and a summary."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException
from litestar.params import Body
from litestar.response import Template

from avtalsgen.i18n import _
from avtalsgen.signing.batch import Tally
from avtalsgen.web.config import WebConfig
from avtalsgen.web.pages import DNR, config_of, needs, page, user_of
from avtalsgen.web.signing import default_level, level_context, level_problem, seal_refusal
from avtalsgen.web.signmany import FIELD_ROLES, Line

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
#: A packet ticked in the form: the checkbox ``paket:<Dnr>`` holds the file's name.
CHOSEN = "paket:"


def _page(
    request: Request[Any, Any, Any],
    field: str,
    meeting: str,
    level: str,
    *,
    error: str | None = None,
    problem: str | None = None,
    lines: list[Line] | None = None,
    tally: Tally | None = None,
) -> Template:
    from urllib.parse import urlencode

    from avtalsgen.web.signmany import in_scope, meeting_days, screened
    from avtalsgen.web.status import case_rows

    config = config_of(request)
    rows = case_rows(config)
    days = meeting_days(rows)
    if meeting and meeting not in days:
        meeting = ""
    candidates = screened(config, in_scope(rows, meeting), field)
    signable = sum(1 for candidate in candidates if candidate.reason is None)
    address = "/paket/signera?" + urlencode({"falt": field, "urval": meeting})
    return page(request, "sign_many.html", field=field, fields=list(FIELD_ROLES),
                meeting=meeting, meetings=days, candidates=candidates, signable=signable,
                lines=lines, summary=tally.summary() if tally is not None else None,
                failed=bool(tally and (tally.failed or tally.not_tried)),
                history=address if lines is not None else None,
                problem=problem, **level_context(config, level, error),
                status_code=422 if error or problem else 200)  # fmt: skip


@get("/paket/signera", guards=[needs("sign")])
async def sign_many_form(request: Request[Any, Any, Any], falt: str = "region",
                         urval: str = "") -> Template:  # fmt: skip
    """The packets whose field ``falt`` the signer may sign at once (every case's, or those
    the meeting of the day ``urval`` decided), each as the screening finds it, and the
    choice of level. (Async, its work in a thread: Litestar called a second handler of one
    path with ``sync_to_thread`` without awaiting it.)"""
    from litestar.concurrency import sync_to_thread

    if falt not in FIELD_ROLES:
        raise NotFoundException()
    level = default_level(config_of(request))
    return await sync_to_thread(_page, request, falt, urval, level)


@post("/paket/signera", guards=[needs("sign")], sync_to_thread=True)
def sign_many(request: Request[Any, Any, Any], data: Form) -> Template:
    """Sign the field of every packet ticked with the server's key, opened once, at the level
    chosen: a line for each packet and what it came to."""
    from avtalsgen.web.signmany import sign_many as signing

    config: WebConfig = config_of(request)
    field = data.get("falt", "")
    meeting = data.get("urval", "")
    level = data.get("niva") or default_level(config)
    if field not in FIELD_ROLES:
        raise NotFoundException()
    if (problem := level_problem(config, level)) is not None:
        return _page(request, field, meeting, level, error=problem)
    if (refused := seal_refusal(config, field)) is not None:  # before the seal is opened
        return _page(request, field, meeting, level, problem=refused)
    chosen = [
        (key.removeprefix(CHOSEN), name) for key, name in data.items()
        if key.startswith(CHOSEN) and DNR.match(key.removeprefix(CHOSEN))
        and _packet_name(config, key.removeprefix(CHOSEN), name)
    ]  # fmt: skip
    if not chosen:
        return _page(request, field, meeting, level,
                     problem=_("Tick at least one packet to sign."))  # fmt: skip
    lines, tally = signing(config, user_of(request).name, sorted(chosen), field, level)
    return _page(request, field, meeting, level, lines=lines, tally=tally)


def _packet_name(config: WebConfig, dnr: str, name: str) -> bool:
    """Whether ``name`` is a packet version's file in the case folder of ``dnr``."""
    from avtalsgen.build.workspace import PACKET, parse_versioned

    parsed = parse_versioned(name)
    return (parsed is not None and parsed[0] == PACKET and parsed[2] == ".pdf"
            and (config.output / dnr / name).is_file())  # fmt: skip
