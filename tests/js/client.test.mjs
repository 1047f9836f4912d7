// Unit tests of the browser client logic (run by tests/unit/test_js_client.py with Node).
// The socket is a stand-in here on purpose: these check the pure state logic;
// tests/e2e drives the same modules over the real Socket.IO server in Chromium.
import assert from "node:assert/strict";
import { LiveClient } from "../../static/js/live-core.js";
import { createStaffStore } from "../../static/js/staff-state.js";
import { createParticipantStore } from "../../static/js/participant-state.js";
import { PendingQueue } from "../../static/js/pending.js";

class FakeSocket {
  constructor(server) {
    this.h = {};
    this.connected = false;
    this.active = false;
    this.server = server;
    this.sent = [];
  }
  on(n, f) {
    this.h[n] = this.h[n] || [];
    this.h[n].push(f);
  }
  fire(n, ...a) {
    for (const f of this.h[n] || []) f(...a);
  }
  connect() {
    this.active = true;
    setTimeout(() => {
      this.connected = true;
      this.fire("connect");
    }, 0);
    return this;
  }
  disconnect() {
    this.active = false;
    if (this.connected) {
      this.connected = false;
      this.fire("disconnect", "io client disconnect");
    }
  }
  timeout() {
    return {
      emit: (name, payload, cb) => {
        this.sent.push([name, payload]);
        this.server(name, payload, cb);
      },
    };
  }
}
const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));
// Wait for a condition rather than a fixed delay: a loaded CI machine may take longer.
const until = async (cond, what = "condition", ms = 5000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await tick(2);
  }
};
const win = {
  l: {},
  addEventListener(n, f) {
    this.l[n] = this.l[n] || [];
    this.l[n].push(f);
  },
  fire(n) {
    for (const f of this.l[n] || []) f();
  },
};

// Staff: snapshot, then live events with gap detection.
{
  const snapshot = {
    workshop: { code: "X", joining_open: true, projector_view: "all" },
    tables: [{ id: 1, number: 1, posting_open: true }],
    participants: [],
    ideas: [],
    limits: { idea_max_length: 280 },
  };
  const log = [];
  const idea = (n) => ({
    id: `i${n}`,
    table_id: 1,
    text: `t${n}`,
    state: "visible",
    author: { id: 1 },
    created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:00:00Z",
  });
  let syncDelay = 0;
  const server = (name, p, cb) => {
    assert.equal(name, "sync");
    const reply = () =>
      p.since === 0
        ? cb(null, { ok: true, mode: "snapshot", seq: 3, snapshot })
        : cb(null, {
            ok: true,
            mode: "events",
            seq: log.at(-1)?.seq ?? p.since,
            events: log.filter((e) => e.seq > p.since),
          });
    setTimeout(reply, syncDelay);
  };
  const sock = new FakeSocket(server);
  const store = createStaffStore("facilitator");
  const live = new LiveClient(sock, { store, win, nav: { onLine: true } });
  const kinds = [];
  live.subscribe((k) => kinds.push(k));
  live.start();
  await until(() => live.synced, "first sync");
  assert.equal(live.last, 3);
  assert.ok(store.loaded);
  assert.ok(live.synced);
  assert.equal(live.status, "connected");
  // in-order event
  const e4 = { seq: 4, prev: 3, type: "idea_posted", data: { idea: idea(4) } };
  log.push(e4);
  sock.fire("event", e4);
  assert.equal(store.ideas.size, 1);
  assert.equal(live.last, 4);
  // duplicate ignored
  sock.fire("event", e4);
  assert.equal(store.ideas.size, 1);
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
  await until(() => live.last === 7 && live.synced, "gap filled");
  assert.equal(live.last, 7);
  assert.equal(store.ideas.size, 2);
  assert.equal(store.ideas.get("i4").state, "hidden");
  assert.equal(store.tables[0].posting_open, false);
  assert.equal(sock.sent.filter(([n]) => n === "sync").length, 2);
  // offline / online
  win.fire("offline");
  assert.equal(live.status, "offline");
  assert.equal(sock.connected, false);
  const e8 = { seq: 8, prev: 7, type: "joining_changed", data: { open: false } };
  log.push(e8);
  win.fire("online");
  assert.equal(live.status, "reconnecting");
  await until(() => live.status === "connected" && live.last === 8, "resync after online");
  assert.equal(live.status, "connected");
  assert.equal(live.last, 8);
  assert.equal(store.workshop.joining_open, false);
  assert.deepEqual(sock.sent.at(-1), ["sync", { since: 7 }]);
  // command when disconnected
  win.fire("offline");
  const ack = await live.command("set_joining", { open: true });
  assert.equal(ack.error, "not_connected");
  console.log("staff live ok");
}

