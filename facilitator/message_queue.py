"""The message queue between server processes: one Redis message per committed unit of work.

python-socketio's ``RedisManager`` publishes every emit on its own. A logged event goes to three
rooms (staff, projectors, its table), and an idea brings two events (posted, then grouped), so
every idea cost the emitting process six PUBLISH round trips to Redis, each a wake-up of its
event loop for the reply, and woke every other process six times to read, parse and dispatch
one message. That per-event cost is what a second process added to the same deliveries: the
web processes of two cost 1.18 times one process's CPU, 1.06 with this module (six pairs of
runs, 1.00-1.17; bench/realtime.py --cluster 2; docs/deployment.md, "What a second process
costs").

``BatchRedisManager.emit_many`` sends the emits of one commit as one message: published first
(the reply is read afterwards), then delivered in this process, in order, exactly as ``emit``
does; the other processes hand each emit of the batch to python-socketio's own
``_handle_emit``, in the same order. A batch is an ordinary ``emit`` message with a ``batch``
list, so python-socketio's listener routes it here unchanged. Every process of a deployment
runs this manager (``app.py``). Tests: tests/server/test_message_queue.py.

Each process skips, unread, the messages it published itself (Redis delivers them to every
subscriber, its sender included): they begin with its ``host_id``, which python-socketio would
find only after parsing the whole message. An emit to a room with no client in this process
(the projectors are all on the other one) is not encoded for nobody either.

``emit_all`` is what the event log calls: the batch where the manager has one, else one emit
after the other (one process, no queue).
"""

from __future__ import annotations

import base64
from collections.abc import Iterable

import socketio
from socketio.packet import Packet

# (event name, payload, room) in delivery order.
Emit = tuple[str, object, str]


class BatchRedisManager(socketio.RedisManager):
    """python-socketio's Redis manager, plus ``emit_many``: several emits, one message."""

    def emit_many(self, emits: Iterable[Emit], namespace: str = "/") -> None:
        messages = [self._emit_message(event, data, room, namespace) for event, data, room in emits]
        if not messages:
            return
        # host_id first: every process, this one included, receives it; this one skips it unread.
        message = messages[0] if len(messages) == 1 else {"host_id": self.host_id, "method": "emit", "batch": messages}
        finish = self._start_publish(message)
        try:
            for item in messages:
                self._deliver(item)  # this process's clients, in order, as emit does
        finally:
            finish()

    def _deliver(self, item: dict) -> None:
        """python-socketio's local delivery of one emit, unless its room has no client here."""
        room = item.get("room")
        if isinstance(room, str):  # (a list of rooms, or none, goes to python-socketio as is)
            rooms = self.rooms.get(item.get("namespace") or "/")
            if rooms is None or not rooms.get(room):
                return  # nobody here: the packet would be encoded for no one
        super()._handle_emit(item)

    def _own_prefix(self) -> bytes:
        """How this process's own messages begin: ``{"host_id": "<ours>"``."""
        prefix = getattr(self, "_own", None)
        if prefix is None:
            prefix = self._own = self.json.dumps({"host_id": self.host_id})[:-1].encode()
        return prefix

    def _listen(self):
        """python-socketio's subscriber, without the messages this process sent. A message of
        another process, or one written with other key orders, goes through as before
        (python-socketio then compares its ``host_id`` after parsing it)."""
        own = self._own_prefix()
        for message in super()._listen():
            if isinstance(message, bytes) and message.startswith(own):
                continue
            yield message

    def _start_publish(self, message: dict):
        """Send the PUBLISH now and return what reads its reply.

        The other processes start their deliveries while this one makes its own, instead of
        after them: publishing once the local fan-out (a table of 300 phones) was done put
        the projectors of the other process 4-10 ms later than before batching (p50 12 -> 16
        ms, p95 19 -> 28 ms at 1,000 phones). The reply is read after the local deliveries,
        when it is there already. A PUBLISH that cannot be sent falls back to
        python-socketio's own (reconnect, one retry, an error logged)."""
        try:
            if not self.connected:
                self._redis_connect()
            pool = self.redis.connection_pool
            connection = pool.get_connection()
        except Exception:  # noqa: BLE001 - no connection now: python-socketio's path logs and retries
            return lambda: self._publish(message)
        try:
            connection.send_command("PUBLISH", self.channel, self.json.dumps(message))
        except Exception:  # noqa: BLE001 - the connection is closed by redis-py; retry the usual way
            pool.release(connection)
            return lambda: self._publish(message)

        def finish() -> None:
            try:
                connection.read_response()
            except Exception as exc:  # noqa: BLE001 - sent; a second copy would be delivered twice
                self._get_logger().error("no reply from redis to a publish: %s", exc)
                connection.disconnect()
            finally:
                pool.release(connection)

        return finish

    def _handle_emit(self, message):
        batch = message.get("batch")
        if batch is None:
            return super()._handle_emit(message)
        for item in batch:
            if not (isinstance(item, dict) and "event" in item and "data" in item):
                # a garbled item must not cost the rest of the batch its delivery
                self._get_logger().error("skipping a malformed item of a pubsub batch")
                continue
            try:
                self._deliver(item)
            except Exception:  # noqa: BLE001 - nor one that fails on its way to the clients
                self._get_logger().exception("skipping an item of a pubsub batch that could not be delivered")

    def _emit_message(self, event: str, data, room: str, namespace: str) -> dict:
        """The message ``PubSubManager.emit`` would publish for this emit (no callback)."""
        data = list(data) if isinstance(data, tuple) else [data]
        binary = Packet.data_is_binary(data)
        if binary:
            data, attachments = Packet.deconstruct_binary(data)
            data = [data, *[base64.b64encode(a).decode() for a in attachments]]
        return {
            "host_id": self.host_id,  # first: see _listen
            "method": "emit",
            "event": event,
            "data": data,
            "binary": binary,
            "namespace": namespace,
            "room": room,
            "skip_sid": None,
            "callback": None,
        }


def queue_options(url: str | None, channel: str) -> dict:
    """Flask-SocketIO's options for the queue: our manager for Redis; for no queue, or another
    kind (Kafka, Kombu, ZeroMQ), the URL as before and python-socketio's own manager."""
    if url and url.startswith(("redis://", "rediss://")):
        return {"client_manager": BatchRedisManager(url, channel=channel)}
    return {"message_queue": url, "channel": channel}


def emit_all(server, emits: list[Emit], namespace: str = "/") -> None:
    """Deliver ``emits`` in order: as one queue message where the manager batches, else one by one."""
    manager = server.manager
    if isinstance(manager, BatchRedisManager):
        manager.emit_many(emits, namespace=namespace)
        return
    for event, data, room in emits:
        server.emit(event, data, to=room, namespace=namespace)
