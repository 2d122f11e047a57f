"""The office in a browser: the Litestar application ``avtalsgen serve`` runs.

One process, no outside service: pages rendered on the server (Jinja2, autoescaped) with
HTMX and the form editor served from the app's own static folder, the app's state in
SQLite, builds in a worker process. Every page and file needs a login except the login page
and the static assets; every state-changing request needs the CSRF token.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from litestar import Litestar, Request, Response
from litestar.config.csrf import CSRFConfig
from litestar.connection import ASGIConnection
from litestar.datastructures import CacheControlHeader, State
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
)
from litestar.logging.config import LoggingConfig
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.middleware.base import DefineMiddleware
from litestar.response import Redirect
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from avtalsgen.i18n import _
from avtalsgen.web import auth, db, language
from avtalsgen.web.config import WebConfig
from avtalsgen.web.jobs import JobRunner, extract_status_text, seconds_text, state_text
from avtalsgen.web.pages import page
from avtalsgen.web.routes.session import COOKIE

HERE = Path(__file__).resolve().parent
#: Paths open without a login.
PUBLIC = [r"^/login$", r"^/static/", r"^/sprak/"]
#: The language of the process (the worker's runner thread, what is made before the first
#: request): the office's. Each request speaks its user's language (web/language.py),
#: Swedish unless asked otherwise, whatever the server's locale says.
LANGUAGE = "sv"

#: Headers on every response: no framing by other sites, no guessing of types, scripts and
#: styles from this app only (no inline script).
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; frame-src 'self'; object-src 'self'; frame-ancestors 'self'; "
        "base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "SAMEORIGIN",
}


class SessionAuthentication(AbstractAuthenticationMiddleware):
    """The user of the request: from the session cookie, or from a trusted proxy's header
    when the app is configured to trust one."""

    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        from litestar.concurrency import sync_to_thread

        config: WebConfig = connection.app.state.config
        host = connection.client.host if connection.client else None
        if config.proxy_user_header and host in config.trusted_proxies:
            name = connection.headers.get(config.proxy_user_header)
            if name:
                user = await sync_to_thread(auth.get_user, config.database, name.strip())
                if user is not None:
                    return AuthenticationResult(user=user, auth="proxy")
        token = connection.cookies.get(COOKIE)
        if token:
            user = await sync_to_thread(
                auth.session_user, config.database, token, config.idle_minutes
            )
            if user is not None:
                return AuthenticationResult(user=user, auth=token)
        raise NotAuthorizedException()


def _wants_page(request: Request[Any, Any, Any]) -> bool:
    return "text/event-stream" not in request.headers.get("accept", "")


def _not_logged_in(request: Request[Any, Any, Any], _exc: Exception) -> Response[Any]:
    language.speak_for(request)
    target = request.url.path
    if request.url.query:
        target += "?" + request.url.query
    if request.headers.get("hx-request"):
        return Response(None, status_code=401, headers={"HX-Redirect": "/login"})
    from urllib.parse import quote

    if request.method != "GET" and _wants_page(request):
        # A form sent after the session ended (30 minutes without a request): a page that
        # says so and leads back through the login to the page the form was on, where the
        # browser fills in again what was typed (app.js keeps it until a save is answered).
        back = _same_site_path(request) or "/arenden"
        return page(
            request, "logged_out.html", status_code=401,
            login=f"/login?next={quote(back, safe='/')}",
            kept=back == request.url.path,  # a form of a file's page, sent to that page
            idle_minutes=request.app.state.config.idle_minutes,
        )  # fmt: skip
    if request.method != "GET" or not _wants_page(request):
        return Response(_("Log in first."), status_code=401, media_type="text/plain")

    return Redirect(path=f"/login?next={quote(target, safe='/')}", status_code=303)


def _same_site_path(request: Request[Any, Any, Any]) -> str | None:
    """The path of the page a form was sent from, when it was one of this app's (the Referer
    header, on this host), else None; without its query: a form's page opened with
    ``?sparad=N`` would say the save was answered, and drop what the browser kept."""
    from urllib.parse import urlsplit

    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc != request.url.netloc or not referer.path.startswith("/"):
        return None
    if referer.path.startswith("//") or "\\" in referer.path or referer.path == "/login":
        return None
    return referer.path


def _error_page(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    language.speak_for(request)  # also where no route was found (before the request's middleware)
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    if isinstance(exc, PermissionDeniedException):
        text = (
            _("You are not allowed to do this.")
            if "CSRF" not in str(exc.detail)
            else _(
                "The form had expired or did not come from this page. Reload the page and "
                "try again."
            )
        )
    elif isinstance(exc, NotFoundException):
        text = _("The page or file does not exist.")
    elif status == 413:
        text = _("The file is too large.")
    elif status < 500:
        text = _("The request could not be handled.")
    else:
        text = _("An unexpected error occurred. Try again or contact the administrator.")
    if status >= 500:
        import logging

        logging.getLogger("avtalsgen.web").error("unexpected error", exc_info=exc)
    response: Response[Any] = page(
        request, "error.html", status_code=status, status=status, text=text
    )
    return response


def _logging() -> LoggingConfig:
    """The server's log: Litestar's default (the root logger at INFO, on the console)
    without pikepdf's C++ bridge logger below WARNING. At its import (the first PDF a page
    reads) that logger says "pikepdf C++ to Python logger bridge initialized" at INFO, and
    qpdf's info messages go there too; its warnings and errors stay in the log. fontTools
    below ERROR neither: a signature's appearance font is subset by pyHanko, and fontTools
    said some 880 INFO lines a signature ("maxp pruned", "Retaining 45 glyphs", ...) and
    warnings of the tables it drops, which the command line's sign does not show either."""
    return LoggingConfig(
        loggers={"pikepdf._core": {"level": "WARNING"}, "fontTools": {"level": "ERROR"}}
    )


