"""Malformed Socket.IO traffic is logged as one short line, at most once per interval.

python-engineio/python-socketio log every undecodable packet with a full traceback
(``logger.exception("message handler error")``): anybody could fill the log. This filter, on
their loggers, drops the traceback and lets through one line per ``interval`` seconds, saying
how many were held back since the last one.
"""

from __future__ import annotations

import logging
import time

LOGGERS = ("engineio.server", "socketio.server", "facilitator.socketio")


class ThrottledErrors(logging.Filter):
    def __init__(self, interval: float = 60.0, clock=time.monotonic):
        super().__init__()
        self.interval, self.clock = interval, clock
        self.last: float | None = None
        self.held = 0

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        now = self.clock()
        if self.last is not None and now - self.last < self.interval:
            self.held += 1
            return False
        kind = record.exc_info[0].__name__ if record.exc_info and record.exc_info[0] else "error"
        record.msg = f"bad Socket.IO traffic: {record.getMessage()} ({kind})"
        if self.held:
            record.msg += f"; {self.held} more since the last such line"
        record.args, record.exc_info, record.exc_text, record.stack_info = (), None, None, None
        self.last, self.held = now, 0
        return True


def install(interval: float = 60.0) -> None:
    """Put one filter on each Socket.IO logger (once per process)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, ThrottledErrors) for f in logger.filters):
            logger.addFilter(ThrottledErrors(interval))
