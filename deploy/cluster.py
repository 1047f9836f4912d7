"""Several facilitator processes behind HAProxy, on one machine (``make cluster``; docs/deployment.md).

    python deploy/cluster.py [--processes 2] [--port 8000] [--database-url URL] [--redis URL]

Starts N ``python -m facilitator serve`` processes on ports 5001.. (the first one
alone, so only it migrates the database and loads sessions/), all sharing one
PostgreSQL database, one Redis message queue and one secret key, then HAProxy on
``--port`` with sticky sessions (deploy/haproxy.cfg.in). A process that exits is
started again after a second, as systemd would; HAProxy sends its phones to the
others meanwhile. Ctrl-C stops everything.

The functions here (``haproxy_config``, ``process_env``) are what the test of the
setup uses too (tests/server/test_cluster.py).
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

DEPLOY = Path(__file__).resolve().parent
ROOT = DEPLOY.parent
HAPROXY = shutil.which("haproxy") or ("/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None)


def haproxy_config(ports: list[int], bind: str, maxconn: int = 20000) -> str:
    """deploy/haproxy.cfg.in for serve processes on ``ports`` of 127.0.0.1, listening on ``bind``."""
    servers = "\n".join(f"    server s{n} 127.0.0.1:{port} cookie s{n}" for n, port in enumerate(ports, 1))
    per_server = max(1000, maxconn // max(1, len(ports)) * 2)  # room for the phones of a dead process
    text = (DEPLOY / "haproxy.cfg.in").read_text()
    return (
        text.replace("@MAXCONN@", str(maxconn))
        .replace("@BIND@", bind)
        .replace("@SERVER_MAXCONN@", str(per_server))
        .replace("@SERVERS@", servers)
    )


def process_env(database_url: str, redis_url: str, public_url: str, secret_key: str, **extra) -> dict:
    """The environment every serve process of the cluster shares."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "SOCKETIO_MESSAGE_QUEUE": redis_url,
        "PUBLIC_URL": public_url,
        "SECRET_KEY": secret_key,
        "TRUSTED_PROXIES": "1",
        "PYTHONUNBUFFERED": "1",
        **{k: str(v) for k, v in extra.items()},
    }


def wait_healthy(url: str, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1) as response:
                if response.status == 200:
                    return True
        except OSError:
            time.sleep(0.2)
    return False


def _haproxy_maxconn(wanted: int = 20000) -> int:
    """HAProxy needs two file descriptors per connection: stay within this system's hard limit."""
    import resource

    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    if hard == resource.RLIM_INFINITY:
        return wanted
    return max(1000, min(wanted, (hard - 100) // 2))


def _secret(run_dir: Path) -> str:
    path = run_dir / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--processes", type=int, default=int(os.environ.get("PROCESSES", "2")))
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("PORT", "8000")), help="HAProxy's port (the address phones use)"
    )
    parser.add_argument("--base-port", type=int, default=5001, help="first serve process's port")
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL", "postgresql://postgres@localhost:5432/facilitator")
    )
    parser.add_argument("--redis", default=os.environ.get("SOCKETIO_MESSAGE_QUEUE", "redis://localhost:6379/0"))
    parser.add_argument(
        "--public-url",
        default=os.environ.get("PUBLIC_URL"),
        help="address in the QR codes (default: http://<this machine>:PORT)",
    )
    parser.add_argument("--run-dir", default=str(ROOT / "instance" / "cluster"))
    args = parser.parse_args(argv)
    if HAPROXY is None:
        print("haproxy is not installed (Debian: apt-get install haproxy).", file=sys.stderr)
        return 2
    if args.database_url.startswith("sqlite"):
        print("Several processes need PostgreSQL: set DATABASE_URL (docs/deployment.md).", file=sys.stderr)
        return 2
    run_dir = Path(args.run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    public = args.public_url
    if not public:
        sys.path.insert(0, str(ROOT))
        from facilitator.urls import served_base_url

        public = served_base_url("0.0.0.0", args.port)
    env = process_env(args.database_url, args.redis, public, os.environ.get("SECRET_KEY") or _secret(run_dir))
    ports = [args.base_port + n for n in range(args.processes)]
    config = run_dir / "haproxy.cfg"
    config.write_text(haproxy_config(ports, f"0.0.0.0:{args.port}", maxconn=_haproxy_maxconn()))

    processes: dict[int, subprocess.Popen] = {}

    def start(port: int) -> subprocess.Popen:
        log = open(run_dir / f"serve-{port}.log", "ab")
        return subprocess.Popen(
            [sys.executable, "-m", "facilitator", "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    haproxy = None
    try:
        for port in ports:  # one after the other: the first migrates the database
            processes[port] = start(port)
            if not wait_healthy(f"http://127.0.0.1:{port}"):
                print(f"serve on port {port} did not start: see {run_dir}/serve-{port}.log", file=sys.stderr)
                return 1
        haproxy = subprocess.Popen(
            [HAPROXY, "-f", str(config), "-db"], stdout=open(run_dir / "haproxy.log", "ab"), stderr=subprocess.STDOUT
        )
        print(
            f"{len(ports)} processes on ports {ports[0]}-{ports[-1]} behind HAProxy at {public} "
            f"(logs in {run_dir}). Ctrl-C stops them.",
            flush=True,
        )
        subprocess.run([sys.executable, "-m", "facilitator", "info"], cwd=ROOT, env=env)
        while not stopping:
            time.sleep(0.5)
            if haproxy.poll() is not None:
                print(f"haproxy exited ({haproxy.returncode}): see {run_dir}/haproxy.log", file=sys.stderr)
                return 1
            for port, process in list(processes.items()):
                if process.poll() is not None and not stopping:
                    print(f"serve on port {port} exited ({process.returncode}); starting it again", flush=True)
                    time.sleep(1)
                    processes[port] = start(port)
        return 0
    finally:
        for process in [*processes.values(), haproxy]:
            if process is not None and process.poll() is None:
                process.terminate()
        for process in [*processes.values(), haproxy]:
            if process is not None:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()


if __name__ == "__main__":
    sys.exit(main())
