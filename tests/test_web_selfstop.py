"""An administrator cannot stop their own account on Användare: the page offers no button
for it, and a form sent anyway is refused with what to do instead (the session went on)."""

from __future__ import annotations

from pathlib import Path

from webtools import client_for, csrf_of, workspace


def test_an_administrator_cannot_stop_their_own_account(tmp_path: Path) -> None:
    config = workspace(tmp_path)
    with client_for(config, "admin") as client:
        page = client.get("/anvandare").text
        assert 'Stoppa<span class="visually-hidden"> admin</span>' not in page
        assert 'Stoppa<span class="visually-hidden"> lasare</span>' in page
        refused = client.post("/anvandare", data={
            "namn": "admin", "atgard": "stoppa", "_csrf_token": csrf_of(page)})  # fmt: skip
        assert refused.status_code == 422
        assert "Du kan inte stoppa ditt eget konto" in refused.text
        assert "avtalsgen users disable admin" in refused.text
        # Still logged in, and still allowed to log in.
        assert client.get("/anvandare").status_code == 200