def _secret(config: WebConfig) -> str:
    """The CSRF secret: made once, kept in the data folder, readable by the owner only."""
    path = config.data / "csrf-secret"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        path.write_text(secrets.token_hex(32), encoding="ascii")
        path.chmod(0o600)
    return path.read_text(encoding="ascii").strip()


def _verdict_line(report: Any) -> str:
    """A verification report's verdict in one sentence, as ``avtalsgen verify`` gives it,
    with each signature field named as the pages name it (aktör, not the CLI's 'aktor')."""
    from avtalsgen.signing.verify import verdict_line
    from avtalsgen.web.forms import choice

    return verdict_line(report, label=choice)


def time_text(value: object) -> str:
    """A moment the app stored (ISO 8601, UTC) as the pages show it: Swedish time, to the
    second, with its offset, as the README and the command line say times
    (``2026-12-06 05:22:47 +01:00 (svensk tid)``: :func:`avtalsgen.i18n.format_time`);
    anything else as it is."""
    import datetime as dt

    from avtalsgen.i18n import format_time

    if isinstance(value, dt.datetime):
        moment = value
    else:
        try:
            moment = dt.datetime.fromisoformat(str(value))
        except ValueError:
            return "" if value is None else str(value)
    return format_time(moment)


def dates_unbroken(value: object) -> Any:
    """A text with each date (``2023-12-05``, in a file name too) and each Dnr
    (``RUN-00386-2023``) in it kept on one line: a narrow column or window broke them at
    their hyphens (``2026-12-`` / ``06``, ``RUN-00386-`` / ``2023``)."""
    import re

    from markupsafe import Markup, escape

    text = str(escape("" if value is None else str(value)))
    text = re.sub(r"\bRUN-\d{5}-\d{4}\b", r'<span class="dnr">\g<0></span>', text)
    return Markup(re.sub(r"\d{4}-\d{2}-\d{2}", r'<span class="datum">\g<0></span>', text))


def static_version(folder: Path = HERE / "static") -> str:
    """A digest of the static assets (names and contents), which their URLs carry
    (``/static/app.js?v=...``): a browser keeps them (they are served as immutable) instead
    of fetching and compiling the same half megabyte of scripts for every page, and fetches
    them anew once they change."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _security_headers(response: Response[Any]) -> Response[Any]:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def templates_environment() -> Any:
    """The pages' Jinja environment: autoescaped, with gettext (Jinja's i18n extension, the
    messages of ``{% trans %}`` blocks and ``_()`` in the web catalogue, translated into
    each request's language: ``scripts/catalog.py`` extracts them with the same settings)."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from avtalsgen import i18n

    environment = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    environment.policies["ext.i18n.trimmed"] = True
    # jinja2.ext.i18n adds install_gettext_callables to the environment at run
    # time (Environment.extend), so jinja2's type stubs do not declare it.
    environment.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=i18n._, ngettext=i18n.ngettext, newstyle=True
    )
    return environment


