// Unit tests of the browser client logic (run by tests/unit/test_js_client.py with Node).
// The socket is a stand-in here on purpose: these check the pure state logic;
// tests/e2e drives the same modules over the real Socket.IO server in Chromium.
import assert from "node:assert/strict";
import { LiveClient } from "../../static/js/live-core.js";
import { createStaffStore } from "../../static/js/staff-state.js";
import { createParticipantStore } from "../../static/js/participant-state.js";
import { PendingQueue } from "../../static/js/pending.js";

class FakeSocket {
  constructor(server) { this.h = {}; this.connected = false; this.active = false; this.server = server; this.sent = []; }
  on(n, f) { (this.h[n] ||= []).push(f); }
  fire(n, ...a) { for (const f of this.h[n] || []) f(...a); }
  connect() { this.active = true; setTimeout(() => { this.connected = true; this.fire("connect"); }, 0); return this; }
  disconnect() { this.active = false; if (this.connected) { this.connected = false; this.fire("disconnect", "io client disconnect"); } }
  timeout() { return { emit: (name, payload, cb) => { this.sent.push([name, payload]); this.server(name, payload, cb); } }; }
}
const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));
const win = { l: {}, addEventListener(n, f) { (this.l[n] ||= []).push(f); }, fire(n) { for (const f of this.l[n] || []) f(); } };

// Staff: snapshot, then live events with gap detection.
{
  const snapshot = { workshop: { code: "X", joining_open: true, projector_view: "all" }, tables: [{ id: 1, number: 1, posting_open: true }],
    participants: [], ideas: [], limits: { idea_max_length: 280 } };
  const log = [];
  const idea = (n) => ({ id: `i${n}`, table_id: 1, text: `t${n}`, state: "visible", author: { id: 1 }, created_at: "2026-01-01T00:00:00Z", updated_at: "2026-01-01T00:00:00Z" });
  let syncDelay = 0;
  const server = (name, p, cb) => {
    assert.equal(name, "sync");
    const reply = () => p.since === 0 ? cb(null, { ok: true, mode: "snapshot", seq: 3, snapshot })
      : cb(null, { ok: true, mode: "events", seq: log.at(-1)?.seq ?? p.since, events: log.filter((e) => e.seq > p.since) });
    setTimeout(reply, syncDelay);
  };
  const sock = new FakeSocket(server);
  const store = createStaffStore("facilitator");
  const live = new LiveClient(sock, { store, win, nav: { onLine: true } });
  const kinds = [];
  live.subscribe((k) => kinds.push(k));
  live.start();
  await tick();
  assert.equal(live.last, 3); assert.ok(store.loaded); assert.ok(live.synced); assert.equal(live.status, "connected");
  // in-order event
  const e4 = { seq: 4, prev: 3, type: "idea_posted", data: { idea: idea(4) } }; log.push(e4);
  sock.fire("event", e4);
  assert.equal(store.ideas.size, 1); assert.equal(live.last, 4);
  // duplicate ignored
  sock.fire("event", e4); assert.equal(store.ideas.size, 1);
  // gap: 5 missed, 6 arrives
  const e5 = { seq: 5, prev: 4, type: "idea_posted", data: { idea: idea(5) } };
  const e6 = { seq: 6, prev: 5, type: "idea_hidden", data: { id: "i4", table_id: 1 } };
  log.push(e5, e6);
  syncDelay = 3;
  sock.fire("event", e6);
  // while syncing, e7 arrives live: buffered
  const e7 = { seq: 7, prev: 6, type: "posting_changed", data: { table_id: 1, open: false } };
  sock.fire("event", e7);
  log.push(e7);
  await tick(20);
  assert.equal(live.last, 7);
  assert.equal(store.ideas.size, 2);
  assert.equal(store.ideas.get("i4").state, "hidden");
  assert.equal(store.tables[0].posting_open, false);
  assert.equal(sock.sent.filter(([n]) => n === "sync").length, 2);
  // offline / online
  win.fire("offline"); assert.equal(live.status, "offline"); assert.equal(sock.connected, false);
  const e8 = { seq: 8, prev: 7, type: "joining_changed", data: { open: false } }; log.push(e8);
  win.fire("online"); assert.equal(live.status, "reconnecting");
  await tick(20);
  assert.equal(live.status, "connected"); assert.equal(live.last, 8); assert.equal(store.workshop.joining_open, false);
  assert.deepEqual(sock.sent.at(-1), ["sync", { since: 7 }]);
  // command when disconnected
  win.fire("offline");
  const ack = await live.command("set_joining", { open: true });
  assert.equal(ack.error, "not_connected");
  console.log("staff live ok");
}