// Out of order and dropped deliveries: held briefly, reordered without a sync;
// a delivery that never comes is detected and fetched by a sync.
{
  const snapshot = {
    workshop: { code: "X", joining_open: true, projector_view: "all" },
    tables: [{ id: 1, number: 1, posting_open: true }],
    participants: [],
    ideas: [],
    limits: { idea_max_length: 280 },
  };
  const idea = (n) => ({
    id: `i${n}`,
    table_id: 1,
    text: `t${n}`,
    state: "visible",
    author: { id: 1 },
    created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:00:00Z",
  });
  const ev = (seq, prev) => ({ seq, prev, type: "idea_posted", data: { idea: idea(seq) } });
  // A table room: its stream skips seqs that went to other rooms (prev 10 -> 12 -> 15).
  const log = [ev(12, 10), ev(15, 12), ev(16, 15)];
  const server = (_name, p, cb) =>
    setTimeout(
      () =>
        p.since === 0
          ? cb(null, { ok: true, mode: "snapshot", seq: 10, snapshot })
          : cb(null, { ok: true, mode: "events", seq: log.at(-1).seq, events: log.filter((e) => e.seq > p.since) }),
      0,
    );
  const sock = new FakeSocket(server);
  const store = createStaffStore("facilitator");
  const live = new LiveClient(sock, { store, win: null, nav: { onLine: true }, gapWaitMs: 50 });
  live.start();
  await until(() => live.synced, "first sync");
  const syncs = () => sock.sent.filter(([n]) => n === "sync").length;
  // 15 arrives before 12 (two commands emitted out of order): no sync, both applied in order.
  sock.fire("event", log[1]);
  assert.equal(live.last, 10);
  assert.equal(store.ideas.size, 0);
  sock.fire("event", log[0]);
  assert.equal(live.last, 15);
  assert.equal(store.ideas.size, 2);
  assert.equal(syncs(), 1);
  // 16 is lost on the way: 20 names prev 16, which never arrives.
  const e20 = ev(20, 16);
  log.push(e20);
  sock.fire("event", e20);
  assert.equal(live.last, 15);
  await until(() => live.last === 20 && live.synced, "lost delivery fetched");
  assert.equal(syncs(), 2);
  assert.deepEqual(sock.sent.at(-1), ["sync", { since: 15 }]);
  assert.ok(store.ideas.has("i16") && store.ideas.has("i20"));
  // A prev behind last never applies (the chain says something is off): sync.
  const odd = ev(22, 12);
  log.push(odd);
  sock.fire("event", odd);
  await until(() => syncs() === 3 && live.synced, "prev < last synced");
  assert.equal(live.last, 22);
  assert.deepEqual(sock.sent.at(-1), ["sync", { since: 20 }]);
  console.log("reorder and loss ok");
}

// Unauthorized
{
  const sock = new FakeSocket(() => {});
  sock.connect = function () {
    this.active = false;
    setTimeout(
      () =>
        this.fire(
          "connect_error",
          Object.assign(new Error("unauthorized"), { data: { error: "unauthorized", message: "no" } }),
        ),
      0,
    );
    return this;
  };
  let got = null;
  const live = new LiveClient(sock, {
    store: createStaffStore("projector"),
    win,
    nav: { onLine: true },
    onUnauthorized: (d) => (got = d),
  });
  live.start();
  await until(() => got, "unauthorized");
  assert.equal(got.message, "no");
  assert.ok(live.stopped);
  console.log("unauthorized ok");
}

