/**
 * Connection state, commands and sync of the real-time protocol
 * (docs/protocol.md), independent of how the socket is made so it can be
 * tested with a fake socket.
 *
 * The page gives a `store` with two methods:
 *   reset(snapshot)  replace the whole local state with a sync snapshot
 *   apply(envelope)  apply one event {seq, prev, type, data}
 * and subscribes to changes with live.subscribe(fn); fn(kind) is called with
 * "status" (connection state changed), "state" (the store changed) or
 * "synced" (a sync finished: a good moment to send queued work).
 */

import { APPLY, STALE, classify } from "./envelope.js";

export const ACK_TIMEOUT_MS = 8000;
/**
 * How long an event that does not follow `last` waits for the missing one
 * before a sync is asked for: deliveries from concurrent commands (or from
 * several server processes) can arrive out of order, and a short wait costs
 * less than a sync from every screen of the room.
 */
export const GAP_WAIT_MS = 300;
const RESYNC_DELAY_MAX_MS = 10000;

/**
 * Reconnection after a lost connection: exponential backoff with full jitter.
 * A phone's first retry comes 0.5 to 3 s after the loss, at random, so the
 * 2,000 phones of a room that lost its server do not all come back in the
 * same second; each failed attempt doubles the ceiling, up to 6 s (so a phone
 * is back at most 6 s after the server is, plus the server's own queue:
 * bench/storm.py measures both). The room's few staff screens (console,
 * projector) use a shorter rule: the projector is what the room looks at.
 */
export const RECONNECT_MIN_MS = 500;
export const RECONNECT_FIRST_MAX_MS = 3000;
export const RECONNECT_MAX_MS = 6000;
export const PHONE_RECONNECT = Object.freeze({
  minMs: RECONNECT_MIN_MS,
  firstMaxMs: RECONNECT_FIRST_MAX_MS,
  maxMs: RECONNECT_MAX_MS,
});
export const STAFF_RECONNECT = Object.freeze({ minMs: 250, firstMaxMs: 1000, maxMs: 2000 });

