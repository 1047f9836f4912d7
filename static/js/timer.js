/**
 * The server's clock as this page estimates it (docs/morning.md, "Agenda and
 * timers"). Timers are absolute server times; a phone whose clock is two
 * minutes off must still show the same countdown as the projector, so each
 * page measures its offset to the server with the `time` command, the way
 * NTP does:
 *
 *   t0 = local time when asking, t1 = local time when the answer arrives,
 *   offset = server_now - (t0 + t1) / 2      (error at most rtt / 2)
 *
 * Several samples are taken and the one with the shortest round trip wins
 * (the least delayed by a busy network). No DOM here: tested in Node.
 */

/** One measure: {offset, rtt} in milliseconds. */
export function offsetSample(t0, serverNow, t1) {
  return { offset: serverNow - (t0 + t1) / 2, rtt: t1 - t0 };
}

/** The sample with the shortest round trip (null for none). */
export function bestSample(samples) {
  let best = null;
  for (const sample of samples) {
    if (!sample || !Number.isFinite(sample.offset) || !Number.isFinite(sample.rtt) || sample.rtt < 0) continue;
    if (best === null || sample.rtt < best.rtt) best = sample;
  }
  return best;
}

export class ServerClock {
  /**
   * command(name, payload): Promise of an ack (LiveClient.command).
   * options.now: the local clock (Date.now by default); options.samples: measures per sync.
   */
  constructor(command, { now = () => Date.now(), samples = 5 } = {}) {
    this.commandFn = command;
    this.localNow = now;
    this.samples = samples;
    /** Server time minus local time, in ms (0 until measured). */
    this.offset = 0;
    /** Round trip of the measure in use (Infinity: never measured). */
    this.rtt = Infinity;
    this.syncedAt = null;
    this._listeners = new Set();
    this._running = null;
  }

  /** The server's current time in ms since the epoch, as estimated here. */
  now() {
    return this.localNow() + this.offset;
  }

  subscribe(fn) {
    this._listeners.add(fn);
    return () => this._listeners.delete(fn);
  }

  /** Measure the offset again (one run at a time); resolves true when a measure succeeded. */
  sync() {
    if (!this._running)
      this._running = this._measure().finally(() => {
        this._running = null;
      });
    return this._running;
  }

  async _measure() {
    const found = [];
    for (let i = 0; i < this.samples; i += 1) {
      const t0 = this.localNow();
      const ack = await this.commandFn("time", {});
      const t1 = this.localNow();
      if (!ack || !ack.ok || typeof ack.server_now !== "number") {
        if (ack && (ack.error === "not_connected" || ack.error === "timeout")) break;
        continue;
      }
      found.push(offsetSample(t0, ack.server_now, t1));
    }
    const best = bestSample(found);
    if (!best) return false;
    this.offset = best.offset;
    this.rtt = best.rtt;
    this.syncedAt = this.localNow();
    for (const fn of this._listeners) fn(this);
    return true;
  }
}

/** How often a connected page measures again (clocks drift; a laptop may have slept). */
export const RESYNC_EVERY_MS = 5 * 60 * 1000;

/**
 * A ServerClock kept up to date over a LiveClient: measured after the first
 * sync of every connection, and every few minutes while connected.
 */
export function attachClock(live, options = {}) {
  const clock = new ServerClock((name, payload) => live.command(name, payload), options);
  let measuredThisConnection = false;
  live.subscribe((kind) => {
    if (kind === "status" && live.status !== "connected") measuredThisConnection = false;
    if (kind === "synced" && !measuredThisConnection) {
      measuredThisConnection = true;
      clock.sync();
    }
  });
  const timer = setInterval(() => {
    if (live.status === "connected") clock.sync();
  }, RESYNC_EVERY_MS);
  if (timer && typeof timer.unref === "function") timer.unref();
  return clock;
}
