"""The web app's own texts go through gettext (English source text, the Swedish in web.po),
as the rest of avtalsgen's do: no plain Swedish string in its Python code bypasses the
catalogue. The pages stay Swedish whatever the server's locale says."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from webtools import client_for, csrf_of, workspace

from avtalsgen import i18n

WEB = Path(__file__).resolve().parent.parent / "src" / "avtalsgen" / "web"
SWEDISH = re.compile(r"[åäöÅÄÖ]")

#: Swedish that is data, not a message: names the code keys on, or the spelling of ASCII
#: keys. (file, name of the module-level assignment or function that holds it).
DATA = {
    ("auth.py", "ROLES"),  # the roles' names (the texts are marked)
    ("auth.py", "PERMISSIONS"),
    ("auth.py", "ROLE_NAMES"),  # the roles' names, each with its words (marked)
    ("auth.py", "parse_roles"),  # å/ä/ö typed as a/a/o
    ("forms.py", "SPELLING"),  # case-file keys as the Swedish words they spell
    ("forms.py", "ITEM_TITLES"),
    ("forms.py", "ROW_TITLES"),  # a list's rows, named in the case file's words
    ("signmany.py", "FIELD_ROLES"),  # a signer's title in the signature appearance
}


def _owner(tree: ast.Module, node: ast.AST) -> str | None:
    """The module-level assignment or function ``node`` is in, by name."""
    for top in tree.body:
        names: list[str] = []
        if isinstance(top, ast.Assign | ast.AnnAssign):
            targets = top.targets if isinstance(top, ast.Assign) else [top.target]
            names = [t.id for t in targets if isinstance(t, ast.Name)]
        elif isinstance(top, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names = [top.name]
        if names and any(child is node for child in ast.walk(top)):
            return names[0]
    return None


def unmarked_swedish(source: str, name: str) -> list[str]:
    """String literals with Swedish letters in ``source`` (the file ``name`` below web/)
    outside ``_()``, ``N_()``, ``ngettext()`` and docstrings, as ``file:line: text``."""
    tree = ast.parse(source)
    skip: set[int] = set()
    for node in ast.walk(tree):
        called = isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        if called and node.func.id in ("_", "N_", "NC_", "ngettext"):  # type: ignore[attr-defined]
            skip |= {id(child) for child in ast.walk(node)}
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            skip.add(id(body[0].value))  # a docstring
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        if id(node) in skip or not SWEDISH.search(node.value):
            continue
        if (name, _owner(tree, node)) in DATA:
            continue
        found.append(f"{name}:{node.lineno}: {node.value!r}")
    return found


def test_the_web_apps_texts_go_through_gettext() -> None:
    found = [
        line
        for path in sorted(WEB.rglob("*.py"))
        for line in unmarked_swedish(
            path.read_text(encoding="utf-8"), path.relative_to(WEB).as_posix()
        )
    ]
    assert found == [], "\n".join(found)


def test_the_check_finds_a_plain_swedish_string() -> None:
    # The check itself can fail: a message written in Swedish, outside _(), is found; data
    # the list above names is not.
    text = (WEB / "routes" / "meetings.py").read_text(encoding="utf-8")
    plain = text.replace('_("The extract is already certified.")', '"Utdraget är redan bestyrkt."')
    assert plain != text
    assert unmarked_swedish(text, "routes/meetings.py") == []
    assert [line.split(": ", 1)[1] for line in unmarked_swedish(plain, "routes/meetings.py")] == [
        "'Utdraget är redan bestyrkt.'"
    ]
    forms = (WEB / "forms.py").read_text(encoding="utf-8")
    assert unmarked_swedish(forms, "forms.py") == []
    assert unmarked_swedish(forms, "other.py") != []


def test_the_pages_are_swedish_whatever_the_servers_language(tmp_path: Path) -> None:
    """Messages the routes give (a refusal, a wrong password, the menu) in Swedish, though
    the process's language of messages is English when the app is made."""
    config = workspace(tmp_path)
    i18n.set_language("en")
    try:
        from litestar.testing import TestClient

        from avtalsgen.web.app import create_app

        app = create_app(config)
        i18n.set_language("en")  # as if something in the process changed it since
        with TestClient(app) as client:
            page = client.get("/login").text
            refused = client.post(
                "/login",
                data={"namn": "handl", "losenord": "fel", "_csrf_token": csrf_of(page)},
            )
            assert refused.status_code == 401
            assert "Fel användarnamn eller lösenord." in refused.text
    finally:
        i18n.set_language(None)
    with client_for(config, "sekr") as client:
        i18n.set_language("en")
        menu = client.get("/arenden").text
        assert ">Sammanträden<" in menu and ">Körning<" in menu and "Meetings" not in menu
        i18n.set_language("en")
        response = client.get("/sammantraden/exempel-run-2023-12-05/bestyrk?paragraf=212")
        assert "Paragrafen har inget protokollsutdrag ännu: gör det först." in response.text