/** The wait before reconnection attempt `attempt` (0 for the first), in ms. */
export function reconnectDelay(attempt, random = Math.random, rule = PHONE_RECONNECT) {
  const ceiling = Math.min(rule.maxMs, rule.firstMaxMs * 2 ** Math.max(0, attempt));
  return rule.minMs + random() * (ceiling - rule.minMs);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class LiveClient {
  /**
   * socket: a socket.io client Socket created with autoConnect: false and
   *   reconnection: false (this client reconnects, with jitter: reconnectDelay).
   * options.messages: {timeout, not_connected, internal} texts for the acks
   *   this client makes up itself.
   * options.onUnauthorized(data): the server refused the credentials.
   * options.reconnect: the backoff rule (PHONE_RECONNECT, or STAFF_RECONNECT for staff screens).
   */
  constructor(
    socket,
    {
      store,
      messages = {},
      onUnauthorized = null,
      win = globalThis,
      nav = globalThis.navigator,
      gapWaitMs = GAP_WAIT_MS,
      random = Math.random,
      reconnect = PHONE_RECONNECT,
    } = {},
  ) {
    this.socket = socket;
    this.store = store;
    this.messages = messages;
    this.onUnauthorized = onUnauthorized;
    this.nav = nav;
    /** Sequence number of the last event applied (0: nothing yet). */
    this.last = 0;
    /** "connected" | "reconnecting" | "offline" */
    this.status = "reconnecting";
    this.everConnected = false;
    /** True once a sync has completed on the current connection. */
    this.synced = false;
    /** True once any sync has completed (the store holds real data). */
    this.ready = false;
    this.stopped = false;
    this._syncing = false;
    this._again = false;
    this._forcedSince = null;
    this._buffer = [];
    this.gapWaitMs = gapWaitMs;
    this._gapTimer = null;
    this._listeners = new Set();
    /** Failed reconnection attempts since the last connection (the backoff's exponent). */
    this._attempts = 0;
    this._retryTimer = null;
    this._random = random;
    this._reconnectRule = reconnect;

    socket.on("connect", () => this._onConnect());
    socket.on("disconnect", (reason) => this._onDisconnect(reason));
    socket.on("connect_error", (err) => this._onConnectError(err));
    socket.on("event", (envelope) => this._onEvent(envelope));
    if (win && typeof win.addEventListener === "function") {
      win.addEventListener("online", () => this._onOnline());
      win.addEventListener("offline", () => this._onOffline());
    }
  }

  /** Open the connection (unless the browser knows it is offline). */
  start() {
    if (this.nav && this.nav.onLine === false) this._setStatus("offline");
    else this.socket.connect();
    return this;
  }

  subscribe(fn) {
    this._listeners.add(fn);
    return () => this._listeners.delete(fn);
  }

  /**
   * Send a command; resolves with its ack, never rejects. A missing
   * connection or a timeout resolve as {ok: false, error: "not_connected" |
   * "timeout"}: callers treat those two as "try again later".
   * options.timeoutMs: how long to wait for the ack (default ACK_TIMEOUT_MS;
   *   "regroup" can take several seconds on a large board).
   */
  command(name, payload, { timeoutMs = ACK_TIMEOUT_MS } = {}) {
    return new Promise((resolve) => {
      if (!this.socket.connected) {
        resolve({ ok: false, error: "not_connected", message: this.messages.not_connected || "not connected" });
        return;
      }
      this.socket.timeout(timeoutMs).emit(name, payload, (err, ack) => {
        if (err) resolve({ ok: false, error: "timeout", message: this.messages.timeout || "timeout" });
        else if (!ack || typeof ack !== "object") {
          resolve({ ok: false, error: "internal", message: this.messages.internal || "internal" });
        } else resolve(ack);
      });
    });
  }

  /** Ask for a sync now; since=0 forces a fresh snapshot (after join_table). */
  resync(since) {
    if (typeof since === "number") this._forcedSince = since;
    if (this._syncing) {
      this._again = true;
      return;
    }
    if (this.socket.connected) this._runSync();
  }

  // -- socket and window events -------------------------------------------

  _onConnect() {
    this._attempts = 0;
    this.everConnected = true;
    this._setStatus("connected");
    this.resync();
  }

  _onDisconnect(reason) {
    this._buffer = [];
    this._clearGapTimer();
    this.synced = false;
    if (this.stopped || this.status === "offline") return;
    this._setStatus("reconnecting");
    // Lost (server restarted, network, ping timeout) or closed by the server:
    // come back after a random wait. "io client disconnect" is this page's own doing.
    if (reason !== "io client disconnect") this._scheduleReconnect();
  }

  _scheduleReconnect() {
    if (this._retryTimer) return;
    const delay = reconnectDelay(this._attempts, this._random, this._reconnectRule);
    this._attempts += 1;
    this._retryTimer = setTimeout(() => {
      this._retryTimer = null;
      this._reconnect();
    }, delay);
  }

  _onConnectError(err) {
    const data = err && err.data;
    if ((data && data.error === "unauthorized") || (err && err.message === "unauthorized")) {
      this.stopped = true;
      this.socket.disconnect();
      this._setStatus("offline");
      if (this.onUnauthorized) this.onUnauthorized(data || { error: "unauthorized" });
      return;
    }
    if (this.status !== "offline") this._setStatus("reconnecting");
    // The server is unreachable or refused (a full server): try again after a
    // longer random wait each time (socket.io's own retries are off).
    this._scheduleReconnect();
  }

  _onOnline() {
    if (this.stopped) return;
    this._setStatus(this.socket.connected ? "connected" : "reconnecting");
    this.socket.connect();
  }

  _onOffline() {
    if (this.stopped) return;
    this._setStatus("offline");
    this.socket.disconnect();
  }

  _reconnect() {
    if (this.stopped || this.status === "offline" || this.socket.connected) return;
    // A socket still "active" after a failed attempt keeps its old manager state: start clean.
    if (this.socket.active) this.socket.disconnect();
    this.socket.connect();
  }

  _onEvent(envelope) {
    if (!envelope || typeof envelope.seq !== "number") return;
    if (this._syncing) {
      this._buffer.push(envelope);
      return;
    }
    const kind = classify(envelope, this.last);
    if (kind === STALE) return;
    if (kind === APPLY) {
      this._apply(envelope);
      // Events held for a gap may follow now.
      if (this._buffer.length && !this._replayBuffer()) this._clearGapTimer();
      this._notify("state");
      return;
    }
    // A gap: hold this event; if the missing one does not come in time, sync,
    // then replay what is held.
    this._buffer.push(envelope);
    if (this.gapWaitMs <= 0) this.resync();
    else if (!this._gapTimer) {
      this._gapTimer = setTimeout(() => {
        this._gapTimer = null;
        if (this._buffer.length && !this._syncing) this.resync();
      }, this.gapWaitMs);
    }
  }

  _clearGapTimer() {
    if (this._gapTimer) clearTimeout(this._gapTimer);
    this._gapTimer = null;
  }

  // -- sync ------------------------------------------------------------------

  async _runSync() {
    this._clearGapTimer();
    this._syncing = true;
    this.synced = false;
    let delay = 500;
    let done = false;
    try {
      while (!this.stopped) {
        this._again = false;
        const forced = this._forcedSince;
        this._forcedSince = null;
        const since = forced ?? this.last;
        const ack = await this.command("sync", { since });
        if (!ack.ok) {
          if (forced !== null && this._forcedSince === null) this._forcedSince = forced;
          if (!this.socket.connected) return; // the next connect syncs again
          await sleep(delay);
          delay = Math.min(delay * 2, RESYNC_DELAY_MAX_MS);
          if (!this.socket.connected) return;
          continue;
        }
        this._applySync(ack);
        const gap = this._replayBuffer();
        if (!gap && !this._again) {
          done = true;
          break;
        }
      }
    } finally {
      this._syncing = false;
    }
    if (done) {
      this.synced = true;
      this.ready = true;
      this._notify("state");
      this._notify("synced");
    }
  }

  _applySync(ack) {
    if (ack.mode === "snapshot") {
      this.store.reset(ack.snapshot);
    } else {
      for (const envelope of ack.events || []) {
        if (envelope.seq > this.last) this._apply(envelope);
      }
    }
    if (typeof ack.seq === "number") this.last = ack.seq;
  }

  /** Replay buffered live events; true when a gap needs another sync. */
  _replayBuffer() {
    const buffered = this._buffer.sort((a, b) => a.seq - b.seq);
    this._buffer = [];
    for (let i = 0; i < buffered.length; i += 1) {
      const envelope = buffered[i];
      const kind = classify(envelope, this.last);
      if (kind === STALE) continue;
      if (kind !== APPLY) {
        this._buffer = buffered.slice(i);
        return true;
      }
      this._apply(envelope);
    }
    return false;
  }

  _apply(envelope) {
    try {
      this.store.apply(envelope);
    } catch (err) {
      // A malformed event must not wedge the stream: start again from a snapshot.
      console.error("could not apply event", envelope, err);
      queueMicrotask(() => this.resync(0));
    }
    this.last = envelope.seq;
  }

  // -- listeners -------------------------------------------------------------

  _setStatus(status) {
    if (this.status === status) return;
    this.status = status;
    this._notify("status");
  }

  _notify(kind) {
    for (const fn of this._listeners) {
      try {
        fn(kind);
      } catch (err) {
        console.error(err);
      }
    }
  }
}
