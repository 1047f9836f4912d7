// Replays a recorded morning through the browser's own stores and prints a JSON verdict.
//
//   node tests/js/replay.mjs <recording.json>
//
// The recording comes from tests/morning_recorder.py (made afresh by
// tests/server/test_shipped_reducers.py): for each screen, the messages it
// received in order and the fresh snapshots taken at each checkpoint. For
// every screen and every pair of checkpoints k < m this script starts the
// screen's store (static/js/staff-state.js or participant-state.js) from
// snapshot k, applies the envelopes received between k and m by the shared
// envelope rule (static/js/envelope.js), resets it on the fresh snapshots the
// page itself asked for meanwhile (as live-core.js does), and compares the
// store with a store reset from snapshot m. It also applies the server's answer to a
// `sync` from checkpoint k-1 (a page that slept) and compares it with snapshot k.
// A new event type needs nothing here: the store applies it, and the comparison
// shows whether it did so rightly.
import { readFileSync } from "node:fs";
import { APPLY, GAP, STALE, classify } from "../../static/js/envelope.js";
import { createStaffStore } from "../../static/js/staff-state.js";
import { createParticipantStore } from "../../static/js/participant-state.js";

const recording = JSON.parse(readFileSync(process.argv[2], "utf8"));

// -- what is compared -------------------------------------------------------------------
// The views below hold what the pages draw from a store. Two things are left out by
// construction: the order of unordered collections (Maps become [key, value] arrays
// sorted by key; tables, participants, groups and actions are sorted by id; the order
// the screens draw is compared through the stores' own ordering: boards, actionOrder,
// tableOrder), and a phone's ballot and vote items (they come from acks of cast_vote,
// retract_vote, move_vote and from get_votes, never from events: docs/protocol.md).
//
// Each normalisation removes a difference that is legitimate, with its reason; both
// sides (the replayed store and the store reset from the fresh snapshot) go through it.
// Those marked REPORTED are server-side gaps no store can close (the event lacks the
// data): remove them here once the server sends what is missing.
const GROUPING_FIELDS = ["group_id", "placement", "confidence", "suggestions", "duplicate_of"];
const ROOM_FLAGS = ["posting_open", "voting_open", "votes_revealed"];
const NORMALISATIONS = [
  {
    screens: "participant",
    why:
      "Grouping fields of a phone's ideas (group_id, placement, confidence, suggestions, duplicate_of): " +
      "grouping and duplicate events go to staff rooms only, and the phone shows neither groups nor duplicates.",
    apply: (view) => {
      for (const list of [view.myIdeas, view.tableIdeas]) {
        for (const [, idea] of list) for (const field of GROUPING_FIELDS) delete idea[field];
      }
    },
  },
  {
    screens: "participant",
    why:
      "A phone's own idea on another table follows only what my_idea_changed carries (state, text, updated_at, " +
      "corrected_at), not its `merged` credits nor its `pinned_at`. pinned_at is not shown on phones; the credits " +
      "are: REPORTED (server): merge_ideas tells the merged idea's author but not the kept idea's author when " +
      "they sit elsewhere, so their 'my ideas' lacks the co-author until the next snapshot.",
    apply: (view) => {
      for (const [, idea] of view.myIdeas) {
        if (!view.me || idea.table_id !== view.me.table_id) {
          delete idea.merged;
          delete idea.pinned_at;
        }
      }
    },
  },
  {
    screens: "participant",
    why:
      "Another table's posting_open, voting_open and votes_revealed on a phone: those events go to that " +
      "table's room only (reported: participant.js reads posting_open of the table of one's own idea after a move).",
    apply: (view) => {
      for (const table of view.tables) {
        if (!view.me || table.id !== view.me.table_id) for (const field of ROOM_FLAGS) delete table[field];
      }
    },
  },
];

const verdict = {
  ok: true,
  pairs_checked: 0,
  checked_by_screen: {},
  snapshots_taken: 0,
  sync_replays: {},
  events_applied: {},
  gaps: [],
  failures: [],
  normalisations: NORMALISATIONS.map((rule) => `${rule.screens}: ${rule.why}`),
};
const tally = (counts, key) => {
  counts[key] = (counts[key] || 0) + 1;
};

