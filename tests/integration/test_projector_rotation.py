"""The lead holds or turns the projector's pages: ``set_projector_rotation``."""

from __future__ import annotations

from tests.conftest import events_of
from tests.integration.test_tables import table_facilitator


def test_pause_step_and_resume_reach_the_projector_and_the_snapshot(room):
    lead, projector = room.facilitator(), room.projector()
    assert projector.snapshot["workshop"]["projector_paused"] is False
    assert lead.emit("set_projector_rotation", {"paused": True}, callback=True) == {"ok": True, "paused": True}
    assert lead.emit("set_projector_rotation", {"step": "next"}, callback=True)["paused"] is True
    assert lead.emit("set_projector_rotation", {"step": "previous", "paused": False}, callback=True)["ok"]
    seen = [e["data"] for e in events_of(projector) if e["type"] == "projector_rotation_changed"]
    assert seen == [{"paused": True, "step": 0}, {"paused": True, "step": 1}, {"paused": False, "step": -1}]
    # Kept in the workshop: a projector that reloads gets the hold in its snapshot.
    lead.emit("set_projector_rotation", {"paused": True}, callback=True)
    assert room.projector().snapshot["workshop"]["projector_paused"] is True
    # Asking again for what is already so logs nothing.
    lead.get_received()
    assert lead.emit("set_projector_rotation", {"paused": True}, callback=True)["ok"]
    assert events_of(lead) == []


def test_refusals(room):
    lead = room.facilitator()
    for payload in ({}, {"step": 1}, {"step": "up"}, {"paused": "yes"}):
        ack = lead.emit("set_projector_rotation", payload, callback=True)
        assert ack["ok"] is False and ack["error"] == "invalid_payload" and ack["message"], (payload, ack)
    table = table_facilitator(room, 0)
    assert table.emit("set_projector_rotation", {"paused": True}, callback=True)["error"] == "lead_only"
    assert room.participant().emit("set_projector_rotation", {"paused": True}, callback=True)["error"] == "forbidden"
    assert room.projector().emit("set_projector_rotation", {"paused": True}, callback=True)["error"] == "forbidden"
