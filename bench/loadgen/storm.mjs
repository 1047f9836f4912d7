// One reconnection-storm client process (bench/storm.py): many sockets on one Node event
// loop that come back after the server is lost, as docs/protocol.md "Reconnecting" says a
// client should. Written from docs/protocol.md only. One JSON array per line:
//
//   stdin  <- the config object (base_url, clients (each with its reconnect rule), seed, post_interval,
//             timeouts)
//   stdout -> ["connected", {connected, failures}] once every socket connected and synced
//   (ideas are posted every post_interval s from a random connected phone until "stop")
//   stdin  <- ["stop", null]
//   stdout -> ["results", {posts, clients, failures, loop_lag_ms}] after the grace period, then ["bye", null]
//   stdout -> ["error", "<stack>"] on any failure

import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { bump, connectSocket, limiter, now, recv, send, sleep } from "./common.mjs";

// A seeded generator (mulberry32), so two runs with the same seed wait the same times.
function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// docs/protocol.md "Client rule": how long an event that does not follow is held.
const GAP_WAIT_MS = 300;

// docs/protocol.md "Reconnecting": full jitter, uniform between min and
// min(max, first_max × 2^attempt), attempt = failures since the last connection.
function reconnectDelay(rule, attempt, random) {
  const ceiling = Math.min(rule.max, rule.first_max * 2 ** Math.max(0, attempt));
  return rule.min + random() * (ceiling - rule.min);
}

// One phone (or the projector): applies envelopes by the client rule, syncs after every connection.
class Follower {
  constructor(spec, cfg, random, failures) {
    this.spec = spec;
    this.cfg = cfg;
    this.random = random;
    this.failureCounts = failures;
    this.socket = null;
    this.last = 0;
    this.connected = false;
    this.lostAt = null;
    this.resyncs = []; // {lost, tried (the successful attempt began), back, mode, attempts}
    this.recv = {}; // idea id -> first time seen, live or in a sync (projector only)
    this.held = new Map(); // seq -> envelope that does not follow yet (a gap before it)
    this.buffered = []; // live envelopes that arrived during a sync
    this.syncing = false;
    this.gapTimer = null;
    this.gapSyncs = 0; // syncs asked for because a gap stayed open GAP_WAIT_MS
    this.outOfOrder = 0; // held envelopes applied once the missing one arrived (no sync)
    this.failures = 0;
    this.stopped = false;
  }

  // Connect and sync; throws on any failure (the socket is closed then).
  async open() {
    let socket;
    try {
      socket = await connectSocket(this.cfg.base_url, this.spec, this.cfg.connect_timeout);
    } catch (err) {
      err.socket?.close();
      throw Object.assign(err, { stage: "connect" });
    }
    socket.on("event", (envelope) => this.onEvent(envelope));
    socket.on("disconnect", () => this.onDisconnect());
    this.socket = socket;
    this.held.clear();
    this.buffered = [];
    clearTimeout(this.gapTimer);
    this.gapTimer = null;
    let mode;
    try {
      mode = await this.sync(socket);
    } catch (err) {
      socket.close();
      throw err;
    }
    this.connected = socket.connected;
    return mode;
  }

  // docs/protocol.md "sync": live events that arrive meanwhile are buffered, then offered by
  // the envelope rule once the answer is applied.
  async sync(socket) {
    this.syncing = true;
    try {
      let ack;
      try {
        ack = await socket.timeout(this.cfg.sync_timeout * 1000).emitWithAck("sync", { since: this.last });
      } catch (err) {
        throw Object.assign(err, { stage: "sync" });
      }
      if (!(ack && typeof ack === "object" && ack.ok)) {
        throw Object.assign(new Error(`sync refused: ${JSON.stringify(ack).slice(0, 80)}`), {
          stage: "sync_refused",
        });
      }
      if (ack.mode === "snapshot") {
        const key = this.spec.kind === "projector" ? "ideas" : "table_ideas";
        const t = now();
        for (const idea of ack.snapshot?.[key] ?? []) this.see(idea, t);
      } else {
        for (const envelope of ack.events ?? []) if (envelope.seq > this.last) this.apply(envelope);
      }
      this.last = Math.max(this.last, ack.seq ?? 0);
      return ack.mode;
    } finally {
      this.syncing = false;
      const pending = [...this.held.values(), ...this.buffered].sort((a, b) => a.seq - b.seq);
      this.held.clear();
      this.buffered = [];
      for (const envelope of pending) this.offer(envelope);
    }
  }

  see(idea, t) {
    if (this.spec.kind === "projector" && idea && typeof idea.id === "string" && !(idea.id in this.recv)) {
      this.recv[idea.id] = t;
    }
  }

  onEvent(envelope) {
    if (!envelope || typeof envelope !== "object" || !Number.isInteger(envelope.seq)) return;
    if (this.syncing) this.buffered.push(envelope);
    else this.offer(envelope);
  }

