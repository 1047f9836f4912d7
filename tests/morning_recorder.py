"""Record a whole morning on the real server, as every screen of the room receives it.

``record_morning(server)`` drives a real ``python -m facilitator serve``
(tests/live_server.py) through a morning with real Socket.IO clients: the
lead console, one table's console, the projector and six phones. Each client
keeps every message it receives (``event`` envelopes and ``moved`` notices),
in order, and does what the browser page does besides applying events: a
fresh snapshot after ``moved``, after its own ``join_table``, and on the
projector when names are shown again (those snapshots join the stream as
``resync`` / ``snapshot`` messages). At each checkpoint every client asks for
a fresh snapshot (``sync`` with ``since = 0``), and the recording notes how
many messages it had received by then.

The recording is what tests/js/replay.mjs replays through the browser's own
stores (static/js/staff-state.js, participant-state.js): snapshot at
checkpoint k + the messages received up to checkpoint m == snapshot at m.
It is made afresh by each run (tests/server/test_shipped_reducers.py), never
kept as a file, so it always follows the server of the day.
"""

from __future__ import annotations

import asyncio
import http.cookiejar
import json
import re
import subprocess
import sys
import threading
import urllib.request
import uuid
from urllib.parse import parse_qs, urlencode, urlparse

import socketio

from facilitator.config import ROOT
from tests.live_server import LiveServer, wait_for

TIMEOUT = 60  # regroup may take a few seconds on a loaded machine


def new_id() -> str:
    return str(uuid.uuid4())


class Loop:
    """One asyncio loop in a thread of its own for every client of the room.

    python-socketio's threaded client runs each received message's handler in a
    thread of its own, so two events could be kept out of order; the asyncio
    client handles them one after the other, in the order they arrived.
    """

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coroutine, timeout: float = TIMEOUT):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


