/**
 * The participant's local state: a sync snapshot, then events applied one
 * by one (docs/protocol.md, "Participant snapshot" and "Events").
 * "My ideas" may hold ideas in state "merged" (folded by the facilitator into
 * a similar idea): they stay listed, read-only; the table list only holds
 * visible ideas.
 * Pure data: no DOM, so it can be tested in Node.
 */
import { createArrivalOrder } from "./order.js";
import { resetVoting, applyVoting } from "./votes-state.js";
import { NO_PHASE, normalisePhase } from "./phase-state.js";

export function createParticipantStore() {
  const order = createArrivalOrder();
  const store = {
    order,
    loaded: false,
    workshop: { code: "", title: "", joining_open: true },
    me: null,
    tables: [],
    myIdeas: new Map(),
    tableIdeas: new Map(),
    limits: { idea_max_length: 280 },
    // The agenda and the current phase with its timer (phase-state.js).
    agenda: [],
    phase: NO_PHASE,

    reset(snapshot) {
      store.workshop = { ...snapshot.workshop };
      store.agenda = (snapshot.agenda || []).map((phase) => ({ ...phase }));
      store.phase = normalisePhase(snapshot.phase);
      store.me = { ...snapshot.me };
      store.tables = (snapshot.tables || []).map((table) => ({ ...table }));
      order.reset([...(snapshot.my_ideas || []), ...(snapshot.table_ideas || [])].sort(byCreation));
      store.myIdeas = new Map((snapshot.my_ideas || []).map((idea) => [idea.id, idea]));
      store.tableIdeas = new Map(
        (snapshot.table_ideas || []).filter((idea) => idea.state === "visible").map((idea) => [idea.id, idea]),
      );
      store.limits = { ...store.limits, ...(snapshot.limits || {}) };
      resetVoting(store, snapshot);
      store.loaded = true;
    },

    apply({ type, data }) {
      if (data && applyVoting(store, type, data)) return;
      const handler = handlers[type];
      if (handler) handler(store, data);
    },

    /** The participant's current table, or null. */
    table() {
      if (!store.me || store.me.table_id === null || store.me.table_id === undefined) return null;
      return store.tables.find((table) => table.id === store.me.table_id) || null;
    },

    tableById(id) {
      return store.tables.find((table) => table.id === id) || null;
    },

    isMine(idea) {
      return Boolean(store.me && idea.author && idea.author.id === store.me.id);
    },

    /** Record an idea the server returned in an ack (post_idea, edit_idea). */
    acceptOwnIdea(idea) {
      order.see(idea.id);
      const known = store.myIdeas.get(idea.id);
      // A hide or a merge that raced with this ack wins: only a restore shows it again.
      const state = known && (known.state === "hidden" || known.state === "merged") ? known.state : idea.state;
      store.myIdeas.set(idea.id, { ...idea, state });
      if (state === "visible" && store.me && idea.table_id === store.me.table_id) store.tableIdeas.set(idea.id, idea);
    },

    forgetOwnIdea(id) {
      store.myIdeas.delete(id);
      store.tableIdeas.delete(id);
    },
  };
  return store;
}

/** What a phone's snapshot holds of a table (facilitator/state.py, table_public). */
const TABLE_KEYS = ["id", "number", "theme", "question", "posting_open", "voting_open", "votes_revealed"];

function byCreation(a, b) {
  return a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0;
}

function upsertIdea(store, idea) {
  if (!idea || !idea.id) return;
  store.order.see(idea.id);
  if (store.isMine(idea)) store.myIdeas.set(idea.id, idea);
  const onMyTable = store.me && idea.table_id === store.me.table_id;
  if (onMyTable && idea.state === "visible") store.tableIdeas.set(idea.id, idea);
  else store.tableIdeas.delete(idea.id);
}

