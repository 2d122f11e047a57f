"""Logg (the audit log) and Användare (users and their roles)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.response import Template

from avtalsgen.errors import AvtalsgenError
from avtalsgen.i18n import _
from avtalsgen.web import audit, auth
from avtalsgen.web.pages import config_of, needs, page, user_of


@get("/logg", guards=[needs("audit")], sync_to_thread=True)
def log(request: Request[Any, Any, Any], dnr: str = "", anvandare: str = "") -> Template:
    """The audit log, newest first."""
    rows = audit.entries(config_of(request).database, dnr=dnr or None, user=anvandare or None,
                         limit=500)  # fmt: skip
    actions = {action: _(words) for action, words in audit.ACTIONS.items()}
    return page(request, "log.html", rows=rows, actions=actions, dnr=dnr,
                anvandare=anvandare)  # fmt: skip


def _users_page(request: Request[Any, Any, Any], **context: Any) -> Template:
    context.setdefault("error", None)
    context.setdefault("done", None)
    context.setdefault("typed", None)
    context.setdefault("error_field", None)
    return page(request, "users.html", users=auth.list_users(config_of(request).database),
                roles=auth.ROLES, **context)  # fmt: skip


@get("/anvandare", guards=[needs("users")])
async def users(request: Request[Any, Any, Any]) -> Template:
    """The users and their roles."""
    from litestar.concurrency import sync_to_thread

    return await sync_to_thread(_users_page, request)


#: The form's field (its id) of what :class:`auth.UserError` says was refused.
_FIELDS: dict[str | None, str] = {"name": "nytt-namn", "password": "nytt-losenord",
                                  "roles": "roll-1"}  # fmt: skip


@post("/anvandare", guards=[needs("users")])
async def change_user(request: Request[Any, Any, Any]) -> Template:
    """Add a user, give new roles and password, or stop or restore a user."""
    config = config_of(request)
    admin = user_of(request)
    form = await request.form()
    name = str(form.get("namn", "")).strip()
    action = str(form.get("atgard", "spara"))
    try:
        if action == "stoppa" and name == admin.name:
            # Stopping oneself ends one's own session and leaves no way back in the browser.
            raise auth.UserError(_("You cannot stop your own account: another administrator "
                                  "stops it, or it is stopped with avtalsgen users disable "
                                  "{name}.").format(name=name))  # fmt: skip
        if action in ("stoppa", "aktivera"):
            auth.set_active(config.database, name, action == "aktivera")
            stopped = action == "stoppa"

            def detail() -> str:
                return (_("{name}: stopped") if stopped else _("{name}: activated")).format(
                    name=name
                )
        else:
            roles = auth.parse_roles(
                [str(r) for r in form.getall("roll")] if "roll" in form else []
            )
            auth.add_user(config.database, name, roles, str(form.get("losenord", "")))

            def detail() -> str:
                return _("{name}: roles {roles}").format(name=name, roles=auth.role_names(roles))
    except AvtalsgenError as exc:
        # The form again with what was typed (the name, the roles ticked), not emptied; the
        # password is never sent back.
        typed = {"namn": name, "roller": [str(r) for r in form.getall("roll")] if "roll" in form
                 else []} if action not in ("stoppa", "aktivera") else None  # fmt: skip
        # The form's field a refusal is told at (its id), by what add_user refused.
        field = _FIELDS.get(exc.field) if isinstance(exc, auth.UserError) else None
        return _users_page(request, error=exc.message, error_field=field, typed=typed,
                           status_code=422)  # fmt: skip
    # The log in each language; the page in its reader's.
    audit.record(config.database, admin.name, "user", detail=audit.texts(detail))
    return _users_page(request, done=detail())