class Recorder:
    """One screen: a real Socket.IO client keeping every message it receives, in order."""

    def __init__(self, loop: Loop, server: LiveServer, name: str, auth: dict):
        self.loop, self.name, self.auth = loop, name, auth
        self.kind = "participant" if auth["role"] == "participant" else "staff"
        self.messages: list[dict] = []
        self.checkpoints: list[dict] = []
        self.lock = threading.Lock()
        self.resyncs = 0  # fresh snapshots asked for and not answered yet
        self.syncing = False  # a resync is running (one at a time, as in live-core.js)
        self.sio = socketio.AsyncClient(reconnection=False)
        self.sio.on("event", self._on_event)
        self.sio.on("moved", self._on_moved)
        loop.run(self.sio.connect(server.url, auth=auth, transports=["websocket"], wait_timeout=10))

    def _keep(self, message: dict) -> None:
        with self.lock:
            self.messages.append(message)

    # -- what the browser does besides applying events: a fresh snapshot when told to --------
    # (these handlers run on the loop's thread)

    def _on_event(self, envelope: dict) -> None:
        self._keep({"type": "event", "envelope": envelope})
        if (
            self.auth["role"] == "projector"
            and envelope["type"] == "show_authors_changed"
            and envelope["data"].get("show")
        ):
            self._resync_soon("names shown again: projector.js syncs with since=0 to get them")

    def _on_moved(self, data: dict) -> None:
        self._keep({"type": "moved", "data": data})
        self._resync_soon("moved by a facilitator: participant.js syncs with since=0")

    def _resync_soon(self, why: str) -> None:
        """LiveClient.resync(0): one sync at a time; a request made while one runs gets another after it."""
        with self.lock:
            self.resyncs += 1
            self.messages.append({"type": "resync", "why": why})
            if self.syncing:
                return
            self.syncing = True
        asyncio.get_running_loop().create_task(self._sync_loop())

    async def _sync_loop(self) -> None:
        while True:
            with self.lock:
                asked = self.resyncs  # the requests this sync answers (made before it is sent)
                if asked == 0:
                    self.syncing = False
                    return
            try:
                ack = await self.sio.call("sync", {"since": 0}, timeout=TIMEOUT)
                message = {"type": "snapshot", "seq": ack["seq"], "snapshot": ack["snapshot"]}
            except Exception as exc:  # noqa: BLE001 - written into the recording, which then fails
                message = {"type": "error", "why": repr(exc)}
            with self.lock:
                self.resyncs -= asked
                # Still asked for: live-core.js applies what it held, then syncs again.
                message["pending"] = self.resyncs
                self.messages.append(message)

    async def _ask_resync(self, why: str) -> None:
        self._resync_soon(why)

    def join_table(self, table_id: int) -> None:
        """participant.js: join_table, then a fresh snapshot of the new table."""
        self.call("join_table", {"table_id": table_id})
        self.loop.run(self._ask_resync("join_table: participant.js syncs with since=0"))
        assert wait_for(lambda: not self.syncing), self.name

    # -- from the test's thread --------------------------------------------------------------

    def call(self, command: str, payload: dict) -> dict:
        """Send a command; the test fails on a refusal (the morning only does what is allowed)."""
        ack = self.loop.run(self.sio.call(command, payload, timeout=TIMEOUT), TIMEOUT + 5)
        assert ack and ack.get("ok"), (self.name, command, payload, ack)
        return ack

    def max_seq(self) -> int:
        with self.lock:
            return max((m["envelope"]["seq"] for m in self.messages if m["type"] == "event"), default=0)

    def checkpoint(self, label: str) -> dict:
        """A fresh snapshot, and how many messages were received before it.

        The server emits a command's events before it answers the command, a
        connection delivers in order and the loop handles messages in order, so
        once this sync's ack is back every event committed before it is in
        ``messages``. A staff screen receives every event: its last one must be
        the snapshot's head.
        """
        # What a page that slept since the previous checkpoint gets when it comes back
        # (``sync`` from its last seq): a replay of its room's events, or a snapshot.
        replay = self.call("sync", {"since": self.checkpoints[-1]["seq"]}) if self.checkpoints else None
        ack = self.call("sync", {"since": 0})
        assert ack["mode"] == "snapshot", ack
        assert wait_for(lambda: not self.syncing), self.name
        if self.kind == "staff":
            assert wait_for(lambda: self.max_seq() >= ack["seq"]), (self.name, ack["seq"], self.max_seq())
        with self.lock:
            point = {
                "label": label,
                "seq": ack["seq"],
                "snapshot": ack["snapshot"],
                "count": len(self.messages),
                "replay": replay,
            }
        self.checkpoints.append(point)
        return point

    @property
    def snapshot(self) -> dict:
        return self.checkpoints[-1]["snapshot"]

    def close(self) -> None:
        self.loop.run(self.sio.disconnect())

    def recording(self) -> dict:
        return {
            "kind": self.kind,
            "role": self.auth["role"],
            "messages": self.messages,
            "checkpoints": self.checkpoints,
        }


class Morning:
    """The people of the room, and the checkpoints every screen takes together."""

    def __init__(self, server: LiveServer):
        self.server = server
        self.info = server.info()
        self.tables = [t["id"] for t in self.info["tables"]]
        self.labels: list[str] = []
        self.clients: dict[str, Recorder] = {}
        self.loop = Loop()

    def staff(self, name: str, key: str, role: str = "facilitator") -> Recorder:
        self.clients[name] = Recorder(self.loop, self.server, name, {"role": role, "workshop": "DEVUP", "key": key})
        return self.clients[name]

    def phone(self, name: str, table: int | None, organisation: str) -> Recorder:
        joined = _join(self.server.url, name, None if table is None else self.tables[table], organisation)
        self.clients[name] = Recorder(self.loop, self.server, name, {"role": "participant", "token": joined["token"]})
        self.clients[name].participant = joined["participant"]
        return self.clients[name]

    def checkpoint(self, label: str) -> None:
        self.labels.append(label)
        for client in self.clients.values():
            client.checkpoint(label)

    def recording(self) -> dict:
        return {
            "checkpoints": self.labels,
            "clients": {name: client.recording() for name, client in self.clients.items()},
        }

    def close(self) -> None:
        for client in self.clients.values():
            client.close()
        self.loop.close()


