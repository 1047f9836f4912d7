"""Settings read from environment variables, with safe defaults.

Every setting is documented in docs/deployment.md; a test checks that the two
stay in step.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _rate(value: str | None, default: tuple[int, int]) -> tuple[int, int]:
    """Parse a rate limit "COUNT/SECONDS" ("0" disables it: count 0)."""
    if value is None or value.strip() == "":
        return default
    value = value.strip()
    if value == "0":
        return (0, 1)
    count, _, seconds = value.partition("/")
    return (int(count), int(seconds or 60))


def _secret_key(env: Mapping[str, str], instance: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in instance/."""
    if env.get("SECRET_KEY"):
        return env["SECRET_KEY"]
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


class Config:
    """Production-ready defaults; every value can be overridden by the environment."""

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        env = os.environ if env is None else env
        self.INSTANCE_PATH = Path(env.get("INSTANCE_PATH", ROOT / "instance"))
        self.SQLALCHEMY_DATABASE_URI = _database_url(
            env.get("DATABASE_URL") or f"sqlite:///{self.INSTANCE_PATH / 'facilitator.db'}"
        )
        self.SECRET_KEY = _secret_key(env, self.INSTANCE_PATH)
        self.SESSIONS_DIR = Path(env.get("SESSIONS_DIR", ROOT / "sessions"))
        self.PUBLIC_URL = (env.get("PUBLIC_URL") or "").rstrip("/") or None
        self.HOST = env.get("HOST", "0.0.0.0")
        self.PORT = int(env.get("PORT", "5000"))
        self.IDEA_MAX_LENGTH = int(env.get("IDEA_MAX_LENGTH", "280"))
        # (count, seconds); count 0 disables the limit.
        self.IDEA_RATE_LIMIT = _rate(env.get("IDEA_RATE_LIMIT"), (10, 60))
        self.JOIN_RATE_LIMIT = _rate(env.get("JOIN_RATE_LIMIT"), (60, 60))
        self.COMMAND_RATE_LIMIT = _rate(env.get("COMMAND_RATE_LIMIT"), (30, 10))
        # Whole snapshots per participant (per connection for staff screens); facilitator/guard.py.
        self.SNAPSHOT_RATE_LIMIT = _rate(env.get("SNAPSHOT_RATE_LIMIT"), (10, 60))
        self.MAX_SOCKETS_PER_PARTICIPANT = int(env.get("MAX_SOCKETS_PER_PARTICIPANT", "5"))
        # Drop a client whose outgoing messages did not move for this long, or pile up past this many.
        self.SLOW_CLIENT_SECONDS = float(env.get("SLOW_CLIENT_SECONDS", "10"))
        self.SLOW_CLIENT_MAX_QUEUED = int(env.get("SLOW_CLIENT_MAX_QUEUED", "500"))
        # Organiser space: login attempts per client address and per e-mail address.
        self.ORGANISER_LOGIN_RATE_LIMIT = _rate(env.get("ORGANISER_LOGIN_RATE_LIMIT"), (10, 300))
        # How often serve looks for workshops whose retention period is over (seconds; 0: never).
        self.RETENTION_CHECK_INTERVAL = int(env.get("RETENTION_CHECK_INTERVAL", "3600"))
        # Above this many missed events, sync answers with a snapshot.
        self.SYNC_MAX_EVENTS = int(env.get("SYNC_MAX_EVENTS", "200"))
        # Connections one serve process accepts at once (eventlet's own default is 1,024).
        self.MAX_CONNECTIONS = int(env.get("MAX_CONNECTIONS", "10000"))
        # Connections the kernel holds until serve accepts them (listening.py): a room reconnecting at once.
        self.LISTEN_BACKLOG = max(1, int(env.get("LISTEN_BACKLOG", "4096")))
        # Accept a few at a time, and none while the loop runs late (listening.PacedListener).
        self.ACCEPT_PACING = env.get("ACCEPT_PACING", "1") != "0"
        # permessage-deflate on websockets: off (each phone would keep ~100 KB of zlib state; see transport.py).
        self.WEBSOCKET_COMPRESSION = env.get("WEBSOCKET_COMPRESSION", "0") in ("1", "true", "yes")
        # Engine.IO heartbeat (seconds): a ping every PING_INTERVAL, a client silent for as long again is gone.
        self.PING_INTERVAL = max(1, int(env.get("PING_INTERVAL", "10")))
        # Write an event straight to an idle websocket instead of through Engine.IO's queue (direct_send.py).
        self.DIRECT_SEND = env.get("DIRECT_SEND", "1") not in ("0", "false", "no")
        self.SOCKETIO_MESSAGE_QUEUE = env.get("SOCKETIO_MESSAGE_QUEUE") or None
        # Where the engine workers of every process share idea vectors (clustering/shared_cache.py):
        # the message queue's Redis by default, "off" for none.
        cache = (env.get("EMBEDDINGS_CACHE_URL") or "").strip()
        queue = self.SOCKETIO_MESSAGE_QUEUE or ""
        if not cache:
            cache = queue if queue.startswith(("redis://", "rediss://", "unix://")) else ""
        self.EMBEDDINGS_CACHE_URL = "" if cache.lower() in ("off", "0", "none") else cache
        # The Redis channel of this deployment's processes (two deployments may share one Redis).
        self.SOCKETIO_CHANNEL = env.get("SOCKETIO_CHANNEL") or "flask-socketio"
        # Place each new idea in its most likely group (facilitator/grouping.py).
        self.AUTO_GROUPING = env.get("AUTO_GROUPING", "1") not in ("0", "false", "no")
        # Worker processes of the grouping engine started by serve (0: the engine runs inside the
        # web process, in eventlet's thread pool, and posts wait for it). Exports get one more.
        self.ENGINE_WORKERS = int(env.get("ENGINE_WORKERS", "1"))
        # A worker job (placement, regroup, export) taking longer than this is stuck: its worker restarts.
        self.ENGINE_TIMEOUT = float(env.get("ENGINE_TIMEOUT", "120"))
        # eventlet in production (see __main__.py); "threading" for the test clients.
        self.ASYNC_MODE = env.get("ASYNC_MODE", "eventlet")
        # Browsers may connect only from the app's own origin unless listed here.
        self.CORS_ORIGINS = [o for o in env.get("CORS_ORIGINS", "").split(",") if o] or None
        # How many reverse proxies in front of the app set X-Forwarded-For/-Proto (0: trust no header).
        self.TRUSTED_PROXIES = int(env.get("TRUSTED_PROXIES", "0") or 0)
        self.SQLALCHEMY_ENGINE_OPTIONS = _engine_options(self.SQLALCHEMY_DATABASE_URI)
        self.TESTING = False


def _database_url(url: str) -> str:
    """Normalise PaaS-style URLs to the psycopg 3 driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _engine_options(url: str) -> dict:
    """Connection options: SQLite needs a busy timeout for concurrent writers."""
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 15}}
    return {"pool_pre_ping": True}


def make_test_config(instance_path: Path, database_url: str | None = None, **overrides) -> Config:
    """Isolated settings for the test suite: its own database and secret, no rate limits."""
    env = {
        "INSTANCE_PATH": str(instance_path),
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": database_url or f"sqlite:///{instance_path / 'test.db'}",
        "PUBLIC_URL": "http://testserver.local",
        "IDEA_RATE_LIMIT": "0",
        "JOIN_RATE_LIMIT": "0",
        "COMMAND_RATE_LIMIT": "0",
        "SNAPSHOT_RATE_LIMIT": "0",
        "ASYNC_MODE": "threading",
    }
    env.update({k: str(v) for k, v in overrides.items()})
    config = Config(env)
    config.TESTING = True
    return config