// Participant store
{
  const s = createParticipantStore();
  s.reset({
    workshop: { code: "X", title: "T", joining_open: true },
    me: { id: 7, table_id: 2 },
    tables: [
      { id: 1, number: 1, posting_open: true },
      { id: 2, number: 2, posting_open: true },
    ],
    my_ideas: [],
    table_ideas: [],
    limits: { idea_max_length: 100 },
  });
  const mine = {
    id: "a",
    table_id: 2,
    text: "x",
    state: "visible",
    author: { id: 7 },
    created_at: "1",
    updated_at: "1",
  };
  const other = {
    id: "b",
    table_id: 2,
    text: "y",
    state: "visible",
    author: { id: 8 },
    created_at: "1",
    updated_at: "1",
  };
  s.apply({ type: "idea_posted", data: { idea: mine } });
  s.apply({ type: "idea_posted", data: { idea: other } });
  assert.equal(s.myIdeas.size, 1);
  assert.equal(s.tableIdeas.size, 2);
  s.apply({ type: "idea_hidden", data: { id: "a", table_id: 2 } });
  assert.equal(s.myIdeas.get("a").state, "hidden");
  assert.equal(s.tableIdeas.size, 1);
  s.apply({ type: "idea_restored", data: { idea: mine } });
  assert.equal(s.myIdeas.get("a").state, "visible");
  assert.equal(s.tableIdeas.size, 2);
  s.apply({ type: "idea_withdrawn", data: { id: "b", table_id: 2 } });
  assert.equal(s.tableIdeas.size, 1);
  s.apply({ type: "posting_changed", data: { table_id: 2, open: false } });
  assert.equal(s.table().posting_open, false);
  assert.equal(s.limits.idea_max_length, 100);
  // order: same second, arrival order
  const sorted = [other, mine].sort(s.order.newestFirst);
  assert.equal(sorted[0].id, "b");
  console.log("participant store ok");
}

// Pending queue
{
  const mem = new Map();
  const storage = { getItem: (k) => mem.get(k) ?? null, setItem: (k, v) => mem.set(k, v) };
  const q = new PendingQueue("X", storage);
  const a = q.add("one");
  const b = q.add("two");
  const _c = q.add("three");
  let calls = 0,
    concurrent = 0,
    max = 0;
  const send = async (item) => {
    calls++;
    concurrent++;
    max = Math.max(max, concurrent);
    await tick(2);
    concurrent--;
    if (item.text === "two") return { ok: false, error: "posting_closed", message: "closed" };
    return { ok: true, idea: { id: item.id } };
  };
  await Promise.all([q.flush(send), q.flush(send)]);
  assert.equal(max, 1);
  assert.equal(calls, 3);
  assert.deepEqual(
    q.list().map((i) => [i.text, i.state]),
    [["two", "failed"]],
  );
  q.retry(b.id);
  assert.equal(q.count(), 1);
  await q.flush(async () => ({ ok: false, error: "timeout" }));
  assert.equal(q.get(b.id).state, "pending");
  assert.match(a.id, /^[0-9a-f-]{36}$/);
  console.log("pending ok");
}

