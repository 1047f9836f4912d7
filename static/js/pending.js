/**
 * The offline queue of ideas a participant has written but the server has
 * not acknowledged yet, kept in localStorage so that a reload, a sleeping
 * phone or a lost network loses nothing.
 *
 * Item: {id (the idea's UUID), text, created_at, state: "pending" | "failed",
 *        error?, message?}
 * The UUID makes post_idea idempotent, so resending after a lost ack is safe;
 * still, one flush at a time sends items one by one, so the same item is never
 * in flight twice.
 */

/** Errors after which the same idea may simply be sent again later. */
export const RETRYABLE = new Set(["timeout", "not_connected"]);

export function storageKey(code) {
  return `facilitator:pending:${code}`;
}

export class PendingQueue {
  constructor(code, storage = globalThis.localStorage) {
    this.key = storageKey(code);
    this.storage = storage;
    this.inflight = new Set();
    this._flushing = false;
    this._flushAgain = false;
    this._listeners = new Set();
    this._memory = [];
  }

  subscribe(fn) {
    this._listeners.add(fn);
  }

  list() {
    try {
      const raw = this.storage.getItem(this.key);
      const items = raw ? JSON.parse(raw) : [];
      return Array.isArray(items)
        ? items.filter((item) => item && typeof item.id === "string" && typeof item.text === "string")
        : [];
    } catch {
      return this._memory; // storage disabled (private mode): keep the queue in memory
    }
  }

  get(id) {
    return this.list().find((item) => item.id === id) || null;
  }

  /** Number of ideas still waiting to be sent (failed ones excluded). */
  count() {
    return this.list().filter((item) => item.state === "pending").length;
  }

  add(text) {
    const item = { id: newId(), text, created_at: new Date().toISOString(), state: "pending" };
    this._save([...this.list(), item]);
    return item;
  }

  update(id, patch) {
    this._save(this.list().map((item) => (item.id === id ? { ...item, ...patch } : item)));
  }

  remove(id) {
    const items = this.list();
    if (items.some((item) => item.id === id)) this._save(items.filter((item) => item.id !== id));
  }

  /** Put a failed item back in the queue. */
  retry(id) {
    this.update(id, { state: "pending", error: undefined, message: undefined });
  }

  /**
   * Send every pending item, oldest first, with send(item) -> Promise<ack>.
   * ok: removed (onSent(item, ack) is called); retryable failure: kept
   * pending and the flush stops (the next connection flushes again); any
   * other failure: marked failed with the ack's message (onFailed(item, ack)).
   * Resolves to true when it stopped on a retryable failure.
   */
  async flush(send, { onSent, onFailed } = {}) {
    if (this._flushing) {
      this._flushAgain = true;
      return false;
    }
    this._flushing = true;
    try {
      do {
        this._flushAgain = false;
        for (const queued of this.list()) {
          if (queued.state !== "pending" || this.inflight.has(queued.id)) continue;
          const item = this.get(queued.id);
          if (!item || item.state !== "pending") continue; // removed or changed meanwhile
          this.inflight.add(item.id);
          this._notify();
          let ack;
          try {
            ack = await send(item);
          } finally {
            this.inflight.delete(item.id);
          }
          if (ack.ok) {
            this.remove(item.id);
            if (onSent) onSent(item, ack);
          } else if (RETRYABLE.has(ack.error)) {
            return true;
          } else {
            this.update(item.id, { state: "failed", error: ack.error, message: ack.message });
            if (onFailed) onFailed(item, ack);
          }
        }
      } while (this._flushAgain);
      return false;
    } finally {
      this._flushing = false;
      this._notify();
    }
  }

  _save(items) {
    this._memory = items;
    try {
      this.storage.setItem(this.key, JSON.stringify(items));
    } catch {
      // storage full or disabled: the in-memory copy still works for this page
    }
    this._notify();
  }

  _notify() {
    for (const fn of this._listeners) fn();
  }
}

/** A UUID v4 (crypto.randomUUID needs a secure context; LAN http is not one). */
export function newId() {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === "function") return c.randomUUID();
  const bytes = new Uint8Array(16);
  c.getRandomValues(bytes);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