class OrganiserSpace:
    """An organiser in a browser: an account made with the CLI, then the organiser pages over HTTP."""

    EMAIL, PASSWORD = "orga@devup.fr", "correct horse battery staple"
    TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')

    def __init__(self, server: LiveServer):
        self.url = server.url
        subprocess.run(
            [sys.executable, "-m", "facilitator", "organiser", "add", self.EMAIL, "--password-stdin"],
            input=self.PASSWORD + "\n",
            text=True,
            cwd=ROOT,
            env=server.env,
            check=True,
            capture_output=True,
            timeout=60,
        )
        self.browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.token = self._token("/organiser/login")
        self.post("/organiser/login", {"email": self.EMAIL, "password": self.PASSWORD})
        self.token = self._token("/organiser/")

    def _token(self, path: str) -> str:
        with self.browser.open(self.url + path, timeout=30) as response:
            return self.TOKEN.search(response.read().decode()).group(1)

    def post(self, path: str, form: dict) -> None:
        """A form sent with its CSRF token; redirects are followed, a refusal raises HTTPError."""
        body = urlencode({**form, "csrf_token": self.token}).encode()
        with self.browser.open(urllib.request.Request(self.url + path, data=body), timeout=30) as response:
            assert response.status == 200, (path, response.status)

    def edit(self, change) -> None:
        """Open the workshop's edit form, let ``change(form)`` modify it, save it (docs/organisers.md, "Edit")."""
        from tests.form_reader import form_of

        with self.browser.open(self.url + "/organiser/w/DEVUP/edit", timeout=30) as response:
            form = form_of(response.read().decode())
        change(form)
        self.post("/organiser/w/DEVUP/edit", form)