const byText = (a, b) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0);
const byKey = (map) => [...map.entries()].sort(([a], [b]) => byText(a, b));
const byId = (list) => [...list].sort((a, b) => byText(a.id, b.id));
function staffView(store) {
  return {
    workshop: store.workshop,
    agenda: store.agenda,
    phase: store.phase,
    tables: byId(store.tables),
    participants: byId(store.participants.values()),
    ideas: byId(store.ideas.values()),
    groups: byId(store.groups.values()),
    limits: store.limits,
    actions: byId(store.actions.values()),
    review: store.review,
    votes: byKey(store.votes),
    voteSettings: store.voteSettings,
    // What the console and the projector draw, in their order: each board's columns.
    boards: store.tables.map((table) => {
      const board = store.boardOf(table.id);
      return {
        table: table.id,
        unsorted: board.unsorted.map((i) => i.id),
        groups: board.groups.map((entry) => ({ id: entry.group.id, ideas: entry.ideas.map((i) => i.id) })),
      };
    }),
    actionOrder: store.tables
      .map((table) => table.id)
      .concat([null])
      .map((id) => store.actionsOf(id).map((action) => action.id)),
  };
}

function participantView(store) {
  return {
    workshop: store.workshop,
    agenda: store.agenda,
    phase: store.phase,
    me: store.me,
    tables: byId(store.tables),
    myIdeas: byKey(store.myIdeas),
    tableIdeas: byKey(store.tableIdeas),
    limits: store.limits,
    votes: byKey(store.votes),
    voteSettings: store.voteSettings,
    // The phone lists its table's ideas newest first.
    tableOrder: [...store.tableIdeas.values()].sort(store.order.newestFirst).map((i) => i.id),
  };
}

function makeStore(client, snapshot) {
  const store = client.kind === "staff" ? createStaffStore(snapshot.role) : createParticipantStore();
  store.reset(structuredClone(snapshot));
  return store;
}

function view(client, store) {
  const plain = JSON.parse(JSON.stringify(client.kind === "staff" ? staffView(store) : participantView(store)));
  for (const rule of NORMALISATIONS) if (rule.screens === "all" || rule.screens === client.kind) rule.apply(plain);
  return plain;
}

/** Paths where two JSON values differ, with both values. */
function differences(a, b, path = "", out = []) {
  if (Object.is(a, b)) return out;
  const bothObjects = a && b && typeof a === "object" && typeof b === "object" && Array.isArray(a) === Array.isArray(b);
  if (!bothObjects) {
    out.push({ path: path || "/", replayed: a, fresh: b });
    return out;
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) differences(a[key], b[key], `${path}/${key}`, out);
  return out;
}

/**
 * Follow one screen's messages from checkpoint `from` as live-core.js does:
 * an event is applied or ignored by the envelope rule, or held until the
 * event missing before it arrives (a gap still open at the end fails); after
 * "resync" (the page asked for a fresh snapshot: moved, join_table, names
 * back on the projector) events are held until the "snapshot" arrives, which
 * replaces the store, then the held ones are applied by the rule; when more
 * resyncs were asked for meanwhile, events are held again for the next one.
 */
