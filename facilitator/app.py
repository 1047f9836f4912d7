"""The application factory: settings, database, Socket.IO, blueprints, security headers."""

from __future__ import annotations

from flask import Flask, current_app, jsonify, request
from sqlalchemy import event as sa_event

from .config import ROOT, Config
from .extensions import db, migrate, socketio

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)

SOCKET_MAX_BUFFER = 64 * 1024  # bytes of one Socket.IO message or polling POST


def create_app(config: Config | None = None) -> Flask:
    """Build the app: settings, database, Socket.IO, blueprints, security headers."""
    config = config or Config()
    app = Flask(
        __name__,
        instance_path=str(config.INSTANCE_PATH),
        static_folder=str(ROOT / "static"),
        template_folder=str(ROOT / "templates"),
    )
    # Forms, query strings, JSON bodies and URL parts arrive without control characters (text.py).
    from .text import CleanRequest, clean_view_args

    app.request_class = CleanRequest
    app.before_request(clean_view_args)
    app.config.from_object(config)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = config.SQLALCHEMY_ENGINE_OPTIONS
    config.INSTANCE_PATH.mkdir(parents=True, exist_ok=True)

    # Handlers must be registered before init_app binds the Socket.IO server:
    # importing afterwards would attach them to the first app's server only.
    from . import sockets  # noqa: F401

    db.init_app(app)
    from .i18n import init_app as init_i18n

    init_i18n(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    from .message_queue import queue_options

    socketio.init_app(
        app,
        async_mode=config.ASYNC_MODE,
        **queue_options(config.SOCKETIO_MESSAGE_QUEUE, config.SOCKETIO_CHANNEL),
        ping_interval=config.PING_INTERVAL,
        ping_timeout=config.PING_INTERVAL,
        cors_allowed_origins=config.CORS_ORIGINS,
        max_http_buffer_size=SOCKET_MAX_BUFFER,
    )
    from .logfilter import install as throttle_socket_errors

    throttle_socket_errors()
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            sa_event.listen(db.engine, "connect", _sqlite_pragmas)

    from .views import misc, participant, staff

    app.register_blueprint(participant.bp)
    app.register_blueprint(staff.bp)
    app.register_blueprint(misc.bp)
    from .views import organiser

    app.register_blueprint(organiser.bp)
    from .views import review

    app.register_blueprint(review.organiser_bp)
    app.register_blueprint(review.link_bp)
    app.after_request(_headers)
    _error_pages(app)
    if config.TRUSTED_PROXIES > 0:
        # Only then is X-Forwarded-For believed (the client address of the rate limits): without a
        # proxy, anybody could send the header and pick a fresh address for every request.
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=config.TRUSTED_PROXIES, x_proto=config.TRUSTED_PROXIES)
    app.wsgi_app = _PayloadLimit(app.wsgi_app, SOCKET_MAX_BUFFER)
    if not config.WEBSOCKET_COMPRESSION:
        from .transport import NoWebSocketCompression

        app.wsgi_app = NoWebSocketCompression(app.wsgi_app)
    app.wsgi_app = _LastResort(app.wsgi_app)
    return app


class _PayloadLimit:
    """A Socket.IO polling POST over the buffer size is answered 413 (and the connection closed) before
    engine.io sees it: engine.io answered 400 without reading the body, and under eventlet the
    client, still sending, never got that answer."""

    def __init__(self, wsgi_app, limit: int):
        self.wsgi_app, self.limit = wsgi_app, limit

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") == "POST" and environ.get("PATH_INFO", "").startswith("/socket.io"):
            try:
                length = int(environ.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = -1
            if length < 0 or length > self.limit:
                return _plain(
                    start_response, "413 REQUEST ENTITY TOO LARGE", b"413 Payload Too Large", ("Connection", "close")
                )
        return self.wsgi_app(environ, start_response)


SECURITY_HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Frame-Options", "DENY"),
)


def _plain(start_response, status: str, body: bytes, *extra_headers) -> list[bytes]:
    """A plain-text answer below Flask (its error pages are out of reach there), with the security headers."""
    start_response(
        status,
        [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", str(len(body))),
            *extra_headers,
            *SECURITY_HEADERS,
        ],
    )
    return [body]


class _LastResort:
    """Outermost WSGI layer: an exception that escaped Flask (a failing error page, propagated
    exceptions) becomes a bare 500 with the security headers, never a traceback in the browser
    (eventlet's WSGI server writes the traceback into the response body otherwise)."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        try:
            return self.wsgi_app(environ, start_response)
        except Exception:  # noqa: BLE001 - logged, then a plain 500
            import logging

            path = environ.get("PATH_INFO") or ""
            # Socket.IO transport errors come from hostile traffic: the throttled one-line logger.
            name = "facilitator.socketio" if path.startswith("/socket.io") else "facilitator"
            logging.getLogger(name).exception("unhandled error on %s", path)
            return _plain(start_response, "500 INTERNAL SERVER ERROR", b"500 Internal Server Error")


def _sqlite_pragmas(connection, _record) -> None:
    """WAL lets readers work during a write; NORMAL sync survives a killed process."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _headers(response):
    """Security headers on every response; remember an explicit ?lang= choice."""
    for name, value in SECURITY_HEADERS:
        response.headers.setdefault(name, value)
    lang = request.args.get("lang")
    if lang in ("fr", "en"):
        response.set_cookie("lang", lang, max_age=365 * 24 * 3600, samesite="Lax")
    return response


def _error_pages(app: Flask) -> None:
    """Readable error pages in the user's language; JSON for the API."""
    from .errors import message
    from .i18n import request_language, translate
    from .views.common import render_page

    def handler(status: int, key: str):
        def handle(_error):
            lang = request_language()
            if request.path.startswith("/api/"):
                code = "not_found" if status == 404 else "internal"
                what = {"what": "workshop"} if status == 404 else {}
                return jsonify({"ok": False, "error": code, "message": message(code, lang, **what)}), status
            try:
                return render_page("error.html", status=status, message=translate(lang, key))
            except Exception:  # noqa: BLE001 - the error page itself failed: a plain one, never a traceback
                current_app.logger.exception("error page %s failed", status)
                return translate(lang, key), status, {"Content-Type": "text/plain; charset=utf-8"}

        return handle

    app.register_error_handler(404, handler(404, "page.error.not_found"))
    app.register_error_handler(405, handler(405, "page.error.not_found"))
    app.register_error_handler(500, handler(500, "page.error.internal"))
