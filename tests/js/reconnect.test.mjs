// The reconnection rule of the browser client (static/js/live-core.js), run by tests/unit/test_js_reconnect.py.
// The socket is a stand-in: what is checked is when and how often LiveClient asks to reconnect.
import assert from "node:assert/strict";
import {
  LiveClient,
  reconnectDelay,
  RECONNECT_MIN_MS,
  RECONNECT_FIRST_MAX_MS,
  RECONNECT_MAX_MS,
  STAFF_RECONNECT,
} from "../../static/js/live-core.js";

// Full jitter: the first wait spans 0.5-3 s, each failure doubles the ceiling, up to 6 s.
assert.equal(
  reconnectDelay(0, () => 0),
  RECONNECT_MIN_MS,
);
assert.equal(
  reconnectDelay(0, () => 1),
  RECONNECT_FIRST_MAX_MS,
);
assert.equal(
  reconnectDelay(1, () => 1),
  2 * RECONNECT_FIRST_MAX_MS,
);
assert.equal(
  reconnectDelay(2, () => 1),
  RECONNECT_MAX_MS,
);
assert.equal(
  reconnectDelay(20, () => 1),
  RECONNECT_MAX_MS,
);
assert.equal(
  reconnectDelay(20, () => 0),
  RECONNECT_MIN_MS,
);
// 2,000 phones losing the server at once spread their first retry over the whole window.
const firsts = Array.from({ length: 2000 }, () => reconnectDelay(0));
assert.ok(firsts.every((d) => d >= RECONNECT_MIN_MS && d <= RECONNECT_FIRST_MAX_MS));
const perHalfSecond = new Array(6).fill(0);
for (const d of firsts) perHalfSecond[Math.min(5, Math.floor(d / 500))] += 1;
assert.equal(perHalfSecond[0], 0);
assert.ok(
  perHalfSecond.slice(1).every((n) => n > 250 && n < 550),
  `uneven spread ${perHalfSecond}`,
);
// Staff screens (console, projector): 0.25-1 s first, up to 2 s.
assert.equal(
  reconnectDelay(0, () => 0, STAFF_RECONNECT),
  250,
);
assert.equal(
  reconnectDelay(0, () => 1, STAFF_RECONNECT),
  1000,
);
assert.equal(
  reconnectDelay(5, () => 1, STAFF_RECONNECT),
  2000,
);
console.log("reconnect delay ok");

// A socket whose server goes away: LiveClient schedules the reconnection itself, with the
// backoff growing while attempts fail and starting over once connected.
class FakeSocket {
  constructor() {
    this.h = {};
    this.connected = false;
    this.active = false;
    this.up = true;
    this.connects = 0;
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
    this.connects += 1;
    setTimeout(() => {
      if (this.up) {
        this.connected = true;
        this.fire("connect");
      } else this.fire("connect_error", new Error("xhr poll error"));
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
  drop(reason) {
    this.connected = false;
    this.fire("disconnect", reason);
  }
  timeout() {
    return { emit: (_name, _payload, cb) => cb(null, { ok: true, mode: "events", seq: 0, events: [] }) };
  }
}
const until = async (cond, what, ms = 5000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
};
// Scale time down: the client's timers run with the real delays, so draw them from a tiny range.
const originalSetTimeout = globalThis.setTimeout;
const waits = [];
globalThis.setTimeout = (fn, ms, ...rest) => {
  if (ms >= RECONNECT_MIN_MS) waits.push(ms);
  return originalSetTimeout(fn, ms >= RECONNECT_MIN_MS ? 1 : ms, ...rest);
};
try {
  const sock = new FakeSocket();
  const store = { reset() {}, apply() {} };
  const live = new LiveClient(sock, { store, win: null, nav: { onLine: true }, random: () => 1 });
  live.start();
  await until(() => live.synced, "first sync");
  sock.up = false;
  sock.drop("transport close"); // the server restarted
  assert.equal(live.status, "reconnecting");
  await until(() => sock.connects >= 5, "four retries");
  assert.deepEqual(waits.slice(0, 4), [3000, 6000, 6000, 6000]); // the ceiling doubles while it fails, to 6 s
  sock.up = true;
  await until(() => live.synced && sock.connected, "back");
  assert.equal(live.status, "connected");
  waits.length = 0;
  sock.drop("ping timeout");
  await until(() => live.synced && sock.connected, "back again");
  assert.deepEqual(waits, [3000]); // a new loss starts from the first window again
  // The page's own disconnect (going offline) is not retried.
  const before = sock.connects;
  sock.disconnect();
  await new Promise((r) => originalSetTimeout(r, 20));
  assert.equal(sock.connects, before);

  // A staff screen passes the shorter rule.
  const staffSock = new FakeSocket();
  const staff = new LiveClient(staffSock, {
    store,
    win: null,
    nav: { onLine: true },
    random: () => 1,
    reconnect: STAFF_RECONNECT,
  });
  staff.start();
  await until(() => staff.synced, "staff first sync");
  waits.length = 0;
  staffSock.up = false;
  staffSock.drop("transport close");
  await until(() => staffSock.connects >= 4, "three staff retries");
  assert.deepEqual(waits.slice(0, 3), [1000, 2000, 2000]);
  staffSock.up = true;
  await until(() => staff.synced && staffSock.connected, "staff back");
} finally {
  globalThis.setTimeout = originalSetTimeout;
}
console.log("reconnect schedule ok");
