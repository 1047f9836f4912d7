"""The grouping engine inside the real eventlet server: concurrent posts while a facilitator regroups.

Integration tests run the engine inline (threading mode); only the real
server runs it in eventlet's thread pool, where a contended lock once hung
every post. This test would hang (and time out) if that came back.
"""

from __future__ import annotations

import threading
import uuid

import socketio

from tests.live_server import LiveServer

TEXTS = [
    "Un stand commun sur les salons",
    "Des rendez-vous d'affaires avec les acheteurs",
    "Une veille marché partagée",
    "Mutualiser les achats d'énergie",
    "Former les managers",
    "Un annuaire des compétences",
    "Missions export collectives",
    "Un club des dirigeants",
]


def test_concurrent_posts_and_regroups_all_answered(tmp_path, database_url):
    server = LiveServer(tmp_path / "live", database_url).start()
    try:
        info = server.info()
        table = info["tables"][1]["id"]
        facilitator = socketio.Client()
        facilitator.connect(
            server.url,
            auth={"role": "facilitator", "workshop": "DEVUP", "key": info["facilitator_key"]},
            transports=["websocket"],
        )
        acks: list[dict] = []
        lock = threading.Lock()

        def phone(n: int):
            token = server.join(f"P{n}", table)["token"]
            client = socketio.Client()
            client.connect(server.url, auth={"role": "participant", "token": token}, transports=["websocket"])
            for k in range(8):
                ack = client.call("post_idea", {"id": str(uuid.uuid4()), "text": f"{TEXTS[k]} ({n})"}, timeout=30)
                with lock:
                    acks.append(ack)
            client.disconnect()

        phones = [threading.Thread(target=phone, args=(n,)) for n in range(5)]
        for thread in phones:
            thread.start()
        regroups = [facilitator.call("regroup", {"table_id": table}, timeout=60) for _ in range(3)]
        for thread in phones:
            thread.join(90)
        assert len(acks) == 40 and all(a["ok"] for a in acks), [a for a in acks if not a["ok"]][:3]
        assert all(r["ok"] for r in regroups), regroups
        # Every idea is stored once, and each has a known place (a group or "À classer").
        snapshot = facilitator.call("sync", {"since": 0}, timeout=30)["snapshot"]
        ideas = [i for i in snapshot["ideas"] if i["table_id"] == table]
        groups = {g["id"] for g in snapshot["groups"]}
        assert len(ideas) == 40
        assert all(i["group_id"] is None or i["group_id"] in groups for i in ideas)
        facilitator.disconnect()
    finally:
        server.stop()
