/**
 * The envelope rule (docs/protocol.md, "Event envelope"), written once for
 * every client of this project: the browser's LiveClient applies it, and
 * tests/reference_client.py is checked against the same table of cases
 * (tests/data/envelope_rule.json).
 *
 *   seq <= last       "stale": already applied (or covered by a sync), ignore it
 *   prev === last     "apply": the next event of this room, apply it, last = seq
 *   anything else     "gap":   an event of this room is missing before this one
 *
 * The server guarantees that each room's events form a chain (each `prev` is
 * the seq of the room's previous event), so "gap" always means a missing
 * delivery, never a quirk of numbering.
 */
export const STALE = "stale";
export const APPLY = "apply";
export const GAP = "gap";

/** Classify an envelope {seq, prev} against the last seq applied. */
export function classify(envelope, last) {
  if (envelope.seq <= last) return STALE;
  return envelope.prev === last ? APPLY : GAP;
}
