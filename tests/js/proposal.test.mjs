// Unit tests of "Regrouper"'s proposal on the console (run by tests/unit/test_js_proposal.py with Node):
// the ack's proposal kept for this console, what `accept_proposal` is sent, ideas gone meanwhile left out.
import assert from "node:assert/strict";
import { createStaffStore } from "../../static/js/staff-state.js";
import { acceptPayload, keepProposal, proposalsOf } from "../../static/js/console-proposal.js";

const anne = { id: 7, first_name: "Anne", organisation: "Cosmetic Valley" };
const idea = (id, text) => ({
  id,
  table_id: 1,
  text,
  state: "visible",
  author: anne,
  group_id: null,
  placement: null,
  confidence: null,
  suggestions: [],
  duplicate_of: null,
  merged: [],
  created_at: "2026-03-12T09:00:00Z",
  updated_at: "2026-03-12T09:00:00Z",
  corrected_at: null,
});
const group = { id: "g-old", table_id: 1, label: "Tarifs", label_source: "facilitator", position: 0, active: true };
const store = createStaffStore("facilitator");
store.reset({
  workshop: { code: "W", title: "T", joining_open: true, projector_view: "all", show_authors: true, rotation_round: 0 },
  tables: [{ id: 1, number: 1 }],
  participants: [{ ...anne, table_id: 1 }],
  ideas: [idea("i1", "Salon régional"), idea("i2", "Stand au salon"), idea("i3", "Cotisation réduite")],
  groups: [group],
});

const ui = {};
const kept = keepProposal(ui, 1, {
  table_id: 1,
  groups: [
    { group_id: "g-old", label: "Tarifs", idea_ids: ["i3"] },
    { group_id: null, label: "Salons", idea_ids: ["i1", "i2"] },
  ],
});
assert.equal(kept.length, 2);
assert.equal(proposalsOf(ui).get(1).groups.length, 2);
const fresh = kept[1];
assert.match(fresh.key, /^[0-9a-f-]{36}$/); // the new group's client-made id, kept for a retry
assert.equal(kept[0].key, "g-old");

// Accept all: an existing group by id, a new one with its id, label and whether it was renamed.
assert.deepEqual(acceptPayload(store, 1, kept), {
  table_id: 1,
  groups: [
    { group_id: "g-old", idea_ids: ["i3"] },
    { id: fresh.key, label: "Salons", renamed: false, idea_ids: ["i1", "i2"] },
  ],
});
fresh.label = "Salons et export";
fresh.renamed = true;
assert.deepEqual(acceptPayload(store, 1, [fresh]).groups, [
  { id: fresh.key, label: "Salons et export", renamed: true, idea_ids: ["i1", "i2"] },
]);

// An idea placed meanwhile (by another console) is left out; a group with none left is not sent.
store.apply({
  type: "board_regrouped",
  seq: 2,
  data: {
    table_id: 1,
    groups: [],
    moves: [
      { id: "i3", group_id: "g-old", placement: "auto", confidence: null, suggestions: [] },
      { id: "i2", group_id: "g-old", placement: "auto", confidence: null, suggestions: [] },
    ],
  },
});
assert.deepEqual(acceptPayload(store, 1, kept).groups, [
  { id: fresh.key, label: "Salons et export", renamed: true, idea_ids: ["i1"] },
]);

// Nothing proposed: nothing kept.
assert.deepEqual(keepProposal(ui, 1, { table_id: 1, groups: [] }), []);
assert.equal(proposalsOf(ui).has(1), false);
console.log("proposal ok");