// Staff store: groups, "À classer", grouping events applied idempotently.
{
  const idea = (n, table, group = null, extra = {}) => ({
    id: `i${n}`,
    table_id: table,
    text: `t${n}`,
    state: "visible",
    author: { id: 1 },
    created_at: `2026-01-01T00:00:0${n}Z`,
    updated_at: "2026-01-01T00:00:00Z",
    group_id: group,
    placement: group ? "auto" : null,
    confidence: group ? 0.8 : null,
    suggestions: [],
    ...extra,
  });
  const group = (id, table, position, label = id) => ({ id, table_id: table, label, label_source: "topic", position });
  const snapshot = () => ({
    workshop: { code: "X" },
    tables: [
      { id: 1, number: 1 },
      { id: 2, number: 2 },
    ],
    participants: [],
    groups: [group("g2", 1, 2, "Deux"), group("g1", 1, 1, "Un"), group("h1", 2, 1)],
    ideas: [idea(1, 1, "g1"), idea(2, 1), idea(3, 1, "g2"), idea(4, 2, "h1"), idea(5, 1, "g1", { state: "hidden" })],
  });
  const shape = (s, table) => {
    const b = s.boardOf(table);
    return {
      unsorted: b.unsorted.map((i) => i.id),
      groups: b.groups.map((e) => [e.group.id, e.ideas.map((i) => i.id)]),
    };
  };
  const twice = (s, ev) => {
    s.apply(ev);
    const once = JSON.stringify([shape(s, 1), shape(s, 2)]);
    s.apply(ev);
    assert.equal(JSON.stringify([shape(s, 1), shape(s, 2)]), once, `${ev.type} twice`);
  };

  const s = createStaffStore("facilitator");
  s.reset(snapshot());
  assert.deepEqual(
    s.groupsOf(1).map((g) => g.id),
    ["g1", "g2"],
  ); // by position
  assert.deepEqual(shape(s, 1), {
    unsorted: ["i2"],
    groups: [
      ["g1", ["i5", "i1"]],
      ["g2", ["i3"]],
    ],
  }); // newest first
  assert.deepEqual(shape(s, 2), { unsorted: [], groups: [["h1", ["i4"]]] });
  // a server without grouping: no groups, every idea "À classer"
  const bare = createStaffStore("projector");
  bare.reset({ ...snapshot(), groups: undefined, ideas: [{ ...idea(1, 1), group_id: undefined }] });
  assert.deepEqual(shape(bare, 1), { unsorted: ["i1"], groups: [] });
  assert.equal(bare.ideas.get("i1").group_id, null);
  assert.deepEqual(bare.ideas.get("i1").suggestions, []);

  twice(s, { type: "group_created", data: { group: group("g3", 1, 3, "Trois") } });
  assert.deepEqual(
    s.groupsOf(1).map((g) => g.id),
    ["g1", "g2", "g3"],
  );
  twice(s, {
    type: "group_renamed",
    data: { group: { ...group("g3", 1, 3, "Trois bis"), label_source: "facilitator" } },
  });
  assert.equal(s.groupById("g3").label, "Trois bis");
  assert.equal(s.groups.size, 4);
  twice(s, {
    type: "idea_moved",
    data: { id: "i2", table_id: 1, group_id: "g3", placement: "facilitator", confidence: null, suggestions: ["g3"] },
  });
  assert.deepEqual(shape(s, 1).groups.at(-1), ["g3", ["i2"]]);
  assert.equal(s.ideas.get("i2").placement, "facilitator");
  assert.deepEqual(s.ideas.get("i2").suggestions, ["g3"]);
  s.apply({ type: "idea_moved", data: { id: "nope", table_id: 1, group_id: "g3", placement: "auto" } }); // unknown idea: ignored
  assert.equal(s.ideas.has("nope"), false);
  // back to "À classer"
  twice(s, {
    type: "idea_moved",
    data: { id: "i3", table_id: 1, group_id: null, placement: "facilitator", confidence: null, suggestions: [] },
  });
  assert.deepEqual(shape(s, 1).unsorted, ["i3"]);
  // merge g1 into g3: g1 disappears, its ideas (hidden ones too) move, facilitator-placed
  twice(s, {
    type: "groups_merged",
    data: { id: "g1", into: group("g3", 1, 3, "Trois bis"), table_id: 1, idea_ids: ["i1", "i5"] },
  });
  assert.equal(s.groupById("g1"), null);
  assert.deepEqual(shape(s, 1), {
    unsorted: ["i3"],
    groups: [
      ["g2", []],
      ["g3", ["i5", "i2", "i1"]],
    ],
  });
  assert.equal(s.ideas.get("i1").placement, "facilitator");
  // split two ideas of g3 into g4
  twice(s, { type: "group_split", data: { group: group("g4", 1, 4, "Quatre"), from: "g3", idea_ids: ["i1", "i2"] } });
  assert.deepEqual(shape(s, 1).groups, [
    ["g2", []],
    ["g3", ["i5"]],
    ["g4", ["i2", "i1"]],
  ]);
  // remove g4: its ideas go back to "À classer", unplaced (no decision about them, no suggestion)
  twice(s, { type: "group_removed", data: { id: "g4", table_id: 1, idea_ids: ["i1", "i2"] } });
  assert.equal(s.groupById("g4"), null);
  assert.deepEqual(shape(s, 1), {
    unsorted: ["i3", "i2", "i1"],
    groups: [
      ["g2", []],
      ["g3", ["i5"]],
    ],
  });
  assert.equal(s.ideas.get("i1").placement, null);
  assert.equal(s.ideas.get("i1").confidence, null);
  // an idea naming an unknown group, or a group of another table, shows in "À classer"
  s.apply({ type: "idea_posted", data: { idea: idea(6, 1, "ghost") } });
  s.apply({ type: "idea_posted", data: { idea: idea(7, 1, "h1") } });
  assert.deepEqual(shape(s, 1).unsorted.slice(0, 2), ["i7", "i6"]);
  assert.deepEqual(shape(s, 2).groups, [["h1", ["i4"]]]);
  // a move not acknowledged yet (console overlay)
  assert.deepEqual(
    s.boardOf(1, new Map([["i3", "g2"]])).groups[0].ideas.map((i) => i.id),
    ["i3"],
  );
  // other tables untouched all along
  assert.deepEqual(shape(s, 2), { unsorted: [], groups: [["h1", ["i4"]]] });

  // A snapshot that already reflects events replayed after it (head read before the snapshot).
  const p = createStaffStore("projector");
  const snap = snapshot();
  snap.groups = snap.groups.filter((g) => g.id !== "g1"); // g1 already removed...
  snap.ideas = snap.ideas.map((i) => (i.group_id === "g1" ? { ...i, group_id: null, placement: null } : i));
  p.reset(snap);
  assert.equal(p.ideas.has("i5"), false); // the projector keeps visible ideas only
  for (const ev of [
    // ...and its creation, a move into it and its removal arrive again
    { type: "group_created", data: { group: group("g1", 1, 1, "Un") } },
    { type: "idea_moved", data: { id: "i5", table_id: 1, group_id: "g1", placement: "facilitator" } }, // hidden: ignored
    { type: "idea_moved", data: { id: "i2", table_id: 1, group_id: "g1", placement: "facilitator" } },
    { type: "group_removed", data: { id: "g1", table_id: 1, idea_ids: ["i1", "i2", "i5"] } },
  ])
    p.apply(ev);
  assert.deepEqual(shape(p, 1), { unsorted: ["i2", "i1"], groups: [["g2", ["i3"]]] });
  // a merge replayed after a snapshot that already has it
  p.apply({
    type: "groups_merged",
    data: { id: "g2", into: group("g9", 1, 9, "Neuf"), table_id: 1, idea_ids: ["i3"] },
  });
  p.apply({
    type: "groups_merged",
    data: { id: "g2", into: group("g9", 1, 9, "Neuf"), table_id: 1, idea_ids: ["i3"] },
  });
  assert.deepEqual(shape(p, 1), { unsorted: ["i2", "i1"], groups: [["g9", ["i3"]]] });
  // a restored idea comes back in the group the server says
  p.apply({ type: "idea_restored", data: { idea: idea(5, 1, "g9") } });
  assert.deepEqual(shape(p, 1).groups, [["g9", ["i5", "i3"]]]);
  console.log("staff groups ok");
}

