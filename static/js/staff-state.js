/**
 * The staff state (facilitator console and projector): a sync snapshot, then
 * events applied one by one (docs/protocol.md, "Staff snapshot" and "Events").
 * The projector only keeps visible ideas; the console keeps hidden ones too.
 * Pure data: no DOM, so it can be tested in Node.
 */
import { createArrivalOrder } from "./order.js";

export function createStaffStore(role) {
  const keepHidden = role === "facilitator";
  const order = createArrivalOrder();
  const store = {
    order,
    loaded: false,
    workshop: { code: "", title: "", joining_open: false, projector_view: "all" },
    tables: [],
    participants: new Map(),
    ideas: new Map(),
    limits: { idea_max_length: 280 },

    reset(snapshot) {
      store.workshop = { ...snapshot.workshop };
      store.tables = (snapshot.tables || []).map((table) => ({ ...table }));
      store.participants = new Map((snapshot.participants || []).map((p) => [p.id, { ...p }]));
      const ideas = (snapshot.ideas || []).filter((idea) => keepHidden || idea.state === "visible");
      order.reset(ideas);
      store.ideas = new Map(ideas.map((idea) => [idea.id, idea]));
      store.limits = { ...store.limits, ...(snapshot.limits || {}) };
      store.loaded = true;
    },

    apply({ type, data }) {
      const handler = handlers[type];
      if (handler) handler(store, data, keepHidden);
    },

    tableById(id) {
      return store.tables.find((table) => table.id === id) || null;
    },

    /** Ideas of one table, newest first. */
    ideasOf(tableId) {
      const list = [];
      for (const idea of store.ideas.values()) if (idea.table_id === tableId) list.push(idea);
      return list.sort(order.newestFirst);
    },

    participantCount(tableId) {
      let n = 0;
      for (const p of store.participants.values()) if (tableId === undefined || p.table_id === tableId) n += 1;
      return n;
    },

    /** "all" or the table shown on the projector (falls back to "all"). */
    projectorView() {
      const view = store.workshop.projector_view;
      if (view === "all" || view === null || view === undefined) return "all";
      const id = Number(view);
      return store.tableById(id) ? id : "all";
    },
  };
  return store;
}

function putIdea(store, idea, keepHidden) {
  if (!idea || !idea.id) return;
  store.order.see(idea.id);
  if (idea.state === "visible" || keepHidden) store.ideas.set(idea.id, idea);
  else store.ideas.delete(idea.id);
}

const handlers = {
  idea_posted: (store, data, keepHidden) => putIdea(store, data.idea, keepHidden),
  idea_edited: (store, data, keepHidden) => putIdea(store, data.idea, keepHidden),
  idea_restored: (store, data, keepHidden) => putIdea(store, data.idea, keepHidden),
  idea_withdrawn: (store, data) => {
    store.ideas.delete(data.id);
  },
  idea_hidden: (store, data, keepHidden) => {
    const idea = store.ideas.get(data.id);
    if (!idea) return;
    if (keepHidden) store.ideas.set(data.id, { ...idea, state: "hidden" });
    else store.ideas.delete(data.id);
  },
  posting_changed: (store, data) => {
    const table = store.tableById(data.table_id);
    if (table) table.posting_open = Boolean(data.open);
  },
  participant_joined: (store, data) => {
    const p = data.participant;
    if (p && p.id !== undefined) store.participants.set(p.id, { ...p });
  },
  participant_moved: (store, data) => {
    const p = store.participants.get(data.participant_id);
    if (p) p.table_id = data.table_id;
  },
  projector_view_changed: (store, data) => {
    store.workshop.projector_view = data.view;
  },
  joining_changed: (store, data) => {
    store.workshop.joining_open = Boolean(data.open);
  },
};