function follow(name, client, from, to, store, count) {
  let last = from.seq;
  let held = null; // events held while a sync is pending (live-core.js `_buffer`)
  let early = []; // events that do not follow `last` yet: held for the missing one (live-core.js GAP_WAIT_MS)
  const gaps = [];
  const apply = (envelope) => {
    store.apply(structuredClone(envelope));
    last = envelope.seq;
    if (count) tally(verdict.events_applied, envelope.type);
  };
  const applyByRule = (envelope) => {
    const kind = classify(envelope, last);
    if (kind === GAP) early.push(envelope);
    if (kind !== APPLY) return;
    apply(envelope);
    // Events held for this one may follow now.
    for (let again = true; again; ) {
      again = false;
      early = early.filter((e) => classify(e, last) !== STALE);
      const next = early.find((e) => classify(e, last) === APPLY);
      if (next) {
        early = early.filter((e) => e !== next);
        apply(next);
        again = true;
      }
    }
  };
  for (const message of client.messages.slice(from.count, to.count)) {
    if (message.type === "error") gaps.push({ client: name, error: message.why });
    else if (message.type === "resync") held = held || [];
    else if (message.type === "snapshot") {
      store.reset(structuredClone(message.snapshot));
      last = message.seq;
      const waiting = [...(held || []), ...early].sort((a, b) => a.seq - b.seq);
      early = [];
      held = message.pending ? [] : null; // another sync follows: hold again (live-core.js `_again`)
      waiting.forEach(applyByRule);
      if (count) verdict.snapshots_taken += 1;
    } else if (message.type === "event") {
      if (held) held.push(message.envelope);
      else applyByRule(message.envelope);
    }
  }
  // A missing event that never came: the browser would have synced for it, the recording shows a fault.
  for (const e of early) gaps.push({ client: name, from: from.label, to: to.label, seq: e.seq, prev: e.prev, last });
  if (held && held.length) gaps.push({ client: name, from: from.label, to: to.label, error: "sync never answered" });
  return { last, gaps };
}

for (const [name, client] of Object.entries(recording.clients)) {
  const points = client.checkpoints;
  for (let k = 0; k < points.length; k += 1) {
    for (let m = k + 1; m < points.length; m += 1) {
      const from = points[k];
      const to = points[m];
      const store = makeStore(client, from.snapshot);
      // Count each event (and snapshot) once: on the pairs of consecutive checkpoints.
      const { last, gaps } = follow(name, client, from, to, store, m === k + 1);
      verdict.gaps.push(...gaps);
      verdict.pairs_checked += 1;
      tally(verdict.checked_by_screen, name);
      const diffs = differences(view(client, store), view(client, makeStore(client, to.snapshot)));
      if (last !== to.seq) diffs.push({ path: "(last seq)", replayed: last, fresh: to.seq });
      if (diffs.length) {
        verdict.failures.push({ client: name, from: from.label, to: to.label, diffs: diffs.slice(0, 8) });
      }
    }
  }
}

// A page that slept from checkpoint k-1 to k and syncs from its last seq: the
// server's replay (or snapshot) applied as live-core.js `_applySync` does.
for (const [name, client] of Object.entries(recording.clients)) {
  const points = client.checkpoints;
  for (let k = 1; k < points.length; k += 1) {
    const ack = points[k].replay;
    if (!ack) continue;
    if (
      client.role === "projector" &&
      ack.mode === "events" &&
      ack.events.some((e) => e.type === "show_authors_changed" && e.data.show)
    ) {
      tally(verdict.sync_replays, "events, then a snapshot (names back: projector.js)");
      continue;
    }
    const store = makeStore(client, points[k - 1].snapshot);
    let last = points[k - 1].seq;
    if (ack.mode === "snapshot") store.reset(structuredClone(ack.snapshot));
    else {
      for (const envelope of ack.events) {
        if (envelope.seq > last) {
          store.apply(structuredClone(envelope));
          last = envelope.seq;
        }
      }
    }
    tally(verdict.sync_replays, `${client.kind} ${ack.mode}`);
    const diffs = differences(view(client, store), view(client, makeStore(client, points[k].snapshot)));
    if (ack.seq !== points[k].seq) diffs.push({ path: "(sync head)", replayed: ack.seq, fresh: points[k].seq });
    if (diffs.length) {
      verdict.failures.push({
        client: name,
        from: points[k - 1].label,
        to: points[k].label,
        sync: ack.mode,
        diffs: diffs.slice(0, 8),
      });
    }
  }
}

verdict.ok = verdict.failures.length === 0 && verdict.gaps.length === 0 && verdict.pairs_checked > 0;
process.stdout.write(`${JSON.stringify(verdict, null, 1)}\n`);