def _join(url: str, first_name: str, table_id: int | None, organisation: str) -> dict:
    """Join over HTTP (a late comer sends no table: it picks one on the phone)."""
    body = {"first_name": first_name, "organisation": organisation}
    if table_id is not None:
        body["table_id"] = table_id
    request = urllib.request.Request(
        f"{url}/api/w/DEVUP/join", data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def table_key(info: dict, index: int) -> str:
    """A table console's key, from the address `facilitator info` prints."""
    return parse_qs(urlparse(info["tables"][index]["facilitator_url"]).query)["key"][0]


def record_morning(server: LiveServer) -> dict:
    """Drive the whole morning; return the recording (JSON-ready)."""
    room = Morning(server)
    try:
        _play(room)
        return room.recording()
    finally:
        room.close()


def _play(room: Morning) -> None:
    t0, t1, t2 = room.tables
    lead = room.staff("lead", room.info["facilitator_key"])
    table1 = room.staff("table1", table_key(room.info, 0))
    room.staff("projector", room.info["projector_key"], role="projector")
    anne = room.phone("Anne", 0, "Cosmetic Valley")
    bob = room.phone("Bob", 1, "Néopolia")
    chloe = room.phone("Chloé", 0, "S2E2")
    dan = room.phone("Dan", 2, "Aérocentre")
    room.checkpoint("start")

    # -- welcome: the agenda starts, the room screen is set up --------------------------
    lead.call("set_phase", {"key": "accueil"})
    lead.call("set_projector_view", {"view": t0})
    lead.call("set_projector_view", {"view": "all"})
    lead.call("set_show_authors", {"show": False})
    eve = room.phone("Eve", None, "Polepharma")  # joins late, without a table yet
    lead.call("set_show_authors", {"show": True})
    room.checkpoint("welcome")

    # -- round tables: posting opens, ideas come in -----------------------------------
    lead.call("set_phase", {"key": "tables"})
    posts = {}
    for who, key, text in [
        (anne, "a1", "Créer une grille de cotisations à trois niveaux"),
        (anne, "a2", "Un annuaire des adhérents en ligne"),
        (anne, "a3", "Un annuaire des adhérents en ligne !"),
        (chloe, "c1", "Valoriser les avantages réservés aux adhérents"),
        (chloe, "c2", "Parrainage des nouveaux adhérents par les anciens"),
        (chloe, "c3", "Un annuaire des adhérents en ligne ?"),
        (bob, "b1", "Des rendez-vous d'affaires avec les acheteurs"),
        (bob, "b3", "Des rendez-vous d'affaires avec les acheteurs"),  # the same words: a duplicate for any engine
        (dan, "d1", "Un diagnostic de croissance pour chaque PME"),
    ]:
        posts[key] = new_id()
        who.call("post_idea", {"id": posts[key], "text": text})
    anne.call("edit_idea", {"id": posts["a1"], "text": "Une grille de cotisations à trois niveaux"})
    chloe.call("withdraw_idea", {"id": posts["c2"]})
    table1.call("hide_idea", {"id": posts["c1"]})
    lead.call("restore_idea", {"id": posts["c1"]})
    table1.call("hide_idea", {"id": posts["c3"]})
    table1.call("correct_idea", {"id": posts["a2"], "text": "Un annuaire des adhérents, en ligne"})
    eve.join_table(t1)
    eve.join_table(t0)
    posts["e1"] = new_id()
    eve.call("post_idea", {"id": posts["e1"], "text": "Des offres groupées pour les adhérents"})
    frank = room.phone("Frank", None, "Area")
    lead.call("assign_tables", {"mode": "fill"})
    lead.call("move_participant", {"participant_id": frank.participant["id"], "table_id": t1})
    lead.call("set_posting", {"table_id": t2, "open": False})
    lead.call("set_posting", {"table_id": t2, "open": True})
    room.checkpoint("ideas")

    # -- grouping the board of table 1 --------------------------------------------------
    topics = [g["id"] for g in lead.snapshot["groups"] if g["table_id"] == t0]
    mine, split = new_id(), new_id()
    table1.call("create_group", {"id": mine, "table_id": t0, "label": "Nos idées"})
    table1.call("move_idea", {"id": posts["a1"], "group_id": topics[0]})
    table1.call("move_idea", {"id": posts["e1"], "group_id": topics[0]})
    lead.call("rename_group", {"id": topics[0], "label": "Cotisations"})
    table1.call("split_group", {"id": topics[0], "new_id": split, "label": "Offres", "idea_ids": [posts["e1"]]})
    table1.call("merge_groups", {"id": split, "into": mine})
    table1.call("move_idea", {"id": posts["a1"], "group_id": None})
    table1.call("remove_group", {"id": topics[1]})
    table1.call("restore_group", {"id": topics[1], "idea_ids": []})  # the console's undo, then again
    table1.call("remove_group", {"id": topics[1]})
    lead.call("set_projector_rotation", {"paused": True})
    lead.call("set_projector_rotation", {"step": "next"})
    lead.call("set_projector_rotation", {"paused": False})
    table1.call("pin_idea", {"id": posts["a2"], "pinned": True})
    lead.call("pin_idea", {"id": posts["e1"], "pinned": True})
    table1.call("pin_idea", {"id": posts["e1"], "pinned": False})
    room.checkpoint("groups")
    table1.call("merge_ideas", {"id": posts["a3"], "into": posts["a2"]})
    duplicates = [
        i["id"]
        for i in lead.snapshot["ideas"]
        if i.get("duplicate_of") and i["state"] == "visible" and i["id"] != posts["a3"]
    ]
    assert duplicates, "the grouping engine saw no duplicate"
    lead.call("dismiss_duplicate", {"id": duplicates[0]})
    # The console's undo of both, then both again: flag_duplicate, unmerge_idea.
    said = next(i["duplicate_of"] for i in lead.snapshot["ideas"] if i["id"] == duplicates[0])
    lead.call("flag_duplicate", {"id": duplicates[0], "of": said})
    lead.call("dismiss_duplicate", {"id": duplicates[0]})
    table1.call("unmerge_idea", {"id": posts["a3"]})
    table1.call("merge_ideas", {"id": posts["a3"], "into": posts["a2"]})
    for group in [g for g in lead.snapshot["groups"] if g["table_id"] == t0 and g["id"] != mine]:
        table1.call("remove_group", {"id": group["id"]})
    for table in (t0, t1):  # "Regrouper" proposes; the lead accepts the whole proposal
        proposal = lead.call("regroup", {"table_id": table})["proposal"]
        accepted = [
            {"id": new_id(), "label": g["label"], "idea_ids": g["idea_ids"]}
            if g["group_id"] is None
            else {"group_id": g["group_id"], "idea_ids": g["idea_ids"]}
            for g in proposal["groups"]
        ]
        if accepted:
            lead.call("accept_proposal", {"table_id": table, "groups": accepted})
    room.checkpoint("regroup")

    # -- the world café moves everyone on, the timer is paused and extended ----------------
    lead.call("pause_timer", {})
    lead.call("resume_timer", {})
    lead.call("extend_timer", {"minutes": 5})
    lead.call("rotate_tables", {"round": 1})
    # Anne and Chloé now sit at the next table: changes to their ideas reach them as my_idea_changed.
    table1.call("correct_idea", {"id": posts["a1"], "text": "Une grille de cotisations en trois niveaux"})
    table1.call("hide_idea", {"id": posts["a1"]})
    lead.call("restore_idea", {"id": posts["a1"]})
    table1.call("merge_ideas", {"id": posts["c1"], "into": posts["a1"]})
    posts["b2"] = new_id()
    bob.call("post_idea", {"id": posts["b2"], "text": "Former les dirigeants au pilotage financier"})
    # An organiser edits the running workshop: a theme, a sub-topic, the current step's duration, a new
    # table (workshop_updated, table_updated, group_created, timer_changed), then takes that table away.
    organiser = OrganiserSpace(room.server)

    def rename_and_add(form):
        form["title"] += " (salle B)"
        form["tables-0-theme"] = "Recruter et garder les adhérents"
        form["tables-0-subtopics"] += "\nMentorat"
        step = next(k.split("-")[1] for k, v in form.items() if k.endswith("-key") and v == "tables")
        form[f"agenda-{step}-minutes"] = str(int(form[f"agenda-{step}-minutes"]) + 5)
        blank = next(k for k, v in form.items() if k.endswith("-theme") and not v)
        form[blank] = "Énergie"

    organiser.edit(rename_and_add)
    organiser.edit(
        lambda form: form.update({next(k for k, v in form.items() if v == "Énergie").replace("-theme", "-remove"): "1"})
    )
    room.checkpoint("rotation")

    # -- plenary restitution, everyone seated again ---------------------------------------
    lead.call("move_participant", {"participant_id": bob.participant["id"], "table_id": t1})
    lead.call("assign_tables", {"mode": "balanced_by_organisation"})
    lead.call("set_phase", {"key": "pause"})
    lead.call("set_phase", {"key": "restitution"})
    lead.call("set_restitution", {"table_id": t0, "step": 0})
    table1.call("set_restitution", {"table_id": t0, "step": 1})
    group = next(g["id"] for g in lead.snapshot["groups"] if g["table_id"] == t0)
    table1.call("set_spotlight", {"kind": "group", "id": group})
    table1.call("set_spotlight", {"kind": "idea", "id": posts["a2"]})
    lead.call("set_restitution", {"table_id": t1, "step": 0})
    lead.call("set_spotlight", {"kind": "idea", "id": posts["b1"]})
    lead.call("set_spotlight", {"kind": None})
    lead.call("set_restitution", {"table_id": None})
    room.checkpoint("restitution")

    # -- dot voting -----------------------------------------------------------------------
    lead.call("set_voting_settings", {"votes_per_person": 3, "votes_per_item": 2, "live": False})
    lead.call("set_phase", {"key": "priorites"})
    voters = _seated(room)
    for client, table in voters:
        visible = [i["id"] for i in lead.snapshot["ideas"] if i["table_id"] == table and i["state"] == "visible"]
        if len(visible) < 2:
            continue
        client.call("cast_vote", {"target_kind": "idea", "target_id": visible[0]})
        client.call("cast_vote", {"target_kind": "idea", "target_id": visible[0]})
        client.call("retract_vote", {"target_kind": "idea", "target_id": visible[0]})
        client.call("move_vote", {"target_kind": "idea", "from": visible[0], "to": visible[1]})
        client.call("cast_vote", {"target_kind": "idea", "target_id": visible[1]})
    table1.call("pin_idea", {"id": posts["a1"], "pinned": True})  # presentation only: allowed while voting
    table1.call("reveal_votes", {"table_id": t0, "revealed": True})
    lead.call("set_voting_settings", {"live": True})
    lead.call("set_voting_settings", {"votes_per_person": 4})
    lead.call("reveal_votes", {"table_id": t0, "revealed": False})
    table1.call("set_voting", {"table_id": t0, "open": False})
    room.checkpoint("votes")

    # -- the action plan, closing --------------------------------------------------------------
    first, second, third = new_id(), new_id(), new_id()
    group = next(g["id"] for g in lead.snapshot["groups"] if g["table_id"] == t0)
    table1.call(
        "create_action",
        {
            "id": first,
            "source": {"kind": "group", "id": group},
            "title": "Parrainer chaque nouvel adhérent",
            "owner_org": "Cosmetic Valley",
        },
    )
    lead.call(
        "create_action",
        {
            "id": second,
            "source": {"kind": "idea", "id": posts["b1"]},
            "title": "Rendez-vous acheteurs",
            "due_on": "2027-06-30",
        },
    )
    lead.call("create_action", {"id": third, "source": None, "table_id": None, "title": "Bilan commun"})
    table1.call("update_action", {"id": first, "status": "in_progress", "progress_note": "Trois binômes"})
    lead.call("update_action", {"id": second, "due_on": None, "indicator": "10 rendez-vous"})
    lead.call("delete_action", {"id": third})
    lead.call("set_phase", {"key": "cloture"})
    lead.call("set_show_authors", {"show": False})
    lead.call("set_joining", {"open": False})
    lead.call("set_phase", {"key": None})
    room.checkpoint("closing")

    # -- afterwards, in the organiser space: retention, archive, an erasure, the review --------
    organiser.post("/organiser/w/DEVUP/settings", {"retention_days": "30"})
    organiser.post("/organiser/w/DEVUP/settings", {"retention_days": "30", "archived": "1"})
    organiser.post("/organiser/w/DEVUP/settings", {"retention_days": ""})
    organiser.post(f"/organiser/w/DEVUP/participants/{room.clients['Dan'].participant['id']}/erase", {})
    organiser.post("/organiser/w/DEVUP/review/date", {"on": "2027-09-16"})
    organiser.post("/organiser/w/DEVUP/review/open", {})
    organiser.post("/organiser/w/DEVUP/review/close", {})
    room.checkpoint("organiser")


def _seated(room: Morning) -> list[tuple[Recorder, int]]:
    """The phones with a table, as the lead's last snapshot seats them."""
    seats = {p["id"]: p["table_id"] for p in room.clients["lead"].snapshot["participants"]}
    return [
        (client, seats[client.participant["id"]])
        for client in room.clients.values()
        if client.kind == "participant" and seats.get(client.participant["id"]) is not None
    ]
