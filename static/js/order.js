/**
 * Ordering of ideas on boards and lists.
 *
 * Newest first: created_at has a one-second resolution, so ideas posted in
 * the same second are ordered by arrival: the snapshot's order first (the
 * server lists ideas oldest first), then each new id as its event arrives.
 * Board order: ideas a facilitator pinned (pin_idea) come first, the latest
 * pin on top, then newest first.
 */
export function createArrivalOrder() {
  const rank = new Map();
  let next = 0;
  const newestFirst = (a, b) => {
    if (a.created_at !== b.created_at) return a.created_at < b.created_at ? 1 : -1;
    return (rank.get(b.id) ?? -1) - (rank.get(a.id) ?? -1);
  };
  return {
    /** Forget everything and rank the ideas of a snapshot (oldest first). */
    reset(ideas) {
      rank.clear();
      next = 0;
      for (const idea of ideas) rank.set(idea.id, next++);
    },
    /** Rank an idea seen for the first time (a no-op for a known id). */
    see(id) {
      if (!rank.has(id)) rank.set(id, next++);
    },
    /** Comparator: newest first. */
    newestFirst,
    /** Comparator: pinned ideas first (the latest pin on top), then newest first. */
    boardOrder(a, b) {
      const pinA = a.pinned_at || "";
      const pinB = b.pinned_at || "";
      if (pinA !== pinB) return pinA < pinB ? 1 : -1;
      return newestFirst(a, b);
    },
  };
}
