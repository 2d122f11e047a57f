"""The web app's security: logins, sessions, CSRF, roles, paths, uploads, escaping, secrets."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import time
from pathlib import Path

import pytest
from webtools import PASSWORD, USERS, client_for, csrf_of, login, workspace

from avtalsgen.web import auth
from avtalsgen.web.app import create_app
from avtalsgen.web.config import WebConfig

#: Every page and file of the app (with example parameters), which need a login.
PAGES = [
    "/", "/arenden", "/arenden/ny", "/arenden/RUN-00386-2023",
    "/arenden/RUN-00386-2023/versioner", "/arenden/RUN-00386-2023/forhandsgranskning",
    "/arenden/RUN-00386-2023/lage",
    "/arenden/RUN-00386-2023/forhandsgranskning/beslutsforslag.pdf",
    "/arenden/RUN-00386-2023/forhandsgranskning/beslutsforslag.pdf/sida/1",
    "/sammantraden", "/sammantraden/ny", "/sammantraden/exempel-run-2023-12-05",
    "/sammantraden/exempel-run-2023-12-05/versioner", "/sammantraden/datum?datum=2024-01-01",
    "/sammantraden/exempel-run-2023-12-05/bestyrk?paragraf=212",
    "/paket", "/paket/signera", "/verifiera", "/korning", "/korning/1", "/korning/1/handelser",
    "/logg",
    "/anvandare", "/filer/RUN-00386-2023/paket.pdf", "/filer/RUN-00386-2023/paket.pdf/sida/1",
    "/utdata/RUN-00386-2023/paket.pdf", "/utdata/sammantraden",
]  # fmt: skip
#: Every state-changing request.
POSTS = [
    "/logout", "/arenden/ny", "/arenden/RUN-00386-2023", "/sammantraden/ny",
    "/sammantraden/exempel-run-2023-12-05", "/sammantraden/exempel-run-2023-12-05/utdrag",
    "/sammantraden/exempel-run-2023-12-05/anslag",
    "/sammantraden/exempel-run-2023-12-05/expediering",
    "/sammantraden/exempel-run-2023-12-05/publicering",
    "/sammantraden/exempel-run-2023-12-05/bestyrk",
    "/paket/RUN-00386-2023/signera", "/paket/signera", "/verifiera", "/korning", "/anvandare",
]  # fmt: skip


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> WebConfig:
    return workspace(tmp_path_factory.mktemp("web"))


def test_every_route_is_listed_here(config: WebConfig) -> None:
    """The lists above name every route of the app, so a new page cannot skip the checks."""
    app = create_app(config)
    paths = {route.path for route in app.routes if not route.path.startswith("/static")}
    listed = {p.split("?")[0] for p in PAGES + POSTS} | {"/login", "/sprak/en"}
    normalised = {
        path.replace("RUN-00386-2023", "{dnr:str}").replace("exempel-run-2023-12-05", "{stem:str}")
        for path in listed
    }
    for path in paths:
        generic = path.replace("{stem:str}", "{stem:str}")
        assert any(_matches(generic, candidate) for candidate in listed | normalised), (
            f"route {path} is not in the security test's lists"
        )


def _matches(route: str, path: str) -> bool:
    route_parts, path_parts = route.strip("/").split("/"), path.strip("/").split("/")
    return len(route_parts) == len(path_parts) and all(
        r == p or r.startswith("{") for r, p in zip(route_parts, path_parts, strict=True)
    )


def test_nothing_without_login_but_the_login_page_and_static_assets(config: WebConfig) -> None:
    with client_for(config) as client:
        for path in PAGES:
            response = client.get(path, follow_redirects=False)
            assert response.status_code in (303, 401), (path, response.status_code)
            if response.status_code == 303:
                assert response.headers["location"].startswith("/login"), path
            assert (
                "RUN-00386-2023" not in response.text
                or path in response.headers.get("location", "")
                or "Swedish Lapland" not in response.text
            )
        assert client.get("/login").status_code == 200
        assert client.get("/static/app.js").status_code == 200
        # The choice of language: a cookie and back to a page of this app, never elsewhere.
        for target, back in [
            ("/sammantraden", "/sammantraden"), ("//elsewhere.example/x", "/arenden"),
            ("https://elsewhere.example/", "/arenden"), ("/\\elsewhere.example", "/arenden"),
        ]:  # fmt: skip
            response = client.get("/sprak/en", params={"sida": target}, follow_redirects=False)
            assert response.status_code == 303, target
            assert response.headers["location"] == back, target
            cookie = response.headers["set-cookie"].lower()
            assert cookie.startswith("avtalsgen_sprak=en;"), cookie
            assert "httponly" in cookie and "samesite=lax" in cookie, cookie
        assert client.get("/sprak/de", follow_redirects=False).status_code == 404
        assert client.get("/static/vendor/htmx/htmx.min.js").status_code == 200


def test_a_form_sent_without_a_session_leads_back_through_the_login(config: WebConfig) -> None:
    """A POST whose session has ended is refused (401) with a page that says so and leads to
    the login and on to the page the form was sent from, when that is a page of this app
    (never another site's); nothing is written."""
    before = (config.cases / "RUN-00386-2023.yaml").read_text(encoding="utf-8")
    with client_for(config) as client:
        token = csrf_of(client.get("/login").text)
        sent = {"_csrf_token": token, "data": "{}", "sha": ""}
        for referer, back in [
            ("http://testserver.local/arenden/RUN-00386-2023?sparad=2", "/arenden/RUN-00386-2023"),
            ("https://elsewhere.example/arenden/RUN-00386-2023", "/arenden"),
            ("http://testserver.local//elsewhere.example/x", "/arenden"),
            (None, "/arenden"),
        ]:  # fmt: skip
            headers = {"referer": referer} if referer else {}
            response = client.post("/arenden/RUN-00386-2023", data=sent, headers=headers,
                                   follow_redirects=False)  # fmt: skip
            assert response.status_code == 401, response.text
            assert "Inte sparat: du är inte inloggad" in response.text
            assert f'href="/login?next={back}"' in response.text, (referer, response.text)
        # A step of a meeting's page: nothing typed is kept, the page says to do it again.
        response = client.post(
            "/sammantraden/exempel-run-2023-12-05/anslag", data={"_csrf_token": token},
            headers={"referer": "http://testserver.local/sammantraden/exempel-run-2023-12-05"},
        )  # fmt: skip
        assert response.status_code == 401
        assert 'href="/login?next=/sammantraden/exempel-run-2023-12-05"' in response.text
        assert "Logga in igen och gör om det." in response.text
        assert "finns kvar" not in response.text
    assert (config.cases / "RUN-00386-2023.yaml").read_text(encoding="utf-8") == before


def test_pages_ask_for_static_assets_by_their_version_and_keep_them(
    config: WebConfig, tmp_path: Path
) -> None:
    """Scripts and style are asked for by the static assets' version and served to be kept;
    the pages themselves are never kept. The version follows the assets' contents."""
    import shutil

    from avtalsgen.web.app import HERE, static_version

    version = static_version()
    with client_for(config, "alla") as client:
        for path in ("/arenden", "/arenden/RUN-00386-2023"):
            page = client.get(path)
            assert page.headers["cache-control"] == "no-store", path
            assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', page.text)
            assert assets and all(url.endswith(f"?v={version}") for url in assets), assets
            for url in assets:
                response = client.get(url)
                assert response.status_code == 200, url
                assert response.headers["cache-control"] == "max-age=31536000, public, immutable"
        assert any("jsoneditor.js" in url for url in assets)
    copy = shutil.copytree(HERE / "static", tmp_path / "static")
    assert static_version(copy) == version
    (copy / "app.js").write_text((copy / "app.js").read_text(encoding="utf-8") + "\n")
    assert static_version(copy) != version


def test_a_post_without_a_valid_csrf_token_is_refused(config: WebConfig) -> None:
    with client_for(config, "alla") as client:
        for path in POSTS:
            response = client.post(path, data={"x": "1"}, follow_redirects=False)
            assert response.status_code == 403, (path, response.status_code)
            forged = client.post(path, data={"_csrf_token": "0" * 128}, follow_redirects=False)
            assert forged.status_code == 403, path
        # The login form too (login CSRF).
        client.cookies.clear()
        response = client.post("/login", data={"namn": "alla", "losenord": PASSWORD})
        assert response.status_code == 403


def test_roles_a_handlaggare_cannot_sign_or_manage_users(config: WebConfig) -> None:
    with client_for(config, "handl") as client:
        token = csrf_of(client.get("/arenden").text)
        assert client.get("/anvandare").status_code == 403
        response = client.post(
            "/anvandare",
            data={
                "_csrf_token": token,
                "namn": "ny",
                "losenord": "x" * 12,
                "roll": "administratör",
            },
        )
        assert response.status_code == 403
        response = client.post(
            "/paket/RUN-00386-2023/signera", data={"_csrf_token": token, "falt": "region"}
        )
        assert response.status_code == 403
        assert "Signera" not in client.get("/paket").text
        # Nor take the secretary's steps after a meeting.
        for step in ("utdrag", "anslag", "expediering", "publicering", "bestyrk"):
            response = client.post(
                f"/sammantraden/exempel-run-2023-12-05/{step}", data={"_csrf_token": token}
            )
            assert response.status_code == 403, step
        certify = client.get("/sammantraden/exempel-run-2023-12-05/bestyrk?paragraf=212")
        assert certify.status_code == 403
        assert "Gör anslag" not in client.get("/sammantraden/exempel-run-2023-12-05").text
        assert "Användare" not in client.get("/arenden").text  # not in the menu either
    assert auth.get_user(config.database, "ny") is None
    with client_for(config, "lasare") as client:
        token = csrf_of(client.get("/arenden").text)
        response = client.post(
            "/arenden/RUN-00386-2023", data={"_csrf_token": token, "data": "{}", "sha": "x"}
        )
        assert response.status_code == 403
        assert client.post("/korning", data={"_csrf_token": token}).status_code == 403


def test_session_cookie_flags_and_a_new_session_id_at_login(tmp_path: Path) -> None:
    config = workspace(tmp_path, secure_cookies=True)
    with client_for(config, base_url="https://testserver.local") as client:
        page = client.get("/login")
        client.cookies.set("avtalsgen_session", "planted-by-an-attacker")
        response = client.post(
            "/login",
            data={"namn": "admin", "losenord": PASSWORD, "_csrf_token": csrf_of(page.text)},
            follow_redirects=False,
        )
        cookie = response.headers["set-cookie"]
        assert "avtalsgen_session=" in cookie
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" in cookie
        token = cookie.split("avtalsgen_session=")[1].split(";")[0]
        assert token != "planted-by-an-attacker" and len(token) >= 40
        csrf_cookie = page.headers["set-cookie"]
        assert "HttpOnly" in csrf_cookie and "Secure" in csrf_cookie
        # A second login gives another session id, and the first one ends.
        client.cookies.set("avtalsgen_session", token)
        login(client, "admin")
        assert auth.session_user(config.database, token, 30) is None


def test_sessions_end_after_the_idle_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = workspace(tmp_path, idle_minutes=1)
    with client_for(config, "admin") as client:
        assert client.get("/arenden", follow_redirects=False).status_code == 200
        real = time.time
        monkeypatch.setattr(time, "time", lambda: real() + 61)
        response = client.get("/arenden", follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_failed_logins_make_the_next_try_wait_longer_and_longer(tmp_path: Path) -> None:
    # A workspace of its own: the failures counted against the test client's address would
    # make the module's later logins wait.
    config = workspace(tmp_path)
    assert [auth.delay_after(n) for n in range(1, 7)] == [0, 0, 2, 4, 8, 16]
    with client_for(config) as client:
        statuses = []
        for _ in range(4):
            token = csrf_of(client.get("/login").text)
            response = client.post(
                "/login", data={"namn": "sekr", "losenord": "fel", "_csrf_token": token}
            )
            statuses.append(response.status_code)
        assert statuses[:3] == [401, 401, 401]
        assert statuses[3] == 429
        assert "Vänta" in response.text
        # Even the right password waits until the delay has passed.
        token = csrf_of(client.get("/login").text)
        response = client.post(
            "/login", data={"namn": "sekr", "losenord": PASSWORD, "_csrf_token": token}
        )
        assert response.status_code == 429


def test_a_trusted_proxy_header_only_when_configured(tmp_path: Path) -> None:
    plain = workspace(tmp_path / "a")
    with client_for(plain) as client:
        response = client.get(
            "/arenden", headers={"X-Remote-User": "admin"}, follow_redirects=False
        )
        assert response.status_code == 303
    proxied = workspace(tmp_path / "b", proxy_user_header="X-Remote-User",
                        trusted_proxies=("testclient",))  # fmt: skip
    with client_for(proxied) as client:
        response = client.get("/arenden", headers={"X-Remote-User": "admin"})
        assert response.status_code == 200 and "Inloggad: admin" in response.text
        unknown = client.get("/arenden", headers={"X-Remote-User": "okand"}, follow_redirects=False)
        assert unknown.status_code == 303
    other = workspace(tmp_path / "c", proxy_user_header="X-Remote-User",
                      trusted_proxies=("10.0.0.1",))  # fmt: skip
    with client_for(other) as client:
        response = client.get(
            "/arenden", headers={"X-Remote-User": "admin"}, follow_redirects=False
        )
        assert response.status_code == 303


TRAVERSALS = [
    "/arenden/..%2F..%2F..%2Fetc%2Fpasswd", "/arenden/%2e%2e",
    "/arenden/%2Fetc%2Fpasswd", "/arenden/program%2Fnorrbottens-ekosystem",
    "/arenden/..%252F..%252Fetc%252Fpasswd", "/arenden/RUN-00386-2023%00",
    "/arenden/utanfor", "/arenden/utanfor/versioner", "/arenden/utanfor/forhandsgranskning",
    "/sammantraden/..%2FRUN-00386-2023", "/filer/RUN-00386-2023/..%2F..%2Fdata%2Fcsrf-secret",
    "/filer/..%2Fdata/csrf-secret", "/filer/RUN-00386-2023/%2Fetc%2Fpasswd",
    "/filer/RUN-00386-2023/lank.pdf", "/filer/RUN-99999-2023/lank.pdf",
    "/static/..%2F..%2Fweb%2Fapp.py", "/static/%2e%2e/%2e%2e/app.py",
    "/utdata/..%2Fdata%2Fcsrf-secret", "/utdata/%2e%2e/data/csrf-secret",
    "/utdata/%2Fetc%2Fpasswd", "/utdata/RUN-00386-2023/..%2F..%2Fsecret.yaml",
    "/utdata/RUN-00386-2023/lank.pdf", "/utdata/RUN-99999-2023/lank.pdf",
    "/utdata/RUN-00386-2023/.%2E/.%2E/secret.yaml", "/utdata/RUN-00386-2023",
    "/arenden/RUN-00386-2023/forhandsgranskning/..%2F..%2Fcsrf-secret",
    "/arenden/RUN-00386-2023/forhandsgranskning/%2e%2e",
    "/arenden/utanfor/forhandsgranskning/x.pdf",
    "/arenden/RUN-00386-2023/forhandsgranskning/lank.pdf",
    "/arenden/RUN-00386-2023/forhandsgranskning/lank.pdf/sida/1",
]  # fmt: skip


def test_no_path_reaches_outside_the_cases_and_output_folders(tmp_path: Path) -> None:
    config = workspace(tmp_path / "ws")
    secret = tmp_path / "secret.yaml"
    secret.write_text("hemlighet: ja\n", encoding="utf-8")
    (config.cases / "utanfor.yaml").symlink_to(secret)
    folder = config.output / "RUN-00386-2023"
    folder.mkdir()
    (folder / "lank.pdf").symlink_to(tmp_path / "secret.yaml")
    (config.output / "RUN-99999-2023").symlink_to(tmp_path)
    (tmp_path / "lank.pdf").write_bytes(b"%PDF-1.7 outside")
    kept = config.data / "forhandsgranskning" / "RUN-00386-2023"  # the preview's copies
    kept.mkdir(parents=True)
    (kept / "lank.pdf").symlink_to(tmp_path / "lank.pdf")
    with client_for(config, "alla") as client:
        assert "utanfor" not in client.get("/arenden").text
        for path in TRAVERSALS:
            response = client.get(path)
            assert response.status_code in (400, 404), (path, response.status_code)
            assert "hemlighet" not in response.text and "outside" not in response.text, path
            assert "import" not in response.text, path
        token = csrf_of(client.get("/arenden").text)
        for path in ("/arenden/utanfor", "/arenden/..%2Fx"):
            response = client.post(path, data={"_csrf_token": token, "data": "{}", "sha": ""})
            assert response.status_code in (400, 404), path
        response = client.post(
            "/arenden/ny",
            data={"_csrf_token": token, "filnamn": "../../ut", "data": json.dumps({"dnr": "x"})},
        )
        assert response.status_code == 422
        assert (
            not (tmp_path / "ut.yaml").exists() and not (config.cases.parent / "ut.yaml").exists()
        )
    assert secret.read_text(encoding="utf-8") == "hemlighet: ja\n"


def test_uploads_are_limited_and_a_hostile_pdf_gives_an_error_page(tmp_path: Path) -> None:
    config = workspace(tmp_path, max_upload_bytes=50_000)
    hostile = [
        b"%PDF-1.7\n" + b"1 0 obj << /Length 99999999 >> stream\n" + b"\x00" * 1000,
        b"%PDF-1.4\ntrailer << /Root << /Pages 1 0 R >> >>\n%%EOF",
        b"%PDF-" + b"(" * 20_000,
    ]
    with client_for(config, "lasare") as client:
        token = csrf_of(client.get("/verifiera").text)
        for data in hostile:
            response = client.post(
                "/verifiera", data={"_csrf_token": token},
                files={"fil": ("ond.pdf", data, "application/pdf")},
            )  # fmt: skip
            # Refused with a message, or read and reported as not valid: never a crash.
            assert response.status_code in (200, 422), response.text
            assert "Kunde inte verifieras" in response.text or (
                "Resultat: INTE giltigt" in response.text and "ond.pdf" in response.text
            )
            assert "/tmp" not in response.text
        response = client.post(
            "/verifiera", data={"_csrf_token": token},
            files={"fil": ("bild.png", b"\x89PNG\r\n" + b"0" * 100, "image/png")},
        )  # fmt: skip
        assert response.status_code == 422 and "inte en PDF-fil" in response.text
        response = client.post(
            "/verifiera", data={"_csrf_token": token},
            files={"fil": ("stor.pdf", b"%PDF-" + b"0" * 200_000, "application/pdf")},
        )  # fmt: skip
        assert response.status_code in (413, 422)
        assert client.get("/arenden").status_code == 200  # still serving


def test_case_text_with_script_or_braces_shows_as_text_everywhere(tmp_path: Path) -> None:
    config = workspace(tmp_path)
    path = config.cases / "RUN-00386-2023.yaml"
    evil = "<script>alert(1)</script> {{ 7*7 }} </script><b>x"
    text = path.read_text(encoding="utf-8").replace(
        "titel: Pilotprojekt inom Norrbottens ekosystem - Swedish Lapland visitors board",
        f"titel: '{evil}'",
    )
    path.write_text(text, encoding="utf-8")
    with client_for(config, "alla") as client:
        for page in ("/arenden", "/arenden/RUN-00386-2023", "/arenden/RUN-00386-2023/versioner"):
            html = client.get(page).text
            assert "<script>alert" not in html, page
            assert "</script><b>" not in html, page
            # The CSRF token, the hashes and the dates and times shown may hold any digits
            # (a date and its time may stand in elements of their own).
            text = re.sub(r"[0-9a-f]{16,}|\d{4}-\d\d-\d\d|\d\d:\d\d(?::\d\d)?", "", html)
            assert "49" not in text.replace("RUN-00386-2023", ""), page
        html = client.get("/arenden").text
        assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }}" in html
        form = client.get("/arenden/RUN-00386-2023").text
        start = form.index('id="editor-data">') + len('id="editor-data">')
        data = json.loads(form[start : form.index("</script>", start)])
        assert data["titel"] == evil  # the JSON in the page reads back as the text itself


