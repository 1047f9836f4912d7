// Unit tests of the plenary restitution logic (run by tests/unit/test_js_restitution.py with Node):
// navigation across steps and tables, who may drive, and what each step shows, from a real staff store.
import assert from "node:assert/strict";
import { createStaffStore } from "../../static/js/staff-state.js";
import {
  STEPS,
  currentPosition,
  neighbour,
  canDrive,
  canSpotlight,
  isSpotlit,
  topRows,
  voteStep,
  groupsStep,
  spotlightItem,
  defaultTarget,
} from "../../static/js/restitution.js";

const idea = (id, table, group = null, state = "visible") => ({
  id,
  table_id: table,
  text: `idée ${id}`,
  state,
  group_id: group,
  author: { id: 1, first_name: "Anne", organisation: "CV" },
  created_at: `2026-01-01T00:00:0${id.length}Z`,
  updated_at: "2026-01-01T00:00:00Z",
});
const snapshot = {
  role: "projector",
  workshop: { code: "X", joining_open: false, projector_view: "all", restitution: null, spotlight: null },
  tables: [
    { id: 10, number: 1, theme: "A" },
    { id: 20, number: 2, theme: "B" },
    { id: 30, number: 3, theme: "C" },
  ],
  participants: [],
  groups: [
    { id: "g1", table_id: 10, label: "Tarifs", position: 0 },
    { id: "g2", table_id: 10, label: "Services", position: 1 },
  ],
  ideas: [idea("i1", 10, "g1"), idea("i2", 10, "g1"), idea("i3", 10), idea("i4", 20)],
  votes: {
    10: {
      dots: 7,
      voters: 3,
      tally: [
        { kind: "idea", id: "i1", votes: 3, rank: 1, tied: false },
        { kind: "idea", id: "i2", votes: 2, rank: 2, tied: true },
        { kind: "idea", id: "i3", votes: 2, rank: 2, tied: true },
      ],
    },
    20: { dots: 4, voters: 2, tally: null },
  },
};
const store = createStaffStore("projector");
store.reset(snapshot);
assert.equal(STEPS.length, 3);
assert.equal(currentPosition(store), null);

// Navigation: the lead starts at the first table and crosses tables; a table facilitator stays on theirs.
assert.deepEqual(neighbour(store, null, 1), { table_id: 10, step: 0 });
assert.equal(neighbour(store, null, -1), null);
assert.deepEqual(neighbour(store, { table_id: 10, step: 2 }, 1), { table_id: 20, step: 0 });
assert.deepEqual(neighbour(store, { table_id: 20, step: 0 }, -1), { table_id: 10, step: 2 });
assert.equal(neighbour(store, { table_id: 30, step: 2 }, 1), null);
assert.equal(neighbour(store, { table_id: 10, step: 0 }, -1), null);
assert.deepEqual(neighbour(store, { table_id: 20, step: 1 }, 1, 20), { table_id: 20, step: 2 });
assert.equal(neighbour(store, { table_id: 20, step: 2 }, 1, 20), null);
assert.equal(neighbour(store, { table_id: 20, step: 0 }, -1, 20), null);

// Events move the position; an unknown table or a bad step is read safely.
store.apply({ type: "restitution_changed", data: { restitution: { table_id: 20, step: 1 } } });
assert.deepEqual(currentPosition(store), { table_id: 20, step: 1 });
assert.equal(canDrive(store, null), true);
assert.equal(canDrive(store, 20), true);
assert.equal(canDrive(store, 10), false);
assert.equal(canSpotlight(store, 20, 20), true);
assert.equal(canSpotlight(store, 20, 10), false);
assert.equal(canSpotlight(store, null, 10), true);
store.apply({ type: "restitution_changed", data: { restitution: { table_id: 99, step: 0 } } });
assert.equal(currentPosition(store), null);
store.apply({ type: "restitution_changed", data: { restitution: { table_id: 10, step: 7 } } });
assert.deepEqual(currentPosition(store), { table_id: 10, step: 0 });
store.apply({ type: "restitution_changed", data: { restitution: null } });
assert.equal(canDrive(store, 10), false);

// The groups step: idea counts per group, and the ideas not in a group.
const groups = groupsStep(store, 10);
assert.deepEqual(
  groups.groups.map((e) => [e.group.label, e.count]),
  [
    ["Tarifs", 2],
    ["Services", 0],
  ],
);
assert.equal(groups.unsorted, 1);
assert.equal(groups.ideas, 3);

// The votes step: ranked, ties kept as ties; hidden results stay hidden; no dot is "empty".
const votes = voteStep(store, 10);
assert.equal(votes.state, "ranked");
assert.deepEqual(
  votes.rows.map((r) => [r.id, r.rank, r.tied]),
  [
    ["i1", 1, false],
    ["i2", 2, true],
    ["i3", 2, true],
  ],
);
assert.equal(voteStep(store, 20).state, "hidden");
assert.equal(voteStep(store, 30).state, "hidden"); // no results known: never show numbers
store.apply({ type: "votes_revealed", data: { table_id: 20, revealed: true, dots: 0, voters: 0, tally: [] } });
assert.equal(voteStep(store, 20).state, "empty");
const dots = [9, 8, 7, 6, 5, 5, 5, 1];
const many = dots.map((votes, i) => ({
  kind: "idea",
  id: `x${i}`,
  votes,
  rank: dots.indexOf(votes) + 1,
  tied: dots.filter((d) => d === votes).length > 1,
}));
// Ranks 1 to 5, with every item tied at rank 5 (ex aequo stay together); rank 8 is left out.
assert.deepEqual(
  topRows(many).map((r) => r.rank),
  [1, 2, 3, 4, 5, 5, 5],
);
assert.deepEqual(
  topRows(many, 2).map((r) => r.id),
  ["x0", "x1"],
);
assert.equal(topRows(null), null);
assert.deepEqual(topRows([{ kind: "idea", id: "z", votes: 0, rank: 1, tied: false }]), []);

// The remote's "spotlight the first": the first group, or the top-voted item.
assert.deepEqual(defaultTarget(store, { table_id: 10, step: 0 }), null);
assert.deepEqual(defaultTarget(store, { table_id: 10, step: 1 }), { kind: "group", id: "g1" });
assert.deepEqual(defaultTarget(store, { table_id: 10, step: 2 }), { kind: "idea", id: "i1" });

// Spotlight: an idea with its group, a group with its ideas; an item this screen lacks shows nothing.
store.apply({ type: "spotlight_changed", data: { spotlight: { kind: "idea", id: "i1", table_id: 10 } } });
assert.equal(isSpotlit(store, "idea", "i1"), true);
let item = spotlightItem(store);
assert.equal(item.kind, "idea");
assert.equal(item.idea.id, "i1");
assert.equal(item.group.label, "Tarifs");
store.apply({ type: "spotlight_changed", data: { spotlight: { kind: "group", id: "g1", table_id: 10 } } });
item = spotlightItem(store);
assert.deepEqual([item.kind, item.group.label, item.ideas.length], ["group", "Tarifs", 2]);
store.apply({ type: "idea_hidden", data: { id: "i1", table_id: 10 } });
assert.equal(spotlightItem(store).ideas.length, 1);
store.apply({ type: "spotlight_changed", data: { spotlight: { kind: "idea", id: "i1", table_id: 10 } } });
assert.equal(spotlightItem(store), null); // hidden: the projector no longer holds it
store.apply({ type: "spotlight_changed", data: { spotlight: null } });
assert.equal(spotlightItem(store), null);
assert.equal(isSpotlit(store, "idea", "i1"), false);

console.log("restitution ok");