  // docs/protocol.md "Client rule": seq <= last is ignored; prev == last is applied; anything
  // else is held, and a sync asked for unless the missing event arrives within GAP_WAIT_MS.
  // Deliveries from two server processes can arrive out of order: applying the later one and
  // dropping the earlier as stale would lose it.
  offer(envelope) {
    if (envelope.seq <= this.last) return;
    if (envelope.prev === this.last) {
      this.apply(envelope);
      this.releaseHeld();
      return;
    }
    this.held.set(envelope.seq, envelope);
    if (!this.gapTimer) this.gapTimer = setTimeout(() => this.closeGap(), GAP_WAIT_MS);
  }

  releaseHeld() {
    for (let next = this.nextHeld(); next; next = this.nextHeld()) {
      this.held.delete(next.seq);
      if (next.seq > this.last) {
        this.apply(next);
        this.outOfOrder += 1;
      }
    }
    if (this.held.size === 0 && this.gapTimer) {
      clearTimeout(this.gapTimer);
      this.gapTimer = null;
    }
  }

  nextHeld() {
    for (const envelope of this.held.values()) {
      if (envelope.seq <= this.last || envelope.prev === this.last) return envelope;
    }
    return null;
  }

  async closeGap() {
    this.gapTimer = null;
    const socket = this.socket;
    if (!this.held.size || this.syncing || !socket?.connected) return;
    this.gapSyncs += 1;
    try {
      await this.sync(socket);
    } catch {
      // the socket went away: its reconnection syncs again
    }
  }

  apply(envelope) {
    if (envelope.type === "idea_posted") this.see(envelope.data?.idea, now());
    this.last = Math.max(this.last, envelope.seq);
  }

  onDisconnect() {
    if (!this.connected || this.stopped) return;
    this.connected = false;
    this.lostAt = now();
    this.comeBack();
  }

  async comeBack() {
    for (let attempt = 0; !this.stopped; ) {
      await sleep(reconnectDelay(this.spec.reconnect, attempt, this.random));
      attempt += 1;
      if (this.stopped) return;
      const tried = now();
      try {
        const mode = await this.open();
        this.resyncs.push({ lost: this.lostAt, tried, back: now(), mode, attempts: attempt });
        return;
      } catch (err) {
        this.failures += 1;
        bump(this.failureCounts, `${err.stage}:${String(err.message).slice(0, 50)}`);
      }
    }
  }

  result() {
    return {
      key: this.spec.key,
      kind: this.spec.kind,
      connected: this.connected,
      resyncs: this.resyncs,
      failures: this.failures,
      recv: this.spec.kind === "projector" ? this.recv : {},
      gap_syncs: this.gapSyncs,
      out_of_order: this.outOfOrder,
    };
  }
}

async function main() {
  const cfg = await recv(60);
  if (!cfg) return;
  const random = seeded(cfg.seed);
  const failures = {};
  const followers = cfg.clients.map((spec) => new Follower(spec, cfg, random, failures));
  const { acquire, release } = limiter(cfg.connect_concurrency);
  await Promise.all(
    followers.map(async (f) => {
      await acquire();
      try {
        await f.open();
      } catch (err) {
        f.failures += 1;
        bump(failures, `${err.stage}:${String(err.message).slice(0, 50)}`);
      } finally {
        release();
      }
    }),
  );
  await send("connected", { connected: followers.filter((f) => f.connected).length, failures });

  // Event-loop lag of this process (how late a 50 ms timer fires): a busy client
  // process delays what it records, so the report says how late it was.
  const lagMs = [];
  let lagging = true;
  const lagMonitor = (async () => {
    while (lagging) {
      const t = performance.now();
      await sleep(0.05);
      lagMs.push(performance.now() - t - 50);
    }
  })();

  let stop = false;
  const stopped = recv(24 * 3600).then(
    () => {
      stop = true;
    },
    () => {
      stop = true;
    },
  );
  const posts = [];
  const posters = followers.filter((f) => f.spec.kind === "participant");
  async function post(f) {
    const rec = { id: randomUUID(), sent: now(), ack: null, ok: false };
    posts.push(rec);
    try {
      const ack = await f.socket
        .timeout(cfg.ack_timeout * 1000)
        .emitWithAck("post_idea", { id: rec.id, text: `tempête ${posts.length} idée` });
      rec.ack = now();
      rec.ok = Boolean(ack && typeof ack === "object" && ack.ok);
    } catch {
      // the server went away before answering: not acknowledged
    }
  }
  // Ideas on a fixed schedule (not "sleep after each"), so a busy loop does not lower the rate.
  const t0 = now();
  for (let i = 1; !stop; i++) {
    if (cfg.post_interval > 0) {
      const ready = posters.filter((f) => f.connected);
      if (ready.length) post(ready[Math.floor(random() * ready.length)]);
      await Promise.race([sleep(t0 + i * cfg.post_interval - now()), stopped]);
    } else {
      await stopped;
    }
  }
  await sleep(cfg.grace);
  for (const f of followers) f.stopped = true;
  lagging = false;
  await lagMonitor;
  await send("results", { posts, clients: followers.map((f) => f.result()), failures, loop_lag_ms: lagMs });
  for (const f of followers) f.socket?.close();
  await send("bye", null);
}

main()
  .catch((err) => send("error", String(err?.stack || err)))
  .finally(() => process.exit(0));