def test_secrets_never_appear_in_pages_or_the_audit_log(tmp_path: Path) -> None:
    config = workspace(tmp_path)
    os.environ["AVTALSGEN_P12_PASSPHRASE"] = "pass-phrase-123"
    try:
        with client_for(config, "admin") as client:
            token = csrf_of(client.get("/anvandare").text)
            response = client.post(
                "/anvandare",
                data={"_csrf_token": token, "namn": "ny", "losenord": "ett-hemligt-ord-9",
                      "roll": "läsare"},
            )  # fmt: skip
            assert response.status_code == 200
            pages = [client.get(p).text for p in ("/anvandare", "/logg", "/arenden")]
        with client_for(config) as client:
            token = csrf_of(client.get("/login").text)
            client.post("/login", data={"namn": "ny", "losenord": "fel-lösen-pass-phrase-123",
                                        "_csrf_token": token})  # fmt: skip
    finally:
        del os.environ["AVTALSGEN_P12_PASSPHRASE"]
    secret = (config.data / "csrf-secret").read_text(encoding="ascii")
    conn = sqlite3.connect(config.database)
    audit_text = json.dumps([list(row) for row in conn.execute("SELECT * FROM audit")])
    users = conn.execute("SELECT hash FROM users WHERE name = 'ny'").fetchone()[0]
    conn.close()
    assert users.startswith("$argon2id$")
    for text in [*pages, audit_text]:
        for value in ("ett-hemligt-ord-9", PASSWORD, secret, "pass-phrase-123", "fel-lösen"):
            assert value not in text


def test_the_audit_log_is_append_only(config: WebConfig) -> None:
    with client_for(config, "admin"):
        pass
    conn = sqlite3.connect(config.database)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute("UPDATE audit SET user = 'x'")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute("DELETE FROM audit")
    finally:
        conn.close()


def test_every_user_of_the_table_can_log_in(config: WebConfig) -> None:
    for name in USERS:
        with client_for(config, name) as client:
            assert f"Inloggad: {name}" in client.get("/arenden").text
