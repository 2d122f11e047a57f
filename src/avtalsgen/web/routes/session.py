"""Logging in and out."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from avtalsgen.i18n import _
from avtalsgen.web import audit, auth
from avtalsgen.web.pages import config_of, page

#: The session cookie's name.
COOKIE = "avtalsgen_session"


def _safe_next(target: str | None) -> str:
    """Where to go after logging in: a path of this app only (never another site)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/arenden"
    return target


@get("/login", sync_to_thread=False)
def login_page(request: Request[Any, Any, Any], next: str | None = None) -> Template:
    """The login form."""
    return page(request, "login.html", next=_safe_next(next), error=None, name="")


@post("/login", sync_to_thread=True)
def login(
    request: Request[Any, Any, Any],
    data: Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Template | Redirect:
    """Check the name and password; a new session on success, a growing wait after failures."""
    config = config_of(request)
    name = str(data.get("namn", "")).strip()[:64]
    password = str(data.get("losenord", ""))
    target = _safe_next(data.get("next"))
    client = request.client.host if request.client else "?"
    keys = [f"user:{name.lower()}", f"addr:{client}"]
    wait = auth.wait_left(config.database, keys)
    if wait > 0:
        return page(
            request, "login.html", status_code=429, next=target, name=name,
            error=_("Too many failed logins. Wait {seconds} seconds and try again.").format(
                seconds=int(wait) + 1
            ),
        )  # fmt: skip
    user = auth.authenticate(config.database, name, password)
    if user is None:
        auth.record_failure(config.database, keys)
        audit.record(
            config.database,
            name or None,
            "login_failed",
            detail=audit.texts(lambda: _("from {address}").format(address=client)),
        )
        return page(
            request, "login.html", status_code=401, next=target, name=name,
            error=_("Wrong user name or password."),
        )  # fmt: skip
    auth.clear_failures(config.database, keys)
    token = auth.start_session(config.database, user, request.cookies.get(COOKIE))
    audit.record(
        config.database,
        user.name,
        "login",
        detail=audit.texts(lambda: _("from {address}").format(address=client)),
    )
    response = Redirect(path=target, status_code=303)
    response.set_cookie(
        COOKIE, token, path="/", httponly=True, samesite="lax",
        secure=config.secure_cookies or request.url.scheme == "https",
    )  # fmt: skip
    return response


@post("/logout", sync_to_thread=True)
def logout(request: Request[Any, Any, Any]) -> Redirect:
    """End the session."""
    config = config_of(request)
    token = request.cookies.get(COOKIE)
    if token:
        auth.end_session(config.database, token)
    user = getattr(request.user, "name", None)
    audit.record(config.database, user, "logout")
    response = Redirect(path="/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response