def create_app(config: WebConfig) -> Litestar:
    """The application for ``config``: its database made if needed."""
    from avtalsgen import i18n
    from avtalsgen.web.editing import CASES, MEETINGS
    from avtalsgen.web.routes import admin, cases, meetings, packets, runs, session, signmany
    from avtalsgen.web.routes.editor import editor_routes

    i18n.set_language(LANGUAGE)
    db.initialise(config.database)
    keeper = db.hold(config.database)
    # The forms' schemas are made once per process (about a second: the models' docstrings
    # are read for the descriptions), before the first request rather than during it.
    from avtalsgen.web.editing import form_schema

    form_schema(CASES.name)
    form_schema(MEETINGS.name)
    runner = JobRunner(config.database, niceness=config.build_niceness)
    runner.close_unfinished()  # an earlier server's: no worker runs them now
    environment = templates_environment()
    environment.filters["tid"] = time_text
    from avtalsgen.web.forms import choice

    # A signature field's name (aktor) as a word (aktör).
    environment.filters["ord"] = choice
    environment.filters["datum"] = dates_unbroken
    from avtalsgen.web.auth import role_name, role_names

    # A role (handläggare) and a user's roles as the reader's language names them.
    environment.filters["roll"] = role_name
    environment.filters["roller"] = role_names
    from avtalsgen.web.placewords import linked_places

    # A message's places in the case and meeting files as the forms name them, linked.
    environment.filters["platser"] = linked_places
    from avtalsgen.build.outcome import status_words

    # A build's status as batch-report.json and the run records hold it, in words.
    environment.filters["bygge"] = status_words
    # A run's state (queued, running, done, failed) in words.
    environment.filters["lage"] = state_text
    # A time in seconds as the reader's language writes it (1,3 or 1.3).
    environment.filters["sekunder"] = seconds_text
    # What a run did with a paragraph's extract (ny, rättelse, ...) in words.
    environment.filters["utdrag"] = extract_status_text
    environment.globals["verdict_line"] = _verdict_line
    from avtalsgen.web.editortexts import editor_texts

    environment.globals["editor_texts"] = editor_texts
    version = static_version()
    environment.globals["static"] = lambda name: f"/static/{name}?v={version}"
    handlers: list[Any] = [
        session.login_page, session.login, session.logout, language.choose,
        cases.home, cases.case_list, cases.case_standing_part, cases.preview,
        cases.preview_file, cases.preview_image, cases.output, cases.page_image,
        meetings.meeting_list, meetings.dates, meetings.make_extracts, meetings.make_anslag,
        meetings.make_emails, meetings.make_renditions, meetings.output_any,
        meetings.certify_form, meetings.certify,
        packets.packet_list, packets.sign_form, packets.sign, packets.verify_form,
        packets.verify_upload, signmany.sign_many_form, signmany.sign_many,
        runs.runs, runs.start_run, runs.run_page, runs.run_events,
        admin.log, admin.users, admin.change_user,
        *editor_routes(CASES), *editor_routes(MEETINGS),
        create_static_files_router(
            path="/static", directories=[HERE / "static"], resolve_symlinks=False,
            # Asked for by their version (static_version): a browser may keep them a year.
            cache_control=CacheControlHeader(public=True, max_age=31_536_000, immutable=True),
        ),
    ]  # fmt: skip
    import warnings

    from litestar.exceptions.base_exceptions import LitestarDeprecationWarning

    with warnings.catch_warnings():
        # Litestar 2.25 asks for Annotated parameters (FromPath, FromQuery) in place of plain
        # annotations, which it still reads the same; the warning is for its 3.0.
        warnings.simplefilter("ignore", LitestarDeprecationWarning)
        return _application(config, runner, environment, handlers, keeper.close)


def _application(
    config: WebConfig,
    runner: JobRunner,
    environment: Any,
    handlers: list[Any],
    close: Any,
) -> Litestar:
    from litestar.plugins.jinja import JinjaTemplateEngine

    return Litestar(
        route_handlers=handlers,
        middleware=[language.middleware, DefineMiddleware(SessionAuthentication, exclude=PUBLIC)],
        csrf_config=CSRFConfig(
            secret=_secret(config),
            cookie_httponly=True,
            cookie_samesite="strict",
            cookie_secure=config.secure_cookies,
            cookie_name="avtalsgen_csrf",
        ),
        template_config=TemplateConfig(engine=JinjaTemplateEngine.from_environment(environment)),
        exception_handlers={
            NotAuthorizedException: _not_logged_in,
            HTTPException: _error_page,
            Exception: _error_page,
        },
        after_request=_security_headers,
        request_max_body_size=config.max_upload_bytes + 64 * 1024,
        state=State({"config": config, "runner": runner}),
        on_shutdown=[runner.stop, close],
        logging_config=_logging(),
        openapi_config=None,
        debug=False,
    )
