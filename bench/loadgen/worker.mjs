// One client worker process: many socket.io-client sockets on one Node event loop.
//
// Written from docs/protocol.md only (not from the server or static/js). Driven by
// bench/benchlib/node_workers.py with the same messages as the Python worker
// (bench/benchlib/clients.py), one JSON array per line:
//
//   stdin  <- the config object (base_url, clients, timeouts)
//   stdout -> ["connected", {...}] once every socket connected and synced
//   stdin  <- ["start", plan] (anything else: disconnect and exit)
//   stdout -> ["results", {...}] after the grace period, then ["bye", null]
//   stdout -> ["error", "<stack>"] on any failure
//
// Times are epoch seconds (floats), like Python's time.time(), so the parent compares
// them with its own schedule. Logs go to stderr.

import { performance } from "node:perf_hooks";
import { bump, connectSocket, limiter, now, recv, send, sleep } from "./common.mjs";

const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

// What one socket saw. The envelope rule is docs/protocol.md "Event envelope":
// seq <= last is stale (ignored); prev == last follows; anything else is a gap.
class ClientState {
  constructor(spec, ideaIndex) {
    this.key = spec.key;
    this.kind = spec.kind;
    this.tableId = spec.table_id ?? null;
    this.ideaIndex = ideaIndex;
    this.socket = null;
    this.lastSeq = null;
    this.recv = {};
    this.grouped = {};
    this.dups = 0;
    this.gaps = 0;
    this.stale = 0;
    this.wrongTable = 0;
    this.unknownIdeas = 0;
    this.types = {};
    this.disconnectedAt = null;
    this.disconnectReason = null;
  }

  onEvent(data) {
    const t = now();
    if (data === null || typeof data !== "object" || Array.isArray(data)) {
      bump(this.types, "<malformed>");
      return;
    }
    const etype = data.type;
    bump(this.types, String(etype));
    const { seq, prev } = data;
    if (Number.isInteger(seq) && this.lastSeq !== null) {
      if (seq <= this.lastSeq) {
        this.stale += 1;
      } else {
        if (prev !== this.lastSeq) this.gaps += 1;
        this.lastSeq = seq;
      }
    }
    const idea = data.data?.idea;
    if (etype === "idea_grouped") {
      const idx = this.ideaIndex.get(idea?.id);
      if (idx !== undefined && this.kind === "projector" && !(idx in this.grouped)) this.grouped[idx] = t;
      return;
    }
    if (etype === "idea_posted") {
      if (!idea || typeof idea.id !== "string") {
        bump(this.types, "<malformed idea_posted>");
        return;
      }
      const idx = this.ideaIndex.get(idea.id);
      if (idx === undefined) {
        this.unknownIdeas += 1;
        return;
      }
      if (idx in this.recv) this.dups += 1;
      else this.recv[idx] = t;
      if (this.kind === "participant" && idea.table_id !== this.tableId) this.wrongTable += 1;
    }
  }

  onDisconnect(reason) {
    if (this.disconnectedAt === null) {
      this.disconnectedAt = now();
      this.disconnectReason = String(reason);
    }
  }

  result() {
    return {
      key: this.key,
      kind: this.kind,
      table_id: this.tableId,
      recv: this.recv,
      grouped: this.grouped,
      dups: this.dups,
      gaps: this.gaps,
      stale: this.stale,
      wrong_table: this.wrongTable,
      unknown_ideas: this.unknownIdeas,
      types: this.types,
      disconnected_at: this.disconnectedAt,
      disconnect_reason: this.disconnectReason,
    };
  }
}

