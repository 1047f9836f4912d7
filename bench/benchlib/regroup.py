"""A facilitator regrouping a large board while the benchmark posts ideas (issue 3's load case).

Before the run, one table's topic groups are removed and a dedicated
participant posts N ideas there, so they are all unsorted. During the run a
facilitator socket (in the parent process) sends ``regroup`` for that table and
accepts the whole proposal (``accept_proposal``, as a facilitator would),
then removes the groups it created (their ideas return to the pool) and
starts again, until posting ends: the server keeps re-clustering N ideas
while phones post and projectors receive.
"""

from __future__ import annotations

import random
import threading
import time
import uuid

import socketio

from . import log
from .server import http_json
from .stats import summarise

VOCABULARY = (
    "adhésion cotisation salon export rendez-vous acheteurs formation recrutement apprentis "
    "subvention financement veille marché newsletter annuaire mentorat dirigeants énergie "
    "achats groupés mutualiser partenaires clients innovation prototype numérique"
).split()


class RegroupLoad:
    """Seed a board, then regroup it in a loop from a background thread."""

    def __init__(
        self, base_url: str, code: str, info: dict, table_index: int, ideas: int, seed: int, every: float = 0.0
    ):
        self.every = every
        self.base_url, self.code, self.info = base_url, code, info
        self.table_id = info["tables"][table_index]["id"]
        self.n_ideas, self.rng = ideas, random.Random(seed)
        self.durations_ms: list[float] = []
        self.moved: list[int] = []
        self.errors: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.sio = socketio.Client(reconnection=False)
        self._created: list[str] = []  # auto groups made by the last regroup (from board_regrouped)
        self.sio.on("event", self._on_event)

    def prepare(self) -> None:
        self.sio.connect(
            self.base_url,
            auth={"role": "facilitator", "workshop": self.code, "key": self.info["facilitator_key"]},
            transports=["websocket"],
        )
        self._remove_groups(label_sources=None)
        status, body = http_json(
            "POST",
            f"{self.base_url}/api/w/{self.code}/join",
            {"first_name": "Seed", "organisation": "Bench", "table_id": self.table_id},
        )
        if status != 201:
            raise RuntimeError(f"seed participant could not join: {status} {body}")
        phone = socketio.Client(reconnection=False)
        phone.connect(self.base_url, auth={"role": "participant", "token": body["token"]}, transports=["websocket"])
        t0 = time.monotonic()
        for i in range(self.n_ideas):
            words = " ".join(self.rng.choice(VOCABULARY) for _ in range(self.rng.randint(4, 10)))
            ack = phone.call("post_idea", {"id": str(uuid.uuid4()), "text": f"{words} {i}"}, timeout=60)
            if not ack.get("ok"):
                raise RuntimeError(f"seeding failed: {ack}")
        phone.disconnect()
        log(f"seeded {self.n_ideas} unsorted ideas on table {self.table_id} in {time.monotonic() - t0:.1f} s")

    def _on_event(self, envelope: dict) -> None:
        if envelope.get("type") == "board_regrouped" and envelope["data"]["table_id"] == self.table_id:
            self._created.extend(g["id"] for g in envelope["data"]["groups"])

    def _remove_created(self) -> None:
        """Remove the groups the last regroup made, known from its event (no full snapshot needed)."""
        deadline = time.time() + 5
        while not self._created and time.time() < deadline:
            time.sleep(0.01)
        created, self._created = self._created, []
        for group_id in created:
            self.sio.call("remove_group", {"id": group_id}, timeout=60)

    def _remove_groups(self, label_sources: set[str] | None) -> None:
        snapshot = self.sio.call("sync", {"since": 0}, timeout=60)["snapshot"]
        for group in snapshot["groups"]:
            if group["table_id"] == self.table_id and (label_sources is None or group["label_source"] in label_sources):
                self.sio.call("remove_group", {"id": group["id"]}, timeout=60)

    def start(self, until: float) -> None:
        self._thread = threading.Thread(target=self._loop, args=(until,), daemon=True)
        self._thread.start()

    def _loop(self, until: float) -> None:
        while time.time() < until and not self._stop.is_set():
            started = time.time()
            t0 = time.perf_counter()
            try:
                ack = self.sio.call("regroup", {"table_id": self.table_id}, timeout=120)
            except Exception as exc:  # noqa: BLE001 - counted and reported
                self.errors[type(exc).__name__] = self.errors.get(type(exc).__name__, 0) + 1
                continue
            if ack.get("ok") and ack["proposal"]["groups"]:  # a proposal: accept it all, as a facilitator would
                accepted = [
                    {"id": str(uuid.uuid4()), "label": g["label"], "idea_ids": g["idea_ids"]}
                    if g["group_id"] is None
                    else g
                    for g in ack["proposal"]["groups"]
                ]
                ack = self.sio.call("accept_proposal", {"table_id": self.table_id, "groups": accepted}, timeout=120)
            if ack.get("ok"):
                self.durations_ms.append((time.perf_counter() - t0) * 1000)
                self.moved.append(ack.get("moved", 0))
                self._remove_created()  # back to unsorted for the next round
            else:
                self.errors[ack.get("error", "?")] = self.errors.get(ack.get("error", "?"), 0) + 1
            self._stop.wait(max(0.0, started + self.every - time.time()))

    def finish(self) -> dict:
        self._stop.set()
        if self._thread:
            self._thread.join(150)
        self.sio.disconnect()
        return {
            "board_ideas": self.n_ideas,
            "every_s": self.every,
            "regroups": len(self.durations_ms),
            "regroup_ms": summarise(self.durations_ms),
            "ideas_moved_per_regroup": self.moved[:20],
            "errors": self.errors,
        }
