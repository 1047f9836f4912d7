/**
 * The staff state (facilitator console and projector): a sync snapshot, then
 * events applied one by one (docs/protocol.md, "Staff snapshot" and "Events").
 * The projector only keeps visible ideas; the console keeps hidden ones too.
 * Pure data: no DOM, so it can be tested in Node.
 *
 * Grouping: each table has groups (ordered by position) and an "À classer"
 * bucket (ideas whose group_id is null, or names a group we do not know).
 * Every handler sets absolute values (never "add one"), so applying an event
 * twice, or on top of a snapshot that already reflects it, changes nothing.
 */
import { createArrivalOrder } from "./order.js";
import { resetVoting, applyVoting } from "./votes-state.js";
import { NO_PHASE, normalisePhase } from "./phase-state.js";

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
    groups: new Map(),
    limits: { idea_max_length: 280 },
    // The action plan (console-actions.js) by id, and the review's date and state.
    actions: new Map(),
    review: { on: null, open: false },
    // The agenda and the current phase with its timer (phase-state.js).
    agenda: [],
    phase: NO_PHASE,

    reset(snapshot) {
      store.workshop = { ...snapshot.workshop };
      store.agenda = (snapshot.agenda || []).map((phase) => ({ ...phase }));
      store.phase = normalisePhase(snapshot.phase);
      store.tables = (snapshot.tables || []).map((table) => ({ ...table }));
      store.participants = new Map((snapshot.participants || []).map((p) => [p.id, { ...p }]));
      const ideas = (snapshot.ideas || []).filter((idea) => keepHidden || idea.state === "visible");
      order.reset(ideas);
      store.ideas = new Map(ideas.map((idea) => [idea.id, normaliseIdea(idea)]));
      store.groups = new Map();
      for (const group of snapshot.groups || []) putGroup(store, group);
      store.actions = new Map((snapshot.actions || []).map((action) => [action.id, { ...action }]));
      store.review = { on: null, open: false, ...(snapshot.review || {}) };
      store.limits = { ...store.limits, ...(snapshot.limits || {}) };
      resetVoting(store, snapshot);
      store.loaded = true;
    },

    apply({ type, data }) {
      if (data && applyVoting(store, type, data)) return;
      const handler = handlers[type];
      if (handler && data) handler(store, data, keepHidden);
    },

    tableById(id) {
      return store.tables.find((table) => table.id === id) || null;
    },

    /** Ideas of one table: pinned ones first (pin_idea), then newest first. */
    ideasOf(tableId) {
      const list = [];
      for (const idea of store.ideas.values()) if (idea.table_id === tableId) list.push(idea);
      return list.sort((a, b) => order.boardOrder(a, b));
    },

    groupById(id) {
      return (id && store.groups.get(id)) || null;
    },

    /** Active groups of one table, by position (then label, then id: a stable order). */
    groupsOf(tableId) {
      const list = [];
      for (const group of store.groups.values()) if (group.table_id === tableId) list.push(group);
      return list.sort(byPosition);
    },

    /**
     * The group an idea shows in: its group_id when that group is known and on
     * the idea's table, otherwise null ("À classer").
     */
    groupIdOf(idea) {
      const group = store.groupById(idea && idea.group_id);
      return group && group.table_id === idea.table_id ? group.id : null;
    },

    /**
     * One table sorted for display:
     * {unsorted: [idea...], groups: [{group, ideas: [idea...]}...]}, ideas newest first.
     * `overrides` (optional Map idea id -> group id | null) shows moves not yet acknowledged.
     */
    boardOf(tableId, overrides) {
      const groups = store.groupsOf(tableId).map((group) => ({ group, ideas: [] }));
      const byId = new Map(groups.map((entry) => [entry.group.id, entry]));
      const unsorted = [];
      for (const idea of store.ideasOf(tableId)) {
        let groupId = store.groupIdOf(idea);
        if (overrides && overrides.has(idea.id)) groupId = overrides.get(idea.id);
        const entry = groupId ? byId.get(groupId) : null;
        if (entry) entry.ideas.push(idea);
        else unsorted.push(idea);
      }
      return { unsorted, groups };
    },

    /**
     * The earlier idea this one probably repeats (its duplicate_of), when the
     * two can be merged: both known, visible and on the same table; else null.
     */
    duplicateOf(idea) {
      if (!idea || !idea.duplicate_of || idea.state !== "visible") return null;
      const other = store.ideas.get(idea.duplicate_of);
      if (!other || other.id === idea.id || other.state !== "visible" || other.table_id !== idea.table_id) return null;
      return other;
    },

    /** Actions of one table (null: the workshop-wide ones), oldest first. */
    actionsOf(tableId) {
      const list = [];
      for (const action of store.actions.values()) if ((action.table_id ?? null) === tableId) list.push(action);
      return list.sort((a, b) =>
        a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id < b.id ? -1 : 1,
      );
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

function byPosition(a, b) {
  const pa = Number.isFinite(a.position) ? a.position : Infinity;
  const pb = Number.isFinite(b.position) ? b.position : Infinity;
  if (pa !== pb) return pa - pb;
  const la = String(a.label || "");
  const lb = String(b.label || "");
  if (la !== lb) return la < lb ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The grouping fields with their defaults (a server without grouping sends none). */
function normaliseIdea(idea) {
  return {
    ...idea,
    group_id: idea.group_id ?? null,
    placement: idea.placement ?? null,
    confidence: typeof idea.confidence === "number" ? idea.confidence : null,
    suggestions: Array.isArray(idea.suggestions) ? idea.suggestions : [],
    duplicate_of: idea.duplicate_of ?? null,
    merged: Array.isArray(idea.merged) ? idea.merged : [],
  };
}

function putIdea(store, idea, keepHidden) {
  if (!idea || !idea.id) return;
  store.order.see(idea.id);
  if (idea.state === "visible" || keepHidden) store.ideas.set(idea.id, normaliseIdea(idea));
  else store.ideas.delete(idea.id);
}

/** Participants' new tables: moves are [{participant_id, table_id, from_table_id}]. */
function seat(store, moves) {
  for (const move of moves || []) {
    const p = store.participants.get(move.participant_id);
    if (p) p.table_id = move.table_id;
  }
}

/** Authors hidden on the projector: what a fresh projector snapshot would hold (no names). */
function forgetNames(store) {
  for (const [id, idea] of store.ideas) {
    store.ideas.set(id, { ...idea, author: null, merged: (idea.merged || []).map((m) => ({ ...m, author: null })) });
  }
  for (const [id, p] of store.participants) store.participants.set(id, { id: p.id, table_id: p.table_id });
}

function putGroup(store, group) {
  if (!group || !group.id) return;
  store.groups.set(group.id, { ...group });
}

/**
 * The facilitator put these ideas in a group (or back in "À classer" with
 * groupId null): as the server does, they are no longer suggestions.
 */
function placeIdeas(store, ids, groupId, placement = "facilitator") {
  for (const id of ids || []) {
    const idea = store.ideas.get(id);
    if (idea) store.ideas.set(id, { ...idea, group_id: groupId, placement, confidence: null, suggestions: [] });
  }
}

/** Ids of the ideas we hold in a group (a group gone from the server takes its ideas with it). */
function ideasIn(store, groupId) {
  const ids = [];
  for (const idea of store.ideas.values()) if (idea.group_id === groupId) ids.push(idea.id);
  return ids;
}

/** The engine's placement of one idea (idea_moved, a move of board_regrouped). */
function setPlacement(store, move) {
  const idea = move && store.ideas.get(move.id);
  if (!idea) return; // a hidden idea on the projector, or one we never had
  store.ideas.set(
    move.id,
    normaliseIdea({
      ...idea,
      group_id: move.group_id ?? null,
      placement: move.placement ?? null,
      confidence: move.confidence ?? null,
      suggestions: move.suggestions ?? idea.suggestions,
    }),
  );
}

const handlers = {
  idea_posted: (store, data, keepHidden) => putIdea(store, data.idea, keepHidden),
  idea_edited: (store, data, keepHidden) => putIdea(store, data.idea, keepHidden),
  idea_restored: (store, data, keepHidden) => putIdea(store, data.idea, keepHidden),
  // The engine placed an idea posted earlier (its group, confidence, suggestions, duplicate_of).
  idea_grouped: (store, data, keepHidden) => putIdea(store, data.idea, keepHidden),
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
  // An organiser erased these participants' names (docs/organisers.md): their ideas stay, unattributed.
  participant_erased: (store, data) => {
    const erased = new Map((data.participants || []).map((p) => [p.id, p]));
    for (const [id, p] of erased) {
      if (store.participants.has(id)) store.participants.set(id, { ...store.participants.get(id), ...p });
    }
    const rename = (author) =>
      author && erased.has(author.id)
        ? {
            id: author.id,
            first_name: erased.get(author.id).first_name,
            organisation: erased.get(author.id).organisation,
          }
        : author;
    for (const [id, idea] of store.ideas) {
      const merged = (idea.merged || []).map((m) => ({ ...m, author: rename(m.author) }));
      store.ideas.set(id, { ...idea, author: rename(idea.author), merged });
    }
  },
  retention_changed: () => {},
  archived_changed: () => {},
  participant_moved: (store, data) => {
    const p = store.participants.get(data.participant_id);
    if (p) p.table_id = data.table_id;
  },
  // -- round tables (docs/morning.md, "Round tables") ------------------------------
  tables_assigned: (store, data) => seat(store, data.moves),
  tables_rotated: (store, data) => {
    seat(store, data.moves);
    store.workshop.rotation_round = data.round;
  },
  show_authors_changed: (store, data, keepHidden) => {
    store.workshop.show_authors = Boolean(data.show);
    // A projector drops the names it holds; it gets them back with a fresh snapshot (projector.js).
    if (!keepHidden && !data.show) forgetNames(store);
  },
  idea_corrected: (store, data, keepHidden) => putIdea(store, data.idea, keepHidden),
  projector_view_changed: (store, data) => {
    store.workshop.projector_view = data.view;
  },
  // The lead holds or turns the projector's pages (projector.js); `rotationSteps` sums the nudges.
  projector_rotation_changed: (store, data) => {
    store.workshop.projector_paused = Boolean(data.paused);
    store.rotationSteps = (store.rotationSteps || 0) + (Number(data.step) || 0);
  },
  joining_changed: (store, data) => {
    store.workshop.joining_open = Boolean(data.open);
  },
  // -- organiser edits (docs/protocol.md, "Organiser edits") -------------------------
  workshop_updated: (store, data) => {
    if (data.workshop) store.workshop = { ...store.workshop, ...data.workshop };
    if (Array.isArray(data.agenda)) store.agenda = data.agenda.map((phase) => ({ ...phase }));
  },
  table_updated: (store, data) => {
    if (!data.table || data.table.id === undefined) return;
    store.tables = [...store.tables.filter((table) => table.id !== data.table.id), { ...data.table }].sort(
      (a, b) => a.number - b.number,
    );
    if (data.votes && store.votes) {
      const { dots, voters, tally } = data.votes;
      store.votes.set(data.table.id, {
        dots: Number(dots) || 0,
        voters: Number(voters) || 0,
        tally: Array.isArray(tally) ? tally : null,
      });
    }
  },
  table_removed: (store, data) => {
    store.tables = store.tables.filter((table) => table.id !== data.id);
    if (store.votes) store.votes.delete(data.id);
    seat(store, data.moves);
    for (const [id, group] of store.groups) if (group.table_id === data.id) store.groups.delete(id);
  },
  // -- agenda and timer (phase-state.js) ------------------------------------------
  phase_changed: (store, data) => {
    store.phase = normalisePhase(data.phase);
  },
  timer_changed: (store, data) => {
    store.phase = normalisePhase(data.phase);
  },
  // -- plenary restitution (restitution.js) -------------------------------------
  restitution_changed: (store, data) => {
    store.workshop.restitution = data.restitution || null;
  },
  spotlight_changed: (store, data) => {
    store.workshop.spotlight = data.spotlight || null;
  },

  // -- action plan and review (console-actions.js) --------------------------------
  action_created: (store, data) => {
    if (data.action && data.action.id) store.actions.set(data.action.id, { ...data.action });
  },
  action_updated: (store, data) => {
    if (data.action && data.action.id) store.actions.set(data.action.id, { ...data.action });
  },
  action_deleted: (store, data) => {
    store.actions.delete(data.id);
  },
  review_changed: (store, data) => {
    if (data.review) store.review = { ...store.review, ...data.review };
  },

  // -- grouping ---------------------------------------------------------------
  group_created: (store, data) => putGroup(store, data.group),
  group_renamed: (store, data) => putGroup(store, data.group),
  idea_moved: (store, data) => setPlacement(store, data),
  idea_pinned: (store, data) => {
    const idea = store.ideas.get(data.id);
    if (idea) store.ideas.set(data.id, { ...idea, pinned_at: data.pinned_at ?? null });
  },
  groups_merged: (store, data) => {
    const into = data.into;
    if (!into || !into.id || !data.id || into.id === data.id) return;
    putGroup(store, into);
    store.groups.delete(data.id);
    const ids = new Set([...(data.idea_ids || []), ...ideasIn(store, data.id)]);
    placeIdeas(store, ids, into.id);
  },
  group_split: (store, data) => {
    if (!data.group || !data.group.id) return;
    putGroup(store, data.group);
    placeIdeas(store, data.idea_ids, data.group.id);
  },
  // The undo of a merge or a removal: the group is back with these ideas.
  group_restored: (store, data) => {
    if (!data.group || !data.group.id) return;
    putGroup(store, data.group);
    placeIdeas(store, data.idea_ids, data.group.id);
  },
  group_removed: (store, data) => {
    if (!data.id) return;
    store.groups.delete(data.id);
    const ids = new Set([...(data.idea_ids || []), ...ideasIn(store, data.id)]);
    placeIdeas(store, ids, null, null); // back to the pool: no one decided where they go
  },

  // -- automatic grouping ---------------------------------------------------------
  board_regrouped: (store, data) => {
    for (const group of data.groups || []) putGroup(store, group);
    for (const move of data.moves || []) setPlacement(store, move);
  },
  idea_merged: (store, data, keepHidden) => {
    if (!data.id || (data.into && data.into.id === data.id)) return;
    store.ideas.delete(data.id);
    putIdea(store, data.into, keepHidden); // its `merged` list now credits the other author
    for (const id of data.repointed || []) {
      // proposals that named the merged idea now name `into`
      const idea = store.ideas.get(id);
      if (idea) store.ideas.set(id, { ...idea, duplicate_of: data.into.id });
    }
  },
  // undo of merge_ideas: the merged idea is back; the kept one no longer credits its author
  idea_unmerged: (store, data, keepHidden) => {
    if (data.idea) putIdea(store, data.idea, keepHidden);
    if (data.into) putIdea(store, data.into, keepHidden);
  },
  // undo of dismiss_duplicate: the proposal is back
  duplicate_flagged: (store, data) => {
    const idea = store.ideas.get(data.id);
    if (idea) store.ideas.set(data.id, { ...idea, duplicate_of: data.duplicate_of ?? null });
  },
  duplicate_dismissed: (store, data) => {
    const idea = store.ideas.get(data.id);
    if (idea && idea.duplicate_of !== null) store.ideas.set(data.id, { ...idea, duplicate_of: null });
  },
};
