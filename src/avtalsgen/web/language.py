"""The language of the office's pages: Swedish, or English when the user asks for it.

Asking is the link in every page's header (*English* / *Svenska*, the login page's too),
kept in a cookie for a year; nothing else counts. The browser's Accept-Language is not a
request: it is how the computer was set up (an English Windows, a browser installed in
English), not a choice made for this office, whose case files, form fields and documents
are Swedish whatever the pages say; English pages would mix the two languages for a user
who never asked for them. Each request is answered in its own language
(:func:`avtalsgen.i18n.speak`: the process's language is not changed), its pages, the
messages of the library shown on them and the form editor's texts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from litestar import Request, get
from litestar.exceptions import NotFoundException
from litestar.response import Redirect

from avtalsgen import i18n

if TYPE_CHECKING:
    from litestar.types import ASGIApp, Receive, Scope, Send

#: The pages' language unless the user chose another.
DEFAULT = "sv"
#: The cookie that keeps the user's choice.
COOKIE = "avtalsgen_sprak"
#: What a page's link to the other language says, in that language (``lang`` set on it).
OTHER = {"sv": ("en", "English"), "en": ("sv", "Svenska")}


def language_of(cookies: dict[str, str]) -> str:
    """The language a request is answered in: the user's choice, else Swedish."""
    chosen = cookies.get(COOKIE, "")
    return chosen if chosen in i18n.LANGUAGES else DEFAULT


def speak_for(connection: Any) -> str:
    """Answer the request ``connection`` in its language (see :func:`language_of`)."""
    language = language_of(dict(connection.cookies))
    i18n.speak(language)
    return language


def middleware(app: ASGIApp) -> ASGIApp:
    """Every request speaks its language, from its first step (the login check) on; its
    context is the request's own (each request is a task of its own)."""
    from litestar.connection import ASGIConnection

    async def speaking(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            speak_for(ASGIConnection[Any, Any, Any, Any](scope))
        await app(scope, receive, send)

    return speaking


def back_path(target: str | None) -> str:
    """A path of this app to go back to after the choice (never another site's)."""
    if (
        not target
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or any(ord(c) < 32 for c in target)
    ):
        return "/arenden"
    return target


@get("/sprak/{language:str}", sync_to_thread=False)
def choose(request: Request[Any, Any, Any], language: str, sida: str | None = None) -> Redirect:
    """Keep the user's choice of language and go back to the page it was made on."""
    if language not in i18n.LANGUAGES:
        raise NotFoundException()
    config = request.app.state.config
    response = Redirect(path=back_path(sida), status_code=303)
    response.set_cookie(
        COOKIE, language, max_age=365 * 24 * 3600, path="/", httponly=True,
        samesite="lax", secure=config.secure_cookies,
    )  # fmt: skip
    return response
