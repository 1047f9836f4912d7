"""Pages over HTTP: rendering, language, security headers, QR codes, error pages."""

from __future__ import annotations

import xml.etree.ElementTree as ET


def test_home_and_join_pages_render_in_french_by_default(client):
    home = client.get("/")
    assert home.status_code == 200
    assert 'lang="fr"' in home.get_data(as_text=True)
    join = client.get("/j/DEVUP/2")
    page = join.get_data(as_text=True)
    assert join.status_code == 200
    assert "business marché" in page
    assert "Cosmetic Valley" in page and "Elastopôle" in page
    assert 'id="page-config"' in page


def test_language_switch_and_cookie(client):
    english = client.get("/j/DEVUP?lang=en")
    assert 'lang="en"' in english.get_data(as_text=True)
    assert "lang=en" in english.headers.get("Set-Cookie", "")
    assert 'lang="en"' in client.get("/").get_data(as_text=True)  # remembered
    assert 'lang="en"' in client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)


def test_security_headers_on_every_page(client, room):
    for path in ("/", "/j/DEVUP", "/w/DEVUP", f"/w/DEVUP/projector?key={room.projector_key}", "/nope"):
        response = client.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "object-src 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"


def test_no_inline_script_in_pages(client, room):
    for path in ("/", "/j/DEVUP", "/w/DEVUP", f"/w/DEVUP/console?key={room.facilitator_key}"):
        page = client.get(path).get_data(as_text=True)
        for chunk in page.split("<script")[1:]:
            head = chunk.split(">", 1)[0]
            assert 'type="module"' in head or 'type="application/json"' in head, (path, head)


def test_join_code_form(client):
    response = client.get("/join?code=devup")
    assert response.status_code == 302 and response.headers["Location"].endswith("/j/DEVUP")
    unknown = client.get("/join?code=ZZZ")
    assert unknown.status_code == 404
    assert "ZZZ" not in unknown.headers.get("Location", "")


def test_staff_pages_need_their_key(client, room):
    assert client.get("/w/DEVUP/console").status_code == 403
    assert client.get(f"/w/DEVUP/console?key={room.projector_key}").status_code == 403
    assert client.get(f"/w/DEVUP/console?key={room.facilitator_key}").status_code == 200
    assert client.get(f"/w/DEVUP/projector?key={room.facilitator_key}").status_code == 403
    assert client.get(f"/w/DEVUP/projector?key={room.projector_key}").status_code == 200


def test_qr_codes(client):
    for path in ("/qr/DEVUP.svg", "/qr/DEVUP/3.svg"):
        response = client.get(path)
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"
        ET.fromstring(response.data)
    assert client.get("/qr/DEVUP/9.svg").status_code == 404
    assert client.get("/qr/NOPE.svg").status_code == 404


def test_unknown_pages_and_api(client):
    page = client.get("/j/NOPE")
    assert page.status_code == 404 and "text/html" in page.content_type
    api = client.post("/api/w/NOPE/join", json={})
    assert api.status_code == 404 and api.get_json()["error"] == "not_found"
    assert client.get("/healthz").get_json() == {"ok": True}


def test_join_address_uses_public_url(room):
    snapshot = room.facilitator().snapshot
    assert snapshot["workshop"]["join_url"] == "http://testserver.local/j/DEVUP"
    assert snapshot["tables"][0]["join_url"] == "http://testserver.local/j/DEVUP/1"


def test_csp_lets_pages_connect_to_their_own_origin_only(client):
    """``connect-src 'self' ws: wss:`` let a page open a WebSocket to any host; 'self' covers the same-origin
    ws:/wss: address (CSP Level 3, every current browser: tests/e2e/test_morning.py connects under it)."""
    csp = client.get("/").headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    assert directives["connect-src"] == "'self'"
