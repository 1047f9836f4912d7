"""Pure helpers: rate limiter, error catalogue, locales, tokens, addresses, QR codes."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from flask import Flask

from facilitator.errors import MESSAGES, CommandError, message
from facilitator.limits import RateLimiter
from facilitator.qr import qr_svg
from facilitator.urls import lan_address, served_base_url


def test_rate_limiter_window():
    now = [0.0]
    limiter = RateLimiter(2, 10, clock=lambda: now[0])
    assert limiter.allow("a") and limiter.allow("a") and not limiter.allow("a")
    assert limiter.allow("b")
    now[0] = 10.5
    assert limiter.allow("a")
    assert RateLimiter(0, 1).allow("x")


def test_every_error_has_french_and_english():
    for code, texts in MESSAGES.items():
        assert set(texts) == {"fr", "en"}, code
        assert texts["fr"] != texts["en"], code
    assert message("not_found", "fr", what="idea") == "Élément introuvable : idée."
    assert message("not_found", "en", what="idea") == "Not found: idea."
    assert message("text_too_long", "de", length=3, limit=2).startswith("L'idée est trop longue")
    assert CommandError("forbidden", status=403).as_ack("en") == {
        "ok": False,
        "error": "forbidden",
        "message": "Only facilitators can do this.",
    }


def test_locales_have_the_same_keys():
    from facilitator.i18n_tools import read

    fr, en = read("fr"), read("en")
    assert set(fr) == set(en)
    assert fr, "empty catalogue"


def test_tokens_round_trip_and_reject_tampering():
    from facilitator.tokens import participant_token, read_participant_token

    app = Flask(__name__)
    app.config["SECRET_KEY"] = "s"
    with app.app_context():
        token = participant_token(3, 17, "abc")
        assert read_participant_token(token) == (3, 17, "abc")
        assert read_participant_token(token[:-2] + "xx") is None
        assert read_participant_token(None) is None
        assert read_participant_token("x" * 600) is None


def test_served_base_url_uses_lan_address_for_wildcard():
    assert served_base_url("127.0.0.1", 8000) == "http://127.0.0.1:8000"
    url = served_base_url("0.0.0.0", 5000)
    address = lan_address()
    assert url == f"http://{address or 'localhost'}:5000"
    assert address is None or not address.startswith("127.")


def test_qr_code_is_svg_of_the_address():
    svg = qr_svg("http://192.168.1.20:5000/j/DEVUP")
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert b"<path" in svg


def test_wsgi_errors_become_one_log_line_each(caplog):
    """eventlet's websocket writes 'socket shutdown error' without a newline; each must be its own line."""
    import logging
    import socket

    from eventlet.websocket import WebSocket

    from facilitator.wsgi_errors import LineLog

    errors = LineLog()
    environ = {
        "wsgi.errors": errors,
        "SERVER_NAME": "s",
        "PATH_INFO": "/socket.io/",
        "REMOTE_ADDR": "1.2.3.4",
        "REMOTE_PORT": "5",
        "HTTP_HOST": "h",
    }
    with caplog.at_level(logging.INFO, logger="facilitator.wsgi"):
        for _ in range(3):
            a, b = socket.socketpair()
            b.close()
            a.close()  # gone before the websocket closes: shutdown fails with EBADF
            WebSocket(a, environ).close()
    lines = [r.getMessage() for r in caplog.records if r.name == "facilitator.wsgi"]
    assert len(lines) == 3, lines
    assert all("socket shutdown error" in line and "\n" not in line for line in lines)
