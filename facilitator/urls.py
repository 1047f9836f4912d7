"""Public addresses: the base URL phones can reach, join links and QR paths.

The base URL is ``PUBLIC_URL`` when set (a deployment behind a domain), else
the LAN address detected when serving on 0.0.0.0 (so a QR code on the
projector works for phones on the same Wi-Fi), else the request's host.
"""

from __future__ import annotations

import socket

from flask import current_app, has_request_context, request


def lan_address() -> str | None:
    """The machine's LAN IPv4 address, or None when it has only loopback.

    Connecting a UDP socket sends no packet: it only asks the kernel which
    local address would route to the given (documentation-range) address.
    """
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))
        address = probe.getsockname()[0]
    except OSError:
        address = None
    finally:
        probe.close()
    if address and not address.startswith("127."):
        return address
    try:
        address = socket.gethostbyname(socket.gethostname())
    except OSError:
        return None
    return None if address.startswith("127.") else address


def base_url() -> str:
    """Scheme://host[:port] that clients should use, without a trailing slash."""
    config = current_app.config
    if config.get("PUBLIC_URL"):
        return config["PUBLIC_URL"]
    if config.get("SERVED_BASE_URL"):
        return config["SERVED_BASE_URL"]
    if has_request_context():
        return request.host_url.rstrip("/")
    return f"http://localhost:{config.get('PORT', 5000)}"


def served_base_url(host: str, port: int) -> str:
    """The base URL to advertise for a server bound to ``host:port``."""
    if host in ("0.0.0.0", "::", ""):
        host = lan_address() or "localhost"
    return f"http://{host}:{port}"


def join_url(code: str, table_number: int | None = None) -> str:
    suffix = f"/{table_number}" if table_number is not None else ""
    return f"{base_url()}/j/{code}{suffix}"


def qr_path(code: str, table_number: int | None = None) -> str:
    suffix = f"/{table_number}" if table_number is not None else ""
    return f"/qr/{code}{suffix}.svg"


def staff_urls(code: str, facilitator_key: str, projector_key: str) -> dict:
    """The console and projector addresses (they carry their secret keys)."""
    base = base_url()
    return {
        "facilitator_url": f"{base}/w/{code}/console?key={facilitator_key}",
        "projector_url": f"{base}/w/{code}/projector?key={projector_key}",
        "join_url": join_url(code),
    }