// Staff store: automatic grouping events (board_regrouped, idea_merged, duplicate_dismissed), idempotent.
{
  const author = (id, first_name) => ({ id, first_name, organisation: `Org${id}` });
  const idea = (n, extra = {}) => ({
    id: `i${n}`,
    table_id: 1,
    text: `t${n}`,
    state: "visible",
    author: author(n, `P${n}`),
    created_at: `2026-01-01T00:00:0${n}Z`,
    updated_at: "2026-01-01T00:00:00Z",
    group_id: null,
    placement: null,
    confidence: null,
    suggestions: [],
    duplicate_of: null,
    merged: [],
    ...extra,
  });
  const snapshot = () => ({
    workshop: { code: "X" },
    tables: [
      { id: 1, number: 1 },
      { id: 2, number: 2 },
    ],
    participants: [],
    groups: [{ id: "g1", table_id: 1, label: "Un", label_source: "facilitator", position: 1 }],
    ideas: [
      idea(1, { group_id: "g1", placement: "facilitator" }),
      idea(2, { suggestions: ["g1"], confidence: 0.4 }),
      idea(3),
      idea(4, { duplicate_of: "i3" }),
      idea(5, { state: "hidden" }),
      idea(6, { table_id: 2, duplicate_of: "i1" }),
    ],
  });
  const shape = (s, table) => {
    const b = s.boardOf(table);
    return {
      unsorted: b.unsorted.map((i) => i.id),
      groups: b.groups.map((e) => [e.group.id, e.group.label_source, e.ideas.map((i) => i.id)]),
    };
  };
  const dump = (s) =>
    JSON.stringify([
      shape(s, 1),
      shape(s, 2),
      [...s.ideas.values()].map((i) => [i.id, i.duplicate_of, i.merged, i.placement]),
    ]);
  const twice = (s, ev) => {
    s.apply(ev);
    const once = dump(s);
    s.apply(ev);
    assert.equal(dump(s), once, `${ev.type} twice`);
  };

  const s = createStaffStore("facilitator");
  s.reset(snapshot());
  // defaults for a server without the fields
  const old = createStaffStore("projector");
  old.reset({ ...snapshot(), ideas: [{ ...idea(1), duplicate_of: undefined, merged: undefined }] });
  assert.equal(old.ideas.get("i1").duplicate_of, null);
  assert.deepEqual(old.ideas.get("i1").merged, []);

  // duplicateOf: only between two visible ideas of one table that we hold
  assert.equal(s.duplicateOf(s.ideas.get("i4")).id, "i3");
  assert.equal(s.duplicateOf(s.ideas.get("i3")), null);
  assert.equal(s.duplicateOf(s.ideas.get("i6")), null); // the other idea is on another table
  s.apply({ type: "idea_posted", data: { idea: idea(7, { duplicate_of: "i5" }) } });
  assert.equal(s.duplicateOf(s.ideas.get("i7")), null); // the other idea is hidden
  s.apply({ type: "idea_posted", data: { idea: idea(8, { duplicate_of: "gone" }) } });
  assert.equal(s.duplicateOf(s.ideas.get("i8")), null); // unknown (withdrawn, or merged away)

  // "Regrouper": new auto groups, ideas moved into them (and into an existing group)
  const regrouped = {
    type: "board_regrouped",
    data: {
      table_id: 1,
      groups: [
        { id: "a1", table_id: 1, label: "Annuaire", label_source: "auto", position: 2 },
        { id: "a2", table_id: 1, label: "Export", label_source: "auto", position: 3 },
      ],
      moves: [
        { id: "i2", group_id: "g1", placement: "auto", confidence: null, suggestions: [] },
        { id: "i3", group_id: "a1", placement: "auto", confidence: null, suggestions: [] },
        { id: "i4", group_id: "a1", placement: "auto", confidence: null, suggestions: [] },
        { id: "i7", group_id: "a2", placement: "auto", confidence: null, suggestions: [] },
        { id: "nope", group_id: "a2", placement: "auto", confidence: null, suggestions: [] },
      ],
    },
  };
  twice(s, regrouped);
  assert.deepEqual(shape(s, 1), {
    unsorted: ["i8", "i5"],
    groups: [
      ["g1", "facilitator", ["i2", "i1"]],
      ["a1", "auto", ["i4", "i3"]],
      ["a2", "auto", ["i7"]],
    ],
  });
  assert.equal(s.ideas.get("i2").placement, "auto");
  assert.equal(s.ideas.get("i2").confidence, null);
  assert.deepEqual(s.ideas.get("i2").suggestions, []);
  assert.equal(s.ideas.has("nope"), false);
  assert.equal(s.ideas.get("i1").placement, "facilitator"); // the facilitator's placement stays
  // renaming an auto group makes it the facilitator's (the server says so in the event)
  s.apply({
    type: "group_renamed",
    data: { group: { id: "a1", table_id: 1, label: "Annuaire en ligne", label_source: "facilitator", position: 2 } },
  });
  assert.equal(s.groupById("a1").label_source, "facilitator");

  // merge i4 into i3: i4 leaves, i3 comes back with its co-author
  const into = {
    ...idea(3, { group_id: "a1", placement: "auto" }),
    merged: [{ id: "i4", text: "t4", author: author(4, "P4") }],
  };
  twice(s, { type: "idea_merged", data: { id: "i4", table_id: 1, into } });
  assert.equal(s.ideas.has("i4"), false);
  assert.deepEqual(
    s.ideas.get("i3").merged.map((m) => m.author.first_name),
    ["P4"],
  );
  assert.deepEqual(shape(s, 1).groups[1], ["a1", "facilitator", ["i3"]]);
  // an idea merged into an idea we do not keep (the projector and a hidden idea) just leaves
  const p = createStaffStore("projector");
  p.reset(snapshot());
  p.apply({ type: "idea_merged", data: { id: "i2", table_id: 1, into: idea(5, { state: "hidden" }) } });
  assert.equal(p.ideas.has("i2"), false);
  assert.equal(p.ideas.has("i5"), false);
  // replayed on a snapshot that already has it: nothing changes
  const q = createStaffStore("facilitator");
  const snap = snapshot();
  snap.ideas = snap.ideas.filter((i) => i.id !== "i4").map((i) => (i.id === "i3" ? into : i));
  q.reset(snap);
  const before = dump(q);
  q.apply({ type: "idea_merged", data: { id: "i4", table_id: 1, into } });
  assert.equal(dump(q), before);

  // "Garder les deux": duplicate_of cleared
  s.apply({ type: "idea_posted", data: { idea: idea(9, { duplicate_of: "i3" }) } });
  assert.equal(s.duplicateOf(s.ideas.get("i9")).id, "i3");
  twice(s, { type: "duplicate_dismissed", data: { id: "i9", table_id: 1 } });
  assert.equal(s.ideas.get("i9").duplicate_of, null);
  assert.equal(s.duplicateOf(s.ideas.get("i9")), null);
  s.apply({ type: "duplicate_dismissed", data: { id: "nope", table_id: 1 } }); // unknown: ignored
  assert.equal(s.ideas.has("nope"), false);
  console.log("staff automation ok");
}

