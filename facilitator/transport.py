"""What one connected phone costs the server process, kept small (issue 14: <= 60 KB each).

Measured with `bench/conn_memory.py` (raw Engine.IO websockets against `serve`):

- **No permessage-deflate.** Browsers (and Node's `ws`) offer it on every websocket; eventlet
  accepts, and each connection then keeps a zlib compressor and decompressor with 32 KB windows
  (about +100 KB of resident memory per phone), and every event is compressed once per
  recipient (667 times for one idea at a 2,000-phone table). Our frames are small JSON
  events: compression saves little on the wire. The server drops the offer, so the
  handshake answers without the extension and the browser sends plain frames (RFC 6455 9.1:
  an extension the server does not answer is not in use). `WEBSOCKET_COMPRESSION=1` keeps it.
- **Small socket buffers.** eventlet's HTTP protocol gives every connection a 16 KB write
  buffer and an 8 KB read buffer. A websocket only uses them for its upgrade request and
  answer (frames go to the raw socket), yet they live as long as the phone is connected.
  `SmallBufferProtocol` uses 2 KB each: a larger response simply goes through in more
  than one `send`.
- **One heartbeat task** (heartbeat.py) instead of a sleeping ping task per phone: 8 KB per
  phone at 2,000 Node phones (66.5 -> 58.5-58.7 KB).
"""

from __future__ import annotations

from eventlet import wsgi

BUFFER_BYTES = 2048


class SmallBufferProtocol(wsgi.HttpProtocol):
    """eventlet's HTTP protocol with 2 KB read and write buffers instead of 8 KB and 16 KB."""

    rbufsize = BUFFER_BYTES
    wbufsize = BUFFER_BYTES


class NoWebSocketCompression:
    """WSGI layer that removes the permessage-deflate offer from Socket.IO websocket upgrades."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        if "HTTP_SEC_WEBSOCKET_EXTENSIONS" in environ and environ.get("PATH_INFO", "").startswith("/socket.io"):
            del environ["HTTP_SEC_WEBSOCKET_EXTENSIONS"]
        return self.wsgi_app(environ, start_response)
