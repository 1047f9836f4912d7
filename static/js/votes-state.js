/**
 * Dot voting in a client store (docs/protocol.md, "Dot voting"), shared by
 * the staff store and the participant store. Pure data, no DOM.
 *
 * store.votes: Map table id -> {dots, voters, tally: [row...] | null}; a null
 * tally means the room may not see it yet. store.voteSettings holds the
 * workshop's settings; tables carry voting_open and votes_revealed.
 * Every handler sets absolute values, so replaying an event changes nothing.
 */

export const DEFAULT_SETTINGS = { votes_per_person: 3, votes_per_item: 1, target: "ideas", live: false };

function results(data) {
  return {
    dots: Number(data.dots) || 0,
    voters: Number(data.voters) || 0,
    tally: Array.isArray(data.tally) ? data.tally : null,
  };
}

/** Fill the voting part of a store from a snapshot (staff: votes map; participant: voting block). */
export function resetVoting(store, snapshot) {
  store.votes = new Map();
  for (const [id, value] of Object.entries(snapshot.votes || {})) store.votes.set(Number(id), results(value));
  const block = snapshot.voting;
  const settings = (snapshot.workshop && snapshot.workshop.voting) || (block && block.settings);
  store.voteSettings = { ...DEFAULT_SETTINGS, ...(settings || {}) };
  if (block && block.results && snapshot.me && snapshot.me.table_id != null) {
    store.votes.set(snapshot.me.table_id, results(block.results));
  }
  if (block) setBallot(store, block);
}

/** The participant's own dots (a voting block or a ballot from an ack). */
export function setBallot(store, ballot) {
  if (!ballot) return;
  store.ballot = {
    mine: new Map((ballot.mine || []).map((m) => [`${m.kind}:${m.id}`, m.count])),
    used: Number(ballot.used) || 0,
    remaining: Number(ballot.remaining) || 0,
  };
  if (Array.isArray(ballot.items)) store.voteItems = ballot.items;
}

/** Apply a voting event; true when it was one. */
export function applyVoting(store, type, data) {
  const table = () => (store.tables || []).find((t) => t.id === data.table_id);
  if (type === "voting_changed") {
    const found = table();
    if (found) found.voting_open = Boolean(data.open);
  } else if (type === "votes_changed" || type === "votes_revealed") {
    if (type === "votes_revealed") {
      const found = table();
      if (found) found.votes_revealed = Boolean(data.revealed);
    }
    if (!store.votes) store.votes = new Map();
    store.votes.set(data.table_id, results(data));
  } else if (type === "voting_settings_changed") {
    store.voteSettings = { ...DEFAULT_SETTINGS, ...(data.settings || {}) };
    // A staff snapshot also carries the settings as workshop.voting: keep it the same.
    if (store.workshop && store.workshop.voting !== undefined) store.workshop.voting = { ...(data.settings || {}) };
    if (!store.votes) store.votes = new Map();
    // A phone keeps its own table's results only, as its snapshot does (voting.results).
    const own = store.me ? store.me.table_id : undefined;
    for (const [id, value] of Object.entries(data.results || {})) {
      if (own === undefined || Number(id) === own) store.votes.set(Number(id), results(value));
    }
  } else {
    return false;
  }
  return true;
}

/** Rows of a table's tally the room may see (null while hidden). */
export function visibleTally(store, tableId) {
  const entry = store.votes && store.votes.get(tableId);
  return entry && entry.tally ? entry.tally : null;
}