// Participant store: a merged idea leaves the table list; mine shows as merged.
{
  const s = createParticipantStore();
  const idea = (id, who, extra = {}) => ({
    id,
    table_id: 2,
    text: id,
    state: "visible",
    author: { id: who, first_name: `P${who}` },
    created_at: "1",
    updated_at: "1",
    merged: [],
    ...extra,
  });
  const snapshot = (my, table) => ({
    workshop: { code: "X", joining_open: true },
    me: { id: 7, table_id: 2 },
    tables: [{ id: 2, number: 2, posting_open: true }],
    my_ideas: my,
    table_ideas: table,
  });
  s.reset(snapshot([idea("a", 7)], [idea("a", 7), idea("b", 8)]));
  const into = idea("b", 8, { merged: [{ id: "a", text: "a", author: { id: 7, first_name: "P7" } }] });
  const ev = { type: "idea_merged", data: { id: "a", table_id: 2, into } };
  s.apply(ev);
  s.apply(ev); // idempotent
  assert.equal(s.myIdeas.get("a").state, "merged");
  assert.equal(s.tableIdeas.has("a"), false);
  assert.deepEqual(
    s.tableIdeas.get("b").merged.map((m) => m.author.first_name),
    ["P7"],
  );
  // a late ack of an edit does not bring it back
  s.acceptOwnIdea(idea("a", 7));
  assert.equal(s.myIdeas.get("a").state, "merged");
  assert.equal(s.tableIdeas.has("a"), false);
  // someone else's idea merged into mine: it leaves the table, mine credits them
  s.apply({ type: "idea_posted", data: { idea: idea("c", 7) } });
  s.apply({ type: "idea_posted", data: { idea: idea("d", 9) } });
  s.apply({
    type: "idea_merged",
    data: {
      id: "d",
      table_id: 2,
      into: idea("c", 7, { merged: [{ id: "d", text: "d", author: { id: 9, first_name: "P9" } }] }),
    },
  });
  assert.equal(s.tableIdeas.has("d"), false);
  assert.equal(s.myIdeas.get("c").merged.length, 1);
  // a snapshot with my merged idea: kept in "my ideas", not in the table list
  s.reset(snapshot([{ ...idea("a", 7), state: "merged" }], [into]));
  assert.equal(s.myIdeas.get("a").state, "merged");
  assert.deepEqual([...s.tableIdeas.keys()], ["b"]);
  console.log("participant merge ok");
}

// command(): a longer ack timeout through an option (regroup), the default otherwise.
{
  const timeouts = [];
  const sock = new FakeSocket((_name, _p, cb) => cb(null, { ok: true }));
  sock.connected = true;
  sock.timeout = (ms) => {
    timeouts.push(ms);
    return { emit: (_name, _payload, cb) => cb(null, { ok: true }) };
  };
  const live = new LiveClient(sock, { store: createStaffStore("facilitator"), win, nav: { onLine: true } });
  await live.command("hide_idea", { id: "x" });
  await live.command("regroup", { table_id: 1 }, { timeoutMs: 60000 });
  assert.deepEqual(timeouts, [8000, 60000]);
  console.log("command timeout ok");
}