const handlers = {
  idea_posted: (store, data) => upsertIdea(store, data.idea),
  idea_edited: (store, data) => upsertIdea(store, data.idea),
  idea_restored: (store, data) => upsertIdea(store, data.idea),
  idea_withdrawn: (store, data) => {
    store.myIdeas.delete(data.id);
    store.tableIdeas.delete(data.id);
  },
  idea_hidden: (store, data) => {
    store.tableIdeas.delete(data.id);
    const mine = store.myIdeas.get(data.id);
    if (mine) store.myIdeas.set(data.id, { ...mine, state: "hidden" });
  },
  posting_changed: (store, data) => {
    const table = store.tableById(data.table_id);
    if (table) table.posting_open = Boolean(data.open);
  },
  joining_changed: (store, data) => {
    store.workshop.joining_open = Boolean(data.open);
  },
  phase_changed: (store, data) => {
    store.phase = normalisePhase(data.phase);
  },
  timer_changed: (store, data) => {
    store.phase = normalisePhase(data.phase);
  },
  // The facilitator folded idea `id` into `into` (docs/protocol.md, "merge_ideas").
  idea_merged: (store, data) => {
    if (!data.id || (data.into && data.into.id === data.id)) return;
    store.tableIdeas.delete(data.id);
    const mine = store.myIdeas.get(data.id);
    // As a fresh snapshot lists it: state "merged" (the snapshot's idea has no merged_into).
    if (mine) store.myIdeas.set(data.id, { ...mine, state: "merged" });
    upsertIdea(store, data.into); // its `merged` list now credits the other author
  },
  // undo of merge_ideas (idea_unmerged): the merged idea is back on the table, the kept one without its credit
  idea_unmerged: (store, data) => {
    if (data.idea) upsertIdea(store, data.idea);
    if (data.into) upsertIdea(store, data.into);
  },
  // Erased names (docs/organisers.md): the phone's own name and the authors it shows.
  participant_erased: (store, data) => {
    const erased = new Map((data.participants || []).map((p) => [p.id, p]));
    if (store.me && erased.has(store.me.id)) store.me.first_name = erased.get(store.me.id).first_name;
    const rename = (author) =>
      author && erased.has(author.id) ? { ...author, first_name: erased.get(author.id).first_name } : author;
    for (const ideas of [store.myIdeas, store.tableIdeas]) {
      for (const [id, idea] of ideas) {
        if (idea.author || idea.merged) {
          ideas.set(id, {
            ...idea,
            author: rename(idea.author),
            ...(idea.merged ? { merged: idea.merged.map((m) => ({ ...m, author: rename(m.author) })) } : {}),
          });
        }
      }
    }
  },
  // A facilitator pinned an idea to the top of its group (pin_idea).
  idea_pinned: (store, data) => {
    for (const ideas of [store.myIdeas, store.tableIdeas]) {
      const idea = ideas.get(data.id);
      if (idea) ideas.set(data.id, { ...idea, pinned_at: data.pinned_at ?? null });
    }
  },
  // A facilitator corrected a typo (correct_idea): the idea carries corrected_at.
  idea_corrected: (store, data) => upsertIdea(store, data.idea),
  // One of my ideas on another table changed (hidden, restored, merged, corrected): docs/protocol.md.
  my_idea_changed: (store, data) => {
    if (!store.me || data.participant_id !== store.me.id) return;
    const mine = store.myIdeas.get(data.id);
    if (!mine) return;
    const next = {
      ...mine,
      state: data.state,
      updated_at: data.updated_at ?? mine.updated_at,
      corrected_at: data.corrected_at ?? null,
    };
    if (typeof data.text === "string") next.text = data.text;
    store.myIdeas.set(data.id, next);
  },
  // Organiser edits (docs/protocol.md, "Organiser edits"): a phone keeps what its snapshot holds.
  workshop_updated: (store, data) => {
    if (data.workshop && typeof data.workshop.title === "string") store.workshop.title = data.workshop.title;
    if (Array.isArray(data.agenda)) store.agenda = data.agenda.map((phase) => ({ ...phase }));
  },
  table_updated: (store, data) => {
    const table = data.table;
    if (!table || table.id === undefined) return;
    const shown = {};
    for (const key of TABLE_KEYS) if (key in table) shown[key] = table[key];
    store.tables = [...store.tables.filter((other) => other.id !== table.id), shown].sort(
      (a, b) => a.number - b.number,
    );
  },
  table_removed: (store, data) => {
    store.tables = store.tables.filter((table) => table.id !== data.id);
    if (store.me && store.me.table_id === data.id) store.me.table_id = null;
  },
  participant_moved: (store, data) => {
    if (store.me && data.participant_id === store.me.id) store.me.table_id = data.table_id;
  },
};