// Unauthorized
{
  const sock = new FakeSocket(() => {});
  sock.connect = function () { this.active = false; setTimeout(() => this.fire("connect_error", Object.assign(new Error("unauthorized"), { data: { error: "unauthorized", message: "no" } })), 0); return this; };
  let got = null;
  const live = new LiveClient(sock, { store: createStaffStore("projector"), win, nav: { onLine: true }, onUnauthorized: (d) => (got = d) });
  live.start(); await tick();
  assert.equal(got.message, "no"); assert.ok(live.stopped);
  console.log("unauthorized ok");
}

// Participant store
{
  const s = createParticipantStore();
  s.reset({ workshop: { code: "X", title: "T", joining_open: true }, me: { id: 7, table_id: 2 },
    tables: [{ id: 1, number: 1, posting_open: true }, { id: 2, number: 2, posting_open: true }],
    my_ideas: [], table_ideas: [], limits: { idea_max_length: 100 } });
  const mine = { id: "a", table_id: 2, text: "x", state: "visible", author: { id: 7 }, created_at: "1", updated_at: "1" };
  const other = { id: "b", table_id: 2, text: "y", state: "visible", author: { id: 8 }, created_at: "1", updated_at: "1" };
  s.apply({ type: "idea_posted", data: { idea: mine } }); s.apply({ type: "idea_posted", data: { idea: other } });
  assert.equal(s.myIdeas.size, 1); assert.equal(s.tableIdeas.size, 2);
  s.apply({ type: "idea_hidden", data: { id: "a", table_id: 2 } });
  assert.equal(s.myIdeas.get("a").state, "hidden"); assert.equal(s.tableIdeas.size, 1);
  s.apply({ type: "idea_restored", data: { idea: mine } });
  assert.equal(s.myIdeas.get("a").state, "visible"); assert.equal(s.tableIdeas.size, 2);
  s.apply({ type: "idea_withdrawn", data: { id: "b", table_id: 2 } }); assert.equal(s.tableIdeas.size, 1);
  s.apply({ type: "posting_changed", data: { table_id: 2, open: false } }); assert.equal(s.table().posting_open, false);
  assert.equal(s.limits.idea_max_length, 100);
  // order: same second, arrival order
  const sorted = [other, mine].sort(s.order.newestFirst); assert.equal(sorted[0].id, "b");
  console.log("participant store ok");
}

// Pending queue
{
  const mem = new Map(); const storage = { getItem: (k) => mem.get(k) ?? null, setItem: (k, v) => mem.set(k, v) };
  const q = new PendingQueue("X", storage);
  const a = q.add("one"); const b = q.add("two"); const c = q.add("three");
  let calls = 0, concurrent = 0, max = 0;
  const send = async (item) => { calls++; concurrent++; max = Math.max(max, concurrent); await tick(2); concurrent--;
    if (item.text === "two") return { ok: false, error: "posting_closed", message: "closed" };
    return { ok: true, idea: { id: item.id } }; };
  await Promise.all([q.flush(send), q.flush(send)]);
  assert.equal(max, 1); assert.equal(calls, 3);
  assert.deepEqual(q.list().map((i) => [i.text, i.state]), [["two", "failed"]]);
  q.retry(b.id); assert.equal(q.count(), 1);
  await q.flush(async () => ({ ok: false, error: "timeout" }));
  assert.equal(q.get(b.id).state, "pending");
  assert.match(a.id, /^[0-9a-f-]{36}$/);
  console.log("pending ok");
}
