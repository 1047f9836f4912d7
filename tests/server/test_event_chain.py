"""The event log's per-room chains stay correct when posts overlap in the real server.

With the grouping engine on, each post waits for the engine off the event
loop while other posts commit; a table row read before that wait once gave
two events the same ``prev`` (a phone missing the first applied the second
without noticing). This test posts 120 ideas at once on one table of the real
eventlet server, then checks the stored log (``facilitator.event_chain``) and
what every phone and the projector received, by the envelope rule of
docs/protocol.md: a client that follows it never sees a gap.
"""

from __future__ import annotations

import asyncio
import threading
import uuid

import socketio
from sqlalchemy import create_engine, text

from facilitator.config import _database_url
from facilitator.event_chain import chain_faults, chain_ok
from tests.live_server import LiveServer, wait_for
from tests.reference_client import GAP, STALE, StaffClient, classify, comparable

PHONES, POSTS_EACH = 24, 5  # 120 posts on one table
WORDS = [
    "stand commun sur les salons",
    "rendez-vous d'affaires",
    "veille marché partagée",
    "achats d'énergie mutualisés",
    "formation des managers",
    "annuaire des compétences",
]


class Follower:
    """A client applying envelopes by the shared rule (reference_client.classify), counting gaps."""

    def __init__(self, last: int):
        self.last, self.gaps, self.ideas = last, 0, set()

    def on_event(self, envelope):
        kind = classify(envelope, self.last)
        if kind == STALE:
            return
        if kind == GAP:
            self.gaps += 1
        self.last = envelope["seq"]
        if envelope["type"] == "idea_posted":
            self.ideas.add(envelope["data"]["idea"]["id"])


async def connect(url: str, auth: dict) -> tuple[socketio.AsyncClient, Follower]:
    client = socketio.AsyncClient(reconnection=False)
    await client.connect(url, auth=auth, transports=["websocket"])
    ack = await client.call("sync", {"since": 0}, timeout=30)
    assert ack["ok"], ack
    follower = Follower(ack["seq"])
    client.on("event", follower.on_event)
    return client, follower


async def until_async(condition, timeout: float = 60) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.05)


def test_prev_chain_holds_under_concurrent_posts(tmp_path, database_url):
    server = LiveServer(tmp_path / "live", database_url, AUTO_GROUPING="1").start()
    try:
        info = server.info()
        table, other = info["tables"][0]["id"], info["tables"][1]["id"]
        tokens = [server.join(f"P{n}", table)["token"] for n in range(PHONES)]
        neighbour = server.join("Voisin", other)["token"]
        in_own_thread(_run(server.url, info, tokens, neighbour))
        engine = create_engine(_database_url(database_url))
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT seq, table_prev FROM event WHERE workshop_id = "
                    "(SELECT id FROM workshop WHERE code = 'DEVUP')"
                )
            ).all()
        engine.dispose()
        faults = chain_faults((seq, prev if isinstance(prev, dict) else _json(prev)) for seq, prev in rows)
        assert faults["events"] >= PHONES * POSTS_EACH
        assert chain_ok(faults), faults
    finally:
        server.stop()


async def _run(url: str, info: dict, tokens: list[str], neighbour: str) -> None:
    phones = [await connect(url, {"role": "participant", "token": t}) for t in tokens]
    projector = await connect(url, {"role": "projector", "workshop": "DEVUP", "key": info["projector_key"]})
    other = await connect(url, {"role": "participant", "token": neighbour})
    posts = [
        (client, str(uuid.uuid4()), f"{WORDS[(n + k) % len(WORDS)]} {n}-{k}")
        for n, (client, _) in enumerate(phones)
        for k in range(POSTS_EACH)
    ]
    acks = await asyncio.gather(
        *(client.call("post_idea", {"id": ident, "text": body}, timeout=60) for client, ident, body in posts)
    )
    assert all(ack["ok"] for ack in acks), [a for a in acks if not a["ok"]][:3]
    ids = {ident for _, ident, _ in posts}
    followers = [f for _, f in phones] + [projector[1]]
    await until_async(lambda: all(ids <= f.ideas for f in followers))
    # Following the rule, no phone and no projector saw a gap: the live stream needed no sync.
    assert [f.gaps for f in followers] == [0] * len(followers)
    assert other[1].gaps == 0 and not (other[1].ideas & ids)
    for client, _ in phones + [projector, other]:
        await client.disconnect()


def in_own_thread(coroutine) -> None:
    """asyncio.run in a thread of its own: the browser tests' Playwright keeps a loop running in this one."""
    failure: list[BaseException] = []

    def target():
        try:
            asyncio.run(coroutine)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
            failure.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


def _json(value):
    import json

    return json.loads(value) if isinstance(value, str) else value


class DroppingClient(StaffClient):
    """The reference client, except that one live delivery never reaches it."""

    def __init__(self, url: str, auth: dict, drop: int):
        super().__init__(url, auth)
        self.drop, self.received, self.dropped = drop, 0, None

    def _on_event(self, envelope):
        self.received += 1
        if self.received == self.drop:
            self.dropped = envelope
            return
        super()._on_event(envelope)


def test_a_client_that_drops_one_event_detects_it_and_catches_up(tmp_path, database_url):
    server = LiveServer(tmp_path / "live", database_url, AUTO_GROUPING="0").start()
    try:
        info = server.info()
        auth = {"role": "projector", "workshop": "DEVUP", "key": info["projector_key"]}
        projector = DroppingClient(server.url, auth, drop=3).connect()
        syncs_before = projector.syncs
        phone = socketio.Client(reconnection=False)
        phone.connect(
            server.url,
            auth={"role": "participant", "token": server.join("Anne", info["tables"][0]["id"])["token"]},
            transports=["websocket"],
        )
        posted = [str(uuid.uuid4()) for _ in range(6)]
        for n, ident in enumerate(posted):
            assert phone.call("post_idea", {"id": ident, "text": f"idée {n}"}, timeout=10)["ok"]
        fresh = StaffClient(server.url, auth).connect()
        assert wait_for(lambda: projector.dropped is not None and projector.last == fresh.last, timeout=30)
        # The dropped idea is there: the gap made the client sync, and it holds the database's state.
        assert projector.syncs > syncs_before
        with projector.lock:
            assert {i["id"] for i in projector.state["ideas"]} >= set(posted)
            assert comparable(projector.state) == comparable(fresh.state)
        for client in (projector, fresh):
            client.close()
        phone.disconnect()
    finally:
        server.stop()
