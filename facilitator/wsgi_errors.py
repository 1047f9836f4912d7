"""``wsgi.errors`` as log lines: what the server's libraries write there arrives one message per line.

eventlet's websocket writes "socket shutdown error: [Errno 9] Bad file
descriptor" to ``environ["wsgi.errors"]`` (the process's stderr) with no
newline when a client vanishes, so under load twenty of them ran together on
one line of the server's log. ``serve`` wraps the app so that each such write
becomes one record of the ``facilitator.wsgi`` logger (INFO: a client that
left is not a fault; shown with the rest when the log level is INFO).
"""

from __future__ import annotations

import logging

log = logging.getLogger("facilitator.wsgi")


class LineLog:
    """A file-like ``wsgi.errors`` that logs each write (or line of a write) as one record."""

    def write(self, text) -> int:
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        for line in str(text).splitlines():
            if line.strip():
                log.info("%s", line.rstrip())
        return len(text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        pass


class ErrorsToLog:
    """WSGI middleware: give the wrapped app a ``LineLog`` as ``wsgi.errors``."""

    def __init__(self, app):
        self.app, self.errors = app, LineLog()

    def __call__(self, environ, start_response):
        environ["wsgi.errors"] = self.errors
        return self.app(environ, start_response)
