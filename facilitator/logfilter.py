"""Malformed Socket.IO traffic is logged as one short line, at most once per interval.

python-engineio/python-socketio log every undecodable packet with a full traceback
(``logger.exception("message handler error")``): anybody could fill the log. This filter, on
their loggers, drops the traceback and lets through one line per ``interval`` seconds, saying
how many were held back since the last one.

The same loggers carry the message queue's errors (python-socketio's Redis manager logs
"Cannot receive from redis" through the server's logger): those are labelled as such, not as
bad client traffic, and throttled on their own, so that a Redis outage is named for what it is
and a flood of malformed packets cannot hide it.
"""

from __future__ import annotations

import logging
import time

LOGGERS = ("engineio.server", "socketio.server", "facilitator.socketio")
#: Modules whose records are about the message queue between processes, not a client's traffic.
QUEUE_MODULES = frozenset(
    {"pubsub_manager", "redis_manager", "kafka_manager", "kombu_manager", "zmq_manager", "message_queue"}
)


class ThrottledErrors(logging.Filter):
    def __init__(self, interval: float = 60.0, clock=time.monotonic):
        super().__init__()
        self.interval, self.clock = interval, clock
        self.last: dict[str, float] = {}  # label -> when its last line went through
        self.held: dict[str, int] = {}  # label -> lines held back since

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        label = "message queue" if record.module in QUEUE_MODULES else "bad Socket.IO traffic"
        now = self.clock()
        last = self.last.get(label)
        if last is not None and now - last < self.interval:
            self.held[label] = self.held.get(label, 0) + 1
            return False
        kind = record.exc_info[0].__name__ if record.exc_info and record.exc_info[0] else "error"
        record.msg = f"{label}: {record.getMessage()} ({kind})"
        held = self.held.pop(label, 0)
        if held:
            record.msg += f"; {held} more since the last such line"
        record.args, record.exc_info, record.exc_text, record.stack_info = (), None, None, None
        self.last[label] = now
        return True


def install(interval: float = 60.0) -> None:
    """Put one filter on each Socket.IO logger (once per process)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, ThrottledErrors) for f in logger.filters):
            logger.addFilter(ThrottledErrors(interval))