async function main() {
  const cfg = await recv(60);
  if (!cfg) return;
  const ideaIndex = new Map();
  const clients = new Map();
  const connectMs = [];
  const syncMs = [];
  const failures = {};
  const extensions = {};
  const { acquire, release } = limiter(cfg.connect_concurrency);

  async function connectOne(spec) {
    await acquire();
    try {
      const st = new ClientState(spec, ideaIndex);
      const t0 = now();
      let socket;
      try {
        socket = await connectSocket(cfg.base_url, spec, cfg.connect_timeout);
      } catch (err) {
        bump(failures, `connect:${err.name || "Error"}:${String(err.message).slice(0, 60)}`);
        err.socket?.close();
        return;
      }
      st.socket = socket;
      socket.on("event", (data) => st.onEvent(data));
      socket.on("disconnect", (reason) => st.onDisconnect(reason));
      // The negotiated extensions, read by ws from the server's Sec-WebSocket-Extensions.
      bump(extensions, socket.io.engine?.transport?.ws?.extensions || "none");
      const t1 = now();
      let ack;
      try {
        ack = await socket.timeout(cfg.connect_timeout * 1000).emitWithAck("sync", { since: 0 });
      } catch (err) {
        bump(failures, `sync:${err.name || "Error"}`);
        socket.close();
        return;
      }
      const t2 = now();
      if (!(ack && typeof ack === "object" && ack.ok)) {
        const code = ack && typeof ack === "object" ? ack.error : JSON.stringify(ack).slice(0, 40);
        bump(failures, `sync_refused:${code}`);
        socket.close();
        return;
      }
      st.lastSeq = Number.isInteger(ack.seq) ? ack.seq : null;
      connectMs.push((t1 - t0) * 1000);
      syncMs.push((t2 - t1) * 1000);
      clients.set(st.key, st);
    } finally {
      release();
    }
  }

  const tStart = now();
  await Promise.all(cfg.clients.map(connectOne));
  await send("connected", {
    connected: [...clients.keys()].sort(),
    connect_ms: connectMs,
    sync_ms: syncMs,
    failures,
    wall_s: now() - tStart,
    ws_extensions: extensions,
  });

  const msg = await recv(cfg.start_timeout);
  if (!msg || msg[0] !== "start") {
    closeAll(clients);
    return;
  }
  const plan = msg[1];
  plan.idea_ids.forEach((id, idx) => {
    ideaIndex.set(id, idx);
  });
  const sends = {};
  const lagMs = [];
  const lagSpikes = [];
  let lagging = true;

  // Event-loop lag of this process: how late a 50 ms timer fires.
  const lagMonitor = (async () => {
    while (lagging) {
      const t = performance.now();
      await sleep(0.05);
      const lag = performance.now() - t - 50;
      lagMs.push(lag);
      if (lag > 20) lagSpikes.push([now() - lag / 1000, lag]);
    }
  })();

  let ended = false;
  async function post(idx, sched, st, text) {
    const rec = { sched, sent: now(), ack: null, ok: false, error: null, dup: false };
    sends[idx] = rec;
    try {
      const ack = await st.socket
        .timeout(cfg.ack_timeout * 1000)
        .emitWithAck("post_idea", { id: plan.idea_ids[idx], text });
      if (ended) return; // the Python worker cancels pending posts at the end
      rec.ack = now();
      if (ack && typeof ack === "object" && ack.ok) {
        rec.ok = true;
        rec.dup = Boolean(ack.duplicate);
      } else {
        rec.error = (ack && typeof ack === "object" && ack.error) || "malformed_ack";
      }
    } catch (err) {
      if (ended) return;
      rec.error = /timed out/i.test(String(err.message)) ? "timeout" : `client:${err.name || "Error"}`;
    }
  }

  const cpu0 = cpuSeconds();
  const wall0 = now();
  for (const [idx, sched, key, text] of plan.mine) {
    await sleep(sched - now());
    post(idx, sched, clients.get(key), text);
  }
  const cpu1 = cpuSeconds();
  const wall1 = now();
  await sleep(plan.end_at + plan.grace - now());
  ended = true;
  for (const rec of Object.values(sends)) {
    if (rec.ack === null && rec.error === null) rec.error = "no_ack_before_end";
  }
  lagging = false;
  await lagMonitor;

  await send("results", {
    sends,
    clients: [...clients.values()].map((st) => st.result()),
    loop_lag_ms: lagMs,
    lag_spikes: lagSpikes,
    cpu_s: cpu1 - cpu0,
    wall_s: wall1 - wall0,
  });
  closeAll(clients);
  await send("bye", null);
}

function closeAll(clients) {
  for (const st of clients.values()) st.socket?.close();
}

main()
  .catch((err) => send("error", String(err?.stack || err)))
  .finally(() => {
    // Everything is written and the sockets are closed; do not wait for lingering
    // timers (ack timeouts) to expire.
    process.exit(0);
  });
